package sqlstore

import (
	"context"
	"database/sql"

	"cairn/internal/org"
)

const institutionCols = `id, slug, name, jurisdiction, time_zone, policy_profile, issuer_did, version, created_at, updated_at`

func scanInstitution(r interface{ Scan(...any) error }) (org.Institution, error) {
	var i org.Institution
	err := r.Scan(&i.ID, &i.Slug, &i.Name, &i.Jurisdiction, &i.TimeZone, &i.PolicyProfile, &i.IssuerDID,
		&i.Version, at(&i.CreatedAt), at(&i.UpdatedAt))
	return i, err
}

// CreateInstitution stores a new institution, setting its ID, Version and
// timestamps. A slug already in use is a Conflict.
func (s *Store) CreateInstitution(ctx context.Context, i *org.Institution) error {
	if err := i.Validate(); err != nil {
		return err
	}
	return s.WithTx(ctx, func(tx *Tx) error { return tx.createInstitution(i) })
}

func (tx *Tx) createInstitution(i *org.Institution) error {
	err := tx.get("institution", `INSERT INTO institutions
		(slug, name, jurisdiction, time_zone, policy_profile, issuer_did, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) RETURNING id`,
		[]any{i.Slug, i.Name, i.Jurisdiction, i.TimeZone, i.PolicyProfile, i.IssuerDID, tx.ts(tx.now)}, &i.ID)
	if err != nil {
		return taken(err, "slug", "is already used by another institution")
	}
	i.Version, i.CreatedAt, i.UpdatedAt = 1, tx.now, tx.now
	return nil
}

// UpdateInstitution saves i, which must carry the Version it was read at;
// on success i has the new Version and UpdatedAt.
func (s *Store) UpdateInstitution(ctx context.Context, i *org.Institution) error {
	if err := i.Validate(); err != nil {
		return err
	}
	return s.WithTx(ctx, func(tx *Tx) error {
		v, at, err := tx.updateVersioned("institutions", "institution", i.ID, i.Version,
			`slug = $1, name = $2, jurisdiction = $3, time_zone = $4, policy_profile = $5, issuer_did = $6`,
			i.Slug, i.Name, i.Jurisdiction, i.TimeZone, i.PolicyProfile, i.IssuerDID)
		if err != nil {
			return taken(err, "slug", "is already used by another institution")
		}
		i.Version, i.UpdatedAt = v, at
		return nil
	})
}

// DeleteInstitution deletes an institution that nothing refers to any more.
func (s *Store) DeleteInstitution(ctx context.Context, id, version int64) error {
	return s.WithTx(ctx, func(tx *Tx) error {
		return inUse(tx.deleteVersioned("institutions", "institution", id, version), "institution")
	})
}

// Institution returns the institution with id.
func (s *Store) Institution(ctx context.Context, id int64) (org.Institution, error) {
	var i org.Institution
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		i, err = tx.institution(`WHERE id = $1`, id)
		return err
	})
	return i, err
}

// InstitutionBySlug returns the institution with slug.
func (s *Store) InstitutionBySlug(ctx context.Context, slug string) (org.Institution, error) {
	var i org.Institution
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		i, err = tx.institution(`WHERE slug = $1`, slug)
		return err
	})
	return i, err
}

func (tx *Tx) institution(where string, args ...any) (org.Institution, error) {
	i, err := scanInstitution(tx.sql.QueryRowContext(tx.ctx, `SELECT `+institutionCols+` FROM institutions `+where, args...))
	if isNoRows(err) {
		return i, notFound("institution")
	}
	return i, tx.s.translate(err)
}

// Institutions lists all institutions by name.
func (s *Store) Institutions(ctx context.Context) ([]org.Institution, error) {
	var out []org.Institution
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = list(tx, func(r *sql.Rows) (org.Institution, error) { return scanInstitution(r) },
			`SELECT `+institutionCols+` FROM institutions ORDER BY name, id`)
		return err
	})
	return out, err
}
