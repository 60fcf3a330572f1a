package account_test

import (
	"net/http"
	"net/url"
	"testing"

	"cairn/internal/account"
	"cairn/internal/apperror"
)

// TestOIDCPKCE follows the browser's way with a PKCE challenge: the
// authorization URL carries the S256 challenge, the exchange with the
// verifier succeeds, and one with another verifier (an intercepted code
// replayed by someone else) or none is refused.
func TestOIDCPKCE(t *testing.T) {
	p, o := startOIDC(t, "")
	p.SignIn(ada)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	code := func(t *testing.T, verifier string) string {
		t.Helper()
		authURL := o.AuthCodeURLPKCE("state", "nonce-1", verifier)
		u, err := url.Parse(authURL)
		if err != nil {
			t.Fatal(err)
		}
		if q := u.Query(); q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("code_challenge") == verifier {
			t.Fatalf("authorization URL %s lacks an S256 challenge distinct from the verifier", authURL)
		}
		resp, err := client.Get(authURL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		back, err := url.Parse(resp.Header.Get("Location"))
		if err != nil || resp.StatusCode != http.StatusFound {
			t.Fatalf("got %d to %q, want a redirect", resp.StatusCode, resp.Header.Get("Location"))
		}
		return back.Query().Get("code")
	}

	verifier := account.NewPKCEVerifier()
	claims, err := o.ExchangePKCE(t.Context(), code(t, verifier), "nonce-1", verifier)
	if err != nil {
		t.Fatalf("exchange with the verifier: %v", err)
	}
	if claims.Subject != ada.Subject {
		t.Errorf("got subject %q, want %q", claims.Subject, ada.Subject)
	}

	for name, give := range map[string]string{
		"another verifier": account.NewPKCEVerifier(),
		"too short":        "short",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := o.ExchangePKCE(t.Context(), code(t, account.NewPKCEVerifier()), "nonce-1", give)
			if apperror.CodeOf(err) != apperror.Unauthorized {
				t.Errorf("got %v, want Unauthorized", err)
			}
		})
	}
	t.Run("no verifier at all", func(t *testing.T) {
		_, err := o.Exchange(t.Context(), code(t, account.NewPKCEVerifier()), "nonce-1")
		if apperror.CodeOf(err) != apperror.Unauthorized {
			t.Errorf("got %v, want Unauthorized", err)
		}
	})
}
