package sqlstore

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/approval"
	"cairn/internal/audit"
	"cairn/internal/catalog"
)

// The approval scenarios, through the store, on every engine.

func TestStoreAC15_B1d_v_ThreeApprovalsChairThenProvostSign(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		f := kpu(t, s)
		existing := f.offering("business", catalog.Form{Kind: catalog.MicroCredential, Title: "Design Thinking Foundations",
			Description: "Design thinking for business students.", LearningOutcomes: []string{"Run a design sprint"}})
		o := f.offering("arts", smcForm())
		c := f.submit(o)
		if len(c.Similar) == 0 || c.Similar[0].OfferingID != existing.ID || c.Similar[0].Score <= 0 {
			t.Errorf("similar offerings %+v, want the existing design thinking offering ranked first", c.Similar)
		}
		if got, _ := s.Offering(t.Context(), o.ID); got.Status != catalog.InReview {
			t.Errorf("offering status %s after submission, want in_review", got.Status)
		}
		if n := f.mailTo("chair", "step_completeness_check"); len(n) != 1 {
			t.Errorf("the SMC chair has %d completeness notices queued, want 1", len(n))
		}
		f.throughReview(c)
		for _, r := range []string{"rev1", "rev2", "rev3"} {
			f.act(c, r, approval.CastBallot{Approve: true})
		}
		hash := c.Current().Hash
		f.act(c, "chair", approval.Sign{Role: "chair:smc", VersionHash: hash})
		f.act(c, "provost", approval.Sign{Role: "provost", VersionHash: hash})
		if c.Status != approval.StatusApproved {
			t.Fatalf("case status %s, want approved", c.Status)
		}
		got, err := s.Offering(t.Context(), o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != catalog.Approved || got.ApprovedVersion != 1 || got.ApprovedAt.IsZero() {
			t.Errorf("offering %+v, want approved at version 1", got)
		}
		vs, err := s.OfferingVersions(t.Context(), o.ID)
		if err != nil || len(vs) != 1 || vs[0].Hash() != hash {
			t.Fatalf("versions %v %v, want the one signed, hash %s", vs, err, hash)
		}
		subject := "case/" + strconv.FormatInt(c.ID, 10)
		acts := f.auditActions(subject)
		if acts[0] != "case.submitted" || acts[len(acts)-1] != "case.approved" || !slices.Contains(acts, "case.signed") {
			t.Errorf("audit log %v, want submitted ... signed ... approved", acts)
		}
		log, err := s.AuditLog(t.Context(), 1, MaxAuditPage)
		if err != nil {
			t.Fatal(err)
		}
		if err := audit.Verify(log, nil); err != nil {
			t.Errorf("audit chain: %v", err)
		}
		if n := f.mailTo("pat", "approved"); len(n) != 1 {
			t.Errorf("pat has %d approval notices, want 1", len(n))
		}
	})
}

func TestStoreSubmittedVersionsAreImmutable(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		f := kpu(t, s)
		o := f.offering("arts", smcForm())
		c := f.submit(o)
		o, _ = s.Offering(t.Context(), o.ID)
		o.Draft.Title = "Edited after submission"
		if err := s.UpdateDraft(t.Context(), &o); err != nil {
			t.Fatal(err)
		}
		vs, err := s.OfferingVersions(t.Context(), o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != 1 || vs[0].Form().Title != smcForm().Title || vs[0].Hash() != c.Current().Hash {
			t.Errorf("version 1 is %q, want the title submitted, unchanged by a draft edit", vs[0].Form().Title)
		}
		for name, stmt := range map[string]string{
			"update": `UPDATE offering_versions SET form = '{}' WHERE offering_id = $1`,
			"delete": `DELETE FROM offering_versions WHERE offering_id = $1`,
		} {
			err := s.WithTx(t.Context(), func(tx *Tx) error {
				_, err := tx.exec(stmt, o.ID)
				return err
			})
			if err == nil {
				t.Errorf("%s of a submitted version succeeded, want it refused", name)
			}
		}
		// A signature can only bind a hash the case recorded for its version.
		err = s.WithTx(t.Context(), func(tx *Tx) error {
			_, err := tx.exec(`INSERT INTO case_signatures (case_id, no, visit, step, signer_id, role, version, hash, signed_at)
				VALUES ($1, 99, 1, 'sign_chair', $2, 'chair:smc', 1, $3, $4)`, c.ID, f.id("chair"), strings.Repeat("0", 64), tx.ts(tx.now))
			return err
		})
		if apperror.CodeOf(err) != apperror.Invalid {
			t.Errorf("a signature on a hash the version does not have: got %v, want refused", err)
		}
	})
}

func TestStoreAC15_B1d_ii_IncompleteFeedbackThenResubmitted(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		f := kpu(t, s)
		o := f.offering("arts", smcForm())
		c := f.submit(o)
		f.act(c, "chair", approval.CompletenessDecision{Complete: false, Feedback: "State the assessment rubric."})
		if n := f.mailTo("quinn", "incomplete"); len(n) != 1 || !strings.Contains(n[0].Body, "rubric") {
			t.Errorf("quinn's notices %+v, want the feedback", n)
		}
		if got, _ := s.Offering(t.Context(), o.ID); got.Status != catalog.Draft {
			t.Errorf("offering status %s, want draft while the proponent revises", got.Status)
		}
		o, _ = s.Offering(t.Context(), o.ID)
		o.Draft.AssessmentMethod = "Portfolio marked against a published rubric"
		if err := s.UpdateDraft(t.Context(), &o); err != nil {
			t.Fatal(err)
		}
		f.workingDays(3)
		f.act(c, "pat", approval.Resubmit{Note: "Rubric added."})
		if c.Step != "completeness" || c.Current().Number != 2 {
			t.Fatalf("step %s version %d, want completeness with version 2", c.Step, c.Current().Number)
		}
		vs, _ := s.OfferingVersions(t.Context(), o.ID)
		if len(vs) != 2 || vs[1].Form().AssessmentMethod != o.Draft.AssessmentMethod {
			t.Errorf("versions %d, want the revised draft frozen as version 2", len(vs))
		}
		f.act(c, "chair", approval.CompletenessDecision{Complete: true})
	})
}

func TestStoreAC15_B1d_vi_MeetingFinalVoteReturnedRevisedApproved(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		f := kpu(t, s)
		o := f.offering("arts", smcForm())
		c := f.submit(o)
		f.throughReview(c)
		f.act(c, "rev1", approval.CastBallot{Approve: true})
		f.act(c, "rev2", approval.CastBallot{Approve: true})
		f.act(c, "rev3", approval.CastBallot{Approve: false, Comment: "The assessment is thin."})
		if c.Step != "meeting" {
			t.Fatalf("step %s after 2 of 3, want meeting", c.Step)
		}
		meet := f.clk.Now().Add(26 * time.Hour)
		f.act(c, "chair", approval.ScheduleMeeting{At: meet, Place: "https://meet.example/smc"})
		if n := f.mailTo("rev3", "meeting_scheduled"); len(n) != 1 {
			t.Errorf("rev3 has %d meeting notices, want 1", len(n))
		}
		f.refuse(c, "chair", approval.RecordMinutes{Minutes: "Discussed."}, apperror.Conflict)
		f.setNow(meet.Add(time.Hour))
		f.act(c, "chair", approval.RecordMinutes{Minutes: "Discussed the assessment.", Attendees: []int64{f.id("chair"), f.id("rev1"), f.id("rev2"), f.id("rev3")}})
		f.act(c, "rev1", approval.CastBallot{Approve: true})
		f.act(c, "rev2", approval.CastBallot{Approve: true})
		f.act(c, "rev3", approval.CastBallot{Approve: false})
		if c.Step != "returned" || c.Status != approval.StatusWithProponent {
			t.Fatalf("step %s status %s, want returned to the proponent", c.Step, c.Status)
		}
		o, _ = s.Offering(t.Context(), o.ID)
		o.Draft.AssessmentMethod = "Portfolio and a live client pitch"
		if err := s.UpdateDraft(t.Context(), &o); err != nil {
			t.Fatal(err)
		}
		f.workingDays(5)
		f.act(c, "pat", approval.Resubmit{Note: "Revised after the meeting."})
		f.throughReview(c)
		for _, r := range []string{"rev1", "rev2", "rev3"} {
			f.act(c, r, approval.CastBallot{Approve: true})
		}
		f.act(c, "chair", approval.Sign{VersionHash: c.Current().Hash})
		f.act(c, "provost", approval.Sign{VersionHash: c.Current().Hash})
		got, _ := s.Offering(t.Context(), o.ID)
		if c.Status != approval.StatusApproved || got.Status != catalog.Approved || got.ApprovedVersion != 2 {
			t.Errorf("case %s offering %s version %d, want approved at version 2", c.Status, got.Status, got.ApprovedVersion)
		}
	})
}

func TestStoreAC15_B1d_iii_1_DuplicationDepartmentChairAnswersLateEscalation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		f := kpu(t, s)
		loc, _ := time.LoadLocation("America/Vancouver")
		f.setNow(time.Date(2026, 3, 30, 9, 0, 0, 0, loc))
		existing := f.offering("business", catalog.Form{Kind: catalog.MicroCredential, Title: "Design Thinking Foundations"})
		o := f.offering("arts", smcForm())
		c := f.submit(o)
		f.act(c, "chair", approval.CompletenessDecision{Complete: true})
		f.act(c, "chair", approval.AssignReviewers{Reviewers: []int64{f.id("rev1"), f.id("rev2"), f.id("rev3")}})
		f.setNow(time.Date(2026, 4, 1, 10, 0, 0, 0, loc))
		f.act(c, "rev1", approval.SubmitReview{Answers: kpuAnswers(true)})
		if n := f.mailTo("chair", "duplication_flagged"); len(n) != 1 {
			t.Fatalf("the chair has %d duplication flags, want 1", len(n))
		}
		f.refuse(c, "chair", approval.ConfirmDuplication{ExistingOffering: existing.ID, Consultee: f.id("provost")}, apperror.Invalid)
		f.act(c, "chair", approval.ConfirmDuplication{ExistingOffering: existing.ID, Consultee: f.id("deptchair")})
		if c.Consultations[0].ExistingUnit != f.units["business"] {
			t.Errorf("consultation unit %d, want the existing offering's (business)", c.Consultations[0].ExistingUnit)
		}
		if n := f.mailTo("deptchair", "consultation_requested"); len(n) != 1 || !strings.Contains(n[0].Body, "2026-04-09") {
			t.Fatalf("department chair notices %+v, want one due 2026-04-09", n)
		}
		f.act(c, "rev2", approval.SubmitReview{Answers: kpuAnswers(false)})
		f.act(c, "rev3", approval.SubmitReview{Answers: kpuAnswers(false)})

		f.setNow(time.Date(2026, 4, 10, 9, 0, 0, 0, loc))
		for range 2 {
			if _, err := f.a.CheckDeadlines(t.Context(), f.inst.ID); err != nil {
				t.Fatal(err)
			}
		}
		if n := f.mailTo("chair", "deadline_escalated"); len(n) != 1 {
			t.Errorf("the chair has %d escalations after two checks, want exactly 1", len(n))
		}
		if n := f.mailTo("deptchair", "deadline_overdue"); len(n) != 1 {
			t.Errorf("the department chair has %d overdue notices, want 1", len(n))
		}
		c, _ = f.a.Case(t.Context(), c.ID)
		f.workingDays(1)
		f.act(c, "deptchair", approval.RespondToConsultation{Consultation: 1, Response: "It overlaps half of our course; consider laddering."})
		if !c.Consultations[0].Late {
			t.Error("the late response is not marked late")
		}
		f.act(c, "chair", approval.CloseReview{})
		if c.Step != "vote" {
			t.Errorf("step %s, want vote", c.Step)
		}
	})
}

func TestStoreAC15_B1f_CreditBearingInterimNonCreditThenSSCCThenSenate(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		f := kpu(t, s)
		form := smcForm()
		form.Title, form.CreditStatus, form.Credits = "GIS Essentials", catalog.CreditBearing, 1
		o := f.offering("arts", form)
		c := f.submit(o)
		f.throughReview(c)
		for _, r := range []string{"rev1", "rev2", "rev3"} {
			f.act(c, r, approval.CastBallot{Approve: true})
		}
		f.act(c, "chair", approval.Sign{VersionHash: c.Current().Hash})
		f.act(c, "provost", approval.Sign{VersionHash: c.Current().Hash})
		got, _ := s.Offering(t.Context(), o.ID)
		if c.Step != "sscc" || got.Status != catalog.ApprovedInterimNonCredit || got.ApprovedVersion != 1 {
			t.Fatalf("step %s offering %s version %d, want SSCC with the offering interim non-credit", c.Step, got.Status, got.ApprovedVersion)
		}
		if !got.Status.Offerable() {
			t.Error("an interim offering should be offerable as non-credit")
		}
		f.workingDays(10)
		f.act(c, "ssccchair", approval.Recommend{Recommend: true})
		f.refuse(c, "ssccchair", approval.RecordDecision{Approved: true}, apperror.Forbidden)
		f.workingDays(10)
		f.act(c, "secretariat", approval.RecordDecision{Approved: true, Note: "Senate, May 2026"})
		got, _ = s.Offering(t.Context(), o.ID)
		if c.Status != approval.StatusApproved || got.Status != catalog.Approved {
			t.Errorf("case %s offering %s, want approved", c.Status, got.Status)
		}
	})
}

// Three reviewers vote at the same moment, each through a store of its
// own (as three cairn processes would): every ballot counts, the vote is
// decided once, and the case moves to the chair's signature.
func TestStoreConcurrentBallotsLoseNothing(t *testing.T) {
	forEachShared(t, func(t *testing.T, open func() (*Store, error)) {
		stores := openN(t, 4, open)
		f := kpu(t, stores[0])
		o := f.offering("arts", smcForm())
		c := f.submit(o)
		f.throughReview(c)
		for round := range 3 {
			errs := make(chan error, 3)
			start := make(chan struct{})
			for i, r := range []string{"rev1", "rev2", "rev3"} {
				a := stores[i+1].Approvals(nil)
				setClockTo(stores[i+1], f.clk)
				go func() {
					<-start
					_, _, err := a.Act(t.Context(), c.ID, f.id(r), approval.CastBallot{Approve: round != 1 || r != "rev3"})
					errs <- err
				}()
			}
			close(start)
			for range 3 {
				if err := <-errs; err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
			}
			got, err := f.a.Case(t.Context(), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			switch round {
			case 0:
				if got.Step != "sign_chair" || len(got.BallotsOf(got.Visits[len(got.Visits)-2].No)) != 3 {
					t.Fatalf("after three concurrent approvals: step %s, want sign_chair with 3 ballots", got.Step)
				}
				// Back to a vote: the Provost declines, and the proponent resubmits.
				*c = *got
				f.act(c, "chair", approval.Sign{VersionHash: c.Current().Hash})
				f.act(c, "provost", approval.DeclineToSign{Reason: "Check the fees."})
				f.act(c, "pat", approval.Resubmit{})
				f.throughReview(c)
			case 1:
				if got.Step != "meeting" {
					t.Fatalf("after 2 of 3 concurrent approvals: step %s, want meeting", got.Step)
				}
				votes := 0
				for _, d := range got.Decisions {
					if d.Kind == approval.DecisionVote && d.Visit == got.Visit-1 {
						votes++
					}
				}
				if votes != 1 {
					t.Errorf("the vote was decided %d times, want once", votes)
				}
				*c = *got
				f.act(c, "chair", approval.ScheduleMeeting{At: f.clk.Now(), Place: "online"})
				f.act(c, "chair", approval.RecordMinutes{Minutes: "Discussed."})
			case 2:
				if got.Step != "sign_chair" {
					t.Fatalf("after the final vote: step %s, want sign_chair", got.Step)
				}
			}
		}
	})
}

// setClockTo makes s read the same clock as the fixture.
func setClockTo(s *Store, c *testClock) { s.clock = c.Now }

// A voter who casts twice at the same moment is counted once.
func TestStoreConcurrentDoubleVoteCountsOnce(t *testing.T) {
	forEachShared(t, func(t *testing.T, open func() (*Store, error)) {
		stores := openN(t, 3, open)
		f := kpu(t, stores[0])
		o := f.offering("arts", smcForm())
		c := f.submit(o)
		f.throughReview(c)
		errs := make(chan error, 2)
		for i := range 2 {
			a := stores[i+1].Approvals(nil)
			setClockTo(stores[i+1], f.clk)
			go func() {
				_, _, err := a.Act(t.Context(), c.ID, f.id("rev1"), approval.CastBallot{Approve: true})
				errs <- err
			}()
		}
		var codes []apperror.Code
		for range 2 {
			codes = append(codes, apperror.CodeOf(<-errs))
		}
		slices.Sort(codes)
		if !slices.Equal(codes, []apperror.Code{"", apperror.Conflict}) {
			t.Errorf("two ballots by one voter: got %v, want one success and one conflict", codes)
		}
		got, _ := f.a.Case(t.Context(), c.ID)
		if n := len(got.BallotsOf(got.Visit)); n != 1 {
			t.Errorf("%d ballots recorded, want 1", n)
		}
	})
}
