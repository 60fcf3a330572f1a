package policy

import (
	"strings"
	"testing"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
)

// yukonForm is a micro-credential outline that the Yukon profile accepts.
func yukonForm() catalog.Form {
	return catalog.Form{
		Kind:             catalog.MicroCredential,
		Title:            "Wilderness First Aid",
		Description:      "First aid for remote settings, for guides and outfitters.",
		Competencies:     []catalog.Competency{{Name: "Assess and stabilize a patient in a remote setting"}},
		LearningOutcomes: []string{"Conduct a primary and secondary survey"},
		AssessmentMethod: "Scenario-based practical assessment",
		DurationHours:    40,
		DeliveryMode:     catalog.Blended,
		CreditStatus:     catalog.NonCredit,
		NeedEvidence:     "Tourism operators report a shortage of certified guides.",
	}
}

func kpuForm() catalog.Form {
	f := yukonForm()
	f.Title = "Design Thinking"
	return f
}

func errorFor(errs []*apperror.Error, field string) *apperror.Error {
	for _, e := range errs {
		if e.Field == field {
			return e
		}
	}
	return nil
}

func TestValidateFormAcceptsCompleteForms(t *testing.T) {
	for name, f := range map[string]catalog.Form{"yukon": yukonForm(), "kpu-ac15": kpuForm()} {
		t.Run(name, func(t *testing.T) {
			if errs := ValidateForm(builtin(t, name), f); len(errs) != 0 {
				t.Errorf("ValidateForm = %v, want no errors", errs)
			}
		})
	}
}

func TestValidateForm(t *testing.T) {
	tests := []struct {
		name    string
		profile string
		change  func(*catalog.Form)
		field   string
		msg     string
	}{
		{"yukon 300 hours refused", "yukon", func(f *catalog.Form) { f.DurationHours = 300 },
			"duration_hours", "Duration (hours) must be less than 288: shorter than a short certificate (under 288 hours) (Yukon 4.1)"},
		{"yukon 288 hours refused", "yukon", func(f *catalog.Form) { f.DurationHours = 288 },
			"duration_hours", "Duration (hours) must be less than 288: shorter than a short certificate (under 288 hours) (Yukon 4.1)"},
		{"yukon duration missing", "yukon", func(f *catalog.Form) { f.DurationHours = 0 },
			"duration_hours", "Duration (hours) is required (Yukon 4.1)"},
		{"yukon competencies missing", "yukon", func(f *catalog.Form) { f.Competencies = nil },
			"competencies", "Competencies is required (Yukon 3)"},
		{"yukon credit status missing", "yukon", func(f *catalog.Form) { f.CreditStatus = "" },
			"credit_status", "Credit status is required (Yukon 4.7)"},
		{"yukon need evidence missing", "yukon", func(f *catalog.Form) { f.NeedEvidence = "" },
			"need_evidence", "Evidence of labour market, community or Indigenous need is required (Yukon 4.3)"},
		{"yukon micro-course of 3 credits", "yukon", func(f *catalog.Form) {
			f.Kind, f.CreditStatus, f.Credits = catalog.MicroCourse, catalog.CreditBearing, 3
		}, "credits", "Credits must be less than 3: a micro-course results in less than three credits (Yukon 3)"},
		{"yukon credit-bearing badge", "yukon", func(f *catalog.Form) {
			f.Kind, f.CreditStatus = catalog.DigitalBadge, catalog.CreditBearing
		}, "credit_status", "Credit status must be one of non_credit: a digital badge is non-credit-bearing (Yukon 3)"},
		{"kpu credit-bearing without credits", "kpu-ac15", func(f *catalog.Form) { f.CreditStatus = catalog.CreditBearing },
			"credits", "Credits is required: a credit-bearing micro-credential states its credits (AC15 B.1.f)"},
		{"kpu micro-credential without competencies", "kpu-ac15", func(f *catalog.Form) { f.Competencies = nil },
			"competencies", "Competencies is required (AC15 Policy C.1)"},
		{"custom value not on the form", "yukon", func(f *catalog.Form) { f.Custom = map[string]string{"colour": "blue"} },
			"custom.colour", `"colour" is not a field of this form (Yukon 2 (Clarity & Transparency))`},
		{"malformed value", "yukon", func(f *catalog.Form) { f.DeliveryMode = "telepathy" },
			"delivery_mode", `unknown delivery mode "telepathy"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := yukonForm()
			tt.change(&f)
			errs := ValidateForm(builtin(t, tt.profile), f)
			e := errorFor(errs, tt.field)
			if e == nil {
				t.Fatalf("ValidateForm = %v, want an error on %s", errs, tt.field)
			}
			if e.Message != tt.msg || e.Code != apperror.Invalid {
				t.Errorf("error on %s = %s %q, want invalid %q", tt.field, e.Code, e.Message, tt.msg)
			}
			if n := strings.Count(errsString(errs), tt.field+":"); n != 1 {
				t.Errorf("%d errors on %s, want exactly one: %v", n, tt.field, errs)
			}
		})
	}
}

func errsString(errs []*apperror.Error) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString(e.Error() + "\n")
	}
	return b.String()
}

func TestValidateFormAcceptsDeclaredCustomField(t *testing.T) {
	f := kpuForm()
	f.Custom = map[string]string{"nominated_issuers": "Program coordinator"}
	if errs := ValidateForm(builtin(t, "kpu-ac15"), f); len(errs) != 0 {
		t.Errorf("ValidateForm = %v, want none", errs)
	}
}

func TestFormFieldsFollowTheProposal(t *testing.T) {
	p := builtin(t, "kpu-ac15")
	has := func(views []FieldView, key string) bool {
		for _, v := range views {
			if v.Key == key {
				return true
			}
		}
		return false
	}
	mc := p.FormFields(Facts{Kind: catalog.MicroCredential})
	badge := p.FormFields(Facts{Kind: catalog.DigitalBadge})
	if !has(mc, "competencies") || has(badge, "competencies") {
		t.Errorf("competencies shown for micro-credential %v, for badge %v; want true, false", has(mc, "competencies"), has(badge, "competencies"))
	}
	for _, v := range mc {
		if v.Key == "duration_hours" && (v.Label != "Length (hours)" || !v.Required || v.Clause == "") {
			t.Errorf("duration field view = %+v, want the profile's label, required, with a clause", v)
		}
		if v.Key == "custom.nominated_issuers" && v.Label != "Nominated issuers" {
			t.Errorf("custom field label = %q", v.Label)
		}
	}
}
