package sqlstore

import (
	"context"
	"database/sql"
	"strconv"

	"cairn/internal/org"
)

// Installation operators run a cairn installation, above its
// institutions: they set up new institutions with their first
// administrator and see every institution listed. Being an operator grants
// no role inside any institution; an operator who is to administer one
// holds its administrator role as anyone else does.

// GrantOperator makes a person an installation operator, audited as
// operator.granted by the person by (0: the command line). Granting it
// again does nothing. NotFound if there is no such person.
func (s *Store) GrantOperator(ctx context.Context, personID, by int64) error {
	return s.WithTx(ctx, func(tx *Tx) error {
		if ok, err := tx.exists("people", personID); err != nil || !ok {
			return orNotFound(err, "person")
		}
		return tx.grantOperator(personID, by)
	})
}

func (tx *Tx) grantOperator(personID, by int64) error {
	res, err := tx.exec(`INSERT INTO operators (person_id, granted_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
		personID, tx.ts(tx.now))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return tx.s.translate(err)
	}
	return tx.auditAwardSubject("", by, "operator.granted", "person/"+strconv.FormatInt(personID, 10), map[string]any{"person": personID})
}

// RevokeOperator ends a person's being an installation operator, audited
// as operator.revoked; NotFound if they are not one.
func (s *Store) RevokeOperator(ctx context.Context, personID, by int64) error {
	return s.WithTx(ctx, func(tx *Tx) error {
		if err := tx.execOne("operator", `DELETE FROM operators WHERE person_id = $1`, personID); err != nil {
			return err
		}
		return tx.auditAwardSubject("", by, "operator.revoked", "person/"+strconv.FormatInt(personID, 10), map[string]any{"person": personID})
	})
}

// IsOperator reports whether a person is an installation operator.
func (s *Store) IsOperator(ctx context.Context, personID int64) (bool, error) {
	var n int
	err := s.ReadTx(ctx, func(tx *Tx) error {
		return tx.get("operator", `SELECT count(*) FROM operators WHERE person_id = $1`, []any{personID}, &n)
	})
	return n > 0, err
}

// Operators lists the installation operators by name, at most
// MaxPageSize.
func (s *Store) Operators(ctx context.Context) ([]org.Person, error) {
	var out []org.Person
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = list(tx, func(r *sql.Rows) (org.Person, error) { return scanPerson(r) },
			`SELECT p.id, p.name, p.email, p.version, p.created_at, p.updated_at
			FROM operators o JOIN people p ON p.id = o.person_id ORDER BY p.name, p.id LIMIT $1`, MaxPageSize)
		return err
	})
	return out, err
}
