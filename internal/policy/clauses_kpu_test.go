package policy

import (
	"slices"
	"strings"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
)

// One test per clause of AC15 the KPU profile cites, named for the clause.

func kpuTrack(t *testing.T, id string) (*Profile, *Track) {
	t.Helper()
	p := builtin(t, "kpu-ac15")
	tr, ok := p.Track(id)
	if !ok {
		t.Fatalf("no track %q", id)
	}
	return p, tr
}

func step(t *testing.T, tr *Track, id string) *Step {
	t.Helper()
	s, ok := tr.Step(id)
	if !ok {
		t.Fatalf("track %s has no step %q", tr.ID, id)
	}
	return s
}

// follow walks a track from a step through the given outcomes and returns
// the ids of the steps visited.
func follow(t *testing.T, tr *Track, from string, outcomes ...Outcome) []string {
	t.Helper()
	path := []string{from}
	cur := step(t, tr, from)
	for _, o := range outcomes {
		next, ok := cur.NextStep(o)
		if !ok {
			t.Fatalf("step %s has no outcome %q (path so far %v)", cur.ID, o, path)
		}
		cur = step(t, tr, next)
		path = append(path, cur.ID)
	}
	return path
}

func kinds(t *testing.T, tr *Track, ids []string) []StepKind {
	var out []StepKind
	for _, id := range ids {
		out = append(out, step(t, tr, id).Kind)
	}
	return out
}

func smcMembers() []Member {
	return []Member{
		{PersonID: "arts-rep", Category: "faculty", UnitID: "arts", Chair: true},
		{PersonID: "science-rep", Category: "faculty", UnitID: "science"},
		{PersonID: "health-rep", Category: "faculty", UnitID: "health"},
		{PersonID: "provost-rep", Category: "provost_office", UnitID: "provost"},
		{PersonID: "cps-rep", Category: "continuing_studies", UnitID: "cps"},
		{PersonID: "dean", Category: "decanal", UnitID: "deans"},
	}
}

func TestAC15_B1a_SMCIsASubcommitteeOfSSCC(t *testing.T) {
	p := builtin(t, "kpu-ac15")
	smc, _ := p.Committee("smc")
	if smc.Parent != "sscc" || smc.CreatedBy != "sscc" || smc.Clause != "AC15 B.1.a" {
		t.Errorf("smc parent %q created by %q clause %q, want sscc, sscc, AC15 B.1.a", smc.Parent, smc.CreatedBy, smc.Clause)
	}
}

func TestAC15_B1b_SMCComposition(t *testing.T) {
	p := builtin(t, "kpu-ac15")
	smc, _ := p.Committee("smc")
	rule := *smc.Composition
	faculties := []string{"arts", "science", "health"}
	if rule.Chair != ChairElected {
		t.Errorf("SMC chair rule = %q, want elected from members", rule.Chair)
	}
	t.Run("complete SMC passes", func(t *testing.T) {
		if got := CheckComposition(rule, smcMembers(), faculties); len(got) != 0 {
			t.Errorf("violations = %+v, want none", got)
		}
	})
	t.Run("a Faculty without its member is reported", func(t *testing.T) {
		members := slices.DeleteFunc(smcMembers(), func(m Member) bool { return m.UnitID == "health" })
		got := CheckComposition(rule, members, faculties)
		want := Violation{Clause: "AC15 B.1.b.i", Message: `needs 1 member from category "faculty" from faculty "health", has 0`,
			Category: "faculty", Faculty: "health"}
		if len(got) != 1 || got[0] != want {
			t.Errorf("violations = %+v, want [%+v]", got, want)
		}
	})
	t.Run("each single seat is required", func(t *testing.T) {
		for _, cat := range []string{"provost_office", "continuing_studies", "decanal"} {
			members := slices.DeleteFunc(smcMembers(), func(m Member) bool { return m.Category == cat })
			got := CheckComposition(rule, members, faculties)
			if len(got) != 1 || !strings.Contains(got[0].Message, cat) || !strings.HasPrefix(got[0].Clause, "AC15 B.1.b.") {
				t.Errorf("without %s: violations = %+v", cat, got)
			}
		}
	})
	t.Run("the chair comes from the members", func(t *testing.T) {
		members := smcMembers()
		members[0].Chair = false
		if got := CheckComposition(rule, members, faculties); len(got) != 1 || got[0].Clause != "AC15 B.1.b" {
			t.Errorf("violations = %+v, want one citing AC15 B.1.b", got)
		}
	})
}

func TestAC15_B1c_SMCMakesTheOutlineForm(t *testing.T) {
	p := builtin(t, "kpu-ac15")
	if p.Form.Clause != "AC15 B.1.c" {
		t.Errorf("form clause = %q, want AC15 B.1.c", p.Form.Clause)
	}
	views := p.FormFields(Facts{Kind: catalog.MicroCredential})
	if len(views) < 20 {
		t.Errorf("form has %d fields for a micro-credential, want the full outline", len(views))
	}
}

func TestAC15_B1d_i_ii_IncompleteFormAwaitsResubmission(t *testing.T) {
	for _, id := range []string{"smc_credit", "smc_non_credit"} {
		_, tr := kpuTrack(t, id)
		first := tr.First()
		if first.Kind != StepCompletenessCheck || first.Committee != "smc" {
			t.Errorf("%s starts with %s by %q, want completeness_check by the SMC chair", id, first.Kind, first.Committee)
		}
		path := follow(t, tr, first.ID, OutcomeIncomplete, OutcomeResubmitted)
		if got := kinds(t, tr, path); !slices.Equal(got, []StepKind{StepCompletenessCheck, StepReturnForRevision, StepCompletenessCheck}) {
			t.Errorf("%s incomplete path = %v, want back to the completeness check on resubmission", id, got)
		}
	}
}

func TestAC15_B1d_iii_ThreeReviewers(t *testing.T) {
	for _, id := range []string{"smc_credit", "smc_non_credit"} {
		_, tr := kpuTrack(t, id)
		path := follow(t, tr, tr.Start, OutcomeComplete)
		r := step(t, tr, path[1])
		days, ok := r.Deadline()
		if r.Kind != StepReview || r.Committee != "smc" || r.Reviewers != (Headcount{N: 3}) || !ok || days != 10 {
			t.Errorf("%s review = %s by %s, %s reviewers, deadline %d (%v); want review by smc, 3 reviewers, 10 working days",
				id, r.Kind, r.Committee, r.Reviewers, days, ok)
		}
		if r.Clause != "AC15 B.1.d.iii" {
			t.Errorf("clause %q, want AC15 B.1.d.iii", r.Clause)
		}
		if want := []string{"duplication", "competency_based", "credit_bearing"}; !slices.Equal(r.Questions, want) {
			t.Errorf("questions = %v, want %v", r.Questions, want)
		}
	}
}

func TestAC15_B1d_iii_1_DuplicationGoesToTheDepartmentChairForFiveDays(t *testing.T) {
	p := builtin(t, "kpu-ac15")
	q, ok := p.Question("duplication")
	if !ok || q.Consultation == nil {
		t.Fatal("no duplication question with a consultation")
	}
	c := q.Consultation
	if c.WhenAnswer != "yes" || c.Role != "department_chair" || c.Of != ConsultExistingOffering ||
		c.DeadlineDays == nil || *c.DeadlineDays != 5 || c.RespondTo != RespondToChair {
		t.Errorf("consultation = %+v, want yes -> department chair of the existing offering, 5 days, to the SMC chair", *c)
	}
	if !strings.Contains(q.Text, "duplication of offerings") || q.Answer != AnswerYesNo {
		t.Errorf("question = %q (%s)", q.Text, q.Answer)
	}
}

func TestAC15_B1d_iii_2_3_CompetencyAndCreditQuestions(t *testing.T) {
	p := builtin(t, "kpu-ac15")
	for id, want := range map[string]string{
		"competency_based": "Is the Micro-credential competency-based?",
		"credit_bearing":   "Will the Micro-credential be credit-bearing or embedded within credit-bearing courses or programs?",
	} {
		q, ok := p.Question(id)
		if !ok || q.Text != want {
			t.Errorf("question %s = %+v, want %q", id, q, want)
		}
	}
}

func TestAC15_B1d_iv_v_ChairCallsTheQuestionAndAllThreeMustApprove(t *testing.T) {
	_, tr := kpuTrack(t, "smc_credit")
	path := follow(t, tr, "review", OutcomeReviewed, OutcomeApproved, OutcomeSigned)
	vote := step(t, tr, path[1])
	if vote.Voters != ElectReviewers || vote.ReviewStep != "review" || vote.Rule.Type != RuleAllOf || vote.Rule.N != 3 || vote.Mode != ModeElectronic {
		t.Errorf("vote = %+v, want the 3 reviewers, all of 3, electronic", vote)
	}
	if d, p := vote.Rule.Decide(2, 1, 3); !d || p {
		t.Errorf("2 of 3 approvals: decided %v passed %v, want decided and not passed", d, p)
	}
	if got := path[2:]; !slices.Equal(got, []string{"sign_chair", "sign_provost"}) {
		t.Errorf("after approval: %v, want sign_chair then sign_provost", got)
	}
}

func TestAC15_B1d_v_ChairSignsBeforeProvost(t *testing.T) {
	for _, id := range []string{"smc_credit", "smc_non_credit"} {
		_, tr := kpuTrack(t, id)
		chair, provost := step(t, tr, "sign_chair"), step(t, tr, "sign_provost")
		if chair.Kind != StepSign || chair.Committee != "smc" || provost.Kind != StepSign || provost.Role != "provost" {
			t.Errorf("%s: chair signs %s/%q, provost %s/%q", id, chair.Kind, chair.Committee, provost.Kind, provost.Role)
		}
		if !slices.Equal(provost.After, []string{"sign_chair"}) {
			t.Errorf("%s: provost signs after %v, want [sign_chair]", id, provost.After)
		}
	}
}

func TestAC15_B1d_vi_MeetingFinalVoteThenRevision(t *testing.T) {
	_, tr := kpuTrack(t, "smc_non_credit")
	path := follow(t, tr, "vote", OutcomeNotApproved, OutcomeHeld, OutcomeNotApproved)
	if got := kinds(t, tr, path); !slices.Equal(got, []StepKind{StepVote, StepMeeting, StepVote, StepReturnForRevision}) {
		t.Errorf("path %v kinds %v, want vote, meeting, final vote, return for revision", path, got)
	}
	meeting, final := step(t, tr, path[1]), step(t, tr, path[2])
	if meeting.Mode != ModeElectronic || meeting.Participants != ElectReviewers {
		t.Errorf("meeting = %+v, want electronic with the reviewers", meeting)
	}
	if final.Rule.Type != RuleAllOf || final.Rule.N != 3 {
		t.Errorf("final vote rule = %v, want all_of 3", final.Rule)
	}
	if next, _ := final.NextStep(OutcomeApproved); next != "sign_chair" {
		t.Errorf("final vote approved -> %s, want sign_chair", next)
	}
}

func TestAC15_B1d_vi_1_AppealToTheEntireCommitteeAtChairsDiscretion(t *testing.T) {
	_, tr := kpuTrack(t, "smc_credit")
	path := follow(t, tr, "returned", OutcomeAppealed)
	a := step(t, tr, path[1])
	if a.Kind != StepAppeal || a.Committee != "smc" || a.Appeals != "final_vote" || a.Clause != "AC15 B.1.d.vi.1" {
		t.Errorf("appeal = %+v, want an appeal of final_vote to the SMC citing AC15 B.1.d.vi.1", a)
	}
	if _, ok := a.NextStep(OutcomeRefused); !ok {
		t.Errorf("the chair cannot refuse an appeal")
	}
	if next, _ := a.NextStep(OutcomeApproved); next != "sign_chair" {
		t.Errorf("appeal upheld -> %s, want sign_chair", next)
	}
	// One appeal per decision: after it, the proponent can only revise.
	after := step(t, tr, a.Next[OutcomeNotApproved])
	if _, ok := after.NextStep(OutcomeAppealed); ok {
		t.Errorf("%s allows a second appeal", after.ID)
	}
}

func TestAC15_B1e_NonCreditIsApprovedBySMCAndProvost(t *testing.T) {
	p, tr := kpuTrack(t, "smc_non_credit")
	got, err := p.TrackFor(Facts{Kind: catalog.MicroCredential, CreditStatus: catalog.NonCredit})
	if err != nil || got.ID != tr.ID {
		t.Fatalf("TrackFor(non-credit) = %v, %v", got, err)
	}
	// With the joint committee off, sign_chair leads through the skipped
	// optional step to the Provost and approval.
	kfa := step(t, tr, "kfa")
	if p.StepApplies(kfa, Facts{Kind: catalog.MicroCredential, UnitCategory: "continuing_studies"}) {
		t.Errorf("joint committee step applies while its option is off")
	}
	path := follow(t, tr, "sign_chair", OutcomeSigned, OutcomeSkipped, OutcomeSigned)
	if !slices.Equal(path, []string{"sign_chair", "kfa", "sign_provost", "approved"}) {
		t.Errorf("path = %v", path)
	}
	for _, s := range tr.Steps {
		if s.Committee == "sscc" || s.Committee == "senate" || s.Kind == StepInterimStatus {
			t.Errorf("non-credit track has step %s (%s, %s)", s.ID, s.Kind, s.Committee)
		}
	}
}

func TestAC15_B1f_CreditBearingGoesOnToSSCCAndSenate(t *testing.T) {
	p, tr := kpuTrack(t, "smc_credit")
	for _, f := range []Facts{
		{Kind: catalog.MicroCredential, CreditStatus: catalog.CreditBearing},
		{Kind: catalog.MicroCredential, CreditStatus: catalog.Embedded},
		{Kind: catalog.MicroCredential, CreditStatus: catalog.NonCredit, Requisite: true},
	} {
		if got, err := p.TrackFor(f); err != nil || got.ID != tr.ID {
			t.Errorf("TrackFor(%+v) = %v, %v; want smc_credit", f, got, err)
		}
	}
	path := follow(t, tr, "sign_provost", OutcomeSigned, OutcomeContinue, OutcomeRecommended, OutcomeApproved)
	want := []StepKind{StepSign, StepInterimStatus, StepCommitteeRecommendation, StepBodyDecision, StepApproved}
	if got := kinds(t, tr, path); !slices.Equal(got, want) {
		t.Errorf("path %v kinds %v, want %v", path, got, want)
	}
	sscc, senate := step(t, tr, path[2]), step(t, tr, path[3])
	if sscc.Committee != "sscc" || sscc.To != "senate" || senate.Committee != "senate" {
		t.Errorf("sscc %+v senate %+v", sscc, senate)
	}
	// A form asking to be a requisite selects the track too.
	f := kpuForm()
	f.RequisiteFor = []string{"BUSI 1100"}
	if got, _ := p.TrackFor(FactsOf(f, "")); got == nil || got.ID != tr.ID {
		t.Errorf("requisite form takes track %v, want smc_credit", got)
	}
}

func TestAC15_B1f_i_InterimNonCreditWhileAwaitingSSCCAndSenate(t *testing.T) {
	_, tr := kpuTrack(t, "smc_credit")
	s := step(t, tr, "interim")
	if s.Kind != StepInterimStatus || s.OfferAs != catalog.NonCredit || s.Clause != "AC15 B.1.f.i" {
		t.Errorf("interim step = %+v", s)
	}
	if next, _ := step(t, tr, "sign_provost").NextStep(OutcomeSigned); next != "interim" {
		t.Errorf("after the Provost signs -> %s, want interim", next)
	}
	if next, _ := s.NextStep(OutcomeContinue); step(t, tr, next).Committee != "sscc" {
		t.Errorf("after interim -> %s, want SSCC review", next)
	}
}

func TestAC15_B1g_AnnualReviewAndDiscontinuance(t *testing.T) {
	p := builtin(t, "kpu-ac15")
	ar, dc := p.Processes.AnnualReview, p.Processes.Discontinuance
	if ar == nil || ar.EveryMonths != 12 || ar.By != "program_area" || !ar.Applies(catalog.MicroCredential) || ar.Clause != "AC15 B.1.g" {
		t.Fatalf("annual review = %+v", ar)
	}
	last := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	if due := ar.Due(last); !due.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("next review due %v, want a year on", due)
	}
	if dc == nil || dc.IdleMonths != 12 || dc.ConsideredBy != "provost" || dc.SentTo != "smc" || dc.Clause != "AC15 B.1.g" {
		t.Fatalf("discontinuance = %+v", dc)
	}
	if dc.Idle(last, last.AddDate(0, 11, 27)) || !dc.Idle(last, last.AddDate(1, 0, 0)) {
		t.Errorf("idle after 11 months %v, after 1 year %v; want false, true",
			dc.Idle(last, last.AddDate(0, 11, 27)), dc.Idle(last, last.AddDate(1, 0, 0)))
	}
	if dc.Applies(catalog.DigitalBadge) {
		t.Errorf("discontinuance rule applies to digital badges; B.1.g covers micro-credentials")
	}
}

func TestAC15_B2a_DBCApprovesDigitalBadges(t *testing.T) {
	p, tr := kpuTrack(t, "dbc_badge")
	dbc, _ := p.Committee("dbc")
	if dbc.CreatedBy != "provost" {
		t.Errorf("DBC created by %q, want provost", dbc.CreatedBy)
	}
	got, err := p.TrackFor(Facts{Kind: catalog.DigitalBadge, CreditStatus: catalog.NonCredit})
	if err != nil || got.ID != tr.ID {
		t.Fatalf("TrackFor(badge) = %v, %v", got, err)
	}
	path := follow(t, tr, tr.Start, OutcomeComplete, OutcomeReviewed, OutcomeApproved)
	if last := step(t, tr, path[len(path)-1]); last.Kind != StepApproved {
		t.Errorf("badge path %v does not end approved", path)
	}
	for _, s := range tr.Steps {
		if s.Committee != "" && s.Committee != "dbc" {
			t.Errorf("badge step %s involves %s; digital badges are not approved by Senate", s.ID, s.Committee)
		}
	}
}

func TestAC15_B2b_DBCComposition(t *testing.T) {
	p := builtin(t, "kpu-ac15")
	dbc, _ := p.Committee("dbc")
	full := []Member{
		{PersonID: "f", Category: "faculty", UnitID: "arts", Chair: true},
		{PersonID: "p", Category: "provost_office"},
		{PersonID: "a", Category: "administrative"},
		{PersonID: "d", Category: "decanal"},
	}
	if got := CheckComposition(*dbc.Composition, full, []string{"arts", "science"}); len(got) != 0 {
		t.Errorf("complete DBC: %+v, want no violations", got)
	}
	missing := full[:3]
	got := CheckComposition(*dbc.Composition, missing, nil)
	if len(got) != 1 || got[0].Clause != "AC15 B.2.b.iv" {
		t.Errorf("DBC without a decanal representative: %+v, want one violation citing AC15 B.2.b.iv", got)
	}
	two := append(slices.Clone(full), Member{PersonID: "f2", Category: "faculty", UnitID: "science"})
	got = CheckComposition(*dbc.Composition, two, nil)
	if len(got) != 1 || got[0].Clause != "AC15 B.2.b.i" || !strings.Contains(got[0].Message, "has 2") {
		t.Errorf("DBC with two faculty representatives: %+v", got)
	}
	cps := append(slices.Clone(full), Member{PersonID: "c", Category: "continuing_studies"})
	if got := CheckComposition(*dbc.Composition, cps, nil); len(got) != 1 || !strings.Contains(got[0].Message, "no seat") {
		t.Errorf("DBC with a CPS member: %+v, want one violation (no such seat)", got)
	}
}

func TestAC15_B2c_ProvostReportsNewBadgesToSSCC(t *testing.T) {
	r := builtin(t, "kpu-ac15").Processes.BadgeReport
	if r == nil || r.From != "provost" || r.To != "sscc" || !slices.Equal(r.Kinds, []catalog.Kind{catalog.DigitalBadge}) || r.Clause != "AC15 B.2.c" {
		t.Errorf("badge report = %+v", r)
	}
}

func TestAC15_B2d_e_SSCCChallengeGoesToTheProvostThenSenate(t *testing.T) {
	c := builtin(t, "kpu-ac15").Processes.BadgeChallenge
	if c == nil || c.RaisedBy != "sscc" || c.ExplainedBy != "provost" || c.DecidedBy != "senate" || c.Clause != "AC15 B.2.d-e" {
		t.Errorf("badge challenge = %+v", c)
	}
}

func TestAC15_FAQ1_RecognitionChart(t *testing.T) {
	p := builtin(t, "kpu-ac15")
	tests := []struct {
		kind        catalog.Kind
		credit      catalog.CreditStatus
		recognition string
		body        string
		example     string
	}{
		{catalog.DigitalBadge, catalog.NonCredit, "Digital Badge", "Digital Badge Committee (DBC)", "Academic Integrity tutorial for students"},
		{catalog.MicroCredential, catalog.NonCredit, "Micro-credential, represented by an Open Badge", "Senate Micro-credential Committee (SMC)", "CPS/WSOD Short Course on Design Thinking"},
		{catalog.MicroCredential, catalog.CreditBearing, "Micro-credential, represented by an Open Badge", "Senate Micro-credential Committee (SMC)", "Micro Course on Geographic Information System (GIS)"},
	}
	for _, tt := range tests {
		r, err := p.Recognize(tt.kind, tt.credit)
		if err != nil {
			t.Errorf("Recognize(%s, %s): %v", tt.kind, tt.credit, err)
			continue
		}
		if r.Recognition != tt.recognition || r.ApprovingBodyName != tt.body || r.Example != tt.example || r.Clause != "AC15 FAQ 1" {
			t.Errorf("Recognize(%s, %s) = %+v", tt.kind, tt.credit, r)
		}
	}
	_, err := p.Recognize(catalog.DigitalBadge, catalog.CreditBearing)
	if apperror.CodeOf(err) != apperror.Invalid || !strings.Contains(err.Error(), "(AC15 FAQ 1)") {
		t.Errorf("credit-bearing badge: %v, want invalid citing AC15 FAQ 1", err)
	}
}

func TestAC15_A1_DigitalBadgesAreNonCredit(t *testing.T) {
	f := kpuForm()
	f.Kind, f.CreditStatus, f.Competencies = catalog.DigitalBadge, catalog.CreditBearing, nil
	e := errorFor(ValidateForm(builtin(t, "kpu-ac15"), f), "credit_status")
	if e == nil || !strings.HasSuffix(e.Message, "(AC15 A.1)") {
		t.Errorf("credit-bearing badge error = %v, want one on credit_status citing AC15 A.1", e)
	}
}

func TestAC15_PolicyB_MicroAndShortCoursesAreOutOfScope(t *testing.T) {
	p := builtin(t, "kpu-ac15")
	for _, k := range []catalog.Kind{catalog.MicroCourse, catalog.ShortCourse} {
		_, err := p.TrackFor(Facts{Kind: k, CreditStatus: catalog.NonCredit})
		if apperror.CodeOf(err) != apperror.Invalid || !strings.Contains(err.Error(), "AC15 Policy B") {
			t.Errorf("TrackFor(%s) = %v, want invalid citing AC15 Policy B", k, err)
		}
	}
}

func TestAC15_PolicyC1_MicroCredentialsAreCompetencyBased(t *testing.T) {
	f := kpuForm()
	f.Competencies = nil
	e := errorFor(ValidateForm(builtin(t, "kpu-ac15"), f), "competencies")
	if e == nil || !strings.Contains(e.Message, "AC15 Policy C.1") {
		t.Errorf("error = %v, want one on competencies citing AC15 Policy C.1", e)
	}
}

func TestConsultationRecord_ReviewTimeRevisedToTenWorkingDays(t *testing.T) {
	p := builtin(t, "kpu-ac15")
	found := false
	for _, d := range p.Documents {
		for _, r := range d.History {
			if r.Source == "consultation record" && strings.Contains(r.Change, "from 5 working days to 10 working days") {
				found = r.Date == Date{Year: 2021, Month: 2, Day: 3}
			}
		}
	}
	if !found {
		t.Errorf("document history lacks the 2021-02-03 revision of the SMC review time")
	}
}

func TestConsultationRecord_ChairSupportsThreeDelegatedMembersDecide(t *testing.T) {
	_, tr := kpuTrack(t, "smc_credit")
	if r := step(t, tr, "review"); r.IncludeChair {
		t.Errorf("the SMC chair may assign themself as a reviewer")
	}
}

func TestConsultationRecord_JointKPUKFACommitteeIsOptional(t *testing.T) {
	p, tr := kpuTrack(t, "smc_non_credit")
	kfa := step(t, tr, "kfa")
	cps := Facts{Kind: catalog.MicroCredential, CreditStatus: catalog.NonCredit, UnitCategory: "continuing_studies"}
	faculty := Facts{Kind: catalog.MicroCredential, CreditStatus: catalog.NonCredit, UnitCategory: "faculty"}
	if p.OptionEnabled("kpu_kfa_joint_committee") || p.StepApplies(kfa, cps) {
		t.Fatalf("joint committee on by default")
	}
	if err := p.SetOption("kpu_kfa_joint_committee", true); err != nil {
		t.Fatal(err)
	}
	if !p.StepApplies(kfa, cps) || p.StepApplies(kfa, faculty) {
		t.Errorf("switched on: applies to CPS %v, to a Faculty %v; want true, false", p.StepApplies(kfa, cps), p.StepApplies(kfa, faculty))
	}
	if kfa.Kind != StepBodyDecision || kfa.Committee != "kpu_kfa_joint" || !strings.HasPrefix(kfa.Clause, "consultation record") {
		t.Errorf("kfa step = %+v", kfa)
	}
	if _, tr := kpuTrack(t, "smc_credit"); slices.ContainsFunc(tr.Steps, func(s Step) bool { return s.Committee == "kpu_kfa_joint" }) {
		t.Errorf("the joint committee appears on the credit track; it is for non-credit CPS offerings")
	}
}
