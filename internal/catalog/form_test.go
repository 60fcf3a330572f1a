package catalog

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"cairn/internal/apperror"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func loadForm(t *testing.T) Form {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "form.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f Form
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("decode form.json: %v", err)
	}
	return f
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden %s (run with -update to create): %v", path, err)
	}
	if string(got) != string(want) {
		t.Errorf("%s:\ngot  %s\nwant %s", name, got, want)
	}
}

// The hash must not change between runs, builds or Go versions: a
// signature stored years ago binds to it.
func TestHashIsStableAcrossRuns(t *testing.T) {
	f := loadForm(t)
	golden(t, "form.canonical.json", f.CanonicalJSON())
	golden(t, "form.sha256", []byte(f.Hash()+"\n"))
	if got := regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(f.Hash()); !got {
		t.Errorf("Hash = %q, want 64 lowercase hex digits", f.Hash())
	}
}

func TestHashIgnoresRepresentationOnly(t *testing.T) {
	f := loadForm(t)
	g := f.Clone()
	g.TransferAgreements = []string{} // empty, not nil
	g.Custom["unused"] = ""           // empty custom value
	g.Custom = map[string]string(g.Custom)
	if f.Hash() != g.Hash() {
		t.Errorf("empty list or empty custom value changed the hash")
	}
	h := f.Clone()
	h.LearningOutcomes[0] += "."
	if f.Hash() == h.Hash() {
		t.Errorf("changing an outcome left the hash unchanged")
	}
	c := f.Clone()
	c.Custom["issuers"] = "Registrar"
	if f.Hash() == c.Hash() {
		t.Errorf("changing a custom field left the hash unchanged")
	}
}

func TestCloneIsDeep(t *testing.T) {
	f := loadForm(t)
	c := f.Clone()
	c.Competencies[0].Name = "changed"
	c.LearningOutcomes[0] = "changed"
	c.Custom["issuers"] = "changed"
	if f.Competencies[0].Name == "changed" || f.LearningOutcomes[0] == "changed" || f.Custom["issuers"] == "changed" {
		t.Errorf("Clone shares storage with the original")
	}
}

func TestFormCheck(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Form)
		want   string // field key of the first error, "" for none
	}{
		{"valid", func(*Form) {}, ""},
		{"unknown kind", func(f *Form) { f.Kind = "diploma" }, "kind"},
		{"unknown credit status", func(f *Form) { f.CreditStatus = "some" }, "credit_status"},
		{"unknown delivery", func(f *Form) { f.DeliveryMode = "carrier_pigeon" }, "delivery_mode"},
		{"unknown timing", func(f *Form) { f.DeliveryTiming = "later" }, "delivery_timing"},
		{"negative hours", func(f *Form) { f.DurationHours = -1 }, "duration_hours"},
		{"bad expiry", func(f *Form) { f.AwardExpiry = "two years" }, "award_expiry"},
		{"bad language", func(f *Form) { f.Language = "English!" }, "language"},
		{"long title", func(f *Form) { f.Title = strings.Repeat("x", MaxTitleLen+1) }, "title"},
		{"long text", func(f *Form) { f.Description = strings.Repeat("x", MaxTextLen+1) }, "description"},
		{"too many outcomes", func(f *Form) { f.LearningOutcomes = make([]string, MaxListItems+1) }, "learning_outcomes"},
		{"nameless competency", func(f *Form) { f.Competencies = append(f.Competencies, Competency{Code: "X"}) }, "competencies"},
		{"relative alignment URL", func(f *Form) { f.Competencies[0].URL = "/skill/1" }, "competencies"},
		{"unknown partner type", func(f *Form) { f.Partners[0].Type = "friend" }, "partners"},
		{"bad custom name", func(f *Form) { f.Custom["Bad Name"] = "x" }, "custom.Bad Name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := loadForm(t)
			tt.change(&f)
			errs := f.Check()
			got := ""
			if len(errs) > 0 {
				got = errs[0].Field
				if errs[0].Code != apperror.Invalid {
					t.Errorf("code = %s, want invalid", errs[0].Code)
				}
			}
			if got != tt.want {
				t.Errorf("first error field = %q (%v), want %q", got, errs, tt.want)
			}
		})
	}
}

func TestParseExpiry(t *testing.T) {
	at := time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in      string
		want    Expiry
		wantErr bool
	}{
		{"", Expiry{}, false},
		{"none", Expiry{Never: true}, false},
		{"P2Y", Expiry{Years: 2}, false},
		{"P1Y6M", Expiry{Years: 1, Months: 6}, false},
		{"P90D", Expiry{Days: 90}, false},
		{"P6M1Y", Expiry{}, true},
		{"P1Y1Y", Expiry{}, true},
		{"P0Y", Expiry{}, true},
		{"P", Expiry{}, true},
		{"2 years", Expiry{}, true},
		{"PY", Expiry{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseExpiry(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseExpiry(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseExpiry(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
	if end, ok := (Expiry{Years: 2}).From(at); !ok || !end.Equal(at.AddDate(2, 0, 0)) {
		t.Errorf("From = %v, %v; want two years on", end, ok)
	}
	if _, ok := (Expiry{Never: true}).From(at); ok {
		t.Errorf("a never-expiring award got an expiry date")
	}
}

// Every field of Form must be in the registry, readable by Value, so that
// profiles, validation and diffs can reach it.
func TestRegistryCoversEveryFormField(t *testing.T) {
	keys := map[string]bool{}
	for _, d := range Fields() {
		if keys[d.Key] {
			t.Errorf("duplicate field key %q", d.Key)
		}
		keys[d.Key] = true
		if !regexp.MustCompile(`^[a-z][a-z0-9_]*$`).MatchString(d.Key) {
			t.Errorf("field key %q is not snake_case", d.Key)
		}
		if d.Label == "" {
			t.Errorf("field %q has no label", d.Key)
		}
		v, ok := (Form{}).Value(d.Key)
		if !ok {
			t.Errorf("Value(%q) not readable", d.Key)
		}
		if v.Type != d.Type && !(d.Type == TypeLongText && v.Type == TypeText) {
			t.Errorf("Value(%q).Type = %s, want %s", d.Key, v.Type, d.Type)
		}
	}
	ft := reflect.TypeFor[Form]()
	for i := range ft.NumField() {
		tag := strings.Split(ft.Field(i).Tag.Get("json"), ",")[0]
		if tag == "custom" {
			continue
		}
		if !keys[tag] {
			t.Errorf("Form.%s (json %q) has no registry entry", ft.Field(i).Name, tag)
		}
	}
	if _, ok := LookupField("custom.consultation_summary"); !ok {
		t.Errorf("custom field key not recognized")
	}
	if _, ok := LookupField("nonesuch"); ok {
		t.Errorf("unknown key recognized")
	}
}

func TestValueReadsFields(t *testing.T) {
	f := loadForm(t)
	tests := []struct {
		key  string
		want string
	}{
		{"title", "Design Thinking for Community Organizations"},
		{"duration_hours", "24.5"},
		{"credits", ""},
		{"credit_status", "non_credit"},
		{"competencies", "Frame a design challenge from user research (ESCO S1.2.3 https://esco.example/skill/123); Prototype and test a service concept"},
		{"partners", "Surrey Board of Trade (employer)"},
		{"custom.issuers", "Program coordinator"},
		{"custom.absent", ""},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			v, ok := f.Value(tt.key)
			if !ok {
				t.Fatalf("Value(%q) not found", tt.key)
			}
			if got := v.String(); got != tt.want {
				t.Errorf("Value(%q) = %q, want %q", tt.key, got, tt.want)
			}
		})
	}
}
