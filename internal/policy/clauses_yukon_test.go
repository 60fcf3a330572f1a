package policy

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
)

// One test per clause of the Yukon University procedures the profile
// cites, named for the clause.

func yukonTrack(t *testing.T, id string) (*Profile, *Track) {
	t.Helper()
	p := builtin(t, "yukon")
	tr, ok := p.Track(id)
	if !ok {
		t.Fatalf("no track %q", id)
	}
	return p, tr
}

func TestYukon_Header_DocumentMetadata(t *testing.T) {
	p := builtin(t, "yukon")
	if p.Institution.Jurisdiction != "CA-YT" {
		t.Errorf("jurisdiction = %q, want CA-YT", p.Institution.Jurisdiction)
	}
	if len(p.Documents) != 1 {
		t.Fatalf("%d documents, want 1", len(p.Documents))
	}
	d := p.Documents[0]
	if d.Holder != "Office of the Provost and Vice-President Academic" || d.ExecutiveLead != "Provost and Vice-President Academic" ||
		d.AssociatedPolicy != "AP 3.0 Micro-credentials Policy" {
		t.Errorf("document = %+v", d)
	}
	if d.Approved != (Date{2024, 11, 20}) || d.NextReview != (Date{Year: 2026, Month: 11}) || !d.LastRevised.IsZero() {
		t.Errorf("approved %v, next review %v, last revised %v; want 2024-11-20, 2026-11, none", d.Approved, d.NextReview, d.LastRevised)
	}
}

func TestYukon_3_MicroCredentialsAreCompetencyBased(t *testing.T) {
	f := yukonForm()
	f.Competencies = nil
	e := errorFor(ValidateForm(builtin(t, "yukon"), f), "competencies")
	if e == nil || !strings.HasSuffix(e.Message, "(Yukon 3)") {
		t.Errorf("error = %v, want one on competencies citing Yukon 3", e)
	}
}

func TestYukon_3_MicroCourseIsApprovedBySenateWithFewerThanThreeCredits(t *testing.T) {
	p := builtin(t, "yukon")
	r, err := p.Recognize(catalog.MicroCourse, catalog.CreditBearing)
	if err != nil || r.ApprovingBody != "senate" {
		t.Errorf("micro-course recognized as %+v, %v; want approved by Senate", r, err)
	}
	f := yukonForm()
	f.Kind, f.CreditStatus, f.Credits = catalog.MicroCourse, catalog.CreditBearing, 1.5
	if errs := ValidateForm(p, f); len(errs) != 0 {
		t.Errorf("1.5-credit micro-course: %v, want accepted", errs)
	}
	tr, err := p.TrackFor(FactsOf(f, ""))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(tr.Steps, func(s Step) bool { return s.Kind == StepBodyDecision && s.Committee == "senate" }) {
		t.Errorf("micro-course track %s has no Senate decision", tr.ID)
	}
}

func TestYukon_3_DigitalBadgeIsNotApprovedBySenateAndNonCredit(t *testing.T) {
	p, tr := yukonTrack(t, "digital_badge")
	got, err := p.TrackFor(Facts{Kind: catalog.DigitalBadge, CreditStatus: catalog.NonCredit})
	if err != nil || got.ID != tr.ID {
		t.Fatalf("TrackFor(badge) = %v, %v", got, err)
	}
	for _, s := range tr.Steps {
		if s.Committee == "senate" {
			t.Errorf("badge step %s is Senate's", s.ID)
		}
	}
	if r, _ := p.Recognize(catalog.DigitalBadge, catalog.NonCredit); r.ApprovingBody == "senate" {
		t.Errorf("badge approving body is Senate")
	}
	if _, err := p.Recognize(catalog.DigitalBadge, catalog.CreditBearing); apperror.CodeOf(err) != apperror.Invalid {
		t.Errorf("credit-bearing badge recognized: %v", err)
	}
}

func TestYukon_4_SameProceduresAsProgramAndCourseDevelopment(t *testing.T) {
	_, tr := yukonTrack(t, "course_development")
	path := follow(t, tr, tr.Start, OutcomeComplete, OutcomeReviewed, OutcomeRecommended, OutcomeApproved)
	want := []StepKind{StepCompletenessCheck, StepReview, StepCommitteeRecommendation, StepBodyDecision, StepApproved}
	if got := kinds(t, tr, path); !slices.Equal(got, want) {
		t.Errorf("path %v kinds %v, want %v", path, got, want)
	}
	if tr.Clause != "Yukon 4" {
		t.Errorf("track clause %q, want Yukon 4", tr.Clause)
	}
	for _, cs := range catalog.CreditStatuses() {
		if got, err := builtin(t, "yukon").TrackFor(Facts{Kind: catalog.MicroCredential, CreditStatus: cs}); err != nil || got.ID != tr.ID {
			t.Errorf("micro-credential %s takes %v, %v", cs, got, err)
		}
	}
}

func TestYukon_4_1To4_9_ReviewChecklist(t *testing.T) {
	p, tr := yukonTrack(t, "course_development")
	r, _ := tr.Step("review")
	if len(r.Questions) != 9 {
		t.Fatalf("review asks %d questions, want criteria 4.1-4.9", len(r.Questions))
	}
	for i, id := range r.Questions {
		q, ok := p.Question(id)
		want := fmt.Sprintf("Yukon 4.%d", i+1)
		if !ok || q.Clause != want || q.Answer != AnswerChecklist || !strings.HasPrefix(q.Text, want[6:]+" ") {
			t.Errorf("question %d = %+v, want a checklist item citing %s", i+1, q, want)
		}
	}
	if days, ok := r.Deadline(); !ok || days != 10 {
		t.Errorf("review deadline %d, %v; want 10 working days (cairn default)", days, ok)
	}
}

func TestYukon_4_1_DurationUnder288Hours(t *testing.T) {
	p := builtin(t, "yukon")
	for _, tt := range []struct {
		hours float64
		ok    bool
	}{{287.5, true}, {40, true}, {288, false}, {300, false}} {
		f := yukonForm()
		f.DurationHours = tt.hours
		e := errorFor(ValidateForm(p, f), "duration_hours")
		if (e == nil) != tt.ok {
			t.Errorf("%v hours: error %v, want accepted %v", tt.hours, e, tt.ok)
		}
		if e != nil && (!strings.Contains(e.Message, "less than 288") || !strings.HasSuffix(e.Message, "(Yukon 4.1)")) {
			t.Errorf("%v hours: message %q, want it to cite Yukon 4.1", tt.hours, e.Message)
		}
	}
}

func TestYukon_4_2_DeliveryRequired(t *testing.T) {
	f := yukonForm()
	f.DeliveryMode = ""
	if e := errorFor(ValidateForm(builtin(t, "yukon"), f), "delivery_mode"); e == nil || !strings.HasSuffix(e.Message, "(Yukon 4.2)") {
		t.Errorf("error = %v, want one citing Yukon 4.2", e)
	}
}

func TestYukon_4_3_EvidenceOfNeedRequired(t *testing.T) {
	f := yukonForm()
	f.NeedEvidence = ""
	if e := errorFor(ValidateForm(builtin(t, "yukon"), f), "need_evidence"); e == nil || !strings.HasSuffix(e.Message, "(Yukon 4.3)") {
		t.Errorf("error = %v, want one citing Yukon 4.3", e)
	}
}

func TestYukon_4_4_PeriodicReview(t *testing.T) {
	ar := builtin(t, "yukon").Processes.AnnualReview
	if ar == nil || ar.Clause != "Yukon 4.4" || ar.EveryMonths != 12 || ar.By != "program_area" {
		t.Errorf("annual review = %+v", ar)
	}
}

func TestYukon_4_5_AssessmentRequired(t *testing.T) {
	f := yukonForm()
	f.AssessmentMethod = ""
	if e := errorFor(ValidateForm(builtin(t, "yukon"), f), "assessment_method"); e == nil || !strings.HasSuffix(e.Message, "(Yukon 4.5)") {
		t.Errorf("error = %v, want one citing Yukon 4.5", e)
	}
}

func TestYukon_4_7_CreditStatusRequired(t *testing.T) {
	f := yukonForm()
	f.CreditStatus = ""
	e := errorFor(ValidateForm(builtin(t, "yukon"), f), "credit_status")
	if e == nil || e.Message != "Credit status is required (Yukon 4.7)" {
		t.Errorf("error = %v, want \"Credit status is required (Yukon 4.7)\"", e)
	}
}

func TestYukon_6_ProblemSolvingEscalation(t *testing.T) {
	ps := builtin(t, "yukon").Processes.ProblemSolving
	if ps == nil || !slices.Equal(ps.Escalation, []string{"provost", "university_secretariat"}) || ps.Clause != "Yukon 6" {
		t.Errorf("problem solving = %+v, want Executive Lead then University Secretariat", ps)
	}
}

func TestYukon_7_PolicyReviewReminders(t *testing.T) {
	p := builtin(t, "yukon")
	at := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 12, 0, 0, 0, time.UTC) }
	if got := p.ReviewsDue(at(2026, 7, 1)); len(got) != 0 {
		t.Errorf("July 2026: %+v, want no reminder yet", got)
	}
	got := p.ReviewsDue(at(2026, 9, 1))
	if len(got) != 1 || got[0].Overdue || got[0].Notify != "provost_office" || got[0].Due.String() != "2026-11" || got[0].Clause != "Yukon 7" {
		t.Errorf("September 2026: %+v, want one reminder to the procedure holder, due 2026-11", got)
	}
	if got := p.ReviewsDue(at(2026, 11, 30)); len(got) != 1 || got[0].Overdue {
		t.Errorf("30 November 2026: %+v, want due, not overdue", got)
	}
	if got := p.ReviewsDue(at(2026, 12, 1)); len(got) != 1 || !got[0].Overdue {
		t.Errorf("December 2026: %+v, want overdue", got)
	}
	h := p.Documents[0].History
	if len(h) != 1 || h[0].Change != "New Policy and Procedures approved by Senate" || h[0].Approver != "Senate" {
		t.Errorf("history = %+v", h)
	}
}
