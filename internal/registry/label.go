package registry

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
	"cairn/internal/org"
)

// Published reports whether an offering in status s appears in the
// registry (given it has an approved version): approved, approved as
// interim non-credit, active, or under review (still approved while its
// annual review, a challenge or a discontinuance proposal is considered).
// Drafts, offerings in review and discontinued ones do not.
func Published(s catalog.Status) bool {
	switch s {
	case catalog.Approved, catalog.ApprovedInterimNonCredit, catalog.Active, catalog.UnderReview:
		return true
	}
	return false
}

// StatusText says in plain language where a published offering stands.
func StatusText(s catalog.Status) string {
	switch s {
	case catalog.Approved:
		return "Approved"
	case catalog.Active:
		return "Approved and being offered"
	case catalog.ApprovedInterimNonCredit:
		return "Approved as non-credit while Senate reviews credit"
	case catalog.UnderReview:
		return "Approved; under review by the institution"
	case catalog.Discontinued:
		return "Discontinued"
	}
	return "Not published"
}

// Institution is the institution that owns an offering, as the registry
// shows it.
type Institution struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
	// IssuerDID is the DID the institution issues credentials as; empty
	// until its keys are set up.
	IssuerDID string `json:"issuer_did,omitempty"`
}

// Partner is an organization the offering is developed or delivered with.
type Partner struct {
	Name string `json:"name"`
	// Type is one of catalog.PartnerTypes, or empty.
	Type string `json:"type,omitempty"`
	// Website is the partner's site, from the institution's partner
	// records when one has the same name.
	Website string `json:"website,omitempty"`
}

// StackRef is another credential or program the offering stacks into or
// ladders to: a stack it is a part of by one of the institution's stack
// rules, or a name its form gives in its "stacks into" and "ladders to"
// lists (a title, a code or a URL). The store resolves a reference that
// matches the title or slug of another published offering of the same
// institution.
type StackRef struct {
	Name string `json:"name"`
	// Institution and Offering are the slugs of the registry offering Name
	// resolves to; empty when it resolves to none.
	Institution string `json:"institution,omitempty"`
	Offering    string `json:"offering,omitempty"`
	// URL is set when the form gives an absolute http(s) URL.
	URL string `json:"url,omitempty"`
}

// Href returns where the reference points: the registry page it resolves
// to, else its URL, else "".
func (r StackRef) Href(base string) string {
	if r.Institution != "" && r.Offering != "" {
		return OfferingURLs(base, r.Institution, r.Offering).Page
	}
	return r.URL
}

// Label is the "food label" of a published offering: everything a learner
// should know before enrolling, from its approved version, its status and
// its institution. Zero values mean "not stated".
type Label struct {
	OfferingID  int64       `json:"offering_id"`
	Slug        string      `json:"slug"`
	Institution Institution `json:"institution"`
	// Unit is the faculty, department or program area that offers it.
	Unit string `json:"unit,omitempty"`

	Status catalog.Status `json:"status"`
	// StatusText is Status in plain language (see StatusText).
	StatusText string `json:"status_text"`
	// Interim is set while the offering is approved as non-credit pending
	// a senate body's review of its credit.
	Interim bool `json:"interim,omitempty"`

	Kind  catalog.Kind `json:"kind"`
	Title string       `json:"title"`
	// Description is the approved description.
	Description string `json:"description,omitempty"`

	// CreditStatus is the credit status the approved version states;
	// OfferedAs is the one learners get today: non-credit while Interim.
	CreditStatus catalog.CreditStatus `json:"credit_status,omitempty"`
	OfferedAs    catalog.CreditStatus `json:"offered_as,omitempty"`
	// Credits is the academic credit the approved version states; it is
	// earned only when OfferedAs carries credit.
	Credits float64 `json:"credits,omitempty"`
	// CreditText explains the credit status in plain language.
	CreditText string `json:"credit_text"`

	Competencies     []catalog.Competency `json:"competencies,omitempty"`
	LearningOutcomes []string             `json:"learning_outcomes,omitempty"`
	AssessmentMethod string               `json:"assessment_method,omitempty"`

	DurationHours  float64                `json:"duration_hours,omitempty"`
	DeliveryMode   catalog.DeliveryMode   `json:"delivery_mode,omitempty"`
	DeliveryTiming catalog.DeliveryTiming `json:"delivery_timing,omitempty"`
	Level          string                 `json:"level,omitempty"`
	// Language is the language of instruction, a BCP 47 tag.
	Language       string    `json:"language,omitempty"`
	Prerequisites  []string  `json:"prerequisites,omitempty"`
	TuitionFees    string    `json:"tuition_fees,omitempty"`
	TargetLearners []string  `json:"target_learners,omitempty"`
	Partners       []Partner `json:"partners,omitempty"`

	// Stacks are what the offering stacks into; Ladders what it ladders
	// to; RequisiteFor what it is a requisite for.
	Stacks             []StackRef `json:"stacks,omitempty"`
	Ladders            []StackRef `json:"ladders,omitempty"`
	RequisiteFor       []string   `json:"requisite_for,omitempty"`
	PLAR               string     `json:"plar,omitempty"`
	TransferAgreements []string   `json:"transfer_agreements,omitempty"`
	QualityAssurance   string     `json:"quality_assurance,omitempty"`
	// AwardExpiry is how long an award stays valid: "none" or an ISO 8601
	// period (see catalog.ParseExpiry).
	AwardExpiry string `json:"award_expiry,omitempty"`

	// Version is the number of the approved version the label shows, and
	// VersionHash its SHA-256, which approvals and awards are bound to.
	Version     int       `json:"version"`
	VersionHash string    `json:"version_hash"`
	ApprovedAt  time.Time `json:"approved_at,omitzero"`
	// LastReviewedAt is when the last annual review was completed.
	LastReviewedAt time.Time `json:"last_reviewed_at,omitzero"`
	// NextReview is the day the next periodic review falls due; zero when
	// the institution's policy sets no periodic review for this kind.
	NextReview time.Time `json:"next_review,omitzero"`
}

// Source is what a label is made from: the offering's record, its
// approved version and what the store knows of its institution.
type Source struct {
	OfferingID  int64
	Slug        string
	Institution Institution
	Unit        string
	Status      catalog.Status
	// Version is the approved version.
	Version        catalog.Version
	ApprovedAt     time.Time
	LastReviewedAt time.Time
	// ReviewEveryMonths is the period of the institution's periodic review
	// for offerings of this kind; 0 when none applies.
	ReviewEveryMonths int
	// Stacks are the stacks the offering is a part of by the
	// institution's stack rules, by name and, while published, the slugs
	// of their registry page. The label lists them before the names the
	// form declares.
	Stacks []StackRef
}

// NewLabel builds the label of a published offering. It refuses (Conflict)
// an offering that is not published or has no approved version.
func NewLabel(src Source) (Label, error) {
	if !Published(src.Status) {
		return Label{}, apperror.New(apperror.Conflict, "an offering in status %s is not published", src.Status)
	}
	if src.Version.IsZero() {
		return Label{}, apperror.New(apperror.Conflict, "offering %d has no approved version", src.OfferingID)
	}
	f := src.Version.Form()
	l := Label{
		OfferingID:  src.OfferingID,
		Slug:        src.Slug,
		Institution: src.Institution,
		Unit:        src.Unit,
		Status:      src.Status,
		StatusText:  StatusText(src.Status),
		Interim:     src.Status == catalog.ApprovedInterimNonCredit,

		Kind:        f.Kind,
		Title:       strings.TrimSpace(f.Title),
		Description: strings.TrimSpace(f.Description),

		CreditStatus: f.CreditStatus,
		OfferedAs:    f.CreditStatus,
		Credits:      f.Credits,

		Competencies:     f.Competencies,
		LearningOutcomes: f.LearningOutcomes,
		AssessmentMethod: f.AssessmentMethod,

		DurationHours:  f.DurationHours,
		DeliveryMode:   f.DeliveryMode,
		DeliveryTiming: f.DeliveryTiming,
		Level:          f.Level,
		Language:       f.Language,
		Prerequisites:  f.Prerequisites,
		TuitionFees:    f.TuitionFees,
		TargetLearners: f.TargetLearners,

		Stacks:             mergeStacks(src.Stacks, stackRefs(f.StacksInto)),
		Ladders:            stackRefs(f.LaddersTo),
		RequisiteFor:       f.RequisiteFor,
		PLAR:               f.PLAR,
		TransferAgreements: f.TransferAgreements,
		QualityAssurance:   f.QualityAssurance,
		AwardExpiry:        f.AwardExpiry,

		Version:        src.Version.Number(),
		VersionHash:    src.Version.Hash(),
		ApprovedAt:     src.ApprovedAt.UTC(),
		LastReviewedAt: src.LastReviewedAt.UTC(),
	}
	if l.Interim {
		l.OfferedAs = catalog.NonCredit
	}
	for _, p := range f.Partners {
		l.Partners = append(l.Partners, Partner{Name: p.Name, Type: p.Type})
	}
	l.CreditText = creditText(l)
	if src.ReviewEveryMonths > 0 && !src.ApprovedAt.IsZero() {
		last := src.ApprovedAt
		if src.LastReviewedAt.After(last) {
			last = src.LastReviewedAt
		}
		l.NextReview = org.Day(last.UTC().AddDate(0, src.ReviewEveryMonths, 0))
	}
	return l, nil
}

func stackRefs(names []string) []StackRef {
	var out []StackRef
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		r := StackRef{Name: n}
		if u, err := url.Parse(n); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
			r.URL = n
		}
		out = append(out, r)
	}
	return out
}

// mergeStacks returns the stacks by rule, then the declared ones whose
// names are not among them, compared regardless of case.
func mergeStacks(byRule, declared []StackRef) []StackRef {
	var out []StackRef
	seen := map[string]bool{}
	for _, list := range [][]StackRef{byRule, declared} {
		for _, r := range list {
			r.Name = strings.TrimSpace(r.Name)
			key := strings.ToLower(r.Name)
			if r.Name == "" || seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, r)
		}
	}
	return out
}

// creditText explains l's credit in plain language.
func creditText(l Label) string {
	credits := ""
	if l.Credits > 0 {
		credits = formatNumber(l.Credits) + " credit"
		if l.Credits != 1 {
			credits += "s"
		}
	}
	if l.Interim {
		s := "Non credit-bearing for now: approved as non-credit while Senate reviews its credit"
		if l.CreditStatus.Credit() {
			s += " (proposed: " + strings.ToLower(l.CreditStatus.Label())
			if credits != "" {
				s += ", " + credits
			}
			s += ")"
		}
		return s
	}
	switch l.CreditStatus {
	case "":
		return "Credit status not stated"
	case catalog.NonCredit:
		return catalog.NonCredit.Label()
	}
	if credits == "" {
		return l.CreditStatus.Label()
	}
	return l.CreditStatus.Label() + ": " + credits
}

func formatNumber(n float64) string { return strconv.FormatFloat(n, 'f', -1, 64) }

// KindText is the kind of offering for people.
func (l Label) KindText() string { return l.Kind.Label() }

// DurationText is the notional learning time for people, "" when not
// stated.
func (l Label) DurationText() string {
	switch {
	case l.DurationHours <= 0:
		return ""
	case l.DurationHours == 1:
		return "1 hour"
	}
	return formatNumber(l.DurationHours) + " hours"
}

// DeliveryText is the delivery mode and timing for people, such as
// "Online, asynchronous"; "" when neither is stated.
func (l Label) DeliveryText() string {
	var parts []string
	switch l.DeliveryMode {
	case catalog.InPerson:
		parts = append(parts, "In person")
	case catalog.Online:
		parts = append(parts, "Online")
	case catalog.Blended:
		parts = append(parts, "Blended (in person and online)")
	}
	switch l.DeliveryTiming {
	case catalog.Synchronous:
		parts = append(parts, "synchronous (scheduled sessions)")
	case catalog.Asynchronous:
		parts = append(parts, "asynchronous (self-paced)")
	case catalog.BothTimings:
		parts = append(parts, "synchronous and asynchronous")
	}
	if len(parts) == 0 {
		return ""
	}
	s := strings.Join(parts, ", ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// ExpiryText says how long an award stays valid, for people; "" when not
// stated.
func (l Label) ExpiryText() string {
	e, err := catalog.ParseExpiry(l.AwardExpiry)
	if err != nil || e == (catalog.Expiry{}) {
		return ""
	}
	if e.Never {
		return "Does not expire"
	}
	var parts []string
	for _, p := range []struct {
		n    int
		unit string
	}{{e.Years, "year"}, {e.Months, "month"}, {e.Days, "day"}} {
		switch {
		case p.n == 1:
			parts = append(parts, "1 "+p.unit)
		case p.n > 1:
			parts = append(parts, strconv.Itoa(p.n)+" "+p.unit+"s")
		}
	}
	return "Valid for " + strings.Join(parts, " ") + " after it is awarded"
}

// Summary is the label's line in a list of search results.
func (l Label) Summary() Summary {
	return Summary{
		OfferingID:    l.OfferingID,
		Institution:   l.Institution,
		Slug:          l.Slug,
		Title:         l.Title,
		Kind:          l.Kind,
		Status:        l.Status,
		StatusText:    l.StatusText,
		Interim:       l.Interim,
		CreditStatus:  l.OfferedAs,
		Credits:       l.Credits,
		DeliveryMode:  l.DeliveryMode,
		DurationHours: l.DurationHours,
		Excerpt:       Excerpt(l.Description, maxExcerpt),
	}
}

// maxExcerpt bounds a summary's excerpt of the description, in runes.
const maxExcerpt = 240

// Excerpt returns s on one line, cut at a word boundary to at most max
// runes with an ellipsis when it is longer.
func Excerpt(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	cut := string(r[:max])
	if i := strings.LastIndexByte(cut, ' '); i > max/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}

// Document is the text the search index holds for a label, folded into
// words (see Fold), by the weight each part carries in ranking: the title
// most, then the competencies, then the rest.
type Document struct {
	Title        string
	Competencies string
	Body         string
}

// Document returns the text of l to index.
func (l Label) Document() Document {
	var comps, body []string
	for _, c := range l.Competencies {
		comps = append(comps, c.Name, c.Code, c.Framework)
	}
	body = append(body, l.Description, l.Institution.Name, l.Unit, l.Level, l.Kind.Label(), l.AssessmentMethod)
	body = append(body, l.LearningOutcomes...)
	body = append(body, l.TargetLearners...)
	for _, p := range l.Partners {
		body = append(body, p.Name)
	}
	return Document{
		Title:        Fold(l.Title),
		Competencies: Fold(strings.Join(comps, " ")),
		Body:         Fold(strings.Join(body, " ")),
	}
}

// CompetencyKeys returns the keys under which the competency filter finds
// l: the folded name, code and URL of each competency, without repeats.
func (l Label) CompetencyKeys() []string {
	var keys []string
	for _, c := range l.Competencies {
		for _, s := range []string{c.Name, c.Code, c.URL} {
			if k := CompetencyKey(s); k != "" && !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	return keys
}

// CompetencyKey is the key a competency name, code or URL is filed and
// looked up under: its folded words, at most MaxCompetencyLen bytes.
func CompetencyKey(s string) string {
	k := Fold(s)
	if len(k) > MaxCompetencyLen {
		k = k[:MaxCompetencyLen]
		for !utf8.ValidString(k) {
			k = k[:len(k)-1]
		}
		k = strings.TrimSpace(k)
	}
	return k
}

// TitleKey is the key results are ordered by: the folded title.
func (l Label) TitleKey() string { return Fold(l.Title) }
