package policy

import (
	"fmt"
	"slices"
)

// Member is one member of a committee as held by the institution.
type Member struct {
	PersonID string
	// Category is the seat category the member holds (a category id).
	Category string
	// UnitID is the member's org unit; for a per-faculty seat, the faculty.
	UnitID string
	// Chair marks the committee's chair.
	Chair bool
}

// Violation is one way a committee breaks its composition rule. Besides
// the message, it names what the message is about, so a caller can show
// the seat or the member in its own terms.
type Violation struct {
	Clause  string
	Message string
	// Category is the seat's category, for a seat with too few or too many
	// members or a member in a seat the rule does not have.
	Category string
	// Faculty is the faculty (a unit id) of a per-faculty seat with too few
	// or too many members, or the unit of a member who holds a per-faculty
	// seat from a unit that is not a faculty.
	Faculty string
	// Person is the member concerned, for a violation about one member.
	Person string
}

// CheckComposition reports how members break the rule: a seat filled by
// too few or too many members (per faculty, for a per-faculty seat, given
// the unit ids of the faculties), a member in no seat of the rule or in a
// per-faculty seat but no faculty, a person holding two seats, and, when
// the chair is elected from the members, a chair missing or doubled. It
// returns nil for a committee that keeps its rule.
func CheckComposition(rule Composition, members []Member, faculties []string) []Violation {
	var out []Violation
	add := func(v Violation, format string, args ...any) {
		if v.Clause == "" {
			v.Clause = rule.Clause
		}
		v.Message = fmt.Sprintf(format, args...)
		out = append(out, v)
	}
	seen := map[string]bool{}
	for _, m := range members {
		if seen[m.PersonID] {
			add(Violation{Person: m.PersonID}, "%s holds more than one seat", m.PersonID)
		}
		seen[m.PersonID] = true
	}
	seated := map[string]bool{}
	for _, s := range rule.Seats {
		seated[s.Category] = true
		if !s.PerFaculty {
			n := 0
			for _, m := range members {
				if m.Category == s.Category {
					n++
				}
			}
			if n != s.Count {
				add(Violation{Clause: s.Clause, Category: s.Category}, "needs %s from category %q, has %d", people(s.Count), s.Category, n)
			}
			continue
		}
		for _, fac := range faculties {
			n := 0
			for _, m := range members {
				if m.Category == s.Category && m.UnitID == fac {
					n++
				}
			}
			if n != s.Count {
				add(Violation{Clause: s.Clause, Category: s.Category, Faculty: fac},
					"needs %s from category %q from faculty %q, has %d", people(s.Count), s.Category, fac, n)
			}
		}
		for _, m := range members {
			if m.Category == s.Category && !slices.Contains(faculties, m.UnitID) {
				add(Violation{Clause: s.Clause, Category: s.Category, Faculty: m.UnitID, Person: m.PersonID},
					"%s holds a per-faculty %q seat but unit %q is not a faculty", m.PersonID, s.Category, m.UnitID)
			}
		}
	}
	for _, m := range members {
		if !seated[m.Category] {
			add(Violation{Category: m.Category, Person: m.PersonID}, "%s is in category %q, which has no seat on this committee", m.PersonID, m.Category)
		}
	}
	if rule.Chair == ChairElected {
		var chairs int
		for _, m := range members {
			if m.Chair {
				chairs++
			}
		}
		switch {
		case chairs == 0:
			add(Violation{}, "has no chair; the chair is elected from among the members")
		case chairs > 1:
			add(Violation{}, "has %d chairs; it elects one from among the members", chairs)
		}
	}
	return out
}

func people(n int) string {
	if n == 1 {
		return "1 member"
	}
	return fmt.Sprintf("%d members", n)
}
