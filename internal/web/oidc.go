package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/org"
)

// SSO is single sign-on with an OpenID provider by the authorization code
// flow with PKCE. The account package provides it; cmd/cairn adapts it.
type SSO interface {
	// AuthCodeURL returns the provider's URL to send the browser to, with
	// state, nonce and the S256 challenge of the PKCE verifier.
	AuthCodeURL(state, nonce, verifier string) string
	// SignIn exchanges the authorization code from the callback, checks
	// the ID token (its nonce too) and returns the person it belongs to.
	// A refused sign-in is apperror.Unauthorized or Forbidden, with a
	// message fit for the person.
	SignIn(ctx context.Context, code, nonce, verifier string) (org.Person, error)
}

// Single sign-on routes and the cookie that carries the flow's secrets
// from the start to the callback.
const (
	oidcStartPath    = "/auth/oidc/start"
	oidcCallbackPath = "/auth/oidc/callback"
	oidcCookie       = "cairn_oidc"
	// oidcFlowMaxAge is how long a person has at the provider.
	oidcFlowMaxAge = 10 * time.Minute
)

// defaultSSOLabel is the sign-in button's text when none is configured.
const defaultSSOLabel = "Sign in with single sign-on"

// ssoLabel is the text of the single sign-on button, or "" when single
// sign-on is not set up.
func (s *Server) ssoLabel() string {
	if s.sso == nil || s.accounts == nil {
		return ""
	}
	if s.cfg.OIDCLabel != "" {
		return s.cfg.OIDCLabel
	}
	return defaultSSOLabel
}

// oidcFlow is what the browser keeps between the start and the callback.
type oidcFlow struct {
	state, nonce, verifier, next string
}

func (f oidcFlow) encode() string {
	return strings.Join([]string{f.state, f.nonce, f.verifier, base64.RawURLEncoding.EncodeToString([]byte(f.next))}, ".")
}

func decodeOIDCFlow(v string) (oidcFlow, bool) {
	parts := strings.Split(v, ".")
	if len(parts) != 4 || len(v) > 4096 {
		return oidcFlow{}, false
	}
	next, err := base64.RawURLEncoding.DecodeString(parts[3])
	if err != nil || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return oidcFlow{}, false
	}
	return oidcFlow{state: parts[0], nonce: parts[1], verifier: parts[2], next: safeNext(string(next))}, true
}

// oidcFlowCookie carries the flow, HttpOnly, to the callback path only; it
// is Lax so that the provider's top-level redirect back brings it. An
// empty value clears it.
func (s *Server) oidcFlowCookie(value string) *http.Cookie {
	c := &http.Cookie{
		Name:     oidcCookie,
		Value:    value,
		Path:     oidcCallbackPath,
		HttpOnly: true,
		Secure:   strings.HasPrefix(s.cfg.BaseURL, "https://"),
		SameSite: http.SameSiteLaxMode,
		MaxAge:   int(oidcFlowMaxAge / time.Second),
	}
	if value == "" {
		c.MaxAge = -1
	}
	return c
}

// oidcStart sends the browser to the provider, keeping fresh state, nonce
// and PKCE verifier in the flow cookie.
func (s *Server) oidcStart(w http.ResponseWriter, r *http.Request) error {
	if s.ssoLabel() == "" {
		return statusError{http.StatusNotFound, "Single sign-on is not set up on this server. Sign in with your email address and password."}
	}
	next := safeNext(r.URL.Query().Get("next"))
	if actorOf(r.Context()).signedIn() {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	// rand.Text has 128 bits; two make a 52-character PKCE verifier
	// (RFC 7636 asks for 43 to 128 unreserved characters).
	f := oidcFlow{state: rand.Text(), nonce: rand.Text(), verifier: rand.Text() + rand.Text(), next: next}
	http.SetCookie(w, s.oidcFlowCookie(f.encode()))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, s.sso.AuthCodeURL(f.state, f.nonce, f.verifier), http.StatusFound)
	return nil
}

// providerError is the shape of an OAuth 2.0 error code (RFC 6749 §4.1.2.1),
// which alone of the provider's words is shown back.
var providerError = regexp.MustCompile(`^[a-z_]{1,64}$`)

// oidcCallback finishes single sign-on: it checks the state against the
// flow cookie, has the code exchanged and the ID token checked, finds the
// person, and starts the session. Every refusal is the sign-in page with a
// plain reason; the details go to the log.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) error {
	if s.ssoLabel() == "" {
		return statusError{http.StatusNotFound, "Single sign-on is not set up on this server. Sign in with your email address and password."}
	}
	// The flow is good for one try, whatever its outcome.
	http.SetCookie(w, s.oidcFlowCookie(""))
	refuse := func(status int, message string, cause error) error {
		reqID := ""
		if info := infoOf(r.Context()); info != nil {
			reqID = info.id
		}
		s.log.InfoContext(r.Context(), "single sign-on refused", "request_id", reqID, "status", status, "reason", message, "cause", causeOf(cause))
		s.render(w, r, status, "signin", "Sign in", signInView{Next: "/tasks", Error: message, Available: true, SSOLabel: s.ssoLabel()})
		return nil
	}
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		msg := "The single sign-on provider did not sign you in."
		if providerError.MatchString(e) {
			msg = "The single sign-on provider did not sign you in (" + e + ")."
		}
		return refuse(http.StatusUnauthorized, msg+" Try again, or sign in with your email address and password.", errors.New("provider answered error "+truncate(e, 64)))
	}
	c, err := r.Cookie(oidcCookie)
	if err != nil {
		return refuse(http.StatusBadRequest, "This single sign-on attempt has expired or was started in another browser. Start again.", errors.New("no flow cookie"))
	}
	f, ok := decodeOIDCFlow(c.Value)
	if !ok {
		return refuse(http.StatusBadRequest, "This single sign-on attempt has expired or was started in another browser. Start again.", errors.New("malformed flow cookie"))
	}
	state := q.Get("state")
	if subtle.ConstantTimeCompare([]byte(state), []byte(f.state)) != 1 {
		return refuse(http.StatusBadRequest, "This single sign-on answer does not belong to the sign-in you started. Start again.", errors.New("state does not match"))
	}
	code := q.Get("code")
	if code == "" || len(code) > 4096 {
		return refuse(http.StatusBadRequest, "The single sign-on provider sent no authorization code. Start again.", errors.New("no code"))
	}
	p, err := s.sso.SignIn(r.Context(), code, f.nonce, f.verifier)
	if err != nil {
		switch apperror.CodeOf(err) {
		case apperror.Unauthorized:
			return refuse(http.StatusUnauthorized, "Single sign-on failed. Start again, or sign in with your email address and password.", err)
		case apperror.Forbidden, apperror.Invalid:
			// The account package's message says why, fit for the person.
			msg := "Single sign-on did not find your cairn account."
			var ae *apperror.Error
			if errors.As(err, &ae) && ae.Message != "" {
				msg = strings.ToUpper(ae.Message[:1]) + ae.Message[1:] + "."
			}
			return refuse(http.StatusForbidden, msg, err)
		}
		return err
	}
	token, err := s.accounts.StartSession(r.Context(), p.ID, truncate(r.UserAgent(), 200))
	if err != nil {
		return err
	}
	http.SetCookie(w, s.sessionCookie(token))
	http.Redirect(w, r, f.next, http.StatusSeeOther)
	return nil
}

// causeOf spells out an error and, for the account package's refusals
// whose message is the person's, the reasons behind it, for the log.
func causeOf(err error) string {
	if err == nil {
		return ""
	}
	parts := []string{err.Error()}
	if m, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range m.Unwrap() {
			if e != nil && e.Error() != err.Error() {
				parts = append(parts, e.Error())
			}
		}
	}
	return strings.Join(parts, ": ")
}
