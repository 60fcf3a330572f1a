package catalog

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"cairn/internal/apperror"
)

// Form is the outline form: the record of a proposal, with every field an
// institution's form may ask for. Which fields a given institution shows,
// requires and how it labels them comes from its policy profile; fields the
// profile adds live in Custom.
type Form struct {
	Kind         Kind         `json:"kind,omitempty"`
	Title        string       `json:"title,omitempty"`
	Description  string       `json:"description,omitempty"`
	Competencies []Competency `json:"competencies,omitempty"`
	// LearningOutcomes are what a learner can do on completion.
	LearningOutcomes []string `json:"learning_outcomes,omitempty"`
	AssessmentMethod string   `json:"assessment_method,omitempty"`
	// DurationHours is the notional learning time; 0 means not given.
	DurationHours  float64        `json:"duration_hours,omitempty"`
	DeliveryMode   DeliveryMode   `json:"delivery_mode,omitempty"`
	DeliveryTiming DeliveryTiming `json:"delivery_timing,omitempty"`
	CreditStatus   CreditStatus   `json:"credit_status,omitempty"`
	// Credits is the academic credit carried; 0 means none given.
	Credits float64 `json:"credits,omitempty"`
	// Level is the level of learning, in the institution's or a
	// qualifications framework's terms.
	Level          string    `json:"level,omitempty"`
	Prerequisites  []string  `json:"prerequisites,omitempty"`
	TuitionFees    string    `json:"tuition_fees,omitempty"`
	TargetLearners []string  `json:"target_learners,omitempty"`
	Partners       []Partner `json:"partners,omitempty"`
	// NeedEvidence is the evidence of labour-market or community need.
	NeedEvidence            string `json:"need_evidence,omitempty"`
	IndigenousCollaboration string `json:"indigenous_collaboration,omitempty"`
	// LearnerSupports are supports for learners facing barriers.
	LearnerSupports string `json:"learner_supports,omitempty"`
	// StacksInto, LaddersTo and RequisiteFor relate the offering to others
	// (by title, code or URL).
	StacksInto   []string `json:"stacks_into,omitempty"`
	LaddersTo    []string `json:"ladders_to,omitempty"`
	RequisiteFor []string `json:"requisite_for,omitempty"`
	// PLAR is how prior learning assessment and recognition applies.
	PLAR               string   `json:"plar,omitempty"`
	TransferAgreements []string `json:"transfer_agreements,omitempty"`
	// QualityAssurance is the type of quality assurance applied.
	QualityAssurance string `json:"quality_assurance,omitempty"`
	// AwardExpiry is how long an award stays valid: "none", or an ISO 8601
	// period of years, months and days such as "P2Y" or "P1Y6M"; see
	// ParseExpiry.
	AwardExpiry string `json:"award_expiry,omitempty"`
	// Language is the language of instruction, a BCP 47 tag such as "en".
	Language string `json:"language,omitempty"`
	// Custom holds the fields a policy profile adds, by name (the part of
	// the field key after "custom.").
	Custom map[string]string `json:"custom,omitempty"`
}

// Competency is one competency an offering recognizes, optionally aligned
// to a framework (such as a CASE or ESCO framework) by code and/or URL.
type Competency struct {
	Name      string `json:"name"`
	Framework string `json:"framework,omitempty"`
	Code      string `json:"code,omitempty"`
	URL       string `json:"url,omitempty"`
}

// String renders c on one line.
func (c Competency) String() string {
	var align []string
	for _, s := range []string{c.Framework, c.Code, c.URL} {
		if s != "" {
			align = append(align, s)
		}
	}
	if len(align) == 0 {
		return c.Name
	}
	return c.Name + " (" + strings.Join(align, " ") + ")"
}

// Partner is an organization an offering is developed or delivered with.
// Type is one of PartnerTypes.
type Partner struct {
	Name string `json:"name"`
	Type string `json:"type,omitempty"`
}

// String renders p on one line.
func (p Partner) String() string {
	if p.Type == "" {
		return p.Name
	}
	return p.Name + " (" + p.Type + ")"
}

// Requisite reports whether the form asks for the offering to be
// recognized as a requisite for other courses or requirements.
func (f Form) Requisite() bool { return len(f.RequisiteFor) > 0 }

// Clone returns a deep copy of f.
func (f Form) Clone() Form {
	c := f
	c.Competencies = slices.Clone(f.Competencies)
	c.LearningOutcomes = slices.Clone(f.LearningOutcomes)
	c.Prerequisites = slices.Clone(f.Prerequisites)
	c.TargetLearners = slices.Clone(f.TargetLearners)
	c.Partners = slices.Clone(f.Partners)
	c.StacksInto = slices.Clone(f.StacksInto)
	c.LaddersTo = slices.Clone(f.LaddersTo)
	c.RequisiteFor = slices.Clone(f.RequisiteFor)
	c.TransferAgreements = slices.Clone(f.TransferAgreements)
	c.Custom = maps.Clone(f.Custom)
	return c
}

// normalized returns a copy of f in which empty lists and maps are nil,
// empty custom values are dropped and non-finite numbers are zero, so that
// forms that mean the same encode the same.
func (f Form) normalized() Form {
	c := f.Clone()
	for _, p := range []*[]string{&c.LearningOutcomes, &c.Prerequisites, &c.TargetLearners,
		&c.StacksInto, &c.LaddersTo, &c.RequisiteFor, &c.TransferAgreements} {
		if len(*p) == 0 {
			*p = nil
		}
	}
	if len(c.Competencies) == 0 {
		c.Competencies = nil
	}
	if len(c.Partners) == 0 {
		c.Partners = nil
	}
	maps.DeleteFunc(c.Custom, func(_, v string) bool { return v == "" })
	if len(c.Custom) == 0 {
		c.Custom = nil
	}
	for _, n := range []*float64{&c.DurationHours, &c.Credits} {
		if math.IsNaN(*n) || math.IsInf(*n, 0) {
			*n = 0
		}
	}
	return c
}

// CanonicalJSON returns the canonical encoding of f that Hash digests:
// encoding/json of the normalized form (fields in declaration order, custom
// keys sorted, empty values omitted, no HTML escaping, no trailing newline).
// Adding an optional field to Form later leaves existing hashes unchanged.
func (f Form) CanonicalJSON() []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	// Encoding a normalized Form cannot fail: it holds only strings,
	// finite numbers, slices of those and a string map.
	if err := enc.Encode(f.normalized()); err != nil {
		panic("catalog: encode form: " + err.Error())
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// Hash returns the lowercase hex SHA-256 of f's canonical JSON encoding. A
// signature binds to this value, so it names the exact version signed.
func (f Form) Hash() string {
	sum := sha256.Sum256(f.CanonicalJSON())
	return hex.EncodeToString(sum[:])
}

// Limits on a form's contents, so hostile input does bounded work.
const (
	MaxTitleLen    = 300   // runes
	MaxTextLen     = 20000 // runes, any other text field or custom value
	MaxItemLen     = 2000  // runes, one list item or competency field
	MaxListItems   = 200   // items in one list field
	MaxCustomField = 100   // custom fields
)

var (
	customNameRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)
	languageRE   = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)
)

// Check reports malformed values in f: unknown enumerated values, negative
// or non-finite numbers, bad expiry, language or URLs, and contents over the
// limits. It does not decide what is required; the policy profile does.
func (f Form) Check() []*apperror.Error {
	var errs []*apperror.Error
	bad := func(key, format string, args ...any) {
		errs = append(errs, apperror.Field(key, format, args...))
	}
	if f.Kind != "" && !f.Kind.Valid() {
		bad("kind", "unknown kind of offering %q", f.Kind)
	}
	if f.CreditStatus != "" && !f.CreditStatus.Valid() {
		bad("credit_status", "unknown credit status %q", f.CreditStatus)
	}
	if f.DeliveryMode != "" && !f.DeliveryMode.Valid() {
		bad("delivery_mode", "unknown delivery mode %q", f.DeliveryMode)
	}
	if f.DeliveryTiming != "" && !f.DeliveryTiming.Valid() {
		bad("delivery_timing", "unknown delivery timing %q", f.DeliveryTiming)
	}
	for _, num := range []struct {
		key string
		n   float64
	}{{"duration_hours", f.DurationHours}, {"credits", f.Credits}} {
		if math.IsNaN(num.n) || math.IsInf(num.n, 0) || num.n < 0 {
			bad(num.key, "must be a non-negative number")
		}
	}
	if _, err := ParseExpiry(f.AwardExpiry); err != nil {
		bad("award_expiry", "%v", err)
	}
	if f.Language != "" && !languageRE.MatchString(f.Language) {
		bad("language", "must be a language tag such as \"en\" or \"fr-CA\"")
	}
	if utf8.RuneCountInString(f.Title) > MaxTitleLen {
		bad("title", "must be at most %d characters", MaxTitleLen)
	}
	for _, def := range Fields() {
		v, _ := f.Value(def.Key)
		switch def.Type {
		case TypeText, TypeLongText:
			if def.Key != "title" && utf8.RuneCountInString(v.Text) > MaxTextLen {
				bad(def.Key, "must be at most %d characters", MaxTextLen)
			}
		case TypeList:
			if len(v.Items) > MaxListItems {
				bad(def.Key, "must have at most %d entries", MaxListItems)
				continue
			}
			for _, it := range v.Items {
				if utf8.RuneCountInString(it) > MaxItemLen {
					bad(def.Key, "entries must be at most %d characters", MaxItemLen)
					break
				}
			}
		}
	}
	for i, c := range f.Competencies {
		if strings.TrimSpace(c.Name) == "" {
			bad("competencies", "competency %d has no name", i+1)
		}
		if c.URL != "" {
			if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				bad("competencies", "competency %d: alignment URL must be an absolute http(s) URL", i+1)
			}
		}
	}
	for i, p := range f.Partners {
		if strings.TrimSpace(p.Name) == "" {
			bad("partners", "partner %d has no name", i+1)
		}
		if p.Type != "" && !validPartnerType(p.Type) {
			bad("partners", "partner %d: unknown type %q", i+1, p.Type)
		}
	}
	if len(f.Custom) > MaxCustomField {
		bad("custom", "must have at most %d custom fields", MaxCustomField)
	} else {
		for _, name := range slices.Sorted(maps.Keys(f.Custom)) {
			if !customNameRE.MatchString(name) {
				bad("custom."+name, "custom field names are lower-case letters, digits and underscores")
			} else if utf8.RuneCountInString(f.Custom[name]) > MaxTextLen {
				bad("custom."+name, "must be at most %d characters", MaxTextLen)
			}
		}
	}
	return errs
}

// Expiry is how long an award stays valid after it is issued.
type Expiry struct {
	Years, Months, Days int
	// Never is true when awards do not expire.
	Never bool
}

// ParseExpiry reads an award expiry: "" (not stated), "none" (awards do not
// expire) or an ISO 8601 period of whole years, months and days ("P2Y",
// "P18M", "P1Y6M", "P90D").
func ParseExpiry(s string) (Expiry, error) {
	switch s {
	case "":
		return Expiry{}, nil
	case "none":
		return Expiry{Never: true}, nil
	}
	rest, ok := strings.CutPrefix(s, "P")
	if !ok || rest == "" || len(s) > 32 {
		return Expiry{}, apperror.New(apperror.Invalid, "award expiry %q is neither \"none\" nor a period such as \"P2Y\"", s)
	}
	var e Expiry
	seen := ""
	for rest != "" {
		i := strings.IndexAny(rest, "YMD")
		if i <= 0 {
			return Expiry{}, apperror.New(apperror.Invalid, "award expiry %q is neither \"none\" nor a period such as \"P2Y\"", s)
		}
		n, err := strconv.Atoi(rest[:i])
		unit := rest[i : i+1]
		if err != nil || n < 0 || n > 1000 || !ordered(seen, unit) {
			return Expiry{}, apperror.New(apperror.Invalid, "award expiry %q is neither \"none\" nor a period such as \"P2Y\"", s)
		}
		seen += unit
		switch unit {
		case "Y":
			e.Years = n
		case "M":
			e.Months = n
		case "D":
			e.Days = n
		}
		rest = rest[i+1:]
	}
	if e == (Expiry{}) {
		return Expiry{}, apperror.New(apperror.Invalid, "award expiry %q is a zero period; use \"none\" for awards that do not expire", s)
	}
	return e, nil
}

// ordered reports whether unit may follow the units already seen: Y, M and
// D at most once each, in that order.
func ordered(seen, unit string) bool {
	order := "YMD"
	last := -1
	if seen != "" {
		last = strings.Index(order, seen[len(seen)-1:])
	}
	return strings.Index(order, unit) > last
}

// From returns when an award issued at t expires, and false when it never
// does (or no expiry is stated).
func (e Expiry) From(t time.Time) (time.Time, bool) {
	if e.Never || e == (Expiry{}) {
		return time.Time{}, false
	}
	return t.AddDate(e.Years, e.Months, e.Days), true
}
