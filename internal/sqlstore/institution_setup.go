package sqlstore

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/org"
	"cairn/internal/policy"
)

// InstitutionProblems checks an institution's settings as an
// administrator or an operator chooses them, every field at once:
// org.Institution's own checks, a time zone the time zone database knows
// (the working-day calendar loads it), and a policy profile cairn ships
// (policy.Builtins), since the approval engine loads no other.
func InstitutionProblems(i org.Institution) []*apperror.Error {
	out := i.Problems()
	has := func(field string) bool {
		return slices.ContainsFunc(out, func(e *apperror.Error) bool { return e.Field == field })
	}
	if !has("time_zone") {
		if _, err := time.LoadLocation(i.TimeZone); err != nil {
			out = append(out, apperror.Field("time_zone", "is not a time zone this server knows; give an IANA name such as America/Vancouver"))
		}
	}
	if !has("policy_profile") && !slices.Contains(policy.Builtins(), i.PolicyProfile) {
		out = append(out, apperror.Field("policy_profile", "choose one of the policy profiles cairn knows: %s", strings.Join(policy.Builtins(), ", ")))
	}
	slices.SortStableFunc(out, func(a, b *apperror.Error) int { return fieldOrder(a.Field) - fieldOrder(b.Field) })
	return out
}

// fieldOrder is the place of an institution's field on its forms, so
// problems read top to bottom.
func fieldOrder(field string) int {
	i := slices.Index([]string{"slug", "name", "jurisdiction", "time_zone", "policy_profile", "issuer_did", "admin_name", "admin_email"}, field)
	if i < 0 {
		return 100
	}
	return i
}

// InstitutionSetup is a new institution with its first administrator, as
// `cairn institution add` and the operators' web page set it up.
type InstitutionSetup struct {
	// Institution is the new institution; its ID, Version and timestamps
	// are ignored.
	Institution org.Institution
	// AdminName and AdminEmail name the first administrator. A person
	// with that address already is made the administrator as they are;
	// otherwise a new person is added.
	AdminName, AdminEmail string
	// Operator makes the administrator an installation operator as well.
	Operator bool
	// By is who sets the institution up, for the audit log; 0 for the
	// command line.
	By int64
}

// Problems reports every problem with the setup, each naming its form
// field (the administrator's are admin_name and admin_email).
func (u InstitutionSetup) Problems() []*apperror.Error {
	out := InstitutionProblems(u.Institution)
	p := org.Person{Name: u.AdminName, Email: org.NormalizeEmail(u.AdminEmail)}
	var e *apperror.Error
	if errors.As(org.Person{Name: p.Name, Email: "a@example.org"}.Validate(), &e) {
		out = append(out, apperror.Field("admin_name", "%s", e.Message))
	}
	if errors.As(org.Person{Name: "A", Email: p.Email}.Validate(), &e) {
		out = append(out, apperror.Field("admin_email", "%s", e.Message))
	}
	return out
}

// InstitutionSetUp is what SetUpInstitution made.
type InstitutionSetUp struct {
	Institution org.Institution
	Admin       org.Person
	// NewAdmin is set when the administrator was added as a new person.
	NewAdmin bool
}

// SetUpInstitution adds an institution with its first administrator in
// one transaction, and audits it: the administrator (found by email
// address, or added), the institution, their administrator role, and
// with u.Operator their operator grant. The first of u.Problems is
// returned as it is; a slug in use is a Conflict on slug.
func (s *Store) SetUpInstitution(ctx context.Context, u InstitutionSetup) (InstitutionSetUp, error) {
	if ps := u.Problems(); len(ps) > 0 {
		return InstitutionSetUp{}, ps[0]
	}
	var out InstitutionSetUp
	err := s.WithTx(ctx, func(tx *Tx) error {
		out = InstitutionSetUp{Institution: u.Institution}
		admin, err := tx.personByEmail(u.AdminEmail)
		if is(err, apperror.NotFound) {
			admin = org.Person{Name: u.AdminName, Email: org.NormalizeEmail(u.AdminEmail)}
			err = tx.createPerson(&admin)
			out.NewAdmin = true
		}
		if err != nil {
			return err
		}
		out.Admin = admin
		if err := tx.createInstitution(&out.Institution); err != nil {
			return err
		}
		inst := out.Institution
		if _, err := tx.exec(`INSERT INTO role_grants (person_id, institution_id, role, unit_id, granted_at)
			VALUES ($1, $2, $3, NULL, $4)`, admin.ID, inst.ID, string(org.Administrator), tx.ts(tx.now)); err != nil {
			return err
		}
		if err := tx.auditAwardSubject(inst.Slug, u.By, "institution.created", "institution/"+inst.Slug, map[string]any{
			"name": inst.Name, "jurisdiction": inst.Jurisdiction, "time_zone": inst.TimeZone,
			"policy_profile": inst.PolicyProfile, "administrator": admin.ID, "new_person": out.NewAdmin}); err != nil {
			return err
		}
		if u.Operator {
			return tx.grantOperator(admin.ID, u.By)
		}
		return nil
	})
	if err != nil {
		return InstitutionSetUp{}, err
	}
	admin, err := s.Person(ctx, out.Admin.ID)
	if err == nil {
		out.Admin = admin
	}
	return out, err
}

// InstitutionEdit is a change an institution's administrators make to its
// details. Its slug and issuer DID are not among them: links and
// credentials carry those.
type InstitutionEdit struct {
	ID int64
	// Version is the version of the institution the change was made to.
	Version                                     int64
	Name, Jurisdiction, TimeZone, PolicyProfile string
	// By is who made the change, for the audit log.
	By int64
}

// Apply returns the institution as the edit would leave it.
func (e InstitutionEdit) Apply(i org.Institution) org.Institution {
	i.Name, i.Jurisdiction, i.TimeZone, i.PolicyProfile = e.Name, e.Jurisdiction, e.TimeZone, e.PolicyProfile
	return i
}

// EditInstitution saves an edit of an institution's details and audits
// what changed (institution.updated, with each changed field's old and new
// value). The first of InstitutionProblems is returned as it is; a stale
// Version is a Conflict. The approval engine does not pin a case to the
// profile it started under (each action loads the institution's profile
// now), so changing the profile while a case is in progress (open or with
// its proponent) is refused as a Conflict on policy_profile. Renaming the
// institution re-queues its registry entries (the trigger
// registry_institution_changed does, as for a profile change).
func (s *Store) EditInstitution(ctx context.Context, e InstitutionEdit) (org.Institution, error) {
	var out org.Institution
	err := s.WithTx(ctx, func(tx *Tx) error {
		old, err := tx.institution(`WHERE id = $1`, e.ID)
		if err != nil {
			return err
		}
		if old.Version != e.Version {
			return changed("institution")
		}
		next := e.Apply(old)
		if ps := InstitutionProblems(next); len(ps) > 0 {
			return ps[0]
		}
		if next.PolicyProfile != old.PolicyProfile {
			n, err := tx.casesInProgress(old.ID)
			if err != nil {
				return err
			}
			if n > 0 {
				return &apperror.Error{Code: apperror.Conflict, Field: "policy_profile", Message: "cannot change while " +
					plural(n, "approval case is", "approval cases are") + " in progress: cases follow the institution's current profile, so finish or withdraw them first"}
			}
		}
		data := map[string]any{}
		for _, f := range []struct{ name, from, to string }{{"name", old.Name, next.Name}, {"jurisdiction", old.Jurisdiction, next.Jurisdiction},
			{"time_zone", old.TimeZone, next.TimeZone}, {"policy_profile", old.PolicyProfile, next.PolicyProfile}} {
			if f.from != f.to {
				data[f.name] = map[string]string{"from": f.from, "to": f.to}
			}
		}
		if len(data) == 0 {
			out = old
			return nil
		}
		v, at, err := tx.updateVersioned("institutions", "institution", old.ID, old.Version,
			`name = $1, jurisdiction = $2, time_zone = $3, policy_profile = $4`,
			next.Name, next.Jurisdiction, next.TimeZone, next.PolicyProfile)
		if err != nil {
			return err
		}
		next.Version, next.UpdatedAt = v, at
		out = next
		return tx.auditAwardSubject(old.Slug, e.By, "institution.updated", "institution/"+old.Slug, data)
	})
	return out, err
}

// CasesInProgress counts an institution's approval cases that are open or
// with their proponent.
func (s *Store) CasesInProgress(ctx context.Context, institutionID int64) (int, error) {
	var n int
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		n, err = tx.casesInProgress(institutionID)
		return err
	})
	return n, err
}

func (tx *Tx) casesInProgress(institutionID int64) (int, error) {
	var n int
	err := tx.get("approval cases", `SELECT count(*) FROM approval_cases
		WHERE institution_id = $1 AND status IN ('open', 'with_proponent')`, []any{institutionID}, &n)
	return n, err
}

// plural is "1 thing is" or "n things are".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
