package policy

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"cairn/internal/catalog"
)

// ParseDate reads a date written YYYY-MM-DD, YYYY-MM or YYYY.
func ParseDate(s string) (Date, error) {
	parts := strings.Split(s, "-")
	if len(parts) > 3 || len(parts[0]) != 4 {
		return Date{}, fmt.Errorf("date %q is not YYYY-MM-DD, YYYY-MM or YYYY", s)
	}
	var nums [3]int
	for i, p := range parts {
		if (i > 0 && len(p) != 2) || strings.TrimLeft(p, "0123456789") != "" {
			return Date{}, fmt.Errorf("date %q is not YYYY-MM-DD, YYYY-MM or YYYY", s)
		}
		nums[i], _ = strconv.Atoi(p)
	}
	d := Date{Year: nums[0], Month: nums[1], Day: nums[2]}
	if len(parts) >= 2 && (d.Month < 1 || d.Month > 12) {
		return Date{}, fmt.Errorf("date %q has no month %d", s, d.Month)
	}
	if len(parts) == 3 {
		t := time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC)
		if d.Day < 1 || t.Day() != d.Day {
			return Date{}, fmt.Errorf("date %q has no day %d", s, d.Day)
		}
	}
	return d, nil
}

// Start returns the first instant of the date (of its month or year when
// only those are given), in loc.
func (d Date) Start(loc *time.Location) time.Time {
	return time.Date(d.Year, time.Month(max(d.Month, 1)), max(d.Day, 1), 0, 0, 0, 0, loc)
}

// End returns the first instant after the date (after its month or year
// when only those are given), in loc.
func (d Date) End(loc *time.Location) time.Time {
	s := d.Start(loc)
	switch {
	case d.Month == 0:
		return s.AddDate(1, 0, 0)
	case d.Day == 0:
		return s.AddDate(0, 1, 0)
	}
	return s.AddDate(0, 0, 1)
}

// ReviewReminder says a policy document is due for review.
type ReviewReminder struct {
	DocumentID string
	Title      string
	// Due is the document's next-review date as written.
	Due Date
	// Overdue is true once the due date (month, year) has passed.
	Overdue bool
	// Notify is the role to remind.
	Notify string
	Clause string
}

// ReviewsDue returns reminders for the documents whose next review falls
// within the profile's reminder lead time of now, or has passed. Profiles
// without a policy_review process, and documents without a next-review
// date, give none.
func (p *Profile) ReviewsDue(now time.Time) []ReviewReminder {
	pr := p.Processes.PolicyReview
	if pr == nil {
		return nil
	}
	loc := now.Location()
	var out []ReviewReminder
	for _, d := range p.Documents {
		if d.NextReview.IsZero() {
			continue
		}
		start := d.NextReview.Start(loc)
		if now.Before(start.AddDate(0, 0, -pr.RemindDaysBefore)) {
			continue
		}
		notify := pr.Notify
		if d.HolderRole != "" {
			notify = d.HolderRole
		}
		out = append(out, ReviewReminder{
			DocumentID: d.ID, Title: d.Title, Due: d.NextReview,
			Overdue: !now.Before(d.NextReview.End(loc)),
			Notify:  notify, Clause: pr.Clause,
		})
	}
	return out
}

// Applies reports whether the annual review covers offerings of kind k.
func (a *AnnualReview) Applies(k catalog.Kind) bool {
	return len(a.Kinds) == 0 || slices.Contains(a.Kinds, k)
}

// Due returns when the next annual review falls, given the last one (or
// the approval, for an offering never reviewed).
func (a *AnnualReview) Due(last time.Time) time.Time {
	return last.AddDate(0, a.EveryMonths, 0)
}

// Applies reports whether the discontinuance rule covers offerings of
// kind k.
func (d *Discontinuance) Applies(k catalog.Kind) bool {
	return len(d.Kinds) == 0 || slices.Contains(d.Kinds, k)
}

// Idle reports whether an offering last offered (or, never offered,
// approved) at last has gone unoffered long enough by now to be flagged.
func (d *Discontinuance) Idle(last, now time.Time) bool {
	return !now.Before(last.AddDate(0, d.IdleMonths, 0))
}
