package web

import (
	"cairn/internal/apperror"
	"cairn/internal/approval"
	"cairn/internal/org"
)

// action is something a route or a handler does, for authorize. Every
// route names one; handlers that load a case or an offering ask again with
// it.
type action string

// The actions.
const (
	// actPublic needs nothing: public pages, verification, health.
	actPublic action = ""
	// actSignedIn needs someone signed in: their tasks, their profile,
	// signing out.
	actSignedIn action = "signed_in"
	// actReadOfferings reads the offerings of the actor's institutions.
	actReadOfferings action = "offerings.read"
	// actPropose drafts, edits and submits offerings.
	actPropose action = "offerings.write"
	// actViewCase reads an approval case and its history.
	actViewCase action = "cases.read"
	// actActOnCase acts on an approval case; the approval engine decides
	// whether the actor may take that step of the case now.
	actActOnCase action = "cases.write"
	// actChair opens the committee chairs' pages.
	actChair action = "chair"
	// actProvost opens the Provost's signing queue and badge report.
	actProvost action = "provost"
	// actSecretariat opens the SSCC and Senate agendas and decisions.
	actSecretariat action = "secretariat"
	// actLifecycle opens annual reviews and discontinuance.
	actLifecycle action = "lifecycle"
	// actReadPeople reads the people of the actor's institutions.
	actReadPeople action = "people.read"
	// actAdmin administers institutions, people, committees and closures.
	actAdmin action = "admin"
	// actAdministration opens the Administration page: for the
	// administrators of any institution and for installation operators.
	actAdministration action = "administration"
	// actOperate sets up new institutions: installation operators only.
	// Being an operator grants nothing inside an institution (actAdmin).
	actOperate action = "operate"
)

// API token scopes, as the account package names them. Offerings and
// people are read and written under the cases scopes, since proposing is
// the first step of a case.
const (
	ScopeCasesRead  = "cases:read"
	ScopeCasesWrite = "cases:write"
	ScopeAdmin      = "admin"
)

// scopesOf are the API token scopes that allow an action, any one of
// them; none means any valid token will do. A write scope allows reading
// what it writes.
func scopesOf(act action) []string {
	switch act {
	case actReadOfferings, actViewCase, actChair, actProvost, actSecretariat, actLifecycle, actReadPeople:
		return []string{ScopeCasesRead, ScopeCasesWrite}
	case actPropose, actActOnCase:
		return []string{ScopeCasesWrite}
	case actAdmin, actAdministration, actOperate:
		return []string{ScopeAdmin}
	case actAward:
		return []string{ScopeAwardsWrite, ScopeCredentialsIssue}
	case actReadAwards:
		return []string{ScopeAwardsWrite, ScopeCredentialsIssue, ScopeCredentialsRead}
	case actWallet:
		return []string{ScopeCredentialsRead}
	}
	return nil
}

// target is what an action is done to: an institution, and the case when
// there is one. The zero target asks about the actor's roles only.
type target struct {
	institution int64
	kase        *approval.Case
}

// onCase is the target of an action on a case.
func onCase(c *approval.Case) target { return target{institution: c.InstitutionID, kase: c} }

// authorize is the one place that decides whether the actor may do act to
// t: Unauthorized when someone must sign in first, Forbidden when the
// actor's roles do not allow it. Whether a case is at the step where the
// actor may take that step is the approval engine's to decide, which
// refuses illegal moves with its own errors.
func authorize(a *actor, act action, t target) error {
	if act == actPublic {
		return nil
	}
	if !a.signedIn() {
		return apperror.New(apperror.Unauthorized, "sign in first")
	}
	if scopes := scopesOf(act); a.token != nil && len(scopes) > 0 {
		granted := false
		for _, sc := range scopes {
			granted = granted || a.token.Allows(sc, "")
		}
		if !granted {
			return apperror.New(apperror.Forbidden, "the API token does not grant the %s scope", scopes[0])
		}
	}
	inst := t.institution
	allowed := false
	switch act {
	case actSignedIn, actWallet:
		allowed = true
	case actReadOfferings, actReadPeople:
		allowed = a.staff(inst) || a.hasRole(inst, org.Administrator)
	case actPropose:
		allowed = a.hasRole(inst, org.Proponent, org.ProgramAreaStaff)
	case actViewCase, actActOnCase:
		allowed = a.staff(inst) || a.hasRole(inst, org.Administrator)
		if c := t.kase; c != nil && c.IsProponent(a.person.ID) {
			allowed = true
		}
	case actChair:
		allowed = a.sits(inst, true)
	case actProvost:
		allowed = a.hasRole(inst, org.Provost, org.ProvostOffice)
	case actSecretariat:
		allowed = a.hasRole(inst, org.SSCCSecretariat, org.SenateSecretariat)
		for _, key := range []string{"sscc", "senate"} {
			for _, s := range a.seats {
				if s.Key == key && (inst == 0 || s.InstitutionID == inst) {
					allowed = true
				}
			}
		}
	case actLifecycle:
		// Committee chairs act on proposed discontinuances.
		allowed = a.hasRole(inst, org.ProgramAreaStaff, org.Provost, org.ProvostOffice, org.Dean) || a.sits(inst, true)
	case actAdmin:
		allowed = a.hasRole(inst, org.Administrator)
	case actAdministration:
		allowed = a.operator || a.hasRole(inst, org.Administrator)
	case actOperate:
		allowed = a.operator
	case actIssueCredentials:
		allowed = mayIssue(a, inst)
	case actAward, actReadAwards:
		// Staff get this far; whether they may award the offering is
		// theirs by office or nomination (sqlstore.AwardRights).
		allowed = a.staff(inst)
	}
	if !allowed {
		return apperror.New(apperror.Forbidden, "your roles do not allow this")
	}
	return nil
}
