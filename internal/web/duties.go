package web

import (
	"slices"
	"strings"
	"time"

	"cairn/internal/approval"
	"cairn/internal/policy"
)

// duty is something a person owes a case now: an action they can take at
// its current step, with the deadline that runs for it, if any.
type duty struct {
	Person int64
	// Action is the approval action's name, such as "submit_review".
	Action   string
	Label    string
	Deadline *approval.Deadline
}

// duties says who the case waits on and for what, read from its step in
// the profile and the roster. It mirrors the approval engine's rules so
// the pages can offer each person their actions; the engine still decides
// each action when it is taken.
func duties(p *policy.Profile, r *approval.Roster, c *approval.Case) []duty {
	if c == nil || c.Status.Final() || c.Status == approval.StatusNew {
		return nil
	}
	track, ok := p.Track(c.Track)
	if !ok {
		return nil
	}
	s, ok := track.Step(c.Step)
	if !ok {
		return nil
	}
	stepDeadline := openDeadline(c, approval.DeadlineStep, 0, 0)
	var out []duty
	add := func(people []int64, act, label string, d *approval.Deadline) {
		for _, id := range people {
			if id != 0 {
				out = append(out, duty{Person: id, Action: act, Label: label, Deadline: d})
			}
		}
	}
	chair := func() []int64 {
		if id, ok := r.Chair(s.Committee); ok {
			return []int64{id}
		}
		return nil
	}
	if c.Status == approval.StatusWithProponent && s.Kind != policy.StepReturnForRevision {
		add(c.Proponents, "clarify", "Answer the request for clarification", nil)
		return out
	}
	switch s.Kind {
	case policy.StepCompletenessCheck:
		add(holders(r, capacityOf(s)), "completeness_decision", "Check the outline form is complete", stepDeadline)
	case policy.StepReview:
		active := c.ActiveAssignments(c.Visit)
		if !s.Reviewers.All && len(active) < s.Reviewers.N {
			add(chair(), "assign_reviewers", "Assign reviewers", stepDeadline)
		}
		pending := false
		for _, a := range active {
			if !slices.ContainsFunc(c.Reviews, func(rv approval.Review) bool { return rv.Visit == c.Visit && rv.Reviewer == a.Reviewer }) {
				add([]int64{a.Reviewer}, "submit_review", "Review the proposal", deadlineNo(c, a.Deadline))
				pending = true
			}
		}
		for _, k := range c.Consultations {
			if k.Visit == c.Visit && !k.Answered() {
				add([]int64{k.Consultee}, "respond_to_consultation", "Answer the consultation on duplication", deadlineNo(c, k.Deadline))
			}
		}
		if len(active) > 0 && !pending {
			add(chair(), "close_review", "Close the review and call the vote", stepDeadline)
		}
	case policy.StepVote:
		add(unvoted(c, voters(r, c, s)), "cast_ballot", "Vote on the proposal", stepDeadline)
	case policy.StepMeeting:
		label := "Schedule the meeting"
		if meetingScheduled(c) {
			label = "Record the meeting's minutes"
		}
		add(chair(), "schedule_meeting", label, stepDeadline)
	case policy.StepAppeal:
		for _, ap := range c.Appeals {
			switch {
			case ap.Visit == c.Visit && ap.Status == approval.AppealFiled:
				add(chair(), "allow_appeal", "Decide whether to hear the appeal", stepDeadline)
			case ap.Visit == c.Visit && ap.Status == approval.AppealAllowed:
				add(unvoted(c, voters(r, c, s)), "cast_ballot", "Vote on the appeal", stepDeadline)
			}
		}
	case policy.StepReturnForRevision:
		add(c.Proponents, "resubmit", "Revise and resubmit the proposal", stepDeadline)
	case policy.StepSign:
		add(holders(r, capacityOf(s)), "sign", "Sign the approved version", stepDeadline)
	case policy.StepCommitteeRecommendation:
		add(holders(r, capacityOf(s)), "recommend", "Record the committee's recommendation", stepDeadline)
	case policy.StepBodyDecision:
		add(holders(r, capacityOf(s)), "record_decision", "Record the decision", stepDeadline)
	}
	return out
}

// capacityOf is who acts at a step acted on by one capacity: a role id,
// or "chair:" and the committee.
func capacityOf(s *policy.Step) string {
	switch {
	case s.Kind == policy.StepBodyDecision && s.RecordedBy != "":
		return s.RecordedBy
	case s.Role != "":
		return s.Role
	case s.Committee != "":
		return "chair:" + s.Committee
	}
	return ""
}

func holders(r *approval.Roster, capa string) []int64 {
	if committee, ok := strings.CutPrefix(capa, "chair:"); ok {
		if id, has := r.Chair(committee); has {
			return []int64{id}
		}
		return nil
	}
	return r.Holders(capa)
}

// voters are who vote at a vote or appeal step.
func voters(r *approval.Roster, c *approval.Case, s *policy.Step) []int64 {
	var pool []int64
	if s.Kind == policy.StepVote && s.Voters == policy.ElectReviewers {
		visit := 0
		for _, v := range c.Visits {
			if v.Step == s.ReviewStep {
				visit = v.No
			}
		}
		for _, a := range c.ActiveAssignments(visit) {
			pool = append(pool, a.Reviewer)
		}
	} else {
		pool = r.Members(s.Committee)
	}
	var out []int64
	for _, p := range pool {
		conflicted := slices.ContainsFunc(c.Conflicts, func(x approval.Conflict) bool { return x.Person == p })
		if !c.IsProponent(p) && !conflicted && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

func unvoted(c *approval.Case, people []int64) []int64 {
	var out []int64
	for _, p := range people {
		if !slices.ContainsFunc(c.BallotsOf(c.Visit), func(b approval.Ballot) bool { return b.Voter == p }) {
			out = append(out, p)
		}
	}
	return out
}

func meetingScheduled(c *approval.Case) bool {
	return slices.ContainsFunc(c.Meetings, func(m approval.Meeting) bool { return m.Visit == c.Visit && !m.ScheduledFor.IsZero() })
}

// openDeadline returns the case's open deadline of a kind at the current
// visit, owned by owner (0: the step's).
func openDeadline(c *approval.Case, kind approval.DeadlineKind, owner int64, ref int) *approval.Deadline {
	for i := range c.Deadlines {
		d := &c.Deadlines[i]
		if d.Visit == c.Visit && d.Kind == kind && d.Owner == owner && d.Ref == ref && d.Open() {
			return d
		}
	}
	return nil
}

func deadlineNo(c *approval.Case, no int) *approval.Deadline {
	for i := range c.Deadlines {
		if c.Deadlines[i].No == no && c.Deadlines[i].Open() {
			return &c.Deadlines[i]
		}
	}
	return nil
}

// dueView is a deadline as people read it.
type dueView struct {
	Due      time.Time `json:"due"`
	DaysLeft int       `json:"workingDaysLeft"`
	Overdue  bool      `json:"overdue"`
	Paused   bool      `json:"paused"`
}

// dueOf reads a deadline in the institution's calendar; nil for none.
func dueOf(e *approval.Engine, d *approval.Deadline, now time.Time) *dueView {
	if d == nil || e == nil {
		return nil
	}
	cal := e.Calendar()
	due, err := d.Clock.Due(cal)
	if err != nil {
		return nil
	}
	v := &dueView{Due: due, Paused: d.Clock.Paused()}
	v.DaysLeft, _ = d.Clock.Left(cal, now)
	v.Overdue, _ = d.Clock.Overdue(cal, now)
	return v
}
