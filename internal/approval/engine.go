package approval

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"cairn/internal/apperror"
	"cairn/internal/policy"
	"cairn/internal/workday"
)

// ReminderLead is how many working days before a deadline Tick reminds the
// person who owes it.
const ReminderLead = 2

// Engine runs cases through one institution's policy profile, counting
// deadlines in its working-day calendar. It holds no state of its own and is
// safe for concurrent use.
type Engine struct {
	profile *policy.Profile
	cal     *workday.Calendar
}

// New returns an engine for the profile and calendar. The calendar should
// be the one of the profile's jurisdiction (with the institution's
// closures); a mismatch is Invalid.
func New(p *policy.Profile, cal *workday.Calendar) (*Engine, error) {
	switch {
	case p == nil:
		return nil, apperror.New(apperror.Invalid, "the approval engine needs a policy profile")
	case cal == nil:
		return nil, apperror.New(apperror.Invalid, "the approval engine needs a working-day calendar")
	case p.Institution.Jurisdiction != "" && cal.Jurisdiction() != p.Institution.Jurisdiction:
		return nil, apperror.New(apperror.Invalid, "profile %s counts working days in %s, not %s",
			p.ID, p.Institution.Jurisdiction, cal.Jurisdiction())
	}
	return &Engine{profile: p, cal: cal}, nil
}

// Profile returns the engine's policy profile.
func (e *Engine) Profile() *policy.Profile { return e.profile }

// Calendar returns the engine's working-day calendar.
func (e *Engine) Calendar() *workday.Calendar { return e.cal }

// Apply is the one transition function of a case: person by does action a
// at now, with the institution's committees and roles as r holds them. It
// returns the events to record, in order. An illegal move is an apperror
// (Conflict for the wrong moment, Forbidden for the wrong person, Invalid
// for malformed input) and leaves c unchanged. Submit applies to a zero
// Case; every other action to a submitted one.
func (e *Engine) Apply(c *Case, r *Roster, by int64, a Action, now time.Time) ([]Event, error) {
	if c == nil || a == nil {
		return nil, apperror.New(apperror.Invalid, "apply needs a case and an action")
	}
	if now.IsZero() {
		return nil, apperror.New(apperror.Invalid, "apply needs the time of the action")
	}
	x := &run{e: e, p: e.profile, c: c.Clone(), r: r, by: by, now: now.UTC().Truncate(time.Microsecond), action: a}
	if err := x.dispatch(); err != nil {
		return nil, err
	}
	*c = *x.c
	return x.events, nil
}

// run is one application of an action: the working copy of the case and
// the events produced so far.
type run struct {
	e      *Engine
	p      *policy.Profile
	c      *Case
	r      *Roster
	by     int64
	now    time.Time
	action Action
	track  *policy.Track
	events []Event
}

func (x *run) dispatch() error {
	if _, ok := x.action.(Submit); !ok {
		switch {
		case x.c.Status == StatusNew:
			return apperror.New(apperror.Conflict, "the proposal has not been submitted")
		case x.c.Status.Final():
			return apperror.New(apperror.Conflict, "the case is %s; nothing more can be done on it", x.c.Status)
		}
		t, ok := x.p.Track(x.c.Track)
		if !ok {
			return apperror.New(apperror.Conflict, "the case follows track %q, which profile %s no longer has", x.c.Track, x.p.ID)
		}
		x.track = t
		if err := x.waiting(); err != nil {
			return err
		}
	}
	switch a := x.action.(type) {
	case Submit:
		return x.submit(a)
	case Resubmit:
		return x.resubmit(a)
	case Withdraw:
		return x.withdraw(a)
	case CompletenessDecision:
		return x.completeness(a)
	case RequestClarification:
		return x.requestClarification(a)
	case Clarify:
		return x.clarify(a)
	case AssignReviewers:
		return x.assignReviewers(a)
	case DeclareConflict:
		return x.declareConflict(a)
	case ReplaceReviewer:
		return x.replaceReviewer(a)
	case SubmitReview:
		return x.submitReview(a)
	case ConfirmDuplication:
		return x.confirmDuplication(a)
	case RespondToConsultation:
		return x.respondToConsultation(a)
	case CloseReview:
		return x.closeReview()
	case CastBallot:
		return x.castBallot(a)
	case CloseVote:
		return x.closeVote()
	case ScheduleMeeting:
		return x.scheduleMeeting(a)
	case RecordMinutes:
		return x.recordMinutes(a)
	case FileAppeal:
		return x.fileAppeal(a)
	case AllowAppeal:
		return x.allowAppeal(a)
	case RefuseAppeal:
		return x.refuseAppeal(a)
	case Sign:
		return x.sign(a)
	case DeclineToSign:
		return x.declineToSign(a)
	case Recommend:
		return x.recommend(a)
	case RecordDecision:
		return x.recordDecision(a)
	case Tick:
		return x.tick()
	}
	return apperror.New(apperror.Invalid, "unknown action %T", x.action)
}

// waiting refuses the actions that must wait while the case waits on the
// proponent's answer to a request for clarification.
func (x *run) waiting() error {
	if x.c.Status != StatusWithProponent || x.c.currentKind() == policy.StepReturnForRevision {
		return nil
	}
	switch x.action.(type) {
	case Clarify, Withdraw, Tick, DeclareConflict, RespondToConsultation:
		return nil
	}
	return apperror.New(apperror.Conflict, "the case is waiting on the proponent's answer to a request for clarification")
}

// step returns the current step.
func (x *run) step() *policy.Step {
	s, _ := x.track.Step(x.c.Step)
	return s
}

// at returns the current step, which must be of one of the kinds, for
// doing what the action does; otherwise a Conflict saying where the case is.
func (x *run) at(doing string, kinds ...policy.StepKind) (*policy.Step, error) {
	s := x.step()
	if s == nil {
		return nil, apperror.New(apperror.Conflict, "the case is at no step of track %s", x.track.ID)
	}
	if !slices.Contains(kinds, s.Kind) {
		return nil, apperror.New(apperror.Conflict, "cannot %s now: the proposal is at step %q (%s)", doing, label(s), s.Kind)
	}
	return s, nil
}

func label(s *policy.Step) string {
	if s.Label != "" {
		return s.Label
	}
	return s.ID
}

// notProponent refuses a proponent doing something to their own proposal.
func (x *run) notProponent(doing string) error {
	if x.c.IsProponent(x.by) {
		return apperror.New(apperror.Forbidden, "a proponent cannot %s their own proposal", doing)
	}
	return nil
}

// capacity is the role a step's actor acts in: "chair:" and the committee
// for a committee's chair, otherwise the role id.
func capacity(s *policy.Step) string {
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

// canAct reports whether person acts at a step acted on by one capacity
// (completeness check, sign, recommendation, decision, and the chair's
// part of a review, vote, meeting or appeal).
func (x *run) canAct(s *policy.Step, person int64) bool {
	return x.holdsCapacity(capacity(s), person)
}

func (x *run) holdsCapacity(capa string, person int64) bool {
	if person == 0 {
		return false
	}
	if committee, ok := strings.CutPrefix(capa, "chair:"); ok {
		chair, has := x.r.Chair(committee)
		return has && chair == person
	}
	return capa != "" && x.r.Holds(person, capa)
}

// capacityName names a capacity for people.
func (x *run) capacityName(capa string) string {
	if committee, ok := strings.CutPrefix(capa, "chair:"); ok {
		return "the chair of " + x.committeeName(committee)
	}
	if r, ok := x.p.Role(capa); ok {
		return "the " + r.Name
	}
	return capa
}

func (x *run) committeeName(id string) string {
	if c, ok := x.p.Committee(id); ok {
		return c.Name
	}
	return id
}

// holdersOf returns the people acting in a capacity.
func (x *run) holdersOf(capa string) []int64 {
	if committee, ok := strings.CutPrefix(capa, "chair:"); ok {
		if chair, has := x.r.Chair(committee); has {
			return []int64{chair}
		}
		return nil
	}
	return x.r.Holders(capa)
}

// requireActor refuses anyone but the step's actor, and a proponent.
func (x *run) requireActor(s *policy.Step, doing string) error {
	if err := x.notProponent(doing); err != nil {
		return err
	}
	if !x.canAct(s, x.by) {
		return apperror.New(apperror.Forbidden, "only %s can %s this proposal at step %q", x.capacityName(capacity(s)), doing, label(s))
	}
	return nil
}

// requireChair refuses anyone but the chair of the step's committee, and a
// proponent.
func (x *run) requireChair(s *policy.Step, doing string) error {
	if err := x.notProponent(doing); err != nil {
		return err
	}
	if !x.holdsCapacity("chair:"+s.Committee, x.by) {
		return apperror.New(apperror.Forbidden, "only the chair of %s can %s this proposal", x.committeeName(s.Committee), doing)
	}
	return nil
}

// actors returns who acts next at step s, for notices.
func (x *run) actors(s *policy.Step) []int64 {
	switch s.Kind {
	case policy.StepReturnForRevision:
		return slices.Clone(x.c.Proponents)
	case policy.StepVote:
		return x.voters(s)
	case policy.StepReview, policy.StepMeeting, policy.StepAppeal:
		return x.holdersOf("chair:" + s.Committee)
	}
	return x.holdersOf(capacity(s))
}

// voters returns who votes at a vote step or an appeal: the active
// reviewers of the step's review step, or the committee's members; never a
// proponent or a member who declared a conflict.
func (x *run) voters(s *policy.Step) []int64 {
	var pool []int64
	if s.Kind == policy.StepVote && s.Voters == policy.ElectReviewers {
		for _, a := range x.c.ActiveAssignments(x.c.lastVisit(s.ReviewStep)) {
			pool = append(pool, a.Reviewer)
		}
	} else {
		pool = x.r.Members(s.Committee)
	}
	var out []int64
	for _, p := range pool {
		if !x.c.IsProponent(p) && !x.c.conflicted(p) && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// participants returns who meets at a meeting step.
func (x *run) participants(s *policy.Step) []int64 {
	if s.Participants == policy.ElectReviewers {
		var out []int64
		for _, a := range x.c.ActiveAssignments(x.c.lastVisit(s.ReviewStep)) {
			out = append(out, a.Reviewer)
		}
		return out
	}
	return x.r.Members(s.Committee)
}

// emit records an event.
func (x *run) emit(action string, data map[string]any, notices ...Notice) {
	x.events = append(x.events, Event{
		Action: action, At: x.now, By: x.by, Step: x.c.Step, Visit: x.c.Visit, Data: data, Notices: notices,
	})
}

// notify writes one notice per recipient, each once.
func (x *run) notify(to []int64, kind, subject, body string) []Notice {
	var out []Notice
	seen := map[int64]bool{}
	for _, p := range to {
		if p == 0 || seen[p] {
			continue
		}
		seen[p] = true
		out = append(out, Notice{To: p, Kind: kind, Subject: subject, Body: body})
	}
	return out
}

// title is the proposal's title for notices.
func (x *run) title() string {
	t := x.c.Current().Title
	if t == "" {
		t = "untitled proposal"
	}
	return fmt.Sprintf("%q", t)
}

func (x *run) name(person int64) string {
	if p := x.r.person(person); p.Name != "" {
		return p.Name
	}
	return fmt.Sprintf("person %d", person)
}

// text checks a free-text input.
func text(field, s string, required bool) error {
	switch {
	case required && strings.TrimSpace(s) == "":
		return apperror.Field(field, "is required")
	case len(s) > MaxNoteBytes:
		return apperror.Field(field, "is %d bytes, at most %d", len(s), MaxNoteBytes)
	case !utf8.ValidString(s) || strings.ContainsRune(s, 0):
		return apperror.Field(field, "must be UTF-8 text without NUL")
	}
	return nil
}

// enter moves the case into step id, passing through the steps that act
// on their own (skipped conditions, interim status) until one waits on
// someone or the track ends.
func (x *run) enter(id string) error {
	for hop := 0; ; hop++ {
		if hop >= maxStepsPerHop {
			return apperror.New(apperror.Internal, "track %s passes through more than %d steps at once", x.track.ID, maxStepsPerHop)
		}
		s, ok := x.track.Step(id)
		if !ok {
			return apperror.New(apperror.Internal, "track %s has no step %q", x.track.ID, id)
		}
		x.c.Visits = append(x.c.Visits, Visit{
			No: len(x.c.Visits) + 1, Step: s.ID, Kind: s.Kind, Version: x.c.Current().Number, EnteredAt: x.now,
		})
		x.c.Visit, x.c.Step = len(x.c.Visits), s.ID
		if !x.p.StepApplies(s, x.c.Current().Facts) {
			x.emit("case.step_skipped", map[string]any{"step": s.ID, "clause": s.Clause})
			next, err := x.leave(s, policy.OutcomeSkipped)
			if err != nil {
				return err
			}
			id = next
			continue
		}
		switch s.Kind {
		case policy.StepInterimStatus:
			x.c.Interim, x.c.OfferAs = true, s.OfferAs
			x.emit("case.interim_approved", map[string]any{"offer_as": string(s.OfferAs), "clause": s.Clause},
				x.notify(x.c.Proponents, "interim_approved", "Interim approval: "+x.title(),
					fmt.Sprintf("%s may be offered as %s while the review goes on (%s).", x.title(), s.OfferAs.Label(), s.Clause))...)
			next, err := x.leave(s, policy.OutcomeContinue)
			if err != nil {
				return err
			}
			id = next
			continue
		case policy.StepApproved:
			x.c.Status, x.c.ClosedAt = StatusApproved, x.now
			x.c.Visits[x.c.Visit-1].LeftAt = x.now
			x.emit("case.approved", map[string]any{"version": x.c.Current().Number, "hash": x.c.Current().Hash, "clause": s.Clause},
				x.notify(x.c.Proponents, "approved", "Approved: "+x.title(),
					fmt.Sprintf("%s (version %d) is approved (%s).", x.title(), x.c.Current().Number, s.Clause))...)
			return nil
		case policy.StepTerminal:
			x.c.Status, x.c.Result, x.c.ClosedAt = StatusClosed, s.Result, x.now
			x.c.Visits[x.c.Visit-1].LeftAt = x.now
			x.emit("case.closed", map[string]any{"result": s.Result, "clause": s.Clause},
				x.notify(x.c.Proponents, "closed", "Closed: "+x.title(), fmt.Sprintf("%s ended: %s.", x.title(), s.Result))...)
			return nil
		case policy.StepReturnForRevision:
			x.c.Status, x.c.Interim, x.c.OfferAs = StatusWithProponent, false, ""
		default:
			x.c.Status = StatusOpen
		}
		x.emit("case.step_entered", map[string]any{"step": s.ID, "kind": string(s.Kind), "clause": s.Clause},
			x.notify(x.actors(s), "step_"+string(s.Kind), label(s)+": "+x.title(),
				fmt.Sprintf("%s is at step %q (%s) and waits on you.", x.title(), label(s), s.Clause))...)
		if days, ok := s.Deadline(); ok && s.Kind != policy.StepReview {
			x.addDeadline(DeadlineStep, 0, 0, days)
		}
		if s.Kind == policy.StepReview && s.Reviewers.All {
			return x.assignAll(s)
		}
		return nil
	}
}

// leave ends the current visit of s with outcome o, closing its
// deadlines, and returns the next step's id.
func (x *run) leave(s *policy.Step, o policy.Outcome) (string, error) {
	next, ok := s.NextStep(o)
	if !ok {
		return "", apperror.New(apperror.Conflict, "step %q has no next step for %s", label(s), o)
	}
	v := &x.c.Visits[x.c.Visit-1]
	v.LeftAt, v.Outcome = x.now, o
	for i := range x.c.Deadlines {
		if d := &x.c.Deadlines[i]; d.Visit == x.c.Visit && d.Open() {
			d.MetAt = x.now
		}
	}
	return next, nil
}

// advance leaves the current step with outcome o and enters the next.
func (x *run) advance(o policy.Outcome) error {
	next, err := x.leave(x.step(), o)
	if err != nil {
		return err
	}
	return x.enter(next)
}

// addDeadline starts a deadline of days working days now and returns its
// number.
func (x *run) addDeadline(kind DeadlineKind, owner int64, ref, days int) int {
	x.c.Deadlines = append(x.c.Deadlines, Deadline{
		No: len(x.c.Deadlines) + 1, Visit: x.c.Visit, Kind: kind, Owner: owner, Ref: ref,
		Clock: workday.Deadline{Start: x.now, Days: days},
	})
	return len(x.c.Deadlines)
}

// deadline returns the deadline numbered no.
func (x *run) deadline(no int) (*Deadline, bool) {
	if no < 1 || no > len(x.c.Deadlines) {
		return nil, false
	}
	return &x.c.Deadlines[no-1], true
}

// overdue reports whether deadline no has passed; a case without that
// deadline never is.
func (x *run) overdue(no int) (bool, error) {
	d, ok := x.deadline(no)
	if !ok {
		return false, nil
	}
	return d.Clock.Overdue(x.e.cal, x.now)
}

// dueText formats when deadline no falls due, for messages.
func (x *run) dueText(no int) string {
	d, ok := x.deadline(no)
	if !ok {
		return "no deadline"
	}
	due, err := d.Clock.Due(x.e.cal)
	if errors.Is(err, workday.ErrPaused) {
		return "paused"
	}
	if err != nil {
		return "unknown"
	}
	return x.e.cal.DateOf(due).String()
}

// meet closes deadline no, met now.
func (x *run) meet(no int) {
	if d, ok := x.deadline(no); ok && d.Open() {
		d.MetAt = x.now
	}
}

// decide records a decision at the current step.
func (x *run) decide(kind DecisionKind, outcome, note string) {
	x.c.Decisions = append(x.c.Decisions, Decision{
		No: len(x.c.Decisions) + 1, Visit: x.c.Visit, Step: x.c.Step, Kind: kind, Outcome: outcome, By: x.by, Note: note, At: x.now,
	})
}
