package workday

import (
	"fmt"
	"sort"
	"time"
	_ "time/tzdata" // zones must resolve on machines without a zoneinfo database
	"unicode/utf8"

	"cairn/internal/apperror"
)

// Limits that keep hostile or mistaken configuration to bounded work.
const (
	// MaxWorkingDays bounds n in AddWorkingDays and Deadline.Days: about ten
	// years, far beyond any policy deadline.
	MaxWorkingDays = 2500
	// MaxClosures bounds the closures of one calendar.
	MaxClosures = 500
	// MaxClosureDays bounds the length of one closure.
	MaxClosureDays = 366
	// MaxReasonBytes bounds a closure's reason.
	MaxReasonBytes = 200
)

// Closure is a span of days an institution is closed beyond its statutory
// holidays, such as the winter closure between Christmas and New Year.
type Closure struct {
	From   Date   `json:"from"`
	To     Date   `json:"to"` // inclusive
	Reason string `json:"reason"`
}

// Config describes a calendar.
type Config struct {
	// Jurisdiction is an ISO 3166-2 code from Jurisdictions: "CA-BC", "CA-YT".
	Jurisdiction string
	// Zone is an IANA time zone name; empty means the jurisdiction's
	// (America/Vancouver for CA-BC, America/Whitehorse for CA-YT).
	Zone string
	// Observance says what happens to a weekend holiday; empty means the
	// jurisdiction's rule.
	Observance Observance
	// StatutoryOnly leaves out holidays that the jurisdiction's public
	// sector observes but its employment standards do not (the Yukon's
	// Heritage Day), for an institution that works on them.
	StatutoryOnly bool
	// Closures are the administrator's closures.
	Closures []Closure
}

// Calendar knows which days are working days for one institution. It is
// immutable and safe for concurrent use.
type Calendar struct {
	j             jurisdiction
	loc           *time.Location
	observance    Observance
	statutoryOnly bool
	closures      []Closure
	closedDays    []int          // sorted day numbers of closed days
	closedWhy     map[int]string // day number to the first closure's reason
}

// New builds a calendar. Errors are apperror Invalid errors naming the field.
func New(cfg Config) (*Calendar, error) {
	j, ok := jurisdictionRules(cfg.Jurisdiction)
	if !ok {
		return nil, apperror.Field("jurisdiction", "unknown jurisdiction %q (known: %v)", cfg.Jurisdiction, Jurisdictions())
	}
	zone := cfg.Zone
	if zone == "" {
		zone = j.zone
	}
	if zone == "Local" {
		return nil, apperror.Field("zone", "time zone must be an IANA name, not Local")
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, apperror.Field("zone", "unknown time zone %q", zone)
	}
	obs := cfg.Observance
	switch obs {
	case ObserveDefault:
		obs = j.observance
	case ObserveNextWorkingDay, ObserveOnDate:
	default:
		return nil, apperror.Field("observance", "unknown observance %q", string(obs))
	}
	c := &Calendar{j: j, loc: loc, observance: obs, statutoryOnly: cfg.StatutoryOnly}
	if err := c.setClosures(cfg.Closures); err != nil {
		return nil, err
	}
	return c, nil
}

// WithClosures returns a copy of c with more closures.
func (c *Calendar) WithClosures(closures ...Closure) (*Calendar, error) {
	all := append(c.Closures(), closures...)
	n := &Calendar{j: c.j, loc: c.loc, observance: c.observance, statutoryOnly: c.statutoryOnly}
	if err := n.setClosures(all); err != nil {
		return nil, err
	}
	return n, nil
}

func (c *Calendar) setClosures(closures []Closure) error {
	if len(closures) > MaxClosures {
		return apperror.Field("closures", "too many closures: %d, at most %d", len(closures), MaxClosures)
	}
	c.closures = append([]Closure(nil), closures...)
	c.closedWhy = make(map[int]string)
	for i, cl := range closures {
		field := fmt.Sprintf("closures[%d]", i)
		switch {
		case !cl.From.Valid():
			return apperror.Field(field+".from", "invalid date %s", cl.From)
		case !cl.To.Valid():
			return apperror.Field(field+".to", "invalid date %s", cl.To)
		case cl.To.Before(cl.From):
			return apperror.Field(field+".to", "closure ends (%s) before it starts (%s)", cl.To, cl.From)
		case cl.To.day()-cl.From.day()+1 > MaxClosureDays:
			return apperror.Field(field+".to", "closure is longer than %d days", MaxClosureDays)
		case cl.Reason == "":
			return apperror.Field(field+".reason", "a closure needs a reason")
		case len(cl.Reason) > MaxReasonBytes || !utf8.ValidString(cl.Reason):
			return apperror.Field(field+".reason", "reason must be UTF-8 text of at most %d bytes", MaxReasonBytes)
		}
		for n := cl.From.day(); n <= cl.To.day(); n++ {
			if _, dup := c.closedWhy[n]; !dup {
				c.closedWhy[n] = cl.Reason
				c.closedDays = append(c.closedDays, n)
			}
		}
	}
	sort.Ints(c.closedDays)
	return nil
}

// Jurisdiction returns the calendar's jurisdiction code.
func (c *Calendar) Jurisdiction() string { return c.j.code }

// Location returns the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// Observance returns the weekend-holiday rule in force.
func (c *Calendar) Observance() Observance { return c.observance }

// Closures returns a copy of the calendar's closures.
func (c *Calendar) Closures() []Closure { return append([]Closure(nil), c.closures...) }

// Holidays returns the holidays whose nominal date falls in year, sorted by
// the day off; none outside years 1 to 9999.
func (c *Calendar) Holidays(year int) []Holiday {
	return c.j.holidays(year, c.observance, c.statutoryOnly)
}

// DateOf returns the day t falls on in the calendar's zone.
func (c *Calendar) DateOf(t time.Time) Date { return DateOf(t.In(c.loc)) }

// EndOfDay returns the instant a deadline falling on d is due: the last
// nanosecond of d in the calendar's zone, 23:59:59.999999999 local time.
//
// Why this instant and not the start of the next working day: the due
// instant then lies on the day people are told ("due Friday 14 March"), so
// it formats, stores and compares without off-by-one corrections, and
// WorkingDaysBetween(from, due) equals n exactly. The start of the next
// working day would make work done on the weekend or holiday after the last
// day count as on time and would move with later closures. Storage at
// microsecond precision keeps 23:59:59.999999 on the same day. Overdue means
// now.After(due).
func (c *Calendar) EndOfDay(d Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 23, 59, 59, 999999999, c.loc)
}

// IsWorkingDay reports whether t's day, in the calendar's zone, is a working
// day: a Monday to Friday that is neither a holiday's day off nor closed.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	return c.working(c.DateOf(t).day(), yearCache{})
}

// DayOff explains why d is not a working day: a holiday's name (with
// "(observed)" on a moved day off), a closure's reason, or the weekday name.
// off is false for a working day.
func (c *Calendar) DayOff(d Date) (reason string, off bool) {
	if d.Year >= minYear && d.Year <= maxYear {
		for _, y := range []int{d.Year - 1, d.Year} {
			for _, h := range c.Holidays(y) {
				switch {
				case h.Date == d && h.Observed():
					return h.Name + " (observed)", true
				case h.Date == d || h.Nominal == d:
					return h.Name, true
				}
			}
		}
	}
	n := d.day()
	if why, ok := c.closedWhy[n]; ok {
		return why, true
	}
	if isWeekend(n) {
		return d.Weekday().String(), true
	}
	return "", false
}

// AddWorkingDays returns the deadline n working days after from: the end
// (see EndOfDay) of the n-th working day after from's day in the calendar's
// zone; from's own day never counts, whatever the hour. n = 0 gives the end
// of from's day. n must be between 0 and MaxWorkingDays.
func (c *Calendar) AddWorkingDays(from time.Time, n int) (time.Time, error) {
	if n < 0 || n > MaxWorkingDays {
		return time.Time{}, apperror.Field("days", "working days must be between 0 and %d, got %d", MaxWorkingDays, n)
	}
	start := c.DateOf(from)
	if start.Year < minYear || start.Year > maxYear {
		return time.Time{}, apperror.Field("from", "date %s is outside years %d to %d", start, minYear, maxYear)
	}
	d := start.day()
	cache := yearCache{}
	for counted := 0; counted < n; {
		d++
		if d > lastDay {
			return time.Time{}, apperror.Field("days", "deadline falls after year %d", maxYear)
		}
		if c.working(d, cache) {
			counted++
		}
	}
	return c.EndOfDay(dateOfDay(d)), nil
}

// WorkingDaysBetween counts the working days after a's day up to and
// including b's day, in the calendar's zone; negative when b is before a,
// zero on the same day. So WorkingDaysBetween(from, AddWorkingDays(from, n))
// is n. Instants outside years 1 to 9999 are clamped to them.
func (c *Calendar) WorkingDaysBetween(a, b time.Time) int {
	da, db := c.clampedDay(a), c.clampedDay(b)
	if db < da {
		return -c.countWorking(db, da)
	}
	return c.countWorking(da, db)
}

// WorkingDaysLeft returns how many working days remain after now's day up
// to and including due's day: 0 on the day due, negative once working days
// have passed since. A deadline is overdue when now.After(due); on a weekend
// just after, WorkingDaysLeft is still 0.
func (c *Calendar) WorkingDaysLeft(now, due time.Time) int {
	return c.WorkingDaysBetween(now, due)
}

func (c *Calendar) clampedDay(t time.Time) int {
	return min(max(c.DateOf(t).day(), firstDay), lastDay)
}

// yearCache holds the holiday days off of the years one call has visited, so
// a call computes each year's holidays once; it is never shared between
// calls.
type yearCache map[int]map[int]bool

func (c *Calendar) holidayDays(year int, cache yearCache) map[int]bool {
	if days, ok := cache[year]; ok {
		return days
	}
	days := make(map[int]bool)
	// A moved day off may in principle cross into the next year.
	for _, y := range []int{year - 1, year} {
		for _, h := range c.Holidays(y) {
			if h.Date.Year == year {
				days[h.Date.day()] = true
			}
		}
	}
	cache[year] = days
	return days
}

func (c *Calendar) working(n int, cache yearCache) bool {
	if isWeekend(n) {
		return false
	}
	if _, closed := c.closedWhy[n]; closed {
		return false
	}
	return !c.holidayDays(dateOfDay(n).Year, cache)[n]
}

// countWorking counts working days in the day numbers lo+1..hi (lo <= hi)
// by arithmetic: weekdays, less holidays on weekdays, less closed weekdays
// that are not holidays. Its work grows with the years spanned and the
// closures inside the span, not with the number of days.
func (c *Calendar) countWorking(lo, hi int) int {
	if hi <= lo {
		return 0
	}
	n := weekdaysIn(lo+1, hi)
	cache := yearCache{}
	for y := dateOfDay(lo + 1).Year; y <= dateOfDay(hi).Year; y++ {
		for d := range c.holidayDays(y, cache) {
			if lo < d && d <= hi && !isWeekend(d) {
				n--
			}
		}
	}
	i := sort.SearchInts(c.closedDays, lo+1)
	for ; i < len(c.closedDays) && c.closedDays[i] <= hi; i++ {
		d := c.closedDays[i]
		if !isWeekend(d) && !c.holidayDays(dateOfDay(d).Year, cache)[d] {
			n--
		}
	}
	return n
}
