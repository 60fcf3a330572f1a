package workday

import (
	"errors"
	"testing"
	"time"

	"cairn/internal/apperror"
)

// March 2025 in Vancouver has no holidays; DST begins on Sunday 9 March.
// A deadline of 10 working days from Monday 3 March is due Monday 17 March.
func marchDeadline(t *testing.T) (*Calendar, Deadline, func(d, h, m int) time.Time) {
	t.Helper()
	cal := mustCalendar(t, Config{Jurisdiction: BritishColumbia})
	at := func(d, h, m int) time.Time { return time.Date(2025, time.March, d, h, m, 0, 0, cal.Location()) }
	return cal, Deadline{Start: at(3, 10, 0), Days: 10}, at
}

func TestDeadlineDue(t *testing.T) {
	cal, base, at := marchDeadline(t)
	type span struct{ from, to time.Time } // zero to: still paused
	tests := []struct {
		name   string
		pauses []span
		want   time.Time // zero: paused, no due date
	}{
		{"no pause", nil, endOf(cal.Location(), 2025, 3, 17)},
		// Wednesday, Thursday and Friday are touched: three days back.
		{"pause wednesday to friday", []span{{at(5, 14, 0), at(7, 9, 0)}}, endOf(cal.Location(), 2025, 3, 20)},
		{"pause and resume within an hour gives the day back", []span{{at(5, 10, 0), at(5, 11, 0)}}, endOf(cal.Location(), 2025, 3, 18)},
		// Friday to Monday morning: Friday and Monday are touched.
		{"pause over a weekend", []span{{at(7, 18, 0), at(10, 8, 0)}}, endOf(cal.Location(), 2025, 3, 19)},
		// A pause ending exactly at local midnight does not touch Monday.
		{"resume at midnight leaves that day counted", []span{{at(7, 18, 0), at(10, 0, 0)}}, endOf(cal.Location(), 2025, 3, 18)},
		{"zero-length pause changes nothing", []span{{at(5, 10, 0), at(5, 10, 0)}}, endOf(cal.Location(), 2025, 3, 17)},
		{"two pauses on one day count once", []span{{at(5, 9, 0), at(5, 10, 0)}, {at(5, 15, 0), at(5, 16, 0)}}, endOf(cal.Location(), 2025, 3, 18)},
		{"paused before the last day has no due date", []span{{at(14, 9, 0), time.Time{}}}, time.Time{}},
		{"paused on the last day has no due date", []span{{at(17, 9, 0), time.Time{}}}, time.Time{}},
		// The last day is given back: the 10th day is the day after resume.
		{"paused on the last day and resumed", []span{{at(17, 9, 0), at(19, 13, 0)}}, endOf(cal.Location(), 2025, 3, 20)},
		{"pause after the deadline passed keeps it", []span{{at(18, 9, 0), time.Time{}}}, endOf(cal.Location(), 2025, 3, 17)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := base
			for _, p := range tt.pauses {
				d = d.mustPause(t, p.from)
				if !p.to.IsZero() {
					d = d.mustResume(t, p.to)
				}
			}
			got, err := d.Due(cal)
			if tt.want.IsZero() {
				if !errors.Is(err, ErrPaused) {
					t.Fatalf("got %s, %v; want ErrPaused", got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Due: %v", err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func (d Deadline) mustPause(t *testing.T, at time.Time) Deadline {
	t.Helper()
	n, err := d.Pause(at)
	if err != nil {
		t.Fatalf("Pause(%s): %v", at, err)
	}
	return n
}

func (d Deadline) mustResume(t *testing.T, at time.Time) Deadline {
	t.Helper()
	n, err := d.Resume(at)
	if err != nil {
		t.Fatalf("Resume(%s): %v", at, err)
	}
	return n
}

func TestDeadlineAcrossHolidaysAndClosures(t *testing.T) {
	cal := mustCalendar(t, Config{Jurisdiction: BritishColumbia, Closures: []Closure{winterClosure(2025)}})
	loc := cal.Location()
	d := Deadline{Start: time.Date(2025, 12, 19, 9, 0, 0, 0, loc), Days: 10}
	got, err := d.Due(cal)
	if err != nil {
		t.Fatalf("Due: %v", err)
	}
	if want := endOf(loc, 2026, 1, 14); !got.Equal(want) {
		t.Errorf("got %s, want %s", got, want)
	}
	// The deadline's Due agrees with the calendar's AddWorkingDays.
	if add, _ := cal.AddWorkingDays(d.Start, d.Days); !add.Equal(got) {
		t.Errorf("AddWorkingDays = %s, Due = %s", add, got)
	}
}

func TestDeadlineOverdueLeftRemind(t *testing.T) {
	cal, base, at := marchDeadline(t)
	paused := base.mustPause(t, at(17, 9, 0))
	late := base.mustPause(t, at(18, 9, 0))
	tests := []struct {
		name    string
		d       Deadline
		now     time.Time
		overdue bool
		left    int
		remind2 bool // Remind(now, 2)
	}{
		{"on the start day", base, at(3, 12, 0), false, 10, false},
		{"three working days left", base, at(12, 9, 0), false, 3, false},
		{"two working days left", base, at(13, 9, 0), false, 2, true},
		{"on the due day", base, at(17, 23, 0), false, 0, true},
		{"the weekend before is not counted", base, at(15, 9, 0), false, 1, true},
		{"a moment after", base, at(18, 0, 0), true, -1, false},
		{"paused on the last day is not overdue", paused, at(20, 9, 0), false, 1, false},
		{"paused before the pause began", paused, at(14, 9, 0), false, 1, true},
		// 18 March is touched by the pause, so it does not count: 0 left, yet
		// overdue since the end of the 17th.
		{"paused after the deadline passed", late, at(19, 9, 0), true, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			overdue, err := tt.d.Overdue(cal, tt.now)
			if err != nil || overdue != tt.overdue {
				t.Errorf("Overdue = %v, %v; want %v", overdue, err, tt.overdue)
			}
			left, err := tt.d.Left(cal, tt.now)
			if err != nil || left != tt.left {
				t.Errorf("Left = %d, %v; want %d", left, err, tt.left)
			}
			remind, err := tt.d.Remind(cal, tt.now, 2)
			if err != nil || remind != tt.remind2 {
				t.Errorf("Remind(2) = %v, %v; want %v", remind, err, tt.remind2)
			}
		})
	}
}

func TestDeadlineLeftMatchesDue(t *testing.T) {
	// On every day from start to a week past due, with a pause in the
	// middle, Left reaches 0 exactly on the due day.
	cal, base, at := marchDeadline(t)
	d := base.mustPause(t, at(5, 14, 0)).mustResume(t, at(7, 9, 0))
	due, err := d.Due(cal)
	if err != nil {
		t.Fatalf("Due: %v", err)
	}
	for day := 3; day <= 28; day++ {
		now := at(day, 12, 0)
		left, err := d.Left(cal, now)
		if err != nil {
			t.Fatalf("Left: %v", err)
		}
		onDue := cal.DateOf(now) == cal.DateOf(due)
		if onDue && left != 0 {
			t.Errorf("on the due day %s: got Left %d, want 0", cal.DateOf(now), left)
		}
		if now.Before(due) && !onDue && left <= 0 && cal.IsWorkingDay(now) {
			t.Errorf("before due on %s: got Left %d, want > 0", cal.DateOf(now), left)
		}
	}
}

func TestDeadlinePauseResumeErrors(t *testing.T) {
	_, base, at := marchDeadline(t)
	paused := base.mustPause(t, at(5, 10, 0))
	resumed := paused.mustResume(t, at(6, 10, 0))
	tests := []struct {
		name string
		do   func() error
		code apperror.Code
	}{
		{"pause twice", func() error { _, err := paused.Pause(at(5, 11, 0)); return err }, apperror.Conflict},
		{"resume a running deadline", func() error { _, err := base.Resume(at(5, 11, 0)); return err }, apperror.Conflict},
		{"pause before the start", func() error { _, err := base.Pause(at(2, 11, 0)); return err }, apperror.Invalid},
		{"resume before the pause", func() error { _, err := paused.Resume(at(5, 9, 0)); return err }, apperror.Invalid},
		{"pause before the last resume", func() error { _, err := resumed.Pause(at(6, 9, 0)); return err }, apperror.Invalid},
		{"negative days", func() error { _, err := Deadline{Start: at(3, 0, 0), Days: -1}.Due(nil); return err }, apperror.Invalid},
		{"too many days", func() error { _, err := Deadline{Start: at(3, 0, 0), Days: MaxWorkingDays + 1}.Due(nil); return err }, apperror.Invalid},
		{"no start", func() error { _, err := Deadline{Days: 1}.Due(nil); return err }, apperror.Invalid},
		{"open pause not last", func() error {
			_, err := Deadline{Start: at(3, 0, 0), Days: 1, Pauses: []Interval{{From: at(4, 0, 0)}, {From: at(5, 0, 0), To: at(6, 0, 0)}}}.Due(nil)
			return err
		}, apperror.Invalid},
		{"overlapping pauses", func() error {
			_, err := Deadline{Start: at(3, 0, 0), Days: 1, Pauses: []Interval{{From: at(4, 0, 0), To: at(6, 0, 0)}, {From: at(5, 0, 0), To: at(7, 0, 0)}}}.Due(nil)
			return err
		}, apperror.Invalid},
		{"negative reminder lead", func() error { _, err := base.Remind(nil, at(4, 0, 0), -1); return err }, apperror.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.do(); apperror.CodeOf(err) != tt.code {
				t.Errorf("got %v (code %q), want code %q", err, apperror.CodeOf(err), tt.code)
			}
		})
	}
}

func TestDeadlineValuesAreImmutable(t *testing.T) {
	_, base, at := marchDeadline(t)
	first := base.mustPause(t, at(5, 10, 0)).mustResume(t, at(5, 11, 0))
	a := first.mustPause(t, at(6, 10, 0))
	b := first.mustPause(t, at(7, 10, 0))
	if len(base.Pauses) != 0 {
		t.Errorf("base changed: %v", base.Pauses)
	}
	if len(first.Pauses) != 1 || first.Paused() {
		t.Errorf("first changed: %v", first.Pauses)
	}
	if !a.Pauses[1].From.Equal(at(6, 10, 0)) || !b.Pauses[1].From.Equal(at(7, 10, 0)) {
		t.Errorf("sibling values share storage: a %v, b %v", a.Pauses, b.Pauses)
	}
	c := a.mustResume(t, at(6, 12, 0))
	if !a.Paused() || c.Paused() {
		t.Errorf("Resume changed its receiver: a paused %v, c paused %v", a.Paused(), c.Paused())
	}
}

func TestDeadlineBoundedWork(t *testing.T) {
	cal, base, at := marchDeadline(t)
	// A pause lasting millennia is skipped, not walked.
	d := base.mustPause(t, at(4, 9, 0)).mustResume(t, time.Date(9000, 1, 1, 0, 0, 0, 0, time.UTC))
	start := time.Now()
	if _, err := d.Due(cal); err != nil {
		t.Fatalf("Due: %v", err)
	}
	if _, err := d.Left(cal, time.Date(9500, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatalf("Left: %v", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("took %s", el)
	}
	many := Deadline{Start: at(3, 0, 0), Days: 1, Pauses: make([]Interval, MaxPauses+1)}
	if _, err := many.Due(cal); apperror.CodeOf(err) != apperror.Invalid {
		t.Errorf("too many pauses: got %v, want invalid", err)
	}
}
