package web

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/award"
	"cairn/internal/bake"
	"cairn/internal/org"
	"cairn/internal/sqlstore"
)

// NewLoginLink and RedeemLoginLink make the fake accounts hand out
// sign-in links (LoginLinks), at most three live ones per person, as the
// account service limits them.
func (a *fakeAccounts) NewLoginLink(ctx context.Context, email string) (string, error) {
	p, err := a.store.PersonByEmail(ctx, email)
	if err != nil {
		return "", err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.links == nil {
		a.links = map[string]int64{}
	}
	live := 0
	for _, id := range a.links {
		if id == p.ID {
			live++
		}
	}
	if live >= 3 {
		return "", apperror.New(apperror.Conflict, "too many sign-in links")
	}
	a.next++
	tok := fmt.Sprintf("link-%d-%d", p.ID, a.next)
	a.links[tok] = p.ID
	return tok, nil
}

func (a *fakeAccounts) RedeemLoginLink(ctx context.Context, token string) (org.Person, error) {
	a.mu.Lock()
	id, ok := a.links[token]
	delete(a.links, token)
	a.mu.Unlock()
	if !ok {
		return org.Person{}, apperror.New(apperror.Unauthorized, "no such link")
	}
	return a.store.Person(ctx, id)
}

// walletWorld is the test world with an approved offering (awards valid
// for a year) whose awards are signed as both Data Integrity and JWT.
type walletWorld struct {
	*world
	p        *award.Pipeline
	offering int64
	// mail are the notifications claimed from the outbox and not yet
	// looked at.
	mail []sqlstore.Notification
}

const walletTitle = "Design Thinking for Small Business"

func newWalletWorld(t *testing.T) *walletWorld {
	t.Helper()
	w := newWorld(t)
	p := issueWith(t, w, award.FormatBoth)
	form := draftForm()
	form.AwardExpiry = "P1Y"
	o, _ := approveOffering(t, w, form)
	return &walletWorld{world: w, p: p, offering: o}
}

// award issues the offering to email.
func (w *walletWorld) award(t *testing.T, email string) sqlstore.Award {
	t.Helper()
	a, _, err := w.store.IssueAward(t.Context(), w.p, sqlstore.AwardRequest{OfferingID: w.offering, Email: email, Name: "A Learner",
		Result: "Passed with distinction", EvidenceURL: "https://portfolio.example/sprint"})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// outbox claims the queued notifications of a kind to recipient.
func (w *walletWorld) outbox(t *testing.T, kind, recipient string) []sqlstore.Notification {
	t.Helper()
	claimed, err := w.store.ClaimNotifications(t.Context(), "test", 1000, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	var out, rest []sqlstore.Notification
	for _, n := range append(w.mail, claimed...) {
		if n.Kind == kind && n.Recipient == recipient {
			out = append(out, n)
		} else {
			rest = append(rest, n)
		}
	}
	w.mail = rest
	return out
}

func (w *walletWorld) verified(t *testing.T, what string, data []byte) {
	t.Helper()
	rep := w.srv.verifier.Verify(t.Context(), data)
	if !rep.Verified {
		t.Errorf("%s does not verify: %v", what, rep.Errors)
	}
}

var linkInMail = regexp.MustCompile(`https?://[^/\s]+(/wallet/link/\S+)`)

func TestWalletClaimBySignInLink(t *testing.T) {
	w := newWalletWorld(t)
	const email = "new.learner@example.org"
	aw := w.award(t, email)
	notices := w.outbox(t, "award_issued", email)
	if len(notices) != 1 || !strings.Contains(notices[0].Body, "https://credentials.kpu.example/wallet") {
		t.Fatalf("award notice %+v, want one carrying the wallet link", notices)
	}

	// The claim link leads a visitor to the wallet's sign-in page.
	rec := w.as(t, "", "GET", "/wallet", nil, nil)
	if rec.Code != 303 || !strings.HasPrefix(rec.Header().Get("Location"), "/wallet/signin") {
		t.Fatalf("wallet without a session: got %d to %q, want the wallet's sign-in page", rec.Code, rec.Header().Get("Location"))
	}
	wantBody(t, w.as(t, "", "GET", "/wallet/signin", nil, nil), 200, `<label for="email">Email address</label>`)

	// Known (by award) and unknown addresses get the same answer; only the
	// known one is mailed, and the learner's account is made.
	for _, addr := range []string{email, "nobody@example.org"} {
		rec := w.post(t, "", "/wallet/signin", url.Values{"email": {addr}})
		wantBody(t, rec, 200, "If this address has an account or awards here, a sign-in link is on its way")
	}
	if got := w.outbox(t, "wallet_signin", "nobody@example.org"); len(got) != 0 {
		t.Errorf("an unknown address was mailed: %+v", got)
	}
	if _, err := w.store.PersonByEmail(t.Context(), "nobody@example.org"); apperror.CodeOf(err) != apperror.NotFound {
		t.Errorf("an account was made for an address without awards: %v", err)
	}
	mails := w.outbox(t, "wallet_signin", email)
	if len(mails) != 1 {
		t.Fatalf("got %d sign-in mails, want 1", len(mails))
	}
	m := linkInMail.FindStringSubmatch(mails[0].Body)
	if m == nil {
		t.Fatalf("no sign-in link in %q", mails[0].Body)
	}
	p, err := w.store.PersonByEmail(t.Context(), email)
	if err != nil || !p.HasRole(w.inst.ID, org.Learner) {
		t.Fatalf("claimed account %+v (%v), want a learner of the awarding institution", p, err)
	}
	if got, _ := w.store.Award(t.Context(), aw.ID); got.PersonID != p.ID {
		t.Errorf("award person %d, want the claimed account %d", got.PersonID, p.ID)
	}

	// Opening the link (as a mail scanner does, too) shows a button and
	// uses nothing up; the button signs in once and opens the wallet.
	for range 2 {
		rec = w.as(t, "", "GET", m[1], nil, nil)
		wantBody(t, rec, 200, `<form method="post" action="`+m[1]+`">`, `id="confirm"`)
		if len(rec.Result().Cookies()) != 0 || rec.Header().Get("Referrer-Policy") != "no-referrer" {
			t.Fatalf("opening the link: cookies %v, Referrer-Policy %q; want no session and no referrer",
				rec.Result().Cookies(), rec.Header().Get("Referrer-Policy"))
		}
	}
	rec = w.post(t, "", m[1], url.Values{})
	if rec.Code != 303 || rec.Header().Get("Location") != "/wallet" {
		t.Fatalf("redeem: got %d to %q, want 303 to /wallet; %.300s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 || cookies[0].Name != SessionCookie || cookies[0].Value == "" {
		t.Fatalf("cookies %+v, want a session", cookies)
	}
	w.sessions["claimed"] = cookies[0].Value
	wantBody(t, w.as(t, "claimed", "GET", "/wallet", nil, nil), 200, walletTitle, "Kwantlen Polytechnic University", "Active")
	wantBody(t, w.post(t, "", m[1], url.Values{}), 400, "not valid")

	// Asking again and again is bounded by the account's limit, and
	// still answers the same.
	for range 5 {
		wantBody(t, w.post(t, "", "/wallet/signin", url.Values{"email": {email}}), 200, "a sign-in link is on its way")
	}
	if got := w.outbox(t, "wallet_signin", email); len(got) != 3 {
		t.Errorf("got %d more mails, want 3 (the fake's limit of live links)", len(got))
	}
	wantBody(t, w.post(t, "", "/wallet/signin", url.Values{"email": {"not an address"}}), 400, "enter your email address")

	// The API answers the same way.
	rec = w.postJSON(t, "/api/v1/wallet/signin", map[string]string{"email": "nobody@example.org"})
	wantStatus(t, rec, 202, "application/json")
}

func TestWalletListAndStates(t *testing.T) {
	w := newWalletWorld(t)
	aw := w.award(t, "learner@kpu.example.edu")
	w.award(t, "pat@kpu.example.edu") // someone else's
	wantBody(t, w.as(t, "learner", "GET", "/wallet", nil, nil), 200, walletTitle, "Kwantlen Polytechnic University", "22 Nov 2026", "Active", "Private")

	rec := w.as(t, "learner", "GET", "/api/v1/wallet", nil, nil)
	wantStatus(t, rec, 200, "application/json")
	got := decode[walletJSON](t, rec)
	if len(got.Awards) != 1 || got.Awards[0].ID != aw.ID || got.Awards[0].State != "active" || got.Awards[0].Title != walletTitle || !got.Awards[0].HasJWT {
		t.Fatalf("wallet %+v, want the learner's one active award", got)
	}

	if _, err := w.store.Suspend(t.Context(), w.p, aw.ID, w.who["admin"], "under review"); err != nil {
		t.Fatal(err)
	}
	wantBody(t, w.as(t, "learner", "GET", "/wallet", nil, nil), 200, "Suspended")
	wantBody(t, w.as(t, "learner", "GET", "/wallet/awards/"+strconv.FormatInt(aw.ID, 10), nil, nil), 200, "under review")
	if _, err := w.store.Reinstate(t.Context(), w.p, aw.ID, w.who["admin"], "cleared"); err != nil {
		t.Fatal(err)
	}
	w.now = testNow.AddDate(1, 1, 0)
	wantBody(t, w.as(t, "learner", "GET", "/wallet", nil, nil), 200, "Expired")
	w.now = testNow
	if _, err := w.store.Revoke(t.Context(), w.p, aw.ID, w.who["admin"], "issued in error"); err != nil {
		t.Fatal(err)
	}
	got = decode[walletJSON](t, w.as(t, "learner", "GET", "/api/v1/wallet", nil, nil))
	if got.Awards[0].State != "revoked" || got.Awards[0].StatusReason != "issued in error" {
		t.Errorf("after revoking: %+v", got.Awards[0])
	}
}

func TestWalletAwardDetail(t *testing.T) {
	w := newWalletWorld(t)
	aw := w.award(t, "learner@kpu.example.edu")
	page := "/wallet/awards/" + strconv.FormatInt(aw.ID, 10)
	wantBody(t, w.as(t, "learner", "GET", page, nil, nil), 200, walletTitle, "Passed with distinction",
		"https://portfolio.example/sprint", "What a verifier sees: verified", "Frame a design problem", "credential.jwt", "certificate.pdf")
	rec := w.as(t, "learner", "GET", "/api/v1"+page, nil, nil)
	wantStatus(t, rec, 200, "application/json")
	got := decode[map[string]any](t, rec)
	if got["verified"] != true || got["credentialId"] != aw.CredentialID || len(got["checks"].([]any)) == 0 {
		t.Errorf("API award %v, want it verified with its checks", got)
	}
}

func TestWalletIsPrivate(t *testing.T) {
	w := newWalletWorld(t)
	aw := w.award(t, "learner@kpu.example.edu")
	id := strconv.FormatInt(aw.ID, 10)
	for _, target := range []string{"/wallet/awards/" + id, "/wallet/awards/" + id + "/credential.json", "/wallet/awards/" + id + "/badge.png",
		"/api/v1/wallet/awards/" + id} {
		if rec := w.as(t, "pat", "GET", target, nil, nil); rec.Code != 404 {
			t.Errorf("%s as another person: got %d, want 404", target, rec.Code)
		}
		if rec := w.as(t, "", "GET", target, nil, nil); rec.Code != 303 && rec.Code != 401 {
			t.Errorf("%s as a visitor: got %d, want to be sent to sign in", target, rec.Code)
		}
	}
	if rec := w.post(t, "pat", "/wallet/awards/"+id+"/share", nil); rec.Code != 404 {
		t.Errorf("sharing another's award: got %d, want 404", rec.Code)
	}
	if got := decode[walletJSON](t, w.as(t, "pat", "GET", "/api/v1/wallet", nil, nil)); len(got.Awards) != 0 {
		t.Errorf("pat's wallet holds %+v, want nothing", got.Awards)
	}
	// A token needs credentials:read to read the wallet.
	if rec := w.fixture.do(t, "GET", "/api/v1/wallet", nil, map[string]string{"Authorization": "Bearer " + w.token("learner", ScopeCasesRead)}); rec.Code != 403 {
		t.Errorf("a token without credentials:read: got %d, want 403", rec.Code)
	}
	if rec := w.fixture.do(t, "GET", "/api/v1/wallet", nil, map[string]string{"Authorization": "Bearer " + w.token("learner", ScopeCredentialsRead)}); rec.Code != 200 {
		t.Errorf("a token with credentials:read: got %d, want 200", rec.Code)
	}
}

func TestWalletDownloads(t *testing.T) {
	w := newWalletWorld(t)
	aw := w.award(t, "learner@kpu.example.edu")
	base := "/wallet/awards/" + strconv.FormatInt(aw.ID, 10) + "/"
	get := func(file, ctype string) []byte {
		t.Helper()
		rec := w.as(t, "learner", "GET", base+file, nil, nil)
		wantStatus(t, rec, 200, ctype)
		if cd := rec.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="design-thinking-for-small-business.`) {
			t.Errorf("%s: Content-Disposition %q", file, cd)
		}
		return rec.Body.Bytes()
	}
	w.verified(t, "the JSON download", get("credential.json", "application/vc+ld+json"))
	w.verified(t, "the JWT download", get("credential.jwt", "application/vc+jwt"))
	png := get("badge.png", "image/png")
	cred, err := bake.ExtractPNG(png)
	if err != nil {
		t.Fatalf("the PNG download: %v", err)
	}
	w.verified(t, "the PNG's credential", cred)
	svg := get("badge.svg", "image/svg+xml")
	if cred, err = bake.ExtractSVG(svg); err != nil {
		t.Fatalf("the SVG download: %v", err)
	}
	w.verified(t, "the SVG's credential", cred)
	w.verified(t, "the SVG badge itself", svg)
	checkPDF(t, get("certificate.pdf", "application/pdf"), walletTitle, "learner", "Kwantlen Polytechnic University", aw.CredentialID, "/verify")

	// Through the API too.
	rec := w.as(t, "learner", "GET", "/api/v1"+base+"credential.json", nil, nil)
	wantStatus(t, rec, 200, "application/vc+ld+json")
	if rec := w.as(t, "learner", "GET", base+"nothing.txt", nil, nil); rec.Code != 404 {
		t.Errorf("an unknown download: got %d, want 404", rec.Code)
	}
}

// checkPDF checks a PDF's structure (header, every xref offset at its
// object, trailer) and that its text holds each of texts.
func checkPDF(t *testing.T, pdf []byte, texts ...string) {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.4\n")) || !bytes.HasSuffix(pdf, []byte("%%EOF\n")) {
		t.Fatalf("not a PDF: %.40q … %q", pdf, pdf[max(0, len(pdf)-20):])
	}
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("no startxref")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(pdf[xref:], []byte("xref\n0 ")) {
		t.Fatalf("startxref %d does not point at the xref table", xref)
	}
	entries := regexp.MustCompile(`(\d{10}) 00000 n `).FindAllSubmatch(pdf[xref:], -1)
	if len(entries) < 6 {
		t.Fatalf("xref has %d objects", len(entries))
	}
	for i, e := range entries {
		off, _ := strconv.Atoi(string(e[1]))
		if want := fmt.Sprintf("%d 0 obj\n", i+1); !bytes.HasPrefix(pdf[off:], []byte(want)) {
			t.Errorf("xref entry %d points at %.20q, want %q", i+1, pdf[off:], want)
		}
	}
	ls := regexp.MustCompile(`<< /Length (\d+) >>\nstream\n`).FindSubmatchIndex(pdf)
	if ls == nil {
		t.Fatal("no content stream")
	}
	n, _ := strconv.Atoi(string(pdf[ls[2]:ls[3]]))
	if !bytes.HasPrefix(pdf[ls[1]+n:], []byte("\nendstream")) || pdf[ls[1]+n-1] != '\n' {
		t.Errorf("the content stream's /Length %d is wrong", n)
	}
	for _, s := range texts {
		if !bytes.Contains(pdf, []byte(pdfString(s))) {
			t.Errorf("the PDF does not say %q", s)
		}
	}
}

func TestWalletPublicLink(t *testing.T) {
	w := newWalletWorld(t)
	aw := w.award(t, "learner@kpu.example.edu")
	page := "/wallet/awards/" + strconv.FormatInt(aw.ID, 10)
	wantBody(t, w.as(t, "learner", "GET", page, nil, nil), 200, "This award is private", "Make a public link")

	rec := w.post(t, "learner", page+"/share", nil)
	if rec.Code != 303 || rec.Header().Get("Location") != page+"?done=shared" {
		t.Fatalf("share: got %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	body := w.as(t, "learner", "GET", page, nil, nil).Body.String()
	m := regexp.MustCompile(`id="public-link">(https?://[^<]+/c/([A-Za-z0-9_-]{32}))<`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no public link on the page: %.2000s", body)
	}
	public := "/c/" + m[2]
	li := regexp.MustCompile(`id="linkedin"`).FindStringIndex(body)
	if li == nil {
		t.Fatal("no LinkedIn link")
	}
	href := regexp.MustCompile(`<a href="(https://www.linkedin.com/profile/add\?[^"]+)"`).FindStringSubmatch(body)
	if href == nil {
		t.Fatal("no LinkedIn add-to-profile address")
	}
	u, err := url.Parse(html.UnescapeString(href[1]))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	for k, want := range map[string]string{"startTask": "CERTIFICATION_NAME", "name": walletTitle, "organizationName": "Kwantlen Polytechnic University",
		"issueYear": "2026", "issueMonth": "11", "expirationYear": "2027", "certUrl": m[1], "certId": aw.CredentialID} {
		if q.Get(k) != want {
			t.Errorf("LinkedIn %s = %q, want %q", k, q.Get(k), want)
		}
	}

	// Anyone with the link sees the award and can verify it.
	wantBody(t, w.as(t, "", "GET", public, nil, nil), 200, walletTitle, "awarded to learner", "Verify this credential", `action="/verify"`)
	rec = w.as(t, "", "GET", public+".json", nil, nil)
	wantStatus(t, rec, 200, "application/vc+ld+json")
	w.verified(t, "the public JSON", rec.Body.Bytes())
	// Its verify button posts the credential to the verifier.
	rec = w.post(t, "", "/verify", url.Values{"text": {string(bakeable(aw))}})
	wantBody(t, rec, 200, "Verified")

	// Sharing again keeps the same link; the API gives it too.
	rec = w.as(t, "learner", "PUT", "/api/v1"+page+"/share", nil, nil)
	wantStatus(t, rec, 200, "application/json")
	if got := decode[shareJSON](t, rec); got.URL != m[1] || !strings.HasPrefix(got.LinkedIn, linkedInAdd) {
		t.Errorf("API share %+v, want the same link %s", got, m[1])
	}

	// Withdrawn, the link is gone.
	rec = w.post(t, "learner", page+"/unshare", nil)
	if rec.Code != 303 {
		t.Fatalf("withdraw: got %d", rec.Code)
	}
	wantBody(t, w.as(t, "", "GET", public, nil, nil), 410, "withdrawn")
	if rec := w.as(t, "", "GET", public+".json", nil, nil); rec.Code != 410 {
		t.Errorf("withdrawn JSON: got %d, want 410", rec.Code)
	}
	if rec := w.as(t, "", "GET", "/c/"+strings.Repeat("A", 32), nil, nil); rec.Code != 404 {
		t.Errorf("unknown link: got %d, want 404", rec.Code)
	}
	// A new link is a new address; the API withdraws it.
	got := decode[shareJSON](t, w.as(t, "learner", "PUT", "/api/v1"+page+"/share", nil, nil))
	if got.URL == m[1] {
		t.Error("a withdrawn link was handed out again")
	}
	if rec := w.as(t, "learner", "DELETE", "/api/v1"+page+"/share", nil, nil); rec.Code != 204 {
		t.Errorf("API withdraw: got %d", rec.Code)
	}
	if rec := w.as(t, "", "GET", strings.TrimPrefix(got.URL, "https://example.com"), nil, nil); rec.Code != 410 {
		t.Errorf("after API withdraw: got %d, want 410", rec.Code)
	}

	// A revoked award cannot be shared.
	if _, err := w.store.Revoke(t.Context(), w.p, aw.ID, w.who["admin"], "issued in error"); err != nil {
		t.Fatal(err)
	}
	if rec := w.as(t, "learner", "PUT", "/api/v1"+page+"/share", nil, nil); rec.Code != 409 {
		t.Errorf("sharing a revoked award: got %d, want 409", rec.Code)
	}
}

func TestWalletExportArchive(t *testing.T) {
	w := newWalletWorld(t)
	aw := w.award(t, "learner@kpu.example.edu")
	if rec := w.as(t, "learner", "POST", "/api/v1/wallet/imports", strings.NewReader(w.signedJWT(t)), nil); rec.Code != 201 {
		t.Fatalf("import: got %d %.300s", rec.Code, rec.Body)
	}
	for _, target := range []string{"/wallet/export.zip", "/api/v1/wallet/export"} {
		rec := w.as(t, "learner", "GET", target, nil, nil)
		wantStatus(t, rec, 200, "application/zip")
		zr, err := zip.NewReader(bytes.NewReader(rec.Body.Bytes()), int64(rec.Body.Len()))
		if err != nil {
			t.Fatalf("%s: %v", target, err)
		}
		files := map[string][]byte{}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			files[f.Name], _ = io.ReadAll(rc)
			rc.Close()
		}
		var m exportManifest
		if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
			t.Fatalf("manifest: %v", err)
		}
		if m.Format != exportFormat || m.Holder.Email != "learner@kpu.example.edu" || len(m.Awards) != 1 || len(m.Imports) != 1 {
			t.Fatalf("manifest %+v", m)
		}
		if m.Awards[0].ID != aw.ID || len(m.Awards[0].Files) != 2 {
			t.Errorf("manifest award %+v, want its JSON and JWT", m.Awards[0])
		}
		for _, name := range append(m.Awards[0].Files, m.Imports[0].File) {
			data, ok := files[name]
			if !ok {
				t.Errorf("the archive lacks %s", name)
				continue
			}
			w.verified(t, name, data)
		}
		if len(files) != 4 {
			t.Errorf("the archive holds %d files, want 4", len(files))
		}
	}
}

func TestWalletImport(t *testing.T) {
	w := newWalletWorld(t)
	upload := func(name string, data []byte) *httptest.ResponseRecorder {
		body, ctype := multipartForm(t, name, data, "")
		return w.as(t, "learner", "POST", "/wallet/import", body, map[string]string{"Content-Type": ctype})
	}
	signed := w.signed(t)
	png, err := bake.BakePNG(badgePNG(), signed)
	if err != nil {
		t.Fatal(err)
	}
	if rec := upload("badge.png", png); rec.Code != 303 || rec.Header().Get("Location") != "/wallet?done=imported" {
		t.Fatalf("baked PNG: got %d %.500s", rec.Code, rec.Body)
	}
	// The same credential as JSON is in the wallet already.
	wantBody(t, upload("badge.json", signed), 422, "already")
	if rec := upload("badge.jwt", []byte(w.signedJWT(t))); rec.Code != 303 {
		t.Fatalf("JWT: got %d %.500s", rec.Code, rec.Body)
	}
	wantBody(t, upload("forged.json", tamper(t, signed)), 422, "did not verify, so it was not imported")
	wantBody(t, upload("notes.txt", []byte("hello")), 422, "did not verify")
	wantBody(t, upload("plain.png", badgePNG()), 422, "holds no Open Badges 3.0 credential")
	ob2 := `{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","id":"https://badges.example/a/1",
		"recipient":{"type":"email","hashed":false,"identity":"learner@kpu.example.edu"},"issuedOn":"2024-05-01T00:00:00Z",
		"badge":{"type":"BadgeClass","name":"First Aid Level 1","issuer":{"type":"Profile","name":"St John Ambulance"}},
		"verification":{"type":"hosted"}}`
	if rec := upload("first-aid.json", []byte(ob2)); rec.Code != 303 {
		t.Fatalf("OB 2.0: got %d %.500s", rec.Code, rec.Body)
	}
	got := decode[walletJSON](t, w.as(t, "learner", "GET", "/api/v1/wallet", nil, nil))
	if len(got.Imports) != 3 {
		t.Fatalf("imports %+v, want 3", got.Imports)
	}
	legacy := got.Imports[0]
	if legacy.Format != "ob2" || legacy.Verified || legacy.Title != "First Aid Level 1" || legacy.Issuer != "St John Ambulance" ||
		!strings.Contains(legacy.Note, "NOT verified") {
		t.Errorf("OB 2.0 import %+v, want it kept unverified with a note", legacy)
	}
	for _, im := range got.Imports[1:] {
		if im.Format != "ob3" || !im.Verified || im.Title != "Data Analytics Foundations" || !strings.Contains(im.Note, "issued to another email address") {
			t.Errorf("OB 3.0 import %+v, want it verified", im)
		}
	}
	if got.Imports[2].Source != "png" || got.Imports[1].Source != "jwt" {
		t.Errorf("sources %s, %s; want jwt, png", got.Imports[1].Source, got.Imports[2].Source)
	}
	wantBody(t, w.as(t, "learner", "GET", "/wallet", nil, nil), 200, "First Aid Level 1", "Not verified (Open Badges 2.0)", "Data Analytics Foundations")

	// The API refuses what does not verify, with the reasons.
	rec := w.as(t, "learner", "POST", "/api/v1/wallet/imports", bytes.NewReader(tamper(t, signed)), map[string]string{"Content-Type": "application/json"})
	wantStatus(t, rec, 400, "application/problem+json")
	if p := decode[problem](t, rec); len(p.Errors) == 0 {
		t.Errorf("problem %+v, want the verifier's reasons", p)
	}
	// Others cannot remove a learner's imports; the learner can.
	id := strconv.FormatInt(legacy.ID, 10)
	if rec := w.as(t, "pat", "DELETE", "/api/v1/wallet/imports/"+id, nil, nil); rec.Code != 404 {
		t.Errorf("another's delete: got %d, want 404", rec.Code)
	}
	if rec := w.post(t, "learner", "/wallet/imports/"+id+"/delete", nil); rec.Code != 303 {
		t.Errorf("delete: got %d", rec.Code)
	}
	if got := decode[walletJSON](t, w.as(t, "learner", "GET", "/api/v1/wallet", nil, nil)); len(got.Imports) != 2 {
		t.Errorf("after delete: %d imports, want 2", len(got.Imports))
	}
}

// TestWalletJWTOnlyAward: an award issued as a JWT only is verified,
// baked and shared as its JWT; its JSON is said to carry no signature.
func TestWalletJWTOnlyAward(t *testing.T) {
	w := newWalletWorld(t)
	w.p.Format = award.FormatJWT
	aw := w.award(t, "learner@kpu.example.edu")
	if aw.JWT == "" || hasProof(aw.Credential) {
		t.Fatalf("award %+v, want a JWT and JSON without a proof", aw)
	}
	page := "/wallet/awards/" + strconv.FormatInt(aw.ID, 10)
	wantBody(t, w.as(t, "learner", "GET", page, nil, nil), 200, "What a verifier sees: verified", "without a signature: the JWT carries it")
	rec := w.as(t, "learner", "GET", page+"/badge.png", nil, nil)
	cred, err := bake.ExtractPNG(rec.Body.Bytes())
	if err != nil || string(cred) != aw.JWT {
		t.Fatalf("the PNG holds %.60q (%v), want the JWT", cred, err)
	}
	w.verified(t, "the baked JWT", cred)
	w.verified(t, "the JWT download", w.as(t, "learner", "GET", page+"/credential.jwt", nil, nil).Body.Bytes())
}
