package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"

	"cairn/internal/apperror"
	"cairn/internal/audit"
)

// MaxAuditPage bounds one read of the audit log.
const MaxAuditPage = 1000

const auditCols = `seq, at, institution, actor, action, subject, data, prev_hash, hash`

func scanAudit(r interface{ Scan(...any) error }) (audit.Event, error) {
	var e audit.Event
	var data string
	err := r.Scan(&e.Seq, at(&e.At), &e.Institution, &e.Actor, &e.Action, &e.Subject, &data, &e.PrevHash, &e.Hash)
	if data != "" {
		e.Data = json.RawMessage(data)
	}
	return e, err
}

// AppendAudit appends e to the audit log inside tx, so the event commits
// with the change it records, and returns the event as stored (with Seq,
// PrevHash and Hash; At is tx.Now() when e.At is zero). It locks the log's
// head row first, so concurrent appends take turns and the chain never
// forks; the lock is held until tx ends, so append late in a transaction.
func (s *Store) AppendAudit(tx *Tx, e audit.Event) (audit.Event, error) {
	lock := ""
	if s.engine == PostgreSQL {
		lock = ` FOR UPDATE`
	}
	var head int64
	if err := tx.get("audit head", `SELECT seq FROM audit_head WHERE id = 1`+lock, nil, &head); err != nil {
		return audit.Event{}, err
	}
	var prev *audit.Event
	if head > 0 {
		p, err := scanAudit(tx.sql.QueryRowContext(tx.ctx, `SELECT `+auditCols+` FROM audit_log WHERE seq = $1`, head))
		if err != nil {
			return audit.Event{}, tx.s.translate(err)
		}
		prev = &p
	}
	if e.At.IsZero() {
		e.At = tx.now
	}
	c, err := audit.Chain(prev, e)
	if err != nil {
		return audit.Event{}, err
	}
	if _, err := tx.exec(`INSERT INTO audit_log (`+auditCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		c.Seq, tx.ts(c.At), c.Institution, c.Actor, c.Action, c.Subject, string(c.Data), c.PrevHash, c.Hash); err != nil {
		return audit.Event{}, err
	}
	if err := tx.execOne("audit head", `UPDATE audit_head SET seq = $1 WHERE id = 1 AND seq = $2`, c.Seq, head); err != nil {
		return audit.Event{}, err
	}
	return c, nil
}

// RecordAudit appends e to the audit log in a transaction of its own.
func (s *Store) RecordAudit(ctx context.Context, e audit.Event) (audit.Event, error) {
	var out audit.Event
	err := s.WithTx(ctx, func(tx *Tx) (err error) {
		out, err = s.AppendAudit(tx, e)
		return err
	})
	return out, err
}

// AuditLog returns up to n events of the audit log from sequence number
// from on, in order, for audit.Verify or for display.
func (s *Store) AuditLog(ctx context.Context, from int64, n int) ([]audit.Event, error) {
	if n < 1 || n > MaxAuditPage {
		return nil, apperror.Field("n", "must be between 1 and %d", MaxAuditPage)
	}
	var out []audit.Event
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = list(tx, func(r *sql.Rows) (audit.Event, error) { return scanAudit(r) },
			`SELECT `+auditCols+` FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2`, from, n)
		return err
	})
	return out, err
}

// AuditHead returns the newest event of the audit log, from which an
// audit.Anchor is taken; NotFound when the log is empty.
func (s *Store) AuditHead(ctx context.Context) (audit.Event, error) {
	var e audit.Event
	err := s.ReadTx(ctx, func(tx *Tx) error {
		var err error
		e, err = scanAudit(tx.sql.QueryRowContext(tx.ctx,
			`SELECT `+auditCols+` FROM audit_log WHERE seq = (SELECT seq FROM audit_head WHERE id = 1)`))
		if isNoRows(err) {
			return notFound("audit event")
		}
		return err
	})
	return e, err
}
