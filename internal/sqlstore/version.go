package sqlstore

import (
	"fmt"
	"strconv"
	"time"
)

// updateVersioned runs "UPDATE table SET set, version = version + 1,
// updated_at = now WHERE id = id AND version = version", where set uses
// placeholders $1…$len(args). It returns the new version and time, or
// NotFound about what if there is no such row, or Conflict if the row's
// version is not the one the caller read. table and set are constants of
// this package, never input.
func (tx *Tx) updateVersioned(table, what string, id, version int64, set string, args ...any) (int64, time.Time, error) {
	n := len(args)
	q := fmt.Sprintf("UPDATE %s SET %s, version = version + 1, updated_at = $%d WHERE id = $%d AND version = $%d",
		table, set, n+1, n+2, n+3)
	res, err := tx.exec(q, append(args, tx.ts(tx.now), id, version)...)
	if err != nil {
		return 0, time.Time{}, err
	}
	if err := tx.checkVersioned(res, table, what, id); err != nil {
		return 0, time.Time{}, err
	}
	return version + 1, tx.now, nil
}

// deleteVersioned deletes the row with id and version, with the errors of
// updateVersioned.
func (tx *Tx) deleteVersioned(table, what string, id, version int64) error {
	res, err := tx.exec("DELETE FROM "+table+" WHERE id = $1 AND version = $2", id, version)
	if err != nil {
		return err
	}
	return tx.checkVersioned(res, table, what, id)
}

// checkVersioned turns "no row affected" into NotFound or Conflict.
func (tx *Tx) checkVersioned(res interface{ RowsAffected() (int64, error) }, table, what string, id int64) error {
	n, err := res.RowsAffected()
	if err != nil {
		return tx.s.translate(err)
	}
	if n == 1 {
		return nil
	}
	exists, err := tx.exists(table, id)
	if err != nil {
		return err
	}
	if !exists {
		return notFound(what)
	}
	return changed(what)
}

// exists reports whether table has a row with id.
func (tx *Tx) exists(table string, id int64) (bool, error) {
	var n int
	if err := tx.get(table, "SELECT count(*) FROM "+table+" WHERE id = $1", []any{id}, &n); err != nil {
		return false, err
	}
	return n > 0, nil
}

// placeholders returns "$from, $from+1, …" for n arguments.
func placeholders(from, n int) string {
	b := make([]byte, 0, n*4)
	for i := range n {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(from+i), 10)
	}
	return string(b)
}
