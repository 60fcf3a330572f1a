package account

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"cairn/internal/apperror"
)

// Scope is one kind of access an API token grants.
type Scope string

// The scopes.
const (
	ScopeCredentialsIssue Scope = "credentials:issue" // issue credentials (VC API, awards)
	ScopeCredentialsRead  Scope = "credentials:read"
	ScopeCasesRead        Scope = "cases:read"
	ScopeCasesWrite       Scope = "cases:write"
	ScopeAwardsWrite      Scope = "awards:write"
	// ScopeAdmin grants every other scope.
	ScopeAdmin Scope = "admin"
)

// Scopes lists every scope, for forms and the API description.
func Scopes() []Scope {
	return []Scope{ScopeCredentialsIssue, ScopeCredentialsRead, ScopeCasesRead, ScopeCasesWrite, ScopeAwardsWrite, ScopeAdmin}
}

// Valid reports whether s is one of the scopes.
func (s Scope) Valid() bool { return slices.Contains(Scopes(), s) }

// ParseScopes reads a space- or comma-separated list of scopes, as a form
// or an OAuth "scope" parameter gives them.
func ParseScopes(s string) ([]Scope, error) {
	if len(s) > 1000 {
		return nil, apperror.Field("scopes", "is longer than 1000 bytes")
	}
	var out []Scope
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' }) {
		out = append(out, Scope(f))
	}
	return out, checkScopes(out)
}

// Bounds on API tokens.
const (
	MaxTokenNameBytes = 100
	MaxIssuerDIDBytes = 2048
	// MaxTokenLifetime bounds an expiry date; a token that should live
	// longer is issued without one.
	MaxTokenLifetime = 5 * 365 * 24 * time.Hour
)

// Token is an API token: a machine client acting for the person who issued
// it, within its scopes. The secret is shown once, when issued, and never
// stored.
type Token struct {
	ID       int64
	PersonID int64
	Name     string // what it is for, e.g. "SIS nightly import"
	Scopes   []Scope
	// IssuerDID, if set, restricts the token to acting as this issuer: it
	// may issue credentials only for this DID.
	IssuerDID  string
	CreatedAt  time.Time
	ExpiresAt  time.Time // zero: does not expire
	LastUsedAt time.Time // zero: never used; updated at most once per minute
	RevokedAt  time.Time // zero: not revoked
	RevokedBy  int64     // who revoked it; 0 if not revoked or that person is gone
}

// Allows reports whether the token grants scope for an action about the
// issuer issuerDID ("" when the action concerns no issuer). The admin scope
// grants every scope; a token restricted to an issuer allows nothing about
// another issuer, and issues credentials only when issuerDID names its
// issuer. A revoked token allows nothing. Expiry is checked by
// Service.TokenBySecret, which is where a token is obtained.
//
// Allows only narrows: the token's person must still hold the roles the
// action needs.
func (t Token) Allows(scope Scope, issuerDID string) bool {
	if !t.RevokedAt.IsZero() || !scope.Valid() {
		return false
	}
	if t.IssuerDID != "" && issuerDID != t.IssuerDID && (issuerDID != "" || scope == ScopeCredentialsIssue) {
		return false
	}
	return slices.Contains(t.Scopes, scope) || slices.Contains(t.Scopes, ScopeAdmin)
}

// Active reports whether the token may be used at now.
func (t Token) Active(now time.Time) bool {
	return t.RevokedAt.IsZero() && (t.ExpiresAt.IsZero() || now.Before(t.ExpiresAt))
}

// checkScopes reports an empty, unknown or repeated scope.
func checkScopes(scopes []Scope) error {
	if len(scopes) == 0 {
		return apperror.Field("scopes", "must name at least one scope")
	}
	for i, s := range scopes {
		if !s.Valid() {
			return apperror.Field("scopes", "%q is not a known scope", truncate(string(s), 40))
		}
		if slices.Contains(scopes[:i], s) {
			return apperror.Field("scopes", "names %s twice", s)
		}
	}
	return nil
}

// checkTokenFields reports the first problem with a new token's name,
// scopes and issuer restriction.
func checkTokenFields(name string, scopes []Scope, issuerDID string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return apperror.Field("name", "is required")
	case len(name) > MaxTokenNameBytes:
		return apperror.Field("name", "is longer than %d bytes", MaxTokenNameBytes)
	case !printable(name):
		return apperror.Field("name", "must be UTF-8 text without control characters")
	}
	if err := checkScopes(scopes); err != nil {
		return err
	}
	switch {
	case len(issuerDID) > MaxIssuerDIDBytes:
		return apperror.Field("issuer_did", "is longer than %d bytes", MaxIssuerDIDBytes)
	case issuerDID != "" && (!strings.HasPrefix(issuerDID, "did:") || strings.ContainsAny(issuerDID, " \t\r\n") || !printable(issuerDID)):
		return apperror.Field("issuer_did", "is not a DID")
	}
	return nil
}

// printable reports whether s is valid UTF-8 without control characters.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
