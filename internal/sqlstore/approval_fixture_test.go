package sqlstore

import (
	"context"
	"database/sql"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/approval"
	"cairn/internal/catalog"
	"cairn/internal/org"
)

// institution is a populated institution for the approval tests: its
// people by name, units and committees as a policy profile names them.
type institution struct {
	t     *testing.T
	s     *Store
	a     *Approvals
	clk   *testClock
	inst  org.Institution
	units map[string]int64
	who   map[string]int64
}

func (f *institution) id(name string) int64 {
	f.t.Helper()
	id, ok := f.who[name]
	if !ok {
		f.t.Fatalf("no person %q in the fixture", name)
	}
	return id
}

// newInstitutionFor builds an institution under a profile, with people,
// units, committees (members and an elected chair) and role grants.
// committees maps a committee key to its members, the first its chair;
// roles maps a person to "role" or "role@unit".
func newInstitutionFor(t *testing.T, s *Store, slug, profile, jurisdiction, zone string,
	units map[string]org.UnitKind, committees map[string][]string, roles map[string][]string) *institution {
	t.Helper()
	ctx := t.Context()
	f := &institution{t: t, s: s, a: s.Approvals(nil), clk: setClock(s), units: map[string]int64{}, who: map[string]int64{}}
	f.inst = org.Institution{Slug: slug, Name: "Institution " + slug, Jurisdiction: jurisdiction, TimeZone: zone, PolicyProfile: profile}
	if err := s.CreateInstitution(ctx, &f.inst); err != nil {
		t.Fatal(err)
	}
	for name, kind := range units {
		u := org.OrgUnit{InstitutionID: f.inst.ID, Kind: kind, Name: name}
		if err := s.CreateOrgUnit(ctx, &u); err != nil {
			t.Fatal(err)
		}
		f.units[name] = u.ID
	}
	person := func(name string) int64 {
		if id, ok := f.who[name]; ok {
			return id
		}
		p := org.Person{Name: name, Email: slug + "." + name + "@example.edu"}
		if err := s.CreatePerson(ctx, &p); err != nil {
			t.Fatal(err)
		}
		f.who[name] = p.ID
		return p.ID
	}
	termStart := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	for _, key := range slices.Sorted(maps.Keys(committees)) {
		c := org.Committee{InstitutionID: f.inst.ID, Key: key, Name: strings.ToUpper(key)}
		if err := s.CreateCommittee(ctx, &c); err != nil {
			t.Fatal(err)
		}
		for _, name := range committees[key] {
			m := org.Membership{CommitteeID: c.ID, PersonID: person(name), Category: org.FacultyMember, TermStart: termStart}
			if err := s.AddMembership(ctx, &m); err != nil {
				t.Fatal(err)
			}
		}
		chair := f.who[committees[key][0]]
		e := org.ChairElection{CommitteeID: c.ID, Candidates: []int64{chair}, ElectedID: chair, At: termStart.AddDate(0, 0, 14)}
		if err := s.RecordChairElection(ctx, &e); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(roles)) {
		for _, grant := range roles[name] {
			role, unit, _ := strings.Cut(grant, "@")
			g := org.RoleGrant{PersonID: person(name), InstitutionID: f.inst.ID, Role: org.Role(role), UnitID: f.units[unit]}
			if err := s.GrantRole(ctx, g); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, name := range []string{"pat", "quinn"} {
		person(name)
	}
	return f
}

// kpu is KPU under the AC15 profile. The clock starts Monday 2 March 2026,
// 09:30 in Vancouver.
func kpu(t *testing.T, s *Store) *institution {
	return newInstitutionFor(t, s, "kpu", "kpu-ac15", "CA-BC", "America/Vancouver",
		map[string]org.UnitKind{"arts": org.Department, "business": org.Department},
		map[string][]string{
			"smc":    {"chair", "rev1", "rev2", "rev3", "member4", "member5"},
			"sscc":   {"ssccchair", "ssccmember"},
			"senate": {"speaker", "senator"},
			"dbc":    {"dbcchair", "dbc1", "dbc2"},
		},
		map[string][]string{
			"provost":     {"provost"},
			"deptchair":   {"department_chair@business"},
			"secretariat": {"senate_secretariat"},
			"programlead": {"program_area@arts"},
		})
}

func smcForm() catalog.Form {
	return catalog.Form{
		Kind:             catalog.MicroCredential,
		Title:            "Design Thinking for Small Business",
		Description:      "Apply design thinking to the products and services of a small business.",
		Competencies:     []catalog.Competency{{Name: "Frame a design problem from customer interviews"}},
		LearningOutcomes: []string{"Run a design sprint with a small team"},
		AssessmentMethod: "Portfolio of a completed design sprint",
		DurationHours:    30,
		DeliveryMode:     catalog.Blended,
		CreditStatus:     catalog.NonCredit,
		NeedEvidence:     "Local chambers of commerce report demand.",
	}
}

// offering creates an offering of the unit with the draft form.
func (f *institution) offering(unit string, form catalog.Form) Offering {
	f.t.Helper()
	o := Offering{InstitutionID: f.inst.ID, UnitID: f.units[unit], Draft: form}
	if err := f.s.CreateOffering(f.t.Context(), &o); err != nil {
		f.t.Fatal(err)
	}
	return o
}

// submit submits the offering's draft for approval by pat and quinn.
func (f *institution) submit(o Offering) *approval.Case {
	f.t.Helper()
	c, _, err := f.a.SubmitProposal(f.t.Context(), Proposal{OfferingID: o.ID, By: f.id("pat"), Proponents: []int64{f.id("pat"), f.id("quinn")}})
	if err != nil {
		f.t.Fatalf("submit: %v", err)
	}
	f.same(c)
	return c
}

// act applies an action that must succeed and checks the case reads back
// exactly as the engine left it.
func (f *institution) act(c *approval.Case, who string, a approval.Action) []approval.Event {
	f.t.Helper()
	by := int64(0)
	if who != "" {
		by = f.id(who)
	}
	got, evs, err := f.a.Act(f.t.Context(), c.ID, by, a)
	if err != nil {
		f.t.Fatalf("%s by %s at step %s: %v", approval.NameOf(a), who, c.Step, err)
	}
	*c = *got
	f.same(c)
	return evs
}

// refuse applies an action that must fail with code.
func (f *institution) refuse(c *approval.Case, who string, a approval.Action, code apperror.Code) {
	f.t.Helper()
	_, _, err := f.a.Act(f.t.Context(), c.ID, f.id(who), a)
	if got := apperror.CodeOf(err); got != code {
		f.t.Fatalf("%s by %s: got %v (%v), want %s", approval.NameOf(a), who, got, err, code)
	}
	f.same(c)
}

// same checks the stored case is c.
func (f *institution) same(c *approval.Case) {
	f.t.Helper()
	got, err := f.a.Case(f.t.Context(), c.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	norm := func(c *approval.Case) *approval.Case {
		c = c.Clone()
		if len(c.Similar) == 0 {
			c.Similar = nil
		}
		for i := range c.Meetings {
			if len(c.Meetings[i].Attendees) == 0 {
				c.Meetings[i].Attendees = nil
			}
		}
		for i := range c.Deadlines {
			if len(c.Deadlines[i].Clock.Pauses) == 0 {
				c.Deadlines[i].Clock.Pauses = nil
			}
		}
		return c
	}
	if a, b := norm(got), norm(c); !reflect.DeepEqual(a, b) {
		f.t.Fatalf("stored case differs from the engine's:\nstored %+v\nengine %+v", a, b)
	}
}

// workingDays moves the clock n working days on, keeping the hour.
func (f *institution) workingDays(n int) {
	f.t.Helper()
	e, err := f.a.Engine(f.t.Context(), f.inst.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	for range n {
		f.clk.Advance(24 * time.Hour)
		for !e.Calendar().IsWorkingDay(f.clk.Now()) {
			f.clk.Advance(24 * time.Hour)
		}
	}
}

// setNow sets the clock.
func (f *institution) setNow(t time.Time) {
	f.clk.mu.Lock()
	f.clk.t = t
	f.clk.mu.Unlock()
}

func kpuAnswers(duplicate bool) []approval.Answer {
	d := "no"
	if duplicate {
		d = "yes"
	}
	return []approval.Answer{{Question: "duplication", Value: d}, {Question: "competency_based", Value: "yes"}, {Question: "credit_bearing", Value: "no"}}
}

// throughReview takes a KPU case to its vote.
func (f *institution) throughReview(c *approval.Case) {
	f.t.Helper()
	f.act(c, "chair", approval.CompletenessDecision{Complete: true})
	f.act(c, "chair", approval.AssignReviewers{Reviewers: []int64{f.id("rev1"), f.id("rev2"), f.id("rev3")}})
	f.workingDays(2)
	for _, r := range []string{"rev1", "rev2", "rev3"} {
		f.act(c, r, approval.SubmitReview{Answers: kpuAnswers(false)})
	}
	f.act(c, "chair", approval.CloseReview{})
}

// auditActions returns the audit log's actions about a subject.
func (f *institution) auditActions(subject string) []string {
	f.t.Helper()
	evs, err := f.s.AuditLog(f.t.Context(), 1, MaxAuditPage)
	if err != nil {
		f.t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		if e.Subject == subject {
			out = append(out, e.Action)
		}
	}
	return out
}

// mailTo returns the queued notifications to a person of a kind.
func (f *institution) mailTo(name, kind string) []Notification {
	f.t.Helper()
	var out []Notification
	err := f.s.ReadTx(context.Background(), func(tx *Tx) (err error) {
		out, err = list(tx, func(r *sql.Rows) (Notification, error) { return scanNotification(r) },
			`SELECT `+notificationCols+` FROM notifications WHERE recipient = $1 AND kind = $2 ORDER BY id`,
			f.inst.Slug+"."+name+"@example.edu", kind)
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}
