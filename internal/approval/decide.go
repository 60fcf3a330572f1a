package approval

import (
	"fmt"
	"slices"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/policy"
)

// votingStep returns the current step when a vote is open at it: a vote
// step, or an appeal the chair allowed.
func (x *run) votingStep(doing string) (*policy.Step, *Appeal, error) {
	s, err := x.at(doing, policy.StepVote, policy.StepAppeal)
	if err != nil {
		return nil, nil, err
	}
	if s.Kind == policy.StepVote {
		return s, nil, nil
	}
	ap, err := x.currentAppeal()
	if err != nil {
		return nil, nil, err
	}
	if ap.Status != AppealAllowed {
		return nil, nil, apperror.New(apperror.Conflict, "the chair has not allowed the appeal to go to a vote")
	}
	return s, ap, nil
}

// tally counts the ballots of the current visit cast by people still
// eligible.
func (x *run) tally(voters []int64) (approvals, rejections int) {
	for _, b := range x.c.BallotsOf(x.c.Visit) {
		if !slices.Contains(voters, b.Voter) {
			continue
		}
		if b.Approve {
			approvals++
		} else {
			rejections++
		}
	}
	return approvals, rejections
}

// castBallot records a vote and, once the vote is decided, moves on.
func (x *run) castBallot(a CastBallot) error {
	s, ap, err := x.votingStep("vote")
	if err != nil {
		return err
	}
	if err := x.notProponent("vote on"); err != nil {
		return err
	}
	voters := x.voters(s)
	if !slices.Contains(voters, x.by) {
		if x.c.conflicted(x.by) {
			return apperror.New(apperror.Forbidden, "you declared a conflict with this proposal and do not vote on it")
		}
		if s.Kind == policy.StepVote && s.Voters == policy.ElectReviewers {
			return apperror.New(apperror.Forbidden, "only the members assigned to review this proposal vote on it (%s)", s.Clause)
		}
		return apperror.New(apperror.Forbidden, "only members of %s vote on this proposal", x.committeeName(s.Committee))
	}
	if slices.ContainsFunc(x.c.Ballots, func(b Ballot) bool { return b.Visit == x.c.Visit && b.Voter == x.by }) {
		return apperror.New(apperror.Conflict, "you have already voted on this proposal at this step")
	}
	if err := text("comment", a.Comment, false); err != nil {
		return err
	}
	x.c.Ballots = append(x.c.Ballots, Ballot{No: len(x.c.Ballots) + 1, Visit: x.c.Visit, Voter: x.by, Approve: a.Approve, Comment: a.Comment, CastAt: x.now})
	x.emit("case.ballot_cast", map[string]any{"ballot": len(x.c.Ballots), "approve": a.Approve, "comment": a.Comment})
	approvals, rejections := x.tally(voters)
	decided, passed := s.Rule.Decide(approvals, rejections, len(voters))
	// A vote that can no longer pass stays open until every voter has
	// voted (or the chair closes it), so every ballot is on the record.
	if !decided || (!passed && approvals+rejections < len(voters)) {
		return nil
	}
	return x.finishVote(s, ap, passed, approvals, rejections, len(voters))
}

// closeVote ends a vote whose time is up, missing ballots counting as not
// approving.
func (x *run) closeVote() error {
	s, ap, err := x.votingStep("close the vote")
	if err != nil {
		return err
	}
	if err := x.requireChair(s, "close the vote on"); err != nil {
		return err
	}
	for _, d := range x.c.Deadlines {
		if d.Visit == x.c.Visit && d.Kind == DeadlineStep && d.Open() {
			late, err := x.overdue(d.No)
			if err != nil {
				return err
			}
			if !late {
				return apperror.New(apperror.Conflict, "the vote is open until %s", x.dueText(d.No))
			}
		}
	}
	voters := x.voters(s)
	approvals, _ := x.tally(voters)
	_, passed := s.Rule.Decide(approvals, len(voters)-approvals, len(voters))
	return x.finishVote(s, ap, passed, approvals, len(voters)-approvals, len(voters))
}

func (x *run) finishVote(s *policy.Step, ap *Appeal, passed bool, approvals, rejections, eligible int) error {
	outcome := policy.OutcomeNotApproved
	if passed {
		outcome = policy.OutcomeApproved
	}
	note := fmt.Sprintf("%d of %d approved, %d did not (rule %s)", approvals, eligible, rejections, s.Rule)
	x.decide(DecisionVote, string(outcome), note)
	if ap != nil {
		ap.Status, ap.DecidedAt, ap.Outcome, ap.DecidedBy = AppealDecided, x.now, outcome, x.by
	}
	x.emit("case.vote_decided", map[string]any{
		"outcome": string(outcome), "approvals": approvals, "rejections": rejections, "eligible": eligible,
		"rule": s.Rule.String(), "clause": s.Clause,
	}, x.notify(append(slices.Clone(x.c.Proponents), x.holdersOf("chair:"+s.Committee)...), "vote_decided",
		fmt.Sprintf("Vote %s: %s", outcome, x.title()), fmt.Sprintf("The vote on %s at step %q: %s.", x.title(), label(s), note))...)
	return x.advance(outcome)
}

// scheduleMeeting sets the meeting's time and place.
func (x *run) scheduleMeeting(a ScheduleMeeting) error {
	s, err := x.at("schedule a meeting", policy.StepMeeting)
	if err != nil {
		return err
	}
	if err := x.requireChair(s, "schedule a meeting on"); err != nil {
		return err
	}
	if a.At.IsZero() {
		return apperror.Field("at", "a meeting needs a time")
	}
	if err := text("place", a.Place, false); err != nil {
		return err
	}
	at := a.At.UTC().Truncate(time.Microsecond)
	i := slices.IndexFunc(x.c.Meetings, func(m Meeting) bool { return m.Visit == x.c.Visit })
	if i >= 0 {
		x.c.Meetings[i].ScheduledFor, x.c.Meetings[i].Place, x.c.Meetings[i].ScheduledBy = at, a.Place, x.by
	} else {
		x.c.Meetings = append(x.c.Meetings, Meeting{No: len(x.c.Meetings) + 1, Visit: x.c.Visit, ScheduledBy: x.by, ScheduledFor: at, Place: a.Place})
	}
	mode := s.Mode
	if mode == "" {
		mode = policy.ModeAny
	}
	x.emit("case.meeting_scheduled", map[string]any{"at": at, "place": a.Place, "mode": mode, "clause": s.Clause},
		x.notify(x.participants(s), "meeting_scheduled", "Meeting on "+x.title(),
			fmt.Sprintf("A %s meeting on %s is set for %s at %s (%s).", mode, x.title(),
				at.In(x.e.cal.Location()).Format("Mon 2 Jan 2006 15:04 MST"), a.Place, s.Clause))...)
	return nil
}

// recordMinutes records the meeting once held, and moves on.
func (x *run) recordMinutes(a RecordMinutes) error {
	s, err := x.at("record minutes", policy.StepMeeting)
	if err != nil {
		return err
	}
	if err := x.requireChair(s, "record the minutes of the meeting on"); err != nil {
		return err
	}
	i := slices.IndexFunc(x.c.Meetings, func(m Meeting) bool { return m.Visit == x.c.Visit })
	if i < 0 {
		return apperror.New(apperror.Conflict, "schedule the meeting before recording its minutes")
	}
	m := &x.c.Meetings[i]
	if x.now.Before(m.ScheduledFor) {
		return apperror.New(apperror.Conflict, "the meeting is scheduled for %s and has not been held yet",
			m.ScheduledFor.In(x.e.cal.Location()).Format("2006-01-02 15:04 MST"))
	}
	if err := text("minutes", a.Minutes, true); err != nil {
		return err
	}
	if len(a.Attendees) > MaxAttendees {
		return apperror.Field("attendees", "at most %d", MaxAttendees)
	}
	allowed := x.participants(s)
	if chair, ok := x.r.Chair(s.Committee); ok {
		allowed = append(allowed, chair)
	}
	seen := map[int64]bool{}
	for _, p := range a.Attendees {
		if seen[p] {
			return apperror.Field("attendees", "names %s twice", x.name(p))
		}
		seen[p] = true
		if !slices.Contains(allowed, p) {
			return apperror.Field("attendees", "%s does not take part in this meeting", x.name(p))
		}
	}
	m.Minutes, m.Attendees, m.RecordedAt = a.Minutes, slices.Clone(a.Attendees), x.now
	x.emit("case.minutes_recorded", map[string]any{"meeting": m.No, "attendees": a.Attendees, "minutes": a.Minutes, "clause": s.Clause})
	return x.advance(policy.OutcomeHeld)
}

// signStepFor returns a sign step of the track, other than s, at which
// person could sign in capacity capa (or any capacity when empty) and
// which must come after s.
func (x *run) signStepFor(s *policy.Step, person int64, capa string) *policy.Step {
	for i := range x.track.Steps {
		t := &x.track.Steps[i]
		if t.Kind != policy.StepSign || t.ID == s.ID || !slices.Contains(t.After, s.ID) {
			continue
		}
		if (capa == "" || capa == capacity(t)) && x.canAct(t, person) {
			return t
		}
	}
	return nil
}

// sign records a signature bound to the current version's hash.
func (x *run) sign(a Sign) error {
	s := x.step()
	if s == nil || s.Kind != policy.StepSign {
		where := "no step"
		if s != nil {
			where = fmt.Sprintf("step %q (%s)", label(s), s.Kind)
		}
		return apperror.New(apperror.Conflict, "cannot sign now: the proposal is at %s and has not been approved for signature", where)
	}
	if err := x.notProponent("sign"); err != nil {
		return err
	}
	want := capacity(s)
	if (a.Role != "" && a.Role != want) || !x.canAct(s, x.by) {
		if later := x.signStepFor(s, x.by, a.Role); later != nil {
			return apperror.New(apperror.Conflict, "%s signs at step %q, after %s has signed at step %q",
				x.capacityName(capacity(later)), label(later), x.capacityName(want), label(s))
		}
		if a.Role != "" && a.Role != want {
			return apperror.New(apperror.Forbidden, "step %q is signed by %s, not %s", label(s), x.capacityName(want), x.capacityName(a.Role))
		}
		return apperror.New(apperror.Forbidden, "only %s signs at step %q", x.capacityName(want), label(s))
	}
	cur := x.c.Current()
	if a.VersionHash != cur.Hash {
		return apperror.New(apperror.Conflict, "the signature names version hash %q, but the version under review (%d) has hash %s; read that version and sign it",
			a.VersionHash, cur.Number, cur.Hash)
	}
	valid := x.c.ValidSignatures()
	for _, before := range s.After {
		if !slices.ContainsFunc(valid, func(sg Signature) bool { return sg.Step == before }) {
			bs, _ := x.track.Step(before)
			return apperror.New(apperror.Conflict, "step %q needs the signature of step %q on this version first", label(s), label(bs))
		}
	}
	if slices.ContainsFunc(valid, func(sg Signature) bool { return sg.Visit == x.c.Visit }) {
		return apperror.New(apperror.Conflict, "this version is already signed at step %q", label(s))
	}
	x.c.Signatures = append(x.c.Signatures, Signature{
		No: len(x.c.Signatures) + 1, Visit: x.c.Visit, Step: s.ID, Signer: x.by, Role: want,
		Version: cur.Number, Hash: cur.Hash, SignedAt: x.now,
	})
	x.emit("case.signed", map[string]any{"signature": len(x.c.Signatures), "role": want, "version": cur.Number, "hash": cur.Hash, "clause": s.Clause})
	return x.advance(policy.OutcomeSigned)
}

// declineToSign declines at a sign step that allows it.
func (x *run) declineToSign(a DeclineToSign) error {
	s, err := x.at("decline to sign", policy.StepSign)
	if err != nil {
		return err
	}
	if err := x.requireActor(s, "decline to sign"); err != nil {
		return err
	}
	if _, ok := s.NextStep(policy.OutcomeDeclined); !ok {
		return apperror.New(apperror.Conflict, "step %q cannot be declined", label(s))
	}
	if err := text("reason", a.Reason, true); err != nil {
		return err
	}
	x.decide(DecisionSignDeclined, string(policy.OutcomeDeclined), a.Reason)
	x.emit("case.sign_declined", map[string]any{"reason": a.Reason, "clause": s.Clause},
		x.notify(x.c.Proponents, "sign_declined", "Not signed: "+x.title(),
			fmt.Sprintf("%s declined to sign %s:\n\n%s", x.capacityName(capacity(s)), x.title(), a.Reason))...)
	return x.advance(policy.OutcomeDeclined)
}

// recommend records a committee's recommendation.
func (x *run) recommend(a Recommend) error {
	s, err := x.at("recommend", policy.StepCommitteeRecommendation)
	if err != nil {
		return err
	}
	if err := x.requireActor(s, "recommend"); err != nil {
		return err
	}
	if err := text("note", a.Note, !a.Recommend); err != nil {
		return err
	}
	outcome := policy.OutcomeNotRecommended
	if a.Recommend {
		outcome = policy.OutcomeRecommended
	}
	x.decide(DecisionRecommendation, string(outcome), a.Note)
	x.emit("case.recommended", map[string]any{"recommend": a.Recommend, "to": s.To, "note": a.Note, "clause": s.Clause},
		x.notify(x.c.Proponents, "recommendation", fmt.Sprintf("%s: %s", outcome, x.title()),
			fmt.Sprintf("%s: %s to %s.", x.committeeName(s.Committee), outcome, x.committeeName(s.To)))...)
	return x.advance(outcome)
}

// recordDecision records a governing body's decision.
func (x *run) recordDecision(a RecordDecision) error {
	s, err := x.at("record a decision", policy.StepBodyDecision)
	if err != nil {
		return err
	}
	if err := x.requireActor(s, "record the decision on"); err != nil {
		return err
	}
	if err := text("note", a.Note, !a.Approved); err != nil {
		return err
	}
	outcome := policy.OutcomeNotApproved
	if a.Approved {
		outcome = policy.OutcomeApproved
	}
	x.decide(DecisionBody, string(outcome), a.Note)
	x.emit("case.decision_recorded", map[string]any{"body": s.Committee, "approved": a.Approved, "note": a.Note, "clause": s.Clause},
		x.notify(x.c.Proponents, "decision", fmt.Sprintf("%s: %s", x.committeeName(s.Committee), x.title()),
			fmt.Sprintf("%s decided %s on %s.", x.committeeName(s.Committee), outcome, x.title()))...)
	return x.advance(outcome)
}
