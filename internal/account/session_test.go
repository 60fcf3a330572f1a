package account

import (
	"net/http"
	"testing"
	"time"
)

func TestCookieFor(t *testing.T) {
	tests := []struct {
		name       string
		maxAge     time.Duration
		secure     bool
		wantMaxAge int
		wantValue  string
	}{
		{"lifetime", 12 * time.Hour, true, 43200, "tok"},
		{"rounded up", 1500 * time.Millisecond, false, 2, "tok"},
		{"browser session", 0, false, 0, "tok"},
		{"delete", -1, true, -1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := CookieFor("tok", tt.maxAge, tt.secure)
			if c.Name != "cairn_session" || c.Path != "/" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != tt.secure {
				t.Errorf("got %+v, want cairn_session, Path=/, HttpOnly, SameSite=Lax, Secure=%t", c, tt.secure)
			}
			if c.MaxAge != tt.wantMaxAge || c.Value != tt.wantValue {
				t.Errorf("got MaxAge %d value %q, want %d and %q", c.MaxAge, c.Value, tt.wantMaxAge, tt.wantValue)
			}
			if err := c.Valid(); err != nil {
				t.Errorf("cookie is not valid: %v", err)
			}
		})
	}
	if c := ClearCookie(true); c.MaxAge != -1 || c.Value != "" || c.Name != CookieName {
		t.Errorf("ClearCookie = %+v, want an expired cairn_session cookie", c)
	}
}

func TestSessionEndsAt(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	s := Session{CreatedAt: t0, LastSeenAt: t0.Add(time.Hour), ExpiresAt: t0.Add(12 * time.Hour)}
	if got, want := s.EndsAt(2*time.Hour), t0.Add(3*time.Hour); !got.Equal(want) {
		t.Errorf("idle end: got %v, want %v", got, want)
	}
	s.LastSeenAt = t0.Add(11 * time.Hour)
	if got, want := s.EndsAt(2*time.Hour), t0.Add(12*time.Hour); !got.Equal(want) {
		t.Errorf("absolute end: got %v, want %v", got, want)
	}
}

func TestCleanUserAgent(t *testing.T) {
	long := make([]byte, 0, 600)
	for len(long) < 600 {
		long = append(long, "é"...)
	}
	tests := []struct{ name, in, want string }{
		{"plain", "Mozilla/5.0 (X11)", "Mozilla/5.0 (X11)"},
		{"control characters", "a\r\nb\x00c", "abc"},
		{"invalid UTF-8", "a\xffb", "ab"},
		{"long", string(long), string(long[:MaxUserAgentBytes])},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cleanUserAgent(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"idle longer than lifetime", Config{SessionLifetime: time.Hour, SessionIdle: 2 * time.Hour}},
		{"negative lockout", Config{Lockout: -time.Minute}},
		{"weak argon2id", Config{Password: PasswordParams{Time: 1, MemoryKiB: 1, Threads: 1, SaltLen: 16, KeyLen: 32}}},
		{"too many tokens", Config{MaxTokens: MaxTokensListed + 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(nopStore{}, tt.cfg); err == nil {
				t.Errorf("New succeeded, want an error")
			}
		})
	}
	t.Run("defaults", func(t *testing.T) {
		s, err := New(nopStore{}, Config{})
		if err != nil {
			t.Fatal(err)
		}
		c := s.Config()
		if c.SessionLifetime != 12*time.Hour || c.SessionIdle != 2*time.Hour || c.LoginLinkLifetime != 15*time.Minute ||
			c.Password != DefaultPasswordParams || c.MaxFailures != 5 || c.Lockout != 15*time.Minute {
			t.Errorf("got %+v, want the documented defaults", c)
		}
	})
}

// nopStore is a Store for tests that never reach it.
type nopStore struct{ Store }
