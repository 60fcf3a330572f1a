package catalog

import (
	"reflect"
	"testing"
)

func existingOfferings() []Offering {
	mk := func(id, unit string, f Form) Offering {
		return Offering{ID: id, UnitID: unit, Status: Active, Draft: f}
	}
	return []Offering{
		mk("acc-101", "accounting", Form{
			Title:            "Bookkeeping with QuickBooks",
			Description:      "Record transactions, reconcile accounts and prepare financial statements for a small business.",
			LearningOutcomes: []string{"Record sales and purchases", "Reconcile bank accounts", "Prepare a trial balance"},
			Competencies:     []Competency{{Name: "Small-business bookkeeping"}},
		}),
		mk("des-210", "design", Form{
			Title:            "Design Thinking for Community Organizations",
			Description:      "Human-centred design methods for staff of community organizations and non-profits.",
			LearningOutcomes: []string{"Conduct empathy interviews with service users", "Synthesize research into a problem statement", "Build and test a low-fidelity prototype"},
			Competencies:     []Competency{{Name: "Frame a design challenge from user research"}, {Name: "Prototype and test a service concept"}},
		}),
		mk("gis-100", "geography", Form{
			Title:            "Geographic Information Systems",
			Description:      "Map, query and analyse spatial data with GIS software.",
			LearningOutcomes: []string{"Create thematic maps", "Query spatial data", "Analyse spatial patterns"},
			Competencies:     []Competency{{Name: "Spatial analysis with GIS"}},
		}),
		mk("lead-300", "business", Form{
			Title:            "Leading Teams Through Change",
			Description:      "Lead a team through organizational change; plan communication and manage resistance.",
			LearningOutcomes: []string{"Plan change communication", "Coach team members through resistance"},
		}),
	}
}

func TestRankSimilarNearDuplicateFirst(t *testing.T) {
	candidate := Form{
		Title:            "Design Thinking for Non-profit Organizations",
		Description:      "Human-centered design methods for people who work in non-profits and community groups.",
		LearningOutcomes: []string{"Conduct empathy interviews with users of a service", "Synthesize interview research into a problem statement", "Prototype and test a service idea"},
		Competencies:     []Competency{{Name: "Frame a design challenge from research with users"}},
	}
	got := RankSimilar(candidate, existingOfferings(), 4)
	if len(got) != 4 {
		t.Fatalf("got %d matches, want 4", len(got))
	}
	if got[0].OfferingID != "des-210" || got[0].UnitID != "design" {
		t.Fatalf("first match = %s (%s), want des-210 in design; all: %+v", got[0].OfferingID, got[0].UnitID, got)
	}
	if got[0].Score < 0.5 {
		t.Errorf("near-duplicate score = %.3f, want >= 0.5", got[0].Score)
	}
	if got[0].Why == "" || got[0].Title == "" {
		t.Errorf("first match lacks Why or Title: %+v", got[0])
	}
	for _, m := range got[1:] {
		if m.Score > 0.1 {
			t.Errorf("unrelated %s scores %.3f, want <= 0.1", m.OfferingID, m.Score)
		}
	}
	for i := 1; i < len(got); i++ {
		if got[i].Score > got[i-1].Score {
			t.Errorf("not sorted: %v before %v", got[i-1], got[i])
		}
	}
}

func TestRankSimilarUnrelatedScoresLow(t *testing.T) {
	candidate := Form{
		Title:            "Welding Safety",
		Description:      "Safe practice in a welding shop: ventilation, protective equipment and fire watch.",
		LearningOutcomes: []string{"Select protective equipment for arc welding"},
	}
	for _, m := range RankSimilar(candidate, existingOfferings(), 10) {
		if m.Score > 0.1 {
			t.Errorf("%s scores %.3f against an unrelated candidate, want <= 0.1 (%s)", m.OfferingID, m.Score, m.Why)
		}
	}
}

func TestRankSimilarIsDeterministic(t *testing.T) {
	candidate := existingOfferings()[2].Draft
	candidate.Title = "GIS for planners"
	first := RankSimilar(candidate, existingOfferings(), 3)
	for range 20 {
		if again := RankSimilar(candidate, existingOfferings(), 3); !reflect.DeepEqual(first, again) {
			t.Fatalf("results differ between runs:\n%+v\n%+v", first, again)
		}
	}
	if len(first) != 3 || first[0].OfferingID != "gis-100" {
		t.Errorf("got %+v, want 3 matches led by gis-100", first)
	}
}

func TestRankSimilarTiesByID(t *testing.T) {
	same := Form{Title: "Pottery"}
	existing := []Offering{{ID: "b", Draft: same}, {ID: "a", Draft: same}}
	got := RankSimilar(same, existing, 2)
	if got[0].OfferingID != "a" || got[1].OfferingID != "b" || got[0].Score != got[1].Score {
		t.Errorf("ties = %+v, want a then b with equal scores", got)
	}
	if RankSimilar(same, existing, 0) != nil || RankSimilar(same, nil, 3) != nil {
		t.Errorf("n=0 or no offerings should give no matches")
	}
}

func TestStem(t *testing.T) {
	groups := [][]string{
		{"design", "designs", "designing", "designed"},
		{"practice", "practicing", "practices"},
		{"module", "modules"},
		{"study", "studies"},
		{"class", "classes"},
		{"organization", "organizations"},
	}
	for _, g := range groups {
		want := stem(g[0])
		for _, w := range g[1:] {
			if got := stem(w); got != want {
				t.Errorf("stem(%q) = %q, want %q like stem(%q)", w, got, want, g[0])
			}
		}
	}
	if stem("gis") != "gis" || stem("bus") != "bus" {
		t.Errorf("short words must not be folded")
	}
}
