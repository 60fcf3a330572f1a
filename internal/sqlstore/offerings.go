package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
	"cairn/internal/org"
)

// maxOfferingsListed bounds one listing of an institution's offerings.
const maxOfferingsListed = 10000

// Offering is an offering as the store holds it: its working draft, its
// life-cycle status and which submitted version is approved. Submitted
// versions are read with OfferingVersions and never change.
type Offering struct {
	ID            int64
	InstitutionID int64
	// UnitID is the org unit that owns and offers it; 0 for none.
	UnitID int64
	Status catalog.Status
	// Draft is the proponent's working copy of the outline form.
	Draft           catalog.Form
	ApprovedVersion int
	ApprovedAt      time.Time
	LastReviewedAt  time.Time

	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

const offeringCols = `id, institution_id, unit_id, status, draft, approved_version, approved_at, last_reviewed_at, version, created_at, updated_at`

func scanOffering(r interface{ Scan(...any) error }) (Offering, error) {
	var o Offering
	var status, draft string
	err := r.Scan(&o.ID, &o.InstitutionID, ref(&o.UnitID), &status, &draft, &o.ApprovedVersion, at(&o.ApprovedAt),
		at(&o.LastReviewedAt), &o.Version, at(&o.CreatedAt), at(&o.UpdatedAt))
	if err != nil {
		return o, err
	}
	o.Status = catalog.Status(status)
	if err := json.Unmarshal([]byte(draft), &o.Draft); err != nil {
		return o, fmt.Errorf("offering %d: decode draft: %w", o.ID, err)
	}
	return o, nil
}

// Catalog returns the offering in the catalog's terms, with its versions,
// for catalog.RankSimilar and the like.
func (o Offering) Catalog(versions []catalog.Version) catalog.Offering {
	return catalog.Offering{
		ID: strconv.FormatInt(o.ID, 10), InstitutionID: strconv.FormatInt(o.InstitutionID, 10),
		UnitID: strconv.FormatInt(o.UnitID, 10), Status: o.Status, Draft: o.Draft.Clone(),
		Versions: versions, ApprovedVersion: o.ApprovedVersion,
	}
}

func checkDraft(f catalog.Form) error {
	if errs := f.Check(); len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// CreateOffering records a new offering in draft, setting its ID,
// Version and times. The unit, if any, must belong to the institution.
func (s *Store) CreateOffering(ctx context.Context, o *Offering) error {
	if o.InstitutionID <= 0 {
		return apperror.Field("institution_id", "is required")
	}
	if err := checkDraft(o.Draft); err != nil {
		return err
	}
	return s.WithTx(ctx, func(tx *Tx) error {
		if o.UnitID != 0 {
			if err := tx.unitOf(o.InstitutionID, o.UnitID); err != nil {
				return err
			}
		}
		draft := o.Draft.CanonicalJSON()
		err := tx.get("offering", `INSERT INTO offerings (institution_id, unit_id, kind, title, status, draft, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) RETURNING id`,
			[]any{o.InstitutionID, nullID(o.UnitID), string(o.Draft.Kind), o.Draft.Title, string(catalog.Draft), string(draft), tx.ts(tx.now)}, &o.ID)
		if err != nil {
			return missing(err, "institution_id", "no such institution")
		}
		o.Status, o.ApprovedVersion, o.ApprovedAt, o.LastReviewedAt = catalog.Draft, 0, time.Time{}, time.Time{}
		o.Version, o.CreatedAt, o.UpdatedAt = 1, tx.now, tx.now
		return nil
	})
}

// unitOf checks that unit belongs to the institution.
func (tx *Tx) unitOf(institutionID, unitID int64) error {
	var n int
	if err := tx.get("org unit", `SELECT count(*) FROM org_units WHERE id = $1 AND institution_id = $2`, []any{unitID, institutionID}, &n); err != nil {
		return err
	}
	if n == 0 {
		return apperror.Field("unit_id", "no such org unit at the institution")
	}
	return nil
}

// UpdateDraft saves the offering's draft; o must carry the Version it was
// read at. Only the draft changes: submitted versions are immutable, and a
// draft edit never reaches a version already submitted.
func (s *Store) UpdateDraft(ctx context.Context, o *Offering) error {
	if err := checkDraft(o.Draft); err != nil {
		return err
	}
	return s.WithTx(ctx, func(tx *Tx) error {
		v, at, err := tx.updateVersioned("offerings", "offering", o.ID, o.Version, `draft = $1, kind = $2, title = $3`,
			string(o.Draft.CanonicalJSON()), string(o.Draft.Kind), o.Draft.Title)
		if err != nil {
			return err
		}
		o.Version, o.UpdatedAt = v, at
		return nil
	})
}

// Offering returns the offering with id.
func (s *Store) Offering(ctx context.Context, id int64) (Offering, error) {
	var o Offering
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		o, err = tx.offering(id, false)
		return err
	})
	return o, err
}

func (tx *Tx) offering(id int64, lock bool) (Offering, error) {
	q := `SELECT ` + offeringCols + ` FROM offerings WHERE id = $1`
	if lock && tx.s.engine == PostgreSQL {
		q += ` FOR UPDATE`
	}
	o, err := scanOffering(tx.sql.QueryRowContext(tx.ctx, q, id))
	if isNoRows(err) {
		return o, notFound("offering")
	}
	return o, tx.s.translate(err)
}

// Offerings lists an institution's offerings by id.
func (s *Store) Offerings(ctx context.Context, institutionID int64) ([]Offering, error) {
	var out []Offering
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = tx.offerings(institutionID)
		return err
	})
	return out, err
}

func (tx *Tx) offerings(institutionID int64) ([]Offering, error) {
	return list(tx, func(r *sql.Rows) (Offering, error) { return scanOffering(r) },
		`SELECT `+offeringCols+` FROM offerings WHERE institution_id = $1 ORDER BY id LIMIT $2`, institutionID, maxOfferingsListed)
}

// OfferingVersions returns the offering's submitted versions, oldest
// first, each checked against its recorded hash.
func (s *Store) OfferingVersions(ctx context.Context, offeringID int64) ([]catalog.Version, error) {
	var out []catalog.Version
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = tx.offeringVersions(offeringID)
		return err
	})
	return out, err
}

// maxVersions bounds the versions read of one offering.
const maxVersions = 1000

func (tx *Tx) offeringVersions(offeringID int64) ([]catalog.Version, error) {
	return list(tx, func(r *sql.Rows) (catalog.Version, error) {
		var n int
		var form, hash string
		var when time.Time
		if err := r.Scan(&n, &form, &hash, at(&when)); err != nil {
			return catalog.Version{}, err
		}
		return decodeVersion(offeringID, n, form, hash, when)
	}, `SELECT number, form, hash, submitted_at FROM offering_versions WHERE offering_id = $1 ORDER BY number LIMIT $2`, offeringID, maxVersions)
}

// freezeDraft records the offering's draft as its next version.
func (tx *Tx) freezeDraft(o Offering) (catalog.Version, error) {
	var last int
	if err := tx.get("offering", `SELECT coalesce(max(number), 0) FROM offering_versions WHERE offering_id = $1`, []any{o.ID}, &last); err != nil {
		return catalog.Version{}, err
	}
	v, err := catalog.NewVersion(last+1, o.Draft, tx.now)
	if err != nil {
		return catalog.Version{}, err
	}
	form := v.Form()
	if _, err := tx.exec(`INSERT INTO offering_versions (offering_id, number, form, hash, submitted_at) VALUES ($1, $2, $3, $4, $5)`,
		o.ID, v.Number(), string(form.CanonicalJSON()), v.Hash(), tx.ts(v.SubmittedAt())); err != nil {
		return catalog.Version{}, err
	}
	return v, nil
}

// setOfferingStatus moves an offering to status to, as catalog allows,
// recording the approved version when it becomes approved.
func (tx *Tx) setOfferingStatus(id int64, to catalog.Status, approvedVersion int) error {
	o, err := tx.offering(id, true)
	if err != nil {
		return err
	}
	if o.Status == to && (approvedVersion == 0 || approvedVersion == o.ApprovedVersion) {
		return nil
	}
	if o.Status != to {
		co := o.Catalog(nil)
		if err := co.Transition(to); err != nil {
			return fmt.Errorf("offering %d: %w", id, err)
		}
	}
	set, args := `status = $1`, []any{string(to)}
	if approvedVersion > 0 && approvedVersion != o.ApprovedVersion {
		set, args = `status = $1, approved_version = $2, approved_at = $3`, []any{string(to), approvedVersion, tx.ts(tx.now)}
	}
	_, _, err = tx.updateVersioned("offerings", "offering", id, o.Version, set, args...)
	return err
}

// OfferingRun is one run (intake) of an offering.
type OfferingRun struct {
	ID         int64
	OfferingID int64
	StartsOn   time.Time
	EndsOn     time.Time // zero when open-ended
	CreatedAt  time.Time
}

// RecordRun records a run of an offering that may be offered, setting
// r.ID.
func (s *Store) RecordRun(ctx context.Context, r *OfferingRun) error {
	if r.StartsOn.IsZero() {
		return apperror.Field("starts_on", "is required")
	}
	if !r.EndsOn.IsZero() && r.EndsOn.Before(r.StartsOn) {
		return apperror.Field("ends_on", "is before the start")
	}
	r.StartsOn = org.Day(r.StartsOn)
	if !r.EndsOn.IsZero() {
		r.EndsOn = org.Day(r.EndsOn)
	}
	return s.WithTx(ctx, func(tx *Tx) error {
		o, err := tx.offering(r.OfferingID, false)
		if err != nil {
			return err
		}
		if !o.Status.Offerable() {
			return apperror.New(apperror.Conflict, "an offering in status %s may not be offered", o.Status)
		}
		if err := tx.get("offering run", `INSERT INTO offering_runs (offering_id, starts_on, ends_on, created_at)
			VALUES ($1, $2, $3, $4) RETURNING id`, []any{r.OfferingID, day(r.StartsOn), nullDay(r.EndsOn), tx.ts(tx.now)}, &r.ID); err != nil {
			return err
		}
		r.CreatedAt = tx.now
		if o.Status == catalog.Approved {
			return tx.setOfferingStatus(o.ID, catalog.Active, 0)
		}
		return nil
	})
}
