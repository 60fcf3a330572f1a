package ob

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestValidateAcceptsValidCredentials(t *testing.T) {
	for _, file := range []string{
		microcredential,
		"testdata/extended.json",
		"testdata/vc11.json",
		"testdata/endorsement.json",
		"testdata/clr.json",
	} {
		t.Run(file, func(t *testing.T) {
			if errs := Validate(readFile(t, file)); len(errs) != 0 {
				t.Errorf("got errors, want none:\n%s", joinErrors(errs))
			}
		})
	}
}

// mutation changes one thing in a fixture and names the error paths
// Validate must then report, no more and no fewer.
type mutation struct {
	name   string
	file   string // default: the micro-credential fixture
	change func(doc map[string]any)
	want   []string
}

func TestValidateReportsEachBrokenRule(t *testing.T) {
	subject := []any{"credentialSubject"}
	achievement := append(slices.Clone(subject), "achievement")
	identifier0 := append(slices.Clone(subject), "identifier", 0)
	alignment0 := append(slices.Clone(achievement), "alignment", 0)
	clrCred0 := []any{"credentialSubject", "verifiableCredential", 0}

	tests := []mutation{
		// @context
		{"context missing", "", del("@context"), []string{"$['@context']"}},
		{"context not an array", "", set(7, "@context"), []string{"$['@context']"}},
		{"context entry not a URL or object", "", set(7.0, "@context", 2), []string{"$['@context'][2]"}},
		{"VC context not first", "", set(ContextOB, "@context", 0), []string{"$['@context'][0]"}},
		{"OB context missing", "", set(ContextOBExtensions, "@context", 1), []string{"$['@context']"}},
		{"OB context of an unknown version", "", set("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.x.json", "@context", 1), []string{"$['@context']"}},

		// id and type
		{"id missing", "", del("id"), []string{"$.id"}},
		{"id not a URI", "", set("48068fd8-7a5e-4a22-b522-79513ce44e7a", "id"), []string{"$.id"}},
		{"type missing", "", del("type"), []string{"$.type"}},
		{"type not a string or array", "", set(map[string]any{}, "type"), []string{"$.type"}},
		{"type without VerifiableCredential", "", set([]any{"OpenBadgeCredential"}, "type"), []string{"$.type"}},
		{"type without OpenBadgeCredential", "", set([]any{"VerifiableCredential"}, "type"), []string{"$.type"}},
		{"name not a string", "", set(5.0, "name"), []string{"$.name"}},

		// issuer
		{"issuer missing", "", del("issuer"), []string{"$.issuer"}},
		{"issuer neither URI nor object", "", set(true, "issuer"), []string{"$.issuer"}},
		{"issuer a relative reference", "", set("/issuers/kpu", "issuer"), []string{"$.issuer"}},
		{"issuer id missing", "", del("issuer", "id"), []string{"$.issuer.id"}},
		{"issuer type not Profile", "", set([]any{"Organization"}, "issuer", "type"), []string{"$.issuer.type"}},
		{"issuer url not a URI", "", set("www.kpu.ca", "issuer", "url"), []string{"$.issuer.url"}},
		{"issuer email not an address", "", set("microcredentials", "issuer", "email"), []string{"$.issuer.email"}},

		// validity
		{"validFrom missing", "", del("validFrom"), []string{"$.validFrom"}},
		{"validFrom a date only", "", set("2026-06-19", "validFrom"), []string{"$.validFrom"}},
		{"validFrom without timezone", "", set("2026-06-19T17:00:00", "validFrom"), []string{"$.validFrom"}},
		{"validFrom not a calendar date", "", set("2026-02-30T17:00:00Z", "validFrom"), []string{"$.validFrom"}},
		{"validUntil before validFrom", "", set("2026-06-19T09:59:59-07:00", "validUntil"), []string{"$.validUntil"}},
		{"validUntil equal to validFrom", "", set("2026-06-19T10:00:00-07:00", "validUntil"), []string{"$.validUntil"}},
		{"awardedDate malformed", "", set("19 June 2026", "awardedDate"), []string{"$.awardedDate"}},

		// credentialSubject
		{"subject missing", "", del("credentialSubject"), []string{"$.credentialSubject"}},
		{"subject an array", "", set([]any{}, "credentialSubject"), []string{"$.credentialSubject"}},
		{"subject type missing", "", del("credentialSubject", "type"), []string{"$.credentialSubject.type"}},
		{"subject type wrong", "", set("ClrSubject", "credentialSubject", "type"), []string{"$.credentialSubject.type"}},
		{"subject with neither id nor identifier", "", del("credentialSubject", "identifier"), []string{"$.credentialSubject"}},
		{"subject id not a URI", "", set("jordan", "credentialSubject", "id"), []string{"$.credentialSubject.id"}},
		{"creditsEarned not a number", "", set("1.5", "credentialSubject", "creditsEarned"), []string{"$.credentialSubject.creditsEarned"}},
		{"activityEndDate malformed", "", set("June 2026", "credentialSubject", "activityEndDate"), []string{"$.credentialSubject.activityEndDate"}},

		// identifier
		{"identifier an object", "", set(map[string]any{}, "credentialSubject", "identifier"), []string{"$.credentialSubject", "$.credentialSubject.identifier"}},
		{"identifier type wrong", "", set("Identity", append(identifier0, "type")...), []string{"$.credentialSubject.identifier[0].type"}},
		{"identifier hashed missing", "", del(append(identifier0, "hashed")...), []string{"$.credentialSubject.identifier[0].hashed"}},
		{"identifier hashed not a boolean", "", set("true", append(identifier0, "hashed")...), []string{"$.credentialSubject.identifier[0].hashed"}},
		{"identifier hash missing", "", del(append(identifier0, "identityHash")...), []string{"$.credentialSubject.identifier[0].identityHash"}},
		{"identifier hash malformed", "", set("sha256$abc", append(identifier0, "identityHash")...), []string{"$.credentialSubject.identifier[0].identityHash"}},
		{"identifier type unknown", "", set("email", append(identifier0, "identityType")...), []string{"$.credentialSubject.identifier[0].identityType"}},
		{"identifier salt not a string", "", set(1.0, append(identifier0, "salt")...), []string{"$.credentialSubject.identifier[0].salt"}},

		// achievement
		{"achievement missing", "", del(achievement...), []string{"$.credentialSubject.achievement", "$.credentialSubject.result[0].resultDescription"}},
		{"achievement a URI", "", set("https://credentials.kpu.ca/a", achievement...), []string{"$.credentialSubject.achievement", "$.credentialSubject.result[0].resultDescription"}},
		{"achievement id missing", "", del(append(achievement, "id")...), []string{"$.credentialSubject.achievement.id"}},
		{"achievement id not a URI", "", set("data analytics", append(achievement, "id")...), []string{"$.credentialSubject.achievement.id"}},
		{"achievement type wrong", "", set([]any{"Badge"}, append(achievement, "type")...), []string{"$.credentialSubject.achievement.type"}},
		{"achievement name missing", "", del(append(achievement, "name")...), []string{"$.credentialSubject.achievement.name"}},
		{"achievement name empty", "", set(" ", append(achievement, "name")...), []string{"$.credentialSubject.achievement.name"}},
		{"achievement description missing", "", del(append(achievement, "description")...), []string{"$.credentialSubject.achievement.description"}},
		{"achievementType unknown", "", set("Microcredential", append(achievement, "achievementType")...), []string{"$.credentialSubject.achievement.achievementType"}},
		{"achievementType a malformed extension", "", set("ext:Micro Credential", append(achievement, "achievementType")...), []string{"$.credentialSubject.achievement.achievementType"}},
		{"criteria missing", "", del(append(achievement, "criteria")...), []string{"$.credentialSubject.achievement.criteria"}},
		{"criteria without id or narrative", "", set(map[string]any{}, append(achievement, "criteria")...), []string{"$.credentialSubject.achievement.criteria"}},
		{"criteria id not a URI", "", set("criteria.html", append(achievement, "criteria", "id")...), []string{"$.credentialSubject.achievement.criteria.id"}},
		{"criteria a string", "", set("Pass the capstone.", append(achievement, "criteria")...), []string{"$.credentialSubject.achievement.criteria"}},
		{"creditsAvailable a string", "", set("1.5", append(achievement, "creditsAvailable")...), []string{"$.credentialSubject.achievement.creditsAvailable"}},
		{"tag not strings", "", set([]any{1.0}, append(achievement, "tag")...), []string{"$.credentialSubject.achievement.tag[0]"}},
		{"inLanguage not a language code", "", set("English", append(achievement, "inLanguage")...), []string{"$.credentialSubject.achievement.inLanguage"}},
		{"image type wrong", "", set("Picture", append(achievement, "image", "type")...), []string{"$.credentialSubject.achievement.image.type"}},
		{"image id missing", "", del(append(achievement, "image", "id")...), []string{"$.credentialSubject.achievement.image.id"}},
		{"image a number", "", set(1.0, append(achievement, "image")...), []string{"$.credentialSubject.achievement.image"}},
		{"creator not a profile", "", set(1.0, append(achievement, "creator")...), []string{"$.credentialSubject.achievement.creator"}},

		// alignment
		{"alignment an object", "", set(map[string]any{}, append(achievement, "alignment")...), []string{"$.credentialSubject.achievement.alignment"}},
		{"alignment type missing", "", del(append(alignment0, "type")...), []string{"$.credentialSubject.achievement.alignment[0].type"}},
		{"alignment targetName missing", "", del(append(alignment0, "targetName")...), []string{"$.credentialSubject.achievement.alignment[0].targetName"}},
		{"alignment targetUrl missing", "", del(append(alignment0, "targetUrl")...), []string{"$.credentialSubject.achievement.alignment[0].targetUrl"}},
		{"alignment targetUrl not a URI", "", set("kpu.ca/DAF-C1", append(alignment0, "targetUrl")...), []string{"$.credentialSubject.achievement.alignment[0].targetUrl"}},
		{"alignment targetType unknown", "", set("Competency", append(alignment0, "targetType")...), []string{"$.credentialSubject.achievement.alignment[0].targetType"}},

		// results
		{"resultDescription id missing", "", del(append(achievement, "resultDescription", 0, "id")...), []string{"$.credentialSubject.achievement.resultDescription[0].id", "$.credentialSubject.result[0].resultDescription"}},
		{"resultDescription name missing", "", del(append(achievement, "resultDescription", 0, "name")...), []string{"$.credentialSubject.achievement.resultDescription[0].name"}},
		{"resultType missing", "", del(append(achievement, "resultDescription", 0, "resultType")...), []string{"$.credentialSubject.achievement.resultDescription[0].resultType"}},
		{"resultType unknown", "", set("Grade", append(achievement, "resultDescription", 0, "resultType")...), []string{"$.credentialSubject.achievement.resultDescription[0].resultType"}},
		{"result type missing", "", del("credentialSubject", "result", 0, "type"), []string{"$.credentialSubject.result[0].type"}},
		{"result links to an unknown description", "", set("urn:uuid:00000000-0000-4000-8000-000000000000", "credentialSubject", "result", 0, "resultDescription"), []string{"$.credentialSubject.result[0].resultDescription"}},
		{"result status unknown", "", set("Passed", "credentialSubject", "result", 0, "status"), []string{"$.credentialSubject.result[0].status"}},
		{"result value not a string", "", set(3.7, "credentialSubject", "result", 0, "value"), []string{"$.credentialSubject.result[0].value"}},

		// evidence, schema, status, proof, endorsement
		{"evidence type missing", "", del("evidence", 0, "type"), []string{"$.evidence[0].type"}},
		{"evidence id not a URI", "", set("capstone", "evidence", 0, "id"), []string{"$.evidence[0].id"}},
		{"evidence a string", "", set("capstone", "evidence"), []string{"$.evidence"}},
		{"credentialSchema id missing", "", del("credentialSchema", 0, "id"), []string{"$.credentialSchema[0].id"}},
		{"credentialSchema type missing", "", del("credentialSchema", 0, "type"), []string{"$.credentialSchema[0].type"}},
		{"credentialStatus without type", "", set(map[string]any{"id": "https://credentials.kpu.ca/status/1#5"}, "credentialStatus"), []string{"$.credentialStatus.type"}},
		{"proof without type", "", set(map[string]any{"proofValue": "z1"}, "proof"), []string{"$.proof.type"}},
		{"endorsementJwt not a JWS", "", set([]any{"not a jws"}, "endorsementJwt"), []string{"$.endorsementJwt[0]"}},
		{"embedded endorsement without issuer", "", set([]any{endorsementWithout(t, "issuer")}, append(achievement, "endorsement")...), []string{"$.credentialSubject.achievement.endorsement[0].issuer"}},

		// VC 1.1
		{"VC 1.1 issuanceDate missing", "testdata/vc11.json", del("issuanceDate"), []string{"$.issuanceDate"}},
		{"VC 1.1 expirationDate malformed", "testdata/vc11.json", set("2030-01-01", "expirationDate"), []string{"$.expirationDate"}},
		{"VC 1.1 name missing", "testdata/vc11.json", del("name"), []string{"$.name"}},

		// EndorsementCredential
		{"endorsement name missing", "testdata/endorsement.json", del("name"), []string{"$.name"}},
		{"endorsement subject id missing", "testdata/endorsement.json", del("credentialSubject", "id"), []string{"$.credentialSubject.id"}},
		{"endorsement subject type wrong", "testdata/endorsement.json", set([]any{"AchievementSubject"}, "credentialSubject", "type"), []string{"$.credentialSubject.type"}},
		{"endorsement comment not a string", "testdata/endorsement.json", set(1.0, "credentialSubject", "endorsementComment"), []string{"$.credentialSubject.endorsementComment"}},
		{"endorsement without the OB context", "testdata/endorsement.json", del("@context", 1), []string{"$['@context']"}},

		// ClrCredential
		{"CLR context missing", "testdata/clr.json", del("@context", 1), []string{"$['@context']"}},
		{"CLR name missing", "testdata/clr.json", del("name"), []string{"$.name"}},
		{"CLR partial not a boolean", "testdata/clr.json", set("yes", "partial"), []string{"$.partial"}},
		{"CLR subject type wrong", "testdata/clr.json", set([]any{"AchievementSubject"}, "credentialSubject", "type"), []string{"$.credentialSubject.type"}},
		{"CLR without credentials", "testdata/clr.json", del("credentialSubject", "verifiableCredential"), []string{"$.credentialSubject.verifiableCredential"}},
		{"CLR with an empty credential list", "testdata/clr.json", set([]any{}, "credentialSubject", "verifiableCredential"), []string{"$.credentialSubject.verifiableCredential"}},
		{"CLR credential not a credential", "testdata/clr.json", set([]any{"OpenBadgeCredential"}, append(clrCred0, "type")...), []string{"$.credentialSubject.verifiableCredential[0].type"}},
		{"CLR credential missing criteria", "testdata/clr.json", del(append(clrCred0, "credentialSubject", "achievement", "criteria")...), []string{"$.credentialSubject.verifiableCredential[0].credentialSubject.achievement.criteria"}},
		{"CLR credential proof without type", "testdata/clr.json", del(append(clrCred0, "proof", 0, "type")...), []string{"$.credentialSubject.verifiableCredential[0].proof[0].type"}},
		{"CLR achievement name missing", "testdata/clr.json", del("credentialSubject", "achievement", 1, "name"), []string{"$.credentialSubject.achievement[1].name"}},
		{"CLR association type unknown", "testdata/clr.json", set("contains", "credentialSubject", "association", 0, "associationType"), []string{"$.credentialSubject.association[0].associationType"}},
		{"CLR type without VerifiableCredential", "testdata/clr.json", set([]any{"ClrCredential"}, "type"), []string{"$.type"}},
		{"endorsement type without VerifiableCredential", "testdata/endorsement.json", set("EndorsementCredential", "type"), []string{"$.type"}},
		{"CLR association target missing", "testdata/clr.json", del("credentialSubject", "association", 0, "targetId"), []string{"$.credentialSubject.association[0].targetId"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := tt.file
			if file == "" {
				file = microcredential
			}
			doc, err := DecodeMap(readFile(t, file))
			if err != nil {
				t.Fatal(err)
			}
			tt.change(doc)
			raw, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			errs := Validate(raw)
			var got []string
			for _, e := range errs {
				got = append(got, e.Path)
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tt.want))
			if !slices.Equal(got, want) {
				t.Errorf("got error paths %q, want %q\n%s", got, want, joinErrors(errs))
			}
		})
	}
}

func TestValidateReportsErrorsTogether(t *testing.T) {
	doc, err := DecodeMap(readFile(t, microcredential))
	if err != nil {
		t.Fatal(err)
	}
	delete(doc, "id")
	delete(doc, "issuer")
	delete(doc, "validFrom")
	errs := ValidateMap(doc)
	var got []string
	for _, e := range errs {
		got = append(got, e.Path)
	}
	if want := []string{"$.id", "$.issuer", "$.validFrom"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestValidateRejectsWhatIsNotAJSONObject(t *testing.T) {
	for _, in := range []string{``, `[]`, `"credential"`, `{"id":`, `{} {}`, `{}x`} {
		errs := Validate([]byte(in))
		if len(errs) != 1 || errs[0].Path != "$" {
			t.Errorf("Validate(%q): got %v, want one error at $", in, errs)
		}
	}
}

func TestValidateStopsAfterMaxErrors(t *testing.T) {
	doc, err := DecodeMap(readFile(t, microcredential))
	if err != nil {
		t.Fatal(err)
	}
	bad := make([]any, 3*maxErrors)
	for i := range bad {
		bad[i] = map[string]any{}
	}
	achievement := doc["credentialSubject"].(map[string]any)["achievement"].(map[string]any)
	achievement["alignment"] = bad
	errs := ValidateMap(doc)
	if len(errs) != maxErrors+1 {
		t.Fatalf("got %d errors, want %d", len(errs), maxErrors+1)
	}
	if last := errs[len(errs)-1]; !strings.Contains(last.Message, "stopped") {
		t.Errorf("last error: got %v, want the stop notice", last)
	}
}

func TestValidateMapStopsOnCycles(t *testing.T) {
	doc, err := DecodeMap(readFile(t, "testdata/endorsement.json"))
	if err != nil {
		t.Fatal(err)
	}
	issuer := doc["issuer"].(map[string]any)
	issuer["endorsement"] = []any{doc} // the endorsement endorses its own issuer with itself
	issuer["parentOrg"] = issuer
	errs := ValidateMap(doc)
	if !slices.ContainsFunc(errs, func(e FieldError) bool { return strings.Contains(e.Message, "nest more than") }) {
		t.Errorf("got %v, want a nesting error", errs)
	}
}

func TestFieldErrorString(t *testing.T) {
	e := FieldError{Path: "$.issuer.id", Message: "is required"}
	if got, want := e.Error(), "$.issuer.id: is required"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestMemberPath(t *testing.T) {
	tests := []struct{ path, key, want string }{
		{"$", "issuer", "$.issuer"},
		{"$", "@context", "$['@context']"},
		{"$.a", "ext:weight", "$.a['ext:weight']"},
		{"$", "it's", `$['it\'s']`},
		{"$", "_x9", "$._x9"},
		{"$", "9x", "$['9x']"},
	}
	for _, tt := range tests {
		if got := member(tt.path, tt.key); got != tt.want {
			t.Errorf("member(%q, %q): got %q, want %q", tt.path, tt.key, got, tt.want)
		}
	}
}

func TestIsURI(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"https://www.kpu.ca", true},
		{"urn:uuid:48068fd8-7a5e-4a22-b522-79513ce44e7a", true},
		{"did:key:z6MkPLACEHOLDER", true},
		{"data:image/png;base64,iVBORw0KGgo=", true},
		{"https://example.org/é", true},
		{"", false},
		{"kpu.ca", false},
		{"/relative", false},
		{"https:", false},
		{"1http://x", false},
		{"https://example.org/a b", false},
		{"https://example.org/<a>", false},
		{"https://example.org/%zz", false},
	}
	for _, tt := range tests {
		if got := isURI(tt.s); got != tt.want {
			t.Errorf("isURI(%q): got %v, want %v", tt.s, got, tt.want)
		}
	}
}

func endorsementWithout(t *testing.T, key string) map[string]any {
	doc, err := DecodeMap(readFile(t, "testdata/endorsement.json"))
	if err != nil {
		t.Fatal(err)
	}
	delete(doc, key)
	return doc
}

// del returns a change that deletes the member or array item at path.
func del(path ...any) func(map[string]any) {
	return func(doc map[string]any) {
		parent := walk(doc, path[:len(path)-1])
		switch last := path[len(path)-1].(type) {
		case string:
			delete(parent.(map[string]any), last)
		case int:
			arr := parent.([]any)
			setIn(doc, path[:len(path)-1], slices.Delete(slices.Clone(arr), last, last+1))
		}
	}
}

// set returns a change that sets the member or array item at path.
func set(value any, path ...any) func(map[string]any) {
	return func(doc map[string]any) { setIn(doc, path, value) }
}

func setIn(doc map[string]any, path []any, value any) {
	parent := walk(doc, path[:len(path)-1])
	switch last := path[len(path)-1].(type) {
	case string:
		parent.(map[string]any)[last] = value
	case int:
		parent.([]any)[last] = value
	}
}

func walk(v any, path []any) any {
	for _, p := range path {
		switch p := p.(type) {
		case string:
			v = v.(map[string]any)[p]
		case int:
			v = v.([]any)[p]
		}
	}
	return v
}

func joinErrors(errs []FieldError) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString(e.Error() + "\n")
	}
	return b.String()
}
