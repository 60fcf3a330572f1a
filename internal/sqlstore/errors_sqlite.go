package sqlstore

import (
	"errors"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// classifySQLite maps a SQLite extended result code to a driverError.
func classifySQLite(err error) driverError {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return otherError
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return uniqueViolation
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return foreignKeyViolation
	case sqlite3.SQLITE_CONSTRAINT_CHECK:
		return checkViolation
	case sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return notNullViolation
	}
	switch se.Code() & 0xff { // the primary result code
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return busy
	}
	return otherError
}
