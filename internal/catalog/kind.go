package catalog

// Kind is the sort of offering a proposal is for.
type Kind string

// The kinds of offering.
const (
	// MicroCredential is a short, competency-based offering, represented by
	// an Open Badge; it may be non-credit, credit-bearing or embedded.
	MicroCredential Kind = "micro_credential"
	// DigitalBadge represents completion-based learning; it is non-credit.
	DigitalBadge Kind = "digital_badge"
	// MicroCourse is shorter than a traditional course and carries fewer
	// credits than one.
	MicroCourse Kind = "micro_course"
	// ShortCourse is a non-credit offering focused on knowledge acquisition.
	ShortCourse Kind = "short_course"
)

// Kinds returns every kind in display order.
func Kinds() []Kind {
	return []Kind{MicroCredential, DigitalBadge, MicroCourse, ShortCourse}
}

// Valid reports whether k is one of the kinds.
func (k Kind) Valid() bool {
	switch k {
	case MicroCredential, DigitalBadge, MicroCourse, ShortCourse:
		return true
	}
	return false
}

// Label is k's name for people.
func (k Kind) Label() string {
	switch k {
	case MicroCredential:
		return "Micro-credential"
	case DigitalBadge:
		return "Digital badge"
	case MicroCourse:
		return "Micro course"
	case ShortCourse:
		return "Short course"
	}
	return string(k)
}

// CreditStatus says whether an offering carries academic credit.
type CreditStatus string

// The credit statuses.
const (
	// NonCredit offerings carry no formal academic credit.
	NonCredit CreditStatus = "non_credit"
	// CreditBearing offerings carry credit recognized on a transcript.
	CreditBearing CreditStatus = "credit_bearing"
	// Embedded offerings sit within credit-bearing courses or programs.
	Embedded CreditStatus = "embedded"
)

// CreditStatuses returns every credit status in display order.
func CreditStatuses() []CreditStatus {
	return []CreditStatus{NonCredit, CreditBearing, Embedded}
}

// Valid reports whether c is one of the credit statuses.
func (c CreditStatus) Valid() bool {
	switch c {
	case NonCredit, CreditBearing, Embedded:
		return true
	}
	return false
}

// Credit reports whether c involves academic credit (credit-bearing or
// embedded within credit-bearing courses or programs).
func (c CreditStatus) Credit() bool { return c == CreditBearing || c == Embedded }

// Label is c's name for people.
func (c CreditStatus) Label() string {
	switch c {
	case NonCredit:
		return "Non credit-bearing"
	case CreditBearing:
		return "Credit-bearing"
	case Embedded:
		return "Embedded within credit-bearing courses or programs"
	}
	return string(c)
}

// DeliveryMode is where learning happens.
type DeliveryMode string

// The delivery modes.
const (
	InPerson DeliveryMode = "in_person"
	Online   DeliveryMode = "online"
	Blended  DeliveryMode = "blended"
)

// Valid reports whether m is one of the delivery modes.
func (m DeliveryMode) Valid() bool {
	return m == InPerson || m == Online || m == Blended
}

// DeliveryTiming is when learners and instructors interact.
type DeliveryTiming string

// The delivery timings.
const (
	Synchronous  DeliveryTiming = "synchronous"
	Asynchronous DeliveryTiming = "asynchronous"
	// BothTimings blends synchronous and asynchronous learning.
	BothTimings DeliveryTiming = "both"
)

// Valid reports whether t is one of the delivery timings.
func (t DeliveryTiming) Valid() bool {
	return t == Synchronous || t == Asynchronous || t == BothTimings
}

// PartnerTypes returns the kinds of partner an offering may name.
func PartnerTypes() []string {
	return []string{"employer", "industry", "indigenous", "community", "non_profit", "education", "government", "other"}
}

func validPartnerType(t string) bool {
	for _, p := range PartnerTypes() {
		if p == t {
			return true
		}
	}
	return false
}

func kindStrings() []string {
	var out []string
	for _, k := range Kinds() {
		out = append(out, string(k))
	}
	return out
}

func creditStrings() []string {
	var out []string
	for _, c := range CreditStatuses() {
		out = append(out, string(c))
	}
	return out
}
