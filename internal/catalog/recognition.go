package catalog

import (
	"slices"
	"strings"

	"cairn/internal/apperror"
)

// RecognitionChart says, for each kind of offering and credit status, what
// recognition it earns and which body approves it. The institution's policy
// profile supplies the chart; Clause cites where the chart comes from.
type RecognitionChart struct {
	Clause  string
	Entries []Recognition
}

// Recognition is one cell of a recognition chart.
type Recognition struct {
	// Basis is what the offering recognizes: "completion" or "competency".
	Basis          string
	Kinds          []Kind
	CreditStatuses []CreditStatus
	// Recognition names what a learner receives, e.g. "Digital Badge".
	Recognition string
	// ApprovingBody is the id of the committee or role that approves it.
	ApprovingBody string
	// ApprovingBodyName is ApprovingBody's name for people.
	ApprovingBodyName string
	Example           string
	// NotApplicable marks a combination the chart rules out.
	NotApplicable bool
	Clause        string
}

// Choose returns the chart's entry for a kind and credit status. It is
// Invalid when the chart rules the combination out or has no entry for it,
// with a message citing the chart.
func (c RecognitionChart) Choose(k Kind, cs CreditStatus) (Recognition, error) {
	for _, e := range c.Entries {
		if !slices.Contains(e.Kinds, k) || !slices.Contains(e.CreditStatuses, cs) {
			continue
		}
		if e.NotApplicable {
			return Recognition{}, apperror.New(apperror.Invalid,
				"a %s cannot be %s (%s)", lower(k.Label()), lower(cs.Label()), cite(e.Clause, c.Clause))
		}
		return e, nil
	}
	return Recognition{}, apperror.New(apperror.Invalid,
		"the recognition chart (%s) has no entry for a %s that is %s", cite(c.Clause), lower(k.Label()), lower(cs.Label()))
}

func cite(clauses ...string) string {
	for _, c := range clauses {
		if c != "" {
			return c
		}
	}
	return "recognition chart"
}

func lower(s string) string { return strings.ToLower(s) }
