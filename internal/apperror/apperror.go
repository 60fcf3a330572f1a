// Package apperror is cairn's one application error type: a small set of
// codes that the web layer maps to HTTP statuses, problem documents and
// pages in one place, and a message safe to show to the user.
package apperror

import (
	"errors"
	"fmt"
)

// Code classifies an application error.
type Code string

// The codes. Anything else is Internal.
const (
	Invalid      Code = "invalid"
	NotFound     Code = "not_found"
	Conflict     Code = "conflict"
	Unauthorized Code = "unauthorized"
	Forbidden    Code = "forbidden"
	Internal     Code = "internal"
)

// Error is an application error: Message is meant for the user; Field names
// the input it is about, when there is one (a form field or JSON path).
type Error struct {
	Code    Code
	Message string
	Field   string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// New returns an *Error with a formatted message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Field returns an Invalid *Error about the named field.
func Field(field, format string, args ...any) *Error {
	return &Error{Code: Invalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of the first *Error in err's chain, Internal when
// there is none, and "" for a nil error.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// MessageOf returns the user-safe message of err: the message of its *Error,
// or a generic one for anything else, whose details are for the log only.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Error()
	}
	return "internal error"
}
