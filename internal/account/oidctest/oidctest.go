// Package oidctest runs an OpenID provider for tests on a loopback
// httptest server: discovery, a JSON Web Key Set, an authorization endpoint
// that signs in whoever the test says, and a token endpoint that answers
// with RS256 ID tokens signed by a key made for the test. Tests can also
// shape a token (wrong nonce, audience, issuer, signing key, times) to check
// that a client refuses it.
package oidctest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"
)

// Identity is who signs in at the provider.
type Identity struct {
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
}

// Token describes an ID token. Zero fields take the provider's defaults.
type Token struct {
	Identity
	Nonce    string
	Issuer   string   // default: the provider's URL
	Audience []string // default: the provider's client ID
	AZP      string
	IssuedAt time.Time // default: the provider's clock
	Expiry   time.Time // default: five minutes after IssuedAt
	// Key signs the token; nil means the provider's published key. Any
	// other key makes a token whose signature does not verify.
	Key *rsa.PrivateKey
}

// Provider is a running test OpenID provider.
type Provider struct {
	// URL is the issuer, e.g. http://127.0.0.1:PORT.
	URL          string
	ClientID     string
	ClientSecret string
	// Key signs ID tokens; its public half is published with KeyID.
	Key   *rsa.PrivateKey
	KeyID string

	clock func() time.Time

	mu     sync.Mutex
	codes  map[string]grant
	signIn *Identity
}

// grant is an authorization code waiting to be exchanged.
type grant struct {
	token       Token
	redirectURI string // "" when the code was added directly
	// challenge is the PKCE S256 code challenge the authorization request
	// carried; the token request must then prove its verifier.
	challenge string
}

// Start runs a provider for a client with the ID and secret until the test
// ends. clock dates the tokens; nil means time.Now.
func Start(t testing.TB, clientID, clientSecret string, clock func() time.Time) *Provider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("oidctest: generate key: %v", err)
	}
	if clock == nil {
		clock = time.Now
	}
	p := &Provider{ClientID: clientID, ClientSecret: clientSecret, Key: key, KeyID: "test-key-1", clock: clock, codes: map[string]grant{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /keys", p.keys)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

// SignIn makes the authorization endpoint sign in id, without asking, until
// told otherwise; with no one signed in it refuses.
func (p *Provider) SignIn(id Identity) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.signIn = &id
}

// AddCode makes code exchangeable, once, for an ID token described by tok.
func (p *Provider) AddCode(code string, tok Token) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.codes[code] = grant{token: tok}
}

// SignIDToken returns the compact JWS of the ID token tok describes.
func (p *Provider) SignIDToken(tok Token) string {
	if tok.Issuer == "" {
		tok.Issuer = p.URL
	}
	if tok.Audience == nil {
		tok.Audience = []string{p.ClientID}
	}
	if tok.IssuedAt.IsZero() {
		tok.IssuedAt = p.clock()
	}
	if tok.Expiry.IsZero() {
		tok.Expiry = tok.IssuedAt.Add(5 * time.Minute)
	}
	if tok.Key == nil {
		tok.Key = p.Key
	}
	claims := map[string]any{
		"iss": tok.Issuer, "sub": tok.Subject, "aud": tok.Audience,
		"iat": tok.IssuedAt.Unix(), "exp": tok.Expiry.Unix(),
	}
	set := func(name, v string) {
		if v != "" {
			claims[name] = v
		}
	}
	set("nonce", tok.Nonce)
	set("azp", tok.AZP)
	set("email", tok.Email)
	set("name", tok.Name)
	if tok.Email != "" {
		claims["email_verified"] = tok.EmailVerified
	}
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": p.KeyID, "typ": "JWT"})
	payload, _ := json.Marshal(claims)
	b64 := base64.RawURLEncoding
	input := b64.EncodeToString(header) + "." + b64.EncodeToString(payload)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(nil, tok.Key, crypto.SHA256, sum[:])
	if err != nil {
		panic("oidctest: sign: " + err.Error()) // a 2048-bit key signs any digest
	}
	return input + "." + b64.EncodeToString(sig)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (p *Provider) discovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                p.URL,
		"authorization_endpoint":                p.URL + "/authorize",
		"token_endpoint":                        p.URL + "/token",
		"jwks_uri":                              p.URL + "/keys",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
	})
}

func (p *Provider) keys(w http.ResponseWriter, _ *http.Request) {
	b64 := base64.RawURLEncoding
	pub := p.Key.PublicKey
	writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": p.KeyID,
		"n": b64.EncodeToString(pub.N.Bytes()),
		"e": b64.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}})
}

// authorize signs in the identity given to SignIn and sends the browser
// back with a code and the state.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	switch {
	case q.Get("client_id") != p.ClientID:
		http.Error(w, "unknown client", http.StatusBadRequest)
		return
	case q.Get("response_type") != "code":
		http.Error(w, "only the code flow is supported", http.StatusBadRequest)
		return
	case err != nil || !redirect.IsAbs():
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	case q.Get("code_challenge") != "" && q.Get("code_challenge_method") != "S256":
		http.Error(w, "only the S256 code challenge method is supported", http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	who := p.signIn
	code := rand.Text()
	if who != nil {
		p.codes[code] = grant{token: Token{Identity: *who, Nonce: q.Get("nonce")}, redirectURI: q.Get("redirect_uri"), challenge: q.Get("code_challenge")}
	}
	p.mu.Unlock()
	if who == nil {
		http.Error(w, "no one is signed in at the test provider", http.StatusForbidden)
		return
	}
	back := redirect.Query()
	back.Set("code", code)
	back.Set("state", q.Get("state"))
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// token exchanges a code for an ID token, once, for the client that
// authenticates with the right secret.
func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	} else {
		// RFC 6749 §2.3.1: Basic credentials are form-encoded first.
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	}
	if id != p.ClientID || subtle.ConstantTimeCompare([]byte(secret), []byte(p.ClientSecret)) != 1 {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	if r.PostForm.Get("grant_type") != "authorization_code" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
		return
	}
	code := r.PostForm.Get("code")
	p.mu.Lock()
	g, ok := p.codes[code]
	delete(p.codes, code)
	p.mu.Unlock()
	if !ok || (g.redirectURI != "" && g.redirectURI != r.PostForm.Get("redirect_uri")) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
		return
	}
	if g.challenge != "" {
		// RFC 7636 §4.6: BASE64URL(SHA256(code_verifier)) must equal the
		// challenge.
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		if subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(g.challenge)) != 1 {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "PKCE verification failed"})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": rand.Text(),
		"token_type":   "Bearer",
		"expires_in":   300,
		"id_token":     p.SignIDToken(g.token),
	})
}
