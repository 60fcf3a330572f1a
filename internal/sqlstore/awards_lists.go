package sqlstore

import (
	"context"
	"database/sql"

	"cairn/internal/apperror"
)

// BatchesForOffering returns the offering's bulk awards, newest first, at
// most n (1 to 1000).
func (s *Store) BatchesForOffering(ctx context.Context, offeringID int64, n int) ([]Batch, error) {
	if n < 1 || n > maxBatchPage {
		return nil, apperror.Field("n", "must be between 1 and %d", maxBatchPage)
	}
	var out []Batch
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = list(tx, func(r *sql.Rows) (Batch, error) { return scanBatch(r) },
			`SELECT `+batchCols+` FROM award_batches WHERE offering_id = $1 ORDER BY id DESC LIMIT $2`, offeringID, n)
		return err
	})
	return out, err
}
