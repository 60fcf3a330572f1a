package ob

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

// microcredential is the repository's shared unsigned credential fixture.
const microcredential = "../../cmd/cairn/testdata/microcredential.json"

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// generic decodes JSON the way a verifier sees it, numbers as written.
func generic(t testing.TB, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return v
}

func decodeAs[T any](b []byte) (any, error) {
	v := new(T)
	err := json.Unmarshal(b, v)
	return v, err
}

func TestRoundTripKeepsEveryValue(t *testing.T) {
	tests := []struct {
		file   string
		decode func([]byte) (any, error)
	}{
		{microcredential, decodeAs[AchievementCredential]},
		{"testdata/extended.json", decodeAs[AchievementCredential]},
		{"testdata/vc11.json", decodeAs[AchievementCredential]},
		{"testdata/endorsement.json", decodeAs[EndorsementCredential]},
		{"testdata/clr.json", decodeAs[ClrCredential]},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw := readFile(t, tt.file)
			v, err := tt.decode(raw)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			out, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			if got, want := generic(t, out), generic(t, raw); !reflect.DeepEqual(got, want) {
				t.Errorf("encoding changed the document\ngot  %s\nwant %s", out, raw)
			}
			again, err := tt.decode(out)
			if err != nil {
				t.Fatalf("decode again: %v", err)
			}
			out2, err := json.Marshal(again)
			if err != nil {
				t.Fatalf("encode again: %v", err)
			}
			if !bytes.Equal(out, out2) {
				t.Errorf("second round trip differs\nfirst  %s\nsecond %s", out, out2)
			}
		})
	}
}

func TestDecodeKeepsExtensionsAtEveryLevel(t *testing.T) {
	var c AchievementCredential
	if err := json.Unmarshal(readFile(t, "testdata/extended.json"), &c); err != nil {
		t.Fatal(err)
	}
	subject := c.CredentialSubject
	achievement := subject.Achievement
	issuer := c.Issuer.Profile
	if issuer == nil {
		t.Fatal("issuer: got no Profile, want the embedded one")
	}
	extras := []struct {
		where string
		extra map[string]json.RawMessage
		key   string
		want  string
	}{
		{"credential", c.Extra, "kpuSeniority", `3`},
		{"credential", c.Extra, "kpuRenderHints", `{"theme": "teal", "ribbon": null, "order": [1, 2.50, 1e3], "nested": {"deep": [{"k": true}]}}`},
		{"credential (empty string kept)", c.Extra, "description", `""`},
		{"issuer", issuer.Extra, "kpuFaculty", `"Continuing and Professional Studies"`},
		{"issuer image", issuer.Image.Image.Extra, "kpuAltText", `"KPU wordmark"`},
		{"issuer geo", issuer.Address.Geo.Extra, "kpuCampus", `"Surrey"`},
		{"issuer otherIdentifier", issuer.OtherIdentifier[0].Extra, "kpuSource", `"PCTIA"`},
		{"subject", subject.Extra, "kpuAttendance", `{"sessions": 6, "attended": 6}`},
		{"subject (empty string kept)", subject.Extra, "role", `""`},
		{"identifier (false kept)", subject.Identifier[0].Extra, "hashed", `false`},
		{"identifier", subject.Identifier[1].Extra, "kpuVerifiedAt", `"2026-04-01"`},
		{"achievement", achievement.Extra, "kpuReviewCycleYears", `5`},
		{"achievement (empty array kept)", achievement.Extra, "endorsement", `[]`},
		{"criteria", achievement.Criteria.Extra, "kpuRubric", `{"levels": 3}`},
		{"alignment", achievement.Alignment[0].Extra, "kpuWeight", `0.5`},
		{"rubric level", achievement.ResultDescription[0].RubricCriterionLevel[1].Extra, "kpuColour", `"gold"`},
		{"result", subject.Result[0].Extra, "kpuAssessor", `"Elder in residence"`},
		{"evidence", c.Evidence.Items[0].Extra, "kpuPages", `12`},
		{"credentialStatus", c.CredentialStatus.Items[0].Extra, "statusListIndex", `"94567"`},
		{"termsOfUse (null kept)", c.TermsOfUse.Items[0].Extra, "kpuNote", `null`},
	}
	for _, e := range extras {
		if got := string(e.extra[e.key]); got != e.want {
			t.Errorf("%s: Extra[%q] = %s, want %s", e.where, e.key, got, e.want)
		}
	}

	checks := []struct {
		what      string
		got, want any
	}{
		{"credential image URI", c.Image.URI, "https://credentials.kpu.ca/achievements/wics/badge.svg"},
		{"inline context kept", len(c.Context.Items[2].Inline) > 0, true},
		{"issuer type read as a bare string", issuer.Type.Single, true},
		{"parentOrg URI", issuer.ParentOrg.URI, "https://www.kpu.ca/about"},
		{"creator URI", achievement.Creator.ID(), "did:web:credentials.kpu.ca"},
		{"creditsAvailable as written", achievement.CreditsAvailable, json.Number("3.0")},
		{"creditsEarned as written", subject.CreditsEarned, json.Number("0.0")},
		{"latitude as written", issuer.Address.Geo.Latitude, json.Number("49.1326")},
		{"evidence read as one object", c.Evidence.Single, true},
		{"subject type read as a bare string", subject.Type.Single, true},
		{"achievement has its type", achievement.Type.Has(TypeAchievement), true},
		{"proof kept raw", bytes.Contains(c.Proof, []byte(`"eddsa-rdfc-2022"`)), true},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %v, want %v", c.what, c.got, c.want)
		}
	}
}

func TestEncodeSetFieldWinsOverKeptValue(t *testing.T) {
	var c AchievementCredential
	if err := json.Unmarshal(readFile(t, "testdata/extended.json"), &c); err != nil {
		t.Fatal(err)
	}
	c.Description = "Now described."
	c.CredentialSubject.Role = "Learner"
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	doc := generic(t, out).(map[string]any)
	if got := doc["description"]; got != "Now described." {
		t.Errorf("description: got %v, want the value set on the struct", got)
	}
	subject := doc["credentialSubject"].(map[string]any)
	if got := subject["role"]; got != "Learner" {
		t.Errorf("role: got %v, want the value set on the struct", got)
	}
	if bytes.Contains(out, []byte(`"description":""`)) {
		t.Errorf("the kept empty description was written too: %s", out)
	}
}

func TestEncodeWritesKnownPropertiesFirst(t *testing.T) {
	p := Profile{
		ID:    "https://example.org/p",
		Type:  NewTypes(TypeProfile),
		Name:  "Example",
		Extra: map[string]json.RawMessage{"aExtension": json.RawMessage(`1`), "zExtension": json.RawMessage(`2`)},
	}
	out, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"https://example.org/p","type":["Profile"],"name":"Example","aExtension":1,"zExtension":2}`
	if string(out) != want {
		t.Errorf("got %s, want %s", out, want)
	}
}

func TestEncodeRejectsInvalidExtra(t *testing.T) {
	p := Profile{ID: "https://example.org/p", Extra: map[string]json.RawMessage{"bad": json.RawMessage(`{`)}}
	if _, err := json.Marshal(p); err == nil {
		t.Error("got no error for an Extra value that is not JSON")
	}
}

func TestDecodeRejectsWrongShapes(t *testing.T) {
	tests := []struct {
		name string
		json string
		want string // in the error
	}{
		{"number given as a string", `{"credentialSubject":{"achievement":{"creditsAvailable":"3"}}}`, "creditsAvailable"},
		{"subject given as an array", `{"credentialSubject":[{}]}`, "credentialSubject"},
		{"achievement given as a URI", `{"credentialSubject":{"achievement":"https://example.org/a"}}`, "achievement"},
		{"null in a string array", `{"credentialSubject":{"achievement":{"tag":["a",null]}}}`, "tag"},
		{"null in an object array", `{"evidence":[null]}`, "evidence"},
		{"null in a type array", `{"type":["VerifiableCredential",null]}`, "type"},
		{"bool given as a string", `{"credentialSubject":{"identifier":[{"hashed":"true"}]}}`, "hashed"},
		{"an array", `[]`, "object"},
		{"null", `null`, "object"},
		{"nesting too deep", strings.Repeat(`{"a":`, MaxDepth+1) + `1` + strings.Repeat(`}`, MaxDepth+1), "deeper"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c AchievementCredential
			err := json.Unmarshal([]byte(tt.json), &c)
			if err == nil {
				t.Fatal("got no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestContextEntryForms(t *testing.T) {
	in := `["https://www.w3.org/ns/credentials/v2",{"ex":"https://example.org/"},null]`
	var c OneOrMany[ContextEntry]
	if err := json.Unmarshal([]byte(in), &c); err != nil {
		t.Fatal(err)
	}
	if got := c.Items[0].URI; got != ContextVC2 {
		t.Errorf("entry 0: got URI %q, want %q", got, ContextVC2)
	}
	if got := string(c.Items[1].Inline); got != `{"ex":"https://example.org/"}` {
		t.Errorf("entry 1: got inline %s", got)
	}
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != in {
		t.Errorf("got %s, want %s", out, in)
	}
}

func TestBuiltCredentialValidates(t *testing.T) {
	salt := NewSalt()
	c := AchievementCredential{
		Context: NewContext(ContextVC2, ContextOB),
		ID:      "urn:uuid:0c4a1f5e-8d3b-4f0a-9f59-3b7f0d2e6c11",
		Type:    NewTypes(TypeVerifiableCredential, TypeOpenBadgeCredential),
		Name:    "Data Analytics Foundations",
		Issuer: ProfileRef{Profile: &Profile{
			ID:   "did:web:credentials.kpu.ca",
			Type: NewTypes(TypeProfile),
			Name: "Kwantlen Polytechnic University",
		}},
		ValidFrom: "2026-06-19T17:00:00Z",
		CredentialSubject: AchievementSubject{
			Type:       NewTypes(TypeAchievementSubject),
			Identifier: []IdentityObject{HashIdentity("learner@example.org", salt)},
			Achievement: Achievement{
				ID:              "https://credentials.kpu.ca/achievements/daf",
				Type:            NewTypes(TypeAchievement),
				AchievementType: AchievementMicroCredential,
				Name:            "Data Analytics Foundations",
				Description:     "Clean, query and visualize data.",
				Criteria:        Criteria{Narrative: "Complete four modules and the capstone."},
				Image:           ImageRef{URI: "https://credentials.kpu.ca/achievements/daf/badge.png"},
			},
			CreditsEarned: "1.5",
		},
	}
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if errs := Validate(out); len(errs) != 0 {
		t.Errorf("got errors %v for %s", errs, out)
	}
}
