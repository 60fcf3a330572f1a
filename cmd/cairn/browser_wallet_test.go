package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"cairn/internal/web"
)

// walletDemo is `cairn demo` as the wallet test needs it: its URL, its
// demo.json with the awards, and its data folder, whose database holds
// the outbox the sign-in links are mailed from.
type walletDemo struct {
	url    string
	dir    string
	awards []struct {
		Title     string `json:"title"`
		Recipient string `json:"recipient"`
		Status    string `json:"status"`
	}
	signIns []signInAs
}

// startWalletDemo runs `cairn demo` as startDemo does, keeping the data
// folder.
func startWalletDemo(t *testing.T) walletDemo {
	t.Helper()
	if _, ok := commands()["demo"]; !ok {
		t.Skip("waiting for the UI: cairn has no demo command")
	}
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--addr", "127.0.0.1:0", "--data", dir}, func(string) string { return "" }, strings.NewReader(""), stdout, stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("cairn demo did not stop within 15s of being cancelled")
		}
	})
	addr := regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+`)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		raw, err := os.ReadFile(filepath.Join(dir, "demo.json"))
		if u := addr.FindString(stdout.String()); u != "" && err == nil && json.Valid(raw) {
			var d struct {
				Awards  json.RawMessage `json:"awards"`
				SignIns []signInAs      `json:"sign_ins"`
			}
			if err := json.Unmarshal(raw, &d); err != nil {
				t.Fatalf("demo.json: %v", err)
			}
			w := walletDemo{url: u, dir: dir, signIns: d.SignIns}
			if len(d.Awards) > 0 {
				if err := json.Unmarshal(d.Awards, &w.awards); err != nil {
					t.Fatalf("demo.json awards: %v", err)
				}
			}
			return w
		}
		select {
		case err := <-done:
			t.Fatalf("cairn demo exited early: %v\n%s", err, stderr)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("cairn demo printed no URL or wrote no demo.json within 30s; stdout %q, stderr %q", stdout, stderr)
	return walletDemo{}
}

// mailedLink waits for the sign-in link mailed to email and returns its
// path. The demo mails through its log sender, which never logs a body,
// so the test reads the outbox in the database.
func (d walletDemo) mailedLink(t *testing.T, email string) string {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(d.dir, "cairn.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	link := regexp.MustCompile(`/wallet/link/\S+`)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var body string
		err := db.QueryRow(`SELECT body FROM notifications WHERE kind = 'wallet_signin' AND recipient = ? ORDER BY id DESC LIMIT 1`, email).Scan(&body)
		if err == nil {
			if m := link.FindString(body); m != "" {
				return m
			}
			t.Fatalf("the sign-in mail has no link: %q", body)
		}
		if err != sql.ErrNoRows {
			t.Fatalf("read the outbox: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no sign-in link was mailed to %s within 10s", email)
	return ""
}

// sessionCookie returns the session cookie of p's browser context: the
// page's content security policy lets no script fetch, so downloads are
// fetched from the test with the learner's cookie.
func sessionCookie(t *testing.T, p *browserTab) *http.Cookie {
	t.Helper()
	var res network.GetCookiesResult
	err := chromedp.Do(p.ctx, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		var err error
		res, err = cdp.Call(ctx, tgt, network.GetCookies, network.GetCookiesParams{})
		return err
	}))
	if err != nil {
		t.Fatalf("%s's cookies: %v", p.name(), err)
	}
	for _, c := range res.Cookies {
		if c.Name == web.SessionCookie {
			return &http.Cookie{Name: c.Name, Value: c.Value}
		}
	}
	t.Fatalf("%s has no session cookie", p.name())
	return nil
}

// fetchAs gets url with the cookie and returns the status, content type
// and body.
func fetchAs(t *testing.T, url string, c *http.Cookie) (int, string, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.AddCookie(c)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("get %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		t.Fatalf("read %s: %v", url, err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), body
}

// TestBrowserWallet: a demo learner claims their award from the wallet by
// an emailed sign-in link, opens it, downloads it in every form, shares
// it through a public link that a visitor opens and verifies, and
// withdraws the link, after which it is gone.
func TestBrowserWallet(t *testing.T) {
	b := browser(t)
	d := startWalletDemo(t)
	var title, email string
	for _, a := range d.awards {
		if a.Status != "active" {
			continue
		}
		for _, s := range d.signIns {
			if s.Email == a.Recipient && s.is(s.Institution, "learner") {
				title, email = a.Title, a.Recipient
			}
		}
		if email != "" {
			break
		}
	}
	if email == "" {
		t.Skip("waiting for the demo's awards hook: no demo learner holds an active award")
	}
	base := d.url

	// The claim: the award notice's link leads to the wallet, which asks
	// for the address and mails a sign-in link.
	learner := b.tab(t, "learner")
	learner.open(t, base+"/wallet", 200, "wallet-sign-in")
	if path := evalJS[string](t, learner, `location.pathname`); path != "/wallet/signin" {
		t.Fatalf("the wallet sent a visitor to %s, want /wallet/signin", path)
	}
	const form = `form[action="/wallet/signin"]`
	learner.fill(t, form, "Email address", email)
	learner.press(t, form, "link-sent", 200, `^Send me a link$`)
	if got := learner.text(t, "#sent"); !strings.Contains(got, "a sign-in link is on its way") {
		t.Fatalf("after asking for a link: %q", got)
	}
	link := d.mailedLink(t, email)
	learner.open(t, base+link, 200, "wallet-link")
	learner.follow(t, "wallet", 200, chromedp.Click(chromedp.CSS("#confirm")))
	if path := evalJS[string](t, learner, `location.pathname`); path != "/wallet" {
		t.Fatalf("the sign-in link led to %s, want /wallet", path)
	}
	if list := learner.text(t, "main"); !strings.Contains(list, title) {
		t.Fatalf("the wallet does not list %q: %s", title, list)
	}

	// The award's page, and what a verifier sees.
	href := evalJS[string](t, learner, fmt.Sprintf(`[...document.querySelectorAll('table a[href^="/wallet/awards/"]')].find(a => a.textContent.trim() === %s).getAttribute("href")`, jsString(title)))
	learner.follow(t, "award", 200, chromedp.Click(chromedp.CSS(fmt.Sprintf(`table a[href=%s]`, jsString(href)))))
	if h := learner.text(t, "#checks-heading"); !strings.Contains(h, "verified") {
		t.Errorf("the award page's verification: %q", h)
	}
	awardPath := evalJS[string](t, learner, `location.pathname`)

	// Every download, with the learner's session.
	// The links on the page are the ones fetched.
	links := evalJS[[]string](t, learner, `[...document.querySelectorAll("a[download]")].map(a => a.getAttribute("href"))`)
	cookie := sessionCookie(t, learner)
	for file, ctype := range map[string]string{"credential.json": "application/vc+ld+json", "badge.png": "image/png",
		"badge.svg": "image/svg+xml", "certificate.pdf": "application/pdf"} {
		if !slices.Contains(links, awardPath+"/"+file) {
			t.Errorf("the award page does not offer %s: %q", file, links)
		}
		status, gotType, body := fetchAs(t, base+awardPath+"/"+file, cookie)
		if status != 200 || !strings.HasPrefix(gotType, ctype) {
			t.Errorf("%s: got %d %q, want 200 %s", file, status, gotType, ctype)
			continue
		}
		switch file {
		case "certificate.pdf":
			if !bytes.HasPrefix(body, []byte("%PDF-1.4")) || !bytes.Contains(body, []byte("%%EOF")) {
				t.Errorf("the certificate is not a PDF: %.20q", body)
			}
		default:
			// The server's public verifier checks what was downloaded.
			resp, err := http.Post(base+"/api/v1/verify", "application/octet-stream", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			var rep struct {
				Verified bool     `json:"verified"`
				Errors   []string `json:"errors"`
			}
			json.NewDecoder(resp.Body).Decode(&rep)
			resp.Body.Close()
			if !rep.Verified {
				t.Errorf("the downloaded %s does not verify: %v", file, rep.Errors)
			}
		}
	}

	// Share: a public link, and LinkedIn's.
	learner.press(t, `form[action$="/share"]`, "shared", 200, `^Make a public link$`)
	public := evalJS[string](t, learner, `document.querySelector("#public-link").href`)
	linkedIn := evalJS[string](t, learner, `document.querySelector("#linkedin").href`)
	if !strings.Contains(public, "/c/") || !strings.HasPrefix(linkedIn, "https://www.linkedin.com/profile/add?") ||
		!strings.Contains(linkedIn, "certUrl=") {
		t.Fatalf("public link %q, LinkedIn %q", public, linkedIn)
	}

	// A visitor (an employer) opens it and verifies it.
	visitor := b.tab(t, "")
	visitor.open(t, public, 200, "public-award")
	if h := visitor.text(t, "h1"); h != title {
		t.Errorf("the public page's title: %q, want %q", h, title)
	}
	visitor.press(t, `form[action="/verify"]`, "public-verified", 200, `^Verify this credential$`)
	if h := visitor.text(t, "#result-heading"); !strings.Contains(h, "Verified") || strings.Contains(h, "Not verified") {
		t.Errorf("verifying the shared award: %q", h)
	}

	// Withdrawn, the link is gone.
	learner.open(t, base+awardPath, 200, "award-again")
	learner.press(t, `form[action$="/unshare"]`, "withdrawn", 200, `^Withdraw the public link$`)
	if got := learner.text(t, "#done"); !strings.Contains(got, "withdrawn") {
		t.Errorf("after withdrawing: %q", got)
	}
	visitor.open(t, public, 410, "public-award-gone")
}
