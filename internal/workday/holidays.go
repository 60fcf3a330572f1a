package workday

import (
	"slices"
	"sort"
	"time"
)

// Holiday is a day off that the jurisdiction's rules give every year.
type Holiday struct {
	// Date is the day off: the day the holiday is observed. It differs from
	// Nominal when the holiday falls on a weekend and the calendar moves it.
	Date Date
	// Nominal is the day the rule names (25 December for Christmas Day).
	Nominal Date
	Name    string
	// Statutory is false for a holiday that the jurisdiction's public sector
	// observes but its employment standards legislation does not list (the
	// Yukon's Heritage Day).
	Statutory bool
}

// Observed reports whether the holiday was moved off its nominal day.
func (h Holiday) Observed() bool { return h.Date != h.Nominal }

// Observance says what happens to a holiday that falls on a Saturday or
// Sunday.
type Observance string

// The observance rules. The zero value means the jurisdiction's default.
const (
	// ObserveDefault uses the jurisdiction's rule: ObserveNextWorkingDay for
	// both CA-BC and CA-YT (see jurisdictionRules for the sources).
	ObserveDefault Observance = ""
	// ObserveNextWorkingDay moves a weekend holiday to the next weekday that
	// is not itself a holiday, as the Yukon Employment Standards Act does
	// and as British Columbia's public sector does.
	ObserveNextWorkingDay Observance = "next-working-day"
	// ObserveOnDate leaves a weekend holiday on its weekend day, so it costs
	// no working day.
	ObserveOnDate Observance = "on-date"
)

// Jurisdiction codes (ISO 3166-2). Calendars are keyed by jurisdiction, never
// by institution: an institution's profile names its jurisdiction.
const (
	BritishColumbia = "CA-BC"
	Yukon           = "CA-YT"
)

// Jurisdictions lists the jurisdiction codes New accepts.
func Jurisdictions() []string { return []string{BritishColumbia, Yukon} }

// jurisdiction is one jurisdiction's holiday rules.
type jurisdiction struct {
	code       string
	zone       string // default IANA zone
	observance Observance
	rules      []rule
}

// rule computes one holiday's nominal date for a year.
type rule struct {
	name      string
	statutory bool
	from      int // first year the holiday applies; 0 for always
	date      func(year int) Date
}

// jurisdictionRules returns the rules for code.
//
// Sources, consulted in 2025 (through the project's reference search; the
// statutes themselves were not reachable offline):
//
// British Columbia: Employment Standards Act, RSBC 1996 c 113, s 1
// "statutory holiday": eleven days since Bill 2 (2023) added the National Day
// for Truth and Reconciliation (go2hr.ca "BC statutory holidays", Aug 2023;
// pcmlawyers.ca on Bill 2). Family Day since 2013, the second Monday of
// February until 2018 and the third Monday since 2019. Easter Monday and
// Boxing Day are not statutory holidays (Employment Standards Branch
// factsheet). When a holiday falls on a day off the Act gives an eligible
// employee an average day's pay rather than naming a substitute day, but
// published B.C. dates move a Sunday holiday to the Monday (Canada Day 2018
// on 2 July). An institution's deadline must not count a day it is closed,
// and B.C. public employers close on the next working day, so the default
// is ObserveNextWorkingDay; that is a choice to confirm with each
// institution, and a profile may pick ObserveOnDate instead.
//
// Yukon: Employment Standards Act, RSY 2002 c 72, general holidays
// (yukon.ca "Find a Yukon statutory holiday", 2024 and 2025 lists): New
// Year's Day, Good Friday, Victoria Day, National Indigenous Peoples Day
// (since 2017, Yukon News), Canada Day, Discovery Day (third Monday of
// August), Labour Day, National Day for Truth and Reconciliation (since 2023,
// Yukon News), Thanksgiving Day, Remembrance Day and Christmas Day. "If a
// holiday falls on a non-working day ... the employee is entitled to a
// holiday on their next working day immediately following the holiday":
// ObserveNextWorkingDay. Heritage Day (the Friday before the last Sunday of
// February: 21 February 2025) is expressly not a statutory holiday; it is a
// day off for Yukon government employees and schools under collective
// agreements since 1976. It is included with Statutory false;
// Config.StatutoryOnly leaves it out.
func jurisdictionRules(code string) (jurisdiction, bool) {
	newYear := rule{name: "New Year's Day", statutory: true, date: fixed(time.January, 1)}
	goodFriday := rule{name: "Good Friday", statutory: true, date: func(y int) Date { return easter(y).AddDays(-2) }}
	victoria := rule{name: "Victoria Day", statutory: true, date: mondayBefore(time.May, 25)}
	canada := rule{name: "Canada Day", statutory: true, date: fixed(time.July, 1)}
	labour := rule{name: "Labour Day", statutory: true, date: nthWeekday(time.September, time.Monday, 1)}
	truth := rule{name: "National Day for Truth and Reconciliation", statutory: true, from: 2023, date: fixed(time.September, 30)}
	thanksgiving := rule{name: "Thanksgiving Day", statutory: true, date: nthWeekday(time.October, time.Monday, 2)}
	remembrance := rule{name: "Remembrance Day", statutory: true, date: fixed(time.November, 11)}
	christmas := rule{name: "Christmas Day", statutory: true, date: fixed(time.December, 25)}

	switch code {
	case BritishColumbia:
		return jurisdiction{
			code:       code,
			zone:       "America/Vancouver",
			observance: ObserveNextWorkingDay,
			rules: []rule{
				newYear,
				{name: "Family Day", statutory: true, from: 2013, date: bcFamilyDay},
				goodFriday,
				victoria,
				canada,
				{name: "British Columbia Day", statutory: true, date: nthWeekday(time.August, time.Monday, 1)},
				labour,
				truth,
				thanksgiving,
				remembrance,
				christmas,
			},
		}, true
	case Yukon:
		return jurisdiction{
			code:       code,
			zone:       "America/Whitehorse",
			observance: ObserveNextWorkingDay,
			rules: []rule{
				newYear,
				{name: "Heritage Day", statutory: false, date: heritageDay},
				goodFriday,
				victoria,
				{name: "National Indigenous Peoples Day", statutory: true, from: 2017, date: fixed(time.June, 21)},
				canada,
				{name: "Discovery Day", statutory: true, date: nthWeekday(time.August, time.Monday, 3)},
				labour,
				truth,
				thanksgiving,
				remembrance,
				christmas,
			},
		}, true
	}
	return jurisdiction{}, false
}

// holidays returns j's holidays whose nominal date is in year, sorted by the
// day off, with weekend holidays moved as obs says.
func (j jurisdiction) holidays(year int, obs Observance, statutoryOnly bool) []Holiday {
	if year < minYear || year > maxYear {
		return nil
	}
	hs := make([]Holiday, 0, len(j.rules))
	for _, r := range j.rules {
		if year < r.from {
			continue
		}
		d := r.date(year)
		hs = append(hs, Holiday{Date: d, Nominal: d, Name: r.name, Statutory: r.statutory})
	}
	sort.SliceStable(hs, func(a, b int) bool { return hs[a].Nominal.Before(hs[b].Nominal) })
	if statutoryOnly {
		hs = slices.DeleteFunc(hs, func(h Holiday) bool { return !h.Statutory })
	}
	if obs == ObserveNextWorkingDay {
		observeNextWorkingDay(hs)
	}
	sort.SliceStable(hs, func(a, b int) bool { return hs[a].Date.Before(hs[b].Date) })
	return hs
}

// observeNextWorkingDay moves each weekend holiday in hs (sorted by nominal
// date) to the next weekday that is neither another holiday's nominal day nor
// a day already given to an earlier moved holiday, so that two holidays never
// share one day off (Christmas on a Saturday and a Monday holiday, say).
func observeNextWorkingDay(hs []Holiday) {
	taken := make(map[int]bool, len(hs))
	for _, h := range hs {
		taken[h.Nominal.day()] = true
	}
	for i := range hs {
		n := hs[i].Nominal.day()
		if !isWeekend(n) {
			continue
		}
		for n++; isWeekend(n) || taken[n]; n++ {
		}
		taken[n] = true
		hs[i].Date = dateOfDay(n)
	}
}

func fixed(m time.Month, day int) func(int) Date {
	return func(y int) Date { return Date{y, m, day} }
}

// nthWeekday returns the rule "the n-th wd of m" (n from 1).
func nthWeekday(m time.Month, wd time.Weekday, n int) func(int) Date {
	return func(y int) Date {
		first := Date{y, m, 1}
		shift := (int(wd) - int(first.Weekday()) + 7) % 7
		return first.AddDays(shift + 7*(n-1))
	}
}

// mondayBefore returns the rule "the Monday preceding m day" (Victoria Day is
// the Monday preceding 25 May: 18 to 24 May).
func mondayBefore(m time.Month, day int) func(int) Date {
	return func(y int) Date {
		d := Date{y, m, day}.AddDays(-1)
		back := (int(d.Weekday()) - int(time.Monday) + 7) % 7
		return d.AddDays(-back)
	}
}

// bcFamilyDay is the second Monday of February from 2013 to 2018 and the
// third from 2019.
func bcFamilyDay(y int) Date {
	if y < 2019 {
		return nthWeekday(time.February, time.Monday, 2)(y)
	}
	return nthWeekday(time.February, time.Monday, 3)(y)
}

// heritageDay is the Friday before the last Sunday of February. It is the
// last Friday of February except when February ends on a Friday or Saturday
// (2025: 21 February, not 28).
func heritageDay(y int) Date {
	last := Date{y, time.March, 1}.AddDays(-1)
	sunday := last.AddDays(-int(last.Weekday()))
	return sunday.AddDays(-2)
}

// easter returns Easter Sunday in the Gregorian calendar, by the
// arithmetic computus of the anonymous Gregorian algorithm (Meeus, Astronomical
// Algorithms, ch. 8); valid for every year from 1583 and, proleptically,
// for earlier years.
func easter(y int) Date {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return Date{y, time.Month(month), day}
}
