package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"cairn/internal/account"
	"cairn/internal/apperror"
	"cairn/internal/org"
)

// The Store keeps accounts for the account service.
var _ account.Store = (*Store)(nil)

// PasswordByEmail returns the password record of the person with the
// email address, compared as org.NormalizeEmail gives it; NotFound if there
// is no such person or they have no password.
func (s *Store) PasswordByEmail(ctx context.Context, email string) (account.PasswordRecord, error) {
	var r account.PasswordRecord
	err := s.ReadTx(ctx, func(tx *Tx) error {
		return tx.get("password", `SELECT w.person_id, w.hash, w.failed_attempts, w.locked_until, w.changed_at, w.last_sign_in_at
			FROM passwords w JOIN people p ON p.id = w.person_id WHERE p.email = $1`,
			[]any{org.NormalizeEmail(email)},
			&r.PersonID, &r.Hash, &r.FailedAttempts, at(&r.LockedUntil), at(&r.ChangedAt), at(&r.LastSignInAt))
	})
	return r, err
}

// SetPasswordHash sets or replaces a person's password hash and clears
// their failed attempts and lockout; NotFound if there is no such person.
func (s *Store) SetPasswordHash(ctx context.Context, personID int64, hash string, when time.Time) error {
	return s.WithTx(ctx, func(tx *Tx) error {
		if ok, err := tx.exists("people", personID); err != nil || !ok {
			return orNotFound(err, "person")
		}
		_, err := tx.exec(`INSERT INTO passwords (person_id, hash, failed_attempts, locked_until, changed_at)
			VALUES ($1, $2, 0, NULL, $3)
			ON CONFLICT (person_id) DO UPDATE SET hash = excluded.hash, failed_attempts = 0, locked_until = NULL,
				changed_at = excluded.changed_at`,
			personID, hash, tx.ts(when))
		return err
	})
}

// RecordSignInFailure counts a failed password attempt in one statement,
// so concurrent attempts all count: the maxFailures-th in a row locks the
// account until lockUntil and starts the count again.
func (s *Store) RecordSignInFailure(ctx context.Context, personID int64, maxFailures int, lockUntil time.Time) error {
	return s.WithTx(ctx, func(tx *Tx) error {
		return tx.execOne("password", `UPDATE passwords SET
			locked_until = CASE WHEN failed_attempts + 1 >= $2 THEN $3 ELSE locked_until END,
			failed_attempts = CASE WHEN failed_attempts + 1 >= $2 THEN 0 ELSE failed_attempts + 1 END
			WHERE person_id = $1`,
			personID, maxFailures, tx.ts(lockUntil))
	})
}

// RecordSignIn notes a successful password sign-in and clears the failed
// attempts.
func (s *Store) RecordSignIn(ctx context.Context, personID int64, when time.Time) error {
	return s.WithTx(ctx, func(tx *Tx) error {
		return tx.execOne("password", `UPDATE passwords SET failed_attempts = 0, locked_until = NULL, last_sign_in_at = $2
			WHERE person_id = $1`, personID, tx.ts(when))
	})
}

const sessionCols = `id, person_id, user_agent, created_at, last_seen_at, expires_at`

func scanSession(r interface{ Scan(...any) error }) (account.Session, error) {
	var x account.Session
	err := r.Scan(&x.ID, &x.PersonID, &x.UserAgent, at(&x.CreatedAt), at(&x.LastSeenAt), at(&x.ExpiresAt))
	return x, err
}

// CreateSession stores a new session under its token hash, filling in
// x.ID, and keeps only the person's keep most recently seen sessions.
// NotFound if there is no such person.
func (s *Store) CreateSession(ctx context.Context, x *account.Session, tokenHash string, keep int) error {
	if keep < 1 {
		return apperror.Field("keep", "must be at least 1")
	}
	return s.WithTx(ctx, func(tx *Tx) error {
		if ok, err := tx.exists("people", x.PersonID); err != nil || !ok {
			return orNotFound(err, "person")
		}
		err := tx.get("session", `INSERT INTO sessions (person_id, token_hash, user_agent, created_at, last_seen_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			[]any{x.PersonID, tokenHash, x.UserAgent, tx.ts(x.CreatedAt), tx.ts(x.LastSeenAt), tx.ts(x.ExpiresAt)}, &x.ID)
		if err != nil {
			return err
		}
		_, err = tx.exec(`DELETE FROM sessions WHERE person_id = $1 AND id NOT IN (
			SELECT id FROM sessions WHERE person_id = $1 ORDER BY last_seen_at DESC, id DESC LIMIT $2)`,
			x.PersonID, keep)
		return err
	})
}

// SessionByHash returns the session with the token hash; NotFound if none.
func (s *Store) SessionByHash(ctx context.Context, tokenHash string) (account.Session, error) {
	var x account.Session
	err := s.ReadTx(ctx, func(tx *Tx) error {
		var err error
		x, err = scanSession(tx.sql.QueryRowContext(tx.ctx, `SELECT `+sessionCols+` FROM sessions WHERE token_hash = $1`, tokenHash))
		if isNoRows(err) {
			return notFound("session")
		}
		return err
	})
	return x, err
}

// TouchSession sets a session's last-seen time; it never moves backwards.
// A session deleted meanwhile is not an error.
func (s *Store) TouchSession(ctx context.Context, id int64, when time.Time) error {
	return s.WithTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(`UPDATE sessions SET last_seen_at = $2 WHERE id = $1 AND last_seen_at < $2`, id, tx.ts(when))
		return err
	})
}

// DeleteSession deletes the session with the token hash, if there is one.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	return s.WithTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(`DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
		return err
	})
}

// DeletePersonSessions deletes all of a person's sessions.
func (s *Store) DeletePersonSessions(ctx context.Context, personID int64) error {
	return s.WithTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(`DELETE FROM sessions WHERE person_id = $1`, personID)
		return err
	})
}

const tokenCols = `id, person_id, name, scopes, issuer_did, created_at, expires_at, last_used_at, revoked_at, revoked_by`

func scanToken(r interface{ Scan(...any) error }) (account.Token, error) {
	var t account.Token
	var scopes string
	err := r.Scan(&t.ID, &t.PersonID, &t.Name, &scopes, &t.IssuerDID, at(&t.CreatedAt), at(&t.ExpiresAt),
		at(&t.LastUsedAt), at(&t.RevokedAt), ref(&t.RevokedBy))
	for _, f := range strings.Fields(scopes) {
		t.Scopes = append(t.Scopes, account.Scope(f))
	}
	return t, err
}

// CreateAPIToken stores a new API token under its secret hash, filling in
// t.ID. Conflict if the person already has maxActive tokens neither
// revoked nor expired at t.CreatedAt; NotFound if there is no such person.
func (s *Store) CreateAPIToken(ctx context.Context, t *account.Token, secretHash string, maxActive int) error {
	scopes := make([]string, len(t.Scopes))
	for i, sc := range t.Scopes {
		scopes[i] = string(sc)
	}
	return s.WithTx(ctx, func(tx *Tx) error {
		if ok, err := tx.exists("people", t.PersonID); err != nil || !ok {
			return orNotFound(err, "person")
		}
		var n int
		if err := tx.get("API token", `SELECT count(*) FROM api_tokens
			WHERE person_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)`,
			[]any{t.PersonID, tx.ts(t.CreatedAt)}, &n); err != nil {
			return err
		}
		if n >= maxActive {
			return apperror.New(apperror.Conflict, "you already have %d active API tokens; revoke one first", n)
		}
		return tx.get("API token", `INSERT INTO api_tokens (person_id, name, secret_hash, scopes, issuer_did, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			[]any{t.PersonID, t.Name, secretHash, strings.Join(scopes, " "), t.IssuerDID, tx.ts(t.CreatedAt), tx.nullTime(t.ExpiresAt)},
			&t.ID)
	})
}

// APITokenByHash returns the API token with the secret hash; NotFound if
// none.
func (s *Store) APITokenByHash(ctx context.Context, secretHash string) (account.Token, error) {
	var t account.Token
	err := s.ReadTx(ctx, func(tx *Tx) error {
		var err error
		t, err = scanToken(tx.sql.QueryRowContext(tx.ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE secret_hash = $1`, secretHash))
		if isNoRows(err) {
			return notFound("API token")
		}
		return err
	})
	return t, err
}

// TouchAPIToken sets a token's last-used time; it never moves backwards.
func (s *Store) TouchAPIToken(ctx context.Context, id int64, when time.Time) error {
	return s.WithTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(`UPDATE api_tokens SET last_used_at = $2
			WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)`, id, tx.ts(when))
		return err
	})
}

// RevokeAPIToken marks an API token revoked by a person; revoking a
// revoked token keeps the first revocation. NotFound if there is no such
// token.
func (s *Store) RevokeAPIToken(ctx context.Context, id, by int64, when time.Time) error {
	return s.WithTx(ctx, func(tx *Tx) error {
		if ok, err := tx.exists("api_tokens", id); err != nil || !ok {
			return orNotFound(err, "API token")
		}
		_, err := tx.exec(`UPDATE api_tokens SET revoked_at = $2, revoked_by = $3 WHERE id = $1 AND revoked_at IS NULL`,
			id, tx.ts(when), nullID(by))
		return missing(err, "by", "no such person")
	})
}

// APITokens lists a person's API tokens, newest first, at most
// account.MaxTokensListed.
func (s *Store) APITokens(ctx context.Context, personID int64) ([]account.Token, error) {
	var out []account.Token
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = list(tx, func(r *sql.Rows) (account.Token, error) { return scanToken(r) },
			`SELECT `+tokenCols+` FROM api_tokens WHERE person_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
			personID, account.MaxTokensListed)
		return err
	})
	return out, err
}

// CreateLoginLink stores a sign-in link for a person under its token
// hash. Conflict if the person already has maxLive unused links that have
// not expired at createdAt.
func (s *Store) CreateLoginLink(ctx context.Context, personID int64, tokenHash string, createdAt, expiresAt time.Time, maxLive int) error {
	return s.WithTx(ctx, func(tx *Tx) error {
		if ok, err := tx.exists("people", personID); err != nil || !ok {
			return orNotFound(err, "person")
		}
		var n int
		if err := tx.get("sign-in link", `SELECT count(*) FROM login_links
			WHERE person_id = $1 AND used_at IS NULL AND expires_at > $2`,
			[]any{personID, tx.ts(createdAt)}, &n); err != nil {
			return err
		}
		if n >= maxLive {
			return apperror.New(apperror.Conflict, "too many sign-in links were asked for; use one of them or try again later")
		}
		_, err := tx.exec(`INSERT INTO login_links (person_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			personID, tokenHash, tx.ts(createdAt), tx.ts(expiresAt))
		return err
	})
}

// RedeemLoginLink marks the unused link with the token hash that has not
// expired at when as used, in one statement so that of two concurrent
// redemptions one wins, and returns its person. NotFound if there is no
// such link.
func (s *Store) RedeemLoginLink(ctx context.Context, tokenHash string, when time.Time) (int64, error) {
	var personID int64
	err := s.WithTx(ctx, func(tx *Tx) error {
		return tx.get("sign-in link", `UPDATE login_links SET used_at = $2
			WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING person_id`,
			[]any{tokenHash, tx.ts(when)}, &personID)
	})
	return personID, err
}

// IdentityPerson returns the person linked to an OIDC identity and notes
// the sign-in; NotFound if the identity is not linked.
func (s *Store) IdentityPerson(ctx context.Context, issuer, subject string, when time.Time) (int64, error) {
	var personID int64
	err := s.WithTx(ctx, func(tx *Tx) error {
		return tx.get("single sign-on identity", `UPDATE oidc_identities SET last_sign_in_at = $3
			WHERE issuer = $1 AND subject = $2 RETURNING person_id`,
			[]any{issuer, subject, tx.ts(when)}, &personID)
	})
	return personID, err
}

// LinkIdentity links an OIDC identity to a person. Conflict if the
// identity is linked already or the person has another identity at the
// issuer; NotFound if there is no such person.
func (s *Store) LinkIdentity(ctx context.Context, id account.Identity) error {
	return s.WithTx(ctx, func(tx *Tx) error {
		if ok, err := tx.exists("people", id.PersonID); err != nil || !ok {
			return orNotFound(err, "person")
		}
		_, err := tx.exec(`INSERT INTO oidc_identities (issuer, subject, person_id, email, linked_at, last_sign_in_at)
			VALUES ($1, $2, $3, $4, $5, $5)`,
			id.Issuer, id.Subject, id.PersonID, id.Email, tx.ts(id.LinkedAt))
		return taken(err, "sub", "is linked already, or the person has another identity at this provider")
	})
}

// PurgeAccounts deletes sessions that expired by now or were last seen
// before idleBefore, and sign-in links that expired by now, and returns how
// many rows went.
func (s *Store) PurgeAccounts(ctx context.Context, now, idleBefore time.Time) (int64, error) {
	var total int64
	err := s.WithTx(ctx, func(tx *Tx) error {
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2`, []any{tx.ts(now), tx.ts(idleBefore)}},
			{`DELETE FROM login_links WHERE expires_at <= $1`, []any{tx.ts(now)}},
		} {
			res, err := tx.exec(q.sql, q.args...)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return s.translate(err)
			}
			total += n
		}
		return nil
	})
	return total, err
}
