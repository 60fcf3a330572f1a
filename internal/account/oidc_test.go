package account_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"cairn/internal/account"
	"cairn/internal/account/oidctest"
	"cairn/internal/apperror"
)

const (
	clientID     = "cairn-test"
	clientSecret = "s3cr3t-client-value"
)

var t0 = time.Date(2026, 3, 2, 17, 30, 0, 0, time.UTC)

// startOIDC runs a test provider and a client of it, both on t0's clock.
func startOIDC(t *testing.T, domain string) (*oidctest.Provider, *account.OIDC) {
	t.Helper()
	clock := func() time.Time { return t0 }
	p := oidctest.Start(t, clientID, clientSecret, clock)
	o, err := account.NewOIDC(t.Context(), account.OIDCConfig{
		IssuerURL:     p.URL,
		ClientID:      clientID,
		ClientSecret:  clientSecret,
		RedirectURL:   "http://127.0.0.1:8080/auth/oidc/callback",
		AllowedDomain: domain,
		Clock:         clock,
	})
	if err != nil {
		t.Fatalf("new OIDC: %v", err)
	}
	return p, o
}

var ada = oidctest.Identity{Subject: "ada-123", Email: "Ada@KPU.example", EmailVerified: true, Name: "Ada Lovelace"}

func TestOIDCExchangeAcceptsAValidIDToken(t *testing.T) {
	p, o := startOIDC(t, "")
	p.AddCode("code-1", oidctest.Token{Identity: ada, Nonce: "n-1"})
	got, err := o.Exchange(t.Context(), "code-1", "n-1")
	if err != nil {
		t.Fatal(err)
	}
	want := account.Claims{Issuer: p.URL, Subject: "ada-123", Email: "ada@kpu.example", EmailVerified: true, Name: "Ada Lovelace"}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	t.Run("a code works once", func(t *testing.T) {
		_, err := o.Exchange(t.Context(), "code-1", "n-1")
		wantCode(t, err, apperror.Unauthorized)
	})
}

func TestOIDCExchangeRefusesBadIDTokens(t *testing.T) {
	p, o := startOIDC(t, "")
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		tok   oidctest.Token
		nonce string
	}{
		{"wrong nonce", oidctest.Token{Identity: ada, Nonce: "n-other"}, "n-1"},
		{"no nonce in token", oidctest.Token{Identity: ada}, "n-1"},
		{"wrong audience", oidctest.Token{Identity: ada, Nonce: "n-1", Audience: []string{"someone-else"}}, "n-1"},
		{"several audiences, another authorized party", oidctest.Token{Identity: ada, Nonce: "n-1", Audience: []string{clientID, "other"}, AZP: "other"}, "n-1"},
		{"bad signature", oidctest.Token{Identity: ada, Nonce: "n-1", Key: otherKey}, "n-1"},
		{"wrong issuer", oidctest.Token{Identity: ada, Nonce: "n-1", Issuer: "https://evil.example"}, "n-1"},
		{"expired", oidctest.Token{Identity: ada, Nonce: "n-1", IssuedAt: t0.Add(-time.Hour), Expiry: t0.Add(-time.Minute)}, "n-1"},
		{"no subject", oidctest.Token{Identity: oidctest.Identity{Email: "x@kpu.example"}, Nonce: "n-1"}, "n-1"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := fmt.Sprintf("bad-%d", i)
			p.AddCode(code, tt.tok)
			claims, err := o.Exchange(t.Context(), code, tt.nonce)
			wantCode(t, err, apperror.Unauthorized)
			if claims != (account.Claims{}) {
				t.Errorf("got claims %+v with the error, want none", claims)
			}
		})
	}
	t.Run("several audiences with us as authorized party", func(t *testing.T) {
		p.AddCode("azp-ok", oidctest.Token{Identity: ada, Nonce: "n-1", Audience: []string{clientID, "other"}, AZP: clientID})
		if _, err := o.Exchange(t.Context(), "azp-ok", "n-1"); err != nil {
			t.Errorf("got %v, want the token accepted", err)
		}
	})
	t.Run("unknown code", func(t *testing.T) {
		_, err := o.Exchange(t.Context(), "never-issued", "n-1")
		wantCode(t, err, apperror.Unauthorized)
	})
	t.Run("empty nonce", func(t *testing.T) {
		p.AddCode("empty-nonce", oidctest.Token{Identity: ada})
		_, err := o.Exchange(t.Context(), "empty-nonce", "")
		wantCode(t, err, apperror.Unauthorized)
	})
}

func TestOIDCExchangeRefusesAWrongClientSecret(t *testing.T) {
	clock := func() time.Time { return t0 }
	p := oidctest.Start(t, clientID, clientSecret, clock)
	o, err := account.NewOIDC(t.Context(), account.OIDCConfig{IssuerURL: p.URL, ClientID: clientID, ClientSecret: "wrong",
		RedirectURL: "http://127.0.0.1:8080/cb", Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	p.AddCode("c", oidctest.Token{Identity: ada, Nonce: "n"})
	_, err = o.Exchange(t.Context(), "c", "n")
	wantCode(t, err, apperror.Unauthorized)
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("error %q shows the client secret", err)
	}
}

func TestOIDCAllowedDomain(t *testing.T) {
	p, o := startOIDC(t, "kpu.example")
	tests := []struct {
		name string
		id   oidctest.Identity
		want apperror.Code
	}{
		{"verified address in the domain", ada, ""},
		{"address in another domain", oidctest.Identity{Subject: "s2", Email: "eve@evil.example", EmailVerified: true}, apperror.Forbidden},
		{"subdomain is another domain", oidctest.Identity{Subject: "s3", Email: "eve@x.kpu.example", EmailVerified: true}, apperror.Forbidden},
		{"unverified address", oidctest.Identity{Subject: "s4", Email: "bob@kpu.example"}, apperror.Forbidden},
		{"no address", oidctest.Identity{Subject: "s5"}, apperror.Forbidden},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := fmt.Sprintf("d-%d", i)
			p.AddCode(code, oidctest.Token{Identity: tt.id, Nonce: "n"})
			_, err := o.Exchange(t.Context(), code, "n")
			if got := apperror.CodeOf(err); got != tt.want {
				t.Errorf("got %v (code %q), want code %q", err, got, tt.want)
			}
		})
	}
}

// TestOIDCFullFlow follows the browser's way: cairn's authorization URL,
// the provider's redirect back with code and state, and the exchange.
func TestOIDCFullFlow(t *testing.T) {
	p, o := startOIDC(t, "")
	p.SignIn(ada)
	state, nonce := account.NewNonce(), account.NewNonce()
	authURL := o.AuthCodeURL(state, nonce)
	u, err := url.Parse(authURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if !strings.HasPrefix(authURL, p.URL+"/authorize?") || q.Get("state") != state || q.Get("nonce") != nonce ||
		q.Get("client_id") != clientID || !strings.Contains(q.Get("scope"), "openid") {
		t.Fatalf("got authorization URL %s, want the provider's with state, nonce, client_id and scope openid", authURL)
	}
	if strings.Contains(authURL, clientSecret) {
		t.Fatalf("authorization URL %s carries the client secret", authURL)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("got %d to %q, want a redirect", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got := back.Query().Get("state"); got != state {
		t.Fatalf("got state %q back, want %q", got, state)
	}
	claims, err := o.Exchange(t.Context(), back.Query().Get("code"), nonce)
	if err != nil {
		t.Fatal(err)
	}
	if claims.Subject != ada.Subject || claims.Email != "ada@kpu.example" {
		t.Errorf("got %+v, want Ada's claims", claims)
	}
}

func TestNewOIDCRefusesBadConfig(t *testing.T) {
	tests := []struct {
		name  string
		cfg   account.OIDCConfig
		field string
	}{
		{"no issuer", account.OIDCConfig{ClientID: "c", RedirectURL: "https://cairn.example/cb"}, "oidc.issuer_url"},
		{"issuer not http", account.OIDCConfig{IssuerURL: "ftp://idp", ClientID: "c", RedirectURL: "https://cairn.example/cb"}, "oidc.issuer_url"},
		{"no redirect", account.OIDCConfig{IssuerURL: "https://idp.example", ClientID: "c"}, "oidc.redirect_url"},
		{"no client", account.OIDCConfig{IssuerURL: "https://idp.example", RedirectURL: "https://cairn.example/cb"}, "oidc.client_id"},
		{"domain with @", account.OIDCConfig{IssuerURL: "https://idp.example", ClientID: "c", RedirectURL: "https://cairn.example/cb", AllowedDomain: "@kpu.ca"}, "oidc.allowed_domain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := account.NewOIDC(t.Context(), tt.cfg)
			var ae *apperror.Error
			if !errors.As(err, &ae) || ae.Field != tt.field {
				t.Errorf("got %v, want Invalid about %s", err, tt.field)
			}
		})
	}
	t.Run("provider answers without end", func(t *testing.T) {
		huge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"issuer":"%s","x":"`, "http://"+r.Host)
			chunk := bytes.Repeat([]byte("a"), 64<<10)
			for range 40 { // 2.5 MiB
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
			fmt.Fprint(w, `"}`)
		}))
		defer huge.Close()
		_, err := account.NewOIDC(t.Context(), account.OIDCConfig{IssuerURL: huge.URL, ClientID: "c", RedirectURL: "https://cairn.example/cb"})
		if err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") {
			t.Errorf("got %v, want the response refused as too large", err)
		}
	})
	t.Run("provider unreachable", func(t *testing.T) {
		p := oidctest.Start(t, clientID, clientSecret, nil)
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		_, err := account.NewOIDC(ctx, account.OIDCConfig{IssuerURL: p.URL + "/nowhere", ClientID: "c", RedirectURL: "https://cairn.example/cb"})
		if err == nil {
			t.Errorf("got no error for an issuer without discovery document")
		}
	})
}

func TestClientSecretIsNeverShown(t *testing.T) {
	_, o := startOIDC(t, "")
	cfg := account.OIDCConfig{IssuerURL: "https://idp.example", ClientID: clientID, ClientSecret: clientSecret, RedirectURL: "https://cairn.example/cb"}
	var logged bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logged, nil))
	log.Info("oidc", "config", cfg, "provider", o, "secret", cfg.ClientSecret)
	log.Info("oidc text", "config", fmt.Sprint(cfg))
	asJSON, err := json.Marshal(map[string]any{"client_secret": cfg.ClientSecret})
	if err != nil {
		t.Fatal(err)
	}
	shown := map[string]string{
		"%v config":    fmt.Sprintf("%v", cfg),
		"%+v config":   fmt.Sprintf("%+v", cfg),
		"%#v config":   fmt.Sprintf("%#v", cfg),
		"%v provider":  fmt.Sprintf("%v", o),
		"%+v provider": fmt.Sprintf("%+v", *o),
		"%#v provider": fmt.Sprintf("%#v", *o),
		"%s %q secret": fmt.Sprintf("%s %q", cfg.ClientSecret, cfg.ClientSecret),
		"JSON":         string(asJSON),
		"slog":         logged.String(),
	}
	for how, s := range shown {
		if strings.Contains(s, clientSecret) {
			t.Errorf("%s shows the client secret: %s", how, s)
		}
	}
	if !strings.Contains(shown["slog"], "[redacted]") {
		t.Errorf("slog output %s, want [redacted] in place of the secret", shown["slog"])
	}
	if cfg.ClientSecret.Reveal() != clientSecret {
		t.Errorf("Reveal = %q, want the secret", cfg.ClientSecret.Reveal())
	}
}

// wantCode fails unless err has the apperror code.
func wantCode(t *testing.T, err error, want apperror.Code) {
	t.Helper()
	if got := apperror.CodeOf(err); got != want {
		t.Fatalf("got error %v (code %q), want code %q", err, got, want)
	}
}
