package sqlstore

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"cairn/internal/account"
	"cairn/internal/account/oidctest"
	"cairn/internal/apperror"
	"cairn/internal/org"
)

// cheapArgon keeps password hashing fast in tests.
var cheapArgon = account.PasswordParams{Time: 1, MemoryKiB: 64, Threads: 1, SaltLen: 16, KeyLen: 32}

// newAccounts returns an account service over s on the store's test
// clock, with cheap hashing and lockout after three failures.
func newAccounts(t *testing.T, s *Store, clk *testClock) *account.Service {
	t.Helper()
	svc, err := account.New(s, account.Config{Clock: clk.Now, Password: cheapArgon, MaxFailures: 3, Lockout: 10 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// rowText returns every column of the rows a query selects, formatted as
// text, for checking what is at rest.
func rowText(t *testing.T, s *Store, query string, args ...any) string {
	t.Helper()
	rows, err := s.db.QueryContext(t.Context(), query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	n := 0
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			fmt.Fprintf(&b, "%s=%v\n", cols[i], v)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatalf("%s selected no rows", query)
	}
	return b.String()
}

func wantReason(t *testing.T, err error, reason error) {
	t.Helper()
	wantCode(t, err, apperror.Unauthorized)
	if !errors.Is(err, reason) {
		t.Fatalf("got %v, want reason %v", err, reason)
	}
}

func TestAccountPasswords(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		clk := setClock(s)
		svc := newAccounts(t, s, clk)
		ada := newPerson(t, s, "ada")
		newPerson(t, s, "nopw")
		const pw = "correct horse battery staple"

		t.Run("policy is enforced", func(t *testing.T) {
			wantField(t, svc.SetPassword(t.Context(), ada.ID, "short"), apperror.Invalid, "password")
			wantField(t, svc.SetPassword(t.Context(), ada.ID, strings.Repeat("x", 1025)), apperror.Invalid, "password")
			wantField(t, svc.SetPassword(t.Context(), ada.ID, "ada@example.edu"), apperror.Invalid, "password")
			wantCode(t, svc.SetPassword(t.Context(), 999999, pw), apperror.NotFound)
		})
		if err := svc.SetPassword(t.Context(), ada.ID, pw); err != nil {
			t.Fatal(err)
		}

		t.Run("hash at rest", func(t *testing.T) {
			row := rowText(t, s, `SELECT * FROM passwords WHERE person_id = $1`, ada.ID)
			if strings.Contains(row, pw) || !strings.Contains(row, "$argon2id$v=19$m=64,t=1,p=1$") {
				t.Errorf("stored row %q, want an argon2id hash and not the password", row)
			}
		})

		t.Run("right password signs in", func(t *testing.T) {
			p, err := svc.Authenticate(t.Context(), " ADA@example.edu ", pw)
			if err != nil || p.ID != ada.ID || p.Email != "ada@example.edu" {
				t.Fatalf("got %+v, %v; want ada", p, err)
			}
		})

		// Every failure reads the same to the person.
		var messages []string
		t.Run("failures", func(t *testing.T) {
			for _, tt := range []struct {
				name, email, password string
				reason                error
			}{
				{"wrong password", "ada@example.edu", pw + "!", account.ErrWrongPassword},
				{"unknown email", "nobody@example.edu", pw, account.ErrUnknownEmail},
				{"no password set", "nopw@example.edu", pw, account.ErrNoPassword},
				{"overlong password", "ada@example.edu", strings.Repeat("x", 2000), account.ErrTooLong},
			} {
				t.Run(tt.name, func(t *testing.T) {
					p, err := svc.Authenticate(t.Context(), tt.email, tt.password)
					wantReason(t, err, tt.reason)
					if p.ID != 0 {
						t.Errorf("got person %d with the error, want none", p.ID)
					}
					messages = append(messages, apperror.MessageOf(err))
				})
			}
		})
		for _, m := range messages[1:] {
			if m != messages[0] {
				t.Errorf("failure messages differ: %q and %q; want one message", messages[0], m)
			}
		}
		if strings.Contains(messages[0], "nopw") || strings.Contains(messages[0], "unknown") {
			t.Errorf("message %q tells which failure it was", messages[0])
		}

		t.Run("lockout", func(t *testing.T) {
			// One wrong attempt was made above; a success clears the count.
			if _, err := svc.Authenticate(t.Context(), "ada@example.edu", pw); err != nil {
				t.Fatal(err)
			}
			for i := range 3 {
				_, err := svc.Authenticate(t.Context(), "ada@example.edu", "wrong password "+fmt.Sprint(i))
				wantReason(t, err, account.ErrWrongPassword)
			}
			_, err := svc.Authenticate(t.Context(), "ada@example.edu", pw)
			wantReason(t, err, account.ErrLocked)
			clk.Advance(9 * time.Minute)
			_, err = svc.Authenticate(t.Context(), "ada@example.edu", pw)
			wantReason(t, err, account.ErrLocked)
			clk.Advance(time.Minute)
			if _, err := svc.Authenticate(t.Context(), "ada@example.edu", pw); err != nil {
				t.Fatalf("after the lockout got %v, want signed in", err)
			}
		})

		t.Run("two failures then success do not lock", func(t *testing.T) {
			for range 2 {
				_, err := svc.Authenticate(t.Context(), "ada@example.edu", "nope nope nope")
				wantReason(t, err, account.ErrWrongPassword)
			}
			if _, err := svc.Authenticate(t.Context(), "ada@example.edu", pw); err != nil {
				t.Fatal(err)
			}
			_, err := svc.Authenticate(t.Context(), "ada@example.edu", "nope nope nope")
			wantReason(t, err, account.ErrWrongPassword)
			if _, err := svc.Authenticate(t.Context(), "ada@example.edu", pw); err != nil {
				t.Fatalf("got %v, want the count reset by the earlier success", err)
			}
		})

		t.Run("new parameters re-hash at sign-in", func(t *testing.T) {
			stronger := cheapArgon
			stronger.Time = 2
			svc2, err := account.New(s, account.Config{Clock: clk.Now, Password: stronger})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc2.Authenticate(t.Context(), "ada@example.edu", pw); err != nil {
				t.Fatal(err)
			}
			row := rowText(t, s, `SELECT hash FROM passwords WHERE person_id = $1`, ada.ID)
			if !strings.Contains(row, "m=64,t=2,p=1$") {
				t.Errorf("got %q, want the hash redone with t=2", row)
			}
			if _, err := svc.Authenticate(t.Context(), "ada@example.edu", pw); err != nil {
				t.Errorf("old service after re-hash: %v", err)
			}
		})

		t.Run("setting a password ends sessions", func(t *testing.T) {
			tok, _, err := svc.NewSession(t.Context(), ada.ID, "ua")
			if err != nil {
				t.Fatal(err)
			}
			if err := svc.SetPassword(t.Context(), ada.ID, "a brand new passphrase"); err != nil {
				t.Fatal(err)
			}
			_, _, err = svc.SessionByToken(t.Context(), tok)
			wantCode(t, err, apperror.Unauthorized)
			if _, err := svc.Authenticate(t.Context(), "ada@example.edu", pw); err == nil {
				t.Errorf("old password still signs in")
			}
			if _, err := svc.Authenticate(t.Context(), "ada@example.edu", "a brand new passphrase"); err != nil {
				t.Errorf("new password: %v", err)
			}
		})
	})
}

func TestAccountSessions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		clk := setClock(s)
		svc := newAccounts(t, s, clk)
		ada := newPerson(t, s, "ada")
		inst := newInstitution(t, s, "kpu")
		if err := s.GrantRole(t.Context(), org.RoleGrant{PersonID: ada.ID, InstitutionID: inst.ID, Role: org.Proponent}); err != nil {
			t.Fatal(err)
		}

		tok, sess, err := svc.NewSession(t.Context(), ada.ID, "Mozilla/5.0\r\nX-Evil: 1")
		if err != nil {
			t.Fatal(err)
		}
		start := t0.Truncate(time.Microsecond)
		if sess.ID == 0 || sess.PersonID != ada.ID || !sess.CreatedAt.Equal(start) || !sess.ExpiresAt.Equal(start.Add(12*time.Hour)) ||
			sess.UserAgent != "Mozilla/5.0X-Evil: 1" {
			t.Fatalf("got %+v, want a session for ada created now, ending in 12h, user agent without control characters", sess)
		}

		t.Run("only the token's hash is at rest", func(t *testing.T) {
			row := rowText(t, s, `SELECT * FROM sessions`)
			if strings.Contains(row, tok) {
				t.Errorf("stored row %q contains the token", row)
			}
		})

		t.Run("token finds the session and person", func(t *testing.T) {
			got, p, err := svc.SessionByToken(t.Context(), tok)
			if err != nil || got.ID != sess.ID || p.ID != ada.ID || !p.HasRole(inst.ID, org.Proponent) {
				t.Fatalf("got %+v %+v %v, want the session and ada with her role", got, p, err)
			}
		})

		t.Run("unknown and malformed tokens", func(t *testing.T) {
			for _, bad := range []string{"", "x", account.NewNonce(), tok + "x", strings.ToUpper(tok)} {
				_, _, err := svc.SessionByToken(t.Context(), bad)
				wantCode(t, err, apperror.Unauthorized)
			}
		})

		t.Run("idle timeout", func(t *testing.T) {
			tok, _, err := svc.NewSession(t.Context(), ada.ID, "")
			if err != nil {
				t.Fatal(err)
			}
			clk.Advance(2*time.Hour - time.Second)
			if _, _, err := svc.SessionByToken(t.Context(), tok); err != nil {
				t.Fatalf("before the idle timeout: %v", err)
			}
			clk.Advance(2*time.Hour - time.Second)
			if _, _, err := svc.SessionByToken(t.Context(), tok); err != nil {
				t.Fatalf("used again before the idle timeout: %v", err)
			}
			clk.Advance(2 * time.Hour)
			_, _, err = svc.SessionByToken(t.Context(), tok)
			wantCode(t, err, apperror.Unauthorized)
			var n int
			if err := s.db.QueryRowContext(t.Context(), `SELECT count(*) FROM sessions WHERE token_hash = $1`, hashHex(tok)).Scan(&n); err != nil || n != 0 {
				t.Errorf("got %d rows (%v), want the idle session deleted", n, err)
			}
		})

		t.Run("absolute lifetime", func(t *testing.T) {
			tok, _, err := svc.NewSession(t.Context(), ada.ID, "")
			if err != nil {
				t.Fatal(err)
			}
			for i := range 11 {
				clk.Advance(time.Hour)
				if _, _, err := svc.SessionByToken(t.Context(), tok); err != nil {
					t.Fatalf("after %dh of use: %v", i+1, err)
				}
			}
			clk.Advance(time.Hour)
			_, _, err = svc.SessionByToken(t.Context(), tok)
			wantCode(t, err, apperror.Unauthorized)
		})

		t.Run("touch is throttled", func(t *testing.T) {
			tok, sess, err := svc.NewSession(t.Context(), ada.ID, "")
			if err != nil {
				t.Fatal(err)
			}
			clk.Advance(30 * time.Second)
			got, _, err := svc.SessionByToken(t.Context(), tok)
			if err != nil || !got.LastSeenAt.Equal(sess.LastSeenAt) {
				t.Fatalf("got last seen %v (%v), want unchanged %v within a minute", got.LastSeenAt, err, sess.LastSeenAt)
			}
			clk.Advance(time.Minute)
			got, _, err = svc.SessionByToken(t.Context(), tok)
			if err != nil || !got.LastSeenAt.Equal(sess.LastSeenAt.Add(90*time.Second)) {
				t.Fatalf("got last seen %v (%v), want now", got.LastSeenAt, err)
			}
			stored, err := s.SessionByHash(t.Context(), hashHex(tok))
			if err != nil || !stored.LastSeenAt.Equal(got.LastSeenAt) {
				t.Errorf("stored last seen %v (%v), want %v", stored.LastSeenAt, err, got.LastSeenAt)
			}
		})

		t.Run("end one session", func(t *testing.T) {
			tok, _, err := svc.NewSession(t.Context(), ada.ID, "")
			if err != nil {
				t.Fatal(err)
			}
			if err := svc.EndSession(t.Context(), tok); err != nil {
				t.Fatal(err)
			}
			_, _, err = svc.SessionByToken(t.Context(), tok)
			wantCode(t, err, apperror.Unauthorized)
			if err := svc.EndSession(t.Context(), tok); err != nil {
				t.Errorf("ending an ended session: got %v, want nil", err)
			}
			if err := svc.EndSession(t.Context(), "garbage"); err != nil {
				t.Errorf("ending a malformed token: got %v, want nil", err)
			}
		})

		t.Run("end all sessions", func(t *testing.T) {
			bob := newPerson(t, s, "bob")
			var toks []string
			for range 3 {
				tok, _, err := svc.NewSession(t.Context(), ada.ID, "")
				if err != nil {
					t.Fatal(err)
				}
				toks = append(toks, tok)
			}
			bobTok, _, err := svc.NewSession(t.Context(), bob.ID, "")
			if err != nil {
				t.Fatal(err)
			}
			if err := svc.EndAllSessions(t.Context(), ada.ID); err != nil {
				t.Fatal(err)
			}
			for _, tok := range toks {
				_, _, err := svc.SessionByToken(t.Context(), tok)
				wantCode(t, err, apperror.Unauthorized)
			}
			if _, _, err := svc.SessionByToken(t.Context(), bobTok); err != nil {
				t.Errorf("bob's session: got %v, want it kept", err)
			}
		})

		t.Run("unknown person", func(t *testing.T) {
			_, _, err := svc.NewSession(t.Context(), 999999, "")
			wantCode(t, err, apperror.NotFound)
		})
	})
}

func TestAccountSessionLimitAndPurge(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		clk := setClock(s)
		svc, err := account.New(s, account.Config{Clock: clk.Now, Password: cheapArgon, MaxSessions: 2})
		if err != nil {
			t.Fatal(err)
		}
		ada := newPerson(t, s, "ada")
		var toks []string
		for range 3 {
			tok, _, err := svc.NewSession(t.Context(), ada.ID, "")
			if err != nil {
				t.Fatal(err)
			}
			toks = append(toks, tok)
			clk.Advance(time.Second)
		}
		_, _, err = svc.SessionByToken(t.Context(), toks[0])
		wantCode(t, err, apperror.Unauthorized)
		for _, tok := range toks[1:] {
			if _, _, err := svc.SessionByToken(t.Context(), tok); err != nil {
				t.Errorf("a recent session: got %v, want kept", err)
			}
		}

		if _, err := svc.NewLoginLink(t.Context(), "ada@example.edu"); err != nil {
			t.Fatal(err)
		}
		if n, err := svc.Purge(t.Context()); err != nil || n != 0 {
			t.Errorf("purge with nothing ended: got %d, %v; want 0", n, err)
		}
		clk.Advance(3 * time.Hour)
		if n, err := svc.Purge(t.Context()); err != nil || n != 3 {
			t.Errorf("purge: got %d, %v; want 2 idle sessions and 1 expired link", n, err)
		}
	})
}

func TestAccountAPITokens(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		clk := setClock(s)
		svc := newAccounts(t, s, clk)
		ada := newPerson(t, s, "ada")
		admin := newPerson(t, s, "admin")
		const kpu = "did:web:kpu.example"
		scopes := []account.Scope{account.ScopeCredentialsIssue, account.ScopeCredentialsRead}

		secret, tok, err := svc.IssueToken(t.Context(), ada.ID, " SIS import ", scopes, kpu, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, "cairn_") || tok.ID == 0 || tok.Name != "SIS import" || tok.IssuerDID != kpu || !tok.ExpiresAt.IsZero() {
			t.Fatalf("got %q %+v, want a cairn_ secret and the token as asked", secret, tok)
		}

		t.Run("only the secret's hash is at rest", func(t *testing.T) {
			row := rowText(t, s, `SELECT * FROM api_tokens`)
			body := strings.TrimPrefix(secret, "cairn_")
			if strings.Contains(row, secret) || strings.Contains(row, body) || strings.Contains(strings.ToLower(row), body[:20]) {
				t.Errorf("stored row %q contains the secret", row)
			}
			if !strings.Contains(row, hashHex(secret)) {
				t.Errorf("stored row %q, want the secret's SHA-256", row)
			}
		})

		t.Run("secret finds the token and person", func(t *testing.T) {
			got, p, err := svc.TokenBySecret(t.Context(), secret)
			if err != nil || got.ID != tok.ID || p.ID != ada.ID {
				t.Fatalf("got %+v %+v %v, want the token and ada", got, p, err)
			}
			if !got.Allows(account.ScopeCredentialsIssue, kpu) || got.Allows(account.ScopeCredentialsIssue, "did:web:other.example") ||
				got.Allows(account.ScopeCasesWrite, "") {
				t.Errorf("loaded token %+v allows the wrong things", got)
			}
			if got.LastUsedAt.IsZero() {
				t.Errorf("got last used zero, want the use noted")
			}
		})

		t.Run("bad secrets", func(t *testing.T) {
			for _, bad := range []string{"", "cairn_", secret + "a", "Bearer " + secret, strings.ToUpper(secret), "cairn_" + strings.Repeat("a", 52)} {
				_, _, err := svc.TokenBySecret(t.Context(), bad)
				wantCode(t, err, apperror.Unauthorized)
			}
		})

		t.Run("invalid tokens are refused", func(t *testing.T) {
			_, _, err := svc.IssueToken(t.Context(), ada.ID, "", scopes, "", time.Time{})
			wantField(t, err, apperror.Invalid, "name")
			_, _, err = svc.IssueToken(t.Context(), ada.ID, "x", []account.Scope{"root"}, "", time.Time{})
			wantField(t, err, apperror.Invalid, "scopes")
			_, _, err = svc.IssueToken(t.Context(), ada.ID, "x", scopes, "kpu", time.Time{})
			wantField(t, err, apperror.Invalid, "issuer_did")
			_, _, err = svc.IssueToken(t.Context(), ada.ID, "x", scopes, "", t0.Add(-time.Second))
			wantField(t, err, apperror.Invalid, "expires")
			_, _, err = svc.IssueToken(t.Context(), ada.ID, "x", scopes, "", t0.AddDate(6, 0, 0))
			wantField(t, err, apperror.Invalid, "expires")
			_, _, err = svc.IssueToken(t.Context(), 999999, "x", scopes, "", time.Time{})
			wantCode(t, err, apperror.NotFound)
		})

		t.Run("expiry", func(t *testing.T) {
			secret, _, err := svc.IssueToken(t.Context(), ada.ID, "short-lived", []account.Scope{account.ScopeCasesRead}, "", t0.Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := svc.TokenBySecret(t.Context(), secret); err != nil {
				t.Fatal(err)
			}
			clk.Advance(time.Hour)
			_, _, err = svc.TokenBySecret(t.Context(), secret)
			wantCode(t, err, apperror.Unauthorized)
		})

		t.Run("revocation", func(t *testing.T) {
			if err := svc.RevokeToken(t.Context(), tok.ID, admin.ID); err != nil {
				t.Fatal(err)
			}
			_, _, err := svc.TokenBySecret(t.Context(), secret)
			wantCode(t, err, apperror.Unauthorized)
			clk.Advance(time.Minute)
			if err := svc.RevokeToken(t.Context(), tok.ID, ada.ID); err != nil {
				t.Errorf("revoking again: got %v, want nil", err)
			}
			wantCode(t, svc.RevokeToken(t.Context(), 999999, admin.ID), apperror.NotFound)
		})

		t.Run("list", func(t *testing.T) {
			list, err := svc.Tokens(t.Context(), ada.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 2 || list[0].Name != "short-lived" || list[1].ID != tok.ID {
				t.Fatalf("got %+v, want the two tokens, newest first", list)
			}
			revoked := list[1]
			if revoked.RevokedBy != admin.ID || revoked.RevokedAt.IsZero() || revoked.Allows(account.ScopeCredentialsRead, "") {
				t.Errorf("got %+v, want revoked by admin (the first revocation kept) and allowing nothing", revoked)
			}
			if len(revoked.Scopes) != 2 || revoked.Scopes[0] != account.ScopeCredentialsIssue {
				t.Errorf("got scopes %v, want %v", revoked.Scopes, scopes)
			}
			if shown := fmt.Sprintf("%+v", list); strings.Contains(shown, strings.TrimPrefix(secret, "cairn_")) {
				t.Errorf("the list shows a secret: %s", shown)
			}
			if other, err := svc.Tokens(t.Context(), admin.ID); err != nil || len(other) != 0 {
				t.Errorf("admin's tokens: got %+v, %v; want none", other, err)
			}
		})

		t.Run("active tokens are limited", func(t *testing.T) {
			svc, err := account.New(s, account.Config{Clock: clk.Now, Password: cheapArgon, MaxTokens: 2})
			if err != nil {
				t.Fatal(err)
			}
			bob := newPerson(t, s, "bob")
			var ids []int64
			for range 2 {
				_, tok, err := svc.IssueToken(t.Context(), bob.ID, "t", []account.Scope{account.ScopeCasesRead}, "", time.Time{})
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, tok.ID)
			}
			_, _, err = svc.IssueToken(t.Context(), bob.ID, "t", []account.Scope{account.ScopeCasesRead}, "", time.Time{})
			wantCode(t, err, apperror.Conflict)
			if err := svc.RevokeToken(t.Context(), ids[0], bob.ID); err != nil {
				t.Fatal(err)
			}
			if _, _, err := svc.IssueToken(t.Context(), bob.ID, "t", []account.Scope{account.ScopeCasesRead}, "", time.Time{}); err != nil {
				t.Errorf("after revoking one: got %v, want a token", err)
			}
		})
	})
}

func TestAccountLoginLinks(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		clk := setClock(s)
		svc, err := account.New(s, account.Config{Clock: clk.Now, Password: cheapArgon, MaxLoginLinks: 2})
		if err != nil {
			t.Fatal(err)
		}
		learner := newPerson(t, s, "learner")

		tok, err := svc.NewLoginLink(t.Context(), "Learner@Example.edu")
		if err != nil {
			t.Fatal(err)
		}
		if row := rowText(t, s, `SELECT * FROM login_links`); strings.Contains(row, tok) {
			t.Errorf("stored row %q contains the link token", row)
		}
		t.Run("redeems once", func(t *testing.T) {
			p, err := svc.RedeemLoginLink(t.Context(), tok)
			if err != nil || p.ID != learner.ID {
				t.Fatalf("got %+v, %v; want the learner", p, err)
			}
			_, err = svc.RedeemLoginLink(t.Context(), tok)
			wantCode(t, err, apperror.Unauthorized)
		})
		t.Run("expires after 15 minutes", func(t *testing.T) {
			tok, err := svc.NewLoginLink(t.Context(), "learner@example.edu")
			if err != nil {
				t.Fatal(err)
			}
			clk.Advance(15 * time.Minute)
			_, err = svc.RedeemLoginLink(t.Context(), tok)
			wantCode(t, err, apperror.Unauthorized)
		})
		t.Run("works just before expiry", func(t *testing.T) {
			tok, err := svc.NewLoginLink(t.Context(), "learner@example.edu")
			if err != nil {
				t.Fatal(err)
			}
			clk.Advance(15*time.Minute - time.Second)
			if _, err := svc.RedeemLoginLink(t.Context(), tok); err != nil {
				t.Errorf("got %v, want redeemed", err)
			}
		})
		t.Run("live links are limited", func(t *testing.T) {
			clk.Advance(time.Hour)
			for range 2 {
				if _, err := svc.NewLoginLink(t.Context(), "learner@example.edu"); err != nil {
					t.Fatal(err)
				}
			}
			_, err := svc.NewLoginLink(t.Context(), "learner@example.edu")
			wantCode(t, err, apperror.Conflict)
			clk.Advance(15 * time.Minute)
			if _, err := svc.NewLoginLink(t.Context(), "learner@example.edu"); err != nil {
				t.Errorf("after the others expired: got %v, want a link", err)
			}
		})
		t.Run("unknown address", func(t *testing.T) {
			_, err := svc.NewLoginLink(t.Context(), "stranger@example.edu")
			wantCode(t, err, apperror.NotFound)
		})
		t.Run("malformed token", func(t *testing.T) {
			for _, bad := range []string{"", "abc", tok + "x"} {
				_, err := svc.RedeemLoginLink(t.Context(), bad)
				wantCode(t, err, apperror.Unauthorized)
			}
		})
	})
}

func TestAccountOIDC(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		clk := setClock(s)
		svc := newAccounts(t, s, clk)
		idp := oidctest.Start(t, "cairn", "client-secret", clk.Now)
		o, err := account.NewOIDC(t.Context(), account.OIDCConfig{IssuerURL: idp.URL, ClientID: "cairn", ClientSecret: "client-secret",
			RedirectURL: "http://127.0.0.1:1/callback", Clock: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		ada := newPerson(t, s, "ada")
		newPerson(t, s, "bob")
		people := func() int {
			var n int
			if err := s.db.QueryRowContext(t.Context(), `SELECT count(*) FROM people`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := people()

		// signIn runs the code flow for id and maps the claims to a person.
		signIn := func(t *testing.T, id oidctest.Identity) (org.Person, error) {
			t.Helper()
			idp.SignIn(id)
			nonce := account.NewNonce()
			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := client.Get(o.AuthCodeURL("state", nonce))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			back, err := url.Parse(resp.Header.Get("Location"))
			if err != nil {
				t.Fatal(err)
			}
			claims, err := o.Exchange(t.Context(), back.Query().Get("code"), nonce)
			if err != nil {
				t.Fatal(err)
			}
			return svc.LinkOrFind(t.Context(), claims)
		}

		t.Run("verified email links the identity", func(t *testing.T) {
			p, err := signIn(t, oidctest.Identity{Subject: "ada-sub", Email: "ADA@example.edu", EmailVerified: true})
			if err != nil || p.ID != ada.ID {
				t.Fatalf("got %+v, %v; want ada", p, err)
			}
		})
		t.Run("the link holds when the email changes", func(t *testing.T) {
			p, err := signIn(t, oidctest.Identity{Subject: "ada-sub", Email: "ada.lovelace@elsewhere.example", EmailVerified: true})
			if err != nil || p.ID != ada.ID {
				t.Fatalf("got %+v, %v; want ada by her subject", p, err)
			}
		})
		t.Run("unverified email does not link", func(t *testing.T) {
			_, err := signIn(t, oidctest.Identity{Subject: "bob-sub", Email: "bob@example.edu", EmailVerified: false})
			wantCode(t, err, apperror.Forbidden)
		})
		t.Run("unknown person is not created", func(t *testing.T) {
			_, err := signIn(t, oidctest.Identity{Subject: "eve-sub", Email: "eve@example.edu", EmailVerified: true})
			wantCode(t, err, apperror.Forbidden)
		})
		t.Run("a person linked to another subject is not relinked", func(t *testing.T) {
			_, err := signIn(t, oidctest.Identity{Subject: "impostor-sub", Email: "ada@example.edu", EmailVerified: true})
			wantCode(t, err, apperror.Forbidden)
		})
		t.Run("another provider links separately", func(t *testing.T) {
			p, err := svc.LinkOrFind(t.Context(), account.Claims{Issuer: "https://other.example", Subject: "ada-sub", Email: "ada@example.edu", EmailVerified: true})
			if err != nil || p.ID != ada.ID {
				t.Fatalf("got %+v, %v; want ada", p, err)
			}
		})
		t.Run("bad claims", func(t *testing.T) {
			_, err := svc.LinkOrFind(t.Context(), account.Claims{Subject: "x"})
			wantField(t, err, apperror.Invalid, "iss")
			_, err = svc.LinkOrFind(t.Context(), account.Claims{Issuer: idp.URL, Subject: strings.Repeat("s", 256)})
			wantField(t, err, apperror.Invalid, "sub")
		})
		if got := people(); got != before {
			t.Errorf("got %d people, want %d: single sign-on must not create people", got, before)
		}
	})
}

func TestAccountRowsGoWithTheirPerson(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		clk := setClock(s)
		svc := newAccounts(t, s, clk)
		ada := newPerson(t, s, "ada")
		admin := newPerson(t, s, "admin")
		if err := svc.SetPassword(t.Context(), ada.ID, "correct horse battery staple"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.NewSession(t.Context(), ada.ID, ""); err != nil {
			t.Fatal(err)
		}
		_, tok, err := svc.IssueToken(t.Context(), ada.ID, "t", []account.Scope{account.ScopeCasesRead}, "", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.RevokeToken(t.Context(), tok.ID, admin.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.NewLoginLink(t.Context(), "ada@example.edu"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.LinkOrFind(t.Context(), account.Claims{Issuer: "https://idp.example", Subject: "a", Email: "ada@example.edu", EmailVerified: true}); err != nil {
			t.Fatal(err)
		}
		if err := s.DeletePerson(t.Context(), admin.ID, admin.Version); err != nil {
			t.Fatalf("delete a person who revoked a token: %v", err)
		}
		list, err := svc.Tokens(t.Context(), ada.ID)
		if err != nil || len(list) != 1 || list[0].RevokedBy != 0 || list[0].RevokedAt.IsZero() {
			t.Fatalf("got %+v, %v; want the token still revoked, by no one known", list, err)
		}
		if err := s.DeletePerson(t.Context(), ada.ID, ada.Version); err != nil {
			t.Fatalf("delete a person with an account: %v", err)
		}
		for _, table := range []string{"passwords", "sessions", "api_tokens", "login_links", "oidc_identities"} {
			var n int
			if err := s.db.QueryRowContext(t.Context(), `SELECT count(*) FROM `+table).Scan(&n); err != nil || n != 0 {
				t.Errorf("%s: got %d rows (%v), want none left", table, n, err)
			}
		}
	})
}

// hashHex is the hex SHA-256 the store keeps of a client-held secret.
func hashHex(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func TestAccountLoginLinkRedeemedOnceUnderConcurrency(t *testing.T) {
	forEachShared(t, func(t *testing.T, open func() (*Store, error)) {
		stores := openN(t, 4, open)
		var services []*account.Service
		for _, s := range stores {
			services = append(services, newAccounts(t, s, setClock(s)))
		}
		newPerson(t, stores[0], "learner")
		for round := range 3 {
			tok, err := services[0].NewLoginLink(t.Context(), "learner@example.edu")
			if err != nil {
				t.Fatal(err)
			}
			errs := make([]error, len(services))
			var wg sync.WaitGroup
			for i, svc := range services {
				wg.Go(func() {
					for {
						_, errs[i] = svc.RedeemLoginLink(t.Context(), tok)
						if !IsRetryable(errs[i]) {
							return
						}
					}
				})
			}
			wg.Wait()
			won := 0
			for _, err := range errs {
				switch apperror.CodeOf(err) {
				case "":
					won++
				case apperror.Unauthorized:
				default:
					t.Fatalf("round %d: got %v, want success or Unauthorized", round, err)
				}
			}
			if won != 1 {
				t.Errorf("round %d: %d redemptions succeeded, want exactly 1", round, won)
			}
		}
	})
}
