package account

import (
	"regexp"
	"strings"
	"testing"
)

func TestSecretsHaveTheirShape(t *testing.T) {
	token, h := newToken()
	if !regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`).MatchString(token) || !wellFormedToken(token) {
		t.Errorf("got token %q, want 43 base64url characters", token)
	}
	if h != hashSecret(token) || len(h) != 64 || strings.Contains(h, token) {
		t.Errorf("got hash %q of %q, want its hex SHA-256", h, token)
	}
	secret, sh := newSecret()
	if !regexp.MustCompile(`^cairn_[a-z2-7]{52}$`).MatchString(secret) || !wellFormedSecret(secret) {
		t.Errorf("got secret %q, want cairn_ and 52 base32 characters", secret)
	}
	if sh != hashSecret(secret) {
		t.Errorf("got hash %q, want the secret's SHA-256", sh)
	}
	if other, _ := newSecret(); other == secret {
		t.Errorf("two secrets are equal: %q", secret)
	}
}

func TestMalformedSecretsAreRefused(t *testing.T) {
	secret, _ := newSecret()
	token, _ := newToken()
	for name, s := range map[string]string{
		"empty":          "",
		"no prefix":      strings.TrimPrefix(secret, TokenPrefix) + "abcdef",
		"other prefix":   "ghp_x" + secret[5:],
		"upper case":     strings.ToUpper(secret),
		"one char short": secret[:len(secret)-1],
		"session token":  token,
	} {
		t.Run(name, func(t *testing.T) {
			if wellFormedSecret(s) {
				t.Errorf("wellFormedSecret(%q) = true, want false", s)
			}
		})
	}
	for name, s := range map[string]string{
		"empty":      "",
		"not base64": strings.Repeat("*", len(token)),
		"too long":   token + "A",
		"API secret": secret,
	} {
		t.Run("token "+name, func(t *testing.T) {
			if wellFormedToken(s) {
				t.Errorf("wellFormedToken(%q) = true, want false", s)
			}
		})
	}
}
