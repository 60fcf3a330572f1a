package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/approval"
	"cairn/internal/audit"
)

// This file holds the read queries the web server needs for its lists:
// cases by institution or proponent, a person's committee seats, a
// subject's audit trail, and an institution's roster.

// CaseSummary is one line of a list of approval cases.
type CaseSummary struct {
	ID            int64
	InstitutionID int64
	OfferingID    int64
	// Title is the offering's current title.
	Title     string
	Track     string
	Step      string
	Status    approval.Status
	OpenedAt  time.Time
	UpdatedAt time.Time
	// NextDueAt is when the case's earliest running deadline falls due;
	// zero when none runs.
	NextDueAt time.Time
}

// CaseQuery selects cases for Cases.
type CaseQuery struct {
	// InstitutionIDs, if not empty, selects cases at these institutions.
	InstitutionIDs []int64
	// Proponent, if not zero, selects cases this person proposes.
	Proponent int64
	// OpenOnly selects cases still running (open or with the proponent).
	OpenOnly bool
	// Limit is the page size: 0 means DefaultPageSize, at most MaxPageSize.
	Limit int
	// Offset skips that many cases of the list, newest first.
	Offset int
}

// maxQueryInstitutions bounds the institutions one query names.
const maxQueryInstitutions = 100

// Cases lists approval cases, most recently changed first.
func (s *Store) Cases(ctx context.Context, q CaseQuery) ([]CaseSummary, error) {
	switch {
	case q.Limit < 0 || q.Limit > MaxPageSize:
		return nil, apperror.Field("limit", "must be between 0 and %d", MaxPageSize)
	case q.Offset < 0:
		return nil, apperror.Field("offset", "must not be negative")
	case len(q.InstitutionIDs) > maxQueryInstitutions:
		return nil, apperror.Field("institution", "names more than %d institutions", maxQueryInstitutions)
	}
	if q.Limit == 0 {
		q.Limit = DefaultPageSize
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if len(q.InstitutionIDs) > 0 {
		var ps []string
		for _, id := range q.InstitutionIDs {
			ps = append(ps, arg(id))
		}
		where = append(where, `c.institution_id IN (`+strings.Join(ps, ", ")+`)`)
	}
	if q.Proponent != 0 {
		where = append(where, `EXISTS (SELECT 1 FROM case_proponents p WHERE p.case_id = c.id AND p.person_id = `+arg(q.Proponent)+`)`)
	}
	if q.OpenOnly {
		where = append(where, `c.status IN ('open', 'with_proponent')`)
	}
	query := `SELECT c.id, c.institution_id, c.offering_id, o.title, c.track, c.step, c.status, c.opened_at, c.updated_at, c.next_due_at
		FROM approval_cases c JOIN offerings o ON o.id = c.offering_id`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	query += ` ORDER BY c.updated_at DESC, c.id DESC LIMIT ` + arg(q.Limit) + ` OFFSET ` + arg(q.Offset)
	var out []CaseSummary
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = list(tx, func(r *sql.Rows) (CaseSummary, error) {
			var c CaseSummary
			var status string
			err := r.Scan(&c.ID, &c.InstitutionID, &c.OfferingID, &c.Title, &c.Track, &c.Step, &status,
				at(&c.OpenedAt), at(&c.UpdatedAt), at(&c.NextDueAt))
			c.Status = approval.Status(status)
			return c, err
		}, query, args...)
		return err
	})
	return out, err
}

// Seat is a person's current seat on a committee.
type Seat struct {
	CommitteeID   int64
	InstitutionID int64
	// Key is the committee's key in the policy profile, such as "smc".
	Key  string
	Name string
	// Chair is set when the person is the committee's chair: the one most
	// recently elected, while a member.
	Chair bool
}

// maxSeats bounds the seats read of one person.
const maxSeats = 1000

// Seats returns the committees a person sits on today, by the store's
// clock, the way an approval roster counts them.
func (s *Store) Seats(ctx context.Context, personID int64) ([]Seat, error) {
	var out []Seat
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		today := day(tx.now)
		out, err = list(tx, func(r *sql.Rows) (Seat, error) {
			var st Seat
			var chair sql.NullInt64
			err := r.Scan(&st.CommitteeID, &st.InstitutionID, &st.Key, &st.Name, &chair)
			st.Chair = chair.Valid && chair.Int64 == personID
			return st, err
		}, `SELECT c.id, c.institution_id, c.key, c.name,
				(SELECT e.elected_id FROM chair_elections e WHERE e.committee_id = c.id ORDER BY e.at DESC, e.id DESC LIMIT 1)
			FROM committees c
			WHERE EXISTS (SELECT 1 FROM memberships m WHERE m.committee_id = c.id AND m.person_id = $1
				AND m.term_start <= $2 AND (m.term_end IS NULL OR m.term_end >= $2))
			ORDER BY c.institution_id, c.key LIMIT $3`, personID, today, maxSeats)
		return err
	})
	return out, err
}

// AuditTrail returns the newest audit events about a subject (such as
// "case/12"), at most limit (at most MaxAuditPage), oldest first.
func (s *Store) AuditTrail(ctx context.Context, subject string, limit int) ([]audit.Event, error) {
	if limit <= 0 || limit > MaxAuditPage {
		return nil, apperror.Field("limit", "must be between 1 and %d", MaxAuditPage)
	}
	var out []audit.Event
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = list(tx, func(r *sql.Rows) (audit.Event, error) { return scanAudit(r) },
			`SELECT `+auditCols+` FROM audit_log WHERE subject = $1 ORDER BY seq DESC LIMIT $2`, subject, limit)
		return err
	})
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, err
}

// Roster returns who sits on an institution's committees and holds its
// profile's roles today, as an action applied now would see them.
func (a *Approvals) Roster(ctx context.Context, institutionID int64) (*approval.Roster, error) {
	var r *approval.Roster
	err := a.s.ReadTx(ctx, func(tx *Tx) error {
		pl, err := a.place(tx, institutionID)
		if err != nil {
			return err
		}
		r, err = tx.roster(institutionID, pl.engine.Profile())
		return err
	})
	return r, err
}
