package catalog

import (
	"slices"
	"testing"
)

func TestDiff(t *testing.T) {
	a := loadForm(t)
	if got := Diff(a, a.Clone()); len(got) != 0 {
		t.Fatalf("Diff of equal forms = %+v, want none", got)
	}
	b := a.Clone()
	b.Title = "Design Thinking for Non-profits"
	b.DurationHours = 30
	b.LearningOutcomes = []string{b.LearningOutcomes[1], "Facilitate a co-design workshop", b.LearningOutcomes[0]}
	b.Competencies = append(b.Competencies, Competency{Name: "Facilitate co-design", Framework: "ESCO"})
	b.Custom["issuers"] = "Registrar"
	b.Custom["new_field"] = "added"
	delete(b.Custom, "consultation_summary")

	got := Diff(a, b)
	var keys []string
	byKey := map[string]FieldChange{}
	for _, c := range got {
		keys = append(keys, c.Key)
		byKey[c.Key] = c
	}
	want := []string{"title", "competencies", "learning_outcomes", "duration_hours",
		"custom.consultation_summary", "custom.issuers", "custom.new_field"}
	if !slices.Equal(keys, want) {
		t.Fatalf("changed keys = %v, want %v", keys, want)
	}
	if c := byKey["title"]; c.Label != "Title" || c.Old != a.Title || c.New != b.Title {
		t.Errorf("title change = %+v", c)
	}
	if c := byKey["duration_hours"]; c.Old != "24.5" || c.New != "30" {
		t.Errorf("duration change = %+v, want 24.5 -> 30", c)
	}
	lo := byKey["learning_outcomes"]
	if !slices.Equal(lo.Added, []string{"Facilitate a co-design workshop"}) ||
		!slices.Equal(lo.Removed, []string{"Build and test a low-fidelity prototype"}) {
		t.Errorf("outcomes added %q removed %q", lo.Added, lo.Removed)
	}
	if c := byKey["competencies"]; !slices.Equal(c.Added, []string{"Facilitate co-design (ESCO)"}) || len(c.Removed) != 0 {
		t.Errorf("competencies added %q removed %q", c.Added, c.Removed)
	}
	if c := byKey["custom.consultation_summary"]; c.Old == "" || c.New != "" || c.Label != "consultation_summary" {
		t.Errorf("removed custom field change = %+v", c)
	}
	if c := byKey["custom.new_field"]; c.Old != "" || c.New != "added" {
		t.Errorf("added custom field change = %+v", c)
	}
}

func TestDiffReorderIsAChangeWithNothingAdded(t *testing.T) {
	a := Form{LearningOutcomes: []string{"one", "two"}}
	b := Form{LearningOutcomes: []string{"two", "one"}}
	got := Diff(a, b)
	if len(got) != 1 || len(got[0].Added) != 0 || len(got[0].Removed) != 0 || got[0].Old != "one; two" {
		t.Errorf("Diff(reordered) = %+v, want one change with nothing added or removed", got)
	}
}
