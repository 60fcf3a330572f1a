package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"cairn/internal/approval"
)

// maxLifecycleListed bounds the annual reviews and discontinuances one
// query lists.
const maxLifecycleListed = 1000

// AnnualReview is an annual review task of an offering: open until it is
// completed.
type AnnualReview struct {
	ID          int64
	OfferingID  int64
	UnitID      int64
	Due         time.Time
	CompletedAt time.Time
	CompletedBy int64
	Notes       string
}

// AnnualReviews lists the annual review tasks of an institution's
// offerings, open ones first by due date, then the most recently
// completed; at most maxLifecycleListed.
func (s *Store) AnnualReviews(ctx context.Context, institutionID int64) ([]AnnualReview, error) {
	var out []AnnualReview
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = list(tx, func(r *sql.Rows) (AnnualReview, error) {
			var a AnnualReview
			err := r.Scan(&a.ID, &a.OfferingID, ref(&a.UnitID), at(&a.Due), at(&a.CompletedAt), ref(&a.CompletedBy), &a.Notes)
			return a, err
		}, `SELECT r.id, r.offering_id, o.unit_id, r.due_on, r.completed_at, r.completed_by, r.notes
			FROM annual_reviews r JOIN offerings o ON o.id = r.offering_id
			WHERE o.institution_id = $1
			ORDER BY CASE WHEN r.completed_at IS NULL THEN 0 ELSE 1 END, r.due_on, r.id LIMIT $2`, institutionID, maxLifecycleListed)
		return err
	})
	return out, err
}

// Discontinuances lists the institution's considerations of idle
// offerings for discontinuance, open ones (flagged or proposed) first,
// newest first within each; at most maxLifecycleListed.
func (a *Approvals) Discontinuances(ctx context.Context, institutionID int64) ([]approval.Discontinuance, error) {
	var out []approval.Discontinuance
	err := a.s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = list(tx, func(r *sql.Rows) (approval.Discontinuance, error) {
			var d approval.Discontinuance
			var id, version int64
			var raw string
			if err := r.Scan(&id, &raw, &version); err != nil {
				return d, err
			}
			if err := json.Unmarshal([]byte(raw), &d); err != nil {
				return d, fmt.Errorf("decode discontinuance %d: %w", id, err)
			}
			d.ID, d.Revision, d.InstitutionID = id, version, institutionID
			return d, nil
		}, `SELECT id, record, version FROM matters WHERE institution_id = $1 AND kind = $2
			ORDER BY CASE WHEN status IN ('flagged', 'proposed') THEN 0 ELSE 1 END, id DESC LIMIT $3`,
			institutionID, matterDiscontinuance, maxLifecycleListed)
		return err
	})
	return out, err
}

// Discontinuance returns one consideration for discontinuance.
func (a *Approvals) Discontinuance(ctx context.Context, id int64) (*approval.Discontinuance, error) {
	d := &approval.Discontinuance{}
	err := a.s.ReadTx(ctx, func(tx *Tx) error {
		inst, version, err := tx.loadMatter(id, matterDiscontinuance, d)
		d.ID, d.Revision, d.InstitutionID = id, version, inst
		return err
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// IdleOfferings returns, without flagging them, the institution's approved
// offerings that the discontinuance rule finds not offered for its period
// now; FlagIdleOfferings flags them.
func (a *Approvals) IdleOfferings(ctx context.Context, institutionID int64) ([]approval.Discontinuance, error) {
	var out []approval.Discontinuance
	err := a.s.ReadTx(ctx, func(tx *Tx) error {
		pl, err := a.place(tx, institutionID)
		if err != nil {
			return err
		}
		act, err := tx.activity(institutionID)
		if err != nil {
			return err
		}
		out = pl.engine.IdleOfferings(act, tx.now)
		return nil
	})
	return out, err
}
