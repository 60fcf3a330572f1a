package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
)

// OfferingVersion returns one submitted version of an offering, checked
// against its recorded hash; NotFound when the offering has no such
// version.
func (s *Store) OfferingVersion(ctx context.Context, offeringID int64, number int) (catalog.Version, error) {
	var v catalog.Version
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		v, err = tx.offeringVersion(offeringID, number)
		return err
	})
	return v, err
}

// DiffVersions compares two submitted versions of an offering field by
// field (catalog.Diff), from version a to version b, and returns the
// fields that differ; none when a and b are the same. NotFound names the
// version the offering does not have.
func (s *Store) DiffVersions(ctx context.Context, offeringID int64, a, b int) ([]catalog.FieldChange, error) {
	var changes []catalog.FieldChange
	err := s.ReadTx(ctx, func(tx *Tx) error {
		va, err := tx.offeringVersion(offeringID, a)
		if err != nil {
			return err
		}
		vb, err := tx.offeringVersion(offeringID, b)
		if err != nil {
			return err
		}
		changes = catalog.Diff(va.Form(), vb.Form())
		return nil
	})
	return changes, err
}

func (tx *Tx) offeringVersion(offeringID int64, number int) (catalog.Version, error) {
	var form, hash string
	var when time.Time
	err := tx.get("offering version", `SELECT form, hash, submitted_at FROM offering_versions WHERE offering_id = $1 AND number = $2`,
		[]any{offeringID, number}, &form, &hash, at(&when))
	if is(err, apperror.NotFound) {
		return catalog.Version{}, apperror.New(apperror.NotFound, "offering %d has no version %d", offeringID, number)
	}
	if err != nil {
		return catalog.Version{}, err
	}
	return decodeVersion(offeringID, number, form, hash, when)
}

// decodeVersion rebuilds a stored version from its row, checking the form
// against the recorded hash.
func decodeVersion(offeringID int64, number int, form, hash string, when time.Time) (catalog.Version, error) {
	var f catalog.Form
	if err := json.Unmarshal([]byte(form), &f); err != nil {
		return catalog.Version{}, fmt.Errorf("offering %d version %d: decode form: %w", offeringID, number, err)
	}
	return catalog.RestoreVersion(number, f, when, hash)
}
