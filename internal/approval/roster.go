package approval

import (
	"slices"
)

// Roster is who holds which seat and role at an institution at the moment
// an action is applied: the members and chair of each committee the
// profile names (by the profile's committee id) and the people holding the
// profile's roles, optionally within an org unit. The store loads it; tests
// write it by hand.
type Roster struct {
	Committees map[string]Seats
	Roles      []RoleHolder
	// People holds names and email addresses, for notices; a person
	// missing here is still notified by id.
	People map[int64]Person
}

// Seats are a committee's current members and its chair (0 for none).
type Seats struct {
	Chair   int64
	Members []int64
}

// RoleHolder is a person holding a role, institution-wide (Unit 0) or in
// one org unit.
type RoleHolder struct {
	Person int64
	Role   string
	Unit   int64
}

// Person is what notices need of a person.
type Person struct {
	Name  string
	Email string
}

// Chair returns the chair of a committee.
func (r *Roster) Chair(committee string) (int64, bool) {
	if r == nil {
		return 0, false
	}
	s, ok := r.Committees[committee]
	return s.Chair, ok && s.Chair != 0
}

// Members returns a committee's members, chair included when the chair is
// a member.
func (r *Roster) Members(committee string) []int64 {
	if r == nil {
		return nil
	}
	return slices.Clone(r.Committees[committee].Members)
}

// IsMember reports whether person sits on the committee.
func (r *Roster) IsMember(committee string, person int64) bool {
	if r == nil {
		return false
	}
	return slices.Contains(r.Committees[committee].Members, person)
}

// Holds reports whether person holds role anywhere at the institution.
func (r *Roster) Holds(person int64, role string) bool {
	if r == nil {
		return false
	}
	return slices.ContainsFunc(r.Roles, func(h RoleHolder) bool { return h.Person == person && h.Role == role })
}

// HoldsIn reports whether person holds role in the org unit, or
// institution-wide.
func (r *Roster) HoldsIn(person int64, role string, unit int64) bool {
	if r == nil {
		return false
	}
	return slices.ContainsFunc(r.Roles, func(h RoleHolder) bool {
		return h.Person == person && h.Role == role && (h.Unit == unit || h.Unit == 0)
	})
}

// Holders returns the people holding role, in any unit, each once, in
// order.
func (r *Roster) Holders(role string) []int64 {
	if r == nil {
		return nil
	}
	var out []int64
	for _, h := range r.Roles {
		if h.Role == role && !slices.Contains(out, h.Person) {
			out = append(out, h.Person)
		}
	}
	slices.Sort(out)
	return out
}

// HoldersIn returns the people holding role in unit (institution-wide
// holders only when no one holds it in the unit).
func (r *Roster) HoldersIn(role string, unit int64) []int64 {
	if r == nil {
		return nil
	}
	var in, wide []int64
	for _, h := range r.Roles {
		switch {
		case h.Role != role:
		case h.Unit == unit && !slices.Contains(in, h.Person):
			in = append(in, h.Person)
		case h.Unit == 0 && !slices.Contains(wide, h.Person):
			wide = append(wide, h.Person)
		}
	}
	if len(in) == 0 {
		in = wide
	}
	slices.Sort(in)
	return in
}

func (r *Roster) person(id int64) Person {
	if r == nil {
		return Person{}
	}
	return r.People[id]
}
