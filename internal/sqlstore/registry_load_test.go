package sqlstore

import (
	"reflect"
	"testing"

	"cairn/internal/apperror"
	"cairn/internal/org"
	"cairn/internal/registry"
)

// SeedRegistryForLoad publishes and indexes the offerings it is asked
// for, differently on each call, and refuses bad counts and unknown
// institutions; RegistryLoadQueries draws valid searches, the same each
// time, that find some of them.
func TestSeedRegistryForLoad(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		inst := org.Institution{Slug: "loadu", Name: "Load University", Jurisdiction: "CA-BC", TimeZone: "America/Vancouver", PolicyProfile: "kpu-ac15"}
		if err := s.CreateInstitution(ctx, &inst); err != nil {
			t.Fatal(err)
		}
		if err := s.SeedRegistryForLoad(ctx, inst.ID, 150); err != nil {
			t.Fatal(err)
		}
		first, _ := search(t, s, registry.Query{Institution: "loadu", PerPage: 100})
		if err := s.SeedRegistryForLoad(ctx, inst.ID, 150); err != nil {
			t.Fatal(err)
		}
		res, _ := search(t, s, registry.Query{Institution: "loadu"})
		if res.Total != 300 {
			t.Errorf("the registry lists %d offerings after two seedings of 150, want 300", res.Total)
		}
		again, _ := search(t, s, registry.Query{Institution: "loadu", PerPage: 100})
		if reflect.DeepEqual(first.Items, again.Items) {
			t.Error("the second seeding wrote offerings that sort before none of the first; want new ones")
		}
		for _, it := range res.Items {
			if it.Title == "" || it.Kind == "" || it.CreditStatus == "" || it.DeliveryMode == "" || it.DurationHours <= 0 {
				t.Errorf("synthetic summary lacks a field: %+v", it)
			}
			l, err := s.RegistryLabel(ctx, "loadu", it.Slug)
			if err != nil {
				t.Fatalf("label of %s: %v", it.Slug, err)
			}
			if len(l.Competencies) == 0 || len(l.LearningOutcomes) == 0 || l.AssessmentMethod == "" {
				t.Errorf("synthetic label lacks competencies, outcomes or assessment: %+v", l)
			}
		}

		qs := RegistryLoadQueries([]string{"loadu"}, 300)
		if !reflect.DeepEqual(qs, RegistryLoadQueries([]string{"loadu"}, 300)) {
			t.Error("RegistryLoadQueries drew different searches twice")
		}
		matched, texts := 0, 0
		for _, q := range qs {
			if q.Text != "" {
				texts++
			}
			res, err := s.SearchRegistry(ctx, q)
			if err != nil {
				t.Fatalf("search %+v: %v", q, err)
			}
			if res.Total > 0 {
				matched++
			}
		}
		if texts < 100 || matched < 100 {
			t.Errorf("%d of %d load searches have text and %d match something, want at least 100 each", texts, len(qs), matched)
		}

		for _, n := range []int{0, -1, MaxLoadOfferings + 1} {
			if err := s.SeedRegistryForLoad(ctx, inst.ID, n); !is(err, apperror.Invalid) {
				t.Errorf("seed %d offerings: got %v, want Invalid", n, err)
			}
		}
		if err := s.SeedRegistryForLoad(ctx, inst.ID+100, 1); !is(err, apperror.NotFound) {
			t.Errorf("seed an unknown institution: got %v, want NotFound", err)
		}
	})
}
