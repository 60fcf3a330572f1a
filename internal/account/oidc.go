package account

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"cairn/internal/apperror"
	"cairn/internal/org"
)

// Secret is a configuration value that must never be shown: it formats,
// logs and marshals as "[redacted]". Reveal returns the value.
type Secret string

const redacted = "[redacted]"

// String returns "[redacted]".
func (Secret) String() string { return redacted }

// GoString returns "[redacted]", for %#v.
func (Secret) GoString() string { return redacted }

// LogValue returns "[redacted]", for log/slog.
func (Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText returns "[redacted]", for JSON, YAML and the like.
func (Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// Reveal returns the secret itself, for the one place that needs it.
func (s Secret) Reveal() string { return string(s) }

// OIDCConfig configures single sign-on with one OpenID provider.
type OIDCConfig struct {
	// IssuerURL is the provider's issuer, where
	// /.well-known/openid-configuration is found.
	IssuerURL    string
	ClientID     string
	ClientSecret Secret
	// RedirectURL is cairn's callback URL, as registered at the provider.
	RedirectURL string
	// AllowedDomain, if set, admits only people whose provider-verified
	// email address is in this domain (e.g. "kpu.ca").
	AllowedDomain string
	// HTTPClient talks to the provider; nil means a client with a
	// 10-second timeout. Responses are cut off at 1 MiB either way.
	HTTPClient *http.Client
	// Clock checks the ID token's times; nil means time.Now.
	Clock func() time.Time
}

// String describes the configuration without the client secret.
func (c OIDCConfig) String() string {
	return fmt.Sprintf("OIDC{issuer=%s client=%s redirect=%s domain=%s secret=%s}",
		c.IssuerURL, c.ClientID, c.RedirectURL, c.AllowedDomain, redacted)
}

// LogValue logs the configuration without the client secret.
func (c OIDCConfig) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("issuer", c.IssuerURL),
		slog.String("client_id", c.ClientID),
		slog.String("redirect_url", c.RedirectURL),
		slog.String("allowed_domain", c.AllowedDomain),
		slog.String("client_secret", redacted))
}

func (c OIDCConfig) validate() error {
	check := func(field, v string) error {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(v) > MaxIssuerBytes {
			return apperror.Field(field, "must be an http(s) URL of at most %d bytes", MaxIssuerBytes)
		}
		return nil
	}
	if err := check("oidc.issuer_url", c.IssuerURL); err != nil {
		return err
	}
	if err := check("oidc.redirect_url", c.RedirectURL); err != nil {
		return err
	}
	switch {
	case c.ClientID == "" || len(c.ClientID) > 1000:
		return apperror.Field("oidc.client_id", "is required, at most 1000 bytes")
	case len(c.ClientSecret) > 4096:
		return apperror.Field("oidc.client_secret", "is longer than 4096 bytes")
	case len(c.AllowedDomain) > 253 || strings.ContainsAny(c.AllowedDomain, "@/ "):
		return apperror.Field("oidc.allowed_domain", "must be a domain name")
	}
	return nil
}

// Bounds on talking to the provider.
const (
	oidcTimeout     = 10 * time.Second
	maxOIDCResponse = 1 << 20
	maxCodeBytes    = 4096
	maxNonceBytes   = 512
)

// OIDC signs people in with one OpenID provider by the authorization code
// flow. Build it with NewOIDC; it is safe for concurrent use. The client
// secret is held in a closure, so no way of printing an OIDC shows it.
type OIDC struct {
	issuer        string
	clientID      string
	redirectURL   string
	allowedDomain string
	secret        func() string
	client        *http.Client
	endpoint      oauth2.Endpoint
	verifier      *oidc.IDTokenVerifier
}

// NewOIDC discovers the provider's endpoints and keys from its issuer URL.
func NewOIDC(ctx context.Context, cfg OIDCConfig) (*OIDC, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cfg.AllowedDomain = strings.ToLower(strings.TrimPrefix(cfg.AllowedDomain, "."))
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: oidcTimeout}
	}
	limited := *client
	limited.Transport = limitedTransport{next: client.Transport}
	secret := cfg.ClientSecret.Reveal()
	o := &OIDC{
		issuer:        cfg.IssuerURL,
		clientID:      cfg.ClientID,
		redirectURL:   cfg.RedirectURL,
		allowedDomain: cfg.AllowedDomain,
		secret:        func() string { return secret },
		client:        &limited,
	}
	provider, err := oidc.NewProvider(o.context(ctx), cfg.IssuerURL)
	if err != nil {
		return nil, fmt.Errorf("discover OpenID provider %s: %w", cfg.IssuerURL, err)
	}
	o.endpoint = provider.Endpoint()
	o.verifier = provider.VerifierContext(o.context(ctx), &oidc.Config{ClientID: cfg.ClientID, Now: cfg.Clock})
	return o, nil
}

// context makes ctx carry the provider's HTTP client, which is how go-oidc
// and oauth2 are told which client to use.
func (o *OIDC) context(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, o.client)
}

// oauth returns the OAuth 2.0 client configuration, built per use so that
// the secret is not kept in a printable field.
func (o *OIDC) oauth() *oauth2.Config {
	return &oauth2.Config{
		ClientID:     o.clientID,
		ClientSecret: o.secret(),
		RedirectURL:  o.redirectURL,
		Endpoint:     o.endpoint,
		Scopes:       []string{oidc.ScopeOpenID, "email", "profile"},
	}
}

// config describes o as the configuration it came from, without secret.
func (o *OIDC) config() OIDCConfig {
	return OIDCConfig{IssuerURL: o.issuer, ClientID: o.clientID, RedirectURL: o.redirectURL, AllowedDomain: o.allowedDomain}
}

// String describes the provider without the client secret.
func (o *OIDC) String() string { return o.config().String() }

// LogValue logs the provider without the client secret.
func (o *OIDC) LogValue() slog.Value { return o.config().LogValue() }

// Issuer returns the provider's issuer URL.
func (o *OIDC) Issuer() string { return o.issuer }

// AuthCodeURL returns the provider's URL to send the browser to. state and
// nonce are fresh random values (NewNonce) that the caller keeps, bound to
// the browser (e.g. in a short-lived HttpOnly cookie), and checks when the
// browser comes back: state in the callback's query, nonce by Exchange.
func (o *OIDC) AuthCodeURL(state, nonce string) string {
	return o.oauth().AuthCodeURL(state, oidc.Nonce(nonce))
}

// NewPKCEVerifier returns a fresh PKCE code verifier (RFC 7636) to keep
// with state and nonce.
func NewPKCEVerifier() string { return oauth2.GenerateVerifier() }

// AuthCodeURLPKCE is AuthCodeURL with a PKCE code challenge (S256) made
// from verifier, which the caller keeps and gives to ExchangePKCE.
func (o *OIDC) AuthCodeURLPKCE(state, nonce, verifier string) string {
	return o.oauth().AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier))
}

// Claims are what cairn takes from a verified ID token.
type Claims struct {
	Issuer        string
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
}

// errSSO is the answer to any failure of the provider's response; the
// cause is for the log.
func errSSO(cause error) error {
	return deny(apperror.Unauthorized, "single sign-on failed; try signing in again", cause)
}

// Exchange trades the authorization code from the callback for the
// provider's ID token, verifies it (signature by the provider's published
// keys, issuer, audience, expiry, and nonce, which must equal the one given
// to AuthCodeURL) and returns its claims. A failure is Unauthorized; an
// email address outside AllowedDomain, or unverified when a domain is
// required, is Forbidden.
func (o *OIDC) Exchange(ctx context.Context, code, nonce string) (Claims, error) {
	return o.exchange(ctx, code, nonce)
}

// ExchangePKCE is Exchange for a flow started by AuthCodeURLPKCE: it
// proves to the provider that it holds the code verifier.
func (o *OIDC) ExchangePKCE(ctx context.Context, code, nonce, verifier string) (Claims, error) {
	// RFC 7636 §4.1: 43 to 128 characters.
	if len(verifier) < 43 || len(verifier) > 128 {
		return Claims{}, errSSO(errors.New("PKCE code verifier missing or of the wrong length"))
	}
	return o.exchange(ctx, code, nonce, oauth2.VerifierOption(verifier))
}

func (o *OIDC) exchange(ctx context.Context, code, nonce string, opts ...oauth2.AuthCodeOption) (Claims, error) {
	switch {
	case code == "" || len(code) > maxCodeBytes:
		return Claims{}, errSSO(errors.New("authorization code missing or too long"))
	case nonce == "" || len(nonce) > maxNonceBytes:
		return Claims{}, errSSO(errors.New("nonce missing or too long"))
	}
	ctx = o.context(ctx)
	tok, err := o.oauth().Exchange(ctx, code, opts...)
	if err != nil {
		return Claims{}, errSSO(fmt.Errorf("exchange code: %w", err))
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return Claims{}, errSSO(errors.New("token response has no id_token"))
	}
	idt, err := o.verifier.Verify(ctx, raw)
	if err != nil {
		return Claims{}, errSSO(fmt.Errorf("verify ID token: %w", err))
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return Claims{}, errSSO(errors.New("ID token nonce does not match"))
	}
	var extra struct {
		Email         string    `json:"email"`
		EmailVerified flexBool  `json:"email_verified"`
		Name          string    `json:"name"`
		AZP           string    `json:"azp"`
		Audience      audiences `json:"aud"`
	}
	if err := idt.Claims(&extra); err != nil {
		return Claims{}, errSSO(fmt.Errorf("read ID token claims: %w", err))
	}
	// OpenID Connect Core §3.1.3.7: with several audiences, the token must
	// have been issued to us as the authorized party.
	if len(extra.Audience) > 1 && extra.AZP != o.clientID {
		return Claims{}, errSSO(errors.New("ID token has several audiences and another authorized party"))
	}
	c := Claims{
		Issuer:        idt.Issuer,
		Subject:       idt.Subject,
		Email:         org.NormalizeEmail(extra.Email),
		EmailVerified: bool(extra.EmailVerified),
		Name:          truncate(strings.TrimSpace(extra.Name), org.MaxNameLen),
	}
	if c.Subject == "" || len(c.Subject) > MaxSubjectBytes {
		return Claims{}, errSSO(errors.New("ID token subject missing or too long"))
	}
	if d := o.allowedDomain; d != "" {
		_, domain, _ := strings.Cut(c.Email, "@")
		if !c.EmailVerified || domain != d {
			return Claims{}, deny(apperror.Forbidden, "single sign-on is open only to verified "+d+" addresses",
				fmt.Errorf("email %q (verified %t) is outside %s", c.Email, c.EmailVerified, d))
		}
	}
	return c, nil
}

// flexBool reads a JSON boolean, or the strings "true" and "false" that
// some providers send for email_verified.
type flexBool bool

func (b *flexBool) UnmarshalJSON(data []byte) error {
	switch string(data) {
	case "true", `"true"`:
		*b = true
	case "false", `"false"`, "null":
		*b = false
	default:
		return fmt.Errorf("email_verified: not a boolean: %.20s", data)
	}
	return nil
}

// audiences reads "aud", a string or an array of strings.
type audiences []string

func (a *audiences) UnmarshalJSON(data []byte) error {
	var one string
	if err := json.Unmarshal(data, &one); err == nil {
		*a = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(data, &many); err != nil {
		return err
	}
	*a = many
	return nil
}

// limitedTransport cuts every response body off at maxOIDCResponse, so a
// misbehaving provider cannot make cairn read without end.
type limitedTransport struct {
	next http.RoundTripper
}

func (t limitedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	next := t.next
	if next == nil {
		next = http.DefaultTransport
	}
	resp, err := next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	resp.Body = &limitedBody{r: io.LimitReader(resp.Body, maxOIDCResponse+1), c: resp.Body}
	return resp, nil
}

// limitedBody fails a read past maxOIDCResponse bytes.
type limitedBody struct {
	r io.Reader
	c io.Closer
	n int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	if b.n > maxOIDCResponse {
		return n, errors.New("OpenID provider response is larger than 1 MiB")
	}
	return n, err
}

func (b *limitedBody) Close() error { return b.c.Close() }
