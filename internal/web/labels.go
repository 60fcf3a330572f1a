package web

import (
	"strings"

	"cairn/internal/catalog"
)

// labels are the words pages show for the values cairn stores as
// identifiers, where humanize's plain rewording would read poorly.
var labels = map[string]string{
	// Offering kinds and credit statuses.
	"micro_credential": "Micro-credential",
	"digital_badge":    "Digital badge",
	"micro_course":     "Micro course",
	"short_course":     "Short course",
	"non_credit":       "Non-credit",
	"credit_bearing":   "Credit-bearing",
	"embedded":         "Embedded in a credit-bearing course or program",
	// Delivery.
	"in_person":    "In person",
	"online":       "Online",
	"blended":      "Blended",
	"synchronous":  "Synchronous",
	"asynchronous": "Asynchronous",
	"both":         "Synchronous and asynchronous",
	// Offering statuses.
	"draft":                       "Draft",
	"in_review":                   "In review",
	"approved":                    "Approved",
	"approved_interim_non_credit": "Approved on an interim non-credit basis",
	"active":                      "Active",
	"under_review":                "Under review",
	"discontinued":                "Discontinued",
	// Case statuses and results.
	"open":           "Open",
	"with_proponent": "With the proponent",
	"closed":         "Closed",
	"withdrawn":      "Withdrawn",
	"awaiting_vote":  "Awaiting the vote",
	"not_approved":   "Not approved",
	// Step kinds.
	"completeness_check":       "Completeness check",
	"review":                   "Review",
	"vote":                     "Vote",
	"meeting":                  "Meeting",
	"return_for_revision":      "Returned for revision",
	"appeal":                   "Appeal",
	"sign":                     "Signature",
	"committee_recommendation": "Committee recommendation",
	"body_decision":            "Governing body's decision",
	"interim_status":           "Interim status",
	"terminal":                 "Closed",
	// Decisions and outcomes.
	"completeness":            "Completeness check",
	"review_closed":           "Review closed",
	"recommendation":          "Recommendation",
	"sign_declined":           "Declined to sign",
	"clarification_requested": "Clarification requested",
	"clarified":               "Clarified",
	"resubmitted":             "Resubmitted",
	"complete":                "Complete",
	"incomplete":              "Incomplete",
	"reviewed":                "Reviewed",
	"held":                    "Held",
	"appealed":                "Appealed",
	"refused":                 "Refused",
	"signed":                  "Signed",
	"declined":                "Declined",
	"recommended":             "Recommended",
	"not_recommended":         "Not recommended",
	"continue":                "Continued",
	"skipped":                 "Skipped",
	// Appeals, discontinuances.
	"filed":    "Filed, awaiting the chair",
	"allowed":  "Allowed: the committee votes",
	"decided":  "Decided",
	"flagged":  "Flagged: not offered for the rule's period",
	"proposed": "Proposed for discontinuance",
	"retained": "Retained",
	// Answers.
	"yes": "Yes",
	"no":  "No",
	// Roles.
	"proponent":          "Proponent",
	"program_area":       "Program area",
	"department_chair":   "Department chair",
	"provost":            "Provost",
	"provost_office":     "Provost's office",
	"sscc_secretariat":   "SSCC secretariat",
	"senate_secretariat": "Senate secretariat",
	"administrator":      "Administrator",
	"learner":            "Learner",
	"registrar":          "Registrar",
	"dean":               "Dean",
}

// wordFor is the human word for a stored identifier: from labels when it is
// there, otherwise humanize's rewording.
func wordFor(s string) string {
	if l, ok := labels[s]; ok {
		return l
	}
	return humanize(s)
}

// fieldValueText is an outline-form field's value as pages show it: the
// choice fields' labels rather than their identifiers, list entries one
// per line.
func fieldValueText(def catalog.FieldDef, v catalog.Value) string {
	switch {
	case def.Type == catalog.TypeChoice && v.Text != "":
		return wordFor(v.Text)
	case v.Type == catalog.TypeList:
		return strings.Join(v.Items, "\n")
	}
	return v.String()
}

// changeText rewords a field change's values the way fieldValueText does
// for choice fields.
func changeText(ch catalog.FieldChange) catalog.FieldChange {
	if def, ok := catalog.LookupField(ch.Key); ok && def.Type == catalog.TypeChoice {
		if ch.Old != "" {
			ch.Old = wordFor(ch.Old)
		}
		if ch.New != "" {
			ch.New = wordFor(ch.New)
		}
	}
	return ch
}
