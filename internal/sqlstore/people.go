package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"cairn/internal/apperror"
	"cairn/internal/org"
)

// Bounds on listing people.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
	maxSearchLen    = 200
)

const personCols = `id, name, email, version, created_at, updated_at`

func scanPerson(r interface{ Scan(...any) error }) (org.Person, error) {
	var p org.Person
	err := r.Scan(&p.ID, &p.Name, &p.Email, &p.Version, at(&p.CreatedAt), at(&p.UpdatedAt))
	return p, err
}

// CreatePerson stores a new person, normalizing the email address (see
// org.NormalizeEmail). An email already in use is a Conflict. p.Roles is
// ignored; grant roles with GrantRole.
func (s *Store) CreatePerson(ctx context.Context, p *org.Person) error {
	p.Email = org.NormalizeEmail(p.Email)
	if err := p.Validate(); err != nil {
		return err
	}
	return s.WithTx(ctx, func(tx *Tx) error { return tx.createPerson(p) })
}

// createPerson stores a new person whose email address is normalized
// already.
func (tx *Tx) createPerson(p *org.Person) error {
	err := tx.get("person", `INSERT INTO people (name, email, version, created_at, updated_at)
		VALUES ($1, $2, 1, $3, $3) RETURNING id`,
		[]any{p.Name, p.Email, tx.ts(tx.now)}, &p.ID)
	if err != nil {
		return taken(err, "email", "is already used by another person")
	}
	p.Version, p.CreatedAt, p.UpdatedAt, p.Roles = 1, tx.now, tx.now, nil
	return nil
}

// personByEmail returns the person with the email address, without their
// role grants.
func (tx *Tx) personByEmail(email string) (org.Person, error) {
	p, err := scanPerson(tx.sql.QueryRowContext(tx.ctx, `SELECT `+personCols+` FROM people WHERE email = $1`, org.NormalizeEmail(email)))
	if isNoRows(err) {
		return p, notFound("person")
	}
	return p, tx.s.translate(err)
}

// UpdatePerson saves p's name and email; p must carry the Version it was
// read at. p.Roles is ignored.
func (s *Store) UpdatePerson(ctx context.Context, p *org.Person) error {
	p.Email = org.NormalizeEmail(p.Email)
	if err := p.Validate(); err != nil {
		return err
	}
	return s.WithTx(ctx, func(tx *Tx) error {
		v, at, err := tx.updateVersioned("people", "person", p.ID, p.Version, `name = $1, email = $2`, p.Name, p.Email)
		if err != nil {
			return taken(err, "email", "is already used by another person")
		}
		p.Version, p.UpdatedAt = v, at
		return nil
	})
}

// DeletePerson deletes a person and their role grants, unless other
// records (memberships, elections) refer to them.
func (s *Store) DeletePerson(ctx context.Context, id, version int64) error {
	return s.WithTx(ctx, func(tx *Tx) error {
		return inUse(tx.deleteVersioned("people", "person", id, version), "person")
	})
}

// Person returns the person with id, with their role grants.
func (s *Store) Person(ctx context.Context, id int64) (org.Person, error) {
	return s.personWhere(ctx, `id = $1`, id)
}

// PersonByEmail returns the person with the email address, compared as
// org.NormalizeEmail gives it.
func (s *Store) PersonByEmail(ctx context.Context, email string) (org.Person, error) {
	return s.personWhere(ctx, `email = $1`, org.NormalizeEmail(email))
}

func (s *Store) personWhere(ctx context.Context, where string, arg any) (org.Person, error) {
	var p org.Person
	err := s.ReadTx(ctx, func(tx *Tx) error {
		var err error
		p, err = scanPerson(tx.sql.QueryRowContext(tx.ctx, `SELECT `+personCols+` FROM people WHERE `+where, arg))
		if isNoRows(err) {
			return notFound("person")
		}
		if err != nil {
			return err
		}
		people := []org.Person{p}
		if err := tx.loadRoles(people); err != nil {
			return err
		}
		p = people[0]
		return nil
	})
	return p, err
}

// PeopleQuery selects people for People.
type PeopleQuery struct {
	// InstitutionID, if not zero, selects people who hold a role there.
	InstitutionID int64
	// Role, with InstitutionID, selects people who hold this role there.
	Role org.Role
	// Search, if not empty, selects people whose name or email contains it,
	// ignoring ASCII case.
	Search string
	// Limit is the page size: 0 means DefaultPageSize, at most MaxPageSize.
	Limit int
	// Offset skips that many people of the ordered list.
	Offset int
}

// People lists people by name, with their role grants.
func (s *Store) People(ctx context.Context, q PeopleQuery) ([]org.Person, error) {
	switch {
	case q.Limit < 0 || q.Limit > MaxPageSize:
		return nil, apperror.Field("limit", "must be between 0 and %d", MaxPageSize)
	case q.Offset < 0:
		return nil, apperror.Field("offset", "must not be negative")
	case len(q.Search) > maxSearchLen:
		return nil, apperror.Field("search", "is longer than %d bytes", maxSearchLen)
	case q.Role != "" && q.InstitutionID == 0:
		return nil, apperror.Field("role", "needs an institution")
	}
	if q.Limit == 0 {
		q.Limit = DefaultPageSize
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if q.InstitutionID != 0 {
		cond := `EXISTS (SELECT 1 FROM role_grants g WHERE g.person_id = p.id AND g.institution_id = ` + arg(q.InstitutionID)
		if q.Role != "" {
			cond += ` AND g.role = ` + arg(string(q.Role))
		}
		where = append(where, cond+`)`)
	}
	if q.Search != "" {
		pat := arg("%" + likeEscape(strings.ToLower(q.Search)) + "%")
		where = append(where, `(lower(p.name) LIKE `+pat+` ESCAPE '\' OR p.email LIKE `+pat+` ESCAPE '\')`)
	}
	query := `SELECT p.id, p.name, p.email, p.version, p.created_at, p.updated_at FROM people p`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	query += ` ORDER BY p.name, p.id LIMIT ` + arg(q.Limit) + ` OFFSET ` + arg(q.Offset)

	var out []org.Person
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = list(tx, func(r *sql.Rows) (org.Person, error) { return scanPerson(r) }, query, args...)
		if err != nil {
			return err
		}
		return tx.loadRoles(out)
	})
	return out, err
}

// likeEscape escapes LIKE's wildcards with '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// loadRoles fills in the role grants of people.
func (tx *Tx) loadRoles(people []org.Person) error {
	if len(people) == 0 {
		return nil
	}
	ids := make([]any, len(people))
	index := make(map[int64]int, len(people))
	for i, p := range people {
		ids[i] = p.ID
		index[p.ID] = i
		people[i].Roles = nil
	}
	grants, err := list(tx, scanGrant,
		`SELECT person_id, institution_id, role, unit_id, granted_at FROM role_grants
		WHERE person_id IN (`+placeholders(1, len(ids))+`)
		ORDER BY person_id, institution_id, role, unit_id`, ids...)
	if err != nil {
		return err
	}
	for _, g := range grants {
		i := index[g.PersonID]
		people[i].Roles = append(people[i].Roles, g)
	}
	return nil
}

func scanGrant(r *sql.Rows) (org.RoleGrant, error) {
	var g org.RoleGrant
	var role string
	err := r.Scan(&g.PersonID, &g.InstitutionID, &role, ref(&g.UnitID), at(&g.GrantedAt))
	g.Role = org.Role(role)
	return g, err
}

// GrantRole gives a person a role at an institution, optionally in one of
// its units. Granting a role the person already holds does nothing.
func (s *Store) GrantRole(ctx context.Context, g org.RoleGrant) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return s.WithTx(ctx, func(tx *Tx) error {
		if ok, err := tx.exists("people", g.PersonID); err != nil || !ok {
			return orNotFound(err, "person")
		}
		if ok, err := tx.exists("institutions", g.InstitutionID); err != nil || !ok {
			return orNotFound(err, "institution")
		}
		if g.UnitID != 0 {
			u, err := tx.orgUnit(g.UnitID)
			if is(err, apperror.NotFound) {
				return apperror.Field("unit_id", "no such org unit")
			}
			if err != nil {
				return err
			}
			if u.InstitutionID != g.InstitutionID {
				return apperror.Field("unit_id", "belongs to another institution")
			}
		}
		_, err := tx.exec(`INSERT INTO role_grants (person_id, institution_id, role, unit_id, granted_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
			g.PersonID, g.InstitutionID, string(g.Role), nullID(g.UnitID), tx.ts(tx.now))
		return err
	})
}

// RevokeRole takes a role grant away; NotFound if the person does not hold
// it.
func (s *Store) RevokeRole(ctx context.Context, g org.RoleGrant) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return s.WithTx(ctx, func(tx *Tx) error {
		return tx.execOne("role grant", `DELETE FROM role_grants
			WHERE person_id = $1 AND institution_id = $2 AND role = $3 AND coalesce(unit_id, 0) = $4`,
			g.PersonID, g.InstitutionID, string(g.Role), g.UnitID)
	})
}

// orNotFound returns err, or NotFound about what when err is nil.
func orNotFound(err error, what string) error {
	if err != nil {
		return err
	}
	return notFound(what)
}
