package sqlstore

import (
	"slices"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/org"
)

func day0(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func newInstitution(t *testing.T, s *Store, slug string) org.Institution {
	t.Helper()
	i := org.Institution{Slug: slug, Name: "Institution " + slug, Jurisdiction: "CA-BC", TimeZone: "America/Vancouver"}
	if err := s.CreateInstitution(t.Context(), &i); err != nil {
		t.Fatalf("create institution %s: %v", slug, err)
	}
	return i
}

func newPerson(t *testing.T, s *Store, name string) org.Person {
	t.Helper()
	p := org.Person{Name: name, Email: name + "@example.edu"}
	if err := s.CreatePerson(t.Context(), &p); err != nil {
		t.Fatalf("create person %s: %v", name, err)
	}
	return p
}

func TestInstitutionCRUD(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		clk := setClock(s)
		kpu := org.Institution{Slug: "kpu", Name: "Kwantlen Polytechnic University", Jurisdiction: "CA-BC",
			TimeZone: "America/Vancouver", PolicyProfile: "kpu-ac15", IssuerDID: "did:web:kpu.example"}
		if err := s.CreateInstitution(t.Context(), &kpu); err != nil {
			t.Fatal(err)
		}
		if kpu.ID == 0 || kpu.Version != 1 || !kpu.CreatedAt.Equal(t0.Truncate(time.Microsecond)) {
			t.Fatalf("got id %d version %d created %v, want an id, version 1 and the clock's time", kpu.ID, kpu.Version, kpu.CreatedAt)
		}
		got, err := s.Institution(t.Context(), kpu.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got != kpu {
			t.Errorf("read back %+v, want %+v", got, kpu)
		}
		if got, err := s.InstitutionBySlug(t.Context(), "kpu"); err != nil || got.ID != kpu.ID {
			t.Errorf("by slug: got %+v, %v; want id %d", got, err, kpu.ID)
		}

		yu := org.Institution{Slug: "yukonu", Name: "Yukon University", Jurisdiction: "CA-YT", TimeZone: "America/Whitehorse"}
		if err := s.CreateInstitution(t.Context(), &yu); err != nil {
			t.Fatal(err)
		}
		dup := org.Institution{Slug: "kpu", Name: "Another", Jurisdiction: "CA-BC", TimeZone: "UTC"}
		wantField(t, s.CreateInstitution(t.Context(), &dup), apperror.Conflict, "slug")
		bad := org.Institution{Slug: "Bad Slug", Name: "x", Jurisdiction: "CA-BC", TimeZone: "UTC"}
		wantField(t, s.CreateInstitution(t.Context(), &bad), apperror.Invalid, "slug")

		all, err := s.Institutions(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 || all[0].Slug != "kpu" || all[1].Slug != "yukonu" {
			t.Errorf("got %+v, want kpu then yukonu (by name)", all)
		}

		clk.Advance(time.Minute)
		kpu.Name = "KPU"
		if err := s.UpdateInstitution(t.Context(), &kpu); err != nil {
			t.Fatal(err)
		}
		if kpu.Version != 2 || !kpu.UpdatedAt.Equal(kpu.CreatedAt.Add(time.Minute)) {
			t.Errorf("after update got version %d updated %v, want 2 and a minute later", kpu.Version, kpu.UpdatedAt)
		}
		if got, _ := s.Institution(t.Context(), kpu.ID); got != kpu {
			t.Errorf("read back %+v, want %+v", got, kpu)
		}
		yu.Slug = "kpu"
		wantField(t, s.UpdateInstitution(t.Context(), &yu), apperror.Conflict, "slug")

		wantCode(t, s.DeleteInstitution(t.Context(), kpu.ID, 1), apperror.Conflict) // stale version
		if err := s.DeleteInstitution(t.Context(), kpu.ID, kpu.Version); err != nil {
			t.Fatal(err)
		}
		_, err = s.Institution(t.Context(), kpu.ID)
		wantCode(t, err, apperror.NotFound)
		wantCode(t, s.DeleteInstitution(t.Context(), kpu.ID, kpu.Version), apperror.NotFound)
	})
}

func TestOptimisticVersionConflict(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		i := newInstitution(t, s, "kpu")
		alice, bob := i, i // two administrators load the same record
		alice.Name = "Alice's edit"
		if err := s.UpdateInstitution(t.Context(), &alice); err != nil {
			t.Fatal(err)
		}
		bob.Name = "Bob's edit"
		err := s.UpdateInstitution(t.Context(), &bob)
		wantCode(t, err, apperror.Conflict)
		if IsRetryable(err) {
			t.Error("a lost optimistic update is retryable, want not: retrying cannot help without a reload")
		}
		if got, _ := s.Institution(t.Context(), i.ID); got.Name != "Alice's edit" || got.Version != 2 {
			t.Errorf("got %q version %d, want Alice's edit at version 2", got.Name, got.Version)
		}
		missing := i
		missing.ID = 9999
		wantCode(t, s.UpdateInstitution(t.Context(), &missing), apperror.NotFound)
	})
}

func TestOrgUnits(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		kpu := newInstitution(t, s, "kpu")
		other := newInstitution(t, s, "other")
		fac := org.OrgUnit{InstitutionID: kpu.ID, Kind: org.Faculty, Name: "Faculty of Science and Horticulture"}
		if err := s.CreateOrgUnit(t.Context(), &fac); err != nil {
			t.Fatal(err)
		}
		dept := org.OrgUnit{InstitutionID: kpu.ID, ParentID: fac.ID, Kind: org.Department, Name: "Horticulture", Code: "HORT"}
		if err := s.CreateOrgUnit(t.Context(), &dept); err != nil {
			t.Fatal(err)
		}
		if got, err := s.OrgUnit(t.Context(), dept.ID); err != nil || got != dept {
			t.Errorf("read back %+v, %v; want %+v", got, err, dept)
		}
		units, err := s.OrgUnits(t.Context(), kpu.ID)
		if err != nil || len(units) != 2 || units[0].ID != fac.ID {
			t.Errorf("got %+v, %v; want the faculty then the department", units, err)
		}

		elsewhere := org.OrgUnit{InstitutionID: other.ID, ParentID: fac.ID, Kind: org.Department, Name: "Stray"}
		wantField(t, s.CreateOrgUnit(t.Context(), &elsewhere), apperror.Invalid, "parent_id")
		orphan := org.OrgUnit{InstitutionID: kpu.ID, ParentID: 9999, Kind: org.Department, Name: "Orphan"}
		wantField(t, s.CreateOrgUnit(t.Context(), &orphan), apperror.Invalid, "parent_id")
		noInst := org.OrgUnit{InstitutionID: 9999, Kind: org.Faculty, Name: "Nowhere"}
		wantField(t, s.CreateOrgUnit(t.Context(), &noInst), apperror.Invalid, "institution_id")

		// Putting the faculty under its own department would make a cycle.
		fac.ParentID = dept.ID
		wantField(t, s.UpdateOrgUnit(t.Context(), &fac), apperror.Invalid, "parent_id")
		fac.ParentID = 0
		fac.InstitutionID = other.ID
		wantField(t, s.UpdateOrgUnit(t.Context(), &fac), apperror.Invalid, "institution_id")
		fac.InstitutionID = kpu.ID

		// A unit with children is in use.
		err = s.DeleteOrgUnit(t.Context(), fac.ID, fac.Version)
		wantCode(t, err, apperror.Conflict)
		if err := s.DeleteOrgUnit(t.Context(), dept.ID, dept.Version); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteOrgUnit(t.Context(), fac.ID, fac.Version); err != nil {
			t.Fatal(err)
		}
		// An institution with units is in use; without, it can go.
		u := org.OrgUnit{InstitutionID: other.ID, Kind: org.ServiceUnit, Name: "Registrar"}
		if err := s.CreateOrgUnit(t.Context(), &u); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.DeleteInstitution(t.Context(), other.ID, other.Version), apperror.Conflict)
	})
}

func TestOrgUnitDepthIsBounded(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		kpu := newInstitution(t, s, "kpu")
		var parent int64
		for i := range maxUnitDepth {
			u := org.OrgUnit{InstitutionID: kpu.ID, ParentID: parent, Kind: org.Department, Name: "level"}
			if err := s.CreateOrgUnit(t.Context(), &u); err != nil {
				t.Fatalf("level %d: %v", i, err)
			}
			parent = u.ID
		}
		u := org.OrgUnit{InstitutionID: kpu.ID, ParentID: parent, Kind: org.Department, Name: "too deep"}
		wantField(t, s.CreateOrgUnit(t.Context(), &u), apperror.Invalid, "parent_id")
	})
}

func TestPeopleAndRoles(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		kpu := newInstitution(t, s, "kpu")
		yu := newInstitution(t, s, "yukonu")
		hort := org.OrgUnit{InstitutionID: kpu.ID, Kind: org.Department, Name: "Horticulture"}
		if err := s.CreateOrgUnit(t.Context(), &hort); err != nil {
			t.Fatal(err)
		}
		ada := org.Person{Name: "Ada Lovelace", Email: "  Ada@Example.EDU "}
		if err := s.CreatePerson(t.Context(), &ada); err != nil {
			t.Fatal(err)
		}
		if ada.Email != "ada@example.edu" {
			t.Errorf("got email %q, want it normalized", ada.Email)
		}
		dup := org.Person{Name: "Impostor", Email: "ADA@example.edu"}
		wantField(t, s.CreatePerson(t.Context(), &dup), apperror.Conflict, "email")
		bob := newPerson(t, s, "bob")
		carol := newPerson(t, s, "carol")

		grants := []org.RoleGrant{
			{PersonID: ada.ID, InstitutionID: kpu.ID, Role: org.Proponent},
			{PersonID: ada.ID, InstitutionID: kpu.ID, Role: org.DepartmentChair, UnitID: hort.ID},
			{PersonID: ada.ID, InstitutionID: yu.ID, Role: org.CommitteeMember},
			{PersonID: bob.ID, InstitutionID: kpu.ID, Role: org.Provost},
		}
		for _, g := range grants {
			if err := s.GrantRole(t.Context(), g); err != nil {
				t.Fatalf("grant %+v: %v", g, err)
			}
		}
		if err := s.GrantRole(t.Context(), grants[0]); err != nil {
			t.Errorf("granting a held role again: got %v, want no error", err)
		}
		wantField(t, s.GrantRole(t.Context(), org.RoleGrant{PersonID: bob.ID, InstitutionID: yu.ID, Role: org.DepartmentChair, UnitID: hort.ID}),
			apperror.Invalid, "unit_id")
		wantCode(t, s.GrantRole(t.Context(), org.RoleGrant{PersonID: 9999, InstitutionID: kpu.ID, Role: org.Learner}), apperror.NotFound)
		wantCode(t, s.GrantRole(t.Context(), org.RoleGrant{PersonID: bob.ID, InstitutionID: kpu.ID, Role: "king"}), apperror.Invalid)

		got, err := s.PersonByEmail(t.Context(), "ADA@example.edu")
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Roles) != 3 {
			t.Fatalf("got roles %+v, want 3 grants", got.Roles)
		}
		if !got.HasRole(kpu.ID, org.DepartmentChair) || !got.HasRole(yu.ID, org.CommitteeMember) || got.HasRole(yu.ID, org.Proponent) {
			t.Errorf("got roles %+v, want the three granted", got.Roles)
		}
		for _, g := range got.Roles {
			if !g.GrantedAt.Equal(t0.Truncate(time.Microsecond)) {
				t.Errorf("grant %+v: got granted at %v, want the clock's time", g, g.GrantedAt)
			}
		}

		if err := s.RevokeRole(t.Context(), grants[1]); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.RevokeRole(t.Context(), grants[1]), apperror.NotFound)
		if got, _ := s.Person(t.Context(), ada.ID); got.HasRole(kpu.ID, org.DepartmentChair) || len(got.Roles) != 2 {
			t.Errorf("after revoking got %+v, want 2 grants and no department chair", got.Roles)
		}

		queries := []struct {
			name string
			q    PeopleQuery
			want []int64
		}{
			{"everyone by name", PeopleQuery{}, []int64{ada.ID, bob.ID, carol.ID}},
			{"anyone with a role at KPU", PeopleQuery{InstitutionID: kpu.ID}, []int64{ada.ID, bob.ID}},
			{"provosts at KPU", PeopleQuery{InstitutionID: kpu.ID, Role: org.Provost}, []int64{bob.ID}},
			{"search ignores case", PeopleQuery{Search: "LOVE"}, []int64{ada.ID}},
			{"search matches email", PeopleQuery{Search: "carol@"}, []int64{carol.ID}},
			{"search treats wildcards literally", PeopleQuery{Search: "%"}, nil},
			{"page", PeopleQuery{Limit: 1, Offset: 1}, []int64{bob.ID}},
		}
		for _, tt := range queries {
			t.Run(tt.name, func(t *testing.T) {
				people, err := s.People(t.Context(), tt.q)
				if err != nil {
					t.Fatal(err)
				}
				var ids []int64
				for _, p := range people {
					ids = append(ids, p.ID)
				}
				if !slices.Equal(ids, tt.want) {
					t.Errorf("got %v, want %v", ids, tt.want)
				}
			})
		}
		_, err = s.People(t.Context(), PeopleQuery{Limit: MaxPageSize + 1})
		wantField(t, err, apperror.Invalid, "limit")

		// Deleting a person takes their grants along.
		if err := s.DeletePerson(t.Context(), bob.ID, bob.Version); err != nil {
			t.Fatal(err)
		}
		if people, _ := s.People(t.Context(), PeopleQuery{InstitutionID: kpu.ID, Role: org.Provost}); len(people) != 0 {
			t.Errorf("got %+v, want no provost left", people)
		}
		ada.Name = "Augusta Ada King"
		if err := s.UpdatePerson(t.Context(), &ada); err != nil {
			t.Fatal(err)
		}
		carol.Email = "ada@example.edu"
		wantField(t, s.UpdatePerson(t.Context(), &carol), apperror.Conflict, "email")
	})
}

func TestPartners(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		kpu := newInstitution(t, s, "kpu")
		p := org.Partner{InstitutionID: kpu.ID, Kind: org.IndigenousOrganization, Name: "Friendship Centre", Website: "https://fc.example"}
		if err := s.CreatePartner(t.Context(), &p); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Partner(t.Context(), p.ID); err != nil || got != p {
			t.Errorf("read back %+v, %v; want %+v", got, err, p)
		}
		same := org.Partner{InstitutionID: kpu.ID, Kind: org.Employer, Name: "Friendship Centre"}
		wantField(t, s.CreatePartner(t.Context(), &same), apperror.Conflict, "name")
		nowhere := org.Partner{InstitutionID: 9999, Kind: org.Employer, Name: "Acme"}
		wantField(t, s.CreatePartner(t.Context(), &nowhere), apperror.Invalid, "institution_id")
		e := org.Partner{InstitutionID: kpu.ID, Kind: org.Employer, Name: "Acme Nurseries"}
		if err := s.CreatePartner(t.Context(), &e); err != nil {
			t.Fatal(err)
		}
		e.Website = "https://acme.example"
		if err := s.UpdatePartner(t.Context(), &e); err != nil {
			t.Fatal(err)
		}
		list, err := s.Partners(t.Context(), kpu.ID)
		if err != nil || len(list) != 2 || list[0].ID != e.ID || list[0].Website != "https://acme.example" {
			t.Errorf("got %+v, %v; want Acme (updated) then the Friendship Centre", list, err)
		}
		if err := s.DeletePartner(t.Context(), e.ID, e.Version); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.DeletePartner(t.Context(), e.ID, e.Version), apperror.NotFound)
	})
}

func TestCommitteesMembershipsAndElections(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		kpu := newInstitution(t, s, "kpu")
		other := newInstitution(t, s, "other")
		smc := org.Committee{InstitutionID: kpu.ID, Key: "smc", Name: "Senate Micro-credential Committee"}
		if err := s.CreateCommittee(t.Context(), &smc); err != nil {
			t.Fatal(err)
		}
		dup := org.Committee{InstitutionID: kpu.ID, Key: "smc", Name: "Again"}
		wantField(t, s.CreateCommittee(t.Context(), &dup), apperror.Conflict, "key")
		elsewhere := org.Committee{InstitutionID: other.ID, Key: "smc", Name: "Their SMC"}
		if err := s.CreateCommittee(t.Context(), &elsewhere); err != nil {
			t.Errorf("same key at another institution: got %v, want no error", err)
		}
		if got, err := s.CommitteeByKey(t.Context(), kpu.ID, "smc"); err != nil || got != smc {
			t.Errorf("by key: got %+v, %v; want %+v", got, err, smc)
		}
		if cs, err := s.Committees(t.Context(), kpu.ID); err != nil || len(cs) != 1 {
			t.Errorf("got %+v, %v; want one committee", cs, err)
		}

		hort := org.OrgUnit{InstitutionID: kpu.ID, Kind: org.Department, Name: "Horticulture"}
		if err := s.CreateOrgUnit(t.Context(), &hort); err != nil {
			t.Fatal(err)
		}
		foreign := org.OrgUnit{InstitutionID: other.ID, Kind: org.Department, Name: "Elsewhere"}
		if err := s.CreateOrgUnit(t.Context(), &foreign); err != nil {
			t.Fatal(err)
		}
		ada, bob, carol, dan := newPerson(t, s, "ada"), newPerson(t, s, "bob"), newPerson(t, s, "carol"), newPerson(t, s, "dan")
		term := func(p org.Person, cat org.MemberCategory, start, end time.Time) org.Membership {
			return org.Membership{CommitteeID: smc.ID, PersonID: p.ID, Category: cat, TermStart: start, TermEnd: end}
		}
		ms := []org.Membership{
			term(ada, org.FacultyMember, day0(2025, 9, 1), day0(2027, 8, 31)),
			term(bob, org.ProvostOfficeSeat, day0(2025, 9, 1), time.Time{}),
			term(carol, org.ContinuingStudies, day0(2025, 9, 1), day0(2026, 8, 31)),
			term(dan, org.Decanal, day0(2026, 9, 1), time.Time{}), // starts after the election
		}
		ms[0].UnitID = hort.ID
		for i := range ms {
			if err := s.AddMembership(t.Context(), &ms[i]); err != nil {
				t.Fatalf("membership %d: %v", i, err)
			}
		}
		if got, err := s.Membership(t.Context(), ms[0].ID); err != nil || got != ms[0] {
			t.Errorf("read back %+v, %v; want %+v", got, err, ms[0])
		}
		overlap := term(ada, org.FacultyMember, day0(2027, 8, 31), time.Time{})
		wantField(t, s.AddMembership(t.Context(), &overlap), apperror.Conflict, "term_start")
		next := term(ada, org.FacultyMember, day0(2027, 9, 1), time.Time{})
		if err := s.AddMembership(t.Context(), &next); err != nil {
			t.Errorf("the next term: got %v, want no error", err)
		}
		stray := term(carol, org.FacultyMember, day0(2030, 1, 1), time.Time{})
		stray.UnitID = foreign.ID
		wantField(t, s.AddMembership(t.Context(), &stray), apperror.Invalid, "unit_id")
		noCommittee := term(carol, org.FacultyMember, day0(2030, 1, 1), time.Time{})
		noCommittee.CommitteeID = 9999
		wantField(t, s.AddMembership(t.Context(), &noCommittee), apperror.Invalid, "committee_id")
		backwards := term(carol, org.FacultyMember, day0(2030, 1, 1), day0(2029, 1, 1))
		wantField(t, s.AddMembership(t.Context(), &backwards), apperror.Invalid, "term_end")

		// Carol's term is extended by four months.
		ms[2].TermEnd = day0(2026, 12, 31)
		if err := s.UpdateMembership(t.Context(), &ms[2]); err != nil {
			t.Fatal(err)
		}
		if ms[2].Version != 2 {
			t.Errorf("got version %d, want 2", ms[2].Version)
		}
		all, err := s.Memberships(t.Context(), smc.ID)
		if err != nil || len(all) != 5 {
			t.Errorf("got %d memberships, %v; want 5", len(all), err)
		}

		at := time.Date(2025, 9, 15, 16, 0, 0, 0, time.UTC)
		e := org.ChairElection{
			CommitteeID: smc.ID, Candidates: []int64{ada.ID, bob.ID},
			Votes:     []org.ChairVote{{VoterID: ada.ID, CandidateID: ada.ID}, {VoterID: bob.ID, CandidateID: ada.ID}, {VoterID: carol.ID, CandidateID: bob.ID}},
			ElectedID: ada.ID, At: at,
		}
		notYet := e
		notYet.Votes = append(slices.Clone(e.Votes), org.ChairVote{VoterID: dan.ID, CandidateID: ada.ID})
		wantField(t, s.RecordChairElection(t.Context(), &notYet), apperror.Invalid, "votes")
		outsider := e
		outsider.Candidates = []int64{ada.ID, dan.ID}
		outsider.Votes = []org.ChairVote{{VoterID: ada.ID, CandidateID: ada.ID}}
		wantField(t, s.RecordChairElection(t.Context(), &outsider), apperror.Invalid, "candidates")
		if err := s.RecordChairElection(t.Context(), &e); err != nil {
			t.Fatal(err)
		}
		later := org.ChairElection{CommitteeID: smc.ID, Candidates: []int64{bob.ID}, ElectedID: bob.ID, At: at.AddDate(1, 0, 0)}
		if err := s.RecordChairElection(t.Context(), &later); err != nil {
			t.Fatal(err)
		}
		got, err := s.ChairElection(t.Context(), e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ElectedID != ada.ID || !got.At.Equal(at) || !slices.Equal(got.Candidates, e.Candidates) || len(got.Votes) != 3 {
			t.Errorf("read back %+v, want %+v", got, e)
		}
		if got.Validate() != nil {
			t.Errorf("read-back election does not validate: %v", got.Validate())
		}
		latest, err := s.LatestChairElection(t.Context(), smc.ID)
		if err != nil || latest.ID != later.ID || latest.ElectedID != bob.ID {
			t.Errorf("latest: got %+v, %v; want the later acclamation of bob", latest, err)
		}
		if es, err := s.ChairElections(t.Context(), smc.ID); err != nil || len(es) != 2 || es[0].ID != later.ID {
			t.Errorf("got %+v, %v; want two elections, newest first", es, err)
		}
		_, err = s.LatestChairElection(t.Context(), elsewhere.ID)
		wantCode(t, err, apperror.NotFound)

		// A committee with members is in use; a member with a seat is too.
		wantCode(t, s.DeleteCommittee(t.Context(), smc.ID, smc.Version), apperror.Conflict)
		wantCode(t, s.DeletePerson(t.Context(), dan.ID, dan.Version), apperror.Conflict)
		if err := s.DeleteMembership(t.Context(), ms[3].ID, ms[3].Version); err != nil {
			t.Fatal(err)
		}
		if err := s.DeletePerson(t.Context(), dan.ID, dan.Version); err != nil {
			t.Errorf("deleting a person without seats: got %v, want no error", err)
		}
	})
}

func TestClosures(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		kpu := newInstitution(t, s, "kpu")
		yu := newInstitution(t, s, "yukonu")
		winter := org.Closure{InstitutionID: kpu.ID, From: time.Date(2025, 12, 24, 13, 0, 0, 0, time.UTC), To: day0(2026, 1, 2), Reason: "Winter closure"}
		reading := org.Closure{InstitutionID: kpu.ID, From: day0(2026, 2, 16), To: day0(2026, 2, 16), Reason: "Reading day"}
		theirs := org.Closure{InstitutionID: yu.ID, From: day0(2026, 1, 1), To: day0(2026, 1, 1), Reason: "Theirs"}
		for _, c := range []*org.Closure{&winter, &reading, &theirs} {
			if err := s.AddClosure(t.Context(), c); err != nil {
				t.Fatal(err)
			}
		}
		if !winter.From.Equal(day0(2025, 12, 24)) {
			t.Errorf("got from %v, want the day only", winter.From)
		}
		tests := []struct {
			name     string
			from, to time.Time
			want     []org.Closure
		}{
			{"whole year", day0(2025, 1, 1), day0(2026, 12, 31), []org.Closure{winter, reading}},
			{"overlapping the end of a closure", day0(2026, 1, 2), day0(2026, 1, 31), []org.Closure{winter}},
			{"one day", day0(2026, 2, 16), day0(2026, 2, 16), []org.Closure{reading}},
			{"none", day0(2026, 3, 1), day0(2026, 3, 31), nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.Closures(t.Context(), kpu.ID, tt.from, tt.to)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("got %+v, want %+v", got, tt.want)
				}
			})
		}
		bad := org.Closure{InstitutionID: 9999, From: day0(2026, 1, 1), To: day0(2026, 1, 1), Reason: "x"}
		wantField(t, s.AddClosure(t.Context(), &bad), apperror.Invalid, "institution_id")
		if err := s.RemoveClosure(t.Context(), reading.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.RemoveClosure(t.Context(), reading.ID), apperror.NotFound)
	})
}

func TestTxRollsBackOnError(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		boom := apperror.New(apperror.Invalid, "boom")
		err := s.WithTx(t.Context(), func(tx *Tx) error {
			if _, err := tx.exec(`INSERT INTO people (name, email, version, created_at, updated_at) VALUES ('x', 'x@example.edu', 1, $1, $1)`, tx.ts(tx.Now())); err != nil {
				return err
			}
			return boom
		})
		if err != boom {
			t.Fatalf("got %v, want fn's error unchanged", err)
		}
		if _, err := s.PersonByEmail(t.Context(), "x@example.edu"); apperror.CodeOf(err) != apperror.NotFound {
			t.Errorf("got %v, want the insert rolled back", err)
		}
	})
}
