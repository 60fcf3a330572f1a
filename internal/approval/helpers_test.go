package approval_test

import (
	"slices"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/approval"
	"cairn/internal/catalog"
	"cairn/internal/policy"
	"cairn/internal/workday"
)

// The people of the test institutions.
const (
	proponent   int64 = 1
	coProponent int64 = 2
	smcChair    int64 = 10
	rev1        int64 = 11
	rev2        int64 = 12
	rev3        int64 = 13
	smc4        int64 = 14
	smc5        int64 = 15
	provost     int64 = 20
	deptChair   int64 = 30
	secretariat int64 = 40
	ssccChair   int64 = 50
	ssccMember  int64 = 51
	dbcChair    int64 = 60
	dbc1        int64 = 61
	dbc2        int64 = 62
	dbc3        int64 = 63
	kfaChair    int64 = 70
	outsider    int64 = 99
)

// Org units.
const (
	arts     int64 = 100
	cps      int64 = 200
	business int64 = 300 // owns the existing offering 900
)

const existingOffering int64 = 900

func kpuRoster() *approval.Roster {
	return &approval.Roster{
		Committees: map[string]approval.Seats{
			"smc":           {Chair: smcChair, Members: []int64{smcChair, rev1, rev2, rev3, smc4, smc5}},
			"sscc":          {Chair: ssccChair, Members: []int64{ssccChair, ssccMember}},
			"senate":        {Chair: 90, Members: []int64{90, 91}},
			"dbc":           {Chair: dbcChair, Members: []int64{dbcChair, dbc1, dbc2, dbc3}},
			"kpu_kfa_joint": {Chair: kfaChair, Members: []int64{kfaChair, 71}},
		},
		Roles: []approval.RoleHolder{
			{Person: provost, Role: "provost"},
			{Person: deptChair, Role: "department_chair", Unit: business},
			{Person: secretariat, Role: "senate_secretariat"},
			{Person: 80, Role: "president"},
			{Person: 81, Role: "program_area", Unit: arts},
		},
		People: map[int64]approval.Person{
			proponent: {Name: "Pat Proponent", Email: "pat@kpu.example"},
			smcChair:  {Name: "Sam Chair", Email: "sam@kpu.example"},
			provost:   {Name: "Prue Provost", Email: "prue@kpu.example"},
			deptChair: {Name: "Dee Chair", Email: "dee@kpu.example"},
		},
	}
}

func yukonRoster() *approval.Roster {
	return &approval.Roster{
		Committees: map[string]approval.Seats{
			"curriculum_committee": {Chair: smcChair, Members: []int64{smcChair, rev1, rev2, rev3}},
			"senate":               {Chair: 90, Members: []int64{90, 91}},
		},
		Roles: []approval.RoleHolder{
			{Person: provost, Role: "provost"},
			{Person: 21, Role: "provost_office"},
			{Person: secretariat, Role: "senate_secretariat"},
			{Person: 45, Role: "university_secretariat"},
			{Person: 81, Role: "program_area", Unit: arts},
		},
	}
}

// nonCreditForm is a micro-credential outline both profiles accept.
func nonCreditForm() catalog.Form {
	return catalog.Form{
		Kind:             catalog.MicroCredential,
		Title:            "Design Thinking for Small Business",
		Description:      "Apply design thinking to products and services of a small business.",
		Competencies:     []catalog.Competency{{Name: "Frame a design problem from customer interviews"}},
		LearningOutcomes: []string{"Run a design sprint with a small team"},
		AssessmentMethod: "Portfolio of a completed design sprint",
		DurationHours:    30,
		DeliveryMode:     catalog.Blended,
		CreditStatus:     catalog.NonCredit,
		NeedEvidence:     "Local chambers of commerce report demand.",
	}
}

func creditForm() catalog.Form {
	f := nonCreditForm()
	f.Title = "Geographic Information Systems Essentials"
	f.CreditStatus = catalog.CreditBearing
	f.Credits = 1
	return f
}

func badgeForm() catalog.Form {
	return catalog.Form{
		Kind:             catalog.DigitalBadge,
		Title:            "Academic Integrity Tutorial",
		Description:      "Completion of the academic integrity tutorial for students.",
		LearningOutcomes: []string{"Explain what counts as plagiarism"},
		DurationHours:    2,
		CreditStatus:     catalog.NonCredit,
	}
}

// pacific is KPU's zone; hours in tests are local.
func pacific(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/Vancouver")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// world is one case run through the engine with a clock the test moves.
type world struct {
	t      *testing.T
	e      *approval.Engine
	r      *approval.Roster
	c      *approval.Case
	cal    *workday.Calendar
	now    time.Time
	events []approval.Event
	nextV  int
}

func newWorld(t *testing.T, profile string, r *approval.Roster, start time.Time) *world {
	t.Helper()
	p, err := policy.Builtin(profile)
	if err != nil {
		t.Fatal(err)
	}
	return newWorldWith(t, p, r, start)
}

func newWorldWith(t *testing.T, p *policy.Profile, r *approval.Roster, start time.Time) *world {
	t.Helper()
	cal, err := workday.New(workday.Config{Jurisdiction: p.Institution.Jurisdiction})
	if err != nil {
		t.Fatal(err)
	}
	e, err := approval.New(p, cal)
	if err != nil {
		t.Fatal(err)
	}
	return &world{t: t, e: e, r: r, c: &approval.Case{ID: 7}, cal: cal, now: start}
}

// version freezes f as the next version.
func (w *world) version(f catalog.Form) catalog.Version {
	w.t.Helper()
	w.nextV++
	v, err := catalog.NewVersion(w.nextV, f, w.now)
	if err != nil {
		w.t.Fatal(err)
	}
	return v
}

// do applies an action that must succeed.
func (w *world) do(by int64, a approval.Action) []approval.Event {
	w.t.Helper()
	evs, err := w.e.Apply(w.c, w.r, by, a, w.now)
	if err != nil {
		w.t.Fatalf("%s by %d at step %s: %v", approval.NameOf(a), by, w.c.Step, err)
	}
	w.events = append(w.events, evs...)
	return evs
}

// refuse applies an action that must fail with code, leaving the case as
// it was.
func (w *world) refuse(by int64, a approval.Action, code apperror.Code) error {
	w.t.Helper()
	before := w.c.Clone()
	_, err := w.e.Apply(w.c, w.r, by, a, w.now)
	if got := apperror.CodeOf(err); got != code {
		w.t.Fatalf("%s by %d at step %s: got %v (%q), want %s", approval.NameOf(a), by, w.c.Step, got, err, code)
	}
	if !equalCases(before, w.c) {
		w.t.Fatalf("%s by %d: a refused action changed the case", approval.NameOf(a), by)
	}
	return err
}

func equalCases(a, b *approval.Case) bool {
	return a.Status == b.Status && a.Step == b.Step && a.Visit == b.Visit && len(a.Visits) == len(b.Visits) &&
		len(a.Ballots) == len(b.Ballots) && len(a.Signatures) == len(b.Signatures) && len(a.Reviews) == len(b.Reviews) &&
		len(a.Assignments) == len(b.Assignments) && len(a.Decisions) == len(b.Decisions) && len(a.Deadlines) == len(b.Deadlines) &&
		len(a.Conflicts) == len(b.Conflicts) && len(a.Appeals) == len(b.Appeals) && len(a.Consultations) == len(b.Consultations)
}

// atStep checks where the case is.
func (w *world) atStep(step string, status approval.Status) {
	w.t.Helper()
	if w.c.Step != step || w.c.Status != status {
		w.t.Fatalf("case at step %q status %q, want %q %q", w.c.Step, w.c.Status, step, status)
	}
}

// workingDays moves the clock forward n working days, keeping the hour.
func (w *world) workingDays(n int) {
	w.t.Helper()
	for range n {
		w.now = w.now.AddDate(0, 0, 1)
		for !w.cal.IsWorkingDay(w.now) {
			w.now = w.now.AddDate(0, 0, 1)
		}
	}
}

func (w *world) submit(f catalog.Form, unitCategory string) {
	w.t.Helper()
	w.do(proponent, approval.Submit{Version: w.version(f), OfferingID: 500, UnitID: arts, UnitCategory: unitCategory,
		Proponents: []int64{proponent, coProponent}})
}

func yes(q string) approval.Answer { return approval.Answer{Question: q, Value: "yes"} }
func no(q string) approval.Answer  { return approval.Answer{Question: q, Value: "no"} }

// kpuAnswers answers the three AC15 questions: no duplication,
// competency-based, and whether credit-bearing.
func kpuAnswers(duplicate bool) []approval.Answer {
	d := no("duplication")
	if duplicate {
		d = yes("duplication")
	}
	return []approval.Answer{d, yes("competency_based"), no("credit_bearing")}
}

// throughReview takes a KPU case from submission to the vote: complete,
// three reviewers, three reviews, review closed.
func (w *world) throughReview() {
	w.t.Helper()
	w.do(smcChair, approval.CompletenessDecision{Complete: true})
	w.do(smcChair, approval.AssignReviewers{Reviewers: []int64{rev1, rev2, rev3}})
	w.workingDays(3)
	for _, r := range []int64{rev1, rev2, rev3} {
		w.do(r, approval.SubmitReview{Answers: kpuAnswers(false)})
	}
	w.do(smcChair, approval.CloseReview{})
}

// vote casts the reviewers' ballots: approvals then rejections.
func (w *world) vote(approve ...bool) {
	w.t.Helper()
	for i, ok := range approve {
		w.do([]int64{rev1, rev2, rev3}[i], approval.CastBallot{Approve: ok})
	}
}

// actions lists the events' actions, in order.
func actions(evs []approval.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Action)
	}
	return out
}

// noticesTo returns the notices of the events sent to person.
func noticesTo(evs []approval.Event, person int64, kind string) []approval.Notice {
	var out []approval.Notice
	for _, e := range evs {
		for _, n := range e.Notices {
			if n.To == person && (kind == "" || n.Kind == kind) {
				out = append(out, n)
			}
		}
	}
	return out
}

func hasAction(evs []approval.Event, action string) bool {
	return slices.Contains(actions(evs), action)
}

// stepPath lists the steps the case visited.
func stepPath(c *approval.Case) []string {
	var out []string
	for _, v := range c.Visits {
		out = append(out, v.Step)
	}
	return out
}
