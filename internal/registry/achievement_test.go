package registry

import (
	"encoding/json"
	"strings"
	"testing"

	"cairn/internal/catalog"
	"cairn/internal/contexts"
	"cairn/internal/jsonld"
	"cairn/internal/ob"
)

func TestAchievementGolden(t *testing.T) {
	b, err := AchievementJSON(fullLabel(t, catalog.Active), base)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	golden(t, "achievement-micro-credential.json", indent(t, v))
}

// credentialWith wraps a in the smallest OpenBadgeCredential that awards
// it, as the award engine will.
func credentialWith(t *testing.T, a ob.Achievement) []byte {
	t.Helper()
	c := ob.AchievementCredential{
		Context: ob.NewContext(ob.ContextVC2, ob.ContextOB),
		ID:      "urn:uuid:2f3ddf0a-8c6f-4b8e-9d59-3f0f6f3c1a11",
		Type:    ob.NewTypes(ob.TypeVerifiableCredential, ob.TypeOpenBadgeCredential),
		Name:    a.Name,
		Issuer: ob.ProfileRef{Profile: &ob.Profile{
			ID: "did:web:credentials.example.edu:kpu", Type: ob.NewTypes(ob.TypeProfile), Name: "Kwantlen Polytechnic University"}},
		ValidFrom: "2026-03-01T00:00:00Z",
		CredentialSubject: ob.AchievementSubject{
			ID: "did:example:learner", Type: ob.NewTypes(ob.TypeAchievementSubject), Achievement: a,
		},
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAchievementValidates(t *testing.T) {
	labels := map[string]Label{}
	for _, k := range catalog.Kinds() {
		for _, s := range []catalog.Status{catalog.Active, catalog.ApprovedInterimNonCredit} {
			l := fullLabel(t, s)
			l.Kind = k
			labels[string(k)+" "+string(s)] = l
		}
	}
	bare := fullLabel(t, catalog.Approved)
	bare.Description, bare.Competencies, bare.LearningOutcomes, bare.AssessmentMethod, bare.Language = "", nil, nil, "", ""
	bare.Institution.IssuerDID = ""
	labels["without optional fields"] = bare

	p := jsonld.NewProcessor(contexts.New())
	for name, l := range labels {
		t.Run(name, func(t *testing.T) {
			cred := credentialWith(t, Achievement(l, base))
			if errs := ob.Validate(cred); len(errs) > 0 {
				t.Fatalf("the credential embedding the achievement is invalid: %v\n%s", errs, cred)
			}
			// Data Integrity signing expands in safe mode, which refuses
			// any term the contexts do not define.
			var doc any
			if err := json.Unmarshal(cred, &doc); err != nil {
				t.Fatal(err)
			}
			if _, err := p.ToRDF(doc, jsonld.Options{SafeMode: true}); err != nil {
				t.Fatalf("the credential would not sign: %v", err)
			}
			standalone, err := AchievementJSON(l, base)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(standalone, &doc); err != nil {
				t.Fatal(err)
			}
			if _, err := p.ToRDF(doc, jsonld.Options{SafeMode: true}); err != nil {
				t.Fatalf("the served achievement is not clean JSON-LD: %v", err)
			}
		})
	}
}

func TestAchievementFields(t *testing.T) {
	l := fullLabel(t, catalog.Active)
	a := Achievement(l, base)
	u := l.URLs(base)
	if a.ID != u.Achievement || a.Criteria.ID != u.Page {
		t.Errorf("got id %s criteria %s, want %s and %s", a.ID, a.Criteria.ID, u.Achievement, u.Page)
	}
	if a.AchievementType != ob.AchievementMicroCredential || a.Version != "2" || a.CreditsAvailable != "1.5" {
		t.Errorf("got type %s version %s credits %s, want MicroCredential, 2, 1.5", a.AchievementType, a.Version, a.CreditsAvailable)
	}
	if a.Creator.ID() != l.Institution.IssuerDID {
		t.Errorf("got creator %s, want the issuer DID %s", a.Creator.ID(), l.Institution.IssuerDID)
	}
	if len(a.Alignment) != 1 || a.Alignment[0].TargetURL != "https://esco.example.org/skill/heat-pumps" {
		t.Errorf("got alignments %+v, want the one competency with a URL", a.Alignment)
	}
	for _, want := range []string{"Size a heat pump", "Work safely with refrigerants", "Assessment: A practical"} {
		if !strings.Contains(a.Criteria.Narrative, want) {
			t.Errorf("criteria narrative lacks %q:\n%s", want, a.Criteria.Narrative)
		}
	}

	interim := Achievement(fullLabel(t, catalog.ApprovedInterimNonCredit), base)
	if interim.CreditsAvailable != "" {
		t.Errorf("interim: got creditsAvailable %s, want none while offered as non-credit", interim.CreditsAvailable)
	}
	noDID := l
	noDID.Institution.IssuerDID = ""
	if got := Achievement(noDID, base).Creator.ID(); got != u.Institution {
		t.Errorf("without a DID: got creator %s, want %s", got, u.Institution)
	}
}

func TestAchievementTypes(t *testing.T) {
	want := map[catalog.Kind]string{
		catalog.MicroCredential: "MicroCredential", catalog.DigitalBadge: "Badge",
		catalog.MicroCourse: "Course", catalog.ShortCourse: "Course",
	}
	for k, w := range want {
		if got := AchievementType(k); got != w {
			t.Errorf("%s: got %s, want %s", k, got, w)
		}
	}
}
