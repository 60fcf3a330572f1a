package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"cairn/internal/apperror"
	"cairn/internal/ob"
	"cairn/internal/org"
	"cairn/internal/registry"
	"cairn/internal/sqlstore"
	"cairn/internal/status"
)

// Endorsements (issue 5 item 6). Staff who may award an offering invite a
// partner to endorse it with a one-time link; the partner fills in a form
// at /endorse/{token}, and the institution issues an EndorsementCredential
// recording the statement. Partners hold no keys, so the credential's
// issuer is the institution (its issuing identity signs it, as every
// credential cairn issues): the institution attests that this partner
// made this statement about the achievement. The endorser is named in the
// credential's name and in an evidence entry carrying the statement, never
// as the issuer, which would misstate who signed. The endorser's email is
// kept for the institution only. The credential carries an entry in the
// institution's revocation status list (the one its awards use), whose
// bit is set when staff withdraw the endorsement, so that every copy of
// it then fails verification.

// endorsementsView is the staff page of an offering's endorsements.
type endorsementsView struct {
	OfferingID int64
	Title      string
	Partners   []org.Partner
	// Link is a new invitation link, shown this once.
	Link         string
	Endorsements []sqlstore.Endorsement
	Problem      string
	// Done says what the last action did; Withdraw is the endorsement a
	// refused withdrawal was of, with its problem and the reason given,
	// shown again.
	Done     string
	Withdraw withdrawForm
}

// withdrawForm is a withdrawal the page shows again with its problem.
type withdrawForm struct {
	ID      int64
	Reason  string
	Problem string
}

func (s *Server) endorsementsView(r *http.Request, o sqlstore.Offering) (endorsementsView, error) {
	v := endorsementsView{OfferingID: o.ID, Title: o.Draft.Title}
	var err error
	if v.Partners, err = s.store.Partners(r.Context(), o.InstitutionID); err != nil {
		return v, err
	}
	v.Endorsements, err = s.store.Endorsements(r.Context(), o.ID)
	return v, err
}

// endorsementsPage is GET /offerings/{id}/endorsements.
func (s *Server) endorsementsPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	o, err := s.mayAward(r.Context(), actorOf(r.Context()), id)
	if err != nil {
		return err
	}
	v, err := s.endorsementsView(r, o)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("done") == "withdrawn" {
		v.Done = "The endorsement was withdrawn: it is no longer shown in the registry or in later awards."
	}
	s.render(w, r, http.StatusOK, "endorsements", "Endorsements: "+v.Title, v)
	return nil
}

// withdrawEndorsementPage is POST
// /offerings/{id}/endorsements/{endorsement}/withdraw: the endorsement is
// withdrawn for the reason given, which is required. Whoever may invite
// endorsements of the offering may withdraw them.
func (s *Server) withdrawEndorsementPage(w http.ResponseWriter, r *http.Request) error {
	id, err := postedPathID(r, "id")
	if err != nil {
		return err
	}
	a := actorOf(r.Context())
	o, err := s.mayAward(r.Context(), a, id)
	if err != nil {
		return err
	}
	eid, err := pathID(r, "endorsement")
	if err != nil {
		return err
	}
	reason := r.PostForm.Get("reason")
	ls, err := s.endorsementListSigner(r, o.ID, eid)
	if err != nil {
		return err
	}
	err = s.store.WithdrawEndorsement(r.Context(), ls, o.ID, eid, a.person.ID, reason)
	if apperror.CodeOf(err) == apperror.Invalid {
		v, verr := s.endorsementsView(r, o)
		if verr != nil {
			return verr
		}
		v.Withdraw = withdrawForm{ID: eid, Reason: reason, Problem: apperror.MessageOf(err)}
		s.render(w, r, http.StatusUnprocessableEntity, "endorsements", "Endorsements: "+v.Title, v)
		return nil
	}
	if err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "endorsement withdrawn", "offering", o.ID, "endorsement", eid, "by", a.person.ID)
	http.Redirect(w, r, "/offerings/"+strconv.FormatInt(o.ID, 10)+"/endorsements?done=withdrawn", http.StatusSeeOther)
	return nil
}

// endorsementListSigner returns what signs the revocation list of the
// endorsement's credential: nil when it has no entry (endorsements made
// before their credentials carried one) or when the list's issuing key was
// destroyed, so that the list is no longer published.
func (s *Server) endorsementListSigner(r *http.Request, offeringID, id int64) (sqlstore.ListSigner, error) {
	e, err := s.store.Endorsement(r.Context(), offeringID, id)
	if err != nil || e.Revocation.ListID == 0 {
		return nil, err
	}
	dir, ok := s.directory()
	if !ok {
		return nil, statusError{http.StatusServiceUnavailable, "The endorsement cannot be withdrawn: this server has no issuing service to publish its revocation."}
	}
	l, err := s.store.StatusList(r.Context(), e.Revocation.ListID)
	if err != nil {
		return nil, err
	}
	ls, err := dir.ListSigner(r.Context(), l.InstitutionID, l.Issuer)
	if apperror.CodeOf(err) == apperror.NotFound {
		return nil, nil
	}
	return ls, err
}

// inviteEndorsementPage is POST /offerings/{id}/endorsements: a new
// one-time invitation link, shown once.
func (s *Server) inviteEndorsementPage(w http.ResponseWriter, r *http.Request) error {
	id, err := postedPathID(r, "id")
	if err != nil {
		return err
	}
	a := actorOf(r.Context())
	o, err := s.mayAward(r.Context(), a, id)
	if err != nil {
		return err
	}
	var partnerID int64
	if p := strings.TrimSpace(r.PostForm.Get("partner_id")); p != "" {
		if _, err := fmt.Sscan(p, &partnerID); err != nil || partnerID <= 0 {
			return apperror.Field("partner_id", "must be one of the institution's partners")
		}
	}
	token, _, err := s.store.InviteEndorsement(r.Context(), o.ID, partnerID, a.person.ID)
	status := http.StatusCreated
	v, verr := s.endorsementsView(r, o)
	if verr != nil {
		return verr
	}
	switch {
	case apperror.CodeOf(err) == apperror.Invalid || apperror.CodeOf(err) == apperror.Conflict:
		status, v.Problem = http.StatusUnprocessableEntity, apperror.MessageOf(err)
	case err != nil:
		return err
	default:
		v.Link = s.publicBase(r) + "/endorse/" + token
		s.log.InfoContext(r.Context(), "endorsement invited", "offering", o.ID, "partner", partnerID, "by", a.person.ID)
	}
	s.render(w, r, status, "endorsements", "Endorsements: "+v.Title, v)
	return nil
}

// endorseView is the public endorsement form.
type endorseView struct {
	Label   registry.Label
	Page    string
	Partner string
	Form    endorseForm
	Problem string
	Done    bool
	// institution is the offering's institution, whose identity signs.
	institution int64
}

type endorseForm struct {
	Name, Organisation, URL, Email, Comment string
}

// endorsement loads the invitation of the path's token and the label of
// its offering; a used or expired link is refused.
func (s *Server) endorsement(w http.ResponseWriter, r *http.Request) (sqlstore.EndorsementInvitation, endorseView, error) {
	// The token is in the URL: keep it out of caches and Referer headers.
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	var v endorseView
	inv, err := s.store.EndorsementInvitationByToken(r.Context(), r.PathValue("token"))
	if apperror.CodeOf(err) == apperror.NotFound {
		return inv, v, apperror.New(apperror.NotFound, "this endorsement link is not known; ask the institution for a new one")
	}
	if err != nil {
		return inv, v, err
	}
	if !inv.Usable(s.now()) {
		return inv, v, apperror.New(apperror.Conflict, "this endorsement link has been used or has expired; ask the institution for a new one")
	}
	o, err := s.store.Offering(r.Context(), inv.OfferingID)
	if err != nil {
		return inv, v, err
	}
	v.institution = o.InstitutionID
	instSlug, offSlug, err := s.store.RegistrySlug(r.Context(), inv.OfferingID)
	if err == nil {
		v.Label, err = s.store.RegistryLabel(r.Context(), instSlug, offSlug)
	}
	if apperror.CodeOf(err) == apperror.NotFound {
		return inv, v, apperror.New(apperror.NotFound, "the offering of this link is not published, so it cannot be endorsed")
	}
	if err != nil {
		return inv, v, err
	}
	v.Page = v.Label.URLs(s.publicBase(r)).Page
	if inv.PartnerID != 0 {
		if p, err := s.store.Partner(r.Context(), inv.PartnerID); err == nil {
			v.Partner, v.Form.Organisation, v.Form.URL = p.Name, p.Name, p.Website
		}
	}
	return inv, v, nil
}

// endorseFormPage is GET /endorse/{token}.
func (s *Server) endorseFormPage(w http.ResponseWriter, r *http.Request) error {
	_, v, err := s.endorsement(w, r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "endorse", "Endorse "+v.Label.Title, v)
	return nil
}

// endorsePage is POST /endorse/{token}: the endorsement is signed and
// recorded, and the link used up.
func (s *Server) endorsePage(w http.ResponseWriter, r *http.Request) error {
	_, v, err := s.endorsement(w, r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return formError(err)
	}
	f := endorseForm{
		Name:         strings.TrimSpace(r.PostForm.Get("name")),
		Organisation: strings.TrimSpace(r.PostForm.Get("organisation")),
		URL:          strings.TrimSpace(r.PostForm.Get("url")),
		Email:        strings.TrimSpace(r.PostForm.Get("email")),
		Comment:      strings.TrimSpace(r.PostForm.Get("comment")),
	}
	v.Form = f
	if err := checkEndorseForm(f, r.PostForm.Get("affirm") != ""); err != nil {
		v.Problem = apperror.MessageOf(err)
		s.render(w, r, http.StatusUnprocessableEntity, "endorse", "Endorse "+v.Label.Title, v)
		return nil
	}
	dir, ok := s.directory()
	if !ok {
		return statusError{http.StatusServiceUnavailable, "Endorsements cannot be signed: this server has no issuing service."}
	}
	iss, err := dir.Issuer(r.Context(), v.institution)
	if err != nil {
		return err
	}
	// An index that the endorsement below fails to record (a link used
	// twice at once) is simply never used again.
	slot, err := s.store.AllocateStatusEntry(r.Context(), v.institution, iss.IssuerID(), status.PurposeRevocation)
	if err != nil {
		return err
	}
	entry := status.Entry(iss.StatusListURL(slot.ListID), status.PurposeRevocation, slot.Index)
	doc, err := s.endorsementCredential(iss.IssuerID(), v.Label, s.publicBase(r), f, entry)
	if err != nil {
		return err
	}
	signed, err := dir.SignCredential(r.Context(), v.institution, doc)
	if err != nil {
		return err
	}
	e := sqlstore.Endorsement{Version: v.Label.Version, EndorserName: f.Name, Organisation: f.Organisation, URL: f.URL,
		Email: f.Email, Comment: f.Comment, Credential: signed, Revocation: slot}
	if err := s.store.Endorse(r.Context(), r.PathValue("token"), &e); err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "endorsement made", "offering", e.OfferingID, "endorsement", e.ID)
	v.Done = true
	s.render(w, r, http.StatusCreated, "endorse", "Thank you", v)
	return nil
}

func checkEndorseForm(f endorseForm, affirmed bool) error {
	for _, c := range []struct{ field, value string }{{"name", f.Name}, {"organisation", f.Organisation}, {"url", f.URL}, {"email", f.Email}} {
		if len(c.value) > sqlstore.MaxEndorsementField || !utf8.ValidString(c.value) {
			return apperror.Field(c.field, "must be at most %d bytes of text", sqlstore.MaxEndorsementField)
		}
	}
	switch {
	case f.Name == "":
		return apperror.Field("name", "your name is required")
	case f.Organisation == "":
		return apperror.Field("organisation", "your organisation is required")
	case f.Comment == "":
		return apperror.Field("comment", "the endorsement statement is required")
	case len(f.Comment) > sqlstore.MaxEndorsementComment || !utf8.ValidString(f.Comment):
		return apperror.Field("comment", "must be at most %d bytes of text", sqlstore.MaxEndorsementComment)
	case f.Email != "" && (!strings.Contains(f.Email, "@") || strings.ContainsAny(f.Email, " <>")):
		return apperror.Field("email", "is not an email address")
	case !affirmed:
		return apperror.Field("affirm", "you must affirm that you may endorse on your organisation's behalf")
	}
	if f.URL != "" {
		u, err := url.Parse(f.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return apperror.Field("url", "must be an http or https address")
		}
	}
	return nil
}

// endorsementCredential is the unsigned EndorsementCredential: issued by
// the institution (issuerDID), about the offering's public Achievement,
// naming the endorser in its name and in the evidence that carries their
// statement, with credentialStatus as its status entry (the VC 2.0
// context defines BitstringStatusListEntry). It uses only terms of the VC
// 2.0 and OB 3.0 contexts, as Data Integrity requires.
func (s *Server) endorsementCredential(issuerDID string, l registry.Label, base string, f endorseForm, credentialStatus map[string]any) ([]byte, error) {
	id, err := newURNUUID()
	if err != nil {
		return nil, err
	}
	u := l.URLs(base)
	endorser := f.Name + ", " + f.Organisation
	narrative := endorser
	if f.URL != "" {
		narrative += " (" + f.URL + ")"
	}
	narrative += ", endorsed " + l.Title + " of " + l.Institution.Name + ":\n\n" + f.Comment
	cred := map[string]any{
		"@context": []string{ob.ContextVC2, ob.ContextOB},
		"id":       id,
		"type":     []string{"VerifiableCredential", ob.TypeEndorsementCredential},
		"name":     "Endorsement of " + l.Title + " by " + f.Organisation,
		"issuer": map[string]any{
			"id": issuerDID, "type": []string{ob.TypeProfile}, "name": l.Institution.Name, "url": u.Institution,
		},
		"validFrom": s.now().UTC().Format("2006-01-02T15:04:05Z"),
		"credentialSubject": map[string]any{
			"id": u.Achievement, "type": []string{"EndorsementSubject"}, "endorsementComment": f.Comment,
		},
		"evidence": []any{map[string]any{
			"type": []string{"Evidence"}, "name": "Statement of " + endorser, "narrative": narrative, "genre": "Endorsement statement",
		}},
		"credentialStatus": credentialStatus,
	}
	return json.Marshal(cred)
}

// endorsementView is an endorsement as the registry shows it.
type endorsementView struct {
	Name, Organisation, URL, Comment string
	Date                             string
}

// registryEndorsements returns the offering's endorsements for the
// registry page, and their signed credentials for its achievement.json.
func (s *Server) registryEndorsements(r *http.Request, offeringID int64) ([]endorsementView, []json.RawMessage, error) {
	es, err := s.store.Endorsements(r.Context(), offeringID)
	if err != nil {
		return nil, nil, err
	}
	var views []endorsementView
	var creds []json.RawMessage
	for _, e := range es {
		views = append(views, endorsementView{Name: e.EndorserName, Organisation: e.Organisation, URL: e.URL, Comment: e.Comment,
			Date: e.CreatedAt.UTC().Format("2 January 2006")})
		if json.Valid(e.Credential) {
			creds = append(creds, json.RawMessage(e.Credential))
		}
	}
	return views, creds, nil
}

// withEndorsements adds the signed endorsements to an achievement
// document as its endorsement array.
func withEndorsements(achievement []byte, creds []json.RawMessage) ([]byte, error) {
	if len(creds) == 0 {
		return achievement, nil
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(achievement, &doc); err != nil {
		return nil, fmt.Errorf("achievement: %w", err)
	}
	list, err := json.Marshal(creds)
	if err != nil {
		return nil, err
	}
	doc["endorsement"] = list
	return json.Marshal(doc)
}
