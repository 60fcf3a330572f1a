package sqlstore

import (
	"context"
	"database/sql"

	"cairn/internal/apperror"
	"cairn/internal/org"
)

// maxUnitDepth bounds how many levels units may nest, counting the
// top-level unit, and so the walk up a unit's parents.
const maxUnitDepth = 16

const unitCols = `id, institution_id, parent_id, kind, name, code, version, created_at, updated_at`

func scanUnit(r interface{ Scan(...any) error }) (org.OrgUnit, error) {
	var u org.OrgUnit
	var kind string
	err := r.Scan(&u.ID, &u.InstitutionID, ref(&u.ParentID), &kind, &u.Name, &u.Code, &u.Version, at(&u.CreatedAt), at(&u.UpdatedAt))
	u.Kind = org.UnitKind(kind)
	return u, err
}

// CreateOrgUnit stores a new org unit. Its parent, if any, must belong to
// the same institution.
func (s *Store) CreateOrgUnit(ctx context.Context, u *org.OrgUnit) error {
	if err := u.Validate(); err != nil {
		return err
	}
	return s.WithTx(ctx, func(tx *Tx) error {
		if err := tx.checkParent(*u); err != nil {
			return err
		}
		err := tx.get("org unit", `INSERT INTO org_units
			(institution_id, parent_id, kind, name, code, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, 1, $6, $6) RETURNING id`,
			[]any{u.InstitutionID, nullID(u.ParentID), string(u.Kind), u.Name, u.Code, tx.ts(tx.now)}, &u.ID)
		if err != nil {
			return missing(err, "institution_id", "no such institution")
		}
		u.Version, u.CreatedAt, u.UpdatedAt = 1, tx.now, tx.now
		return nil
	})
}

// UpdateOrgUnit saves u, which must carry the Version it was read at. A
// unit cannot move to another institution, nor under one of its own
// descendants.
func (s *Store) UpdateOrgUnit(ctx context.Context, u *org.OrgUnit) error {
	if err := u.Validate(); err != nil {
		return err
	}
	return s.WithTx(ctx, func(tx *Tx) error {
		cur, err := tx.orgUnit(u.ID)
		if err != nil {
			return err
		}
		if cur.InstitutionID != u.InstitutionID {
			return apperror.Field("institution_id", "a unit cannot move to another institution")
		}
		if err := tx.checkParent(*u); err != nil {
			return err
		}
		v, at, err := tx.updateVersioned("org_units", "org unit", u.ID, u.Version,
			`parent_id = $1, kind = $2, name = $3, code = $4`,
			nullID(u.ParentID), string(u.Kind), u.Name, u.Code)
		if err != nil {
			return err
		}
		u.Version, u.UpdatedAt = v, at
		return nil
	})
}

// checkParent checks that u's parent exists in u's institution and that u
// is not among the parent's ancestors.
func (tx *Tx) checkParent(u org.OrgUnit) error {
	id := u.ParentID
	for depth := 0; id != 0; depth++ {
		if depth >= maxUnitDepth-1 { // the unit would have maxUnitDepth ancestors
			return apperror.Field("parent_id", "units nest more than %d deep", maxUnitDepth)
		}
		p, err := tx.orgUnit(id)
		if is(err, apperror.NotFound) {
			return apperror.Field("parent_id", "no such org unit")
		}
		if err != nil {
			return err
		}
		if p.InstitutionID != u.InstitutionID {
			return apperror.Field("parent_id", "belongs to another institution")
		}
		if u.ID != 0 && p.ID == u.ID {
			return apperror.Field("parent_id", "would put the unit inside itself")
		}
		id = p.ParentID
	}
	return nil
}

// DeleteOrgUnit deletes an org unit that nothing refers to any more (no
// child units, grants or memberships).
func (s *Store) DeleteOrgUnit(ctx context.Context, id, version int64) error {
	return s.WithTx(ctx, func(tx *Tx) error {
		return inUse(tx.deleteVersioned("org_units", "org unit", id, version), "org unit")
	})
}

// OrgUnit returns the org unit with id.
func (s *Store) OrgUnit(ctx context.Context, id int64) (org.OrgUnit, error) {
	var u org.OrgUnit
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		u, err = tx.orgUnit(id)
		return err
	})
	return u, err
}

func (tx *Tx) orgUnit(id int64) (org.OrgUnit, error) {
	u, err := scanUnit(tx.sql.QueryRowContext(tx.ctx, `SELECT `+unitCols+` FROM org_units WHERE id = $1`, id))
	if isNoRows(err) {
		return u, notFound("org unit")
	}
	return u, tx.s.translate(err)
}

// OrgUnits lists an institution's org units by name.
func (s *Store) OrgUnits(ctx context.Context, institutionID int64) ([]org.OrgUnit, error) {
	var out []org.OrgUnit
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = list(tx, func(r *sql.Rows) (org.OrgUnit, error) { return scanUnit(r) },
			`SELECT `+unitCols+` FROM org_units WHERE institution_id = $1 ORDER BY name, id`, institutionID)
		return err
	})
	return out, err
}
