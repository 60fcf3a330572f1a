package policy

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
)

func builtin(t *testing.T, name string) *Profile {
	t.Helper()
	p, err := Builtin(name)
	if err != nil {
		t.Fatalf("Builtin(%q): %v", name, err)
	}
	return p
}

func TestBuiltinsLoadAndValidate(t *testing.T) {
	names := Builtins()
	if !slices.Equal(names, []string{"kpu-ac15", "yukon"}) {
		t.Fatalf("Builtins() = %v, want [kpu-ac15 yukon]", names)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			p := builtin(t, name)
			if p.ID != name || p.Source() != name+".yaml" {
				t.Errorf("id %q source %q, want %q and %q.yaml", p.ID, p.Source(), name, name)
			}
			// Every step of every track cites a clause and can run.
			for _, tr := range p.Tracks {
				if tr.First() == nil {
					t.Errorf("track %s: no first step", tr.ID)
				}
				for _, s := range tr.Steps {
					if s.Clause == "" || s.At.Line == 0 {
						t.Errorf("track %s step %s: clause %q line %d", tr.ID, s.ID, s.Clause, s.At.Line)
					}
				}
			}
		})
	}
	if _, err := Builtin("nonesuch"); apperror.CodeOf(err) != apperror.NotFound {
		t.Errorf("Builtin(nonesuch) code = %q, want not_found", apperror.CodeOf(err))
	}
}

func TestBuiltinReturnsIndependentCopies(t *testing.T) {
	a := builtin(t, "kpu-ac15")
	if err := a.SetOption("kpu_kfa_joint_committee", true); err != nil {
		t.Fatal(err)
	}
	if b := builtin(t, "kpu-ac15"); b.OptionEnabled("kpu_kfa_joint_committee") {
		t.Errorf("SetOption on one copy changed another")
	}
	if err := a.SetOption("nonesuch", true); apperror.CodeOf(err) != apperror.NotFound {
		t.Errorf("SetOption(unknown) code = %q, want not_found", apperror.CodeOf(err))
	}
}

// No institution is written into the Go code: its names live in the
// profiles (and in tests).
func TestNoInstitutionInGoCode(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	catalogFiles, _ := filepath.Glob(filepath.Join("..", "catalog", "*.go"))
	files = append(files, catalogFiles...)
	banned := regexp.MustCompile(`(?i)kwantlen|\bkpu\b|yukon|ac15|\bsmc\b|\bsscc\b|\bdbc\b|\bkfa\b`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if m := banned.Find(data); m != nil {
			t.Errorf("%s mentions %q", f, m)
		}
	}
}

// The JSON Schema documents the format; these checks keep it honest
// against the shipped profiles and the test fixture.
func TestShippedProfilesMatchSchema(t *testing.T) {
	raw, err := os.ReadFile("profile.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	required, _ := schema["required"].([]any)
	if len(required) == 0 {
		t.Fatal("schema has no required top-level keys")
	}
	files := map[string]string{"minimal.yaml": filepath.Join("testdata", "minimal.yaml")}
	for _, n := range Builtins() {
		files[n] = filepath.Join("profiles", n+".yaml")
	}
	for name, path := range files {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := yaml.Unmarshal(data, &doc); err != nil {
				t.Fatal(err)
			}
			for _, k := range required {
				if _, ok := doc[k.(string)]; !ok {
					t.Errorf("missing required top-level key %q", k)
				}
			}
			v := schemaValidator{root: schema}
			for _, problem := range v.check(schema, doc, "$") {
				t.Error(problem)
			}
		})
	}
	t.Run("rejects a stray key", func(t *testing.T) {
		v := schemaValidator{root: schema}
		doc := map[string]any{"format": "cairn.policy/v1", "bogus": 1}
		if got := v.check(schema, doc, "$"); !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "bogus") }) {
			t.Errorf("schema check missed a stray key: %v", got)
		}
	})
}

// schemaValidator checks the subset of JSON Schema profile.schema.json
// uses: $ref, type, enum, const, anyOf, required, properties,
// additionalProperties, items, minItems, minimum, minLength, pattern.
type schemaValidator struct{ root map[string]any }

func (v schemaValidator) check(s map[string]any, x any, path string) []string {
	if ref, ok := s["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/$defs/")
		def, _ := v.root["$defs"].(map[string]any)[name].(map[string]any)
		if def == nil {
			return []string{path + ": unresolved $ref " + ref}
		}
		return v.check(def, x, path)
	}
	if t, ok := x.(time.Time); ok { // YAML reads unquoted dates as timestamps
		x = t.Format("2006-01-02")
	}
	var out []string
	bad := func(format string, args ...any) { out = append(out, path+": "+fmt.Sprintf(format, args...)) }
	if alts, ok := s["anyOf"].([]any); ok {
		for _, alt := range alts {
			if len(v.check(alt.(map[string]any), x, path)) == 0 {
				return nil
			}
		}
		bad("matches no alternative of anyOf")
		return out
	}
	if c, ok := s["const"]; ok && fmt.Sprint(c) != fmt.Sprint(x) {
		bad("is %v, want %v", x, c)
	}
	if enum, ok := s["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(x) }) {
		bad("%v is not one of %v", x, enum)
	}
	if t, ok := s["type"]; ok {
		types, _ := t.([]any)
		if types == nil {
			types = []any{t}
		}
		if !slices.ContainsFunc(types, func(t any) bool { return jsonType(x, t.(string)) }) {
			bad("is %T, want %v", x, t)
			return out
		}
	}
	switch x := x.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		for _, r := range asSlice(s["required"]) {
			if _, ok := x[r.(string)]; !ok {
				bad("missing required key %q", r)
			}
		}
		for k, val := range x {
			if ps, ok := props[k].(map[string]any); ok {
				out = append(out, v.check(ps, val, path+"."+k)...)
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					bad("key %q is not in the schema", k)
				}
			case map[string]any:
				out = append(out, v.check(ap, val, path+"."+k)...)
			}
		}
	case []any:
		if m, ok := s["minItems"].(float64); ok && float64(len(x)) < m {
			bad("has %d items, want at least %v", len(x), m)
		}
		if items, ok := s["items"].(map[string]any); ok {
			for i, it := range x {
				out = append(out, v.check(items, it, fmt.Sprintf("%s[%d]", path, i))...)
			}
		}
	case string:
		if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(x) {
			bad("%q does not match %s", x, p)
		}
		if m, ok := s["minLength"].(float64); ok && float64(len(x)) < m {
			bad("is shorter than %v", m)
		}
	case int:
		if m, ok := s["minimum"].(float64); ok && float64(x) < m {
			bad("%d is below %v", x, m)
		}
	}
	return out
}

func asSlice(x any) []any { s, _ := x.([]any); return s }

func jsonType(x any, t string) bool {
	switch x := x.(type) {
	case string:
		return t == "string"
	case bool:
		return t == "boolean"
	case int:
		return t == "integer" || t == "number"
	case float64:
		return t == "number" || (t == "integer" && x == math.Trunc(x))
	case []any:
		return t == "array"
	case map[string]any:
		return t == "object"
	case nil:
		return t == "null"
	}
	return false
}

func TestTrackSelection(t *testing.T) {
	kpu := builtin(t, "kpu-ac15")
	yukon := builtin(t, "yukon")
	tests := []struct {
		name    string
		p       *Profile
		facts   Facts
		want    string // track id, or "" for an error
		wantErr string
	}{
		{"kpu non-credit micro-credential", kpu, Facts{Kind: catalog.MicroCredential, CreditStatus: catalog.NonCredit}, "smc_non_credit", ""},
		{"kpu credit-bearing micro-credential", kpu, Facts{Kind: catalog.MicroCredential, CreditStatus: catalog.CreditBearing}, "smc_credit", ""},
		{"kpu embedded micro-credential", kpu, Facts{Kind: catalog.MicroCredential, CreditStatus: catalog.Embedded}, "smc_credit", ""},
		{"kpu non-credit requisite", kpu, Facts{Kind: catalog.MicroCredential, CreditStatus: catalog.NonCredit, Requisite: true}, "smc_credit", ""},
		{"kpu digital badge", kpu, Facts{Kind: catalog.DigitalBadge, CreditStatus: catalog.NonCredit}, "dbc_badge", ""},
		{"kpu micro course is AC14's", kpu, Facts{Kind: catalog.MicroCourse, CreditStatus: catalog.CreditBearing}, "", "AC14"},
		{"kpu short course is AD4's", kpu, Facts{Kind: catalog.ShortCourse, CreditStatus: catalog.NonCredit}, "", "AD4"},
		{"kpu credit badge", kpu, Facts{Kind: catalog.DigitalBadge, CreditStatus: catalog.CreditBearing}, "", "no approval track"},
		{"yukon micro-credential", yukon, Facts{Kind: catalog.MicroCredential, CreditStatus: catalog.CreditBearing}, "course_development", ""},
		{"yukon micro-course", yukon, Facts{Kind: catalog.MicroCourse, CreditStatus: catalog.CreditBearing}, "course_development", ""},
		{"yukon digital badge", yukon, Facts{Kind: catalog.DigitalBadge, CreditStatus: catalog.NonCredit}, "digital_badge", ""},
		{"yukon short course", yukon, Facts{Kind: catalog.ShortCourse, CreditStatus: catalog.NonCredit}, "", "Yukon 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := tt.p.TrackFor(tt.facts)
			if tt.wantErr != "" {
				if apperror.CodeOf(err) != apperror.Invalid || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("TrackFor error = %v, want invalid mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tr.ID != tt.want {
				t.Errorf("TrackFor = %s, want %s", tr.ID, tt.want)
			}
		})
	}
}

func TestVoteRuleDecide(t *testing.T) {
	tests := []struct {
		rule                    VoteRule
		yes, no, eligible       int
		wantDecided, wantPassed bool
	}{
		{VoteRule{Type: RuleAllOf, N: 3}, 3, 0, 3, true, true},
		{VoteRule{Type: RuleAllOf, N: 3}, 2, 0, 3, false, false},
		{VoteRule{Type: RuleAllOf, N: 3}, 2, 1, 3, true, false},
		{VoteRule{Type: RuleAllOf, N: 3}, 0, 1, 3, true, false},
		{VoteRule{Type: RuleAllOf, N: 3}, 2, 0, 2, true, false},
		{VoteRule{Type: RuleUnanimous}, 4, 0, 4, true, true},
		{VoteRule{Type: RuleUnanimous}, 3, 1, 4, true, false},
		{VoteRule{Type: RuleMajority}, 3, 0, 5, true, true},
		{VoteRule{Type: RuleMajority}, 2, 2, 5, false, false},
		{VoteRule{Type: RuleMajority}, 2, 2, 4, true, false},
		{VoteRule{Type: RuleMajority}, 0, 3, 5, true, false},
		{VoteRule{Type: RuleAtLeast, N: 2}, 2, 3, 5, true, true},
		{VoteRule{Type: RuleUnanimous}, 0, 0, 0, true, false},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%s_%d_yes_%d_no_of_%d", tt.rule, tt.yes, tt.no, tt.eligible)
		t.Run(name, func(t *testing.T) {
			d, p := tt.rule.Decide(tt.yes, tt.no, tt.eligible)
			if d != tt.wantDecided || p != tt.wantPassed {
				t.Errorf("Decide = (%v, %v), want (%v, %v)", d, p, tt.wantDecided, tt.wantPassed)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		wantErr bool
	}{
		{"2026-11", Date{Year: 2026, Month: 11}, false},
		{"2024-11-20", Date{Year: 2024, Month: 11, Day: 20}, false},
		{"2024", Date{Year: 2024}, false},
		{"2024-13", Date{}, true},
		{"2024-02-30", Date{}, true},
		{"24-11-20", Date{}, true},
		{"2024-1-2", Date{}, true},
		{"November 2026", Date{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("ParseDate(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}
