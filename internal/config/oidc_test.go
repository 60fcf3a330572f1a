package config

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestOIDCSettings(t *testing.T) {
	const secret = "oidc-client-secret-7f3a"
	env := map[string]string{
		"CAIRN_OIDC_ISSUER":         "https://login.kpu.example",
		"CAIRN_OIDC_CLIENT_ID":      "cairn",
		"CAIRN_OIDC_CLIENT_SECRET":  secret,
		"CAIRN_OIDC_ALLOWED_DOMAIN": "kpu.example",
	}
	c, err := load(t, env, "--oidc-label", "Sign in with KPU")
	if err != nil {
		t.Fatal(err)
	}
	if c.OIDCIssuer != "https://login.kpu.example" || c.OIDCClientID != "cairn" || c.OIDCClientSecret != secret ||
		c.OIDCAllowedDomain != "kpu.example" || c.OIDCLabel != "Sign in with KPU" {
		t.Fatalf("got %#v", c)
	}
	if got := c.OIDCRedirect("http://127.0.0.1:8080"); got != "http://127.0.0.1:8080/auth/oidc/callback" {
		t.Errorf("redirect without base URL: got %q", got)
	}
	c.BaseURL = "https://cairn.kpu.example"
	if got := c.OIDCRedirect("http://127.0.0.1:8080"); got != "https://cairn.kpu.example/auth/oidc/callback" {
		t.Errorf("redirect from the base URL: got %q", got)
	}
	c.OIDCRedirectURL = "https://proxy.kpu.example/cb"
	if got := c.OIDCRedirect("http://127.0.0.1:8080"); got != "https://proxy.kpu.example/cb" {
		t.Errorf("redirect as configured: got %q", got)
	}

	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("starting", "config", c)
	for name, out := range map[string]string{"String": c.String(), "log": logged.String()} {
		if strings.Contains(out, secret) {
			t.Errorf("%s shows the OIDC client secret: %s", name, out)
		}
		if !strings.Contains(out, "oidc_client_id") || !strings.Contains(out, "xxxxx") {
			t.Errorf("%s lacks the OIDC settings or the mask: %s", name, out)
		}
	}
}

func TestOIDCSettingsAreChecked(t *testing.T) {
	const secret = "never-shown-secret"
	base := map[string]string{"CAIRN_OIDC_ISSUER": "https://login.kpu.example", "CAIRN_OIDC_CLIENT_ID": "cairn", "CAIRN_OIDC_CLIENT_SECRET": secret}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range base {
			m[a] = b
		}
		if v == "" {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"client without issuer", with("CAIRN_OIDC_ISSUER", ""), "oidc_client_id: is set but oidc_issuer is not"},
		{"issuer not a URL", with("CAIRN_OIDC_ISSUER", "login.kpu.example"), "oidc_issuer"},
		{"no client ID", with("CAIRN_OIDC_CLIENT_ID", ""), "oidc_client_id: is required"},
		{"bad redirect", with("CAIRN_OIDC_REDIRECT_URL", "ftp://x/cb"), "oidc_redirect_url"},
		{"domain is an address", with("CAIRN_OIDC_ALLOWED_DOMAIN", "ada@kpu.example"), "oidc_allowed_domain"},
		{"label too long", with("CAIRN_OIDC_LABEL", strings.Repeat("x", 101)), "oidc_label"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(t, tt.env)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error with %q", err, tt.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("the error shows the secret: %v", err)
			}
		})
	}
	if _, err := load(t, base); err != nil {
		t.Errorf("a complete OIDC configuration: %v", err)
	}
}
