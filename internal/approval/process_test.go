package approval_test

import (
	"strings"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/approval"
	"cairn/internal/catalog"
)

func TestAC15_B2c_ProvostReportsBadgesApprovedSinceTheLastSSCCMeeting(t *testing.T) {
	loc := pacific(t)
	w := newWorld(t, "kpu-ac15", kpuRoster(), time.Date(2026, 5, 4, 9, 0, 0, 0, loc))
	lastMeeting := time.Date(2026, 4, 8, 15, 0, 0, 0, loc)
	approved := []approval.ApprovedOffering{
		{OfferingID: 1, Title: "Before the meeting", Kind: catalog.DigitalBadge, Version: 1, ApprovedAt: lastMeeting.Add(-time.Hour)},
		{OfferingID: 3, Title: "Library Research Skills", Kind: catalog.DigitalBadge, Version: 2, ApprovedAt: lastMeeting.Add(72 * time.Hour)},
		{OfferingID: 2, Title: "Academic Integrity Tutorial", Kind: catalog.DigitalBadge, Version: 1, ApprovedAt: lastMeeting.Add(24 * time.Hour)},
		{OfferingID: 4, Title: "A micro-credential", Kind: catalog.MicroCredential, Version: 1, ApprovedAt: lastMeeting.Add(24 * time.Hour)},
		{OfferingID: 5, Title: "Tomorrow", Kind: catalog.DigitalBadge, Version: 1, ApprovedAt: w.now.Add(24 * time.Hour)},
	}
	rep, err := w.e.BadgeReport(approved, lastMeeting, w.now)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Items) != 2 || rep.Items[0].OfferingID != 2 || rep.Items[1].OfferingID != 3 || rep.From != "provost" || rep.To != "sscc" {
		t.Fatalf("report %+v, want badges 2 then 3, from the Provost to SSCC", rep)
	}
	if _, err := w.e.SendBadgeReport(rep, w.r, smcChair); apperror.CodeOf(err) != apperror.Forbidden {
		t.Errorf("sent by the SMC chair: got %v, want forbidden", err)
	}
	ev, err := w.e.SendBadgeReport(rep, w.r, provost)
	if err != nil {
		t.Fatal(err)
	}
	ns := noticesTo([]approval.Event{ev}, ssccMember, "badge_report")
	if len(ns) != 1 || !strings.Contains(ns[0].Body, "Academic Integrity Tutorial") || strings.Contains(ns[0].Body, "Before the meeting") {
		t.Errorf("SSCC member got %+v, want the report listing the badges since the meeting", ns)
	}
	if len(noticesTo([]approval.Event{ev}, ssccChair, "badge_report")) != 1 {
		t.Error("the SSCC chair should get the report")
	}
}

func TestAC15_B2d_e_SSCCChallengeProvostExplainsSenateDecides(t *testing.T) {
	w := newWorld(t, "kpu-ac15", kpuRoster(), time.Date(2026, 5, 6, 15, 0, 0, 0, pacific(t)))
	apply := func(ch *approval.Challenge, by int64, a approval.ChallengeAction) ([]approval.Event, error) {
		return w.e.ApplyChallenge(ch, w.r, by, a, w.now)
	}
	must := func(ch *approval.Challenge, by int64, a approval.ChallengeAction) []approval.Event {
		t.Helper()
		evs, err := apply(ch, by, a)
		if err != nil {
			t.Fatal(err)
		}
		return evs
	}
	refuse := func(ch *approval.Challenge, by int64, a approval.ChallengeAction, code apperror.Code) {
		t.Helper()
		before := *ch
		if _, err := apply(ch, by, a); apperror.CodeOf(err) != code {
			t.Fatalf("%T by %d: got %v, want %s", a, by, err, code)
		}
		if ch.Status != before.Status {
			t.Fatal("a refused action changed the challenge")
		}
	}
	raise := approval.RaiseChallenge{OfferingID: 2, Title: "Academic Integrity Tutorial", Kind: catalog.DigitalBadge,
		Reason: "It assesses competencies; it should be a micro-credential.", NextMeeting: time.Date(2026, 6, 3, 15, 0, 0, 0, pacific(t))}

	t.Run("Senate decides when SSCC remains dissatisfied", func(t *testing.T) {
		ch := &approval.Challenge{ID: 1}
		refuse(ch, ssccMember, raise, apperror.Forbidden)
		mc := raise
		mc.Kind = catalog.MicroCredential
		refuse(ch, ssccChair, mc, apperror.Invalid)
		evs := must(ch, ssccChair, raise)
		if ns := noticesTo(evs, provost, "challenge_raised"); len(ns) != 1 || !strings.Contains(ns[0].Body, "2026-06-03") {
			t.Fatalf("Provost notices %+v, want one asking for an explanation at the meeting of 2026-06-03", ns)
		}
		refuse(ch, ssccChair, approval.ConcludeChallenge{Satisfied: true}, apperror.Conflict) // no explanation yet
		refuse(ch, ssccChair, approval.ExplainOffering{Explanation: "x"}, apperror.Forbidden)
		w.now = raise.NextMeeting
		must(ch, provost, approval.ExplainOffering{Explanation: "Completion of the tutorial is all it records."})
		refuse(ch, secretariat, approval.DecideChallenge{UpholdOffering: true, Note: "x"}, apperror.Conflict) // not referred
		refuse(ch, ssccChair, approval.ConcludeChallenge{Satisfied: false}, apperror.Invalid)                 // a reason is needed
		evs = must(ch, ssccChair, approval.ConcludeChallenge{Satisfied: false, Note: "The quiz is a competency assessment."})
		if ch.Status != approval.ChallengeReferred || len(noticesTo(evs, secretariat, "challenge_referred")) != 1 {
			t.Fatalf("status %s, want referred to Senate with its recorder told", ch.Status)
		}
		refuse(ch, ssccChair, approval.DecideChallenge{Note: "x"}, apperror.Forbidden)
		must(ch, secretariat, approval.DecideChallenge{UpholdOffering: false, Note: "Senate, 2026-06-24: propose it as a micro-credential."})
		if st, ok := ch.OfferingStatus(); ch.Status != approval.ChallengeOverturned || !ok || st != catalog.UnderReview {
			t.Errorf("status %s offering %s, want overturned and the badge under review", ch.Status, st)
		}
	})
	t.Run("SSCC is satisfied with the explanation", func(t *testing.T) {
		ch := &approval.Challenge{ID: 2}
		must(ch, ssccChair, raise)
		must(ch, provost, approval.ExplainOffering{Explanation: "It records completion only."})
		must(ch, ssccChair, approval.ConcludeChallenge{Satisfied: true})
		if _, changes := ch.OfferingStatus(); ch.Status != approval.ChallengeResolved || changes {
			t.Errorf("status %s, want resolved, the badge left as it is", ch.Status)
		}
		refuse(ch, secretariat, approval.DecideChallenge{Note: "x"}, apperror.Conflict)
	})
}

func TestAC15_B1g_AnnualReviewByTheProgramArea(t *testing.T) {
	w := newWorld(t, "kpu-ac15", kpuRoster(), time.Date(2027, 3, 10, 9, 0, 0, 0, pacific(t)))
	approved := time.Date(2026, 3, 9, 17, 0, 0, 0, time.UTC)
	tasks := w.e.AnnualReviewsDue([]approval.OfferingActivity{
		{OfferingID: 1, UnitID: arts, Title: "Design Thinking", Kind: catalog.MicroCredential, Status: catalog.Active, ApprovedAt: approved},
		{OfferingID: 2, UnitID: arts, Title: "Approved in the autumn", Kind: catalog.MicroCredential, Status: catalog.Approved, ApprovedAt: approved.AddDate(0, 7, 0)},
		{OfferingID: 3, UnitID: arts, Title: "A badge", Kind: catalog.DigitalBadge, Status: catalog.Active, ApprovedAt: approved},
		{OfferingID: 4, UnitID: arts, Title: "Discontinued", Kind: catalog.MicroCredential, Status: catalog.Discontinued, ApprovedAt: approved},
	}, w.r, w.now)
	if len(tasks) != 1 || tasks[0].OfferingID != 1 || tasks[0].By != "program_area" || len(tasks[0].Tasks) != 3 {
		t.Fatalf("tasks %+v, want one three-part review of offering 1 by the program area", tasks)
	}
	ev := w.e.ReviewTaskEvent(tasks[0], w.now)
	if ns := noticesTo([]approval.Event{ev}, 81, "annual_review_due"); len(ns) != 1 || ns[0].Key == "" {
		t.Errorf("program area notices %+v, want one keyed task", ns)
	}
}

func TestAC15_B1g_NoRunForAYearThenDiscontinuance(t *testing.T) {
	w := newWorld(t, "kpu-ac15", kpuRoster(), time.Date(2027, 6, 1, 9, 0, 0, 0, pacific(t)))
	approved := time.Date(2026, 3, 9, 17, 0, 0, 0, time.UTC)
	flags := w.e.IdleOfferings([]approval.OfferingActivity{
		{OfferingID: 1, Title: "Never run", Kind: catalog.MicroCredential, Status: catalog.Approved, ApprovedAt: approved},
		{OfferingID: 2, Title: "Ran last summer", Kind: catalog.MicroCredential, Status: catalog.Active, ApprovedAt: approved, LastRunAt: time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)},
		{OfferingID: 3, Title: "Ran 13 months ago", Kind: catalog.MicroCredential, Status: catalog.Active, ApprovedAt: approved, LastRunAt: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)},
	}, w.now)
	if len(flags) != 2 || flags[0].OfferingID != 1 || flags[1].OfferingID != 3 || flags[0].OfferingStatus() != catalog.UnderReview {
		t.Fatalf("flags %+v, want offerings 1 and 3 flagged and under review", flags)
	}
	if ns := noticesTo([]approval.Event{w.e.FlagEvent(flags[0], w.r)}, provost, "discontinuance_flagged"); len(ns) != 1 {
		t.Errorf("the Provost got %d flags, want 1", len(ns))
	}
	d := &flags[0]
	apply := func(by int64, a approval.DiscontinuanceAction) error {
		_, err := w.e.ApplyDiscontinuance(d, w.r, by, a, w.now)
		return err
	}
	if err := apply(smcChair, approval.DiscontinueOffering{}); apperror.CodeOf(err) != apperror.Conflict {
		t.Errorf("the SMC acting before the Provost proposes: got %v, want conflict", err)
	}
	if err := apply(smcChair, approval.ProposeDiscontinuance{}); apperror.CodeOf(err) != apperror.Forbidden {
		t.Errorf("the SMC chair proposing: got %v, want forbidden", err)
	}
	if err := apply(provost, approval.ProposeDiscontinuance{Note: "No demand since approval."}); err != nil {
		t.Fatal(err)
	}
	if err := apply(rev1, approval.DiscontinueOffering{}); apperror.CodeOf(err) != apperror.Forbidden {
		t.Errorf("an SMC member discontinuing: got %v, want forbidden", err)
	}
	if err := apply(smcChair, approval.DiscontinueOffering{Note: "SMC, 2027-06-10"}); err != nil {
		t.Fatal(err)
	}
	if d.Status != approval.DiscontinuanceDone || d.OfferingStatus() != catalog.Discontinued {
		t.Errorf("status %s offering %s, want discontinued", d.Status, d.OfferingStatus())
	}
	r := &flags[1]
	if _, err := w.e.ApplyDiscontinuance(r, w.r, provost, approval.RetainOffering{Note: "A run is scheduled for the fall."}, w.now); err != nil {
		t.Fatal(err)
	}
	if r.OfferingStatus() != catalog.Approved {
		t.Errorf("retained offering status %s, want approved", r.OfferingStatus())
	}
}
