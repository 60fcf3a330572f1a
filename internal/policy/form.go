package policy

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
)

// ValidateForm applies the profile's outline form to f: the catalog's
// checks on malformed values, the form's required fields, the validation
// rules, and that every custom value is a field of the form. Each error is
// an apperror.Invalid naming the field (its key in Field, its label in the
// message) and citing the clause. A proposal passes when none is returned.
// Conditions on the proposing unit are not known here and do not hold.
func ValidateForm(p *Profile, f catalog.Form) []*apperror.Error {
	errs := f.Check()
	failed := map[string]bool{}
	for _, e := range errs {
		failed[e.Field] = true
	}
	facts := FactsOf(f, "")
	shown := map[string]FieldView{}
	for _, ff := range p.Form.Fields {
		if !ff.When.Holds(facts, p.OptionEnabled) {
			continue
		}
		view := p.fieldView(ff)
		shown[ff.Key] = view
		if !ff.Required || failed[ff.Key] {
			continue
		}
		if v, _ := f.Value(ff.Key); v.Empty() {
			errs = append(errs, apperror.Field(ff.Key, "%s is required (%s)", view.Label, view.Clause))
			failed[ff.Key] = true
		}
	}
	for _, r := range p.Validation {
		if failed[r.Field] || !r.When.Holds(facts, p.OptionEnabled) {
			continue
		}
		view, ok := shown[r.Field]
		if !ok {
			continue // the field is not on the form for this proposal
		}
		if msg := breaks(r, f); msg != "" {
			if r.Message != "" {
				msg += ": " + r.Message
			}
			errs = append(errs, apperror.Field(r.Field, "%s %s (%s)", view.Label, msg, r.Clause))
			failed[r.Field] = true
		}
	}
	for _, name := range slices.Sorted(maps.Keys(f.Custom)) {
		key := catalog.CustomPrefix + name
		if _, ok := shown[key]; !ok && f.Custom[name] != "" && !failed[key] {
			errs = append(errs, apperror.Field(key, "%q is not a field of this form (%s)", name, p.Form.Clause))
		}
	}
	return errs
}

// breaks returns how f breaks rule r ("must be less than 288"), or "" when
// it keeps it. Rules other than required and non_empty pass an empty value:
// whether a value is needed is the required rule's business.
func breaks(r Rule, f catalog.Form) string {
	v, _ := f.Value(r.Field)
	switch r.Check {
	case CheckRequired:
		if v.Empty() {
			return "is required"
		}
		return ""
	case CheckNonEmpty:
		if v.Empty() {
			return "needs at least one entry"
		}
		return ""
	}
	if v.Empty() {
		return ""
	}
	var limit float64
	if r.Value != nil {
		limit = *r.Value
	}
	num := strconv.FormatFloat(limit, 'f', -1, 64)
	switch r.Check {
	case CheckMin:
		if v.Number < limit {
			return "must be at least " + num
		}
	case CheckMax:
		if v.Number > limit {
			return "must be at most " + num
		}
	case CheckMinExclusive:
		if v.Number <= limit {
			return "must be more than " + num
		}
	case CheckMaxExclusive:
		if v.Number >= limit {
			return "must be less than " + num
		}
	case CheckOneOf:
		if !slices.Contains(r.Values, v.Text) {
			return "must be one of " + strings.Join(r.Values, ", ")
		}
	}
	return ""
}
