package account

import (
	"net/http"
	"time"
)

// CookieName is the name of the cookie that carries a session token.
const CookieName = "cairn_session"

// Default session lifetimes.
const (
	DefaultSessionLifetime = 12 * time.Hour
	DefaultSessionIdle     = 2 * time.Hour
)

// Session is a signed-in browser. The client holds its token; the store
// holds only the token's hash.
type Session struct {
	ID         int64
	PersonID   int64
	UserAgent  string // as the browser sent it when signing in, cut to MaxUserAgentBytes
	CreatedAt  time.Time
	LastSeenAt time.Time // updated at most once per touchInterval
	ExpiresAt  time.Time // the absolute end, however active the session is
}

// MaxUserAgentBytes bounds the user agent kept with a session.
const MaxUserAgentBytes = 512

// touchInterval is how stale a session's LastSeenAt or a token's
// LastUsedAt may get before a use writes it again: most requests then only
// read the database. The idle timeout is enforced to within this interval.
const touchInterval = time.Minute

// EndsAt returns when the session ends if it is not used again: at its
// idle timeout or at its absolute end, whichever comes first.
func (s Session) EndsAt(idle time.Duration) time.Time {
	end := s.LastSeenAt.Add(idle)
	if s.ExpiresAt.Before(end) {
		return s.ExpiresAt
	}
	return end
}

// CookieFor returns the cookie that hands token to the browser: HttpOnly,
// SameSite=Lax, for the whole site, Secure when the site is served over
// HTTPS. A positive maxAge sets Max-Age (rounded up to whole seconds); zero
// makes a browser-session cookie; a negative one deletes the cookie.
func CookieFor(token string, maxAge time.Duration, secure bool) *http.Cookie {
	c := &http.Cookie{
		Name:     CookieName,
		Value:    token,
		Path:     "/",
		HttpOnly: true,
		Secure:   secure,
		SameSite: http.SameSiteLaxMode,
	}
	switch {
	case maxAge < 0:
		c.Value = ""
		c.MaxAge = -1
	case maxAge > 0:
		c.MaxAge = int((maxAge + time.Second - 1) / time.Second)
	}
	return c
}

// ClearCookie returns the cookie that makes the browser forget its session
// token, for signing out.
func ClearCookie(secure bool) *http.Cookie { return CookieFor("", -1, secure) }
