package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/org"
)

// maxClosuresListed bounds one listing of closures.
const maxClosuresListed = 1000

func scanClosure(r *sql.Rows) (org.Closure, error) {
	var c org.Closure
	err := r.Scan(&c.ID, &c.InstitutionID, at(&c.From), at(&c.To), &c.Reason)
	return c, err
}

// AddClosure records days an institution is closed, setting c.ID. Closures
// may overlap; the working-day calendar counts a day once.
func (s *Store) AddClosure(ctx context.Context, c *org.Closure) error {
	if err := c.Validate(); err != nil {
		return err
	}
	c.From, c.To = org.Day(c.From), org.Day(c.To)
	return s.WithTx(ctx, func(tx *Tx) error {
		err := tx.get("closure", `INSERT INTO closures (institution_id, first_day, last_day, reason)
			VALUES ($1, $2, $3, $4) RETURNING id`,
			[]any{c.InstitutionID, day(c.From), day(c.To), c.Reason}, &c.ID)
		return missing(err, "institution_id", "no such institution")
	})
}

// RemoveClosure deletes the closure with id.
func (s *Store) RemoveClosure(ctx context.Context, id int64) error {
	return s.WithTx(ctx, func(tx *Tx) error {
		return tx.execOne("closure", `DELETE FROM closures WHERE id = $1`, id)
	})
}

// Closures lists an institution's closures that overlap the days from
// through to (inclusive), by first day; at most 1000.
func (s *Store) Closures(ctx context.Context, institutionID int64, from, to time.Time) ([]org.Closure, error) {
	if to.Before(from) {
		return nil, apperror.Field("to", "is before from")
	}
	var out []org.Closure
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = list(tx, scanClosure,
			`SELECT id, institution_id, first_day, last_day, reason FROM closures
			WHERE institution_id = $1 AND last_day >= $2 AND first_day <= $3
			ORDER BY first_day, id LIMIT $4`,
			institutionID, day(from), day(to), maxClosuresListed)
		return err
	})
	return out, err
}
