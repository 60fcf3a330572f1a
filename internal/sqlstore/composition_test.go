package sqlstore

import (
	"slices"
	"strings"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/org"
	"cairn/internal/policy"
)

// smcFixture is a KPU whose SMC is composed as AC15 B.1.b requires: one
// faculty member from each Faculty (one of them seated from a department
// of their Faculty), one from the Office of the Provost, one from
// Continuing & Professional Studies, one decanal; the chair elected from
// the members. A former Science member's term has ended.
type smcFixture struct {
	s         *Store
	a         *Approvals
	inst      org.Institution
	committee org.Committee // the committee seat and elect act on
	units     map[string]int64
	people    map[string]int64
}

func newSMCFixture(t *testing.T, s *Store) *smcFixture {
	t.Helper()
	ctx := t.Context()
	f := &smcFixture{s: s, a: s.Approvals(nil), units: map[string]int64{}, people: map[string]int64{}}
	f.inst = org.Institution{Slug: "kpu", Name: "KPU", Jurisdiction: "CA-BC", TimeZone: "America/Vancouver", PolicyProfile: "kpu-ac15"}
	if err := s.CreateInstitution(ctx, &f.inst); err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		key, name, parent string
		kind              org.UnitKind
	}{
		{"arts", "Faculty of Arts", "", org.Faculty},
		{"science", "Faculty of Science", "", org.Faculty},
		{"english", "English", "arts", org.Department},
		{"provost", "Office of the Provost", "", org.ServiceUnit},
		{"cps", "Continuing and Professional Studies", "", org.ProgramArea},
	} {
		f.addUnit(t, u.key, u.name, u.parent, u.kind)
	}
	f.committee = org.Committee{InstitutionID: f.inst.ID, Key: "smc", Name: "Senate Micro-credential Committee"}
	if err := s.CreateCommittee(ctx, &f.committee); err != nil {
		t.Fatal(err)
	}
	term := day0(2025, 9, 1)
	f.seat(t, "ann", org.FacultyMember, "english", term, time.Time{})
	f.seat(t, "bob", org.FacultyMember, "science", term, time.Time{})
	f.seat(t, "old", org.FacultyMember, "science", day0(2024, 9, 1), day0(2025, 8, 31))
	f.seat(t, "pia", org.ProvostOfficeSeat, "provost", term, time.Time{})
	f.seat(t, "cal", org.ContinuingStudies, "cps", term, time.Time{})
	f.seat(t, "dee", org.Decanal, "", term, time.Time{})
	f.elect(t, "ann", day0(2025, 9, 15))
	return f
}

func (f *smcFixture) addUnit(t *testing.T, key, name, parent string, kind org.UnitKind) {
	t.Helper()
	u := org.OrgUnit{InstitutionID: f.inst.ID, Kind: kind, Name: name, ParentID: f.units[parent]}
	if err := f.s.CreateOrgUnit(t.Context(), &u); err != nil {
		t.Fatal(err)
	}
	f.units[key] = u.ID
}

func (f *smcFixture) seat(t *testing.T, name string, cat org.MemberCategory, unit string, from, to time.Time) org.Membership {
	t.Helper()
	id, ok := f.people[name]
	if !ok {
		p := newPerson(t, f.s, name)
		id = p.ID
		f.people[name] = id
	}
	m := org.Membership{CommitteeID: f.committee.ID, PersonID: id, Category: cat, UnitID: f.units[unit], TermStart: from, TermEnd: to}
	if err := f.s.AddMembership(t.Context(), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func (f *smcFixture) elect(t *testing.T, name string, at time.Time) {
	t.Helper()
	e := org.ChairElection{CommitteeID: f.committee.ID, Candidates: []int64{f.people[name]}, ElectedID: f.people[name], At: at}
	if err := f.s.RecordChairElection(t.Context(), &e); err != nil {
		t.Fatal(err)
	}
}

// report returns the composition report's entry for a committee key.
func (f *smcFixture) report(t *testing.T, key string) CommitteeComposition {
	t.Helper()
	rep, err := f.a.CompositionReport(t.Context(), f.inst.ID)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(rep, func(c CommitteeComposition) bool { return c.Key == key })
	if i < 0 {
		t.Fatalf("report %+v has no committee %q", rep, key)
	}
	return rep[i]
}

func TestStoreAC15_B1b_SMCCompositionReported(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		f := newSMCFixture(t, s)

		t.Run("a full SMC keeps its rule", func(t *testing.T) {
			got := f.report(t, "smc")
			if !got.Keeps() {
				t.Errorf("got violations %+v, want none", got.Violations)
			}
			if got.Rule == nil || got.Rule.Clause != "AC15 B.1.b" {
				t.Errorf("got rule %+v, want AC15 B.1.b", got.Rule)
			}
			if got.ChairID != f.people["ann"] || got.ElectionID == 0 {
				t.Errorf("got chair %d election %d, want ann (%d) from a recorded election", got.ChairID, got.ElectionID, f.people["ann"])
			}
			if len(got.Members) != 5 {
				t.Errorf("got %d sitting members, want 5 (a past term does not sit)", len(got.Members))
			}
			i := slices.IndexFunc(got.Members, func(m CompositionMember) bool { return m.PersonID == f.people["ann"] })
			if i < 0 || got.Members[i].FacultyID != f.units["arts"] || got.Members[i].UnitID != f.units["english"] {
				t.Errorf("ann's seat %+v, want from English, counted for the Faculty of Arts", got.Members)
			}
		})

		t.Run("an SMC missing one Faculty's member is reported, naming the seat", func(t *testing.T) {
			f.addUnit(t, "health", "Faculty of Health", "", org.Faculty)
			got := f.report(t, "smc")
			if len(got.Violations) != 1 {
				t.Fatalf("got violations %+v, want 1", got.Violations)
			}
			v := got.Violations[0]
			if v.Clause != "AC15 B.1.b.i" || v.Category != string(org.FacultyMember) || v.FacultyID != f.units["health"] ||
				!strings.Contains(v.Message, "Faculty of Health") {
				t.Errorf("got %+v, want the Faculty of Health's faculty seat (AC15 B.1.b.i)", v)
			}
		})

		t.Run("the seat filled, the SMC keeps its rule again", func(t *testing.T) {
			f.seat(t, "hal", org.FacultyMember, "health", day0(2026, 1, 5), time.Time{})
			if got := f.report(t, "smc"); !got.Keeps() {
				t.Errorf("got violations %+v, want none", got.Violations)
			}
		})

		t.Run("a member in a seat the rule does not have is reported, naming the member", func(t *testing.T) {
			f.seat(t, "stu", org.StudentMember, "", day0(2026, 1, 5), day0(2026, 2, 27))
			if got := f.report(t, "smc"); !got.Keeps() {
				t.Errorf("a student whose term ended: got violations %+v, want none", got.Violations)
			}
			sam := f.seat(t, "sam", org.StudentMember, "", day0(2026, 3, 1), time.Time{})
			got := f.report(t, "smc")
			if len(got.Violations) != 1 || got.Violations[0].PersonID != f.people["sam"] || got.Violations[0].Category != "student" ||
				!strings.Contains(got.Violations[0].Message, "sam") {
				t.Errorf("got violations %+v, want one about sam's student seat", got.Violations)
			}
			if err := s.DeleteMembership(t.Context(), sam.ID, sam.Version); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("a chair whose term has ended leaves the chair empty, which is reported", func(t *testing.T) {
			f.elect(t, "old", day0(2025, 6, 1)) // an older election does not displace ann
			if got := f.report(t, "smc"); got.ChairID != f.people["ann"] || !got.Keeps() {
				t.Errorf("got chair %d, violations %+v, want ann, the most recently elected, and none", got.ChairID, got.Violations)
			}
			f.elect(t, "stu", day0(2026, 2, 2)) // stu's term ended on 27 February
			got := f.report(t, "smc")
			if got.ChairID != 0 || len(got.Violations) != 1 || got.Violations[0].Clause != "AC15 B.1.b" ||
				!strings.Contains(got.Violations[0].Message, "no chair") {
				t.Errorf("got chair %d, violations %+v, want no chair reported under AC15 B.1.b", got.ChairID, got.Violations)
			}
			f.elect(t, "bob", day0(2026, 3, 2))
			if got := f.report(t, "smc"); got.ChairID != f.people["bob"] || !got.Keeps() {
				t.Errorf("got chair %d, violations %+v, want bob and none", got.ChairID, got.Violations)
			}
		})

		t.Run("a committee the profile rules but the institution lacks is reported", func(t *testing.T) {
			got := f.report(t, "dbc")
			if got.CommitteeID != 0 || len(got.Violations) != 1 || got.Violations[0].Clause != "AC15 B.2.b" {
				t.Errorf("got %+v, want DBC reported missing under AC15 B.2.b", got)
			}
		})

		t.Run("a committee the profile does not name is listed unchecked", func(t *testing.T) {
			c := org.Committee{InstitutionID: f.inst.ID, Key: "library", Name: "Library committee"}
			if err := s.CreateCommittee(t.Context(), &c); err != nil {
				t.Fatal(err)
			}
			if got := f.report(t, "library"); got.Rule != nil || !got.Keeps() || got.CommitteeID != c.ID {
				t.Errorf("got %+v, want the library committee listed with no rule", got)
			}
		})
	})
}

func TestStoreAC15_B2b_DBCCompositionReported(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		f := newSMCFixture(t, s)
		dbc := org.Committee{InstitutionID: f.inst.ID, Key: "dbc", Name: "Digital Badge Committee"}
		if err := s.CreateCommittee(t.Context(), &dbc); err != nil {
			t.Fatal(err)
		}
		f.committee = dbc // seat and elect on the DBC from here on
		term := day0(2025, 9, 1)
		f.seat(t, "ann", org.FacultyMember, "english", term, time.Time{})
		f.seat(t, "pia", org.ProvostOfficeSeat, "provost", term, time.Time{})
		f.seat(t, "dee", org.Decanal, "", term, time.Time{})
		got := f.report(t, "dbc")
		want := []string{"AC15 B.2.b.iii", "AC15 B.2.b"}
		var clauses []string
		for _, v := range got.Violations {
			clauses = append(clauses, v.Clause)
		}
		if !slices.Equal(clauses, want) {
			t.Errorf("a DBC without its administrative member or a chair: got %+v, want clauses %v", got.Violations, want)
		}
		f.seat(t, "ada", org.Administrative, "", term, time.Time{})
		f.elect(t, "pia", day0(2025, 9, 20))
		if got := f.report(t, "dbc"); !got.Keeps() || got.ChairID != f.people["pia"] {
			t.Errorf("the completed DBC: got %+v, want no violations and pia in the chair", got)
		}
	})
}

func TestStoreCompositionReportOfAnInstitutionWithoutAProfile(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		i := newInstitution(t, s, "plain")
		_, err := s.Approvals(nil).CompositionReport(t.Context(), i.ID)
		wantCode(t, err, apperror.Conflict)
		_, err = s.Approvals(nil).CompositionReport(t.Context(), i.ID+100)
		wantCode(t, err, apperror.NotFound)
	})
}

// Every role and seat category the shipped profiles name can be held in
// the institution's records, so every step's actor can be granted and
// every composition rule checked (the University Secretariat of Yukon 6,
// the President who holds AC15, the DBC's non-academic administrative
// representative of AC15 B.2.b.iii).
func TestBuiltinProfilesNameOnlyRolesAndCategoriesPeopleCanHold(t *testing.T) {
	for _, name := range policy.Builtins() {
		t.Run(name, func(t *testing.T) {
			p, err := policy.Builtin(name)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range p.Roles {
				if !org.Role(r.ID).Valid() {
					t.Errorf("role %q (%s) is not an org.Role", r.ID, r.Clause)
				}
			}
			for _, c := range p.Categories {
				if !org.MemberCategory(c.ID).Valid() {
					t.Errorf("category %q (%s) is not an org.MemberCategory", c.ID, c.Clause)
				}
			}
		})
	}
}
