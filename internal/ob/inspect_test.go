package ob

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

func mustDecodeMap(t *testing.T, s string) map[string]any {
	t.Helper()
	doc, err := DecodeMap([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestKind(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"open badge", `{"type":["VerifiableCredential","OpenBadgeCredential"]}`, KindOpenBadge},
		{"achievement credential alias", `{"type":["AchievementCredential","VerifiableCredential"]}`, KindOpenBadge},
		{"endorsement", `{"type":["VerifiableCredential","EndorsementCredential"]}`, KindEndorsement},
		{"CLR", `{"type":["VerifiableCredential","ClrCredential"]}`, KindCLR},
		{"other credential", `{"type":"VerifiableCredential"}`, KindOther},
		{"status list credential", `{"type":["VerifiableCredential","BitstringStatusListCredential"]}`, KindOther},
		{"not a verifiable credential", `{"type":["OpenBadgeCredential"]}`, ""},
		{"no type", `{}`, ""},
		{"malformed type", `{"type":["VerifiableCredential",1]}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Kind(mustDecodeMap(t, tt.doc)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDatesOf(t *testing.T) {
	date := func(s string) time.Time {
		d, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	tests := []struct {
		name string
		doc  string
		want Dates
	}{
		{"VC 2.0 period",
			`{"@context":["https://www.w3.org/ns/credentials/v2"],"validFrom":"2026-06-19T17:00:00Z","validUntil":"2031-06-19T10:00:00-07:00"}`,
			Dates{ValidFrom: date("2026-06-19T17:00:00Z"), ValidUntil: date("2031-06-19T17:00:00Z")}},
		{"VC 2.0 without an end",
			`{"@context":["https://www.w3.org/ns/credentials/v2"],"validFrom":"2026-06-19T17:00:00Z","issuanceDate":"2020-01-01T00:00:00Z"}`,
			Dates{ValidFrom: date("2026-06-19T17:00:00Z")}},
		{"VC 1.1 dates",
			`{"@context":["https://www.w3.org/2018/credentials/v1"],"issuanceDate":"2023-01-01T00:00:00Z","expirationDate":"2030-01-01T00:00:00Z"}`,
			Dates{ValidFrom: date("2023-01-01T00:00:00Z"), ValidUntil: date("2030-01-01T00:00:00Z"), FromVC11: true}},
		{"unknown context with VC 1.1 dates",
			`{"issuanceDate":"2023-01-01T00:00:00Z"}`,
			Dates{ValidFrom: date("2023-01-01T00:00:00Z"), FromVC11: true}},
		{"unknown context with VC 2.0 dates",
			`{"validUntil":"2030-01-01T00:00:00Z","issuanceDate":"2023-01-01T00:00:00Z"}`,
			Dates{ValidUntil: date("2030-01-01T00:00:00Z")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DatesOf(mustDecodeMap(t, tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			if !got.ValidFrom.Equal(tt.want.ValidFrom) || !got.ValidUntil.Equal(tt.want.ValidUntil) || got.FromVC11 != tt.want.FromVC11 {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestDatesOfRejectsMalformedDates(t *testing.T) {
	for _, doc := range []string{
		`{"validFrom":"2026-06-19"}`,
		`{"validFrom":"2026-06-19T17:00:00Z","validUntil":20310619}`,
		`{"@context":["https://www.w3.org/2018/credentials/v1"],"issuanceDate":"yesterday"}`,
	} {
		if _, err := DatesOf(mustDecodeMap(t, doc)); err == nil {
			t.Errorf("DatesOf(%s): got no error", doc)
		}
	}
}

func TestIssuerID(t *testing.T) {
	tests := []struct{ doc, want string }{
		{`{"issuer":"did:web:credentials.kpu.ca"}`, "did:web:credentials.kpu.ca"},
		{`{"issuer":{"id":"did:key:z6MkPLACEHOLDER","type":["Profile"]}}`, "did:key:z6MkPLACEHOLDER"},
		{`{"issuer":{"type":["Profile"]}}`, ""},
		{`{"issuer":7}`, ""},
		{`{}`, ""},
	}
	for _, tt := range tests {
		if got := IssuerID(mustDecodeMap(t, tt.doc)); got != tt.want {
			t.Errorf("IssuerID(%s): got %q, want %q", tt.doc, got, tt.want)
		}
	}
}

func TestSubjectIDs(t *testing.T) {
	tests := []struct {
		doc  string
		want []string
	}{
		{`{"credentialSubject":{"id":"did:example:learner"}}`, []string{"did:example:learner"}},
		{`{"credentialSubject":[{"id":"did:example:a"},{"name":"no id"},{"id":"did:example:b"}]}`, []string{"did:example:a", "did:example:b"}},
		{`{"credentialSubject":{"identifier":[]}}`, nil},
		{`{}`, nil},
	}
	for _, tt := range tests {
		if got := SubjectIDs(mustDecodeMap(t, tt.doc)); !slices.Equal(got, tt.want) {
			t.Errorf("SubjectIDs(%s): got %q, want %q", tt.doc, got, tt.want)
		}
	}
}

func TestInspectSharedFixture(t *testing.T) {
	doc, err := DecodeMap(readFile(t, microcredential))
	if err != nil {
		t.Fatal(err)
	}
	if got := Kind(doc); got != KindOpenBadge {
		t.Errorf("Kind: got %q, want %q", got, KindOpenBadge)
	}
	if got := IssuerID(doc); got != "did:key:z6MkPLACEHOLDER" {
		t.Errorf("IssuerID: got %q", got)
	}
	if got := SubjectIDs(doc); got != nil {
		t.Errorf("SubjectIDs: got %q, want none (the learner is identified by a hashed email)", got)
	}
	d, err := DatesOf(doc)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.ValidUntil.Sub(d.ValidFrom), 5*365*24*time.Hour+24*time.Hour; got != want {
		t.Errorf("validity period: got %v, want %v", got, want)
	}
}

func TestDecodeMap(t *testing.T) {
	doc, err := DecodeMap([]byte(`{"creditsAvailable": 3.0, "big": 12345678901234567890}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := doc["creditsAvailable"]; got != json.Number("3.0") {
		t.Errorf("creditsAvailable: got %#v, want the number as written", got)
	}
	if got := doc["big"]; got != json.Number("12345678901234567890") {
		t.Errorf("big: got %#v, want the number as written", got)
	}
}

func TestDecodeMapRefuses(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"an array", `[{}]`, "not a JSON object"},
		{"trailing data", `{} {}`, "after the top-level value"},
		{"malformed JSON", `{"a":}`, "decode JSON"},
		{"deep nesting", strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1), "deeper"},
		{"a huge document", `{"a":"` + strings.Repeat("x", MaxDocumentBytes) + `"}`, "more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeMap([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error mentioning %q", err, tt.want)
			}
		})
	}
}

func TestCheckDepthIgnoresBracketsInStrings(t *testing.T) {
	in := `{"a":"` + strings.Repeat("[{", MaxDepth) + `\"]"}`
	if err := checkDepth([]byte(in), MaxDepth); err != nil {
		t.Errorf("got %v, want no error", err)
	}
}
