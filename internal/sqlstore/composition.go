package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"

	"cairn/internal/org"
	"cairn/internal/policy"
)

// CommitteeComposition is how one committee stands against the composition
// rule of its institution's policy profile on the day of the report.
type CommitteeComposition struct {
	// Key is the committee's key, the profile's id for it.
	Key  string
	Name string
	// CommitteeID is 0 when the profile gives the committee a composition
	// rule but the institution has not set the committee up.
	CommitteeID int64
	// Rule is the profile's composition rule; nil when it gives none (or
	// does not name the committee), and then nothing is checked.
	Rule *policy.Composition
	// Members are the sitting members, by person.
	Members []CompositionMember
	// ChairID is the sitting chair: the person the most recent chair
	// election elected, while they hold a seat; 0 when there is none.
	ChairID int64
	// ElectionID is the most recent chair election; 0 when there was none.
	ElectionID int64
	// Violations are the ways the committee breaks its rule; empty when it
	// keeps it.
	Violations []CompositionViolation
}

// Keeps reports whether the committee keeps its composition rule.
func (c CommitteeComposition) Keeps() bool { return len(c.Violations) == 0 }

// CompositionMember is one sitting member of a committee.
type CompositionMember struct {
	PersonID int64
	Name     string
	Category org.MemberCategory
	// UnitID is the unit the member represents (0 for none); FacultyID the
	// faculty that unit is, or is in (0 for none).
	UnitID    int64
	FacultyID int64
}

// CompositionViolation is one way a committee breaks its composition rule,
// with the clause it breaks and what it is about.
type CompositionViolation struct {
	Clause  string
	Message string
	// Category is the seat's category, when the violation is about a seat.
	Category string
	// FacultyID is the faculty of a per-faculty seat with too few or too
	// many members, or the unit (not a faculty) a member holds such a seat
	// from; 0 otherwise.
	FacultyID int64
	// PersonID is the member concerned; 0 when the violation is about a
	// seat or the chair.
	PersonID int64
}

// CompositionReport checks every committee of the institution against the
// composition rule its policy profile gives (AC15 B.1.b, B.2.b): the
// members sitting today by their categories and units (a per-faculty seat
// counted per faculty, a member's department counting for its faculty) and
// the elected chair. It lists the committees in the profile's order, a
// committee with a rule that has not been set up included, then the
// committees the profile does not name.
func (a *Approvals) CompositionReport(ctx context.Context, institutionID int64) ([]CommitteeComposition, error) {
	var out []CommitteeComposition
	err := a.s.ReadTx(ctx, func(tx *Tx) error {
		var name string
		if err := tx.get("institution", `SELECT policy_profile FROM institutions WHERE id = $1`, []any{institutionID}, &name); err != nil {
			return err
		}
		p, err := a.profile(name)
		if err != nil {
			return err
		}
		out, err = tx.compositionReport(institutionID, p)
		return err
	})
	return out, err
}

func (tx *Tx) compositionReport(institutionID int64, p *policy.Profile) ([]CommitteeComposition, error) {
	units, err := list(tx, func(r *sql.Rows) (org.OrgUnit, error) { return scanUnit(r) },
		`SELECT `+unitCols+` FROM org_units WHERE institution_id = $1 ORDER BY id LIMIT $2`, institutionID, maxRosterRows)
	if err != nil {
		return nil, err
	}
	byID := map[int64]org.OrgUnit{}
	var faculties []string
	for _, u := range units {
		byID[u.ID] = u
		if u.Kind == org.Faculty {
			faculties = append(faculties, strconv.FormatInt(u.ID, 10))
		}
	}
	stored, err := list(tx, func(r *sql.Rows) (org.Committee, error) { return scanCommittee(r) },
		`SELECT `+committeeCols+` FROM committees WHERE institution_id = $1 ORDER BY name, id LIMIT $2`, institutionID, maxRosterRows)
	if err != nil {
		return nil, err
	}
	var out []CommitteeComposition
	for _, pc := range p.Committees {
		i := slices.IndexFunc(stored, func(c org.Committee) bool { return c.Key == pc.ID })
		if i < 0 {
			if pc.Composition != nil {
				out = append(out, CommitteeComposition{Key: pc.ID, Name: pc.Name, Rule: pc.Composition,
					Violations: []CompositionViolation{{Clause: pc.Composition.Clause,
						Message: fmt.Sprintf("the institution has no committee with key %q", pc.ID)}}})
			}
			continue
		}
		cc, err := tx.composition(stored[i], pc.Composition, byID, faculties)
		if err != nil {
			return nil, err
		}
		out = append(out, cc)
		stored = slices.Delete(stored, i, i+1)
	}
	for _, c := range stored {
		cc, err := tx.composition(c, nil, byID, faculties)
		if err != nil {
			return nil, err
		}
		out = append(out, cc)
	}
	return out, nil
}

// composition reads one committee's sitting members and chair and checks
// them against rule, if any.
func (tx *Tx) composition(c org.Committee, rule *policy.Composition, units map[int64]org.OrgUnit, faculties []string) (CommitteeComposition, error) {
	cc := CommitteeComposition{Key: c.Key, Name: c.Name, CommitteeID: c.ID, Rule: rule}
	ms, err := tx.memberships(c.ID)
	if err != nil {
		return cc, err
	}
	elections, err := tx.chairElections(`committee_id = $1`, c.ID, 1)
	if err != nil {
		return cc, err
	}
	var elected int64
	if len(elections) > 0 {
		cc.ElectionID, elected = elections[0].ID, elections[0].ElectedID
	}
	for _, m := range ms {
		if !m.ActiveOn(tx.now) {
			continue
		}
		var name string
		if err := tx.get("person", `SELECT name FROM people WHERE id = $1`, []any{m.PersonID}, &name); err != nil {
			return cc, err
		}
		cc.Members = append(cc.Members, CompositionMember{PersonID: m.PersonID, Name: name, Category: m.Category,
			UnitID: m.UnitID, FacultyID: facultyOf(m.UnitID, units)})
		if m.PersonID == elected {
			cc.ChairID = elected
		}
	}
	if rule == nil {
		return cc, nil
	}
	// CheckComposition speaks of people and units by the strings it is
	// given: labels that carry the id keep them distinct and readable.
	personLabel := map[string]int64{}
	unitLabel := map[string]int64{}
	label := func(id int64) string {
		if id == 0 {
			return "no unit"
		}
		l := fmt.Sprintf("%s (unit %d)", units[id].Name, id)
		unitLabel[l] = id
		return l
	}
	var facs []string
	for _, f := range faculties {
		id, _ := strconv.ParseInt(f, 10, 64)
		facs = append(facs, label(id))
	}
	var members []policy.Member
	for _, m := range cc.Members {
		pl := fmt.Sprintf("%s (person %d)", m.Name, m.PersonID)
		personLabel[pl] = m.PersonID
		unit := m.FacultyID
		if unit == 0 {
			unit = m.UnitID
		}
		members = append(members, policy.Member{PersonID: pl, Category: string(m.Category), UnitID: label(unit), Chair: m.PersonID == cc.ChairID})
	}
	for _, v := range policy.CheckComposition(*rule, members, facs) {
		cc.Violations = append(cc.Violations, CompositionViolation{Clause: v.Clause, Message: v.Message, Category: v.Category,
			FacultyID: unitLabel[v.Faculty], PersonID: personLabel[v.Person]})
	}
	return cc, nil
}

// facultyOf returns the faculty a unit is or is in; 0 when none.
func facultyOf(id int64, units map[int64]org.OrgUnit) int64 {
	for range maxUnitDepth {
		u, ok := units[id]
		if !ok {
			return 0
		}
		if u.Kind == org.Faculty {
			return u.ID
		}
		id = u.ParentID
	}
	return 0
}
