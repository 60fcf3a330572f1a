package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/org"
)

const committeeCols = `id, institution_id, key, name, version, created_at, updated_at`

func scanCommittee(r interface{ Scan(...any) error }) (org.Committee, error) {
	var c org.Committee
	err := r.Scan(&c.ID, &c.InstitutionID, &c.Key, &c.Name, &c.Version, at(&c.CreatedAt), at(&c.UpdatedAt))
	return c, err
}

// CreateCommittee stores a new committee; a key the institution already
// uses is a Conflict.
func (s *Store) CreateCommittee(ctx context.Context, c *org.Committee) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.WithTx(ctx, func(tx *Tx) error {
		err := tx.get("committee", `INSERT INTO committees (institution_id, key, name, version, created_at, updated_at)
			VALUES ($1, $2, $3, 1, $4, $4) RETURNING id`,
			[]any{c.InstitutionID, c.Key, c.Name, tx.ts(tx.now)}, &c.ID)
		if err != nil {
			err = missing(err, "institution_id", "no such institution")
			return taken(err, "key", "is already the key of another committee of the institution")
		}
		c.Version, c.CreatedAt, c.UpdatedAt = 1, tx.now, tx.now
		return nil
	})
}

// UpdateCommittee saves c, which must carry the Version it was read at. A
// committee cannot move to another institution.
func (s *Store) UpdateCommittee(ctx context.Context, c *org.Committee) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.WithTx(ctx, func(tx *Tx) error {
		cur, err := tx.committee(`id = $1`, c.ID)
		if err != nil {
			return err
		}
		if cur.InstitutionID != c.InstitutionID {
			return apperror.Field("institution_id", "a committee cannot move to another institution")
		}
		v, at, err := tx.updateVersioned("committees", "committee", c.ID, c.Version, `key = $1, name = $2`, c.Key, c.Name)
		if err != nil {
			return taken(err, "key", "is already the key of another committee of the institution")
		}
		c.Version, c.UpdatedAt = v, at
		return nil
	})
}

// DeleteCommittee deletes a committee with no memberships or elections.
func (s *Store) DeleteCommittee(ctx context.Context, id, version int64) error {
	return s.WithTx(ctx, func(tx *Tx) error {
		return inUse(tx.deleteVersioned("committees", "committee", id, version), "committee")
	})
}

// Committee returns the committee with id.
func (s *Store) Committee(ctx context.Context, id int64) (org.Committee, error) {
	var c org.Committee
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		c, err = tx.committee(`id = $1`, id)
		return err
	})
	return c, err
}

// CommitteeByKey returns an institution's committee by its key, e.g. "smc".
func (s *Store) CommitteeByKey(ctx context.Context, institutionID int64, key string) (org.Committee, error) {
	var c org.Committee
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		c, err = tx.committee(`institution_id = $1 AND key = $2`, institutionID, key)
		return err
	})
	return c, err
}

func (tx *Tx) committee(where string, args ...any) (org.Committee, error) {
	c, err := scanCommittee(tx.sql.QueryRowContext(tx.ctx, `SELECT `+committeeCols+` FROM committees WHERE `+where, args...))
	if isNoRows(err) {
		return c, notFound("committee")
	}
	return c, tx.s.translate(err)
}

// Committees lists an institution's committees by name.
func (s *Store) Committees(ctx context.Context, institutionID int64) ([]org.Committee, error) {
	var out []org.Committee
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = list(tx, func(r *sql.Rows) (org.Committee, error) { return scanCommittee(r) },
			`SELECT `+committeeCols+` FROM committees WHERE institution_id = $1 ORDER BY name, id`, institutionID)
		return err
	})
	return out, err
}

// maxMemberships bounds the memberships read for one committee: decades of
// terms of a large committee.
const maxMemberships = 5000

const membershipCols = `id, committee_id, person_id, category, unit_id, term_start, term_end, version, created_at, updated_at`

func scanMembership(r interface{ Scan(...any) error }) (org.Membership, error) {
	var m org.Membership
	var cat string
	err := r.Scan(&m.ID, &m.CommitteeID, &m.PersonID, &cat, ref(&m.UnitID), at(&m.TermStart), at(&m.TermEnd),
		&m.Version, at(&m.CreatedAt), at(&m.UpdatedAt))
	m.Category = org.MemberCategory(cat)
	return m, err
}

// AddMembership seats a person on a committee for a term. Terms of one
// person on one committee may not overlap (Conflict); the unit, if any,
// must belong to the committee's institution.
func (s *Store) AddMembership(ctx context.Context, m *org.Membership) error {
	if err := m.Validate(); err != nil {
		return err
	}
	m.TermStart = org.Day(m.TermStart)
	if !m.TermEnd.IsZero() {
		m.TermEnd = org.Day(m.TermEnd)
	}
	return s.WithTx(ctx, func(tx *Tx) error {
		if err := tx.checkMembership(*m); err != nil {
			return err
		}
		err := tx.get("membership", `INSERT INTO memberships
			(committee_id, person_id, category, unit_id, term_start, term_end, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) RETURNING id`,
			[]any{m.CommitteeID, m.PersonID, string(m.Category), nullID(m.UnitID), day(m.TermStart), nullDay(m.TermEnd), tx.ts(tx.now)}, &m.ID)
		if err != nil {
			return missing(err, "person_id", "no such person")
		}
		m.Version, m.CreatedAt, m.UpdatedAt = 1, tx.now, tx.now
		return nil
	})
}

// UpdateMembership saves m's category, unit and term; m must carry the
// Version it was read at. The committee and person cannot change.
func (s *Store) UpdateMembership(ctx context.Context, m *org.Membership) error {
	if err := m.Validate(); err != nil {
		return err
	}
	m.TermStart = org.Day(m.TermStart)
	if !m.TermEnd.IsZero() {
		m.TermEnd = org.Day(m.TermEnd)
	}
	return s.WithTx(ctx, func(tx *Tx) error {
		cur, err := tx.membership(m.ID)
		if err != nil {
			return err
		}
		if cur.CommitteeID != m.CommitteeID || cur.PersonID != m.PersonID {
			return apperror.Field("person_id", "a membership's committee and person cannot change")
		}
		if err := tx.checkMembership(*m); err != nil {
			return err
		}
		v, at, err := tx.updateVersioned("memberships", "membership", m.ID, m.Version,
			`category = $1, unit_id = $2, term_start = $3, term_end = $4`,
			string(m.Category), nullID(m.UnitID), day(m.TermStart), nullDay(m.TermEnd))
		if err != nil {
			return err
		}
		m.Version, m.UpdatedAt = v, at
		return nil
	})
}

// checkMembership checks m against the committee's other memberships and
// its institution's units.
func (tx *Tx) checkMembership(m org.Membership) error {
	c, err := tx.committee(`id = $1`, m.CommitteeID)
	if is(err, apperror.NotFound) {
		return apperror.Field("committee_id", "no such committee")
	}
	if err != nil {
		return err
	}
	if m.UnitID != 0 {
		u, err := tx.orgUnit(m.UnitID)
		if is(err, apperror.NotFound) {
			return apperror.Field("unit_id", "no such org unit")
		}
		if err != nil {
			return err
		}
		if u.InstitutionID != c.InstitutionID {
			return apperror.Field("unit_id", "belongs to another institution")
		}
	}
	others, err := list(tx, func(r *sql.Rows) (org.Membership, error) { return scanMembership(r) },
		`SELECT `+membershipCols+` FROM memberships WHERE committee_id = $1 AND person_id = $2 AND id <> $3 LIMIT $4`,
		m.CommitteeID, m.PersonID, m.ID, maxMemberships)
	if err != nil {
		return err
	}
	for _, o := range others {
		if overlaps(m, o) {
			return &apperror.Error{Code: apperror.Conflict, Field: "term_start", Message: "overlaps another term of this person on this committee"}
		}
	}
	return nil
}

// overlaps reports whether two terms share a day.
func overlaps(a, b org.Membership) bool {
	endsBefore := func(x, y org.Membership) bool { // x ends before y starts
		return !x.TermEnd.IsZero() && x.TermEnd.Before(y.TermStart)
	}
	return !endsBefore(a, b) && !endsBefore(b, a)
}

// DeleteMembership deletes a membership.
func (s *Store) DeleteMembership(ctx context.Context, id, version int64) error {
	return s.WithTx(ctx, func(tx *Tx) error {
		return tx.deleteVersioned("memberships", "membership", id, version)
	})
}

// Membership returns the membership with id.
func (s *Store) Membership(ctx context.Context, id int64) (org.Membership, error) {
	var m org.Membership
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		m, err = tx.membership(id)
		return err
	})
	return m, err
}

func (tx *Tx) membership(id int64) (org.Membership, error) {
	m, err := scanMembership(tx.sql.QueryRowContext(tx.ctx, `SELECT `+membershipCols+` FROM memberships WHERE id = $1`, id))
	if isNoRows(err) {
		return m, notFound("membership")
	}
	return m, tx.s.translate(err)
}

// Memberships lists a committee's memberships, past, present and future,
// by start of term.
func (s *Store) Memberships(ctx context.Context, committeeID int64) ([]org.Membership, error) {
	var out []org.Membership
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = tx.memberships(committeeID)
		return err
	})
	return out, err
}

func (tx *Tx) memberships(committeeID int64) ([]org.Membership, error) {
	return list(tx, func(r *sql.Rows) (org.Membership, error) { return scanMembership(r) },
		`SELECT `+membershipCols+` FROM memberships WHERE committee_id = $1 ORDER BY term_start, id LIMIT $2`,
		committeeID, maxMemberships)
}

// RecordChairElection records how a committee elected its chair, setting
// e.ID. Candidates and voters must hold a membership of the committee on
// the day of the election.
func (s *Store) RecordChairElection(ctx context.Context, e *org.ChairElection) error {
	if err := e.Validate(); err != nil {
		return err
	}
	return s.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.committee(`id = $1`, e.CommitteeID); err != nil {
			if is(err, apperror.NotFound) {
				return apperror.Field("committee_id", "no such committee")
			}
			return err
		}
		ms, err := tx.memberships(e.CommitteeID)
		if err != nil {
			return err
		}
		member := func(person int64) bool {
			return slices.ContainsFunc(ms, func(m org.Membership) bool { return m.PersonID == person && m.ActiveOn(e.At) })
		}
		for _, c := range e.Candidates {
			if !member(c) {
				return apperror.Field("candidates", "a candidate is not a member of the committee on the day of the election")
			}
		}
		for _, v := range e.Votes {
			if !member(v.VoterID) {
				return apperror.Field("votes", "a voter is not a member of the committee on the day of the election")
			}
		}
		if err := tx.get("chair election", `INSERT INTO chair_elections (committee_id, elected_id, at, created_at)
			VALUES ($1, $2, $3, $4) RETURNING id`,
			[]any{e.CommitteeID, e.ElectedID, tx.ts(e.At), tx.ts(tx.now)}, &e.ID); err != nil {
			return err
		}
		for i, c := range e.Candidates {
			if _, err := tx.exec(`INSERT INTO chair_candidates (election_id, person_id, position) VALUES ($1, $2, $3)`, e.ID, c, i); err != nil {
				return err
			}
		}
		for _, v := range e.Votes {
			if _, err := tx.exec(`INSERT INTO chair_votes (election_id, voter_id, candidate_id) VALUES ($1, $2, $3)`,
				e.ID, v.VoterID, v.CandidateID); err != nil {
				return err
			}
		}
		e.At = e.At.UTC().Truncate(time.Microsecond)
		return nil
	})
}

// maxElections bounds one listing of a committee's chair elections (each
// costs two more queries).
const maxElections = 100

// ChairElections lists a committee's chair elections, newest first, with
// their candidates and votes.
func (s *Store) ChairElections(ctx context.Context, committeeID int64) ([]org.ChairElection, error) {
	var out []org.ChairElection
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = tx.chairElections(`committee_id = $1`, committeeID, maxElections)
		return err
	})
	return out, err
}

// LatestChairElection returns the committee's most recent chair election,
// whose ElectedID is the sitting chair; NotFound if it has held none.
func (s *Store) LatestChairElection(ctx context.Context, committeeID int64) (org.ChairElection, error) {
	var out []org.ChairElection
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = tx.chairElections(`committee_id = $1`, committeeID, 1)
		return err
	})
	if err != nil {
		return org.ChairElection{}, err
	}
	if len(out) == 0 {
		return org.ChairElection{}, notFound("chair election")
	}
	return out[0], nil
}

// ChairElection returns the chair election with id.
func (s *Store) ChairElection(ctx context.Context, id int64) (org.ChairElection, error) {
	var out []org.ChairElection
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = tx.chairElections(`id = $1`, id, 1)
		return err
	})
	if err != nil {
		return org.ChairElection{}, err
	}
	if len(out) == 0 {
		return org.ChairElection{}, notFound("chair election")
	}
	return out[0], nil
}

func (tx *Tx) chairElections(where string, arg any, limit int) ([]org.ChairElection, error) {
	es, err := list(tx, func(r *sql.Rows) (org.ChairElection, error) {
		var e org.ChairElection
		err := r.Scan(&e.ID, &e.CommitteeID, &e.ElectedID, at(&e.At))
		return e, err
	}, `SELECT id, committee_id, elected_id, at FROM chair_elections WHERE `+where+` ORDER BY at DESC, id DESC LIMIT $2`, arg, limit)
	if err != nil {
		return nil, err
	}
	for i := range es {
		e := &es[i]
		e.Candidates, err = list(tx, func(r *sql.Rows) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		}, `SELECT person_id FROM chair_candidates WHERE election_id = $1 ORDER BY position`, e.ID)
		if err != nil {
			return nil, err
		}
		e.Votes, err = list(tx, func(r *sql.Rows) (org.ChairVote, error) {
			var v org.ChairVote
			return v, r.Scan(&v.VoterID, &v.CandidateID)
		}, `SELECT voter_id, candidate_id FROM chair_votes WHERE election_id = $1 ORDER BY voter_id`, e.ID)
		if err != nil {
			return nil, err
		}
	}
	return es, nil
}
