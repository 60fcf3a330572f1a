package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/org"
)

// CentralOfficeRoles are the roles of the central office that sets up
// each approved offering's badge and may award any offering of its
// institution (KPU consultation record, "Where will micro-credentials be
// housed"): the registrar and the credentials staff holding the issuer
// role. People of a department get a nomination per offering instead.
var CentralOfficeRoles = []org.Role{org.Registrar, org.Issuer}

// NominatingRoles are the roles that let a person of an offering's unit
// (or of a unit above it) nominate who awards the offering.
var NominatingRoles = []org.Role{org.DepartmentChair, org.Dean, org.ProgramAreaStaff}

// AwardRights says what a person may do with an offering's awards.
type AwardRights struct {
	// Central: the person is in the central office of the offering's
	// institution.
	Central bool
	// Unit: the person holds a nominating role at the offering's unit or
	// a unit above it.
	Unit bool
	// Nominated: the offering's unit nominated the person to award it.
	Nominated bool
}

// CanAward reports whether the person may award the offering, revoke,
// suspend, reinstate and correct its awards: the central office and the
// people nominated for it, no one else.
func (r AwardRights) CanAward() bool { return r.Central || r.Nominated }

// CanNominate reports whether the person may nominate and withdraw the
// offering's issuers: the central office and the offering's unit.
func (r AwardRights) CanNominate() bool { return r.Central || r.Unit }

// Nomination is a person nominated to award an offering.
type Nomination struct {
	OfferingID  int64
	PersonID    int64
	Name        string
	Email       string
	NominatedBy int64
	NominatedAt time.Time
}

// AwardRights returns what the person may do with the offering's awards.
func (s *Store) AwardRights(ctx context.Context, personID, offeringID int64) (AwardRights, error) {
	var r AwardRights
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		r, err = tx.awardRights(personID, offeringID)
		return err
	})
	return r, err
}

func (tx *Tx) awardRights(personID, offeringID int64) (AwardRights, error) {
	var r AwardRights
	o, err := tx.offering(offeringID, false)
	if err != nil {
		return r, err
	}
	if personID <= 0 {
		return r, nil
	}
	type grant struct {
		role org.Role
		unit int64
	}
	grants, err := list(tx, func(rows *sql.Rows) (grant, error) {
		var g grant
		var role string
		err := rows.Scan(&role, ref(&g.unit))
		g.role = org.Role(role)
		return g, err
	}, `SELECT role, unit_id FROM role_grants WHERE person_id = $1 AND institution_id = $2`, personID, o.InstitutionID)
	if err != nil {
		return r, err
	}
	units, err := tx.unitChain(o.UnitID)
	if err != nil {
		return r, err
	}
	for _, g := range grants {
		if slices.Contains(CentralOfficeRoles, g.role) {
			r.Central = true
		}
		if slices.Contains(NominatingRoles, g.role) && g.unit != 0 && slices.Contains(units, g.unit) {
			r.Unit = true
		}
	}
	var n int
	if err := tx.get("nomination", `SELECT count(*) FROM award_issuers WHERE offering_id = $1 AND person_id = $2`,
		[]any{offeringID, personID}, &n); err != nil {
		return r, err
	}
	r.Nominated = n > 0
	return r, nil
}

// unitChain returns the unit and the units above it, nearest first; none
// for unit 0.
func (tx *Tx) unitChain(unit int64) ([]int64, error) {
	var out []int64
	for unit != 0 && len(out) < maxUnitDepth && !slices.Contains(out, unit) {
		out = append(out, unit)
		var parent int64
		if err := tx.get("org unit", `SELECT parent_id FROM org_units WHERE id = $1`, []any{unit}, ref(&parent)); err != nil {
			return nil, err
		}
		unit = parent
	}
	return out, nil
}

// NominateIssuer lets the person personID award the offering, at the
// request of by, who must be in the central office or the offering's unit
// (Forbidden otherwise). The nominee must hold a staff role at the
// offering's institution. Nominating someone already nominated changes
// nothing and reports added false.
func (s *Store) NominateIssuer(ctx context.Context, offeringID, personID, by int64) (added bool, err error) {
	err = s.WithTx(ctx, func(tx *Tx) error {
		o, slug, err := tx.checkNominator(offeringID, by)
		if err != nil {
			return err
		}
		var staff int
		if err := tx.get("person", `SELECT count(*) FROM role_grants WHERE person_id = $1 AND institution_id = $2 AND role <> $3`,
			[]any{personID, o.InstitutionID, string(org.Learner)}, &staff); err != nil {
			return err
		}
		if staff == 0 {
			return apperror.Field("person_id", "must be a person holding a staff role at the offering's institution")
		}
		res, err := tx.exec(`INSERT INTO award_issuers (offering_id, person_id, nominated_by, nominated_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT (offering_id, person_id) DO NOTHING`,
			offeringID, personID, nullID(by), tx.ts(tx.now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return tx.s.translate(err)
		}
		if added = n > 0; !added {
			return nil
		}
		return tx.auditAwardSubject(slug, by, "award.issuer.nominated", "offering/"+strconv.FormatInt(offeringID, 10),
			map[string]any{"person": personID})
	})
	return added, err
}

// WithdrawIssuer withdraws the nomination of personID to award the
// offering, at the request of by (as for NominateIssuer). A nomination
// that does not exist is NotFound.
func (s *Store) WithdrawIssuer(ctx context.Context, offeringID, personID, by int64) error {
	return s.WithTx(ctx, func(tx *Tx) error {
		_, slug, err := tx.checkNominator(offeringID, by)
		if err != nil {
			return err
		}
		if err := tx.execOne("nomination", `DELETE FROM award_issuers WHERE offering_id = $1 AND person_id = $2`,
			offeringID, personID); err != nil {
			return err
		}
		return tx.auditAwardSubject(slug, by, "award.issuer.withdrawn", "offering/"+strconv.FormatInt(offeringID, 10),
			map[string]any{"person": personID})
	})
}

// checkNominator loads the offering and checks by may nominate its
// issuers; it returns the offering and its institution's slug.
func (tx *Tx) checkNominator(offeringID, by int64) (Offering, string, error) {
	r, err := tx.awardRights(by, offeringID)
	if err != nil {
		return Offering{}, "", err
	}
	if !r.CanNominate() {
		return Offering{}, "", apperror.New(apperror.Forbidden,
			"only the central office (registrar, credentials staff) or the offering's department may nominate who awards it")
	}
	o, err := tx.offering(offeringID, false)
	if err != nil {
		return o, "", err
	}
	var slug string
	err = tx.get("institution", `SELECT slug FROM institutions WHERE id = $1`, []any{o.InstitutionID}, &slug)
	return o, slug, err
}

// maxNominations bounds the nominations listed for an offering.
const maxNominations = 1000

// OfferingIssuers returns the people nominated to award the offering, by
// name.
func (s *Store) OfferingIssuers(ctx context.Context, offeringID int64) ([]Nomination, error) {
	var out []Nomination
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = list(tx, func(rows *sql.Rows) (Nomination, error) {
			var n Nomination
			err := rows.Scan(&n.OfferingID, &n.PersonID, &n.Name, &n.Email, ref(&n.NominatedBy), at(&n.NominatedAt))
			return n, err
		}, `SELECT i.offering_id, i.person_id, p.name, p.email, i.nominated_by, i.nominated_at
			FROM award_issuers i JOIN people p ON p.id = i.person_id
			WHERE i.offering_id = $1 ORDER BY p.name, p.id LIMIT $2`, offeringID, maxNominations)
		return err
	})
	return out, err
}
