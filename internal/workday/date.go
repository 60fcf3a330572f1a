package workday

import (
	"fmt"
	"time"
)

// Date is a day in the civil calendar with no time of day and no zone: a
// holiday, a closure day, or the day a deadline falls due. The zero value is
// not a valid date.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the day that t falls on in t's own location. To ask about
// a calendar's zone use [Calendar.DateOf].
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// ParseDate parses a date written as YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("parse date %q: %w", s, err)
	}
	return DateOf(t), nil
}

// String formats d as YYYY-MM-DD.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalText formats d as YYYY-MM-DD, so dates read and write as plain
// strings in JSON and configuration files.
func (d Date) MarshalText() ([]byte, error) {
	return []byte(d.String()), nil
}

// UnmarshalText parses YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// Valid reports whether d names a real day (no 31 April) within years
// 1 to 9999.
func (d Date) Valid() bool {
	return d.Year >= minYear && d.Year <= maxYear && DateOf(d.utc()) == d
}

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday { return d.utc().Weekday() }

// AddDays returns the date n days later (earlier when n is negative).
func (d Date) AddDays(n int) Date { return dateOfDay(d.day() + n) }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch a, b := d.day(), e.day(); {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// In returns the first instant of d in loc (local midnight, or the first
// instant after it when a transition skips midnight).
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

func (d Date) utc() time.Time { return d.In(time.UTC) }

// day numbers the days consecutively, 0 being 1970-01-01. Counting in day
// numbers keeps date arithmetic exact and free of zones.
func (d Date) day() int { return int(d.utc().Unix() / secondsPerDay) }

func dateOfDay(n int) Date { return DateOf(time.Unix(int64(n)*secondsPerDay, 0).UTC()) }

const secondsPerDay = 24 * 60 * 60

// The years the calendar knows. Holidays are computed for these years only,
// and spans are clamped to them so hostile instants (year 200 million) do
// bounded work.
const (
	minYear = 1
	maxYear = 9999
)

// Day numbers of 0001-01-01 and 9999-12-31 (TestDayBounds checks them).
const (
	firstDay = -719162
	lastDay  = 2932896
)

// weekdayOfDay returns the weekday of day number n without building a time.
func weekdayOfDay(n int) time.Weekday {
	// Day 0, 1970-01-01, was a Thursday.
	return time.Weekday(((n % 7) + 7 + int(time.Thursday)) % 7)
}

func isWeekend(n int) bool {
	wd := weekdayOfDay(n)
	return wd == time.Saturday || wd == time.Sunday
}

// weekdaysIn counts Mondays to Fridays in the day numbers a..b inclusive.
func weekdaysIn(a, b int) int {
	if b < a {
		return 0
	}
	total := b - a + 1
	n := total / 7 * 5
	for d := a + total/7*7; d <= b; d++ {
		if !isWeekend(d) {
			n++
		}
	}
	return n
}
