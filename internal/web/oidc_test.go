package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"cairn/internal/config"
	"cairn/internal/org"
)

// fakeSSO is a provider that answers SignIn with what the test sets, and
// records what it was asked.
type fakeSSO struct {
	person          org.Person
	err             error
	nonce, verifier string
}

func (f *fakeSSO) AuthCodeURL(state, nonce, verifier string) string {
	return "https://idp.example/authorize?" + url.Values{"state": {state}, "nonce": {nonce}, "v": {verifier}}.Encode()
}

func (f *fakeSSO) SignIn(_ context.Context, code, nonce, verifier string) (org.Person, error) {
	f.nonce, f.verifier = nonce, verifier
	return f.person, f.err
}

func TestSingleSignOnIsOffUnlessConfigured(t *testing.T) {
	f := newFixture(t, nil)
	rec := f.do(t, "GET", "/signin", nil, nil)
	if rec.Code != 200 || strings.Contains(rec.Body.String(), "/auth/oidc/start") {
		t.Errorf("sign-in page without single sign-on: got %d, with the button: %v", rec.Code, strings.Contains(rec.Body.String(), "/auth/oidc/start"))
	}
	for _, path := range []string{"/auth/oidc/start", "/auth/oidc/callback?code=c&state=s"} {
		if rec := f.do(t, "GET", path, nil, nil); rec.Code != 404 || !strings.Contains(rec.Body.String(), "not set up") {
			t.Errorf("%s without single sign-on: got %d %.300s, want 404 saying so", path, rec.Code, rec.Body)
		}
	}
}

// TestSingleSignOnFlow checks the start and the callback against a fake
// provider: the flow's secrets come back to SignIn, the label and the
// default label show, and an internal failure is a plain 500 page that
// does not show its cause.
func TestSingleSignOnFlow(t *testing.T) {
	f := newFixture(t, func(c *config.Config) { c.OIDCLabel = "Sign in with KPU" })
	sso := &fakeSSO{}
	f.srv.sso = sso
	f.handler = f.srv.Handler()
	p := org.Person{Name: "Ada", Email: "ada@kpu.example.edu"}
	if err := f.store.CreatePerson(t.Context(), &p); err != nil {
		t.Fatal(err)
	}
	sso.person = p

	if rec := f.do(t, "GET", "/signin", nil, nil); !strings.Contains(rec.Body.String(), "Sign in with KPU") {
		t.Errorf("sign-in page lacks the configured label: %.1500s", rec.Body)
	}
	start := func(t *testing.T) (cookie *http.Cookie, state string) {
		t.Helper()
		rec := f.do(t, "GET", "/auth/oidc/start?next=%2Fofferings", nil, nil)
		loc, _ := url.Parse(rec.Header().Get("Location"))
		if rec.Code != http.StatusFound || loc == nil || loc.Host != "idp.example" {
			t.Fatalf("start: got %d to %q", rec.Code, rec.Header().Get("Location"))
		}
		res := rec.Result()
		for _, c := range res.Cookies() {
			if c.Name == oidcCookie {
				cookie = c
			}
		}
		if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != oidcCallbackPath || cookie.MaxAge <= 0 {
			t.Fatalf("start: flow cookie %+v, want HttpOnly, Lax, on the callback path, short-lived", cookie)
		}
		if v := loc.Query().Get("v"); len(v) < 43 || len(v) > 128 {
			t.Errorf("PKCE verifier %q is not 43 to 128 characters", v)
		}
		return cookie, loc.Query().Get("state")
	}

	cookie, state := start(t)
	flow, _ := decodeOIDCFlow(cookie.Value)
	rec := f.do(t, "GET", "/auth/oidc/callback?code=abc&state="+url.QueryEscape(state), nil, map[string]string{"Cookie": cookie.Name + "=" + cookie.Value})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/offerings" {
		t.Fatalf("callback: got %d to %q, want 303 to /offerings: %.500s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	if sso.nonce != flow.nonce || sso.verifier != flow.verifier {
		t.Errorf("SignIn got nonce %q verifier %q, want the flow's %q %q", sso.nonce, sso.verifier, flow.nonce, flow.verifier)
	}
	if !strings.Contains(strings.Join(rec.Header().Values("Set-Cookie"), " "), SessionCookie+"=session-") {
		t.Errorf("callback set no session cookie: %v", rec.Header().Values("Set-Cookie"))
	}

	sso.err = errors.New("database on fire at 10.0.0.7")
	cookie, state = start(t)
	rec = f.do(t, "GET", "/auth/oidc/callback?code=abc&state="+url.QueryEscape(state), nil, map[string]string{"Cookie": cookie.Name + "=" + cookie.Value})
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "on fire") {
		t.Errorf("internal failure: got %d %.500s, want a 500 page without the cause", rec.Code, rec.Body)
	}

	f.srv.cfg.OIDCLabel = ""
	if rec := f.do(t, "GET", "/signin", nil, nil); !strings.Contains(rec.Body.String(), defaultSSOLabel) {
		t.Errorf("sign-in page lacks the default label: %.1500s", rec.Body)
	}
}

func TestDecodeOIDCFlow(t *testing.T) {
	f := oidcFlow{state: "s", nonce: "n", verifier: "v", next: "//evil.example/"}
	got, ok := decodeOIDCFlow(f.encode())
	if !ok || got.state != "s" || got.nonce != "n" || got.verifier != "v" || got.next != "/tasks" {
		t.Errorf("round trip: got %+v %v, want the flow with next made safe", got, ok)
	}
	for _, bad := range []string{"", "a.b.c", "a..c.", "a.b.c.!!", strings.Repeat("a.", 3000) + "a"} {
		if _, ok := decodeOIDCFlow(bad); ok {
			t.Errorf("decoded %.40q", bad)
		}
	}
}
