package sqlstore

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/approval"
	"cairn/internal/catalog"
	"cairn/internal/org"
)

// approveKPU takes a non-credit micro-credential through the SMC and the
// Provost.
func (f *institution) approveKPU(o Offering) *approval.Case {
	f.t.Helper()
	c := f.submit(o)
	f.throughReview(c)
	for _, r := range []string{"rev1", "rev2", "rev3"} {
		f.act(c, r, approval.CastBallot{Approve: true})
	}
	f.act(c, "chair", approval.Sign{VersionHash: c.Current().Hash})
	f.act(c, "provost", approval.Sign{VersionHash: c.Current().Hash})
	if c.Status != approval.StatusApproved {
		f.t.Fatalf("case %s, want approved", c.Status)
	}
	return c
}

func badge(title string) catalog.Form {
	return catalog.Form{Kind: catalog.DigitalBadge, Title: title, Description: "Completion of a tutorial.",
		LearningOutcomes: []string{"Explain what counts as plagiarism"}, DurationHours: 2, CreditStatus: catalog.NonCredit}
}

func TestStoreAC15_B2_BadgeThenProvostReportThenSSCCChallengeThenSenate(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		f := kpu(t, s)
		ctx := t.Context()
		if _, err := s.RecordCommitteeMeeting(ctx, f.inst.ID, "sscc", f.clk.Now().Add(-24*time.Hour), "February meeting"); err != nil {
			t.Fatal(err)
		}
		o := f.offering("arts", badge("Academic Integrity Tutorial"))
		c := f.submit(o)
		if c.Track != "dbc_badge" {
			t.Fatalf("track %s, want dbc_badge", c.Track)
		}
		f.act(c, "dbcchair", approval.CompletenessDecision{Complete: true})
		answers := []approval.Answer{{Question: "completion_based", Value: "yes"}, {Question: "belongs_elsewhere", Value: "no"}}
		for _, m := range []string{"dbcchair", "dbc1", "dbc2"} {
			f.act(c, m, approval.SubmitReview{Answers: answers})
		}
		f.act(c, "dbcchair", approval.CloseReview{})
		f.act(c, "dbc1", approval.CastBallot{Approve: true})
		f.act(c, "dbc2", approval.CastBallot{Approve: true})
		if c.Status != approval.StatusApproved {
			t.Fatalf("badge case %s at %s, want approved by the DBC", c.Status, c.Step)
		}

		f.clk.Advance(48 * time.Hour)
		if _, err := f.a.SendBadgeReport(ctx, f.inst.ID, f.id("chair")); apperror.CodeOf(err) != apperror.Forbidden {
			t.Errorf("report sent by the SMC chair: got %v, want forbidden", err)
		}
		rep, err := f.a.SendBadgeReport(ctx, f.inst.ID, f.id("provost"))
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Items) != 1 || rep.Items[0].OfferingID != o.ID || rep.Items[0].Hash != c.Current().Hash {
			t.Fatalf("report %+v, want the one badge approved since SSCC's last meeting, with its version hash", rep.Items)
		}
		if n := f.mailTo("ssccmember", "badge_report"); len(n) != 1 || !strings.Contains(n[0].Body, "Academic Integrity Tutorial") {
			t.Errorf("SSCC member's report %+v, want the badge listed", n)
		}

		// SSCC meets, and the next report has nothing new.
		if _, err := s.RecordCommitteeMeeting(ctx, f.inst.ID, "sscc", f.clk.Now(), "March meeting"); err != nil {
			t.Fatal(err)
		}
		f.clk.Advance(time.Hour)
		if rep, err := f.a.SendBadgeReport(ctx, f.inst.ID, f.id("provost")); err != nil || len(rep.Items) != 0 {
			t.Errorf("report after the meeting %+v %v, want none", rep.Items, err)
		}

		next := f.clk.Now().AddDate(0, 0, 28)
		if _, err := f.a.RaiseChallenge(ctx, o.ID, f.id("ssccmember"), "Should be a micro-credential.", next); apperror.CodeOf(err) != apperror.Forbidden {
			t.Errorf("challenge by an SSCC member: got %v, want forbidden", err)
		}
		ch, err := f.a.RaiseChallenge(ctx, o.ID, f.id("ssccchair"), "It assesses competencies; it should be a micro-credential.", next)
		if err != nil {
			t.Fatal(err)
		}
		if n := f.mailTo("provost", "challenge_raised"); len(n) != 1 {
			t.Errorf("the Provost has %d challenge notices, want 1", len(n))
		}
		f.clk.Advance(28 * 24 * time.Hour)
		if _, err := f.a.ActOnChallenge(ctx, ch.ID, f.id("provost"), approval.ExplainOffering{Explanation: "It records completion only."}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.ActOnChallenge(ctx, ch.ID, f.id("ssccchair"), approval.ConcludeChallenge{Satisfied: false, Note: "The quiz assesses competencies."}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.ActOnChallenge(ctx, ch.ID, f.id("ssccchair"), approval.DecideChallenge{Note: "x"}); apperror.CodeOf(err) != apperror.Forbidden {
			t.Errorf("SSCC deciding for Senate: got %v, want forbidden", err)
		}
		ch, err = f.a.ActOnChallenge(ctx, ch.ID, f.id("secretariat"), approval.DecideChallenge{UpholdOffering: false, Note: "Senate: propose it as a micro-credential."})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := s.Offering(ctx, o.ID)
		if ch.Status != approval.ChallengeOverturned || got.Status != catalog.UnderReview {
			t.Errorf("challenge %s offering %s, want overturned and the badge under review", ch.Status, got.Status)
		}
		if stored, err := f.a.Challenge(ctx, ch.ID); err != nil || stored.Status != ch.Status || stored.Explanation == "" {
			t.Errorf("stored challenge %+v %v, want it as decided", stored, err)
		}
		if acts := f.auditActions("challenge/" + strconv.FormatInt(ch.ID, 10)); strings.Join(acts, ",") != "challenge.raised,challenge.explained,challenge.referred,challenge.decided" {
			t.Errorf("challenge audit %v", acts)
		}
	})
}

func TestStoreAC15_B1g_AnnualReviewThenNoRunForAYearThenDiscontinuance(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		f := kpu(t, s)
		ctx := t.Context()
		idle := f.offering("arts", smcForm())
		f.approveKPU(idle)
		busyForm := smcForm()
		busyForm.Title = "Bookkeeping Basics"
		busy := f.offering("arts", busyForm)
		f.approveKPU(busy)

		f.setNow(time.Date(2027, 3, 10, 17, 0, 0, 0, time.UTC))
		if err := s.RecordRun(ctx, &OfferingRun{OfferingID: busy.ID, StartsOn: time.Date(2027, 1, 11, 0, 0, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Offering(ctx, busy.ID); got.Status != catalog.Active {
			t.Errorf("offering with a run is %s, want active", got.Status)
		}
		tasks, err := f.a.ScheduleAnnualReviews(ctx, f.inst.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(tasks) != 2 {
			t.Fatalf("%d annual review tasks, want 2 (both approved a year ago)", len(tasks))
		}
		if again, err := f.a.ScheduleAnnualReviews(ctx, f.inst.ID); err != nil || len(again) != 0 {
			t.Errorf("second scheduling made %d tasks (%v), want none", len(again), err)
		}
		if n := f.mailTo("programlead", "annual_review_due"); len(n) != 2 {
			t.Errorf("the program area has %d review notices, want 2", len(n))
		}
		if err := f.a.CompleteAnnualReview(ctx, busy.ID, f.id("rev1"), "x"); apperror.CodeOf(err) != apperror.Forbidden {
			t.Errorf("completed by a non-program-area person: got %v, want forbidden", err)
		}
		if err := f.a.CompleteAnnualReview(ctx, busy.ID, f.id("programlead"), "Current; demand steady."); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Offering(ctx, busy.ID); got.LastReviewedAt.IsZero() {
			t.Error("the review is not recorded on the offering")
		}

		flags, err := f.a.FlagIdleOfferings(ctx, f.inst.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(flags) != 1 || flags[0].OfferingID != idle.ID {
			t.Fatalf("flags %+v, want only the offering never run", flags)
		}
		if again, err := f.a.FlagIdleOfferings(ctx, f.inst.ID); err != nil || len(again) != 0 {
			t.Errorf("flagged again: %+v %v, want nothing", again, err)
		}
		if got, _ := s.Offering(ctx, idle.ID); got.Status != catalog.UnderReview {
			t.Errorf("flagged offering is %s, want under review", got.Status)
		}
		if n := f.mailTo("provost", "discontinuance_flagged"); len(n) != 1 {
			t.Errorf("the Provost has %d flags, want 1", len(n))
		}
		id := flags[0].ID
		if _, err := f.a.ActOnDiscontinuance(ctx, id, f.id("chair"), approval.DiscontinueOffering{}); apperror.CodeOf(err) != apperror.Conflict {
			t.Errorf("SMC acting before the Provost proposes: got %v, want conflict", err)
		}
		if _, err := f.a.ActOnDiscontinuance(ctx, id, f.id("provost"), approval.ProposeDiscontinuance{Note: "No run since approval."}); err != nil {
			t.Fatal(err)
		}
		if n := f.mailTo("chair", "discontinuance_proposed"); len(n) != 1 {
			t.Errorf("the SMC chair has %d proposals, want 1", len(n))
		}
		d, err := f.a.ActOnDiscontinuance(ctx, id, f.id("chair"), approval.DiscontinueOffering{Note: "SMC, March 2027"})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Offering(ctx, idle.ID); d.Status != approval.DiscontinuanceDone || got.Status != catalog.Discontinued {
			t.Errorf("discontinuance %s offering %s, want discontinued", d.Status, got.Status)
		}
	})
}

// yukon is Yukon University under its profile; the clock starts Friday
// 14 August 2026, 09:00 in Whitehorse, before Discovery Day.
func yukon(t *testing.T, s *Store) *institution {
	f := newInstitutionFor(t, s, "yukonu", "yukon", "CA-YT", "America/Whitehorse",
		map[string]org.UnitKind{"trades": org.ProgramArea},
		map[string][]string{
			"curriculum_committee": {"chair", "rev1", "rev2", "rev3"},
			"senate":               {"speaker", "senator"},
		},
		map[string][]string{
			"provost":     {"provost"},
			"office":      {"provost_office"},
			"secretariat": {"senate_secretariat"},
			"programlead": {"program_area@trades"},
		})
	loc, _ := time.LoadLocation("America/Whitehorse")
	f.setNow(time.Date(2026, 8, 14, 9, 0, 0, 0, loc))
	return f
}

func TestStoreYukon_4_ProposalThroughItsChecklist(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		f := yukon(t, s)
		form := smcForm()
		form.Title = "Wilderness First Aid"
		form.DurationHours = 300
		o := f.offering("trades", form)
		if _, _, err := f.a.SubmitProposal(t.Context(), Proposal{OfferingID: o.ID, By: f.id("pat")}); apperror.CodeOf(err) != apperror.Invalid || !strings.Contains(err.Error(), "288") {
			t.Fatalf("a 300-hour proposal: got %v, want refused under Yukon 4.1", err)
		}
		if vs, _ := s.OfferingVersions(t.Context(), o.ID); len(vs) != 0 {
			t.Errorf("a refused submission left %d versions, want none", len(vs))
		}
		o, _ = s.Offering(t.Context(), o.ID)
		o.Draft.DurationHours = 40
		if err := s.UpdateDraft(t.Context(), &o); err != nil {
			t.Fatal(err)
		}
		c := f.submit(o)
		if c.Track != "course_development" {
			t.Fatalf("track %s, want course_development", c.Track)
		}
		f.act(c, "chair", approval.CompletenessDecision{Complete: true})
		f.act(c, "chair", approval.AssignReviewers{Reviewers: []int64{f.id("rev1"), f.id("rev2")}})
		e, _ := f.a.Engine(t.Context(), f.inst.ID)
		due, _ := c.Deadlines[0].Clock.Due(e.Calendar())
		if got := e.Calendar().DateOf(due).String(); got != "2026-08-31" {
			t.Errorf("review due %s, want 2026-08-31 (Discovery Day off)", got)
		}
		var checklist []approval.Answer
		for _, q := range []string{"y4_1_duration", "y4_2_delivery", "y4_3_collaboration", "y4_4_quality", "y4_5_assessment",
			"y4_6_registry", "y4_7_pathways", "y4_8_plar", "y4_9_transfer"} {
			checklist = append(checklist, approval.Answer{Question: q, Value: "met"})
		}
		f.workingDays(4)
		f.act(c, "rev1", approval.SubmitReview{Answers: checklist})
		f.act(c, "rev2", approval.SubmitReview{Answers: checklist})
		f.act(c, "chair", approval.CloseReview{})
		f.act(c, "chair", approval.Recommend{Recommend: true})
		f.act(c, "secretariat", approval.RecordDecision{Approved: true, Note: "Senate, September 2026"})
		if got, _ := s.Offering(t.Context(), o.ID); c.Status != approval.StatusApproved || got.Status != catalog.Approved {
			t.Errorf("case %s offering %s, want approved", c.Status, got.Status)
		}
	})
}

func TestStoreYukon_6_DisputeEscalatesToTheUniversitySecretariat(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		f := yukon(t, s)
		ctx := t.Context()
		sec := org.Person{Name: "Sec", Email: "yukonu.sec@example.edu"}
		if err := s.CreatePerson(ctx, &sec); err != nil {
			t.Fatal(err)
		}
		if err := s.GrantRole(ctx, org.RoleGrant{PersonID: sec.ID, InstitutionID: f.inst.ID, Role: org.UniversitySecretariat}); err != nil {
			t.Fatal(err)
		}
		d, err := f.a.RaiseDispute(ctx, f.inst.ID, f.id("pat"), approval.RaiseDispute{About: "Refusal of a proposal", Text: "Criterion 4.1 was misapplied."})
		if err != nil {
			t.Fatal(err)
		}
		if n := f.mailTo("provost", "dispute_raised"); len(n) != 1 {
			t.Errorf("the Executive Lead has %d notices, want 1", len(n))
		}
		if d, err = f.a.ActOnDispute(ctx, d.ID, f.id("provost"), approval.EscalateDispute{Note: "No resolution found."}); err != nil {
			t.Fatal(err)
		}
		if d, err = f.a.ActOnDispute(ctx, d.ID, sec.ID, approval.ResolveDispute{Note: "Reviewed again by a new panel."}); err != nil {
			t.Fatal(err)
		}
		if d.Status != approval.DisputeResolved || d.Level != 1 || len(d.History) != 3 {
			t.Errorf("dispute %+v, want resolved by the University Secretariat", d)
		}
	})
}

func TestStoreYukon_7_PolicyReviewRemindedOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		f := yukon(t, s)
		loc, _ := time.LoadLocation("America/Whitehorse")
		f.setNow(time.Date(2026, 8, 5, 9, 0, 0, 0, loc))
		for i, want := range []int{1, 0} {
			n, err := f.a.SendPolicyReviewReminders(t.Context(), f.inst.ID)
			if err != nil || n != want {
				t.Errorf("call %d queued %d (%v), want %d", i+1, n, err, want)
			}
		}
		if n := f.mailTo("office", "policy_review_due"); len(n) != 1 {
			t.Errorf("the Office of the Provost has %d reminders, want 1", len(n))
		}
	})
}
