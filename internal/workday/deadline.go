package workday

import (
	"errors"
	"math"
	"sort"
	"time"

	"cairn/internal/apperror"
)

// MaxPauses bounds the pauses of one deadline.
const MaxPauses = 250

// ErrPaused is returned by Deadline.Due while the deadline's clock is
// stopped before its last day: it has no due date until it resumes.
var ErrPaused = errors.New("deadline is paused")

// Interval is a span of time [From, To). A zero To means it has not ended.
type Interval struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to,omitzero"`
}

// Open reports whether the interval has not ended.
func (i Interval) Open() bool { return i.To.IsZero() }

// Deadline is a number of working days from a start, whose clock stops while
// the case waits on someone else ("deadlines pause while a case waits on the
// proponent"). It is a plain value that a store can persist field by field;
// Pause and Resume return new values and never alter the receiver.
//
// A working day counts toward the deadline only when the clock ran for the
// whole of it: the day of Start never counts (the first day of a period is
// excluded), and no day that a pause touches counts: the day it begins, the
// day it ends and every day between. So a pause and resume within one hour
// still gives the day back, and a case returned to the proponent on its last
// day and back two days later has one whole working day left after the day
// it came back. Pauses are half-open, so a pause ending exactly at local
// midnight does not touch the day that starts then.
type Deadline struct {
	Start  time.Time  `json:"start"`
	Days   int        `json:"days"`
	Pauses []Interval `json:"pauses,omitempty"`
}

// Validate checks that d is well formed: Days within 0..MaxWorkingDays, at
// most MaxPauses pauses, in order, not overlapping, none before Start, only
// the last one open.
func (d Deadline) Validate() error {
	switch {
	case d.Start.IsZero():
		return apperror.Field("start", "a deadline needs a start")
	case d.Days < 0 || d.Days > MaxWorkingDays:
		return apperror.Field("days", "working days must be between 0 and %d, got %d", MaxWorkingDays, d.Days)
	case len(d.Pauses) > MaxPauses:
		return apperror.Field("pauses", "too many pauses: %d, at most %d", len(d.Pauses), MaxPauses)
	}
	after := d.Start
	for i, p := range d.Pauses {
		switch {
		case p.From.Before(after):
			return apperror.New(apperror.Invalid, "pause %d begins before the deadline starts or the previous pause ends", i+1)
		case p.Open() && i != len(d.Pauses)-1:
			return apperror.New(apperror.Invalid, "pause %d has no end but is not the last", i+1)
		case !p.Open() && p.To.Before(p.From):
			return apperror.New(apperror.Invalid, "pause %d ends before it begins", i+1)
		}
		after = p.To
	}
	return nil
}

// Paused reports whether the clock is stopped: the last pause is open.
func (d Deadline) Paused() bool {
	return len(d.Pauses) > 0 && d.Pauses[len(d.Pauses)-1].Open()
}

// Pause stops the clock at at. It is a conflict to pause a paused deadline.
func (d Deadline) Pause(at time.Time) (Deadline, error) {
	if err := d.Validate(); err != nil {
		return d, err
	}
	switch {
	case d.Paused():
		return d, apperror.New(apperror.Conflict, "deadline is already paused")
	case len(d.Pauses) == MaxPauses:
		return d, apperror.New(apperror.Conflict, "deadline has been paused %d times, the most allowed", MaxPauses)
	case at.Before(d.Start):
		return d, apperror.New(apperror.Invalid, "cannot pause before the deadline starts")
	case len(d.Pauses) > 0 && at.Before(d.Pauses[len(d.Pauses)-1].To):
		return d, apperror.New(apperror.Invalid, "cannot pause before the last resume")
	}
	n := d.clone()
	n.Pauses = append(n.Pauses, Interval{From: at})
	return n, nil
}

// Resume restarts the clock at at. It is a conflict to resume a running
// deadline.
func (d Deadline) Resume(at time.Time) (Deadline, error) {
	if err := d.Validate(); err != nil {
		return d, err
	}
	if !d.Paused() {
		return d, apperror.New(apperror.Conflict, "deadline is not paused")
	}
	last := d.Pauses[len(d.Pauses)-1]
	if at.Before(last.From) {
		return d, apperror.New(apperror.Invalid, "cannot resume before the pause began")
	}
	n := d.clone()
	n.Pauses[len(n.Pauses)-1].To = at
	return n, nil
}

func (d Deadline) clone() Deadline {
	d.Pauses = append(make([]Interval, 0, len(d.Pauses)+1), d.Pauses...)
	return d
}

// Due returns when the deadline falls due in cal (see Calendar.EndOfDay). It
// returns ErrPaused while the clock is stopped before the last day. A pause
// begun after the deadline had passed does not hide it: Due returns the day
// that passed.
func (d Deadline) Due(cal *Calendar) (time.Time, error) {
	if err := d.Validate(); err != nil {
		return time.Time{}, err
	}
	start := cal.DateOf(d.Start)
	if start.Year < minYear || start.Year > maxYear {
		return time.Time{}, apperror.Field("start", "date %s is outside years %d to %d", start, minYear, maxYear)
	}
	if d.Days == 0 {
		return cal.EndOfDay(start), nil
	}
	skip := d.excluded(cal)
	cache := yearCache{}
	day, counted, r := start.day(), 0, 0
	for counted < d.Days {
		day++
		for r < len(skip) && skip[r].hi < day {
			r++
		}
		if r < len(skip) && skip[r].lo <= day {
			if skip[r].hi == math.MaxInt {
				return time.Time{}, ErrPaused
			}
			day = skip[r].hi
			continue
		}
		if day > lastDay {
			return time.Time{}, apperror.Field("days", "deadline falls after year %d", maxYear)
		}
		if cal.working(day, cache) {
			counted++
		}
	}
	return cal.EndOfDay(dateOfDay(day)), nil
}

// Overdue reports whether now is past the deadline. A paused deadline is not
// overdue unless it had passed before the pause began.
func (d Deadline) Overdue(cal *Calendar, now time.Time) (bool, error) {
	due, err := d.Due(cal)
	if errors.Is(err, ErrPaused) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return now.After(due), nil
}

// Left returns the whole working days the deadline still has after now's
// day: Days less the working days that have counted so far, now's day
// included when the clock has run all of it so far. It is 0 on the day due
// and negative once working days have passed since; while paused it is what
// will remain after the resume (the day of the resume does not count).
func (d Deadline) Left(cal *Calendar, now time.Time) (int, error) {
	if err := d.Validate(); err != nil {
		return 0, err
	}
	start, today := cal.clampedDay(d.Start), cal.clampedDay(now)
	if today <= start {
		return d.Days, nil
	}
	used := cal.countWorking(start, today)
	for _, r := range d.excluded(cal) {
		lo, hi := max(r.lo-1, start), min(r.hi, today)
		used -= cal.countWorking(lo, hi)
	}
	return d.Days - used, nil
}

// Remind reports whether a reminder "before working days ahead" is due at
// now: the clock is running, the deadline has not passed, and at most before
// working days are left. A scheduler that polls sends it once and records
// that it did.
func (d Deadline) Remind(cal *Calendar, now time.Time, before int) (bool, error) {
	if before < 0 {
		return false, apperror.Field("before", "reminder lead must not be negative")
	}
	if err := d.Validate(); err != nil {
		return false, err
	}
	if last := len(d.Pauses) - 1; last >= 0 && d.Pauses[last].Open() && !now.Before(d.Pauses[last].From) {
		return false, nil
	}
	overdue, err := d.Overdue(cal, now)
	if err != nil || overdue {
		return false, err
	}
	left, err := d.Left(cal, now)
	if err != nil {
		return false, err
	}
	return left <= before, nil
}

// dayRange is the day numbers lo..hi inclusive; hi is math.MaxInt for a
// pause that has not ended.
type dayRange struct{ lo, hi int }

// excluded returns the days the pauses touch, merged and sorted. d must be
// valid.
func (d Deadline) excluded(cal *Calendar) []dayRange {
	var rs []dayRange
	for _, p := range d.Pauses {
		lo := cal.clampedDay(p.From)
		switch {
		case p.Open():
			rs = append(rs, dayRange{lo, math.MaxInt})
		case p.To.After(p.From):
			// [From, To) touches the day of its last instant, To less 1ns.
			rs = append(rs, dayRange{lo, cal.clampedDay(p.To.Add(-time.Nanosecond))})
		}
	}
	sort.Slice(rs, func(a, b int) bool { return rs[a].lo < rs[b].lo })
	var merged []dayRange
	for _, r := range rs {
		if k := len(merged) - 1; k >= 0 && (merged[k].hi == math.MaxInt || r.lo <= merged[k].hi+1) {
			merged[k].hi = max(merged[k].hi, r.hi)
			continue
		}
		merged = append(merged, r)
	}
	return merged
}
