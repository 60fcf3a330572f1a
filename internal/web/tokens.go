package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"cairn/internal/apperror"
)

// TokenManager makes, lists and revokes a person's API tokens. The server
// offers the token pages when its Accounts implement it too.
type TokenManager interface {
	// IssueToken makes a token for the person and returns its secret,
	// shown once and stored only as a hash.
	IssueToken(ctx context.Context, personID int64, name string, scopes []string, issuerDID string, expires time.Time) (secret string, t TokenInfo, err error)
	// Tokens lists the person's tokens, newest first, without secrets.
	Tokens(ctx context.Context, personID int64) ([]TokenInfo, error)
	// RevokeToken revokes the token; by is who revokes it.
	RevokeToken(ctx context.Context, id, by int64) error
}

// TokenInfo is an API token as its owner sees it: never its secret.
type TokenInfo struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	Scopes     []string  `json:"scopes"`
	IssuerDID  string    `json:"issuerDid,omitempty"`
	CreatedAt  time.Time `json:"createdAt"`
	ExpiresAt  time.Time `json:"expiresAt,omitzero"`
	LastUsedAt time.Time `json:"lastUsedAt,omitzero"`
	RevokedAt  time.Time `json:"revokedAt,omitzero"`
}

// Active reports whether the token still works at now.
func (t TokenInfo) Active(now time.Time) bool {
	return t.RevokedAt.IsZero() && (t.ExpiresAt.IsZero() || now.Before(t.ExpiresAt))
}

// tokenScope is a scope a person may ask for, and what their roles must
// allow for them to get it: a token never grants more than its owner may
// do.
type tokenScope struct {
	Name, Help string
	needs      action
}

var tokenScopes = []tokenScope{
	{ScopeCasesRead, "read offerings, approval cases and people", actViewCase},
	{ScopeCasesWrite, "propose offerings and act on approval cases", actActOnCase},
	{ScopeCredentialsRead, "read awards", actReadAwards},
	{ScopeAwardsWrite, "award, revoke and suspend", actAward},
	{ScopeCredentialsIssue, "issue credentials through the VC API, as one issuer", actAward},
	{ScopeAdmin, "administer institutions, people and committees", actAdmin},
}

// Limits on tokens made through the server.
const (
	maxTokenNameLen    = 100
	maxTokenDays       = 5 * 366
	defaultTokenDays   = 90
	maxTokensPerPerson = 50
)

func (s *Server) tokenManager() (TokenManager, error) {
	tm, ok := s.accounts.(TokenManager)
	if !ok {
		return nil, apperror.New(apperror.NotFound, "API tokens are not available on this server")
	}
	return tm, nil
}

// grantableScopes are the scopes the actor may put on a token.
func grantableScopes(a *actor) []tokenScope {
	var out []tokenScope
	for _, sc := range tokenScopes {
		if authorize(&actor{person: a.person, seats: a.seats}, sc.needs, target{}) == nil {
			out = append(out, sc)
		}
	}
	return out
}

// issuerChoices are the DIDs the actor may issue as: those of the
// institutions where they may award.
func (s *Server) issuerChoices(ctx context.Context, a *actor) []string {
	if s.issuers == nil {
		return nil
	}
	var out []string
	for _, inst := range a.institutions() {
		if authorize(&actor{person: a.person, seats: a.seats}, actAward, target{institution: inst}) != nil {
			continue
		}
		iss, err := s.issuers.Issuer(ctx, inst)
		if err != nil {
			s.log.Warn("issuer for token form", "institution", inst, "error", err)
			continue
		}
		if did := iss.IssuerID(); did != "" && !slices.Contains(out, did) {
			out = append(out, did)
		}
	}
	return out
}

// newToken is a request for a token, from the form or the API.
type newToken struct {
	Name      string   `json:"name"`
	Scopes    []string `json:"scopes"`
	IssuerDID string   `json:"issuerDid"`
	Days      int      `json:"days"`
}

// makeToken checks a request against what the actor may do and makes the
// token.
func (s *Server) makeToken(ctx context.Context, a *actor, in newToken) (string, TokenInfo, error) {
	tm, err := s.tokenManager()
	if err != nil {
		return "", TokenInfo{}, err
	}
	if a.token != nil {
		return "", TokenInfo{}, apperror.New(apperror.Forbidden, "an API token cannot make other tokens; sign in to make one")
	}
	in.Name = strings.TrimSpace(in.Name)
	switch {
	case in.Name == "":
		return "", TokenInfo{}, apperror.Field("name", "say what the token is for, e.g. \"SIS nightly import\"")
	case len(in.Name) > maxTokenNameLen:
		return "", TokenInfo{}, apperror.Field("name", "is longer than %d characters", maxTokenNameLen)
	case len(in.Scopes) == 0:
		return "", TokenInfo{}, apperror.Field("scopes", "choose at least one scope")
	}
	if in.Days == 0 {
		in.Days = defaultTokenDays
	}
	if in.Days < 1 || in.Days > maxTokenDays {
		return "", TokenInfo{}, apperror.Field("days", "must be from 1 to %d", maxTokenDays)
	}
	grantable := grantableScopes(a)
	for _, want := range in.Scopes {
		if !slices.ContainsFunc(grantable, func(sc tokenScope) bool { return sc.Name == want }) {
			if !slices.ContainsFunc(tokenScopes, func(sc tokenScope) bool { return sc.Name == want }) {
				return "", TokenInfo{}, apperror.Field("scopes", "%q is not a scope", want)
			}
			return "", TokenInfo{}, apperror.New(apperror.Forbidden, "your roles do not allow the %s scope", want)
		}
	}
	if in.IssuerDID != "" || slices.Contains(in.Scopes, ScopeCredentialsIssue) {
		if in.IssuerDID == "" {
			return "", TokenInfo{}, apperror.Field("issuerDid", "the %s scope needs the issuer the token issues as", ScopeCredentialsIssue)
		}
		if !slices.Contains(s.issuerChoices(ctx, a), in.IssuerDID) {
			return "", TokenInfo{}, apperror.Field("issuerDid", "you may not issue as %q", in.IssuerDID)
		}
	}
	existing, err := tm.Tokens(ctx, a.person.ID)
	if err != nil {
		return "", TokenInfo{}, err
	}
	live := 0
	for _, t := range existing {
		if t.Active(s.now()) {
			live++
		}
	}
	if live >= maxTokensPerPerson {
		return "", TokenInfo{}, apperror.New(apperror.Conflict, "you have %d active tokens, the most allowed; revoke one first", live)
	}
	return tm.IssueToken(ctx, a.person.ID, in.Name, in.Scopes, in.IssuerDID, s.now().AddDate(0, 0, in.Days))
}

// revokeOwnToken revokes one of the actor's tokens; another person's is
// not found.
func (s *Server) revokeOwnToken(ctx context.Context, a *actor, id int64) error {
	tm, err := s.tokenManager()
	if err != nil {
		return err
	}
	mine, err := tm.Tokens(ctx, a.person.ID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(mine, func(t TokenInfo) bool { return t.ID == id }) {
		return apperror.New(apperror.NotFound, "you have no token %d", id)
	}
	return tm.RevokeToken(ctx, id, a.person.ID)
}

// tokensView is the token page.
type tokensView struct {
	Tokens    []tokenLine
	Scopes    []tokenScope
	Issuers   []string
	NewSecret string
	NewName   string
	Problem   string
	Form      newToken
}

type tokenLine struct {
	TokenInfo
	Active bool
}

func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request) error {
	return s.showTokens(w, r, http.StatusOK, tokensView{})
}

func (s *Server) showTokens(w http.ResponseWriter, r *http.Request, status int, v tokensView) error {
	a := actorOf(r.Context())
	tm, err := s.tokenManager()
	if err != nil {
		return err
	}
	ts, err := tm.Tokens(r.Context(), a.person.ID)
	if err != nil {
		return err
	}
	for _, t := range ts {
		v.Tokens = append(v.Tokens, tokenLine{t, t.Active(s.now())})
	}
	v.Scopes = grantableScopes(a)
	v.Issuers = s.issuerChoices(r.Context(), a)
	if v.Form.Days == 0 {
		v.Form.Days = defaultTokenDays
	}
	// The page may carry a secret shown once: never cache it.
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "tokens", "API tokens", v)
	return nil
}

func (s *Server) createTokenPage(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return formError(err)
	}
	in := newToken{Name: r.PostForm.Get("name"), Scopes: r.PostForm["scope"], IssuerDID: r.PostForm.Get("issuer")}
	if d := strings.TrimSpace(r.PostForm.Get("days")); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil {
			return s.showTokens(w, r, http.StatusUnprocessableEntity, tokensView{Problem: "Days: enter a whole number of days.", Form: in})
		}
		in.Days = n
	}
	secret, t, err := s.makeToken(r.Context(), actorOf(r.Context()), in)
	if err != nil {
		var ae *apperror.Error
		if !errors.As(err, &ae) || (ae.Code != apperror.Invalid && ae.Code != apperror.Forbidden && ae.Code != apperror.Conflict) {
			return err
		}
		return s.showTokens(w, r, http.StatusUnprocessableEntity, tokensView{Problem: ae.Error(), Form: in})
	}
	s.log.Info("api token created", "person", actorOf(r.Context()).person.ID, "token", t.ID, "scopes", strings.Join(t.Scopes, " "))
	return s.showTokens(w, r, http.StatusCreated, tokensView{NewSecret: secret, NewName: t.Name})
}

func (s *Server) revokeTokenPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.revokeOwnToken(r.Context(), actorOf(r.Context()), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/account/tokens", http.StatusSeeOther)
	return nil
}

func (s *Server) apiTokens(w http.ResponseWriter, r *http.Request) error {
	tm, err := s.tokenManager()
	if err != nil {
		return err
	}
	ts, err := tm.Tokens(r.Context(), actorOf(r.Context()).person.ID)
	if err != nil {
		return err
	}
	if ts == nil {
		ts = []TokenInfo{}
	}
	return writeNoStore(w, http.StatusOK, map[string]any{"tokens": ts})
}

func (s *Server) apiCreateToken(w http.ResponseWriter, r *http.Request) error {
	var in newToken
	if err := readJSON(r, &in); err != nil {
		return err
	}
	secret, t, err := s.makeToken(r.Context(), actorOf(r.Context()), in)
	if err != nil {
		return err
	}
	return writeNoStore(w, http.StatusCreated, map[string]any{"token": t, "secret": secret})
}

func (s *Server) apiRevokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.revokeOwnToken(r.Context(), actorOf(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
