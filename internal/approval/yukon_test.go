package approval_test

import (
	"strings"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/approval"
	"cairn/internal/catalog"
)

func whitehorse(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/Whitehorse")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// yukonChecklist answers criteria 4.1 to 4.9.
func yukonChecklist(value string) []approval.Answer {
	var out []approval.Answer
	for _, q := range []string{"y4_1_duration", "y4_2_delivery", "y4_3_collaboration", "y4_4_quality", "y4_5_assessment",
		"y4_6_registry", "y4_7_pathways", "y4_8_plar", "y4_9_transfer"} {
		out = append(out, approval.Answer{Question: q, Value: value, Comment: "checked"})
	}
	return out
}

func TestYukon_4_ProposalThroughItsChecklist(t *testing.T) {
	loc := whitehorse(t)
	w := newWorld(t, "yukon", yukonRoster(), time.Date(2026, 8, 14, 9, 0, 0, 0, loc)) // Friday before Discovery Day

	t.Run("4.1 a proposal of 288 hours or more is refused", func(t *testing.T) {
		f := nonCreditForm()
		f.DurationHours = 300
		err := w.refuse(proponent, approval.Submit{Version: w.version(f)}, apperror.Invalid)
		if !strings.Contains(err.Error(), "288") || !strings.Contains(err.Error(), "Yukon 4.1") {
			t.Errorf("error %q, want it to cite the 288-hour limit of Yukon 4.1", err)
		}
		w.nextV--
	})
	w.submit(nonCreditForm(), "")
	if w.c.Track != "course_development" {
		t.Fatalf("track %q, want course_development (Yukon 4)", w.c.Track)
	}
	w.do(smcChair, approval.CompletenessDecision{Complete: true})
	w.refuse(smcChair, approval.AssignReviewers{Reviewers: []int64{rev1, rev2, rev3}}, apperror.Invalid) // two reviewers
	w.do(smcChair, approval.AssignReviewers{Reviewers: []int64{rev1, rev2}})
	d := w.c.Deadlines[w.c.Assignments[0].Deadline-1]
	due, err := d.Clock.Due(w.cal)
	if err != nil {
		t.Fatal(err)
	}
	// Friday 14 August + 10 working days, Discovery Day (17 August) off.
	if got := w.cal.DateOf(due).String(); got != "2026-08-31" {
		t.Errorf("review due %s, want 2026-08-31", got)
	}
	partial := yukonChecklist("met")[:8]
	w.refuse(rev1, approval.SubmitReview{Answers: partial}, apperror.Invalid) // 4.9 unanswered
	w.refuse(rev1, approval.SubmitReview{Answers: append(partial, approval.Answer{Question: "y4_9_transfer", Value: "yes"})}, apperror.Invalid)
	w.do(rev1, approval.SubmitReview{Answers: yukonChecklist("met")})
	mixed := yukonChecklist("met")
	mixed[5].Value = "not_applicable" // 4.6: the common registry is future work
	w.do(rev2, approval.SubmitReview{Answers: mixed})
	w.do(smcChair, approval.CloseReview{})
	w.atStep("recommend", approval.StatusOpen)
	w.do(smcChair, approval.Recommend{Recommend: true})
	w.atStep("senate", approval.StatusOpen)
	w.refuse(smcChair, approval.RecordDecision{Approved: true}, apperror.Forbidden)
	w.do(secretariat, approval.RecordDecision{Approved: true, Note: "Senate, 2026-09-17"})
	w.atStep("approved", approval.StatusApproved)
}

func TestYukon_3_DigitalBadgeIsApprovedOutsideSenate(t *testing.T) {
	w := newWorld(t, "yukon", yukonRoster(), time.Date(2026, 9, 1, 9, 0, 0, 0, whitehorse(t)))
	f := badgeForm()
	f.AssessmentMethod = "Quiz at the end of the tutorial"
	f.DeliveryMode = catalog.Online
	f.NeedEvidence = "Requested by student services."
	w.submit(f, "")
	if w.c.Track != "digital_badge" {
		t.Fatalf("track %q, want digital_badge", w.c.Track)
	}
	w.refuse(smcChair, approval.CompletenessDecision{Complete: true}, apperror.Forbidden)
	w.do(21, approval.CompletenessDecision{Complete: true}) // the Office of the Provost
	w.do(provost, approval.Sign{Role: "provost", VersionHash: w.c.Current().Hash})
	w.atStep("approved", approval.StatusApproved)
	for _, v := range w.c.Visits {
		if v.Step == "senate" {
			t.Error("a digital badge went to Senate")
		}
	}
}

func TestYukon_6_DisputeGoesToTheExecutiveLeadThenTheUniversitySecretariat(t *testing.T) {
	w := newWorld(t, "yukon", yukonRoster(), time.Date(2026, 10, 5, 9, 0, 0, 0, whitehorse(t)))
	d := &approval.Dispute{ID: 3}
	evs, err := w.e.ApplyDispute(d, w.r, proponent, approval.RaiseDispute{CaseID: 7, About: "Refusal of Wilderness First Aid", Text: "The reviewers applied 4.1 wrongly."}, w.now)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != approval.DisputeOpen || d.Level != 0 || len(noticesTo(evs, provost, "dispute_raised")) != 1 {
		t.Fatalf("dispute %+v, notices %v: want it open with the Provost (the Executive Lead)", d, evs)
	}
	if _, err := w.e.ApplyDispute(d, w.r, 45, approval.ResolveDispute{Note: "x"}, w.now); apperror.CodeOf(err) != apperror.Forbidden {
		t.Errorf("the Secretariat resolving before it holds the dispute: got %v, want forbidden", err)
	}
	evs, err = w.e.ApplyDispute(d, w.r, provost, approval.EscalateDispute{Note: "No resolution with the stakeholders."}, w.now.Add(72*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if d.Level != 1 || len(noticesTo(evs, 45, "dispute_escalated")) != 1 || len(noticesTo(evs, proponent, "dispute_escalated")) != 1 {
		t.Fatalf("after escalation level %d notices %+v, want the University Secretariat and the proponent told", d.Level, evs)
	}
	if _, err := w.e.ApplyDispute(d, w.r, 45, approval.EscalateDispute{Note: "further"}, w.now); apperror.CodeOf(err) != apperror.Conflict {
		t.Errorf("escalating past the last level: got %v, want conflict", err)
	}
	if _, err := w.e.ApplyDispute(d, w.r, 45, approval.ResolveDispute{Note: "Review repeated with a new panel."}, w.now); err != nil {
		t.Fatal(err)
	}
	if d.Status != approval.DisputeResolved || len(d.History) != 3 || d.History[2].Role != "university_secretariat" {
		t.Errorf("dispute %+v, want resolved by the University Secretariat after three entries", d)
	}
	if _, err := w.e.ApplyDispute(d, w.r, 45, approval.ResolveDispute{Note: "again"}, w.now); apperror.CodeOf(err) != apperror.Conflict {
		t.Errorf("resolving twice: got %v, want conflict", err)
	}
}

func TestYukon_7_PolicyReviewRemindersBeforeNovember2026(t *testing.T) {
	w := newWorld(t, "yukon", yukonRoster(), time.Date(2026, 8, 1, 9, 0, 0, 0, whitehorse(t)))
	if ns := w.e.PolicyReviewNotices(w.r, w.now); len(ns) != 0 {
		t.Errorf("on 2026-08-01 got %v, want no reminder yet (90 days before November 2026)", ns)
	}
	ns := w.e.PolicyReviewNotices(w.r, time.Date(2026, 8, 5, 9, 0, 0, 0, whitehorse(t)))
	if len(ns) != 1 || ns[0].To != 21 || ns[0].Kind != "policy_review_due" || ns[0].Key == "" {
		t.Fatalf("on 2026-08-05 got %+v, want one keyed reminder to the Office of the Provost", ns)
	}
	later := w.e.PolicyReviewNotices(w.r, time.Date(2026, 12, 2, 9, 0, 0, 0, whitehorse(t)))
	if len(later) != 1 || later[0].Kind != "policy_review_overdue" || later[0].Key == ns[0].Key {
		t.Errorf("in December got %+v, want an overdue reminder with its own key", later)
	}
}

func TestYukon_4_4_PeriodicReview(t *testing.T) {
	w := newWorld(t, "yukon", yukonRoster(), time.Date(2027, 9, 20, 9, 0, 0, 0, whitehorse(t)))
	approved := time.Date(2026, 9, 17, 12, 0, 0, 0, time.UTC)
	tasks := w.e.AnnualReviewsDue([]approval.OfferingActivity{
		{OfferingID: 1, UnitID: arts, Title: "Wilderness First Aid", Kind: catalog.MicroCredential, Status: catalog.Active, ApprovedAt: approved},
		{OfferingID: 2, UnitID: arts, Title: "Reviewed recently", Kind: catalog.MicroCredential, Status: catalog.Active, ApprovedAt: approved, LastReviewAt: approved.AddDate(0, 6, 0)},
	}, w.r, w.now)
	if len(tasks) != 1 || tasks[0].OfferingID != 1 || tasks[0].Clause != "Yukon 4.4" || len(tasks[0].Assignees) != 1 || tasks[0].Assignees[0] != 81 {
		t.Errorf("tasks %+v, want one for offering 1 assigned to the program area (Yukon 4.4)", tasks)
	}
	if got := w.e.IdleOfferings([]approval.OfferingActivity{{OfferingID: 1, Kind: catalog.MicroCredential, Status: catalog.Active, ApprovedAt: approved}}, w.now); len(got) != 0 {
		t.Errorf("Yukon has no discontinuance rule, got %+v", got)
	}
}
