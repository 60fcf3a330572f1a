package award

import (
	"strings"
	"time"
	"unicode/utf8"

	"cairn/internal/apperror"
)

// Status is where an issued award stands. Expiry is not a status: an award
// past its validUntil is expired whatever its status says (see State).
type Status string

// The award statuses.
const (
	// Active: the credential is good.
	Active Status = "active"
	// Suspended: not to be accepted for now; its suspension bit is set
	// until it is reinstated.
	Suspended Status = "suspended"
	// Revoked: cancelled for good; its revocation bit is set.
	Revoked Status = "revoked"
)

// Valid reports whether s is one of the statuses.
func (s Status) Valid() bool { return s == Active || s == Suspended || s == Revoked }

// Action is what authorized staff do to an issued award.
type Action string

// The actions on an award.
const (
	Suspend   Action = "suspend"
	Reinstate Action = "reinstate"
	Revoke    Action = "revoke"
)

// Transition returns the status an award in status from moves to by the
// action. It is the one place an award's status changes: suspend an active
// award, reinstate a suspended one, revoke either; anything else is a
// Conflict.
func Transition(from Status, a Action) (Status, error) {
	switch {
	case a == Suspend && from == Active:
		return Suspended, nil
	case a == Reinstate && from == Suspended:
		return Active, nil
	case a == Revoke && (from == Active || from == Suspended):
		return Revoked, nil
	case a != Suspend && a != Reinstate && a != Revoke:
		return "", apperror.New(apperror.Invalid, "unknown action %q on an award", a)
	}
	return "", apperror.New(apperror.Conflict, "an award that is %s cannot be %s", from, pastTense(a))
}

func pastTense(a Action) string {
	switch a {
	case Suspend:
		return "suspended"
	case Reinstate:
		return "reinstated"
	}
	return "revoked"
}

// State is what a verifier would say of an award in status s valid until
// validUntil (zero for never), at now: "expired" for an active award past
// its validity, else the status.
func State(s Status, validUntil, now time.Time) string {
	if s == Active && !validUntil.IsZero() && !now.Before(validUntil) {
		return "expired"
	}
	return string(s)
}

// MaxReasonLen bounds the reason given for a status change, in characters.
const MaxReasonLen = 1000

// CheckReason reports a missing or overlong reason for a status change, as
// an Invalid error about field reason.
func CheckReason(reason string) error {
	r := strings.TrimSpace(reason)
	switch {
	case r == "":
		return apperror.Field("reason", "is required: say why")
	case utf8.RuneCountInString(r) > MaxReasonLen || !utf8.ValidString(r) || strings.ContainsRune(r, 0):
		return apperror.Field("reason", "must be text of at most %d characters", MaxReasonLen)
	}
	return nil
}

// BatchState is where a bulk award stands.
type BatchState string

// The batch states.
const (
	// Preview: uploaded and checked; nothing is issued until confirmed.
	Preview BatchState = "preview"
	// Queued: confirmed, waiting for a worker to claim it.
	Queued BatchState = "queued"
	// Running: claimed by a worker under a lease; another worker may take
	// it over once the lease expires.
	Running BatchState = "running"
	// Done: every row is awarded, was already awarded, or failed.
	Done BatchState = "done"
	// Failed: stopped because the offering can no longer be awarded.
	Failed BatchState = "failed"
	// Cancelled: withdrawn before it ran.
	Cancelled BatchState = "cancelled"
)

// CanMove reports whether a batch may move from one state to another.
func CanMove(from, to BatchState) bool {
	switch from {
	case Preview:
		// Done: confirmed with nothing left to award.
		return to == Queued || to == Done || to == Cancelled
	case Queued:
		return to == Running || to == Cancelled
	case Running:
		return to == Running || to == Done || to == Failed
	}
	return false
}

// RowState is what became of one row of a batch.
type RowState string

// The row states.
const (
	// RowInvalid: the row has an error and is not awarded.
	RowInvalid RowState = "invalid"
	// RowPending: to be awarded when the batch runs.
	RowPending RowState = "pending"
	// RowIssued: awarded by this batch.
	RowIssued RowState = "issued"
	// RowExisting: the learner already had this award (same key), so
	// nothing was issued.
	RowExisting RowState = "existing"
	// RowFailed: the credential could not be built for this row.
	RowFailed RowState = "failed"
)
