package web

import "cairn/internal/org"

// homeUnit is the org unit the actor proposes from at an institution: the
// unit of their proponent or program-area role there, else of any role
// there scoped to a unit; 0 when none is.
func (a *actor) homeUnit(institution int64) int64 {
	var other int64
	for _, g := range a.person.Roles {
		if g.InstitutionID != institution || g.UnitID == 0 {
			continue
		}
		if g.Role == org.Proponent || g.Role == org.ProgramAreaStaff {
			return g.UnitID
		}
		if other == 0 {
			other = g.UnitID
		}
	}
	return other
}
