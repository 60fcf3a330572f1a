package sqlstore

import (
	"context"
	"database/sql"

	"cairn/internal/apperror"
	"cairn/internal/org"
)

const partnerCols = `id, institution_id, kind, name, website, version, created_at, updated_at`

func scanPartner(r interface{ Scan(...any) error }) (org.Partner, error) {
	var p org.Partner
	var kind string
	err := r.Scan(&p.ID, &p.InstitutionID, &kind, &p.Name, &p.Website, &p.Version, at(&p.CreatedAt), at(&p.UpdatedAt))
	p.Kind = org.PartnerKind(kind)
	return p, err
}

// CreatePartner stores a new partner of an institution; a name the
// institution already uses for a partner is a Conflict.
func (s *Store) CreatePartner(ctx context.Context, p *org.Partner) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.WithTx(ctx, func(tx *Tx) error {
		err := tx.get("partner", `INSERT INTO partners (institution_id, kind, name, website, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, 1, $5, $5) RETURNING id`,
			[]any{p.InstitutionID, string(p.Kind), p.Name, p.Website, tx.ts(tx.now)}, &p.ID)
		if err != nil {
			err = missing(err, "institution_id", "no such institution")
			return taken(err, "name", "is already the name of another partner")
		}
		p.Version, p.CreatedAt, p.UpdatedAt = 1, tx.now, tx.now
		return nil
	})
}

// UpdatePartner saves p, which must carry the Version it was read at. A
// partner cannot move to another institution.
func (s *Store) UpdatePartner(ctx context.Context, p *org.Partner) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.WithTx(ctx, func(tx *Tx) error {
		cur, err := tx.partner(p.ID)
		if err != nil {
			return err
		}
		if cur.InstitutionID != p.InstitutionID {
			return apperror.Field("institution_id", "a partner cannot move to another institution")
		}
		v, at, err := tx.updateVersioned("partners", "partner", p.ID, p.Version,
			`kind = $1, name = $2, website = $3`, string(p.Kind), p.Name, p.Website)
		if err != nil {
			return taken(err, "name", "is already the name of another partner")
		}
		p.Version, p.UpdatedAt = v, at
		return nil
	})
}

// DeletePartner deletes a partner that nothing refers to any more.
func (s *Store) DeletePartner(ctx context.Context, id, version int64) error {
	return s.WithTx(ctx, func(tx *Tx) error {
		return inUse(tx.deleteVersioned("partners", "partner", id, version), "partner")
	})
}

// Partner returns the partner with id.
func (s *Store) Partner(ctx context.Context, id int64) (org.Partner, error) {
	var p org.Partner
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		p, err = tx.partner(id)
		return err
	})
	return p, err
}

func (tx *Tx) partner(id int64) (org.Partner, error) {
	p, err := scanPartner(tx.sql.QueryRowContext(tx.ctx, `SELECT `+partnerCols+` FROM partners WHERE id = $1`, id))
	if isNoRows(err) {
		return p, notFound("partner")
	}
	return p, tx.s.translate(err)
}

// Partners lists an institution's partners by name.
func (s *Store) Partners(ctx context.Context, institutionID int64) ([]org.Partner, error) {
	var out []org.Partner
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = list(tx, func(r *sql.Rows) (org.Partner, error) { return scanPartner(r) },
			`SELECT `+partnerCols+` FROM partners WHERE institution_id = $1 ORDER BY name, id`, institutionID)
		return err
	})
	return out, err
}
