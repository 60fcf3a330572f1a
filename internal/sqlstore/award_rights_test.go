package sqlstore

import (
	"context"
	"strconv"
	"testing"

	"cairn/internal/apperror"
	"cairn/internal/org"
)

func TestAwardRights(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		inst := org.Institution{Slug: "kpu", Name: "KPU", Jurisdiction: "CA-BC", TimeZone: "America/Vancouver"}
		if err := s.CreateInstitution(ctx, &inst); err != nil {
			t.Fatal(err)
		}
		other := org.Institution{Slug: "yukonu", Name: "Yukon University", Jurisdiction: "CA-YT", TimeZone: "America/Whitehorse"}
		if err := s.CreateInstitution(ctx, &other); err != nil {
			t.Fatal(err)
		}
		unit := func(name string, kind org.UnitKind, parent int64) int64 {
			u := org.OrgUnit{InstitutionID: inst.ID, ParentID: parent, Kind: kind, Name: name}
			if err := s.CreateOrgUnit(ctx, &u); err != nil {
				t.Fatal(err)
			}
			return u.ID
		}
		faculty := unit("Business", org.Faculty, 0)
		dept := unit("Marketing", org.Department, faculty)
		elsewhere := unit("Arts", org.Faculty, 0)
		person := func(name string, grants ...org.RoleGrant) int64 {
			p := org.Person{Name: name, Email: name + "@kpu.example.edu"}
			if err := s.CreatePerson(ctx, &p); err != nil {
				t.Fatal(err)
			}
			for _, g := range grants {
				g.PersonID = p.ID
				if err := s.GrantRole(ctx, g); err != nil {
					t.Fatal(err)
				}
			}
			return p.ID
		}
		registrar := person("registrar", org.RoleGrant{InstitutionID: inst.ID, Role: org.Registrar})
		credentials := person("credentials", org.RoleGrant{InstitutionID: inst.ID, Role: org.Issuer, UnitID: elsewhere})
		yukonRegistrar := person("yreg", org.RoleGrant{InstitutionID: other.ID, Role: org.Registrar})
		dean := person("dean", org.RoleGrant{InstitutionID: inst.ID, Role: org.Dean, UnitID: faculty})
		artsChair := person("artschair", org.RoleGrant{InstitutionID: inst.ID, Role: org.DepartmentChair, UnitID: elsewhere})
		staff := person("staff", org.RoleGrant{InstitutionID: inst.ID, Role: org.ProgramAreaStaff, UnitID: dept})
		faculty1 := person("faculty1", org.RoleGrant{InstitutionID: inst.ID, Role: org.Proponent})
		learner := person("learner", org.RoleGrant{InstitutionID: inst.ID, Role: org.Learner})
		o := Offering{InstitutionID: inst.ID, UnitID: dept, Draft: analyticsForm()}
		if err := s.CreateOffering(ctx, &o); err != nil {
			t.Fatal(err)
		}

		rights := func(who int64) AwardRights {
			t.Helper()
			r, err := s.AwardRights(ctx, who, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		for name, tc := range map[string]struct {
			who               int64
			award, nominate   bool
			central, nominees bool
		}{
			"registrar":              {who: registrar, award: true, nominate: true},
			"credentials officer":    {who: credentials, award: true, nominate: true},
			"another's registrar":    {who: yukonRegistrar},
			"dean of the faculty":    {who: dean, nominate: true},
			"program area staff":     {who: staff, nominate: true},
			"chair of another unit":  {who: artsChair},
			"faculty not nominated":  {who: faculty1},
			"learner":                {who: learner},
			"no one (the system, 0)": {who: 0},
		} {
			r := rights(tc.who)
			if r.CanAward() != tc.award || r.CanNominate() != tc.nominate {
				t.Errorf("%s: got %+v (award %v, nominate %v), want award %v, nominate %v", name, r, r.CanAward(), r.CanNominate(), tc.award, tc.nominate)
			}
		}

		// The dean nominates a faculty member, who may then award it.
		added, err := s.NominateIssuer(ctx, o.ID, faculty1, dean)
		if err != nil || !added {
			t.Fatalf("nominate: got %v, %v; want added", added, err)
		}
		if r := rights(faculty1); !r.CanAward() || r.CanNominate() {
			t.Errorf("nominee: got %+v, want award but not nominate", r)
		}
		if added, err := s.NominateIssuer(ctx, o.ID, faculty1, registrar); err != nil || added {
			t.Errorf("nominate again: got %v, %v; want nothing added and no error", added, err)
		}
		// No one outside the unit or the central office nominates; a
		// learner, or someone of no role at the institution, is never
		// nominated.
		_, err = s.NominateIssuer(ctx, o.ID, artsChair, artsChair)
		wantCode(t, err, apperror.Forbidden)
		_, err = s.NominateIssuer(ctx, o.ID, staff, faculty1)
		wantCode(t, err, apperror.Forbidden)
		_, err = s.NominateIssuer(ctx, o.ID, learner, registrar)
		wantField(t, err, apperror.Invalid, "person_id")
		_, err = s.NominateIssuer(ctx, o.ID, yukonRegistrar, registrar)
		wantField(t, err, apperror.Invalid, "person_id")
		_, err = s.NominateIssuer(ctx, o.ID+100, faculty1, registrar)
		wantCode(t, err, apperror.NotFound)

		got, err := s.OfferingIssuers(ctx, o.ID)
		if err != nil || len(got) != 1 || got[0].PersonID != faculty1 || got[0].Email != "faculty1@kpu.example.edu" || got[0].NominatedBy != dean || got[0].NominatedAt.IsZero() {
			t.Fatalf("issuers: got %+v, %v; want faculty1 nominated by the dean", got, err)
		}

		// Only the unit or the central office withdraws; then the right
		// is gone.
		wantCode(t, s.WithdrawIssuer(ctx, o.ID, faculty1, faculty1), apperror.Forbidden)
		if err := s.WithdrawIssuer(ctx, o.ID, faculty1, staff); err != nil {
			t.Fatal(err)
		}
		if r := rights(faculty1); r.CanAward() {
			t.Errorf("after withdrawal: got %+v, want no right to award", r)
		}
		wantCode(t, s.WithdrawIssuer(ctx, o.ID, faculty1, staff), apperror.NotFound)
		if got, err := s.OfferingIssuers(ctx, o.ID); err != nil || len(got) != 0 {
			t.Errorf("issuers after withdrawal: got %+v, %v; want none", got, err)
		}
		var n int
		err = s.ReadTx(ctx, func(tx *Tx) error {
			return tx.get("audit", `SELECT count(*) FROM audit_log WHERE action IN ('award.issuer.nominated', 'award.issuer.withdrawn')
				AND subject = $1`, []any{"offering/" + strconv.FormatInt(o.ID, 10)}, &n)
		})
		if err != nil || n != 2 {
			t.Errorf("audit: got %d events (%v), want a nomination and a withdrawal", n, err)
		}
	})
}
