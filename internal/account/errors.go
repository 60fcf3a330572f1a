package account

import (
	"errors"

	"cairn/internal/apperror"
)

// Reasons a sign-in failed. They reach the log through errors.Is; the
// person sees one message that does not tell them apart.
var (
	ErrUnknownEmail  = errors.New("no person has this email address")
	ErrNoPassword    = errors.New("the person has no password")
	ErrWrongPassword = errors.New("wrong password")
	ErrLocked        = errors.New("the account is locked after too many failed attempts")
	ErrTooLong       = errors.New("the email address or password is longer than allowed")
)

// denial is an apperror shown to the user with the reason behind it kept
// for the log: Error returns only the safe message.
type denial struct {
	app   *apperror.Error
	cause error
}

func (e *denial) Error() string   { return e.app.Error() }
func (e *denial) Unwrap() []error { return []error{e.app, e.cause} }

// deny returns an error with code and message for the user, and cause for
// errors.Is and the log.
func deny(code apperror.Code, message string, cause error) error {
	return &denial{app: &apperror.Error{Code: code, Message: message}, cause: cause}
}

// signInFailed is the one answer to a failed password sign-in.
func signInFailed(cause error) error {
	return deny(apperror.Unauthorized,
		"the email address or password is wrong, or the account is locked for a while after too many failed attempts", cause)
}
