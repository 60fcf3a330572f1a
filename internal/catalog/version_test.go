package catalog

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"cairn/internal/apperror"
)

func TestVersionIsImmutable(t *testing.T) {
	f := loadForm(t)
	at := time.Date(2025, 3, 4, 10, 0, 0, 0, time.FixedZone("PST", -8*3600))
	v, err := NewVersion(1, f, at)
	if err != nil {
		t.Fatal(err)
	}
	hash := v.Hash()
	if hash != f.Hash() {
		t.Errorf("version hash %s, want the form's %s", hash, f.Hash())
	}
	// Changing the form it was made from, or the copy it hands out, must
	// not reach the version.
	f.Title = "changed"
	f.LearningOutcomes[0] = "changed"
	got := v.Form()
	got.Custom["issuers"] = "changed"
	got.Competencies[0].Name = "changed"
	again := v.Form()
	if again.Title == "changed" || again.LearningOutcomes[0] == "changed" ||
		again.Custom["issuers"] == "changed" || again.Competencies[0].Name == "changed" {
		t.Errorf("version form was mutated through a copy")
	}
	if v.Hash() != hash || again.Hash() != hash {
		t.Errorf("hash changed after mutation attempts")
	}
	if v.SubmittedAt().Location() != time.UTC || !v.SubmittedAt().Equal(at) {
		t.Errorf("SubmittedAt = %v, want %v in UTC", v.SubmittedAt(), at)
	}
	if _, err := NewVersion(0, f, at); apperror.CodeOf(err) != apperror.Invalid {
		t.Errorf("version 0: code %q, want invalid", apperror.CodeOf(err))
	}
}

func TestVersionJSONRoundTrip(t *testing.T) {
	v, err := NewVersion(3, loadForm(t), time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var back Version
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if back.Number() != 3 || back.Hash() != v.Hash() || !back.SubmittedAt().Equal(v.SubmittedAt()) {
		t.Errorf("round trip: got %d %s %v, want %d %s %v", back.Number(), back.Hash(), back.SubmittedAt(), v.Number(), v.Hash(), v.SubmittedAt())
	}

	t.Run("refuses to overwrite", func(t *testing.T) {
		err := json.Unmarshal(data, &back)
		if apperror.CodeOf(err) != apperror.Conflict {
			t.Errorf("decoding into a set version: code %q, want conflict", apperror.CodeOf(err))
		}
	})
	t.Run("refuses a tampered form", func(t *testing.T) {
		tampered := strings.Replace(string(data), "Design Thinking", "Design Doing", 1)
		var w Version
		err := json.Unmarshal([]byte(tampered), &w)
		if apperror.CodeOf(err) != apperror.Conflict || !w.IsZero() {
			t.Errorf("tampered version: code %q, zero %v; want conflict and untouched", apperror.CodeOf(err), w.IsZero())
		}
	})
	t.Run("restore checks the hash", func(t *testing.T) {
		if _, err := RestoreVersion(3, v.Form(), v.SubmittedAt(), v.Hash()); err != nil {
			t.Errorf("restore with the right hash: %v", err)
		}
		if _, err := RestoreVersion(3, v.Form(), v.SubmittedAt(), strings.Repeat("0", 64)); apperror.CodeOf(err) != apperror.Conflict {
			t.Errorf("restore with a wrong hash: code %q, want conflict", apperror.CodeOf(err))
		}
	})
}
