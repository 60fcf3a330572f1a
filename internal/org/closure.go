package org

import (
	"time"

	"cairn/internal/apperror"
)

// Limits on closures, matching the working-day calendar's.
const (
	MaxClosureDays   = 366 // days in one closure
	MaxClosureReason = 200 // bytes in a closure's reason
)

// Closure is a span of days an institution is closed beyond its
// jurisdiction's statutory holidays, such as the winter closure, which do
// not count as working days for deadlines. A one-day closure has From equal
// to To. It has the shape of workday.Closure.
type Closure struct {
	ID            int64
	InstitutionID int64
	From          time.Time // first day closed; see Day
	To            time.Time // last day closed, inclusive
	Reason        string
}

// Validate reports the first problem with c as an apperror.Invalid error
// naming the field.
func (c Closure) Validate() error {
	if err := checkRef("institution_id", c.InstitutionID); err != nil {
		return err
	}
	if c.From.IsZero() {
		return apperror.Field("from", "is required")
	}
	if c.To.IsZero() {
		return apperror.Field("to", "is required")
	}
	from, to := Day(c.From), Day(c.To)
	if to.Before(from) {
		return apperror.Field("to", "is before the first day of the closure")
	}
	if to.Sub(from) >= MaxClosureDays*24*time.Hour {
		return apperror.Field("to", "the closure is longer than %d days", MaxClosureDays)
	}
	return checkText("reason", c.Reason, MaxClosureReason, true)
}
