package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"cairn/internal/apperror"
)

// storeError is a driver error translated at the storage edge. Its message
// is the apperror's, safe to show; the driver's error stays reachable with
// errors.As for logging and debugging.
type storeError struct {
	app       *apperror.Error
	cause     error
	kind      driverError
	retryable bool
}

func (e *storeError) Error() string   { return e.app.Error() }
func (e *storeError) Unwrap() []error { return []error{e.app, e.cause} }

// IsRetryable reports whether err is a Conflict caused by lock contention
// or a serialization failure, which the same transaction may pass if run
// again.
func IsRetryable(err error) bool {
	var se *storeError
	return errors.As(err, &se) && se.retryable
}

// driverError classifies what a driver reported. Each engine's file maps
// its codes to one of these.
type driverError int

const (
	otherError driverError = iota
	uniqueViolation
	foreignKeyViolation
	checkViolation
	notNullViolation
	busy // lock contention, deadlock, serialization failure
)

// translate turns a driver error into an apperror-coded error. Errors that
// already carry an apperror, context errors and unknown errors pass through
// unchanged; the latter are Internal to apperror.CodeOf.
func (s *Store) translate(err error) error {
	if err == nil {
		return nil
	}
	var ae *apperror.Error
	if errors.As(err, &ae) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return &storeError{app: apperror.New(apperror.NotFound, "not found"), cause: err}
	}
	var kind driverError
	switch s.engine {
	case SQLite:
		kind = classifySQLite(err)
	case PostgreSQL:
		kind = classifyPostgres(err)
	}
	se := &storeError{cause: err, kind: kind}
	switch kind {
	case uniqueViolation:
		se.app = apperror.New(apperror.Conflict, "already exists")
	case foreignKeyViolation:
		se.app = apperror.New(apperror.Invalid, "refers to something that does not exist, or is still referred to")
	case checkViolation:
		se.app = apperror.New(apperror.Invalid, "breaks a rule of the data")
	case notNullViolation:
		se.app = apperror.New(apperror.Invalid, "a required value is missing")
	case busy:
		se.app = apperror.New(apperror.Conflict, "the database is busy; try again")
		se.retryable = true
	default:
		return err
	}
	return se
}

// replace swaps a translated driver error of the given kind for a more
// precise one, keeping the cause: a call site that knows which constraint
// can fire says what it means for the user. Other errors pass unchanged.
func replace(err error, kind driverError, better *apperror.Error) error {
	var se *storeError
	if !errors.As(err, &se) || se.kind != kind {
		return err
	}
	return &storeError{app: better, cause: se.cause, kind: kind, retryable: se.retryable}
}

// taken explains a unique violation on field.
func taken(err error, field, message string) error {
	return replace(err, uniqueViolation, &apperror.Error{Code: apperror.Conflict, Field: field, Message: message})
}

// missing explains a foreign key violation on insert or update: field
// refers to nothing.
func missing(err error, field, message string) error {
	return replace(err, foreignKeyViolation, &apperror.Error{Code: apperror.Invalid, Field: field, Message: message})
}

// inUse explains a foreign key violation on delete as a Conflict: other
// records still refer to the one being deleted.
func inUse(err error, what string) error {
	return replace(err, foreignKeyViolation, apperror.New(apperror.Conflict, "the %s is still referred to by other records", what))
}

// isNoRows reports whether err is database/sql's "no rows".
func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// notFound is the NotFound error about one kind of thing.
func notFound(what string) error {
	return apperror.New(apperror.NotFound, "%s not found", what)
}

// changed is the Conflict error of an optimistic update that lost.
func changed(what string) error {
	return apperror.New(apperror.Conflict, "the %s was changed by someone else since it was loaded; reload and try again", what)
}

// is reports whether err carries the apperror code.
func is(err error, code apperror.Code) bool {
	return err != nil && apperror.CodeOf(err) == code
}
