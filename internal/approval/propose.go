package approval

import (
	"fmt"
	"slices"
	"strings"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
	"cairn/internal/policy"
)

// submit opens the case on the first version.
func (x *run) submit(a Submit) error {
	if x.c.Status != StatusNew {
		return apperror.New(apperror.Conflict, "the proposal is already submitted; resubmit a new version when it is returned")
	}
	if a.Version.IsZero() {
		return apperror.Field("version", "a submission needs a version of the outline form")
	}
	proponents := slices.Clone(a.Proponents)
	if len(proponents) == 0 {
		proponents = []int64{x.by}
	}
	switch {
	case len(proponents) > MaxProponents:
		return apperror.Field("proponents", "at most %d proponents", MaxProponents)
	case x.by == 0 || !slices.Contains(proponents, x.by):
		return apperror.New(apperror.Forbidden, "only a proponent can submit a proposal")
	case slices.Contains(proponents, 0):
		return apperror.Field("proponents", "names no one")
	}
	slices.Sort(proponents)
	proponents = slices.Compact(proponents)
	ref, track, err := x.version(a.Version, a.UnitCategory)
	if err != nil {
		return err
	}
	x.track = track
	*x.c = Case{
		ID: x.c.ID, InstitutionID: x.c.InstitutionID, OfferingID: a.OfferingID, UnitID: a.UnitID,
		UnitCategory: a.UnitCategory, Proponents: proponents, Track: track.ID, Status: StatusOpen,
		Versions: []VersionRef{ref}, Similar: boundSimilar(a.Similar), OpenedAt: x.now, Revision: x.c.Revision,
	}
	x.emit("case.submitted", map[string]any{
		"version": ref.Number, "hash": ref.Hash, "track": track.ID, "clause": track.Clause, "similar": similarData(x.c.Similar),
	})
	return x.enter(track.Start)
}

// version checks a submitted version against the profile and chooses its
// track.
func (x *run) version(v catalog.Version, unitCategory string) (VersionRef, *policy.Track, error) {
	form := v.Form()
	if errs := policy.ValidateForm(x.p, form); len(errs) > 0 {
		e := *errs[0]
		if len(errs) > 1 {
			e.Message = fmt.Sprintf("%s (and %d more problems)", e.Message, len(errs)-1)
		}
		return VersionRef{}, nil, &e
	}
	facts := policy.FactsOf(form, unitCategory)
	track, err := x.p.TrackFor(facts)
	if err != nil {
		return VersionRef{}, nil, err
	}
	return VersionRef{Number: v.Number(), Hash: v.Hash(), Title: form.Title, SubmittedAt: v.SubmittedAt(), Facts: facts}, track, nil
}

func boundSimilar(s []Similar) []Similar {
	if len(s) > MaxSimilar {
		s = s[:MaxSimilar]
	}
	return slices.Clone(s)
}

func similarData(s []Similar) []map[string]any {
	out := []map[string]any{}
	for _, m := range s {
		out = append(out, map[string]any{"offering": m.OfferingID, "title": m.Title, "score": m.Score})
	}
	return out
}

// resubmit answers a return for revision with a new version.
func (x *run) resubmit(a Resubmit) error {
	s, err := x.at("resubmit", policy.StepReturnForRevision)
	if err != nil {
		return err
	}
	if !x.c.IsProponent(x.by) {
		return apperror.New(apperror.Forbidden, "only a proponent can resubmit the proposal")
	}
	if err := text("note", a.Note, false); err != nil {
		return err
	}
	if a.Version.IsZero() {
		return apperror.Field("version", "a resubmission needs a new version of the outline form")
	}
	if cur := x.c.Current(); a.Version.Number() <= cur.Number {
		return apperror.Field("version", "version %d is not newer than version %d under review", a.Version.Number(), cur.Number)
	}
	ref, track, err := x.version(a.Version, x.c.UnitCategory)
	if err != nil {
		return err
	}
	stale := x.c.ValidSignatures()
	x.c.Versions = append(x.c.Versions, ref)
	if a.Similar != nil {
		x.c.Similar = boundSimilar(a.Similar)
	}
	x.decide(DecisionResubmitted, string(policy.OutcomeResubmitted), a.Note)
	x.emit("case.resubmitted", map[string]any{"version": ref.Number, "hash": ref.Hash, "note": a.Note})
	if len(stale) > 0 {
		var nos []int
		for _, sg := range stale {
			nos = append(nos, sg.No)
		}
		x.emit("case.signatures_invalidated", map[string]any{"signatures": nos, "version": ref.Number,
			"reason": "a new version was submitted; signatures bind the version they signed"})
	}
	if track.ID != x.c.Track {
		if _, err := x.leave(s, policy.OutcomeResubmitted); err != nil {
			return err
		}
		x.emit("case.track_changed", map[string]any{"from": x.c.Track, "to": track.ID, "clause": track.Clause})
		x.c.Track, x.track = track.ID, track
		return x.enter(track.Start)
	}
	return x.advance(policy.OutcomeResubmitted)
}

// withdraw ends the case at the proponent's request.
func (x *run) withdraw(a Withdraw) error {
	if !x.c.IsProponent(x.by) {
		return apperror.New(apperror.Forbidden, "only a proponent can withdraw the proposal")
	}
	if err := text("reason", a.Reason, false); err != nil {
		return err
	}
	x.decide(DecisionWithdrawn, policy.ResultWithdrawn, a.Reason)
	v := &x.c.Visits[x.c.Visit-1]
	v.LeftAt = x.now
	for i := range x.c.Deadlines {
		if d := &x.c.Deadlines[i]; d.Open() {
			d.MetAt = x.now
		}
	}
	x.c.Status, x.c.Result, x.c.ClosedAt, x.c.Interim = StatusWithdrawn, policy.ResultWithdrawn, x.now, false
	x.emit("case.withdrawn", map[string]any{"reason": a.Reason})
	return nil
}

// completeness records the chair's completeness check.
func (x *run) completeness(a CompletenessDecision) error {
	s, err := x.at("check completeness", policy.StepCompletenessCheck)
	if err != nil {
		return err
	}
	if err := x.requireActor(s, "check the completeness of"); err != nil {
		return err
	}
	if err := text("feedback", a.Feedback, !a.Complete); err != nil {
		return err
	}
	outcome := policy.OutcomeComplete
	var notices []Notice
	if !a.Complete {
		outcome = policy.OutcomeIncomplete
		notices = x.notify(x.c.Proponents, "incomplete", "Incomplete: "+x.title(),
			fmt.Sprintf("%s is not complete yet (%s). Feedback:\n\n%s\n\nRevise and resubmit.", x.title(), s.Clause, a.Feedback))
	}
	x.decide(DecisionCompleteness, string(outcome), a.Feedback)
	x.emit("case.completeness_checked", map[string]any{"complete": a.Complete, "feedback": a.Feedback, "clause": s.Clause}, notices...)
	return x.advance(outcome)
}

// requestClarification asks the proponent a question and pauses the
// case's deadlines.
func (x *run) requestClarification(a RequestClarification) error {
	s := x.step()
	if x.c.Status != StatusOpen || s == nil {
		return apperror.New(apperror.Conflict, "cannot ask the proponent for clarification now")
	}
	if err := x.notProponent("ask for clarification on"); err != nil {
		return err
	}
	if !x.canAct(s, x.by) && !x.holdsCapacity("chair:"+s.Committee, x.by) {
		return apperror.New(apperror.Forbidden, "only %s can ask the proponent for clarification at step %q", x.capacityName(capacity(s)), label(s))
	}
	if err := text("question", a.Question, true); err != nil {
		return err
	}
	for i := range x.c.Deadlines {
		d := &x.c.Deadlines[i]
		if !d.Open() || d.Clock.Paused() {
			continue
		}
		paused, err := d.Clock.Pause(x.now)
		if err != nil {
			return fmt.Errorf("pause deadline %d: %w", d.No, err)
		}
		d.Clock = paused
	}
	x.c.Status = StatusWithProponent
	x.decide(DecisionClarifyAsked, "", a.Question)
	x.emit("case.clarification_requested", map[string]any{"question": a.Question},
		x.notify(x.c.Proponents, "clarification_requested", "Question about "+x.title(),
			fmt.Sprintf("%s asks about %s:\n\n%s\n\nDeadlines are paused until you answer.", x.name(x.by), x.title(), a.Question))...)
	return nil
}

// clarify records the proponent's answer and resumes the deadlines.
func (x *run) clarify(a Clarify) error {
	if x.c.Status != StatusWithProponent || x.c.currentKind() == policy.StepReturnForRevision {
		return apperror.New(apperror.Conflict, "no request for clarification is waiting")
	}
	if !x.c.IsProponent(x.by) {
		return apperror.New(apperror.Forbidden, "only a proponent can answer a request for clarification")
	}
	if err := text("answer", a.Answer, true); err != nil {
		return err
	}
	for i := range x.c.Deadlines {
		d := &x.c.Deadlines[i]
		if !d.Open() || !d.Clock.Paused() {
			continue
		}
		resumed, err := d.Clock.Resume(x.now)
		if err != nil {
			return fmt.Errorf("resume deadline %d: %w", d.No, err)
		}
		d.Clock = resumed
	}
	var asker int64
	for i := len(x.c.Decisions) - 1; i >= 0; i-- {
		if x.c.Decisions[i].Kind == DecisionClarifyAsked {
			asker = x.c.Decisions[i].By
			break
		}
	}
	x.c.Status = StatusOpen
	x.decide(DecisionClarified, "", a.Answer)
	x.emit("case.clarified", map[string]any{"answer": a.Answer},
		x.notify([]int64{asker}, "clarified", "Answer about "+x.title(),
			fmt.Sprintf("The proponent answered:\n\n%s\n\nDeadlines run again.", a.Answer))...)
	return nil
}

// fileAppeal is the proponent's appeal at a return step that offers one.
func (x *run) fileAppeal(a FileAppeal) error {
	s, err := x.at("appeal", policy.StepReturnForRevision)
	if err != nil {
		return err
	}
	next, ok := s.NextStep(policy.OutcomeAppealed)
	if !ok {
		return apperror.New(apperror.Conflict, "the decision at step %q cannot be appealed", label(s))
	}
	if !x.c.IsProponent(x.by) {
		return apperror.New(apperror.Forbidden, "only a proponent can appeal the decision")
	}
	if err := text("grounds", a.Grounds, true); err != nil {
		return err
	}
	as, ok := x.track.Step(next)
	if !ok || as.Kind != policy.StepAppeal {
		return apperror.New(apperror.Internal, "step %q's appeal leads to no appeal step", s.ID)
	}
	x.c.Appeals = append(x.c.Appeals, Appeal{
		No: len(x.c.Appeals) + 1, FiledBy: x.by, Grounds: a.Grounds, FiledAt: x.now,
		Appeals: as.Appeals, AppealsVisit: x.c.lastVisit(as.Appeals), Status: AppealFiled,
	})
	x.emit("case.appeal_filed", map[string]any{"appeal": len(x.c.Appeals), "appeals_step": as.Appeals,
		"appeals_visit": x.c.lastVisit(as.Appeals), "grounds": a.Grounds, "clause": as.Clause})
	if err := x.advance(policy.OutcomeAppealed); err != nil {
		return err
	}
	x.c.Appeals[len(x.c.Appeals)-1].Visit = x.c.Visit
	return nil
}

// currentAppeal returns the appeal heard at the current visit.
func (x *run) currentAppeal() (*Appeal, error) {
	for i := len(x.c.Appeals) - 1; i >= 0; i-- {
		if x.c.Appeals[i].Visit == x.c.Visit {
			return &x.c.Appeals[i], nil
		}
	}
	return nil, apperror.New(apperror.Conflict, "no appeal has been filed at this step")
}

// allowAppeal is the chair's discretion to hear the appeal: the committee
// votes.
func (x *run) allowAppeal(a AllowAppeal) error {
	s, err := x.at("allow an appeal", policy.StepAppeal)
	if err != nil {
		return err
	}
	if err := x.requireChair(s, "allow an appeal of"); err != nil {
		return err
	}
	if err := text("note", a.Note, false); err != nil {
		return err
	}
	ap, err := x.currentAppeal()
	if err != nil {
		return err
	}
	if ap.Status != AppealFiled {
		return apperror.New(apperror.Conflict, "the appeal is already %s", ap.Status)
	}
	ap.Status, ap.Note = AppealAllowed, a.Note
	x.emit("case.appeal_allowed", map[string]any{"appeal": ap.No, "rule": s.Rule.String(), "clause": s.Clause},
		x.notify(x.voters(s), "appeal_vote", "Appeal to vote on: "+x.title(),
			fmt.Sprintf("The chair allowed the proponent's appeal of %s to the entire committee (%s). Grounds:\n\n%s\n\nPlease vote.",
				x.title(), s.Clause, ap.Grounds))...)
	return nil
}

// refuseAppeal is the chair's refusal to hear the appeal.
func (x *run) refuseAppeal(a RefuseAppeal) error {
	s, err := x.at("refuse an appeal", policy.StepAppeal)
	if err != nil {
		return err
	}
	if err := x.requireChair(s, "refuse an appeal of"); err != nil {
		return err
	}
	if err := text("reason", a.Reason, true); err != nil {
		return err
	}
	ap, err := x.currentAppeal()
	if err != nil {
		return err
	}
	if ap.Status != AppealFiled {
		return apperror.New(apperror.Conflict, "the appeal is already %s", ap.Status)
	}
	ap.Status, ap.Note, ap.DecidedBy, ap.DecidedAt, ap.Outcome = AppealRefused, a.Reason, x.by, x.now, policy.OutcomeRefused
	x.emit("case.appeal_refused", map[string]any{"appeal": ap.No, "reason": a.Reason, "clause": s.Clause},
		x.notify(x.c.Proponents, "appeal_refused", "Appeal not heard: "+x.title(),
			fmt.Sprintf("The chair will not hear the appeal of %s:\n\n%s", x.title(), a.Reason))...)
	return x.advance(policy.OutcomeRefused)
}

// joinIDs lists people for messages.
func (x *run) joinIDs(ids []int64) string {
	var names []string
	for _, id := range ids {
		names = append(names, x.name(id))
	}
	return strings.Join(names, ", ")
}
