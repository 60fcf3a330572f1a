package sqlstore

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
)

// classifyPostgres maps a PostgreSQL SQLSTATE to a driverError.
func classifyPostgres(err error) driverError {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return otherError
	}
	switch pe.Code {
	case "23505": // unique_violation
		return uniqueViolation
	case "23503": // foreign_key_violation
		return foreignKeyViolation
	case "23514": // check_violation
		return checkViolation
	case "23502": // not_null_violation
		return notNullViolation
	case "40001", // serialization_failure
		"40P01", // deadlock_detected
		"55P03": // lock_not_available
		return busy
	}
	return otherError
}
