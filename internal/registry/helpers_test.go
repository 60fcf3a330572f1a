package registry

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"cairn/internal/catalog"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// base is the installation URL the tests publish under.
const base = "https://credentials.example.edu/"

var approvedAt = time.Date(2026, 2, 10, 21, 15, 0, 0, time.UTC)

// fullForm is a micro-credential's outline form with every field the
// label shows filled in.
func fullForm() catalog.Form {
	return catalog.Form{
		Kind:        catalog.MicroCredential,
		Title:       "Heat Pump Installation Fundamentals",
		Description: "Install, commission and maintain air-source heat pumps in homes, safely and to code.",
		Competencies: []catalog.Competency{
			{Name: "Install air-source heat pumps", Framework: "ESCO", Code: "S6.4.1", URL: "https://esco.example.org/skill/heat-pumps"},
			{Name: "Work safely with refrigerants"},
		},
		LearningOutcomes: []string{"Size a heat pump for a dwelling.", "Commission and test an installed system."},
		AssessmentMethod: "A practical installation assessed against a checklist, and a written test.",
		DurationHours:    40,
		DeliveryMode:     catalog.Blended,
		DeliveryTiming:   catalog.BothTimings,
		CreditStatus:     catalog.CreditBearing,
		Credits:          1.5,
		Level:            "Post-secondary, introductory",
		Prerequisites:    []string{"Grade 12 or equivalent", "Refrigerant handling certificate"},
		TuitionFees:      "CAD 650 tuition; CAD 75 materials",
		TargetLearners:   []string{"Working HVAC technicians", "Electricians"},
		Partners:         []catalog.Partner{{Name: "Coast Mechanical Ltd.", Type: "employer"}},
		StacksInto:       []string{"Building Decarbonization Certificate", "https://other.example.org/programs/retrofit"},
		LaddersTo:        []string{"Diploma in HVAC Technology"},
		RequisiteFor:     []string{"HVAC 2200"},
		PLAR:             "Experienced installers may challenge the practical assessment.",
		TransferAgreements: []string{
			"Counts toward the HVAC Technician diploma at Example Polytechnic",
		},
		QualityAssurance: "Internal program review",
		AwardExpiry:      "P3Y",
		Language:         "en",
	}
}

// newVersion freezes f as version n.
func newVersion(t *testing.T, n int, f catalog.Form) catalog.Version {
	t.Helper()
	v, err := catalog.NewVersion(n, f, approvedAt.Add(-24*time.Hour))
	if err != nil {
		t.Fatalf("new version: %v", err)
	}
	return v
}

// fullLabel is the label of fullForm's version 2, in the given status.
func fullLabel(t *testing.T, status catalog.Status) Label {
	t.Helper()
	l, err := NewLabel(Source{
		OfferingID:        42,
		Slug:              "heat-pump-installation-fundamentals",
		Institution:       Institution{Slug: "kpu", Name: "Kwantlen Polytechnic University", IssuerDID: "did:web:credentials.example.edu:kpu"},
		Unit:              "Faculty of Trades and Technology",
		Status:            status,
		Version:           newVersion(t, 2, fullForm()),
		ApprovedAt:        approvedAt,
		ReviewEveryMonths: 12,
	})
	if err != nil {
		t.Fatalf("new label: %v", err)
	}
	// The store resolves stacks against the registry; do as it would.
	l.Stacks[0].Institution, l.Stacks[0].Offering = "kpu", "building-decarbonization-certificate"
	return l
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s changed (run with -update if that is intended):\ngot\n%s\nwant\n%s", name, got, want)
	}
}

// indent encodes v as indented JSON with a final newline.
func indent(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
