package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/award"
	"cairn/internal/did"
	"cairn/internal/issuer"
	"cairn/internal/org"
)

// IssuerAdmin is what the administration of issuing identities needs of
// Deps.Issuers: package issuer's Service provides it. Without it the
// pages say issuing is not set up.
type IssuerAdmin interface {
	Identity(ctx context.Context, institutionID int64) (issuer.Identity, error)
	Ensure(ctx context.Context, institutionID int64, settings issuer.Settings) (issuer.Identity, error)
	Rotate(ctx context.Context, institutionID, by int64) (issuer.Identity, error)
	SetFormat(ctx context.Context, institutionID int64, f award.Format, by int64) (issuer.Identity, error)
}

func (s *Server) issuerAdmin() (IssuerAdmin, bool) {
	a, ok := s.issuers.(IssuerAdmin)
	return a, ok
}

var errNoIssuing = statusError{http.StatusServiceUnavailable, "Issuing is not set up on this server."}

// issuingView is the issuing identity page.
type issuingView struct {
	Institution org.Institution
	Available   bool
	Identity    *issuer.Identity
	// DocumentURL is where the did:web document is served.
	DocumentURL string
	Formats     []formatOption
	// WebPossible is whether did:web can be chosen: the public URL is
	// https.
	WebPossible bool
	Done, Error string
}

type formatOption struct {
	Value    award.Format
	Label    string
	Selected bool
}

var formatLabels = []formatOption{
	{award.FormatDI, "Data Integrity proof (eddsa-rdfc-2022), recommended", false},
	{award.FormatJWT, "VC-JOSE JWT", false},
	{award.FormatBoth, "Both: a Data Integrity proof and a JWT", false},
}

func (s *Server) issuingView(ctx context.Context, inst org.Institution) (*issuingView, error) {
	v := &issuingView{Institution: inst, WebPossible: strings.HasPrefix(s.cfg.BaseURL, "https://")}
	adm, ok := s.issuerAdmin()
	v.Available = ok
	cur := award.FormatDI
	if ok {
		id, err := adm.Identity(ctx, inst.ID)
		switch {
		case err == nil:
			v.Identity = &id
			cur = id.Format
			v.DocumentURL = documentURL(id)
		case apperror.CodeOf(err) != apperror.NotFound:
			return nil, err
		}
	}
	for _, f := range formatLabels {
		f.Selected = f.Value == cur
		v.Formats = append(v.Formats, f)
	}
	return v, nil
}

var issuingDone = map[string]string{
	"created": "The issuing identity is set up.",
	"rotated": "A new key signs from now on; the old one stays published so that what it signed still verifies.",
	"format":  "The proof format is changed for credentials issued from now on.",
}

// adminIssuingPage shows an institution's issuing identity: its DID, the
// proof format and the keys, with forms to set it up, rotate the key and
// change the format.
func (s *Server) adminIssuingPage(w http.ResponseWriter, r *http.Request) error {
	inst, err := s.adminInstitution(r)
	if err != nil {
		return err
	}
	v, err := s.issuingView(r.Context(), inst)
	if err != nil {
		return err
	}
	v.Done = issuingDone[r.URL.Query().Get("done")]
	s.render(w, r, http.StatusOK, "admin_issuing", "Issuing identity · "+inst.Name, v)
	return nil
}

// adminIssuingAction sets up the identity (action=create, with method and
// format), rotates its key (action=rotate) or changes its proof format
// (action=format).
func (s *Server) adminIssuingAction(w http.ResponseWriter, r *http.Request) error {
	inst, err := s.adminForm(r)
	if err != nil {
		return err
	}
	done, err := s.changeIssuing(r.Context(), inst, r.PostForm.Get("action"), r.PostForm.Get("method"), r.PostForm.Get("format"))
	if err != nil {
		code := apperror.CodeOf(err)
		if code != apperror.Invalid && code != apperror.Conflict {
			return err
		}
		v, verr := s.issuingView(r.Context(), inst)
		if verr != nil {
			return verr
		}
		v.Error = refusal(err)
		s.render(w, r, statusOf(code), "admin_issuing", "Issuing identity · "+inst.Name, v)
		return nil
	}
	adminRedirect(w, r, institutionPath(inst.ID)+"/issuing", done)
	return nil
}

// changeIssuing does one change to an institution's identity and says
// which.
func (s *Server) changeIssuing(ctx context.Context, inst org.Institution, action, method, format string) (string, error) {
	by := actorOf(ctx).person.ID
	switch action {
	case "create", "rotate", "format":
	default:
		return "", apperror.Field("action", "must be create, rotate or format")
	}
	adm, ok := s.issuerAdmin()
	if !ok {
		return "", errNoIssuing
	}
	switch action {
	case "create":
		m, err := issuer.ParseMethod(method)
		if err != nil {
			return "", err
		}
		f, err := award.ParseFormat(format)
		if err != nil {
			return "", err
		}
		if _, err := adm.Identity(ctx, inst.ID); err == nil {
			return "", apperror.New(apperror.Conflict, "%s has an issuing identity already; rotate its key or change its format", inst.Name)
		}
		_, err = adm.Ensure(ctx, inst.ID, issuer.Settings{Method: m, Format: f})
		return "created", err
	case "rotate":
		_, err := adm.Rotate(ctx, inst.ID, by)
		return "rotated", err
	}
	f, err := award.ParseFormat(format)
	if err != nil {
		return "", err
	}
	_, err = adm.SetFormat(ctx, inst.ID, f, by)
	return "format", err
}

// issuerJSON is an issuing identity in the API.
type issuerJSON struct {
	Institution        int64          `json:"institution"`
	Method             issuer.Method  `json:"method"`
	DID                string         `json:"did"`
	Format             award.Format   `json:"format"`
	VerificationMethod string         `json:"verificationMethod"`
	DocumentURL        string         `json:"documentUrl,omitempty"`
	Keys               []issuerKeyRef `json:"keys"`
}

type issuerKeyRef struct {
	ID                 int64      `json:"id"`
	VerificationMethod string     `json:"verificationMethod"`
	Type               string     `json:"type"`
	CreatedAt          time.Time  `json:"createdAt"`
	RetiredAt          *time.Time `json:"retiredAt,omitempty"`
	DestroyedAt        *time.Time `json:"destroyedAt,omitempty"`
}

// documentURL is where resolvers fetch a did:web identity's document;
// "" for did:key.
func documentURL(id issuer.Identity) string {
	if id.Method != issuer.MethodWeb {
		return ""
	}
	u, err := did.WebDIDToURL(id.DID)
	if err != nil {
		return ""
	}
	return u
}

func (s *Server) issuerJSON(inst org.Institution, id issuer.Identity) issuerJSON {
	out := issuerJSON{Institution: inst.ID, Method: id.Method, DID: id.DID, Format: id.Format, VerificationMethod: id.VerificationMethod, Keys: []issuerKeyRef{}}
	out.DocumentURL = documentURL(id)
	opt := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		return &t
	}
	for _, k := range id.Keys {
		out.Keys = append(out.Keys, issuerKeyRef{ID: k.ID, VerificationMethod: k.VerificationMethod, Type: string(k.Type),
			CreatedAt: k.CreatedAt, RetiredAt: opt(k.RetiredAt), DestroyedAt: opt(k.DestroyedAt)})
	}
	return out
}

// apiIssuer is GET /api/v1/institutions/{id}/issuer.
func (s *Server) apiIssuer(w http.ResponseWriter, r *http.Request) error {
	inst, err := s.adminInstitution(r)
	if err != nil {
		return err
	}
	adm, ok := s.issuerAdmin()
	if !ok {
		return errNoIssuing
	}
	id, err := adm.Identity(r.Context(), inst.ID)
	if apperror.CodeOf(err) == apperror.NotFound {
		return apperror.New(apperror.NotFound, "%s has no issuing identity yet; it is made at the first award, or with PUT", inst.Name)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, s.issuerJSON(inst, id))
}

// apiPutIssuer is PUT /api/v1/institutions/{id}/issuer: sets the identity
// up with {"method", "format"}, or changes the format of an existing one
// (its method cannot change).
func (s *Server) apiPutIssuer(w http.ResponseWriter, r *http.Request) error {
	inst, err := s.adminInstitution(r)
	if err != nil {
		return err
	}
	var req struct {
		Method string `json:"method"`
		Format string `json:"format"`
	}
	if err := decodeRequest(r, &req); err != nil {
		return err
	}
	adm, ok := s.issuerAdmin()
	if !ok {
		return errNoIssuing
	}
	status := http.StatusOK
	cur, err := adm.Identity(r.Context(), inst.ID)
	switch {
	case apperror.CodeOf(err) == apperror.NotFound:
		if req.Method == "" {
			req.Method = string(issuer.MethodKey)
			if strings.HasPrefix(s.cfg.BaseURL, "https://") {
				req.Method = string(issuer.MethodWeb)
			}
		}
		if req.Format == "" {
			req.Format = string(award.FormatDI)
		}
		if _, err := s.changeIssuing(r.Context(), inst, "create", req.Method, req.Format); err != nil {
			return err
		}
		status = http.StatusCreated
	case err != nil:
		return err
	default:
		if req.Method != "" && req.Method != string(cur.Method) {
			return apperror.Field("method", "%s issues as %s; the method of an identity cannot change", inst.Name, cur.Method)
		}
		if req.Format != "" {
			if _, err := s.changeIssuing(r.Context(), inst, "format", "", req.Format); err != nil {
				return err
			}
		}
	}
	id, err := adm.Identity(r.Context(), inst.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, status, s.issuerJSON(inst, id))
}

// apiRotateIssuer is POST /api/v1/institutions/{id}/issuer/rotate.
func (s *Server) apiRotateIssuer(w http.ResponseWriter, r *http.Request) error {
	inst, err := s.adminInstitution(r)
	if err != nil {
		return err
	}
	adm, ok := s.issuerAdmin()
	if !ok {
		return errNoIssuing
	}
	id, err := adm.Rotate(r.Context(), inst.ID, actorOf(r.Context()).person.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, s.issuerJSON(inst, id))
}
