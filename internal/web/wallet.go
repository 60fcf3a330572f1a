package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/award"
	"cairn/internal/ob"
	"cairn/internal/org"
	"cairn/internal/sqlstore"
	"cairn/internal/verify"
)

// The learner's wallet (issue 5 item 4): the awards issued to the
// signed-in person's email address, with downloads, public links the
// learner makes and withdraws, export as one archive, and credentials
// earned elsewhere imported. Learners sign in by password, single sign-on
// or a one-time link emailed to them; the award notice links to the
// wallet, which sends a learner without a session to ask for that link.

// actWallet opens the actor's own wallet. Anyone signed in has one; an
// API token needs the credentials:read scope. Whose award is whose is
// the handlers' to check: another person's award is not found.
const actWallet action = "wallet"

// LoginLinks makes and redeems one-time sign-in links. The server offers
// sign-in by emailed link when its Accounts implement it too.
type LoginLinks interface {
	// NewLoginLink makes a link token for the person with the address:
	// NotFound for an unknown address, Conflict when the person has too
	// many unused links already.
	NewLoginLink(ctx context.Context, email string) (string, error)
	// RedeemLoginLink uses up a link token and returns its person;
	// anything but a live unused link is Unauthorized.
	RedeemLoginLink(ctx context.Context, token string) (org.Person, error)
}

// Limits of the wallet.
const (
	maxLinkTokenBytes = 200
	// walletVerifyTimeout bounds verifying one award for its page.
	walletVerifyTimeout = 10 * time.Second
)

// walletSignInSent is the one answer to a sign-in link request, whether or
// not the address is known, so the page tells no one who has an account.
const walletSignInSent = "If this address has an account or awards here, a sign-in link is on its way to it. The link works once, within 15 minutes. Check your inbox (and your spam folder)."

func (s *Server) loginLinks() (LoginLinks, bool) {
	ll, ok := s.accounts.(LoginLinks)
	return ll, ok
}

// walletSignInView is the wallet's sign-in page.
type walletSignInView struct {
	Email     string
	Sent      string
	Error     string
	Available bool
	// Confirm is the path of an emailed sign-in link, which a button
	// posts to: opening the link does not use it up.
	Confirm string
}

func (s *Server) walletSignInForm(w http.ResponseWriter, r *http.Request) error {
	if actorOf(r.Context()).signedIn() {
		http.Redirect(w, r, "/wallet", http.StatusSeeOther)
		return nil
	}
	_, ok := s.loginLinks()
	s.render(w, r, http.StatusOK, "wallet_signin", "Sign in to your wallet", walletSignInView{Available: ok})
	return nil
}

// sendWalletLink mails a one-time sign-in link to the address when it has
// an account or awards (making the account of a learner who has awards
// but none yet). Whatever it finds, it reports nothing about the address:
// only malformed input and failures of the server are errors.
func (s *Server) sendWalletLink(ctx context.Context, r *http.Request, email string) error {
	email = strings.TrimSpace(email)
	if email == "" || len(email) > maxEmailBytes || award.CheckEmail(email) != nil {
		return apperror.Field("email", "enter your email address, such as name@example.org")
	}
	ll, ok := s.loginLinks()
	if !ok {
		return statusError{http.StatusServiceUnavailable, "Sign-in links are not available on this server."}
	}
	p, err := s.store.ClaimAccount(ctx, email)
	if apperror.CodeOf(err) == apperror.NotFound {
		s.log.DebugContext(ctx, "wallet sign-in link not sent", "reason", "unknown address")
		return nil
	}
	if err != nil {
		return err
	}
	token, err := ll.NewLoginLink(ctx, p.Email)
	switch apperror.CodeOf(err) {
	case "":
	case apperror.NotFound, apperror.Conflict:
		// Unknown after all, or too many links already: the limit bounds
		// the mail an address can be sent.
		s.log.DebugContext(ctx, "wallet sign-in link not sent", "person", p.ID, "reason", apperror.MessageOf(err))
		return nil
	default:
		return err
	}
	link := s.publicBase(r) + "/wallet/link/" + url.PathEscape(token)
	body := "Hello " + p.Name + ",\n\nUse this link to sign in to your cairn wallet, where your awards are. It works once, within 15 minutes:\n" +
		link + "\n\nIf you did not ask for it, ignore this message: no one can sign in without the link.\n"
	return s.store.EnqueueNotification(ctx, &sqlstore.Notification{Kind: "wallet_signin", Recipient: p.Email,
		Subject: "Your sign-in link to your cairn wallet", Body: body})
}

func (s *Server) walletSignIn(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return formError(err)
	}
	_, ok := s.loginLinks()
	view := walletSignInView{Email: truncate(r.PostForm.Get("email"), maxEmailBytes), Available: ok}
	if err := s.sendWalletLink(r.Context(), r, view.Email); err != nil {
		msg, ok := userError(err)
		if !ok {
			return err
		}
		view.Error = msg
		s.render(w, r, statusOf(apperror.CodeOf(err)), "wallet_signin", "Sign in to your wallet", view)
		return nil
	}
	view.Sent = walletSignInSent
	s.render(w, r, http.StatusOK, "wallet_signin", "Sign in to your wallet", view)
	return nil
}

// walletLinkPage is GET /wallet/link/{token}, an emailed sign-in link:
// a page whose button signs in (walletLink). Opening the link uses
// nothing up, so a mail scanner that fetches every link in a message
// leaves it working for the learner.
func (s *Server) walletLinkPage(w http.ResponseWriter, r *http.Request) error {
	if _, ok := s.loginLinks(); !ok {
		return errNothingHere
	}
	token, err := linkToken(r)
	if err != nil {
		return err
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.render(w, r, http.StatusOK, "wallet_signin", "Sign in to your wallet",
		walletSignInView{Available: true, Confirm: "/wallet/link/" + url.PathEscape(token)})
	return nil
}

// linkToken is the token of a sign-in link's path.
func linkToken(r *http.Request) (string, error) {
	token := r.PathValue("token")
	if token == "" || len(token) > maxLinkTokenBytes {
		return "", apperror.New(apperror.Unauthorized, "this sign-in link is not valid; ask for a new one")
	}
	return token, nil
}

// walletLink is POST /wallet/link/{token}: it redeems an emailed sign-in
// link and starts a session.
func (s *Server) walletLink(w http.ResponseWriter, r *http.Request) error {
	ll, ok := s.loginLinks()
	if !ok {
		return errNothingHere
	}
	token, err := linkToken(r)
	if err != nil {
		return err
	}
	p, err := ll.RedeemLoginLink(r.Context(), token)
	if err != nil {
		if apperror.CodeOf(err) == apperror.Internal {
			return err
		}
		view := walletSignInView{Available: true, Error: "This sign-in link is not valid: it was used already or has expired. Ask for a new one below."}
		s.render(w, r, http.StatusBadRequest, "wallet_signin", "Sign in to your wallet", view)
		return nil
	}
	session, err := s.accounts.StartSession(r.Context(), p.ID, truncate(r.UserAgent(), 200))
	if err != nil {
		return err
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.SetCookie(w, s.sessionCookie(session))
	http.Redirect(w, r, "/wallet", http.StatusSeeOther)
	return nil
}

// walletAward returns award id when it was issued to the actor's email
// address; anyone else's award is NotFound, as is none.
func (s *Server) walletAward(ctx context.Context, a *actor, id int64) (sqlstore.Award, error) {
	aw, err := s.store.Award(ctx, id)
	if err != nil {
		return aw, err
	}
	if a.person.Email == "" || aw.EmailHash != award.EmailHash(a.person.Email) {
		return sqlstore.Award{}, apperror.New(apperror.NotFound, "award not found in your wallet")
	}
	return aw, nil
}

// walletEntry is one award as the wallet shows it.
type walletEntry struct {
	ID           int64     `json:"id"`
	CredentialID string    `json:"credentialId"`
	Title        string    `json:"title"`
	Issuer       string    `json:"issuer"`
	IssuerURL    string    `json:"issuerUrl,omitempty"`
	Issued       time.Time `json:"issuedAt"`
	ValidUntil   time.Time `json:"validUntil,omitzero"`
	State        string    `json:"state"`
	StatusReason string    `json:"statusReason,omitempty"`
	HasJWT       bool      `json:"hasJwt"`
	PublicURL    string    `json:"publicUrl,omitempty"`
}

// credentialOf decodes an award's credential for display; a credential
// that does not decode shows as empty rather than failing the page.
func credentialOf(aw sqlstore.Award) ob.AchievementCredential {
	var c ob.AchievementCredential
	_ = json.Unmarshal(aw.Credential, &c)
	return c
}

func profileName(p ob.ProfileRef) (name, link string) {
	if p.Profile != nil {
		return p.Profile.Name, p.Profile.URL
	}
	return p.URI, ""
}

func (s *Server) walletEntry(r *http.Request, aw sqlstore.Award, c ob.AchievementCredential, shares map[int64]sqlstore.Share) walletEntry {
	e := walletEntry{ID: aw.ID, CredentialID: aw.CredentialID, Title: c.CredentialSubject.Achievement.Name, Issued: aw.IssuedAt,
		ValidUntil: aw.ValidUntil, State: aw.State(s.clock()), HasJWT: aw.JWT != ""}
	if e.Title == "" {
		e.Title = c.Name
	}
	e.Issuer, e.IssuerURL = profileName(c.Issuer)
	if e.State != string(award.Active) && e.State != "expired" {
		e.StatusReason = aw.StatusReason
	}
	if sh, ok := shares[aw.ID]; ok {
		e.PublicURL = s.publicBase(r) + "/c/" + sh.PublicID
	}
	return e
}

// walletView is the wallet's list page.
type walletView struct {
	Name    string
	Email   string
	Awards  []walletEntry
	Imports []importEntry
	Done    string
	Error   string
	MaxFile string
}

// importEntry is an imported credential as the wallet shows it.
type importEntry struct {
	ID       int64     `json:"id"`
	Format   string    `json:"format"`
	Source   string    `json:"source"`
	Verified bool      `json:"verified"`
	Title    string    `json:"title"`
	Issuer   string    `json:"issuer"`
	IssuedAt time.Time `json:"issuedAt,omitzero"`
	Note     string    `json:"note"`
	Imported time.Time `json:"importedAt"`
}

func importEntryOf(im sqlstore.Import) importEntry {
	return importEntry{ID: im.ID, Format: string(im.Format), Source: im.Source, Verified: im.Verified, Title: im.Title,
		Issuer: im.Issuer, IssuedAt: im.IssuedAt, Note: im.Note, Imported: im.CreatedAt}
}

func (s *Server) walletView(r *http.Request, a *actor) (walletView, error) {
	ctx := r.Context()
	v := walletView{Name: a.person.Name, Email: a.person.Email, MaxFile: formatBytes(s.cfg.MaxUploadBytes)}
	awards, err := s.store.AwardsForLearner(ctx, a.person.Email)
	if err != nil {
		return v, err
	}
	shares, err := s.store.ActiveShares(ctx, a.person.ID)
	if err != nil {
		return v, err
	}
	for _, aw := range awards {
		v.Awards = append(v.Awards, s.walletEntry(r, aw, credentialOf(aw), shares))
	}
	imports, err := s.store.Imports(ctx, a.person.ID)
	if err != nil {
		return v, err
	}
	for _, im := range imports {
		v.Imports = append(v.Imports, importEntryOf(im))
	}
	return v, nil
}

// walletDone are the confirmations the wallet pages show after a change.
var walletDone = map[string]string{
	"shared":    "The public link is ready. Anyone with it can see and verify this award, until you withdraw it.",
	"withdrawn": "The public link is withdrawn: it no longer shows this award.",
	"imported":  "The credential was added to your wallet.",
	"deleted":   "The imported credential was removed from your wallet.",
}

func (s *Server) walletPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.walletView(r, actorOf(r.Context()))
	if err != nil {
		return err
	}
	v.Done = walletDone[r.URL.Query().Get("done")]
	s.render(w, r, http.StatusOK, "wallet", "My wallet", v)
	return nil
}

// walletAwardView is one award's page in the wallet.
type walletAwardView struct {
	walletEntry
	Description  string
	Achievement  ob.Achievement
	Kind         string
	Credits      string
	Results      []ob.Result
	Evidence     []ob.Evidence
	Report       *reportView
	LinkedIn     string
	VerifyURL    string
	Credential   string
	Done         string
	CanShare     bool
	HasProof     bool
	DownloadBase string
}

func (s *Server) walletAwardView(r *http.Request, a *actor, id int64) (walletAwardView, error) {
	ctx := r.Context()
	aw, err := s.walletAward(ctx, a, id)
	if err != nil {
		return walletAwardView{}, err
	}
	shares, err := s.store.ActiveShares(ctx, a.person.ID)
	if err != nil {
		return walletAwardView{}, err
	}
	c := credentialOf(aw)
	v := walletAwardView{walletEntry: s.walletEntry(r, aw, c, shares), Description: c.Description,
		Achievement: c.CredentialSubject.Achievement, Kind: achievementKind(c.CredentialSubject.Achievement.AchievementType),
		Credits: c.CredentialSubject.CreditsEarned.String(), Results: c.CredentialSubject.Result, Evidence: c.Evidence.Items,
		VerifyURL: s.publicBase(r) + "/verify", DownloadBase: "/wallet/awards/" + strconv.FormatInt(aw.ID, 10),
		HasProof: hasProof(aw.Credential)}
	v.CanShare = v.State != string(award.Revoked)
	if v.PublicURL != "" {
		v.LinkedIn = linkedInURL(v.walletEntry, v.PublicURL)
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, aw.Credential, "", "  ") == nil {
		v.Credential = pretty.String()
	}
	v.Report = newReportView(s.verifyAward(ctx, aw))
	return v, nil
}

// verifyAward verifies an award as a verifier would: the signed JSON when
// it has a Data Integrity proof, else its JWT.
func (s *Server) verifyAward(ctx context.Context, aw sqlstore.Award) *verify.Report {
	ctx, cancel := context.WithTimeout(ctx, walletVerifyTimeout)
	defer cancel()
	data := []byte(aw.Credential)
	if !hasProof(aw.Credential) && aw.JWT != "" {
		data = []byte(aw.JWT)
	}
	return s.verify(ctx, data)
}

// hasProof reports whether a credential's JSON carries an embedded proof.
func hasProof(cred json.RawMessage) bool {
	var probe struct {
		Proof json.RawMessage `json:"proof"`
	}
	return json.Unmarshal(cred, &probe) == nil && len(probe.Proof) > 0 && string(probe.Proof) != "null"
}

func (s *Server) walletAwardPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.walletAwardView(r, actorOf(r.Context()), id)
	if err != nil {
		return err
	}
	v.Done = walletDone[r.URL.Query().Get("done")]
	s.render(w, r, http.StatusOK, "wallet_award", v.Title, v)
	return nil
}

// achievementKind names an Open Badges achievementType in words.
func achievementKind(t string) string {
	switch t {
	case "MicroCredential":
		return "Micro-credential"
	case "":
		return ""
	}
	var b strings.Builder
	for i, r := range t {
		if i > 0 && 'A' <= r && r <= 'Z' {
			b.WriteByte(' ')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
