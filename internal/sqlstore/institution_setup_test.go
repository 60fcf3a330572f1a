package sqlstore

import (
	"slices"
	"strconv"
	"testing"

	"cairn/internal/apperror"
	"cairn/internal/approval"
	"cairn/internal/org"
)

func newSetup() InstitutionSetup {
	return InstitutionSetup{
		Institution: org.Institution{Slug: "nwcc", Name: "Northwind Community College", Jurisdiction: "CA-BC",
			TimeZone: "America/Vancouver", PolicyProfile: "kpu-ac15"},
		AdminName: "Robin Ames", AdminEmail: " Registrar@NWCC.example.edu ",
	}
}

// TestSetUpInstitution adds an institution with its first administrator
// in one go, audited; problems are reported field by field, and a refused
// setup leaves nothing behind.
func TestSetUpInstitution(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		bad := InstitutionSetup{Institution: org.Institution{Slug: "Bad Slug", Name: "x", Jurisdiction: "bc-x",
			TimeZone: "Mars/Olympus_Mons", PolicyProfile: "nope"}, AdminName: "", AdminEmail: "not an address"}
		var fields []string
		for _, p := range bad.Problems() {
			fields = append(fields, p.Field)
		}
		if want := []string{"slug", "jurisdiction", "time_zone", "policy_profile", "admin_name", "admin_email"}; !slices.Equal(fields, want) {
			t.Errorf("problems on %v, want %v", fields, want)
		}
		_, err := s.SetUpInstitution(ctx, bad)
		wantField(t, err, apperror.Invalid, "slug")

		u := newSetup()
		u.Operator = true
		got, err := s.SetUpInstitution(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if got.Institution.ID == 0 || !got.NewAdmin || got.Admin.Email != "registrar@nwcc.example.edu" || !got.Admin.HasRole(got.Institution.ID, org.Administrator) {
			t.Errorf("set up %+v, want a new institution whose new administrator holds the role", got)
		}
		if ok, err := s.IsOperator(ctx, got.Admin.ID); err != nil || !ok {
			t.Errorf("IsOperator = %v, %v; want true", ok, err)
		}
		// The same slug again is refused, and the second administrator is
		// not left behind.
		dup := newSetup()
		dup.AdminEmail = "other@nwcc.example.edu"
		_, err = s.SetUpInstitution(ctx, dup)
		wantField(t, err, apperror.Conflict, "slug")
		if _, err := s.PersonByEmail(ctx, "other@nwcc.example.edu"); apperror.CodeOf(err) != apperror.NotFound {
			t.Errorf("the refused setup's administrator: %v, want not found", err)
		}
		// An existing person becomes the administrator of a second one.
		second := newSetup()
		second.Institution.Slug, second.Institution.Name = "nwcc2", "Northwind Two"
		got2, err := s.SetUpInstitution(ctx, second)
		if err != nil || got2.NewAdmin || got2.Admin.ID != got.Admin.ID || !got2.Admin.HasRole(got2.Institution.ID, org.Administrator) {
			t.Errorf("second setup: %+v, %v; want the same person as its administrator", got2, err)
		}
		evs, err := s.AuditLog(ctx, 1, MaxAuditPage)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range evs {
			actions = append(actions, e.Action+" "+e.Subject)
		}
		want := []string{"institution.created institution/nwcc", "operator.granted person/" + strconv.FormatInt(got.Admin.ID, 10), "institution.created institution/nwcc2"}
		if !slices.Equal(actions, want) {
			t.Errorf("audit log %v, want %v", actions, want)
		}
	})
}

// TestOperators grants, lists and revokes installation operators.
func TestOperators(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		ann, bo := newPerson(t, s, "ann"), newPerson(t, s, "bo")
		if ok, err := s.IsOperator(ctx, ann.ID); err != nil || ok {
			t.Fatalf("before any grant: %v, %v", ok, err)
		}
		for range 2 {
			if err := s.GrantOperator(ctx, ann.ID, bo.ID); err != nil {
				t.Fatal(err)
			}
		}
		wantCode(t, s.GrantOperator(ctx, 9999, 0), apperror.NotFound)
		ops, err := s.Operators(ctx)
		if err != nil || len(ops) != 1 || ops[0].ID != ann.ID {
			t.Errorf("operators %+v, %v; want ann", ops, err)
		}
		if err := s.RevokeOperator(ctx, ann.ID, bo.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.RevokeOperator(ctx, ann.ID, bo.ID), apperror.NotFound)
		if ok, _ := s.IsOperator(ctx, ann.ID); ok {
			t.Error("still an operator after the revocation")
		}
		evs, _ := s.AuditLog(ctx, 1, MaxAuditPage)
		if len(evs) != 2 || evs[0].Action != "operator.granted" || evs[1].Action != "operator.revoked" || evs[0].Actor != "person/"+strconv.FormatInt(bo.ID, 10) {
			t.Errorf("audit log %+v, want one grant and one revocation by bo", evs)
		}
	})
}

// TestEditInstitution changes an institution's details, audited with what
// changed; the profile cannot change while a case is in progress, since
// cases follow the current profile.
func TestEditInstitution(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		f := kpu(t, s)
		edit := InstitutionEdit{ID: f.inst.ID, Version: f.inst.Version, Name: "Kwantlen", Jurisdiction: "CA-BC",
			TimeZone: "America/Edmonton", PolicyProfile: "kpu-ac15", By: f.id("provost")}
		got, err := s.EditInstitution(ctx, edit)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Kwantlen" || got.TimeZone != "America/Edmonton" || got.Version != f.inst.Version+1 || got.Slug != "kpu" {
			t.Errorf("edited %+v", got)
		}
		// A stale version is a conflict; bad values are refused by field.
		wantCode(t, func() error { _, err := s.EditInstitution(ctx, edit); return err }(), apperror.Conflict)
		bad := edit
		bad.Version, bad.TimeZone = got.Version, "Nowhere/Special"
		_, err = s.EditInstitution(ctx, bad)
		wantField(t, err, apperror.Invalid, "time_zone")

		c := f.submit(f.offering("arts", smcForm()))
		change := edit
		change.Version, change.PolicyProfile = got.Version, "yukon"
		_, err = s.EditInstitution(ctx, change)
		wantField(t, err, apperror.Conflict, "policy_profile")
		if n, err := s.CasesInProgress(ctx, f.inst.ID); err != nil || n != 1 {
			t.Errorf("CasesInProgress = %d, %v; want 1", n, err)
		}
		f.act(c, "pat", approval.Withdraw{Reason: "another time"})
		got, err = s.EditInstitution(ctx, change)
		if err != nil || got.PolicyProfile != "yukon" {
			t.Fatalf("after the case was withdrawn: %+v, %v", got, err)
		}
		// Saving the same details again changes and audits nothing.
		same := change
		same.Version = got.Version
		if again, err := s.EditInstitution(ctx, same); err != nil || again.Version != got.Version {
			t.Errorf("unchanged save: %+v, %v; want the same version", again, err)
		}
		if acts := f.auditActions("institution/kpu"); !slices.Equal(acts, []string{"institution.updated", "institution.updated"}) {
			t.Errorf("audit of the institution %v, want two updates", acts)
		}
	})
}
