package approval_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/approval"
	"cairn/internal/catalog"
	"cairn/internal/policy"
)

// Scenarios of the KPU AC15 profile, each named for the clause it proves.

func TestAC15_B1d_v_ThreeApprovalsChairThenProvostSign(t *testing.T) {
	w := newWorld(t, "kpu-ac15", kpuRoster(), time.Date(2026, 3, 2, 9, 0, 0, 0, pacific(t)))
	w.submit(nonCreditForm(), "faculty")
	if w.c.Track != "smc_non_credit" {
		t.Fatalf("track %q, want smc_non_credit (AC15 B.1.e)", w.c.Track)
	}
	w.atStep("completeness", approval.StatusOpen)
	if n := noticesTo(w.events, smcChair, "step_completeness_check"); len(n) != 1 {
		t.Errorf("the SMC chair got %d completeness notices, want 1 (AC15 B.1.d.i)", len(n))
	}
	w.throughReview()
	w.atStep("vote", approval.StatusOpen)
	w.vote(true, true)
	w.atStep("vote", approval.StatusOpen) // two of three is not yet decided
	w.do(rev3, approval.CastBallot{Approve: true})
	w.atStep("sign_chair", approval.StatusOpen)
	hash := w.c.Current().Hash
	w.workingDays(1)
	w.do(smcChair, approval.Sign{Role: "chair:smc", VersionHash: hash})
	w.atStep("sign_provost", approval.StatusOpen)
	w.do(provost, approval.Sign{Role: "provost", VersionHash: hash})
	w.atStep("approved", approval.StatusApproved)

	if got, want := stepPath(w.c), []string{"completeness", "review", "vote", "sign_chair", "kfa", "sign_provost", "approved"}; !slices.Equal(got, want) {
		t.Errorf("steps %v, want %v (the joint KPU-KFA step is off, so skipped)", got, want)
	}
	sigs := w.c.ValidSignatures()
	if len(sigs) != 2 || sigs[0].Signer != smcChair || sigs[1].Signer != provost || sigs[0].Hash != hash || sigs[1].Hash != hash {
		t.Fatalf("signatures %+v, want the SMC chair then the Provost, both on %s", sigs, hash)
	}
	if sigs[0].Role != "chair:smc" || sigs[1].Role != "provost" || !sigs[0].SignedAt.Before(sigs[1].SignedAt.Add(time.Nanosecond)) {
		t.Errorf("signature roles %q, %q, want chair:smc then provost, in order", sigs[0].Role, sigs[1].Role)
	}
	if got := w.c.OfferingStatus(); got != catalog.Approved {
		t.Errorf("offering status %s, want approved", got)
	}
	if w.c.ApprovedVersion() != 1 {
		t.Errorf("approved version %d, want 1", w.c.ApprovedVersion())
	}
	if len(noticesTo(w.events, proponent, "approved")) != 1 || len(noticesTo(w.events, coProponent, "approved")) != 1 {
		t.Error("both proponents should hear of the approval")
	}
}

func TestAC15_B1d_ii_IncompleteFeedbackThenResubmitted(t *testing.T) {
	w := newWorld(t, "kpu-ac15", kpuRoster(), time.Date(2026, 3, 2, 9, 0, 0, 0, pacific(t)))
	w.submit(nonCreditForm(), "faculty")
	w.refuse(smcChair, approval.CompletenessDecision{Complete: false}, apperror.Invalid) // feedback is required
	evs := w.do(smcChair, approval.CompletenessDecision{Complete: false, Feedback: "State the assessment rubric."})
	w.atStep("feedback", approval.StatusWithProponent)
	if n := noticesTo(evs, proponent, "incomplete"); len(n) != 1 || !strings.Contains(n[0].Body, "assessment rubric") {
		t.Errorf("the proponent got %+v, want the chair's feedback", n)
	}
	if got := w.c.OfferingStatus(); got != catalog.Draft {
		t.Errorf("offering status while revising %s, want draft", got)
	}
	w.refuse(smcChair, approval.AssignReviewers{Reviewers: []int64{rev1, rev2, rev3}}, apperror.Conflict)
	f := nonCreditForm()
	f.AssessmentMethod = "Portfolio, marked against a published rubric"
	w.refuse(rev1, approval.Resubmit{Version: w.version(f)}, apperror.Forbidden)
	w.nextV--
	w.workingDays(2)
	w.do(proponent, approval.Resubmit{Version: w.version(f), Note: "Rubric added."})
	w.atStep("completeness", approval.StatusOpen)
	if len(w.c.Versions) != 2 || w.c.Current().Number != 2 || w.c.Current().Hash == w.c.Versions[0].Hash {
		t.Fatalf("versions %+v, want a second version with its own hash", w.c.Versions)
	}
	w.do(smcChair, approval.CompletenessDecision{Complete: true})
	w.atStep("review", approval.StatusOpen)
}

func TestAC15_B1d_iii_ThreeReviewersOverTenWorkingDaysAcrossGoodFriday(t *testing.T) {
	loc := pacific(t)
	w := newWorld(t, "kpu-ac15", kpuRoster(), time.Date(2026, 3, 30, 9, 0, 0, 0, loc))
	w.submit(nonCreditForm(), "faculty")
	w.do(smcChair, approval.CompletenessDecision{Complete: true})

	t.Run("exactly three, never the proponent, the chair or a conflicted member", func(t *testing.T) {
		w.refuse(smcChair, approval.AssignReviewers{Reviewers: []int64{rev1, rev2}}, apperror.Invalid)
		w.refuse(smcChair, approval.AssignReviewers{Reviewers: []int64{rev1, rev2, rev3, smc4}}, apperror.Invalid)
		w.refuse(smcChair, approval.AssignReviewers{Reviewers: []int64{rev1, rev2, outsider}}, apperror.Forbidden)
		w.refuse(smcChair, approval.AssignReviewers{Reviewers: []int64{rev1, rev2, smcChair}}, apperror.Conflict)
		w.refuse(smcChair, approval.AssignReviewers{Reviewers: []int64{rev1, rev1, rev2}}, apperror.Invalid)
		w.refuse(rev1, approval.AssignReviewers{Reviewers: []int64{rev1, rev2, rev3}}, apperror.Forbidden)
		w.do(smc5, approval.DeclareConflict{Reason: "I co-developed a similar course"})
		w.refuse(smcChair, approval.AssignReviewers{Reviewers: []int64{rev1, rev2, smc5}}, apperror.Conflict)
	})
	w.do(smcChair, approval.AssignReviewers{Reviewers: []int64{rev1, rev2, rev3}})
	as := w.c.ActiveAssignments(w.c.Visit)
	if len(as) != 3 {
		t.Fatalf("%d assignments, want 3", len(as))
	}
	d := w.c.Deadlines[as[0].Deadline-1]
	due, err := d.Clock.Due(w.cal)
	if err != nil {
		t.Fatal(err)
	}
	// Mon 30 March + 10 working days, Good Friday (3 April) off: Tue 14 April.
	if got := w.cal.DateOf(due).String(); got != "2026-04-14" {
		t.Errorf("review due %s, want 2026-04-14 (10 working days, Good Friday excluded)", got)
	}

	w.do(rev1, approval.SubmitReview{Answers: kpuAnswers(false)})
	w.refuse(rev1, approval.SubmitReview{Answers: kpuAnswers(false)}, apperror.Conflict)
	w.refuse(smcChair, approval.CloseReview{}, apperror.Conflict) // two have not reviewed and are not late

	t.Run("a reviewer is replaced only when late", func(t *testing.T) {
		w.refuse(smcChair, approval.ReplaceReviewer{Reviewer: rev3, Replacement: smc4}, apperror.Conflict)
		w.now = time.Date(2026, 4, 14, 17, 0, 0, 0, loc)
		w.refuse(smcChair, approval.ReplaceReviewer{Reviewer: rev3, Replacement: smc4}, apperror.Conflict)
		w.do(rev2, approval.SubmitReview{Answers: kpuAnswers(false)})
		w.now = time.Date(2026, 4, 15, 8, 0, 0, 0, loc)
		evs := w.do(0, approval.Tick{})
		if n := noticesTo(evs, smcChair, "deadline_escalated"); len(n) != 1 {
			t.Errorf("the chair got %d escalations, want 1 for the late reviewer", len(n))
		}
		if evs := w.do(0, approval.Tick{}); len(evs) != 0 {
			t.Errorf("a second tick sent %v, want nothing: an escalation goes once", actions(evs))
		}
		w.refuse(smcChair, approval.ReplaceReviewer{Reviewer: rev1, Replacement: smc4}, apperror.Conflict) // rev1 reviewed
		w.do(smcChair, approval.ReplaceReviewer{Reviewer: rev3, Replacement: smc4})
		w.refuse(rev3, approval.SubmitReview{Answers: kpuAnswers(false)}, apperror.Forbidden)
	})
	w.do(smc4, approval.SubmitReview{Answers: kpuAnswers(false)})
	w.do(smcChair, approval.CloseReview{})
	w.atStep("vote", approval.StatusOpen)
	w.refuse(rev3, approval.CastBallot{Approve: true}, apperror.Forbidden) // replaced, so no longer a voter
	for _, r := range []int64{rev1, rev2, smc4} {
		w.do(r, approval.CastBallot{Approve: true})
	}
	w.atStep("sign_chair", approval.StatusOpen)
}

func TestAC15_B1d_iii_Questions(t *testing.T) {
	w := newWorld(t, "kpu-ac15", kpuRoster(), time.Date(2026, 3, 2, 9, 0, 0, 0, pacific(t)))
	w.submit(nonCreditForm(), "faculty")
	w.do(smcChair, approval.CompletenessDecision{Complete: true})
	w.do(smcChair, approval.AssignReviewers{Reviewers: []int64{rev1, rev2, rev3}})
	for name, answers := range map[string][]approval.Answer{
		"a question unanswered": {no("duplication"), yes("competency_based")},
		"an answer not yes/no":  {no("duplication"), yes("competency_based"), {Question: "credit_bearing", Value: "maybe"}},
		"an unknown question":   append(kpuAnswers(false), yes("completion_based")),
		"a question twice":      append(kpuAnswers(false), no("duplication")),
	} {
		t.Run(name+" is refused", func(t *testing.T) {
			w.refuse(rev1, approval.SubmitReview{Answers: answers}, apperror.Invalid)
		})
	}
	w.do(rev1, approval.SubmitReview{Answers: kpuAnswers(false)})
	if got := w.c.Reviews[0].Answers; len(got) != 3 || got[0].Question != "duplication" || got[2].Question != "credit_bearing" {
		t.Errorf("answers %+v, want the three questions in the profile's order", got)
	}
}

func TestAC15_B1d_iii_1_DuplicationDepartmentChairAnswersLateEscalation(t *testing.T) {
	loc := pacific(t)
	w := newWorld(t, "kpu-ac15", kpuRoster(), time.Date(2026, 3, 30, 9, 0, 0, 0, loc))
	w.submit(nonCreditForm(), "faculty")
	w.do(smcChair, approval.CompletenessDecision{Complete: true})
	w.do(smcChair, approval.AssignReviewers{Reviewers: []int64{rev1, rev2, rev3}})
	w.now = time.Date(2026, 4, 1, 10, 0, 0, 0, loc) // Wednesday
	evs := w.do(rev1, approval.SubmitReview{Answers: kpuAnswers(true), Comment: "Looks like BUSI 1100's design module."})
	if n := noticesTo(evs, smcChair, "duplication_flagged"); len(n) != 1 {
		t.Fatalf("the chair got %d duplication flags, want 1", len(n))
	}
	w.refuse(smcChair, approval.ConfirmDuplication{ExistingOffering: existingOffering, ExistingUnit: business, Consultee: rev2}, apperror.Invalid)
	w.refuse(rev1, approval.ConfirmDuplication{ExistingOffering: existingOffering, ExistingUnit: business, Consultee: deptChair}, apperror.Forbidden)
	evs = w.do(smcChair, approval.ConfirmDuplication{ExistingOffering: existingOffering, ExistingUnit: business, Consultee: deptChair})
	if n := noticesTo(evs, deptChair, "consultation_requested"); len(n) != 1 || !strings.Contains(n[0].Body, "2026-04-09") {
		t.Fatalf("department chair notices %+v, want one asking for a response by 2026-04-09 (5 working days, Good Friday off)", n)
	}
	w.do(rev2, approval.SubmitReview{Answers: kpuAnswers(false)})
	w.do(rev3, approval.SubmitReview{Answers: kpuAnswers(false)})
	w.refuse(smcChair, approval.CloseReview{}, apperror.Conflict) // the department chair still has time

	w.now = time.Date(2026, 4, 8, 9, 0, 0, 0, loc)
	evs = w.do(0, approval.Tick{})
	if n := noticesTo(evs, deptChair, "deadline_reminder"); len(n) != 1 || n[0].Key == "" {
		t.Errorf("department chair reminders %+v, want one keyed reminder the day before", n)
	}
	w.now = time.Date(2026, 4, 10, 9, 0, 0, 0, loc) // the day after it was due
	evs = w.do(0, approval.Tick{})
	if n := noticesTo(evs, smcChair, "deadline_escalated"); len(n) != 1 || !strings.Contains(n[0].Body, "duplication consultation") {
		t.Fatalf("chair escalations %+v, want one about the consultation", n)
	}
	w.workingDays(1)
	evs = w.do(deptChair, approval.RespondToConsultation{Consultation: 1, Response: "It overlaps half of BUSI 1100; consider laddering."})
	if !w.c.Consultations[0].Late {
		t.Error("a response after the deadline should be marked late")
	}
	if n := noticesTo(evs, smcChair, "consultation_answered"); len(n) != 1 || !strings.Contains(n[0].Body, "after the deadline") {
		t.Errorf("chair notices %+v, want the late response", n)
	}
	w.refuse(deptChair, approval.RespondToConsultation{Consultation: 1, Response: "again"}, apperror.Conflict)
	w.do(smcChair, approval.CloseReview{})
	w.atStep("vote", approval.StatusOpen)
}

func TestAC15_B1d_iv_ChairCallsTheQuestionAtTheEndOfTheReview(t *testing.T) {
	loc := pacific(t)
	w := newWorld(t, "kpu-ac15", kpuRoster(), time.Date(2026, 3, 2, 9, 0, 0, 0, loc))
	w.submit(nonCreditForm(), "faculty")
	w.do(smcChair, approval.CompletenessDecision{Complete: true})
	w.do(smcChair, approval.AssignReviewers{Reviewers: []int64{rev1, rev2, rev3}})
	w.do(rev1, approval.SubmitReview{Answers: kpuAnswers(false)})
	w.refuse(smcChair, approval.CloseReview{}, apperror.Conflict)
	w.workingDays(11) // the 10-day review is over; two never reviewed
	w.do(smcChair, approval.CloseReview{})
	w.atStep("vote", approval.StatusOpen)
	if d := w.c.Decisions[len(w.c.Decisions)-1]; d.Kind != approval.DecisionReviewClosed || d.Note != "1 of 3 reviewed" {
		t.Errorf("last decision %+v, want the review closed with 1 of 3 reviewed", d)
	}
}

func TestAC15_B1d_vi_MeetingFinalVoteReturnedRevisedApproved(t *testing.T) {
	loc := pacific(t)
	w := newWorld(t, "kpu-ac15", kpuRoster(), time.Date(2026, 3, 2, 9, 0, 0, 0, loc))
	w.submit(nonCreditForm(), "faculty")
	w.throughReview()
	w.vote(true, true, false) // 2 of 3
	w.atStep("meeting", approval.StatusOpen)
	meetAt := w.now.Add(48 * time.Hour)
	w.refuse(smcChair, approval.RecordMinutes{Minutes: "x"}, apperror.Conflict) // not scheduled
	evs := w.do(smcChair, approval.ScheduleMeeting{At: meetAt, Place: "https://meet.example/smc"})
	for _, r := range []int64{rev1, rev2, rev3} {
		if len(noticesTo(evs, r, "meeting_scheduled")) != 1 {
			t.Errorf("reviewer %d was not told of the meeting", r)
		}
	}
	w.refuse(smcChair, approval.RecordMinutes{Minutes: "Discussed."}, apperror.Conflict) // not held yet
	w.now = meetAt.Add(time.Hour)
	w.refuse(smcChair, approval.RecordMinutes{Minutes: "Discussed.", Attendees: []int64{outsider}}, apperror.Invalid)
	w.do(smcChair, approval.RecordMinutes{Minutes: "Discussed the assessment.", Attendees: []int64{smcChair, rev1, rev2, rev3}})
	w.atStep("final_vote", approval.StatusOpen)
	w.vote(true, false)
	w.atStep("final_vote", approval.StatusOpen) // 3 of 3 can no longer be reached, but every ballot is recorded
	w.do(rev3, approval.CastBallot{Approve: true})
	w.atStep("returned", approval.StatusWithProponent)
	if w.c.OfferingStatus() != catalog.Draft {
		t.Errorf("offering status %s, want draft while revised", w.c.OfferingStatus())
	}

	f := nonCreditForm()
	f.AssessmentMethod = "Portfolio and a live client pitch"
	w.workingDays(5)
	w.do(proponent, approval.Resubmit{Version: w.version(f), Note: "Revised after the meeting."})
	w.atStep("completeness", approval.StatusOpen)
	w.throughReview()
	w.vote(true, true, true)
	v2 := w.c.Current().Hash
	w.do(smcChair, approval.Sign{VersionHash: v2})
	w.do(provost, approval.Sign{VersionHash: v2})
	w.atStep("approved", approval.StatusApproved)
	if w.c.ApprovedVersion() != 2 {
		t.Errorf("approved version %d, want 2", w.c.ApprovedVersion())
	}
	var votes []string
	for _, d := range w.c.Decisions {
		if d.Kind == approval.DecisionVote {
			votes = append(votes, d.Step+":"+d.Outcome)
		}
	}
	if want := []string{"vote:not_approved", "final_vote:not_approved", "vote:approved"}; !slices.Equal(votes, want) {
		t.Errorf("votes %v, want %v", votes, want)
	}
}

func TestAC15_B1d_vi_1_AppealToTheEntireCommitteeAtTheChairsDiscretion(t *testing.T) {
	returned := func(t *testing.T) *world {
		w := newWorld(t, "kpu-ac15", kpuRoster(), time.Date(2026, 3, 2, 9, 0, 0, 0, pacific(t)))
		w.submit(nonCreditForm(), "faculty")
		w.throughReview()
		w.vote(true, false, true)
		w.do(smcChair, approval.ScheduleMeeting{At: w.now, Place: "online"})
		w.do(smcChair, approval.RecordMinutes{Minutes: "Discussed."})
		w.vote(false, true, true)
		w.atStep("returned", approval.StatusWithProponent)
		return w
	}
	t.Run("allowed, the committee approves by majority", func(t *testing.T) {
		w := returned(t)
		w.refuse(rev1, approval.FileAppeal{Grounds: "x"}, apperror.Forbidden)
		w.refuse(proponent, approval.FileAppeal{}, apperror.Invalid)
		w.do(proponent, approval.FileAppeal{Grounds: "The reviewers misread the assessment plan."})
		w.atStep("appeal", approval.StatusOpen)
		ap := w.c.Appeals[0]
		if ap.Appeals != "final_vote" || ap.AppealsVisit != w.c.Visits[ap.AppealsVisit-1].No || w.c.Visits[ap.AppealsVisit-1].Step != "final_vote" {
			t.Errorf("appeal %+v does not link to the final vote it appeals", ap)
		}
		w.refuse(rev1, approval.CastBallot{Approve: true}, apperror.Conflict) // not allowed yet
		w.refuse(rev1, approval.AllowAppeal{}, apperror.Forbidden)
		w.do(smcChair, approval.AllowAppeal{Note: "Heard at the chair's discretion."})
		w.refuse(proponent, approval.CastBallot{Approve: true}, apperror.Forbidden)
		w.refuse(outsider, approval.CastBallot{Approve: true}, apperror.Forbidden)
		// Six members vote (the chair included); a majority is four.
		for _, m := range []int64{smcChair, rev1, smc4} {
			w.do(m, approval.CastBallot{Approve: true})
		}
		w.do(rev2, approval.CastBallot{Approve: false})
		w.atStep("appeal", approval.StatusOpen)
		w.do(smc5, approval.CastBallot{Approve: true})
		w.refuse(rev3, approval.CastBallot{Approve: false}, apperror.Conflict) // decided: the case moved on
		w.atStep("sign_chair", approval.StatusOpen)
		if got := w.c.Appeals[0]; got.Status != approval.AppealDecided || got.Outcome != policy.OutcomeApproved {
			t.Errorf("appeal %+v, want decided approved", got)
		}
	})
	t.Run("refused, back to the proponent for revisions", func(t *testing.T) {
		w := returned(t)
		w.do(proponent, approval.FileAppeal{Grounds: "Please reconsider."})
		w.refuse(smcChair, approval.RefuseAppeal{}, apperror.Invalid)
		w.do(smcChair, approval.RefuseAppeal{Reason: "No new grounds."})
		w.atStep("returned_after_appeal", approval.StatusWithProponent)
		w.refuse(proponent, approval.FileAppeal{Grounds: "Again."}, apperror.Conflict) // one appeal
	})
}

func TestAC15_B1e_ProvostDeclinesNewVersionInvalidatesSignatures(t *testing.T) {
	w := newWorld(t, "kpu-ac15", kpuRoster(), time.Date(2026, 3, 2, 9, 0, 0, 0, pacific(t)))
	w.submit(nonCreditForm(), "faculty")
	w.throughReview()
	w.vote(true, true, true)
	v1 := w.c.Current().Hash
	w.do(smcChair, approval.Sign{VersionHash: v1})
	w.do(provost, approval.DeclineToSign{Reason: "Fees are not set."})
	w.atStep("returned_by_provost", approval.StatusWithProponent)
	f := nonCreditForm()
	f.TuitionFees = "$450"
	evs := w.do(proponent, approval.Resubmit{Version: w.version(f)})
	if !hasAction(evs, "case.signatures_invalidated") {
		t.Errorf("events %v, want the chair's signature on version 1 invalidated", actions(evs))
	}
	if got := w.c.ValidSignatures(); len(got) != 0 {
		t.Errorf("valid signatures %+v after a new version, want none", got)
	}
	if len(w.c.Signatures) != 1 || w.c.Signatures[0].Hash != v1 {
		t.Errorf("the record should keep the old signature on %s", v1)
	}
}

func TestAC15_B1f_CreditBearingInterimNonCreditThenSSCCThenSenate(t *testing.T) {
	w := newWorld(t, "kpu-ac15", kpuRoster(), time.Date(2026, 3, 2, 9, 0, 0, 0, pacific(t)))
	w.submit(creditForm(), "faculty")
	if w.c.Track != "smc_credit" {
		t.Fatalf("track %q, want smc_credit", w.c.Track)
	}
	w.throughReview()
	w.vote(true, true, true)
	h := w.c.Current().Hash
	w.do(smcChair, approval.Sign{VersionHash: h})
	evs := w.do(provost, approval.Sign{VersionHash: h})
	w.atStep("sscc", approval.StatusOpen)
	if !w.c.Interim || w.c.OfferAs != catalog.NonCredit || w.c.OfferingStatus() != catalog.ApprovedInterimNonCredit {
		t.Errorf("interim %v offer as %q status %s, want interim non-credit (AC15 B.1.f.i)", w.c.Interim, w.c.OfferAs, w.c.OfferingStatus())
	}
	if !hasAction(evs, "case.interim_approved") {
		t.Errorf("events %v, want case.interim_approved", actions(evs))
	}
	w.refuse(ssccMember, approval.Recommend{Recommend: true}, apperror.Forbidden)
	w.refuse(secretariat, approval.RecordDecision{Approved: true}, apperror.Conflict) // SSCC first
	w.workingDays(10)
	w.do(ssccChair, approval.Recommend{Recommend: true, Note: "Recommended to Senate."})
	w.atStep("senate", approval.StatusOpen)
	w.refuse(ssccChair, approval.RecordDecision{Approved: true}, apperror.Forbidden)
	w.refuse(proponent, approval.RecordDecision{Approved: true}, apperror.Forbidden)
	w.workingDays(10)
	w.do(secretariat, approval.RecordDecision{Approved: true, Note: "Senate, 2026-04-22"})
	w.atStep("approved", approval.StatusApproved)
	if w.c.OfferingStatus() != catalog.Approved {
		t.Errorf("offering status %s, want approved", w.c.OfferingStatus())
	}
}

func TestAC15_B1f_SenateReturnEndsInterimStatus(t *testing.T) {
	w := newWorld(t, "kpu-ac15", kpuRoster(), time.Date(2026, 3, 2, 9, 0, 0, 0, pacific(t)))
	w.submit(creditForm(), "faculty")
	w.throughReview()
	w.vote(true, true, true)
	h := w.c.Current().Hash
	w.do(smcChair, approval.Sign{VersionHash: h})
	w.do(provost, approval.Sign{VersionHash: h})
	w.do(ssccChair, approval.Recommend{Recommend: false, Note: "Credits do not match the hours."})
	w.atStep("returned_by_senate", approval.StatusWithProponent)
	if w.c.Interim || w.c.OfferingStatus() != catalog.Draft {
		t.Errorf("interim %v status %s after a return, want no interim status and draft", w.c.Interim, w.c.OfferingStatus())
	}
	// A resubmission as non-credit changes track.
	w.do(proponent, approval.Resubmit{Version: w.version(nonCreditForm())})
	if w.c.Track != "smc_non_credit" || w.c.Step != "completeness" {
		t.Errorf("after resubmitting as non-credit: track %s step %s, want smc_non_credit at completeness", w.c.Track, w.c.Step)
	}
}

func TestAC15_B2a_DBCReviewsAndApprovesDigitalBadges(t *testing.T) {
	w := newWorld(t, "kpu-ac15", kpuRoster(), time.Date(2026, 3, 2, 9, 0, 0, 0, pacific(t)))
	w.submit(badgeForm(), "faculty")
	if w.c.Track != "dbc_badge" {
		t.Fatalf("track %q, want dbc_badge", w.c.Track)
	}
	w.do(dbcChair, approval.CompletenessDecision{Complete: true})
	if got := len(w.c.ActiveAssignments(w.c.Visit)); got != 4 {
		t.Fatalf("%d reviewers, want every DBC member (4, the chair included)", got)
	}
	w.refuse(dbcChair, approval.AssignReviewers{Reviewers: []int64{dbc1}}, apperror.Conflict)
	answers := []approval.Answer{yes("completion_based"), no("belongs_elsewhere")}
	for _, m := range []int64{dbcChair, dbc1, dbc2, dbc3} {
		w.do(m, approval.SubmitReview{Answers: answers})
	}
	w.do(dbcChair, approval.CloseReview{})
	w.do(dbcChair, approval.CastBallot{Approve: true})
	w.do(dbc1, approval.CastBallot{Approve: false})
	w.do(dbc2, approval.CastBallot{Approve: true})
	w.atStep("vote", approval.StatusOpen)
	w.do(dbc3, approval.CastBallot{Approve: true})
	w.atStep("approved", approval.StatusApproved)
}

func TestConsultationRecord_JointKPUKFACommitteeWhenSwitchedOn(t *testing.T) {
	p, err := policy.Builtin("kpu-ac15")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.SetOption("kpu_kfa_joint_committee", true); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, unitCategory, wantAfterChair string
	}{
		{"a CPS offering goes to the joint committee", "continuing_studies", "kfa"},
		{"a faculty offering skips it", "faculty", "sign_provost"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorldWith(t, p, kpuRoster(), time.Date(2026, 3, 2, 9, 0, 0, 0, pacific(t)))
			w.submit(nonCreditForm(), tc.unitCategory)
			w.throughReview()
			w.vote(true, true, true)
			w.do(smcChair, approval.Sign{VersionHash: w.c.Current().Hash})
			w.atStep(tc.wantAfterChair, approval.StatusOpen)
			if tc.wantAfterChair == "kfa" {
				w.refuse(provost, approval.Sign{VersionHash: w.c.Current().Hash}, apperror.Conflict)
				w.do(kfaChair, approval.RecordDecision{Approved: true})
				w.atStep("sign_provost", approval.StatusOpen)
			}
		})
	}
}

func TestDeadlinesPauseWhileTheCaseWaitsOnTheProponent(t *testing.T) {
	loc := pacific(t)
	w := newWorld(t, "kpu-ac15", kpuRoster(), time.Date(2026, 3, 2, 9, 0, 0, 0, loc)) // Monday
	w.submit(nonCreditForm(), "faculty")
	w.do(smcChair, approval.CompletenessDecision{Complete: true})
	w.do(smcChair, approval.AssignReviewers{Reviewers: []int64{rev1, rev2, rev3}})
	due := func() string {
		d := w.c.Deadlines[w.c.Assignments[0].Deadline-1]
		at, err := d.Clock.Due(w.cal)
		if err != nil {
			return err.Error()
		}
		return w.cal.DateOf(at).String()
	}
	if got := due(); got != "2026-03-16" {
		t.Fatalf("review due %s, want 2026-03-16", got)
	}
	w.workingDays(2) // Wednesday
	w.do(smcChair, approval.RequestClarification{Question: "Who delivers the workshops?"})
	if w.c.Status != approval.StatusWithProponent || due() != "deadline is paused" {
		t.Fatalf("status %s due %s, want waiting on the proponent with the deadline paused", w.c.Status, due())
	}
	w.refuse(rev1, approval.SubmitReview{Answers: kpuAnswers(false)}, apperror.Conflict)
	w.refuse(rev1, approval.Clarify{Answer: "x"}, apperror.Forbidden)
	w.workingDays(3) // the next Monday
	w.do(proponent, approval.Clarify{Answer: "Two certified facilitators."})
	// Paused Wednesday to Monday: Wednesday, Thursday, Friday and Monday
	// do not count, so four working days more.
	if got := due(); got != "2026-03-20" {
		t.Errorf("review due %s after the pause, want 2026-03-20", got)
	}
	w.do(rev1, approval.SubmitReview{Answers: kpuAnswers(false)})
}

func TestWithdrawEndsTheCase(t *testing.T) {
	w := newWorld(t, "kpu-ac15", kpuRoster(), time.Date(2026, 3, 2, 9, 0, 0, 0, pacific(t)))
	w.submit(nonCreditForm(), "faculty")
	w.do(smcChair, approval.CompletenessDecision{Complete: true})
	w.do(smcChair, approval.AssignReviewers{Reviewers: []int64{rev1, rev2, rev3}})
	w.refuse(smcChair, approval.Withdraw{}, apperror.Forbidden)
	w.do(coProponent, approval.Withdraw{Reason: "Funding fell through."})
	if w.c.Status != approval.StatusWithdrawn || w.c.OfferingStatus() != catalog.Draft {
		t.Errorf("status %s offering %s, want withdrawn and draft", w.c.Status, w.c.OfferingStatus())
	}
	for _, d := range w.c.Deadlines {
		if d.Open() {
			t.Errorf("deadline %d still open after withdrawal", d.No)
		}
	}
	w.refuse(rev1, approval.SubmitReview{Answers: kpuAnswers(false)}, apperror.Conflict)
}
