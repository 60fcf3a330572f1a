package award

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"cairn/internal/catalog"
	"cairn/internal/contexts"
	"cairn/internal/did"
	"cairn/internal/jsonld"
	"cairn/internal/keys"
	"cairn/internal/proof"
	"cairn/internal/verify"
)

var testNow = time.Date(2026, 6, 19, 17, 0, 0, 0, time.UTC)

// lists serves status list credentials to the verifier.
type lists map[string][]byte

func (l lists) FetchStatusList(_ context.Context, url string) ([]byte, error) {
	if b, ok := l[url]; ok {
		return b, nil
	}
	return nil, fmt.Errorf("no status list at %s", url)
}

// testPipeline returns a pipeline signing as a fresh did:key in format f,
// and a verifier that trusts DID resolution and the status lists in ls.
func testPipeline(t testing.TB, f Format, typ keys.Type, ls lists) (*Pipeline, *verify.Verifier) {
	t.Helper()
	k, err := keys.Generate(typ)
	if err != nil {
		t.Fatal(err)
	}
	d, err := did.KeyDID(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	ld := jsonld.NewProcessor(contexts.New())
	di := proof.DataIntegrity{Canon: proof.RDFC{LD: ld}}
	p := &Pipeline{
		Issuer:             Issuer{ID: d, Name: "Kwantlen Polytechnic University", URL: "https://www.kpu.ca", Email: "microcredentials@kpu.ca"},
		BaseURL:            "https://credentials.kpu.ca",
		Signer:             k.Signer(),
		VerificationMethod: d + "#" + strings.TrimPrefix(d, "did:key:"),
		Format:             f,
		DI:                 di,
		Clock:              func() time.Time { return testNow },
	}
	if err := p.Check(); err != nil {
		t.Fatalf("pipeline: %v", err)
	}
	v := &verify.Verifier{DI: di, Keys: did.NewResolver(did.ResolverConfig{}), Statuses: ls, Now: func() time.Time { return testNow.Add(time.Hour) }}
	return p, v
}

// dataAnalytics is an approved, credit-bearing micro-credential.
func dataAnalytics() Offering {
	f := catalog.Form{
		Kind:        catalog.MicroCredential,
		Title:       "Data Analytics Foundations",
		Description: "Learners clean, query and visualize real-world data with spreadsheets, SQL and a dashboard tool.",
		Competencies: []catalog.Competency{
			{Name: "Prepare data for analysis", Framework: "KPU Data Analytics", Code: "DAF-C1", URL: "https://credentials.kpu.ca/frameworks/daf/C1"},
			{Name: "Communicate findings visually"},
		},
		LearningOutcomes: []string{"Clean a raw dataset", "Query it with SQL"},
		AssessmentMethod: "Capstone project graded C or better",
		DurationHours:    36,
		DeliveryMode:     catalog.Online,
		DeliveryTiming:   catalog.Asynchronous,
		CreditStatus:     catalog.CreditBearing,
		Credits:          1.5,
		Level:            "Undergraduate, first year",
		QualityAssurance: "Senate approval",
		StacksInto:       []string{"Certificate in Applied Data Analysis"},
		AwardExpiry:      "P5Y",
		Language:         "en",
	}
	v, err := catalog.NewVersion(2, f, testNow.AddDate(0, -2, 0))
	if err != nil {
		panic(err)
	}
	return Offering{ID: 12, Version: 2, Hash: v.Hash(), Form: v.Form(), Status: catalog.Active, ApprovedVersion: 2}
}

func testInput(o Offering) Input {
	return Input{
		CredentialID: "urn:uuid:48068fd8-7a5e-4a22-b522-79513ce44e7a",
		Offering:     o,
		Email:        "Ada@Example.edu",
		Result:       "A-",
		EvidenceURL:  "https://portfolio.example.edu/ada/capstone",
		IssuedAt:     testNow,
		Revocation:   StatusRef{ListURL: "https://credentials.kpu.ca/status/1", Index: 94567},
		Suspension:   StatusRef{ListURL: "https://credentials.kpu.ca/status/2", Index: 23452},
	}
}
