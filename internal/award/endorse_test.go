package award

import (
	"encoding/json"
	"strings"
	"testing"

	"cairn/internal/keys"
)

func TestAwardsEmbedEndorsements(t *testing.T) {
	p, v := testPipeline(t, FormatDI, keys.Ed25519, nil)
	endorsement := json.RawMessage(`{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
		"id":"urn:uuid:0b1c6e53-8a5e-4f7e-9d7c-4f0e1a2b3c4d","type":["VerifiableCredential","EndorsementCredential"],"name":"Endorsement by Fraser Health",
		"issuer":{"id":"did:example:kpu","type":["Profile"],"name":"KPU"},"validFrom":"2026-11-01T00:00:00Z",
		"credentialSubject":{"id":"https://credentials.kpu.ca/registry/kpu/daf/achievement.json","type":["EndorsementSubject"],"endorsementComment":"Ready for work."}}`)
	embedded := func(o Offering) []any {
		t.Helper()
		s, err := p.Issue(testInput(o))
		if err != nil {
			t.Fatal(err)
		}
		if rep := v.Verify(t.Context(), s.JSON); !rep.Verified {
			t.Fatalf("the award does not verify: %v", rep.Errors)
		}
		var c struct {
			CredentialSubject struct {
				Achievement map[string]any `json:"achievement"`
			} `json:"credentialSubject"`
		}
		if err := json.Unmarshal(s.JSON, &c); err != nil {
			t.Fatal(err)
		}
		es, _ := c.CredentialSubject.Achievement["endorsement"].([]any)
		return es
	}
	plain := dataAnalytics()
	if es := embedded(plain); len(es) != 0 {
		t.Errorf("without endorsements: %v", es)
	}
	endorsed := dataAnalytics()
	endorsed.Endorsements = []json.RawMessage{endorsement}
	es := embedded(endorsed)
	if len(es) != 1 || !strings.Contains(func() string { b, _ := json.Marshal(es[0]); return string(b) }(), "Ready for work.") {
		t.Errorf("with an endorsement (after the plain achievement was cached): %v", es)
	}
	if es := embedded(plain); len(es) != 0 {
		t.Errorf("without endorsements again: %v", es)
	}

	bad := dataAnalytics()
	bad.Endorsements = []json.RawMessage{json.RawMessage(`[1]`)}
	if _, err := p.Issue(testInput(bad)); err == nil || !strings.Contains(err.Error(), "not a JSON object") {
		t.Errorf("a non-object endorsement: %v", err)
	}
	bad.Endorsements = make([]json.RawMessage, MaxEndorsements+1)
	for i := range bad.Endorsements {
		bad.Endorsements[i] = endorsement
	}
	if _, err := p.Issue(testInput(bad)); err == nil || !strings.Contains(err.Error(), "at most") {
		t.Errorf("too many endorsements: %v", err)
	}
}
