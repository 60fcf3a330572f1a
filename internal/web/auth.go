package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/org"
	"cairn/internal/sqlstore"
)

// Accounts is what the server needs of account management: checking a
// password, keeping sessions server-side, and finding API tokens. The
// account package provides it; tests use a fake.
type Accounts interface {
	// Authenticate returns the person whose email and password these are;
	// a wrong pair is apperror.Unauthorized.
	Authenticate(ctx context.Context, email, password string) (org.Person, error)
	// StartSession opens a session for the person and returns its secret
	// token, which the session cookie carries.
	StartSession(ctx context.Context, personID int64, userAgent string) (string, error)
	// Session returns the person signed in with a session token; an
	// unknown or expired token is apperror.Unauthorized.
	Session(ctx context.Context, token string) (org.Person, error)
	// EndSession ends the session; ending an unknown one is not an error.
	EndSession(ctx context.Context, token string) error
	// APIToken returns the token with the secret and its person; an
	// unknown, revoked or expired token is apperror.Unauthorized.
	APIToken(ctx context.Context, secret string) (APIToken, org.Person, error)
}

// APIToken is what the server asks of an API token: whether it grants a
// scope (for issuing, for an issuer DID; "" for any).
type APIToken interface {
	Allows(scope, issuerDID string) bool
}

// SessionCookie is the name of the cookie that carries the session token.
const SessionCookie = "cairn_session"

// sessionMaxAge is how long a session cookie lives in the browser; the
// server may end the session sooner.
const sessionMaxAge = 12 * time.Hour

// Bounds on credentials read from a request.
const (
	maxTokenBytes    = 512
	maxPasswordBytes = 1024
	maxEmailBytes    = 320
)

// actor is who sends a request: a signed-in person with their role grants
// and committee seats, or no one (ID 0).
type actor struct {
	person org.Person
	seats  []sqlstore.Seat
	// token is set when the request authenticated with an API token.
	token APIToken
	// session is the session token when the request carried a valid
	// session cookie.
	session string
	// operator is set for an installation operator (sqlstore.IsOperator).
	operator bool
}

type actorKey struct{}

// actorOf returns the request's actor; never nil.
func actorOf(ctx context.Context) *actor {
	if a, ok := ctx.Value(actorKey{}).(*actor); ok {
		return a
	}
	return &actor{}
}

func (a *actor) signedIn() bool { return a.person.ID != 0 }

// hasRole reports whether the actor holds one of the roles, at the
// institution or (for institution 0) anywhere.
func (a *actor) hasRole(institution int64, roles ...org.Role) bool {
	for _, g := range a.person.Roles {
		if institution != 0 && g.InstitutionID != institution {
			continue
		}
		for _, r := range roles {
			if g.Role == r {
				return true
			}
		}
	}
	return false
}

// staff reports whether the actor works at the institution (0: anywhere):
// holds a role other than learner there, or sits on one of its committees.
func (a *actor) staff(institution int64) bool {
	for _, g := range a.person.Roles {
		if (institution == 0 || g.InstitutionID == institution) && g.Role != org.Learner {
			return true
		}
	}
	return a.sits(institution, false)
}

// sits reports whether the actor sits on a committee of the institution
// (0: any), as its chair when chair is set.
func (a *actor) sits(institution int64, chair bool) bool {
	for _, s := range a.seats {
		if (institution == 0 || s.InstitutionID == institution) && (!chair || s.Chair) {
			return true
		}
	}
	return false
}

// institutions returns the institutions where the actor holds a role or a
// seat.
func (a *actor) institutions() []int64 {
	var out []int64
	add := func(id int64) {
		for _, x := range out {
			if x == id {
				return
			}
		}
		out = append(out, id)
	}
	for _, g := range a.person.Roles {
		add(g.InstitutionID)
	}
	for _, s := range a.seats {
		add(s.InstitutionID)
	}
	return out
}

// authenticate finds the request's actor: by API token on API routes
// (Authorization: Bearer), else by session cookie. A bad token is an error;
// a bad or stale cookie just means no one is signed in.
func (s *Server) authenticate(r *http.Request, rt route) (*actor, error) {
	a := &actor{}
	if s.accounts == nil {
		return a, nil
	}
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" && rt.kind == api {
		scheme, secret, _ := strings.Cut(h, " ")
		secret = strings.TrimSpace(secret)
		if !strings.EqualFold(scheme, "Bearer") || secret == "" || len(secret) > maxTokenBytes {
			return nil, apperror.New(apperror.Unauthorized, "send an API token as Authorization: Bearer TOKEN")
		}
		tok, p, err := s.accounts.APIToken(ctx, secret)
		if err != nil {
			if apperror.CodeOf(err) == apperror.Internal {
				return nil, err
			}
			return nil, apperror.New(apperror.Unauthorized, "the API token is unknown, revoked or expired")
		}
		a.token = tok
		return s.withGrants(ctx, a, p)
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > maxTokenBytes {
		return a, nil
	}
	p, err := s.accounts.Session(ctx, c.Value)
	if err != nil {
		if apperror.CodeOf(err) == apperror.Internal {
			return nil, err
		}
		return a, nil
	}
	a.session = c.Value
	return s.withGrants(ctx, a, p)
}

// withGrants completes the actor with the person's current role grants
// and committee seats, read from the store so a change applies at once.
func (s *Server) withGrants(ctx context.Context, a *actor, p org.Person) (*actor, error) {
	full, err := s.store.Person(ctx, p.ID)
	if err != nil {
		if apperror.CodeOf(err) == apperror.NotFound {
			return &actor{}, nil
		}
		return nil, err
	}
	a.person = full
	if a.seats, err = s.store.Seats(ctx, p.ID); err != nil {
		return nil, err
	}
	if a.operator, err = s.store.IsOperator(ctx, p.ID); err != nil {
		return nil, err
	}
	return a, nil
}

// sessionCookie is the cookie that carries a session token; an empty
// token clears it.
func (s *Server) sessionCookie(token string) *http.Cookie {
	c := &http.Cookie{
		Name:     SessionCookie,
		Value:    token,
		Path:     "/",
		HttpOnly: true,
		Secure:   strings.HasPrefix(s.cfg.BaseURL, "https://"),
		SameSite: http.SameSiteLaxMode,
		MaxAge:   int(sessionMaxAge / time.Second),
	}
	if token == "" {
		c.MaxAge = -1
	}
	return c
}

// signInView is what the sign-in page shows.
type signInView struct {
	Email     string
	Next      string
	Error     string
	Available bool
	// SSOLabel is the single sign-on button's text; "" hides it.
	SSOLabel string
}

func (s *Server) signInForm(w http.ResponseWriter, r *http.Request) error {
	if actorOf(r.Context()).signedIn() {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, "signin", "Sign in", signInView{Next: safeNext(r.URL.Query().Get("next")), Available: s.accounts != nil, SSOLabel: s.ssoLabel()})
	return nil
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return formError(err)
	}
	view := signInView{Email: r.PostForm.Get("email"), Next: safeNext(r.PostForm.Get("next")), Available: s.accounts != nil, SSOLabel: s.ssoLabel()}
	if len(view.Email) > maxEmailBytes {
		view.Email = ""
	}
	if s.accounts == nil {
		view.Error = "Signing in is not set up on this server."
		s.render(w, r, http.StatusServiceUnavailable, "signin", "Sign in", view)
		return nil
	}
	password := r.PostForm.Get("password")
	if view.Email == "" || password == "" || len(password) > maxPasswordBytes {
		view.Error = "Enter your email address and your password."
		s.render(w, r, http.StatusBadRequest, "signin", "Sign in", view)
		return nil
	}
	p, err := s.accounts.Authenticate(r.Context(), view.Email, password)
	if err != nil {
		if apperror.CodeOf(err) == apperror.Internal {
			return err
		}
		view.Error = "The email address or the password is not right."
		s.render(w, r, http.StatusUnauthorized, "signin", "Sign in", view)
		return nil
	}
	token, err := s.accounts.StartSession(r.Context(), p.ID, truncate(r.UserAgent(), 200))
	if err != nil {
		return err
	}
	http.SetCookie(w, s.sessionCookie(token))
	http.Redirect(w, r, view.Next, http.StatusSeeOther)
	return nil
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r.Context())
	if a.session != "" && s.accounts != nil {
		if err := s.accounts.EndSession(r.Context(), a.session); err != nil {
			return err
		}
	}
	http.SetCookie(w, s.sessionCookie(""))
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// safeNext returns the local path to go to after signing in: only a path
// on this site, never another origin.
func safeNext(next string) string {
	if next == "" || len(next) > 2000 || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/tasks"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/tasks"
	}
	return next
}

// signInRedirect sends a browser that needs to sign in to the sign-in
// page, coming back afterwards.
func signInRedirect(w http.ResponseWriter, r *http.Request) {
	next := r.URL.Path
	if r.Method != http.MethodGet {
		next = "/tasks"
	} else if r.URL.RawQuery != "" {
		next += "?" + r.URL.RawQuery
	}
	if next == "/wallet" || strings.HasPrefix(next, "/wallet/") {
		// Learners come to their wallet from the award notice, most
		// without a password: they sign in by emailed link.
		http.Redirect(w, r, "/wallet/signin?next="+url.QueryEscape(next), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/signin?next="+url.QueryEscape(next), http.StatusSeeOther)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// isUnauthorized reports whether err asks the client to sign in.
func isUnauthorized(err error) bool {
	var ae *apperror.Error
	return errors.As(err, &ae) && ae.Code == apperror.Unauthorized
}
