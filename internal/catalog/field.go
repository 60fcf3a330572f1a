package catalog

import (
	"slices"
	"strconv"
	"strings"
)

// FieldType is the shape of a form field's value.
type FieldType string

// The field types.
const (
	TypeText     FieldType = "text"      // one line
	TypeLongText FieldType = "long_text" // paragraphs
	TypeNumber   FieldType = "number"    // a non-negative number; 0 is empty
	TypeChoice   FieldType = "choice"    // one of Choices
	TypeList     FieldType = "list"      // an ordered list of entries
)

// CustomPrefix starts the key of every field a policy profile adds; the
// rest of the key is the name under which Form.Custom holds the value.
const CustomPrefix = "custom."

// FieldDef describes one field of the outline form. Key is stable
// (snake_case): policy profiles, validation messages and diffs use it.
type FieldDef struct {
	Key   string
	Label string
	Type  FieldType
	// Choices are the allowed values of a choice field.
	Choices []string
}

// Fields returns the built-in fields of the outline form in form order.
// The slice is the caller's to keep.
func Fields() []FieldDef {
	return []FieldDef{
		{Key: "kind", Label: "Type of offering", Type: TypeChoice, Choices: kindStrings()},
		{Key: "title", Label: "Title", Type: TypeText},
		{Key: "description", Label: "Description", Type: TypeLongText},
		{Key: "competencies", Label: "Competencies", Type: TypeList},
		{Key: "learning_outcomes", Label: "Learning outcomes", Type: TypeList},
		{Key: "assessment_method", Label: "Assessment method", Type: TypeLongText},
		{Key: "duration_hours", Label: "Duration (hours)", Type: TypeNumber},
		{Key: "delivery_mode", Label: "Delivery mode", Type: TypeChoice, Choices: []string{string(InPerson), string(Online), string(Blended)}},
		{Key: "delivery_timing", Label: "Synchronous or asynchronous", Type: TypeChoice, Choices: []string{string(Synchronous), string(Asynchronous), string(BothTimings)}},
		{Key: "credit_status", Label: "Credit status", Type: TypeChoice, Choices: creditStrings()},
		{Key: "credits", Label: "Credits", Type: TypeNumber},
		{Key: "level", Label: "Level", Type: TypeText},
		{Key: "prerequisites", Label: "Prerequisites", Type: TypeList},
		{Key: "tuition_fees", Label: "Tuition and fees", Type: TypeText},
		{Key: "target_learners", Label: "Target learners", Type: TypeList},
		{Key: "partners", Label: "Partners", Type: TypeList},
		{Key: "need_evidence", Label: "Evidence of labour-market or community need", Type: TypeLongText},
		{Key: "indigenous_collaboration", Label: "Collaboration with Indigenous communities", Type: TypeLongText},
		{Key: "learner_supports", Label: "Supports for learners facing barriers", Type: TypeLongText},
		{Key: "stacks_into", Label: "Stacks into", Type: TypeList},
		{Key: "ladders_to", Label: "Ladders to", Type: TypeList},
		{Key: "requisite_for", Label: "Requisite for", Type: TypeList},
		{Key: "plar", Label: "Prior learning assessment and recognition (PLAR)", Type: TypeLongText},
		{Key: "transfer_agreements", Label: "Transfer agreements", Type: TypeList},
		{Key: "quality_assurance", Label: "Quality assurance", Type: TypeText},
		{Key: "award_expiry", Label: "Award expiry", Type: TypeText},
		{Key: "language", Label: "Language", Type: TypeText},
	}
}

// LookupField returns the definition of the field with the given key. A
// custom key ("custom.NAME") is a text field labelled NAME.
func LookupField(key string) (FieldDef, bool) {
	if name, ok := strings.CutPrefix(key, CustomPrefix); ok {
		if !customNameRE.MatchString(name) {
			return FieldDef{}, false
		}
		return FieldDef{Key: key, Label: name, Type: TypeLongText}, true
	}
	for _, d := range Fields() {
		if d.Key == key {
			return d, true
		}
	}
	return FieldDef{}, false
}

// Value is a field's value read generically: Text for text and choice
// fields, Number for numbers, Items (each entry rendered on one line) for
// lists.
type Value struct {
	Type   FieldType
	Text   string
	Number float64
	Items  []string
}

// Empty reports whether nothing was given: blank text, a zero number or an
// empty list.
func (v Value) Empty() bool {
	switch v.Type {
	case TypeNumber:
		return v.Number == 0
	case TypeList:
		return len(v.Items) == 0
	}
	return strings.TrimSpace(v.Text) == ""
}

// String renders v on one line: list entries are joined with "; ", an
// empty number is "".
func (v Value) String() string {
	switch v.Type {
	case TypeNumber:
		if v.Number == 0 {
			return ""
		}
		return strconv.FormatFloat(v.Number, 'f', -1, 64)
	case TypeList:
		return strings.Join(v.Items, "; ")
	}
	return v.Text
}

func (v Value) equal(w Value) bool {
	return v.Type == w.Type && v.Text == w.Text && v.Number == w.Number && slices.Equal(v.Items, w.Items)
}

// Value reads the field with the given key from f; it reports false for a
// key that names no field.
func (f Form) Value(key string) (Value, bool) {
	text := func(s string) (Value, bool) { return Value{Type: TypeText, Text: s}, true }
	long := func(s string) (Value, bool) { return Value{Type: TypeLongText, Text: s}, true }
	choice := func(s string) (Value, bool) { return Value{Type: TypeChoice, Text: s}, true }
	num := func(n float64) (Value, bool) { return Value{Type: TypeNumber, Number: n}, true }
	list := func(items []string) (Value, bool) { return Value{Type: TypeList, Items: slices.Clone(items)}, true }
	switch key {
	case "kind":
		return choice(string(f.Kind))
	case "title":
		return text(f.Title)
	case "description":
		return long(f.Description)
	case "competencies":
		items := make([]string, 0, len(f.Competencies))
		for _, c := range f.Competencies {
			items = append(items, c.String())
		}
		return list(items)
	case "learning_outcomes":
		return list(f.LearningOutcomes)
	case "assessment_method":
		return long(f.AssessmentMethod)
	case "duration_hours":
		return num(f.DurationHours)
	case "delivery_mode":
		return choice(string(f.DeliveryMode))
	case "delivery_timing":
		return choice(string(f.DeliveryTiming))
	case "credit_status":
		return choice(string(f.CreditStatus))
	case "credits":
		return num(f.Credits)
	case "level":
		return text(f.Level)
	case "prerequisites":
		return list(f.Prerequisites)
	case "tuition_fees":
		return text(f.TuitionFees)
	case "target_learners":
		return list(f.TargetLearners)
	case "partners":
		items := make([]string, 0, len(f.Partners))
		for _, p := range f.Partners {
			items = append(items, p.String())
		}
		return list(items)
	case "need_evidence":
		return long(f.NeedEvidence)
	case "indigenous_collaboration":
		return long(f.IndigenousCollaboration)
	case "learner_supports":
		return long(f.LearnerSupports)
	case "stacks_into":
		return list(f.StacksInto)
	case "ladders_to":
		return list(f.LaddersTo)
	case "requisite_for":
		return list(f.RequisiteFor)
	case "plar":
		return long(f.PLAR)
	case "transfer_agreements":
		return list(f.TransferAgreements)
	case "quality_assurance":
		return text(f.QualityAssurance)
	case "award_expiry":
		return text(f.AwardExpiry)
	case "language":
		return text(f.Language)
	}
	if name, ok := strings.CutPrefix(key, CustomPrefix); ok && customNameRE.MatchString(name) {
		return long(f.Custom[name])
	}
	return Value{}, false
}
