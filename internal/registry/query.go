package registry

import (
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
)

// Bounds on a search.
const (
	// MaxTextLen bounds Query.Text, in characters.
	MaxTextLen = 200
	// MaxCompetencyLen bounds Query.Competency, in characters, and a
	// competency key, in bytes.
	MaxCompetencyLen = 200
	// MaxTerms is how many distinct words of Query.Text are searched for;
	// later words are ignored.
	MaxTerms = 16
	// DefaultPerPage is the page size when Query.PerPage is 0.
	DefaultPerPage = 20
	// MaxPerPage bounds Query.PerPage.
	MaxPerPage = 100
	// MaxResults bounds a search's answer: matches are counted up to it
	// (Result.More says there are more) and paging reaches no deeper
	// (Page × PerPage may not pass it). Narrower searches reach the rest.
	MaxResults = 1000
	// MaxHours bounds the duration filters.
	MaxHours = 100000
)

// CreditInterim is the CreditStatus filter value that selects offerings
// approved as non-credit while their credit is reviewed.
const CreditInterim = "interim"

// Query is one registry search. Every field is optional; the zero Query
// lists every published offering by title, first page.
//
// Results come by title when there is no text. With text, when at most
// MaxResults offerings match, they come by relevance, then title:
// relevance is how well the title, and then the competencies, hold the
// words (BM25 on SQLite, ts_rank on PostgreSQL), so offerings that hold
// them only in their description or elsewhere follow, by title. A broader
// search, one of whose words most offerings contain, is listed newest
// first (by offering id, descending): relevance then tells its matches
// apart hardly at all, and ranking them all would cost every such search
// tens of milliseconds.
type Query struct {
	// Text is matched word by word, each word as a prefix (a one-letter
	// word exactly), against the title, competencies, description,
	// outcomes, assessment, target learners, partners, institution and
	// unit. Every word must match.
	Text string
	// Institution is an institution's slug.
	Institution string
	// Kind is a catalog.Kind.
	Kind string
	// CreditStatus is the credit status offered today: a
	// catalog.CreditStatus, or CreditInterim. "non_credit" includes
	// interim offerings, which are offered as non-credit;
	// "credit_bearing" and "embedded" do not.
	CreditStatus string
	// Delivery is a catalog.DeliveryMode.
	Delivery string
	// Competency is a competency's name, code or framework URL, matched
	// whole after folding (see CompetencyKey).
	Competency string
	// MinHours and MaxHours bound the duration in hours, each when above 0;
	// offerings that state no duration are left out by either.
	MinHours, MaxHours float64
	// Page counts from 1; PerPage is at most MaxPerPage. Zero means 1 and
	// DefaultPerPage.
	Page, PerPage int
}

// Normalize checks q and returns it trimmed, with Page and PerPage
// defaulted. The error is Invalid and names the query parameter (see
// ParseQuery) at fault.
func (q Query) Normalize() (Query, error) {
	q.Text = strings.TrimSpace(q.Text)
	q.Institution = strings.TrimSpace(q.Institution)
	q.Kind = strings.TrimSpace(q.Kind)
	q.CreditStatus = strings.TrimSpace(q.CreditStatus)
	q.Delivery = strings.TrimSpace(q.Delivery)
	q.Competency = strings.TrimSpace(q.Competency)
	switch {
	case !utf8.ValidString(q.Text) || utf8.RuneCountInString(q.Text) > MaxTextLen:
		return q, apperror.Field(ParamText, "must be at most %d characters of text", MaxTextLen)
	case q.Institution != "" && !validInstitutionSlug(q.Institution):
		return q, apperror.Field(ParamInstitution, "is not an institution's slug")
	case q.Kind != "" && !catalog.Kind(q.Kind).Valid():
		return q, apperror.Field(ParamKind, "must be one of %s", join(kinds()))
	case q.CreditStatus != "" && q.CreditStatus != CreditInterim && !catalog.CreditStatus(q.CreditStatus).Valid():
		return q, apperror.Field(ParamCredit, "must be one of %s", join(append(credits(), CreditInterim)))
	case q.Delivery != "" && !catalog.DeliveryMode(q.Delivery).Valid():
		return q, apperror.Field(ParamDelivery, "must be one of %s", join(deliveries()))
	case !utf8.ValidString(q.Competency) || utf8.RuneCountInString(q.Competency) > MaxCompetencyLen:
		return q, apperror.Field(ParamCompetency, "must be at most %d characters of text", MaxCompetencyLen)
	case !validHours(q.MinHours):
		return q, apperror.Field(ParamMinHours, "must be a number of hours from 0 to %d", MaxHours)
	case !validHours(q.MaxHours):
		return q, apperror.Field(ParamMaxHours, "must be a number of hours from 0 to %d", MaxHours)
	case q.MinHours > 0 && q.MaxHours > 0 && q.MinHours > q.MaxHours:
		return q, apperror.Field(ParamMaxHours, "must not be less than the minimum")
	case q.Page < 0:
		return q, apperror.Field(ParamPage, "must be 1 or more")
	case q.PerPage < 0 || q.PerPage > MaxPerPage:
		return q, apperror.Field(ParamPerPage, "must be from 1 to %d", MaxPerPage)
	}
	if q.Page == 0 {
		q.Page = 1
	}
	if q.PerPage == 0 {
		q.PerPage = DefaultPerPage
	}
	if q.Page > MaxResults/q.PerPage {
		return q, apperror.Field(ParamPage, "reaches past the first %d results; narrow the search instead", MaxResults)
	}
	return q, nil
}

func validHours(h float64) bool { return !math.IsNaN(h) && h >= 0 && h <= MaxHours }

// validInstitutionSlug accepts what an institution's slug may be (see
// org.Institution).
func validInstitutionSlug(s string) bool {
	if len(s) > 63 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case (c == '-' || c == '_') && i > 0:
		default:
			return false
		}
	}
	return true
}

// Terms returns the distinct words of q.Text to search for, at most
// MaxTerms, in order.
func (q Query) Terms() []string {
	var out []string
	for _, t := range Tokens(q.Text) {
		if !slices.Contains(out, t) {
			out = append(out, t)
			if len(out) == MaxTerms {
				break
			}
		}
	}
	return out
}

// Offset is how many matches come before q's page.
func (q Query) Offset() int {
	if q.Page < 1 {
		return 0
	}
	return (q.Page - 1) * q.PerPage
}

// Query parameter names, shared by ParseQuery, Values and the field names
// of Normalize's errors.
const (
	ParamText        = "q"
	ParamInstitution = "institution"
	ParamKind        = "kind"
	ParamCredit      = "credit"
	ParamDelivery    = "delivery"
	ParamCompetency  = "competency"
	ParamMinHours    = "min_hours"
	ParamMaxHours    = "max_hours"
	ParamPage        = "page"
	ParamPerPage     = "per_page"
)

// ParseQuery reads a query from URL query parameters (see the Param
// names) and normalizes it. Empty parameters are absent; unknown ones are
// ignored.
func ParseQuery(v url.Values) (Query, error) {
	q := Query{
		Text: v.Get(ParamText), Institution: v.Get(ParamInstitution), Kind: v.Get(ParamKind),
		CreditStatus: v.Get(ParamCredit), Delivery: v.Get(ParamDelivery), Competency: v.Get(ParamCompetency),
	}
	for _, p := range []struct {
		name string
		dst  *float64
	}{{ParamMinHours, &q.MinHours}, {ParamMaxHours, &q.MaxHours}} {
		s := strings.TrimSpace(v.Get(p.name))
		if s == "" {
			continue
		}
		n, err := strconv.ParseFloat(s, 64)
		if err != nil || len(s) > 20 {
			return q, apperror.Field(p.name, "must be a number of hours")
		}
		*p.dst = n
	}
	for _, p := range []struct {
		name string
		dst  *int
	}{{ParamPage, &q.Page}, {ParamPerPage, &q.PerPage}} {
		s := strings.TrimSpace(v.Get(p.name))
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return q, apperror.Field(p.name, "must be a whole number from 1")
		}
		*p.dst = n
	}
	return q.Normalize()
}

// Values encodes q as URL query parameters, leaving out what is empty or
// default, for links to other pages of the same search.
func (q Query) Values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set(ParamText, q.Text)
	set(ParamInstitution, q.Institution)
	set(ParamKind, q.Kind)
	set(ParamCredit, q.CreditStatus)
	set(ParamDelivery, q.Delivery)
	set(ParamCompetency, q.Competency)
	if q.MinHours > 0 {
		set(ParamMinHours, formatNumber(q.MinHours))
	}
	if q.MaxHours > 0 {
		set(ParamMaxHours, formatNumber(q.MaxHours))
	}
	if q.Page > 1 {
		set(ParamPage, strconv.Itoa(q.Page))
	}
	if q.PerPage > 0 && q.PerPage != DefaultPerPage {
		set(ParamPerPage, strconv.Itoa(q.PerPage))
	}
	return v
}

// Summary is one published offering in a list of search results.
type Summary struct {
	OfferingID  int64          `json:"offering_id"`
	Institution Institution    `json:"institution"`
	Slug        string         `json:"slug"`
	Title       string         `json:"title"`
	Kind        catalog.Kind   `json:"kind"`
	Status      catalog.Status `json:"status"`
	StatusText  string         `json:"status_text"`
	Interim     bool           `json:"interim,omitempty"`
	// CreditStatus is the credit status offered today (non-credit while
	// Interim).
	CreditStatus  catalog.CreditStatus `json:"credit_status,omitempty"`
	Credits       float64              `json:"credits,omitempty"`
	DeliveryMode  catalog.DeliveryMode `json:"delivery_mode,omitempty"`
	DurationHours float64              `json:"duration_hours,omitempty"`
	// Excerpt is the start of the description, on one line.
	Excerpt string `json:"excerpt,omitempty"`
}

// Result is one page of search results.
type Result struct {
	Items []Summary `json:"items"`
	// Total counts the matches, on all pages, up to MaxResults; More is
	// set when more than MaxResults match (show "more than 1,000").
	Total int  `json:"total"`
	More  bool `json:"more,omitempty"`
	// Page is the page given, PerPage its size and Pages how many pages
	// the matches fill (0 when there are none).
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
	Pages   int `json:"pages"`
}

// NewResult assembles the page of q holding items out of total matches;
// a total above MaxResults is reported as MaxResults and More.
func NewResult(q Query, items []Summary, total int) Result {
	r := Result{Items: items, Total: total, Page: q.Page, PerPage: q.PerPage}
	if total > MaxResults {
		r.Total, r.More = MaxResults, true
	}
	if r.Items == nil {
		r.Items = []Summary{}
	}
	if q.PerPage > 0 {
		r.Pages = (r.Total + q.PerPage - 1) / q.PerPage
	}
	return r
}

func kinds() []string {
	var out []string
	for _, k := range catalog.Kinds() {
		out = append(out, string(k))
	}
	return out
}

func credits() []string {
	var out []string
	for _, c := range catalog.CreditStatuses() {
		out = append(out, string(c))
	}
	return out
}

func deliveries() []string {
	return []string{string(catalog.InPerson), string(catalog.Online), string(catalog.Blended)}
}

func join(xs []string) string { return strings.Join(xs, ", ") }
