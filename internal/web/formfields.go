package web

import (
	"net/url"
	"strconv"
	"strings"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
	"cairn/internal/policy"
)

// maxListEntries bounds the entries of one list field read from a form.
const maxListEntries = 200

// fieldView is one outline-form field in the editor.
type fieldView struct {
	Key      string
	Label    string
	Help     string
	Clause   string
	Required bool
	Type     string
	Choices  []choiceView
	Value    string
	Error    string
}

type choiceView struct {
	Value, Label string
	Selected     bool
}

// formFields returns the editor's fields for a draft under a profile,
// with each field's error from errs. Kind and credit status always come
// first, since which other fields apply depends on them.
func formFields(p *policy.Profile, f catalog.Form, errs []*apperror.Error) []fieldView {
	byField := map[string]string{}
	for _, e := range errs {
		if _, seen := byField[e.Field]; !seen {
			byField[e.Field] = e.Message
		}
	}
	var views []policy.FieldView
	seen := map[string]bool{}
	for _, key := range []string{"kind", "credit_status"} {
		def, _ := catalog.LookupField(key)
		views = append(views, policy.FieldView{FieldDef: def, Required: true})
		seen[key] = true
	}
	for _, fv := range p.FormFields(policy.FactsOf(f, "")) {
		if seen[fv.Key] {
			for i := range views {
				if views[i].Key == fv.Key {
					views[i] = fv
				}
			}
			continue
		}
		seen[fv.Key] = true
		views = append(views, fv)
	}
	var out []fieldView
	for _, fv := range views {
		v := fieldView{Key: fv.Key, Label: fv.Label, Help: fv.Help, Clause: fv.Clause, Required: fv.Required, Type: string(fv.Type), Error: byField[fv.Key]}
		val, _ := f.Value(fv.Key)
		v.Value = valueText(fv.Key, f, val)
		if fv.Type == catalog.TypeChoice {
			v.Choices = append(v.Choices, choiceView{Value: "", Label: "Choose…", Selected: val.Text == ""})
			for _, c := range fv.Choices {
				v.Choices = append(v.Choices, choiceView{Value: c, Label: humanize(c), Selected: c == val.Text})
			}
		}
		out = append(out, v)
	}
	return out
}

// valueText is a field's value as the editor shows it: list entries one
// per line, competencies and partners with their details after " | ".
func valueText(key string, f catalog.Form, v catalog.Value) string {
	switch key {
	case "competencies":
		var lines []string
		for _, c := range f.Competencies {
			line := c.Name
			if c.Framework != "" || c.Code != "" || c.URL != "" {
				line += " | " + c.Framework + " | " + c.Code + " | " + c.URL
			}
			lines = append(lines, strings.TrimRight(line, " |"))
		}
		return strings.Join(lines, "\n")
	case "partners":
		var lines []string
		for _, p := range f.Partners {
			line := p.Name
			if p.Type != "" {
				line += " | " + p.Type
			}
			lines = append(lines, line)
		}
		return strings.Join(lines, "\n")
	}
	if v.Type == catalog.TypeList {
		return strings.Join(v.Items, "\n")
	}
	return v.String()
}

// readFormFields sets the draft's fields from a submitted editor form:
// only fields that are on the form are read, so a field the profile does
// not show keeps its value. It returns every malformed field's error.
func readFormFields(f *catalog.Form, form url.Values) []*apperror.Error {
	var errs []*apperror.Error
	for _, def := range catalog.Fields() {
		if _, ok := form["field."+def.Key]; !ok {
			continue
		}
		if err := setField(f, def, form.Get("field."+def.Key)); err != nil {
			errs = append(errs, err)
		}
	}
	for key := range form {
		name, ok := strings.CutPrefix(key, "field."+catalog.CustomPrefix)
		if !ok {
			continue
		}
		def, ok := catalog.LookupField(catalog.CustomPrefix + name)
		if !ok {
			errs = append(errs, apperror.Field(strings.TrimPrefix(key, "field."), "is not a field name"))
			continue
		}
		if err := setField(f, def, form.Get(key)); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// setField sets one field from its text.
func setField(f *catalog.Form, def catalog.FieldDef, raw string) *apperror.Error {
	raw = strings.TrimSpace(strings.ReplaceAll(raw, "\r\n", "\n"))
	var items []string
	if def.Type == catalog.TypeList {
		for line := range strings.SplitSeq(raw, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				items = append(items, line)
			}
		}
		if len(items) > maxListEntries {
			return apperror.Field(def.Key, "%s has more than %d entries", def.Label, maxListEntries)
		}
	}
	var num float64
	if def.Type == catalog.TypeNumber && raw != "" {
		n, err := strconv.ParseFloat(raw, 64)
		if err != nil || n < 0 {
			return apperror.Field(def.Key, "%s must be a number, 0 or more", def.Label)
		}
		num = n
	}
	switch def.Key {
	case "kind":
		f.Kind = catalog.Kind(raw)
	case "title":
		f.Title = raw
	case "description":
		f.Description = raw
	case "competencies":
		f.Competencies = nil
		for _, it := range items {
			parts := strings.Split(it, "|")
			for i := range parts {
				parts[i] = strings.TrimSpace(parts[i])
			}
			parts = append(parts, "", "", "")
			f.Competencies = append(f.Competencies, catalog.Competency{Name: parts[0], Framework: parts[1], Code: parts[2], URL: parts[3]})
		}
	case "learning_outcomes":
		f.LearningOutcomes = items
	case "assessment_method":
		f.AssessmentMethod = raw
	case "duration_hours":
		f.DurationHours = num
	case "delivery_mode":
		f.DeliveryMode = catalog.DeliveryMode(raw)
	case "delivery_timing":
		f.DeliveryTiming = catalog.DeliveryTiming(raw)
	case "credit_status":
		f.CreditStatus = catalog.CreditStatus(raw)
	case "credits":
		f.Credits = num
	case "level":
		f.Level = raw
	case "prerequisites":
		f.Prerequisites = items
	case "tuition_fees":
		f.TuitionFees = raw
	case "target_learners":
		f.TargetLearners = items
	case "partners":
		f.Partners = nil
		for _, it := range items {
			name, typ, _ := strings.Cut(it, "|")
			f.Partners = append(f.Partners, catalog.Partner{Name: strings.TrimSpace(name), Type: strings.TrimSpace(typ)})
		}
	case "need_evidence":
		f.NeedEvidence = raw
	case "indigenous_collaboration":
		f.IndigenousCollaboration = raw
	case "learner_supports":
		f.LearnerSupports = raw
	case "stacks_into":
		f.StacksInto = items
	case "ladders_to":
		f.LaddersTo = items
	case "requisite_for":
		f.RequisiteFor = items
	case "plar":
		f.PLAR = raw
	case "transfer_agreements":
		f.TransferAgreements = items
	case "quality_assurance":
		f.QualityAssurance = raw
	case "award_expiry":
		f.AwardExpiry = raw
	case "language":
		f.Language = raw
	default:
		name, ok := strings.CutPrefix(def.Key, catalog.CustomPrefix)
		if !ok {
			return apperror.Field(def.Key, "is not a field of the form")
		}
		if f.Custom == nil {
			f.Custom = map[string]string{}
		}
		if raw == "" {
			delete(f.Custom, name)
		} else {
			f.Custom[name] = raw
		}
	}
	return nil
}
