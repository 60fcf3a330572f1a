package workday

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"cairn/internal/apperror"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load zone %s: %v", name, err)
	}
	return loc
}

func winterClosure(year int) Closure {
	return Closure{From: day(year, 12, 24), To: day(year+1, 1, 2), Reason: "Winter closure"}
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		field string
	}{
		{"unknown jurisdiction", Config{Jurisdiction: "CA-ON"}, "jurisdiction"},
		{"institution name is not a jurisdiction", Config{Jurisdiction: "KPU"}, "jurisdiction"},
		{"unknown zone", Config{Jurisdiction: Yukon, Zone: "Mars/Olympus"}, "zone"},
		{"local zone", Config{Jurisdiction: Yukon, Zone: "Local"}, "zone"},
		{"unknown observance", Config{Jurisdiction: Yukon, Observance: "friday-before"}, "observance"},
		{"closure ends before it starts", Config{Jurisdiction: Yukon, Closures: []Closure{{From: day(2025, 12, 31), To: day(2025, 12, 24), Reason: "x"}}}, "closures[0].to"},
		{"closure without reason", Config{Jurisdiction: Yukon, Closures: []Closure{{From: day(2025, 12, 24), To: day(2025, 12, 24)}}}, "closures[0].reason"},
		{"closure on an impossible date", Config{Jurisdiction: Yukon, Closures: []Closure{{From: day(2025, 2, 30), To: day(2025, 3, 2), Reason: "x"}}}, "closures[0].from"},
		{"closure too long", Config{Jurisdiction: Yukon, Closures: []Closure{{From: day(2025, 1, 1), To: day(2026, 1, 2), Reason: "x"}}}, "closures[0].to"},
		{"too many closures", Config{Jurisdiction: Yukon, Closures: make([]Closure, MaxClosures+1)}, "closures"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if apperror.CodeOf(err) != apperror.Invalid {
				t.Fatalf("got error %v (code %q), want an invalid error", err, apperror.CodeOf(err))
			}
			var ae *apperror.Error
			if !errors.As(err, &ae) || ae.Field != tt.field {
				t.Errorf("got error %v, want one about field %q", err, tt.field)
			}
		})
	}
}

func TestNewDefaultsZone(t *testing.T) {
	tests := []struct{ code, zone string }{
		{BritishColumbia, "America/Vancouver"},
		{Yukon, "America/Whitehorse"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			cal := mustCalendar(t, Config{Jurisdiction: tt.code})
			if got := cal.Location().String(); got != tt.zone {
				t.Errorf("got zone %s, want %s", got, tt.zone)
			}
			if got := cal.Observance(); got != ObserveNextWorkingDay {
				t.Errorf("got observance %q, want %q", got, ObserveNextWorkingDay)
			}
		})
	}
}

func TestAddWorkingDays(t *testing.T) {
	bc := mustCalendar(t, Config{Jurisdiction: BritishColumbia})
	bcClosed := mustCalendar(t, Config{Jurisdiction: BritishColumbia, Closures: []Closure{winterClosure(2025)}})
	yt := mustCalendar(t, Config{Jurisdiction: Yukon})
	van := mustZone(t, "America/Vancouver")
	whi := mustZone(t, "America/Whitehorse")
	at := func(loc *time.Location, y int, m time.Month, d, h, min int) time.Time {
		return time.Date(y, m, d, h, min, 0, 0, loc)
	}
	tests := []struct {
		name string
		cal  *Calendar
		from time.Time
		n    int
		want time.Time // as an instant; compared with Equal
	}{
		{"one day from a monday", bc, at(van, 2025, 3, 3, 10, 0), 1, at(van, 2025, 3, 4, 23, 59).Add(59*time.Second + 999999999)},
		{"friday to monday skips the weekend", bc, at(van, 2025, 3, 14, 16, 0), 1, endOf(van, 2025, 3, 17)},
		{"from a saturday the first day is monday", bc, at(van, 2025, 3, 15, 9, 0), 1, endOf(van, 2025, 3, 17)},
		{"zero days is the end of the same day", bc, at(van, 2025, 3, 15, 9, 0), 0, endOf(van, 2025, 3, 15)},
		{"five days is a calendar week", bc, at(van, 2025, 3, 3, 10, 0), 5, endOf(van, 2025, 3, 10)},
		// Good Friday 18 April 2025 is off; Easter Monday is worked in B.C.
		{"ten days across easter", bc, at(van, 2025, 4, 10, 9, 0), 10, endOf(van, 2025, 4, 25)},
		// Christmas and New Year's Day off; Boxing Day worked.
		{"ten days across christmas", bc, at(van, 2025, 12, 19, 9, 0), 10, endOf(van, 2026, 1, 6)},
		{"ten days across christmas with the winter closure", bcClosed, at(van, 2025, 12, 19, 9, 0), 10, endOf(van, 2026, 1, 14)},
		// Yukon 2027: Christmas on Saturday is off on Monday 27th; New
		// Year's Day 2028 on Saturday is off on Monday 3 January.
		{"yukon across moved christmas", yt, at(whi, 2027, 12, 24, 9, 0), 3, endOf(whi, 2027, 12, 30)},
		{"yukon across moved new year", yt, at(whi, 2027, 12, 24, 9, 0), 5, endOf(whi, 2028, 1, 4)},
		{"yukon heritage day", yt, at(whi, 2025, 2, 20, 9, 0), 1, endOf(whi, 2025, 2, 24)},
		{"bc has no heritage day", bc, at(van, 2025, 2, 20, 9, 0), 1, endOf(van, 2025, 2, 21)},
		// DST in Vancouver: 9 March 2025 (spring forward), 2 November 2025
		// (fall back). The due instant is end of the local day, whatever the
		// offset.
		{"across spring forward", bc, at(van, 2025, 3, 7, 9, 0), 1, time.Date(2025, 3, 11, 6, 59, 59, 999999999, time.UTC)},
		{"across fall back", bc, at(van, 2025, 10, 31, 9, 0), 1, time.Date(2025, 11, 4, 7, 59, 59, 999999999, time.UTC)},
		{"utc instant on the previous local day", bc, time.Date(2025, 3, 10, 6, 30, 0, 0, time.UTC), 1, endOf(van, 2025, 3, 10)},
		{"utc instant just after local midnight", bc, time.Date(2025, 3, 10, 7, 30, 0, 0, time.UTC), 1, endOf(van, 2025, 3, 11)},
		// Whitehorse keeps UTC-7 all year since 2020.
		{"whitehorse has no dst in march", yt, at(whi, 2025, 3, 7, 9, 0), 1, time.Date(2025, 3, 11, 6, 59, 59, 999999999, time.UTC)},
		{"whitehorse has no dst in november", yt, at(whi, 2025, 10, 31, 9, 0), 1, time.Date(2025, 11, 4, 6, 59, 59, 999999999, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.cal.AddWorkingDays(tt.from, tt.n)
			if err != nil {
				t.Fatalf("AddWorkingDays: %v", err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("got %s, want %s", got, tt.want.In(tt.cal.Location()))
			}
			if got.Location() != tt.cal.Location() {
				t.Errorf("got location %s, want %s", got.Location(), tt.cal.Location())
			}
			if back := tt.cal.WorkingDaysBetween(tt.from, got); back != tt.n {
				t.Errorf("WorkingDaysBetween(from, due) = %d, want %d", back, tt.n)
			}
			if tt.n > 0 && !tt.cal.IsWorkingDay(got) {
				t.Errorf("due day %s is not a working day", got)
			}
		})
	}
}

func endOf(loc *time.Location, y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 23, 59, 59, 999999999, loc)
}

func TestAddWorkingDaysRejectsOutOfRange(t *testing.T) {
	cal := mustCalendar(t, Config{Jurisdiction: BritishColumbia})
	now := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		from time.Time
		n    int
	}{
		{"negative", now, -1},
		{"too many", now, MaxWorkingDays + 1},
		{"far future", time.Date(20000, 1, 1, 0, 0, 0, 0, time.UTC), 1},
		{"runs past year 9999", time.Date(9999, 12, 20, 0, 0, 0, 0, time.UTC), 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := cal.AddWorkingDays(tt.from, tt.n); apperror.CodeOf(err) != apperror.Invalid {
				t.Errorf("got %v, want an invalid error", err)
			}
		})
	}
	if _, err := cal.AddWorkingDays(now, MaxWorkingDays); err != nil {
		t.Errorf("AddWorkingDays(MaxWorkingDays): %v", err)
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	bc := mustCalendar(t, Config{Jurisdiction: BritishColumbia})
	bcClosed := mustCalendar(t, Config{Jurisdiction: BritishColumbia, Closures: []Closure{winterClosure(2025)}})
	van := mustZone(t, "America/Vancouver")
	noon := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, van) }
	tests := []struct {
		name string
		cal  *Calendar
		a, b time.Time
		want int
	}{
		{"same day", bc, noon(2025, 3, 3), noon(2025, 3, 3).Add(time.Hour), 0},
		{"one week", bc, noon(2025, 3, 3), noon(2025, 3, 10), 5},
		{"backwards is negative", bc, noon(2025, 3, 10), noon(2025, 3, 3), -5},
		{"weekend only", bc, noon(2025, 3, 7), noon(2025, 3, 9), 0},
		{"across dst", bc, noon(2025, 3, 7), noon(2025, 3, 14), 5},
		// 2025 has 261 weekdays and 11 B.C. holidays, all on weekdays.
		{"whole of 2025", bc, noon(2024, 12, 31), noon(2025, 12, 31), 250},
		// The closure covers 24 December to 2 January; in 2025 it closes
		// the weekdays 24, 26, 29, 30 and 31 December (25 December is a
		// holiday already).
		{"whole of 2025 with the winter closure", bcClosed, noon(2024, 12, 31), noon(2025, 12, 31), 245},
		// 2 to 31 December: 22 weekdays, less Christmas, less 5 closed = 16;
		// January 2026: 22 weekdays, less New Year's Day, less 2 January = 20.
		{"december and january with the winter closure", bcClosed, noon(2025, 12, 1), noon(2026, 1, 31), 36},
		{"december and january without it", bc, noon(2025, 12, 1), noon(2026, 1, 31), 42},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cal.WorkingDaysBetween(tt.a, tt.b); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

// TestWorkingDaysBetweenMatchesDayByDay checks the arithmetic count against
// a plain walk over every day, for spans across the years with holidays,
// observed days and a closure.
func TestWorkingDaysBetweenMatchesDayByDay(t *testing.T) {
	for _, code := range Jurisdictions() {
		cal := mustCalendar(t, Config{Jurisdiction: code, Closures: []Closure{winterClosure(2027), {From: day(2028, 7, 1), To: day(2028, 7, 10), Reason: "Summer"}}})
		loc := cal.Location()
		start := day(2024, 12, 20)
		// upTo[i] counts the working days among start+1 .. start+i, one
		// IsWorkingDay call per day.
		const total = 150 + 6*366
		upTo := make([]int, total+1)
		for i := 1; i <= total; i++ {
			upTo[i] = upTo[i-1]
			if cal.IsWorkingDay(start.AddDays(i).In(loc).Add(12 * time.Hour)) {
				upTo[i]++
			}
		}
		for span := 0; span < 6*366; span += 7 {
			for _, off := range []int{0, 3, 150} {
				a := start.AddDays(off)
				b := a.AddDays(span)
				walk := upTo[off+span] - upTo[off]
				if got := cal.WorkingDaysBetween(a.In(loc), b.In(loc)); got != walk {
					t.Fatalf("%s: WorkingDaysBetween(%s, %s) = %d, want %d", code, a, b, got, walk)
				}
			}
		}
	}
}

func TestWorkingDaysBetweenClampsHostileInstants(t *testing.T) {
	cal := mustCalendar(t, Config{Jurisdiction: Yukon})
	a := time.Date(-200000000, 1, 1, 0, 0, 0, 0, time.UTC)
	b := time.Date(200000000, 1, 1, 0, 0, 0, 0, time.UTC)
	got := cal.WorkingDaysBetween(a, b)
	// Years 1 to 9999 have about 2.4 million working days.
	if got < 2_300_000 || got > 2_700_000 {
		t.Errorf("got %d working days over the clamped span, want about 2.4 million", got)
	}
	if back := cal.WorkingDaysBetween(b, a); back != -got {
		t.Errorf("got %d backwards, want %d", back, -got)
	}
}

func TestWorkingDaysLeft(t *testing.T) {
	cal := mustCalendar(t, Config{Jurisdiction: BritishColumbia})
	van := cal.Location()
	due := endOf(van, 2025, 3, 14) // Friday
	tests := []struct {
		name string
		now  time.Time
		want int
	}{
		{"a week before", time.Date(2025, 3, 7, 9, 0, 0, 0, van), 5},
		{"the day before", time.Date(2025, 3, 13, 9, 0, 0, 0, van), 1},
		{"on the day", time.Date(2025, 3, 14, 23, 0, 0, 0, van), 0},
		{"the weekend after", time.Date(2025, 3, 15, 9, 0, 0, 0, van), 0},
		{"the monday after", time.Date(2025, 3, 17, 9, 0, 0, 0, van), -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cal.WorkingDaysLeft(tt.now, due); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestStatutoryOnlyLeavesOutHeritageDay(t *testing.T) {
	heritage := day(2025, 2, 21)
	all := mustCalendar(t, Config{Jurisdiction: Yukon})
	stat := mustCalendar(t, Config{Jurisdiction: Yukon, StatutoryOnly: true})
	if _, off := all.DayOff(heritage); !off {
		t.Error("default Yukon calendar: got Heritage Day as a working day")
	}
	if reason, off := stat.DayOff(heritage); off {
		t.Errorf("statutory-only calendar: got day off %q, want a working day", reason)
	}
	if got, want := len(stat.Holidays(2025)), len(all.Holidays(2025))-1; got != want {
		t.Errorf("got %d statutory holidays, want %d", got, want)
	}
}

func TestClosures(t *testing.T) {
	cal := mustCalendar(t, Config{Jurisdiction: BritishColumbia})
	closed, err := cal.WithClosures(winterClosure(2025))
	if err != nil {
		t.Fatalf("WithClosures: %v", err)
	}
	d := day(2025, 12, 29)
	if reason, off := cal.DayOff(d); off {
		t.Errorf("original calendar: got day off %q, want a working day (WithClosures must not change it)", reason)
	}
	if reason, off := closed.DayOff(d); !off || reason != "Winter closure" {
		t.Errorf("got %q, %v; want \"Winter closure\", true", reason, off)
	}
	if reason, _ := closed.DayOff(day(2025, 12, 25)); reason != "Christmas Day" {
		t.Errorf("holiday inside a closure: got %q, want the holiday's name", reason)
	}
	if got := closed.Closures(); len(got) != 1 || got[0] != winterClosure(2025) {
		t.Errorf("Closures() = %v", got)
	}
	if _, err := closed.WithClosures(Closure{From: d, To: d}); apperror.CodeOf(err) != apperror.Invalid {
		t.Errorf("closure without reason: got %v, want invalid", err)
	}
}

func TestClosureJSON(t *testing.T) {
	in := `{"from":"2025-12-24","to":"2026-01-02","reason":"Winter closure"}`
	var c Closure
	if err := json.Unmarshal([]byte(in), &c); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	if c != winterClosure(2025) {
		t.Errorf("got %+v, want %+v", c, winterClosure(2025))
	}
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	if string(out) != in {
		t.Errorf("got %s, want %s", out, in)
	}
	if err := json.Unmarshal([]byte(`{"from":"24/12/2025"}`), &c); err == nil {
		t.Error("got no error for a malformed date")
	}
}

func TestDate(t *testing.T) {
	if got := day(2024, 2, 28).AddDays(1); got != day(2024, 2, 29) {
		t.Errorf("leap day: got %s", got)
	}
	if got := day(2025, 12, 31).AddDays(1); got != day(2026, 1, 1) {
		t.Errorf("year end: got %s", got)
	}
	if day(2025, 2, 29).Valid() {
		t.Error("2025-02-29 reported valid")
	}
	if !day(2024, 2, 29).Valid() {
		t.Error("2024-02-29 reported invalid")
	}
	if (Date{}).Valid() {
		t.Error("zero date reported valid")
	}
	if got := day(2025, 3, 9).Weekday(); got != time.Sunday {
		t.Errorf("2025-03-09: got %s, want Sunday", got)
	}
	for n := -800; n < 800; n++ {
		if got, want := weekdayOfDay(n), dateOfDay(n).Weekday(); got != want {
			t.Fatalf("weekdayOfDay(%d) = %s, want %s", n, got, want)
		}
	}
}

func TestDayBounds(t *testing.T) {
	if got := (Date{minYear, time.January, 1}).day(); got != firstDay {
		t.Errorf("firstDay: got %d, want %d", got, firstDay)
	}
	if got := (Date{maxYear, time.December, 31}).day(); got != lastDay {
		t.Errorf("lastDay: got %d, want %d", got, lastDay)
	}
}
