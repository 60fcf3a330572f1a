package sqlstore

import (
	"slices"
	"testing"

	"cairn/internal/apperror"
	"cairn/internal/approval"
	"cairn/internal/catalog"
)

// Any two submitted versions of an offering can be diffed field by field
// (issue: versions are immutable once submitted; any two versions can be
// diffed).
func TestStoreDiffVersions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		f := kpu(t, s)
		ctx := t.Context()
		o := f.offering("arts", smcForm())
		c := f.submit(o) // version 1
		f.act(c, "chair", approval.CompletenessDecision{Complete: false, Feedback: "Add a rubric and a second outcome."})
		o, _ = s.Offering(ctx, o.ID)
		o.Draft.AssessmentMethod = "Portfolio marked against a published rubric"
		o.Draft.LearningOutcomes = append(o.Draft.LearningOutcomes, "Present a prototype to customers")
		o.Draft.DurationHours = 36
		if err := s.UpdateDraft(ctx, &o); err != nil {
			t.Fatal(err)
		}
		f.act(c, "pat", approval.Resubmit{Note: "Rubric and outcome added."}) // version 2
		o, _ = s.Offering(ctx, o.ID)
		o.Draft.AssessmentMethod = "Edited after resubmission"
		if err := s.UpdateDraft(ctx, &o); err != nil { // a draft edit is not a version
			t.Fatal(err)
		}

		keys := func(chs []catalog.FieldChange) []string {
			var out []string
			for _, ch := range chs {
				out = append(out, ch.Key)
			}
			return out
		}
		tests := []struct {
			name     string
			a, b     int
			wantKeys []string
			code     apperror.Code
		}{
			{"version 1 to 2 lists the changed fields in form order", 1, 2, []string{"learning_outcomes", "assessment_method", "duration_hours"}, ""},
			{"version 2 to 1 lists the same fields", 2, 1, []string{"learning_outcomes", "assessment_method", "duration_hours"}, ""},
			{"a version against itself has no changes", 2, 2, nil, ""},
			{"an unknown version is not found", 1, 3, nil, apperror.NotFound},
			{"version 0 is not found", 0, 1, nil, apperror.NotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.DiffVersions(ctx, o.ID, tt.a, tt.b)
				if apperror.CodeOf(err) != tt.code {
					t.Fatalf("got error %v, want code %q", err, tt.code)
				}
				if !slices.Equal(keys(got), tt.wantKeys) {
					t.Errorf("got changed fields %v, want %v", keys(got), tt.wantKeys)
				}
			})
		}

		t.Run("a list field names the entries added and removed", func(t *testing.T) {
			got, err := s.DiffVersions(ctx, o.ID, 1, 2)
			if err != nil {
				t.Fatal(err)
			}
			lo := got[0]
			if !slices.Equal(lo.Added, []string{"Present a prototype to customers"}) || len(lo.Removed) != 0 {
				t.Errorf("got learning outcomes added %v removed %v, want one added", lo.Added, lo.Removed)
			}
			as := got[1]
			if as.Old != smcForm().AssessmentMethod || as.New != "Portfolio marked against a published rubric" {
				t.Errorf("got assessment %q → %q, want the submitted values, not the later draft", as.Old, as.New)
			}
		})

		t.Run("an unknown offering is not found", func(t *testing.T) {
			_, err := s.DiffVersions(ctx, o.ID+100, 1, 2)
			wantCode(t, err, apperror.NotFound)
		})

		t.Run("one version reads back with its hash", func(t *testing.T) {
			v, err := s.OfferingVersion(ctx, o.ID, 2)
			if err != nil {
				t.Fatal(err)
			}
			if v.Number() != 2 || v.Hash() != c.Current().Hash {
				t.Errorf("got version %d hash %s, want version 2 with the case's hash %s", v.Number(), v.Hash(), c.Current().Hash)
			}
			_, err = s.OfferingVersion(ctx, o.ID, 9)
			wantCode(t, err, apperror.NotFound)
		})
	})
}
