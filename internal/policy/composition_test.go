package policy

import (
	"strings"
	"testing"
)

func TestCheckComposition(t *testing.T) {
	rule := Composition{
		Clause: "R 1",
		Chair:  ChairElected,
		Seats: []Seat{
			{Category: "faculty", Count: 1, PerFaculty: true, Clause: "R 1.a"},
			{Category: "decanal", Count: 1, Clause: "R 1.b"},
		},
	}
	faculties := []string{"arts", "science"}
	full := func() []Member {
		return []Member{
			{PersonID: "ann", Category: "faculty", UnitID: "arts", Chair: true},
			{PersonID: "bob", Category: "faculty", UnitID: "science"},
			{PersonID: "dee", Category: "decanal", UnitID: "deans"},
		}
	}
	tests := []struct {
		name   string
		change func([]Member) []Member
		want   []Violation
	}{
		{"complete committee passes", func(m []Member) []Member { return m }, nil},
		{"faculty without a member", func(m []Member) []Member { return m[:1:1] },
			[]Violation{
				{Clause: "R 1.a", Message: `needs 1 member from category "faculty" from faculty "science", has 0`, Category: "faculty", Faculty: "science"},
				{Clause: "R 1.b", Message: `needs 1 member from category "decanal", has 0`, Category: "decanal"},
			}},
		{"faculty with two members", func(m []Member) []Member {
			return append(m, Member{PersonID: "cy", Category: "faculty", UnitID: "arts"})
		}, []Violation{{Clause: "R 1.a", Message: `needs 1 member from category "faculty" from faculty "arts", has 2`, Category: "faculty", Faculty: "arts"}}},
		{"per-faculty seat held from a non-faculty unit", func(m []Member) []Member {
			return append(m, Member{PersonID: "cy", Category: "faculty", UnitID: "library"})
		}, []Violation{{Clause: "R 1.a", Message: `cy holds a per-faculty "faculty" seat but unit "library" is not a faculty`,
			Category: "faculty", Faculty: "library", Person: "cy"}}},
		{"member in no seat", func(m []Member) []Member {
			return append(m, Member{PersonID: "eve", Category: "student"})
		}, []Violation{{Clause: "R 1", Message: `eve is in category "student", which has no seat on this committee`, Category: "student", Person: "eve"}}},
		{"person in two seats", func(m []Member) []Member {
			m[2].PersonID = "ann"
			return m
		}, []Violation{{Clause: "R 1", Message: `ann holds more than one seat`, Person: "ann"}}},
		{"no chair", func(m []Member) []Member {
			m[0].Chair = false
			return m
		}, []Violation{{Clause: "R 1", Message: `has no chair; the chair is elected from among the members`}}},
		{"two chairs", func(m []Member) []Member {
			m[1].Chair = true
			return m
		}, []Violation{{Clause: "R 1", Message: `has 2 chairs; it elects one from among the members`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckComposition(rule, tt.change(full()), faculties)
			if len(got) != len(tt.want) {
				t.Fatalf("violations = %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("violation %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestCheckCompositionOfUnruledCommittee(t *testing.T) {
	if got := CheckComposition(Composition{}, []Member{{PersonID: "x", Category: "any"}}, nil); len(got) != 1 ||
		!strings.Contains(got[0].Message, "no seat") {
		t.Errorf("a rule with no seats should report every member as unseated, got %+v", got)
	}
}
