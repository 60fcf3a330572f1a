package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cairn/internal/account/oidctest"
)

// TestServeSingleSignOn runs `cairn serve` with single sign-on against a
// test OpenID provider on loopback and follows the browser through start,
// provider and callback: the right person is signed in, and a wrong state,
// an unknown, unverified or foreign address are each refused with a page
// that says why. The client secret shows up in no page and no log line.
func TestServeSingleSignOn(t *testing.T) {
	const secret = "oidc-client-secret-e2e-5b1c"
	idp := oidctest.Start(t, "cairn-e2e", secret, nil)
	data := t.TempDir()
	seedPerson(t, filepath.Join(data, "cairn.db"), "ada@example.edu", "correct horse battery staple")
	env := map[string]string{
		"CAIRN_LOG_FORMAT":          "json",
		"CAIRN_LOG_LEVEL":           "debug",
		"CAIRN_OIDC_ISSUER":         idp.URL,
		"CAIRN_OIDC_CLIENT_ID":      "cairn-e2e",
		"CAIRN_OIDC_CLIENT_SECRET":  secret,
		"CAIRN_OIDC_ALLOWED_DOMAIN": "example.edu",
		"CAIRN_OIDC_LABEL":          "Sign in with Example U",
	}
	base, stop, stderr := startServe(t, env, "--addr", "127.0.0.1:0", "--data", data, "--allow-outbound=false")

	var pages strings.Builder
	newBrowser := func() *http.Client {
		jar, _ := cookiejar.New(nil)
		return &http.Client{Timeout: 10 * time.Second, Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	get := func(t *testing.T, c *http.Client, u string) (*http.Response, string) {
		t.Helper()
		resp, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		pages.WriteString(resp.Header.Get("Location") + "\n" + string(body) + "\n")
		return resp, string(body)
	}
	// toCallback starts single sign-on and returns the callback URL the
	// provider sends the browser back to.
	toCallback := func(t *testing.T, c *http.Client, id oidctest.Identity) string {
		t.Helper()
		idp.SignIn(id)
		resp, _ := get(t, c, base+"/auth/oidc/start?next=%2Fcases")
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, idp.URL+"/authorize?") {
			t.Fatalf("start: got %d to %q, want a redirect to the provider", resp.StatusCode, loc)
		}
		u, _ := url.Parse(loc)
		if q := u.Query(); q.Get("state") == "" || q.Get("nonce") == "" || q.Get("code_challenge_method") != "S256" ||
			q.Get("redirect_uri") != base+"/auth/oidc/callback" {
			t.Errorf("authorization request lacks state, nonce, PKCE or the default callback: %s", loc)
		}
		setCookie := resp.Header.Get("Set-Cookie")
		if !strings.Contains(setCookie, "cairn_oidc=") || !strings.Contains(setCookie, "HttpOnly") || !strings.Contains(setCookie, "SameSite=Lax") {
			t.Errorf("flow cookie: got %q, want an HttpOnly SameSite=Lax cookie", setCookie)
		}
		resp, _ = get(t, c, loc)
		back := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusFound || !strings.HasPrefix(back, base+"/auth/oidc/callback?") {
			t.Fatalf("provider: got %d to %q, want a redirect to the callback", resp.StatusCode, back)
		}
		return back
	}
	me := func(t *testing.T, c *http.Client) (int, string) {
		t.Helper()
		resp, body := get(t, c, base+"/api/v1/me")
		var v struct {
			Email string `json:"email"`
		}
		json.Unmarshal([]byte(body), &v)
		return resp.StatusCode, v.Email
	}

	t.Run("sign-in page offers the button", func(t *testing.T) {
		resp, body := get(t, newBrowser(), base+"/signin")
		if resp.StatusCode != 200 || !strings.Contains(body, `action="/auth/oidc/start"`) || !strings.Contains(body, "Sign in with Example U") {
			t.Errorf("got %d, want the sign-in page with the single sign-on button: %.1500s", resp.StatusCode, body)
		}
	})

	t.Run("signs in the person with the verified address", func(t *testing.T) {
		c := newBrowser()
		back := toCallback(t, c, oidctest.Identity{Subject: "ada-sub", Email: "Ada@Example.edu", EmailVerified: true, Name: "Ada"})
		resp, body := get(t, c, back)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/cases" {
			t.Fatalf("callback: got %d to %q, want 303 to /cases: %.500s", resp.StatusCode, resp.Header.Get("Location"), body)
		}
		if status, email := me(t, c); status != 200 || email != "ada@example.edu" {
			t.Errorf("/api/v1/me after single sign-on: got %d %q, want 200 ada@example.edu", status, email)
		}
		// The flow is spent: coming back again with the same answer fails.
		resp, body = get(t, c, back)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Start again") {
			t.Errorf("replayed callback: got %d, want 400 asking to start again: %.500s", resp.StatusCode, body)
		}
	})

	t.Run("the linked identity signs in again", func(t *testing.T) {
		c := newBrowser()
		// The provider now reports another address for the same subject;
		// the link made the first time still finds Ada.
		back := toCallback(t, c, oidctest.Identity{Subject: "ada-sub", Email: "ada.lovelace@example.edu", EmailVerified: true})
		if resp, _ := get(t, c, back); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("callback: got %d, want 303", resp.StatusCode)
		}
		if status, email := me(t, c); status != 200 || email != "ada@example.edu" {
			t.Errorf("/api/v1/me: got %d %q, want Ada", status, email)
		}
	})

	t.Run("wrong state", func(t *testing.T) {
		c := newBrowser()
		back := toCallback(t, c, oidctest.Identity{Subject: "ada-sub", Email: "ada@example.edu", EmailVerified: true})
		u, _ := url.Parse(back)
		q := u.Query()
		q.Set("state", "forged-state")
		u.RawQuery = q.Encode()
		resp, body := get(t, c, u.String())
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "does not belong to the sign-in you started") {
			t.Errorf("got %d, want 400 explaining the state: %.800s", resp.StatusCode, body)
		}
		if status, _ := me(t, c); status != http.StatusUnauthorized {
			t.Errorf("/api/v1/me after a forged state: got %d, want 401", status)
		}
	})

	t.Run("callback without a started flow", func(t *testing.T) {
		c := newBrowser()
		resp, body := get(t, c, base+"/auth/oidc/callback?code=x&state=y")
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "expired or was started in another browser") {
			t.Errorf("got %d, want 400: %.800s", resp.StatusCode, body)
		}
	})

	t.Run("provider error", func(t *testing.T) {
		c := newBrowser()
		resp, body := get(t, c, base+"/auth/oidc/callback?error=access_denied&state=y")
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "(access_denied)") {
			t.Errorf("got %d, want 401 naming the provider's error: %.800s", resp.StatusCode, body)
		}
	})

	for _, tt := range []struct {
		name string
		id   oidctest.Identity
		want string
	}{
		{"unknown address", oidctest.Identity{Subject: "bob-sub", Email: "bob@example.edu", EmailVerified: true}, "cairn has no account for you"},
		{"unverified address", oidctest.Identity{Subject: "eve-sub", Email: "ada@example.edu", EmailVerified: false}, "open only to verified example.edu addresses"},
		{"address in another domain", oidctest.Identity{Subject: "mal-sub", Email: "ada@example.org", EmailVerified: true}, "open only to verified example.edu addresses"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newBrowser()
			resp, body := get(t, c, toCallback(t, c, tt.id))
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, tt.want) {
				t.Errorf("got %d, want 403 saying %q: %.1500s", resp.StatusCode, tt.want, body)
			}
			if status, _ := me(t, c); status != http.StatusUnauthorized {
				t.Errorf("/api/v1/me after a refused sign-in: got %d, want 401", status)
			}
		})
	}

	if err := stop(); err != nil {
		t.Fatal(err)
	}
	logs := stderr.String()
	if !strings.Contains(logs, `"msg":"single sign-on refused"`) || !strings.Contains(logs, "state does not match") {
		t.Errorf("the logs lack the refusals and their causes:\n%s", logs)
	}
	if !strings.Contains(logs, "oidc_client_secret") {
		t.Errorf("the logged configuration lacks the (masked) OIDC secret setting:\n%.2000s", logs)
	}
	for name, out := range map[string]string{"logs": logs, "pages": pages.String()} {
		if strings.Contains(out, secret) {
			t.Errorf("the %s show the client secret", name)
		}
	}
}
