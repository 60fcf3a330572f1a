package approval

import (
	"errors"
	"fmt"
	"time"

	"cairn/internal/policy"
	"cairn/internal/workday"
)

// tick sends the reminders and escalations that are due. It changes the
// case only to record that it sent them, so each is sent once.
func (x *run) tick() error {
	x.by = 0 // the system acts, whoever asked
	for i := range x.c.Deadlines {
		d := &x.c.Deadlines[i]
		if !d.Open() || d.Clock.Paused() {
			continue
		}
		due, err := d.Clock.Due(x.e.cal)
		if errors.Is(err, workday.ErrPaused) {
			continue
		}
		if err != nil {
			return fmt.Errorf("deadline %d: %w", d.No, err)
		}
		owners, escalate, what := x.deadlineParties(d)
		dueDay := x.e.cal.DateOf(due).String()
		if x.now.After(due) {
			if !d.EscalatedAt.IsZero() {
				continue
			}
			d.EscalatedAt = x.now
			notices := x.keyed(d, "escalated", x.notify(escalate, "deadline_escalated", "Overdue: "+x.title(),
				fmt.Sprintf("%s was due %s and is overdue (%s owes it).", what, dueDay, x.joinIDs(owners))))
			notices = append(notices, x.keyed(d, "overdue", x.notify(owners, "deadline_overdue", "Overdue: "+x.title(),
				fmt.Sprintf("%s was due %s. The chair has been told.", what, dueDay)))...)
			x.emit("case.deadline_escalated", map[string]any{"deadline": d.No, "kind": string(d.Kind), "due": dueDay,
				"owners": owners, "escalated_to": escalate}, notices...)
			continue
		}
		if !d.RemindedAt.IsZero() {
			continue
		}
		remind, err := d.Clock.Remind(x.e.cal, x.now, ReminderLead)
		if err != nil {
			return fmt.Errorf("deadline %d: %w", d.No, err)
		}
		if !remind {
			continue
		}
		d.RemindedAt = x.now
		x.emit("case.deadline_reminder", map[string]any{"deadline": d.No, "kind": string(d.Kind), "due": dueDay, "owners": owners},
			x.keyed(d, "reminder", x.notify(owners, "deadline_reminder", "Reminder: "+x.title(),
				fmt.Sprintf("%s is due %s.", what, dueDay)))...)
	}
	return nil
}

// keyed gives notices about a deadline a key, so each is sent once.
func (x *run) keyed(d *Deadline, what string, ns []Notice) []Notice {
	for i := range ns {
		ns[i].Key = fmt.Sprintf("case/%d/deadline/%d/%s/%d", x.c.ID, d.No, what, ns[i].To)
	}
	return ns
}

// deadlineParties returns who owes a deadline, whom its lapse is escalated
// to (the chair of the committee of the step it belongs to, or, for a step
// without a committee, its actors) and what it is, for messages.
func (x *run) deadlineParties(d *Deadline) (owners, escalate []int64, what string) {
	var s *policy.Step
	if d.Visit >= 1 && d.Visit <= len(x.c.Visits) {
		s, _ = x.track.Step(x.c.Visits[d.Visit-1].Step)
	}
	if s == nil {
		return nil, nil, "a deadline"
	}
	chair := x.holdersOf("chair:" + s.Committee)
	switch d.Kind {
	case DeadlineReview:
		owners, what = []int64{d.Owner}, fmt.Sprintf("%s's review of %s", x.name(d.Owner), x.title())
		escalate = chair
	case DeadlineConsultation:
		owners, what = []int64{d.Owner}, fmt.Sprintf("%s's response to the duplication consultation on %s", x.name(d.Owner), x.title())
		escalate = chair
	default:
		owners, what = x.actors(s), fmt.Sprintf("Step %q of %s", label(s), x.title())
		escalate = chair
		if len(escalate) == 0 {
			escalate = owners
		}
	}
	return owners, escalate, what
}

// NextDeadline returns when the earliest open, running deadline of the
// case falls due, and false when none runs; a scheduler uses it to know
// when to Tick the case next.
func (e *Engine) NextDeadline(c *Case) (time.Time, bool) {
	var next time.Time
	for _, d := range c.Deadlines {
		if !d.Open() || d.Clock.Paused() {
			continue
		}
		due, err := d.Clock.Due(e.cal)
		if err != nil {
			continue
		}
		if next.IsZero() || due.Before(next) {
			next = due
		}
	}
	return next, !next.IsZero()
}
