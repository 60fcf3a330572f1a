package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/contexts"
	"cairn/internal/did"
	"cairn/internal/org"
	"cairn/internal/sqlstore"
	"cairn/internal/status"
)

// IssuingDirectory is what the public issuing endpoints need beyond
// Issuers: DID documents, the signers of status lists kept under a DID,
// and signing credentials for the VC API. When Deps.Issuers provides it
// too (package issuer's Service does), the server serves did:web
// documents, status lists and POST /credentials/issue; otherwise those
// answer 404 or 503.
type IssuingDirectory interface {
	Issuers
	// DIDDocument returns the institution's did:web document; NotFound
	// when it has no identity or issues as did:key.
	DIDDocument(ctx context.Context, institutionID int64) (*did.Document, error)
	// ListSigner returns what signs the institution's status lists kept
	// under issuerDID.
	ListSigner(ctx context.Context, institutionID int64, issuerDID string) (sqlstore.ListSigner, error)
	// InstitutionByDID returns the institution that issues, or issued, as
	// issuerDID; NotFound when none does.
	InstitutionByDID(ctx context.Context, issuerDID string) (int64, error)
	// SignCredential adds the institution's eddsa-rdfc-2022 proof.
	SignCredential(ctx context.Context, institutionID int64, credential []byte) ([]byte, error)
}

// actIssueCredentials issues credentials through the VC API: an API token
// (never a browser session) whose person issues for an institution; the
// handler checks the token grants credentials:issue for the credential's
// issuer and the role at that issuer's institution.
const actIssueCredentials action = "credentials.issue"

// issuingRoles are the roles that may issue credentials through the VC
// API at an institution.
var issuingRoles = []org.Role{org.Issuer, org.Registrar, org.Administrator}

// mayIssue reports whether the actor may issue at the institution (0:
// anywhere) through the VC API.
func mayIssue(a *actor, institution int64) bool {
	return a.token != nil && a.hasRole(institution, issuingRoles...)
}

// publicMaxAge is how long caches may keep DID documents and status lists.
const publicMaxAge = 300 * time.Second

func (s *Server) directory() (IssuingDirectory, bool) {
	d, ok := s.issuers.(IssuingDirectory)
	return d, ok
}

// validSlug reports whether s could be an institution's slug (see
// org.Institution), so that anything else is refused before a lookup.
func validSlug(s string) bool {
	if s == "" || len(s) > org.MaxSlugLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || (c == '-' || c == '_') && i > 0) {
			return false
		}
	}
	return true
}

var errNothingHere = statusError{http.StatusNotFound, "There is nothing at this address."}

// didDocument serves an institution's did:web document at
// /institutions/{slug}/did.json, where did:web resolvers look for it.
func (s *Server) didDocument(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	if !validSlug(slug) {
		return apperror.Field("slug", "must be an institution's short name: lower-case letters, digits, '-' or '_'")
	}
	dir, ok := s.directory()
	if !ok {
		return errNothingHere
	}
	inst, err := s.store.InstitutionBySlug(r.Context(), slug)
	if apperror.CodeOf(err) == apperror.NotFound {
		return errNothingHere
	}
	if err != nil {
		return err
	}
	doc, err := dir.DIDDocument(r.Context(), inst.ID)
	if apperror.CodeOf(err) == apperror.NotFound {
		return statusError{http.StatusNotFound, "This institution has no did:web document: it issues as did:key, or has not issued yet."}
	}
	if err != nil {
		return err
	}
	body, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("encode DID document: %w", err)
	}
	serveCacheable(w, r, "application/did+json", body)
	return nil
}

// statusListCredential serves the signed status list credential at
// /status/{id}, the URL award.Pipeline.StatusListURL gives: as last
// signed, or signed afresh when a bit changed since.
func (s *Server) statusListCredential(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return apperror.Field("id", "must be a status list number")
	}
	dir, ok := s.directory()
	if !ok {
		return errNothingHere
	}
	l, err := s.store.StatusList(r.Context(), id)
	if apperror.CodeOf(err) == apperror.NotFound {
		return errNothingHere
	}
	if err != nil {
		return err
	}
	ls, err := dir.ListSigner(r.Context(), l.InstitutionID, l.Issuer)
	if apperror.CodeOf(err) == apperror.NotFound {
		return statusError{http.StatusNotFound, "This status list's issuing key was destroyed, so it is no longer published."}
	}
	if err != nil {
		return err
	}
	body, err := s.store.StatusListCredential(r.Context(), ls, id)
	if err != nil {
		return err
	}
	ctype := "application/vc+ld+json"
	if len(body) > 0 && body[0] != '{' {
		ctype = "application/vc+jwt"
	}
	serveCacheable(w, r, ctype, body)
	return nil
}

// serveCacheable writes a public document that caches may keep for
// publicMaxAge and any site may read, with a strong ETag so that a
// revalidation costs a 304.
func serveCacheable(w http.ResponseWriter, r *http.Request, contentType string, body []byte) {
	w.Header().Set("Cache-Control", "public, max-age="+strconv.Itoa(int(publicMaxAge/time.Second)))
	w.Header().Set("Access-Control-Allow-Origin", "*")
	writeDocument(w, r, contentType, body)
}

// Limits on a credential to issue through the VC API.
const maxIssueSubjects = 100

// issueOptions are the VC API issue options cairn acts on; others are
// accepted and ignored, as the VC API allows.
type issueOptions struct {
	CredentialStatus *struct {
		Type          string `json:"type"`
		StatusPurpose string `json:"statusPurpose"`
	} `json:"credentialStatus"`
}

// issueCredential is the VC API's POST /credentials/issue: the
// credential, unsigned, comes back with the issuer's eddsa-rdfc-2022
// proof (201), and a BitstringStatusListEntry from the issuer's status
// list when the options ask for one. The API token must grant
// credentials:issue for the credential's issuer, and its person issue for
// that issuer's institution. Malformed requests are 400; a credential that
// cannot be signed as it stands (terms its contexts do not define, dates
// out of order) is 422.
func (s *Server) issueCredential(w http.ResponseWriter, r *http.Request) error {
	dir, ok := s.directory()
	if !ok {
		return statusError{http.StatusServiceUnavailable, "Issuing is not set up on this server."}
	}
	var req struct {
		Credential json.RawMessage `json:"credential"`
		Options    json.RawMessage `json:"options"`
	}
	if err := decodeRequest(r, &req); err != nil {
		return err
	}
	cred, version, err := issuableCredential(req.Credential)
	if err != nil {
		return err
	}
	var opts issueOptions
	if o := bytes.TrimSpace(req.Options); len(o) > 0 && !bytes.Equal(o, []byte("null")) {
		if err := json.Unmarshal(o, &opts); err != nil {
			return apperror.Field("options", "must be a JSON object of issue options: %v", err)
		}
	}
	purpose := ""
	if cs := opts.CredentialStatus; cs != nil {
		if cs.Type != "BitstringStatusListEntry" {
			return apperror.Field("options.credentialStatus.type", "cairn issues BitstringStatusListEntry status entries, not %q", cs.Type)
		}
		switch purpose = cs.StatusPurpose; purpose {
		case "":
			purpose = status.PurposeRevocation
		case status.PurposeRevocation, status.PurposeSuspension:
		default:
			return apperror.Field("options.credentialStatus.statusPurpose", "must be revocation or suspension, not %q", purpose)
		}
		if _, has := cred["credentialStatus"]; has {
			return apperror.Field("credential.credentialStatus", "is set, and options.credentialStatus asks for another; send one")
		}
	}

	issuerDID := idOf(cred["issuer"])
	a := actorOf(r.Context())
	if a.token == nil || !a.token.Allows(ScopeCredentialsIssue, issuerDID) {
		return apperror.New(apperror.Forbidden, "the API token does not grant %s for %s", ScopeCredentialsIssue, issuerDID)
	}
	instID, err := dir.InstitutionByDID(r.Context(), issuerDID)
	if apperror.CodeOf(err) == apperror.NotFound {
		return apperror.New(apperror.Forbidden, "cairn holds no issuing key of %s", issuerDID)
	}
	if err != nil {
		return err
	}
	if !mayIssue(a, instID) {
		return apperror.New(apperror.Forbidden, "your roles do not allow this: issuing for %s needs the issuer, registrar or administrator role at its institution", issuerDID)
	}
	iss, err := dir.Issuer(r.Context(), instID)
	if err != nil {
		return err
	}
	if iss.IssuerID() != issuerDID {
		return statusError{http.StatusUnprocessableEntity, fmt.Sprintf("%s is retired: the institution now issues as %s.", issuerDID, iss.IssuerID())}
	}

	if purpose != "" {
		slot, err := s.store.AllocateStatusEntry(r.Context(), instID, issuerDID, purpose)
		if err != nil {
			return err
		}
		listURL := iss.StatusListURL(slot.ListID)
		cred["credentialStatus"] = map[string]any{
			"id":                   listURL + "#" + strconv.Itoa(slot.Index),
			"type":                 "BitstringStatusListEntry",
			"statusPurpose":        purpose,
			"statusListIndex":      strconv.Itoa(slot.Index),
			"statusListCredential": listURL,
		}
		if version == 1 {
			addContext(cred, contexts.StatusListV1)
		}
	}
	if _, has := cred["id"]; !has {
		// Not required, but verifiers and wallets key credentials by it.
		id, err := newURNUUID()
		if err != nil {
			return err
		}
		cred["id"] = id
	}
	if version == 1 {
		if _, has := cred["issuanceDate"]; !has {
			cred["issuanceDate"] = s.now().UTC().Format(time.RFC3339)
		}
		// The VC 1.1 context does not define the proof's terms.
		addContext(cred, contexts.DataIntegrityV2)
	}
	doc, err := json.Marshal(cred)
	if err != nil {
		return apperror.Field("credential", "cannot be encoded again: %v", err)
	}
	signed, err := dir.SignCredential(r.Context(), instID, doc)
	if err != nil {
		if apperror.CodeOf(err) == apperror.Invalid {
			return detailedError{statusError{http.StatusUnprocessableEntity, "The credential cannot be signed as it stands."}, []string{err.Error()}}
		}
		return err
	}
	s.log.InfoContext(r.Context(), "credential issued", "issuer", issuerDID, "id", idOf(cred["id"]), "status", purpose != "")
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusCreated, struct {
		VerifiableCredential json.RawMessage `json:"verifiableCredential"`
	}{signed})
}

// issuableCredential decodes the credential of an issue request and
// checks what the VC data model (1.1 or 2.0, the version returned)
// requires of an unsigned credential.
func issuableCredential(raw json.RawMessage) (map[string]any, int, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, 0, apperror.Field("credential", "is required")
	}
	if raw[0] != '{' {
		return nil, 0, apperror.Field("credential", "must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // numbers go into the proof as written
	var cred map[string]any
	if err := dec.Decode(&cred); err != nil {
		return nil, 0, apperror.Field("credential", "is not valid JSON")
	}
	ctxs, ok := cred["@context"].([]any)
	if !ok || len(ctxs) == 0 {
		return nil, 0, apperror.Field("credential.@context", "must be an array whose first item is the VC 1.1 or 2.0 context")
	}
	version := 0
	switch ctxs[0] {
	case contexts.CredentialsV1:
		version = 1
	case contexts.CredentialsV2:
		version = 2
	default:
		return nil, 0, apperror.Field("credential.@context", "must start with %s or %s", contexts.CredentialsV2, contexts.CredentialsV1)
	}
	for i, c := range ctxs {
		switch c.(type) {
		case string, map[string]any:
		default:
			return nil, 0, apperror.Field("credential.@context", "item %d is neither a URL nor an object", i)
		}
	}
	if !hasType(cred["type"], "VerifiableCredential") {
		return nil, 0, apperror.Field("credential.type", "must include VerifiableCredential")
	}
	if id, has := cred["id"]; has {
		if s, ok := id.(string); !ok || !strings.Contains(s, ":") {
			return nil, 0, apperror.Field("credential.id", "must be a URL")
		}
	}
	issuer := idOf(cred["issuer"])
	if !strings.HasPrefix(issuer, "did:") {
		return nil, 0, apperror.Field("credential.issuer", "must be the DID of the issuer, or an object whose id is")
	}
	switch subj := cred["credentialSubject"].(type) {
	case map[string]any:
		if len(subj) == 0 {
			return nil, 0, apperror.Field("credential.credentialSubject", "must not be empty")
		}
	case []any:
		if len(subj) == 0 || len(subj) > maxIssueSubjects {
			return nil, 0, apperror.Field("credential.credentialSubject", "must hold 1 to %d subjects", maxIssueSubjects)
		}
		for _, x := range subj {
			if m, ok := x.(map[string]any); !ok || len(m) == 0 {
				return nil, 0, apperror.Field("credential.credentialSubject", "must be objects")
			}
		}
	default:
		return nil, 0, apperror.Field("credential.credentialSubject", "is required: an object, or an array of objects")
	}
	if _, has := cred["proof"]; has {
		return nil, 0, apperror.Field("credential.proof", "must be absent: cairn signs the credential")
	}
	from, until := "validFrom", "validUntil"
	if version == 1 {
		from, until = "issuanceDate", "expirationDate"
	}
	var times [2]time.Time
	for i, name := range []string{from, until} {
		v, has := cred[name]
		if !has {
			continue
		}
		s, _ := v.(string)
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, 0, apperror.Field("credential."+name, "must be an XML Schema dateTime such as 2026-06-01T00:00:00Z")
		}
		times[i] = t
	}
	if !times[0].IsZero() && !times[1].IsZero() && times[1].Before(times[0]) {
		return nil, 0, detailedError{statusError{http.StatusUnprocessableEntity, "The credential is no longer valid before it is valid."},
			[]string{fmt.Sprintf("%s %s is before %s %s", until, times[1].Format(time.RFC3339), from, times[0].Format(time.RFC3339))}}
	}
	return cred, version, nil
}

// addContext appends a context URL to the credential's @context unless it
// is there already.
func addContext(cred map[string]any, url string) {
	ctxs, _ := cred["@context"].([]any)
	for _, c := range ctxs {
		if c == url {
			return
		}
	}
	cred["@context"] = append(ctxs, url)
}

// newURNUUID returns a random (version 4) urn:uuid.
func newURNUUID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("credential id: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return "urn:uuid:" + h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}
