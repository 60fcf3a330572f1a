package approval

import (
	"fmt"
	"slices"

	"cairn/internal/apperror"
	"cairn/internal/policy"
)

// needed returns how many reviewers the step wants, -1 for all eligible.
func needed(s *policy.Step) int {
	if s.Reviewers.All {
		return -1
	}
	return s.Reviewers.N
}

// eligibleReviewer explains why person cannot review at step s in the
// current visit, or returns nil.
func (x *run) eligibleReviewer(s *policy.Step, person int64) error {
	switch {
	case person == 0:
		return apperror.Field("reviewers", "names no one")
	case x.c.IsProponent(person):
		return apperror.New(apperror.Forbidden, "a proponent cannot review their own proposal (%s)", x.name(person))
	case !x.r.IsMember(s.Committee, person):
		return apperror.New(apperror.Forbidden, "%s is not a member of %s", x.name(person), x.committeeName(s.Committee))
	case x.c.conflicted(person):
		return apperror.New(apperror.Conflict, "%s declared a conflict of interest with this proposal", x.name(person))
	}
	if chair, ok := x.r.Chair(s.Committee); ok && chair == person && !s.IncludeChair {
		return apperror.New(apperror.Conflict, "the chair of %s assigns the reviewers and does not review at step %q",
			x.committeeName(s.Committee), label(s))
	}
	if slices.ContainsFunc(x.c.Assignments, func(a Assignment) bool { return a.Visit == x.c.Visit && a.Reviewer == person }) {
		return apperror.New(apperror.Conflict, "%s is already assigned to this review, or was replaced or recused from it", x.name(person))
	}
	return nil
}

// assign adds an active assignment with its deadline.
func (x *run) assign(s *policy.Step, reviewer int64) {
	no := len(x.c.Assignments) + 1
	dl := 0
	if days, ok := s.Deadline(); ok {
		dl = x.addDeadline(DeadlineReview, reviewer, no, days)
	}
	x.c.Assignments = append(x.c.Assignments, Assignment{
		No: no, Visit: x.c.Visit, Reviewer: reviewer, AssignedBy: x.by, AssignedAt: x.now, Deadline: dl, Status: AssignmentActive,
	})
}

func (x *run) reviewNotice(s *policy.Step, reviewers []int64) []Notice {
	var out []Notice
	for _, r := range reviewers {
		due := "no deadline"
		for _, a := range x.c.Assignments {
			if a.Visit == x.c.Visit && a.Reviewer == r && a.Status == AssignmentActive {
				due = "by " + x.dueText(a.Deadline)
			}
		}
		out = append(out, x.notify([]int64{r}, "review_assigned", "Please review: "+x.title(),
			fmt.Sprintf("You are assigned to review %s (%s), %s, answering: %s.", x.title(), s.Clause, due, x.questionList(s)))...)
	}
	return out
}

func (x *run) questionList(s *policy.Step) string {
	var qs []string
	for _, id := range s.Questions {
		if q, ok := x.p.Question(id); ok {
			qs = append(qs, q.Text)
		}
	}
	return fmt.Sprintf("%q", qs)
}

// assignAll assigns every eligible member, for a step reviewed by all.
func (x *run) assignAll(s *policy.Step) error {
	var got []int64
	for _, m := range x.r.Members(s.Committee) {
		if x.eligibleReviewer(s, m) == nil {
			x.assign(s, m)
			got = append(got, m)
		}
	}
	if len(got) == 0 {
		return apperror.New(apperror.Conflict, "%s has no member who can review this proposal", x.committeeName(s.Committee))
	}
	x.emit("case.reviewers_assigned", map[string]any{"reviewers": got, "clause": s.Clause}, x.reviewNotice(s, got)...)
	return nil
}

// assignReviewers is the chair's assignment of reviewers to the open
// places.
func (x *run) assignReviewers(a AssignReviewers) error {
	s, err := x.at("assign reviewers", policy.StepReview)
	if err != nil {
		return err
	}
	if err := x.requireChair(s, "assign reviewers to"); err != nil {
		return err
	}
	if s.Reviewers.All {
		return apperror.New(apperror.Conflict, "every member of %s reviews at step %q; there is no one to assign", x.committeeName(s.Committee), label(s))
	}
	if len(a.Reviewers) > MaxReviewers {
		return apperror.Field("reviewers", "at most %d at once", MaxReviewers)
	}
	active := len(x.c.ActiveAssignments(x.c.Visit))
	open := s.Reviewers.N - active
	switch {
	case open <= 0:
		return apperror.New(apperror.Conflict, "all %d reviewers are assigned", s.Reviewers.N)
	case len(a.Reviewers) != open:
		return apperror.Field("reviewers", "assign exactly %d reviewer(s): the step takes %d and %d are assigned (%s)",
			open, s.Reviewers.N, active, s.Clause)
	}
	seen := map[int64]bool{}
	for _, id := range a.Reviewers {
		if seen[id] {
			return apperror.Field("reviewers", "names %s twice", x.name(id))
		}
		seen[id] = true
		if err := x.eligibleReviewer(s, id); err != nil {
			return err
		}
	}
	for _, id := range a.Reviewers {
		x.assign(s, id)
	}
	x.emit("case.reviewers_assigned", map[string]any{"reviewers": a.Reviewers, "clause": s.Clause}, x.reviewNotice(s, a.Reviewers)...)
	return nil
}

// trackCommittees returns the committees the track's steps name.
func (x *run) trackCommittees() []string {
	var out []string
	for _, s := range x.track.Steps {
		if s.Committee != "" && !slices.Contains(out, s.Committee) {
			out = append(out, s.Committee)
		}
	}
	return out
}

// declareConflict records a member's conflict of interest, recusing them
// from a review they were assigned.
func (x *run) declareConflict(a DeclareConflict) error {
	member := false
	for _, cm := range x.trackCommittees() {
		member = member || x.r.IsMember(cm, x.by)
	}
	if !member {
		return apperror.New(apperror.Forbidden, "only a member of a committee on this proposal's track declares a conflict with it")
	}
	if err := text("reason", a.Reason, false); err != nil {
		return err
	}
	if x.c.conflicted(x.by) {
		return apperror.New(apperror.Conflict, "you have already declared a conflict with this proposal")
	}
	if slices.ContainsFunc(x.c.Ballots, func(b Ballot) bool { return b.Visit == x.c.Visit && b.Voter == x.by }) {
		return apperror.New(apperror.Conflict, "you have already voted at this step; a conflict is declared before voting")
	}
	x.c.Conflicts = append(x.c.Conflicts, Conflict{No: len(x.c.Conflicts) + 1, Person: x.by, Reason: a.Reason, DeclaredAt: x.now})
	data := map[string]any{"person": x.by, "reason": a.Reason}
	var notices []Notice
	for i := range x.c.Assignments {
		as := &x.c.Assignments[i]
		if as.Visit != x.c.Visit || as.Reviewer != x.by || as.Status != AssignmentActive {
			continue
		}
		as.Status, as.EndedAt = AssignmentRecused, x.now
		x.meet(as.Deadline)
		data["recused_assignment"] = as.No
		if s := x.step(); s != nil {
			notices = x.notify(x.holdersOf("chair:"+s.Committee), "reviewer_recused", "Reviewer recused: "+x.title(),
				fmt.Sprintf("%s declared a conflict with %s and is recused; please assign another reviewer.", x.name(x.by), x.title()))
		}
	}
	x.emit("case.conflict_declared", data, notices...)
	return nil
}

// replaceReviewer replaces a late reviewer.
func (x *run) replaceReviewer(a ReplaceReviewer) error {
	s, err := x.at("replace a reviewer", policy.StepReview)
	if err != nil {
		return err
	}
	if err := x.requireChair(s, "replace a reviewer of"); err != nil {
		return err
	}
	if !s.ReplaceLate {
		return apperror.New(apperror.Conflict, "step %q does not replace late reviewers", label(s))
	}
	i := slices.IndexFunc(x.c.Assignments, func(as Assignment) bool {
		return as.Visit == x.c.Visit && as.Reviewer == a.Reviewer && as.Status == AssignmentActive
	})
	if i < 0 {
		return apperror.New(apperror.Conflict, "%s is not an assigned reviewer of this proposal", x.name(a.Reviewer))
	}
	if _, done := x.c.reviewOf(x.c.Visit, a.Reviewer); done {
		return apperror.New(apperror.Conflict, "%s has already reviewed the proposal", x.name(a.Reviewer))
	}
	late, err := x.overdue(x.c.Assignments[i].Deadline)
	if err != nil {
		return err
	}
	if !late {
		return apperror.New(apperror.Conflict, "%s is not late: their review is due %s; only a late reviewer is replaced",
			x.name(a.Reviewer), x.dueText(x.c.Assignments[i].Deadline))
	}
	if err := x.eligibleReviewer(s, a.Replacement); err != nil {
		return err
	}
	old := &x.c.Assignments[i]
	old.Status, old.EndedAt, old.ReplacedBy = AssignmentReplaced, x.now, a.Replacement
	x.meet(old.Deadline)
	x.assign(s, a.Replacement)
	notices := x.reviewNotice(s, []int64{a.Replacement})
	notices = append(notices, x.notify([]int64{a.Reviewer}, "review_reassigned", "Review reassigned: "+x.title(),
		fmt.Sprintf("Your review of %s was past due and has been assigned to someone else.", x.title()))...)
	x.emit("case.reviewer_replaced", map[string]any{"reviewer": a.Reviewer, "replacement": a.Replacement}, notices...)
	return nil
}

// submitReview records an assigned reviewer's answers.
func (x *run) submitReview(a SubmitReview) error {
	s, err := x.at("review", policy.StepReview)
	if err != nil {
		return err
	}
	if err := x.notProponent("review"); err != nil {
		return err
	}
	i := slices.IndexFunc(x.c.Assignments, func(as Assignment) bool {
		return as.Visit == x.c.Visit && as.Reviewer == x.by && as.Status == AssignmentActive
	})
	if i < 0 {
		return apperror.New(apperror.Forbidden, "only the reviewers assigned to this proposal review it")
	}
	if _, done := x.c.reviewOf(x.c.Visit, x.by); done {
		return apperror.New(apperror.Conflict, "you have already reviewed this proposal")
	}
	if err := text("comment", a.Comment, false); err != nil {
		return err
	}
	answers, triggered, err := x.checkAnswers(s, a.Answers)
	if err != nil {
		return err
	}
	as := x.c.Assignments[i]
	late, err := x.overdue(as.Deadline)
	if err != nil {
		return err
	}
	x.meet(as.Deadline)
	x.c.Reviews = append(x.c.Reviews, Review{
		No: len(x.c.Reviews) + 1, Visit: x.c.Visit, Version: x.c.Current().Number, Reviewer: x.by,
		Answers: answers, Comment: a.Comment, SubmittedAt: x.now, Late: late,
	})
	chair := x.holdersOf("chair:" + s.Committee)
	var notices []Notice
	for _, q := range triggered {
		notices = append(notices, x.notify(chair, "duplication_flagged", "Possible duplication: "+x.title(),
			fmt.Sprintf("%s answered %q to %q. If you confirm, %s of the existing offering's unit is asked to respond within %s working days (%s).",
				x.name(x.by), q.Consultation.WhenAnswer, q.Text, x.capacityName(q.Consultation.Role), days(q.Consultation.DeadlineDays), q.Consultation.Clause))...)
	}
	done := true
	for _, act := range x.c.ActiveAssignments(x.c.Visit) {
		if _, ok := x.c.reviewOf(x.c.Visit, act.Reviewer); !ok {
			done = false
		}
	}
	full := s.Reviewers.All || len(x.c.ActiveAssignments(x.c.Visit)) == s.Reviewers.N
	if done && full {
		notices = append(notices, x.notify(chair, "reviews_complete", "Reviews complete: "+x.title(),
			fmt.Sprintf("Every assigned reviewer has reviewed %s; you may close the review and call the question.", x.title()))...)
	}
	data := map[string]any{"review": len(x.c.Reviews), "answers": answers, "late": late}
	if len(triggered) > 0 {
		var ids []string
		for _, q := range triggered {
			ids = append(ids, q.ID)
		}
		data["flags"] = ids
	}
	x.emit("case.review_submitted", data, notices...)
	return nil
}

func days(d *int) string {
	if d == nil {
		return "no set number of"
	}
	return fmt.Sprint(*d)
}

// checkAnswers checks a review answers each of the step's questions once,
// as its type allows, and returns the answers in question order and the
// questions whose answer asks for a consultation.
func (x *run) checkAnswers(s *policy.Step, given []Answer) ([]Answer, []*policy.Question, error) {
	if len(given) > MaxAnswers {
		return nil, nil, apperror.Field("answers", "at most %d answers", MaxAnswers)
	}
	byQ := map[string]Answer{}
	for _, a := range given {
		if !slices.Contains(s.Questions, a.Question) {
			return nil, nil, apperror.Field("answers", "%q is not a question of step %q", a.Question, label(s))
		}
		if _, dup := byQ[a.Question]; dup {
			return nil, nil, apperror.Field("answers", "question %q is answered twice", a.Question)
		}
		if err := text("answers."+a.Question, a.Comment, false); err != nil {
			return nil, nil, err
		}
		byQ[a.Question] = a
	}
	var out []Answer
	var triggered []*policy.Question
	for _, id := range s.Questions {
		q, ok := x.p.Question(id)
		if !ok {
			return nil, nil, apperror.New(apperror.Internal, "step %q asks unknown question %q", s.ID, id)
		}
		a, ok := byQ[id]
		if !ok {
			return nil, nil, apperror.Field("answers", "question %q is not answered: %s (%s)", id, q.Text, q.Clause)
		}
		if allowed := q.Answer.Answers(); len(allowed) > 0 {
			if !slices.Contains(allowed, a.Value) {
				return nil, nil, apperror.Field("answers."+id, "answer %q is not one of %v", a.Value, allowed)
			}
		} else if a.Value != "" {
			return nil, nil, apperror.Field("answers."+id, "question %q takes a comment, not an answer", id)
		} else if err := text("answers."+id, a.Comment, true); err != nil {
			return nil, nil, err
		}
		if q.Consultation != nil && a.Value == q.Consultation.WhenAnswer {
			triggered = append(triggered, q)
		}
		out = append(out, a)
	}
	return out, triggered, nil
}

// confirmDuplication starts a consultation of the person responsible for
// the existing offering.
func (x *run) confirmDuplication(a ConfirmDuplication) error {
	s, err := x.at("confirm a duplication", policy.StepReview)
	if err != nil {
		return err
	}
	if err := x.requireChair(s, "confirm a duplication for"); err != nil {
		return err
	}
	var q *policy.Question
	for _, id := range s.Questions {
		cand, ok := x.p.Question(id)
		if !ok || cand.Consultation == nil || (a.Question != "" && a.Question != id) {
			continue
		}
		if q != nil {
			return apperror.Field("question", "name the question: step %q has several that consult", label(s))
		}
		q = cand
	}
	if q == nil {
		return apperror.Field("question", "step %q has no question that asks for a consultation", label(s))
	}
	cons := q.Consultation
	switch {
	case a.ExistingOffering == 0:
		return apperror.Field("existing_offering", "name the existing offering the proposal duplicates")
	case a.ExistingOffering == x.c.OfferingID:
		return apperror.Field("existing_offering", "is the proposal's own offering")
	case a.ExistingUnit == 0:
		return apperror.Field("existing_unit", "name the unit that owns the existing offering")
	case x.c.IsProponent(a.Consultee):
		return apperror.New(apperror.Forbidden, "a proponent cannot be consulted on their own proposal")
	case !x.r.HoldsIn(a.Consultee, cons.Role, a.ExistingUnit):
		return apperror.Field("consultee", "%s is not %s of the unit that owns the existing offering (%s)",
			x.name(a.Consultee), x.capacityName(cons.Role), cons.Clause)
	}
	if slices.ContainsFunc(x.c.Consultations, func(c Consultation) bool {
		return c.Visit == x.c.Visit && c.ExistingOffering == a.ExistingOffering && c.Question == q.ID
	}) {
		return apperror.New(apperror.Conflict, "a consultation on that offering is already under way")
	}
	no := len(x.c.Consultations) + 1
	dl := 0
	if cons.DeadlineDays != nil {
		dl = x.addDeadline(DeadlineConsultation, a.Consultee, no, *cons.DeadlineDays)
	}
	x.c.Consultations = append(x.c.Consultations, Consultation{
		No: no, Visit: x.c.Visit, Question: q.ID, ExistingOffering: a.ExistingOffering, ExistingUnit: a.ExistingUnit,
		Consultee: a.Consultee, RequestedBy: x.by, RequestedAt: x.now, Deadline: dl,
	})
	x.emit("case.consultation_requested", map[string]any{
		"consultation": no, "question": q.ID, "existing_offering": a.ExistingOffering, "existing_unit": a.ExistingUnit,
		"consultee": a.Consultee, "due": x.dueText(dl), "clause": cons.Clause,
	}, x.notify([]int64{a.Consultee}, "consultation_requested", "Possible duplication of your offering: "+x.title(),
		fmt.Sprintf("%s may duplicate an offering of your unit. Please review the proposal and respond to %s by %s (%s).",
			x.title(), x.name(x.by), x.dueText(dl), cons.Clause))...)
	return nil
}

// respondToConsultation records the consultee's response.
func (x *run) respondToConsultation(a RespondToConsultation) error {
	if a.Consultation < 1 || a.Consultation > len(x.c.Consultations) {
		return apperror.New(apperror.NotFound, "consultation %d not found", a.Consultation)
	}
	cons := &x.c.Consultations[a.Consultation-1]
	if cons.Consultee != x.by {
		return apperror.New(apperror.Forbidden, "only %s, who was consulted, can respond", x.name(cons.Consultee))
	}
	if cons.Answered() {
		return apperror.New(apperror.Conflict, "you have already responded to this consultation")
	}
	if err := text("response", a.Response, true); err != nil {
		return err
	}
	late, err := x.overdue(cons.Deadline)
	if err != nil {
		return err
	}
	x.meet(cons.Deadline)
	cons.Response, cons.RespondedAt, cons.Late = a.Response, x.now, late
	var to []int64
	for _, v := range x.c.Visits {
		if v.No == cons.Visit {
			if s, ok := x.track.Step(v.Step); ok {
				to = x.holdersOf("chair:" + s.Committee)
			}
		}
	}
	if cons.RequestedBy != 0 && !slices.Contains(to, cons.RequestedBy) {
		to = append(to, cons.RequestedBy)
	}
	when := "on time"
	if late {
		when = "after the deadline"
	}
	x.emit("case.consultation_answered", map[string]any{"consultation": cons.No, "late": late, "response": a.Response},
		x.notify(to, "consultation_answered", "Consultation answered: "+x.title(),
			fmt.Sprintf("%s responded %s about a possible duplication:\n\n%s", x.name(x.by), when, a.Response))...)
	return nil
}

// closeReview ends the review step.
func (x *run) closeReview() error {
	s, err := x.at("close the review", policy.StepReview)
	if err != nil {
		return err
	}
	if err := x.requireChair(s, "close the review of"); err != nil {
		return err
	}
	active := x.c.ActiveAssignments(x.c.Visit)
	if n := needed(s); (n < 0 && len(active) == 0) || (n >= 0 && len(active) != n) {
		return apperror.New(apperror.Conflict, "%d of %d reviewers are assigned; assign the rest first", len(active), n)
	}
	reviewed := 0
	for _, as := range active {
		if _, ok := x.c.reviewOf(x.c.Visit, as.Reviewer); ok {
			reviewed++
			continue
		}
		late, err := x.overdue(as.Deadline)
		if err != nil {
			return err
		}
		if !late {
			return apperror.New(apperror.Conflict, "%s has not reviewed yet and has until %s", x.name(as.Reviewer), x.dueText(as.Deadline))
		}
	}
	for _, cons := range x.c.Consultations {
		if cons.Visit != x.c.Visit || cons.Answered() {
			continue
		}
		late, err := x.overdue(cons.Deadline)
		if err != nil {
			return err
		}
		if !late {
			return apperror.New(apperror.Conflict, "waiting for %s's response to the duplication consultation, due %s",
				x.name(cons.Consultee), x.dueText(cons.Deadline))
		}
	}
	x.decide(DecisionReviewClosed, string(policy.OutcomeReviewed), fmt.Sprintf("%d of %d reviewed", reviewed, len(active)))
	x.emit("case.review_closed", map[string]any{"reviewed": reviewed, "assigned": len(active), "clause": s.Clause})
	return x.advance(policy.OutcomeReviewed)
}
