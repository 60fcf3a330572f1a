package catalog

import "cairn/internal/apperror"

// Status is where an offering stands in its life cycle.
type Status string

// The offering statuses.
const (
	// Draft: the proponent is writing or revising the outline form.
	Draft Status = "draft"
	// InReview: a submitted version is going through its approval track.
	InReview Status = "in_review"
	// Approved: a version is approved and may be offered.
	Approved Status = "approved"
	// ApprovedInterimNonCredit: approved and signed, awaiting a senate body's
	// review of its credit; meanwhile it may be offered as non-credit only.
	ApprovedInterimNonCredit Status = "approved_interim_non_credit"
	// Active: approved and being offered.
	Active Status = "active"
	// UnderReview: being reviewed (annual review, a challenge, or
	// consideration for discontinuance).
	UnderReview Status = "under_review"
	// Discontinued: no longer offered; final.
	Discontinued Status = "discontinued"
)

// Statuses returns every status in life-cycle order.
func Statuses() []Status {
	return []Status{Draft, InReview, Approved, ApprovedInterimNonCredit, Active, UnderReview, Discontinued}
}

// Valid reports whether s is one of the statuses.
func (s Status) Valid() bool {
	for _, v := range Statuses() {
		if v == s {
			return true
		}
	}
	return false
}

// Offerable reports whether runs of an offering in status s may be offered
// to learners. An interim offering may be offered as non-credit only.
func (s Status) Offerable() bool {
	return s == Approved || s == ApprovedInterimNonCredit || s == Active
}

// successors lists the legal moves out of s. Returned to the proponent
// means back to draft; a credit review that returns the proposal does the
// same from the interim status; an approved offering that never ran can
// still be reviewed for discontinuance.
func successors(s Status) []Status {
	switch s {
	case Draft:
		return []Status{InReview}
	case InReview:
		return []Status{Draft, Approved, ApprovedInterimNonCredit}
	case ApprovedInterimNonCredit:
		return []Status{Approved, Draft, UnderReview}
	case Approved:
		return []Status{Active, UnderReview}
	case Active:
		return []Status{UnderReview}
	case UnderReview:
		return []Status{Active, Approved, InReview, Discontinued}
	}
	return nil
}

// CanTransition reports whether an offering may move from one status to
// another.
func CanTransition(from, to Status) bool {
	for _, s := range successors(from) {
		if s == to {
			return true
		}
	}
	return false
}

// Transition moves o to status to. It is the one place an offering's status
// changes; an illegal move is an apperror.Conflict and leaves o unchanged.
func (o *Offering) Transition(to Status) error {
	if !to.Valid() {
		return apperror.New(apperror.Invalid, "unknown offering status %q", to)
	}
	if !CanTransition(o.Status, to) {
		return apperror.New(apperror.Conflict, "an offering cannot move from %s to %s", o.Status, to)
	}
	o.Status = to
	return nil
}
