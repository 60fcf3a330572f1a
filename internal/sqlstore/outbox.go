package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"cairn/internal/apperror"
)

// NotificationStatus is where a notification is in the outbox.
type NotificationStatus string

// The notification statuses.
const (
	Pending NotificationStatus = "pending" // waiting for a worker (again, after a failure)
	Claimed NotificationStatus = "claimed" // a worker holds it under a lease
	Sent    NotificationStatus = "sent"
	Failed  NotificationStatus = "failed" // gave up after MaxAttempts
)

// Limits on notifications and claims.
const (
	DefaultMaxAttempts = 5
	maxAttemptsLimit   = 50
	maxSubjectBytes    = 1000
	maxBodyBytes       = 256 << 10
	maxErrorBytes      = 2000
	maxClaim           = 1000
	maxLease           = 24 * time.Hour
	retryBase          = 30 * time.Second
	retryCap           = time.Hour
)

// Notification is a message waiting in the outbox to be sent (by email or
// otherwise) by a worker.
type Notification struct {
	ID            int64
	InstitutionID int64  // 0 for none
	Kind          string // what it is about, e.g. "review_due"
	Recipient     string // e.g. an email address
	Subject       string
	Body          string
	// Key, if set, makes the notification unique: enqueuing another with
	// the same key is a Conflict, so a reminder is queued once even if two
	// instances schedule it.
	Key         string
	Status      NotificationStatus
	Attempts    int // claims so far, including the current one
	MaxAttempts int // 0 on enqueue means DefaultMaxAttempts
	AvailableAt time.Time
	ClaimedBy   string
	LeaseUntil  time.Time
	LastError   string
	CreatedAt   time.Time
	SentAt      time.Time
}

func (n Notification) validate() error {
	switch {
	case n.Kind == "" || len(n.Kind) > 100:
		return apperror.Field("kind", "is required, at most 100 bytes")
	case n.Recipient == "" || len(n.Recipient) > 320:
		return apperror.Field("recipient", "is required, at most 320 bytes")
	case len(n.Subject) > maxSubjectBytes:
		return apperror.Field("subject", "is longer than %d bytes", maxSubjectBytes)
	case len(n.Body) > maxBodyBytes:
		return apperror.Field("body", "is longer than %d bytes", maxBodyBytes)
	case len(n.Key) > 200:
		return apperror.Field("key", "is longer than 200 bytes")
	case n.MaxAttempts < 0 || n.MaxAttempts > maxAttemptsLimit:
		return apperror.Field("max_attempts", "must be between 0 and %d", maxAttemptsLimit)
	case n.InstitutionID < 0:
		return apperror.Field("institution_id", "is not a valid reference")
	}
	for _, f := range []struct{ name, v string }{{"kind", n.Kind}, {"recipient", n.Recipient}, {"subject", n.Subject}, {"body", n.Body}, {"key", n.Key}} {
		if !utf8.ValidString(f.v) || strings.ContainsRune(f.v, 0) {
			return apperror.Field(f.name, "must be UTF-8 text without NUL")
		}
	}
	return nil
}

const notificationCols = `id, institution_id, kind, recipient, subject, body, dedupe_key, status, attempts, max_attempts,
	available_at, claimed_by, lease_until, last_error, created_at, sent_at`

func scanNotification(r interface{ Scan(...any) error }) (Notification, error) {
	var n Notification
	var key sql.NullString
	var status string
	err := r.Scan(&n.ID, ref(&n.InstitutionID), &n.Kind, &n.Recipient, &n.Subject, &n.Body, &key, &status,
		&n.Attempts, &n.MaxAttempts, at(&n.AvailableAt), &n.ClaimedBy, at(&n.LeaseUntil), &n.LastError,
		at(&n.CreatedAt), at(&n.SentAt))
	n.Key, n.Status = key.String, NotificationStatus(status)
	return n, err
}

// EnqueueNotification adds n to the outbox, available now unless
// n.AvailableAt is later, and fills in the stored fields. It may run inside
// a caller's transaction through EnqueueNotificationTx, so a state change
// and the notice of it commit together.
func (s *Store) EnqueueNotification(ctx context.Context, n *Notification) error {
	return s.WithTx(ctx, func(tx *Tx) error { return s.EnqueueNotificationTx(tx, n) })
}

// EnqueueNotificationTx is EnqueueNotification inside tx.
func (s *Store) EnqueueNotificationTx(tx *Tx, n *Notification) error {
	if err := n.validate(); err != nil {
		return err
	}
	if n.MaxAttempts == 0 {
		n.MaxAttempts = DefaultMaxAttempts
	}
	if n.AvailableAt.Before(tx.now) {
		n.AvailableAt = tx.now
	}
	n.AvailableAt = n.AvailableAt.UTC().Truncate(time.Microsecond)
	var key any
	if n.Key != "" {
		key = n.Key
	}
	err := tx.get("notification", `INSERT INTO notifications
		(institution_id, kind, recipient, subject, body, dedupe_key, status, attempts, max_attempts, available_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $8, $9) RETURNING id`,
		[]any{nullID(n.InstitutionID), n.Kind, n.Recipient, n.Subject, n.Body, key, n.MaxAttempts, tx.ts(n.AvailableAt), tx.ts(tx.now)}, &n.ID)
	if err != nil {
		err = missing(err, "institution_id", "no such institution")
		return taken(err, "key", "a notification with this key is already queued")
	}
	n.Status, n.Attempts, n.ClaimedBy, n.LeaseUntil, n.LastError = Pending, 0, "", time.Time{}, ""
	n.CreatedAt, n.SentAt = tx.now, time.Time{}
	return nil
}

// ClaimNotifications hands worker up to max notifications that are due, or
// whose previous claim's lease has expired, for lease; no other claim gets
// them until the lease expires. Each claim counts as an attempt; a claim
// whose lease expired after its last allowed attempt is marked Failed
// instead of handed out again. On PostgreSQL concurrent claimers skip each
// other's rows (FOR UPDATE SKIP LOCKED); on SQLite the claim is one write
// transaction. worker should be unique per process.
func (s *Store) ClaimNotifications(ctx context.Context, worker string, max int, lease time.Duration) ([]Notification, error) {
	switch {
	case worker == "" || len(worker) > 200:
		return nil, apperror.Field("worker", "is required, at most 200 bytes")
	case max < 1 || max > maxClaim:
		return nil, apperror.Field("max", "must be between 1 and %d", maxClaim)
	case lease <= 0 || lease > maxLease:
		return nil, apperror.Field("lease", "must be positive and at most %s", maxLease)
	}
	lock := ""
	if s.engine == PostgreSQL {
		lock = ` FOR UPDATE SKIP LOCKED`
	}
	var out []Notification
	err := s.WithTx(ctx, func(tx *Tx) error {
		now := tx.ts(tx.now)
		if _, err := tx.exec(`UPDATE notifications
			SET status = 'failed', last_error = 'lease expired on the last attempt', lease_until = NULL
			WHERE id IN (SELECT id FROM notifications
				WHERE status = 'claimed' AND lease_until <= $1 AND attempts >= max_attempts`+lock+`)`, now); err != nil {
			return err
		}
		var err error
		out, err = list(tx, func(r *sql.Rows) (Notification, error) { return scanNotification(r) },
			`UPDATE notifications
			SET status = 'claimed', claimed_by = $1, lease_until = $2, attempts = attempts + 1
			WHERE id IN (SELECT id FROM notifications
				WHERE (status = 'pending' AND available_at <= $3) OR (status = 'claimed' AND lease_until <= $3)
				ORDER BY available_at, id LIMIT $4`+lock+`)
			RETURNING `+notificationCols,
			worker, tx.ts(tx.now.Add(lease)), now, max)
		return err
	})
	slices.SortFunc(out, func(a, b Notification) int {
		if c := a.AvailableAt.Compare(b.AvailableAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, err
}

// MarkSent records that the claimed notification was sent. claim is the
// Notification that ClaimNotifications returned; if its lease was lost to
// another claim since, MarkSent is a Conflict and changes nothing.
func (s *Store) MarkSent(ctx context.Context, claim Notification) error {
	return s.WithTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE notifications SET status = 'sent', sent_at = $1, lease_until = NULL, last_error = ''
			WHERE id = $2 AND status = 'claimed' AND claimed_by = $3 AND attempts = $4`,
			tx.ts(tx.now), claim.ID, claim.ClaimedBy, claim.Attempts)
		if err != nil {
			return err
		}
		return tx.checkClaim(res, claim.ID)
	})
}

// MarkFailed records that sending the claimed notification failed with
// reason (kept for operators, never shown to users). It is retried after a
// delay that doubles with each attempt (30s, 1m, 2m… at most 1h), or marked
// Failed once MaxAttempts claims have been made. It returns the updated
// notification; a lost lease is a Conflict, as for MarkSent.
func (s *Store) MarkFailed(ctx context.Context, claim Notification, reason string) (Notification, error) {
	if len(reason) > maxErrorBytes {
		reason = reason[:maxErrorBytes]
	}
	reason = strings.ToValidUTF8(strings.ReplaceAll(reason, "\x00", ""), "?")
	var out Notification
	err := s.WithTx(ctx, func(tx *Tx) error {
		status, next := Pending, tx.now.Add(retryDelay(claim.Attempts))
		if claim.Attempts >= claim.MaxAttempts {
			status, next = Failed, tx.now
		}
		res, err := tx.exec(`UPDATE notifications
			SET status = $1, available_at = $2, lease_until = NULL, last_error = $3
			WHERE id = $4 AND status = 'claimed' AND claimed_by = $5 AND attempts = $6`,
			string(status), tx.ts(next), reason, claim.ID, claim.ClaimedBy, claim.Attempts)
		if err != nil {
			return err
		}
		if err := tx.checkClaim(res, claim.ID); err != nil {
			return err
		}
		out, err = tx.notification(claim.ID)
		return err
	})
	return out, err
}

// retryDelay is the wait before the next attempt after attempts failures.
func retryDelay(attempts int) time.Duration {
	d := retryBase
	for i := 1; i < attempts && d < retryCap; i++ {
		d *= 2
	}
	return min(d, retryCap)
}

// checkClaim explains an update of a claimed row that matched nothing.
func (tx *Tx) checkClaim(res sql.Result, id int64) error {
	n, err := res.RowsAffected()
	if err != nil {
		return tx.s.translate(err)
	}
	if n == 1 {
		return nil
	}
	if ok, err := tx.exists("notifications", id); err != nil || !ok {
		return orNotFound(err, "notification")
	}
	return apperror.New(apperror.Conflict, "the notification is no longer claimed by this worker")
}

// Notification returns the notification with id.
func (s *Store) Notification(ctx context.Context, id int64) (Notification, error) {
	var n Notification
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		n, err = tx.notification(id)
		return err
	})
	return n, err
}

func (tx *Tx) notification(id int64) (Notification, error) {
	n, err := scanNotification(tx.sql.QueryRowContext(tx.ctx, `SELECT `+notificationCols+` FROM notifications WHERE id = $1`, id))
	if isNoRows(err) {
		return n, notFound("notification")
	}
	return n, tx.s.translate(err)
}
