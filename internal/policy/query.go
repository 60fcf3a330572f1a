package policy

import (
	"slices"
	"strings"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
)

// Facts are what conditions test about a proposal.
type Facts struct {
	Kind         catalog.Kind
	CreditStatus catalog.CreditStatus
	// Requisite: the proposal asks to be recognized as a requisite for
	// other courses or requirements.
	Requisite bool
	// UnitCategory is the category of the proposing org unit ("" when
	// unknown, which no unit_categories condition matches).
	UnitCategory string
}

// FactsOf returns the facts of a form proposed by a unit of the given
// category.
func FactsOf(f catalog.Form, unitCategory string) Facts {
	return Facts{Kind: f.Kind, CreditStatus: f.CreditStatus, Requisite: f.Requisite(), UnitCategory: unitCategory}
}

// Holds reports whether every constraint of c holds for the facts, with
// options looked up in enabled.
func (c *Condition) Holds(f Facts, enabled func(option string) bool) bool {
	if c == nil {
		return true
	}
	if len(c.Kinds) > 0 && !slices.Contains(c.Kinds, f.Kind) {
		return false
	}
	if len(c.CreditStatuses) > 0 && !slices.Contains(c.CreditStatuses, f.CreditStatus) {
		return false
	}
	if c.Requisite != nil && *c.Requisite != f.Requisite {
		return false
	}
	if len(c.UnitCategories) > 0 && !slices.Contains(c.UnitCategories, f.UnitCategory) {
		return false
	}
	if c.Option != "" && (enabled == nil || !enabled(c.Option)) {
		return false
	}
	return true
}

// OptionEnabled reports whether the named option is switched on.
func (p *Profile) OptionEnabled(id string) bool {
	for _, o := range p.Options {
		if o.ID == id {
			return o.Enabled
		}
	}
	return false
}

// SetOption switches an option on or off in this copy of the profile (an
// installation's choice). It is NotFound for an unknown option.
func (p *Profile) SetOption(id string, enabled bool) error {
	for i := range p.Options {
		if p.Options[i].ID == id {
			p.Options[i].Enabled = enabled
			return nil
		}
	}
	return apperror.New(apperror.NotFound, "profile %s has no option %q", p.ID, id)
}

// StepApplies reports whether step s runs for a proposal with the given
// facts; when it does not, the track follows s.Next[OutcomeSkipped].
func (p *Profile) StepApplies(s *Step, f Facts) bool {
	return s.When.Holds(f, p.OptionEnabled)
}

// TrackFor chooses the approval track for a proposal: the first track one
// of whose select conditions holds. It is Invalid, with the profile's
// message and clause, for a proposal an exclusion rules out, and Invalid
// when no track takes it.
func (p *Profile) TrackFor(f Facts) (*Track, error) {
	for _, e := range p.Exclusions {
		if e.When.Holds(f, p.OptionEnabled) {
			return nil, apperror.New(apperror.Invalid, "%s (%s)", e.Message, e.Clause)
		}
	}
	for i := range p.Tracks {
		for j := range p.Tracks[i].Select {
			if p.Tracks[i].Select[j].Holds(f, p.OptionEnabled) {
				return &p.Tracks[i], nil
			}
		}
	}
	return nil, apperror.New(apperror.Invalid, "%s has no approval track for a %s that is %s",
		p.Name, strings.ToLower(f.Kind.Label()), strings.ToLower(f.CreditStatus.Label()))
}

// Track returns the track with the given id.
func (p *Profile) Track(id string) (*Track, bool) {
	for i := range p.Tracks {
		if p.Tracks[i].ID == id {
			return &p.Tracks[i], true
		}
	}
	return nil, false
}

// Role returns the role with the given id.
func (p *Profile) Role(id string) (*Role, bool) {
	for i := range p.Roles {
		if p.Roles[i].ID == id {
			return &p.Roles[i], true
		}
	}
	return nil, false
}

// Committee returns the committee with the given id.
func (p *Profile) Committee(id string) (*Committee, bool) {
	for i := range p.Committees {
		if p.Committees[i].ID == id {
			return &p.Committees[i], true
		}
	}
	return nil, false
}

// Question returns the review question with the given id.
func (p *Profile) Question(id string) (*Question, bool) {
	for i := range p.Questions {
		if p.Questions[i].ID == id {
			return &p.Questions[i], true
		}
	}
	return nil, false
}

// Chart returns the profile's recognition chart in catalog form, with
// approving bodies' names filled in.
func (p *Profile) Chart() catalog.RecognitionChart {
	chart := catalog.RecognitionChart{Clause: p.Recognition.Clause}
	for _, e := range p.Recognition.Entries {
		r := catalog.Recognition{
			Basis: e.Basis, Kinds: slices.Clone(e.Kinds), CreditStatuses: slices.Clone(e.CreditStatuses),
			Recognition: e.Recognition, ApprovingBody: e.ApprovingBody, Example: e.Example,
			NotApplicable: e.NotApplicable, Clause: e.Clause,
		}
		if r.Clause == "" {
			r.Clause = p.Recognition.Clause
		}
		if cm, ok := p.Committee(e.ApprovingBody); ok {
			r.ApprovingBodyName = cm.Name
		} else if ro, ok := p.Role(e.ApprovingBody); ok {
			r.ApprovingBodyName = ro.Name
		}
		chart.Entries = append(chart.Entries, r)
	}
	return chart
}

// Recognize returns the recognition and approving body for a kind and
// credit status, from the profile's chart.
func (p *Profile) Recognize(k catalog.Kind, cs catalog.CreditStatus) (catalog.Recognition, error) {
	return p.Chart().Choose(k, cs)
}

// FieldView is a form field as shown to a proponent: the profile's label
// and help over the catalog's definition.
type FieldView struct {
	catalog.FieldDef
	Help     string
	Required bool
	Clause   string
}

// FormFields returns, in form order, the fields of the outline form that
// apply to a proposal with the given facts.
func (p *Profile) FormFields(f Facts) []FieldView {
	var out []FieldView
	for _, ff := range p.Form.Fields {
		if !ff.When.Holds(f, p.OptionEnabled) {
			continue
		}
		out = append(out, p.fieldView(ff))
	}
	return out
}

func (p *Profile) fieldView(ff FormField) FieldView {
	def, _ := catalog.LookupField(ff.Key)
	if ff.Label != "" {
		def.Label = ff.Label
	}
	clause := ff.Clause
	if clause == "" {
		clause = p.Form.Clause
	}
	return FieldView{FieldDef: def, Help: ff.Help, Required: ff.Required, Clause: clause}
}
