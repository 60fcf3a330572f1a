package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
	"cairn/internal/org"
	"cairn/internal/registry"
)

// The public registry: the search page, each institution's page, each
// published offering's food label and its CTDL JSON-LD and Open Badges 3.0
// Achievement documents at the stable URLs package registry names, and
// the same search as JSON. None needs anyone signed in; an offering that
// is not published (a draft, one in review without an approved version,
// a discontinued one) is not found.

// registryDocMaxAge is how long caches may keep a registry document
// (CTDL, Achievement, search results) without asking again; the ETag
// makes asking again cheap.
const registryDocMaxAge = "public, max-age=300"

// publicBase is the URL the registry's documents name themselves under:
// the configured base URL, else the scheme and host the request came to.
func (s *Server) publicBase(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return strings.TrimRight(s.cfg.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// option is one choice of a select.
type option struct {
	Value, Label string
	Selected     bool
}

func options(selected string, pairs ...string) []option {
	out := make([]option, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, option{Value: pairs[i], Label: pairs[i+1], Selected: pairs[i] == selected})
	}
	return out
}

// registryForm is the search form's fields as the visitor gave them.
type registryForm struct {
	Text, Competency, MinHours, MaxHours string
	Institutions, Kinds                  []option
	Credits, Deliveries                  []option
}

// registrySearchView is what the search page shows.
type registrySearchView struct {
	Form   registryForm
	Error  string
	Result registry.Result
	Items  []resultView
	// Count says how many offerings were found, for people.
	Count      string
	Prev, Next string
	// Filtered is set when the search has text or a filter.
	Filtered bool
}

// resultView is one search result as a page shows it.
type resultView struct {
	registry.Summary
	Href, KindText, CreditText, DeliveryText, DurationText string
}

func resultViews(items []registry.Summary) []resultView {
	out := make([]resultView, 0, len(items))
	for _, it := range items {
		l := registry.Label{Kind: it.Kind, DeliveryMode: it.DeliveryMode, DurationHours: it.DurationHours}
		credit := it.CreditStatus.Label()
		if it.Interim {
			credit = "Non credit-bearing while credit is reviewed"
		}
		if it.Credits > 0 && !it.Interim && it.CreditStatus.Credit() {
			credit += ", " + strconv.FormatFloat(it.Credits, 'f', -1, 64) + " credits"
		}
		out = append(out, resultView{Summary: it, Href: it.Path(), KindText: l.KindText(), CreditText: credit,
			DeliveryText: l.DeliveryText(), DurationText: l.DurationText()})
	}
	return out
}

// countText says how many offerings a search found.
func countText(res registry.Result) string {
	n := thousands(res.Total)
	switch {
	case res.More:
		return "More than " + n + " offerings found; narrow the search to see them all"
	case res.Total == 1:
		return "1 offering found"
	}
	return n + " offerings found"
}

// thousands writes n with thousands separators.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// hasNextPage reports whether a search has a page after res that paging
// may reach (no deeper than registry.MaxResults).
func hasNextPage(res registry.Result) bool {
	return res.Page < res.Pages && res.PerPage > 0 && res.Page+1 <= registry.MaxResults/res.PerPage
}

// pageLink is the address of another page of the same search.
func pageLink(path string, q registry.Query, page int) string {
	q.Page = page
	v := q.Values()
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

func (s *Server) registryForm(r *http.Request) (registryForm, error) {
	v := r.URL.Query()
	f := registryForm{Text: v.Get(registry.ParamText), Competency: v.Get(registry.ParamCompetency),
		MinHours: v.Get(registry.ParamMinHours), MaxHours: v.Get(registry.ParamMaxHours)}
	insts, err := s.store.Institutions(r.Context())
	if err != nil {
		return f, err
	}
	inst := strings.TrimSpace(v.Get(registry.ParamInstitution))
	f.Institutions = []option{{Value: "", Label: "Any institution"}}
	for _, i := range insts {
		f.Institutions = append(f.Institutions, option{Value: i.Slug, Label: i.Name, Selected: i.Slug == inst})
	}
	kind := strings.TrimSpace(v.Get(registry.ParamKind))
	f.Kinds = []option{{Value: "", Label: "Any kind"}}
	for _, k := range catalog.Kinds() {
		f.Kinds = append(f.Kinds, option{Value: string(k), Label: k.Label(), Selected: string(k) == kind})
	}
	f.Credits = options(strings.TrimSpace(v.Get(registry.ParamCredit)),
		"", "Any credit status",
		string(catalog.NonCredit), "Non credit-bearing (including interim)",
		string(catalog.CreditBearing), "Credit-bearing",
		string(catalog.Embedded), "Embedded in credit-bearing courses or programs",
		registry.CreditInterim, "Non credit-bearing while credit is reviewed (interim)")
	f.Deliveries = options(strings.TrimSpace(v.Get(registry.ParamDelivery)),
		"", "Any delivery",
		string(catalog.InPerson), "In person",
		string(catalog.Online), "Online",
		string(catalog.Blended), "Blended")
	return f, nil
}

// registrySearchPage is GET /registry: the search form and a page of
// results. A bad query shows the form again with what is wrong.
func (s *Server) registrySearchPage(w http.ResponseWriter, r *http.Request) error {
	q, qerr := registry.ParseQuery(r.URL.Query())
	form, err := s.registryForm(r)
	if err != nil {
		return err
	}
	v := registrySearchView{Form: form}
	status := http.StatusOK
	if qerr != nil {
		var ae *apperror.Error
		if !errors.As(qerr, &ae) || ae.Code != apperror.Invalid {
			return qerr
		}
		status, v.Error = http.StatusBadRequest, fieldLabel(ae.Field)+" "+ae.Message+"."
		v.Result = registry.NewResult(registry.Query{}, nil, 0)
	} else {
		res, err := s.store.SearchRegistry(r.Context(), q)
		if err != nil {
			return err
		}
		v.Result, v.Items, v.Count = res, resultViews(res.Items), countText(res)
		vals := q.Values()
		vals.Del(registry.ParamPage)
		v.Filtered = len(vals) > 0
		if q.Page > 1 {
			v.Prev = pageLink("/registry", q, q.Page-1)
		}
		if hasNextPage(res) {
			v.Next = pageLink("/registry", q, q.Page+1)
		}
	}
	title := "Registry"
	if q.Text != "" && qerr == nil {
		title = "Registry: " + q.Text
	}
	s.render(w, r, status, "registry", title, v)
	return nil
}

// fieldLabel names a query parameter for people.
func fieldLabel(param string) string {
	switch param {
	case registry.ParamText:
		return "The search text"
	case registry.ParamInstitution:
		return "The institution"
	case registry.ParamKind:
		return "The kind"
	case registry.ParamCredit:
		return "The credit status"
	case registry.ParamDelivery:
		return "The delivery"
	case registry.ParamCompetency:
		return "The competency"
	case registry.ParamMinHours:
		return "The minimum duration"
	case registry.ParamMaxHours:
		return "The maximum duration"
	case registry.ParamPage:
		return "The page"
	case registry.ParamPerPage:
		return "The page size"
	}
	return "The search"
}

// registryInstitutionView is what an institution's registry page shows.
type registryInstitutionView struct {
	Institution registry.Institution
	Result      registry.Result
	Items       []resultView
	Count       string
	SearchHref  string
	Prev, Next  string
}

// registryInstitutionPage is GET /registry/{institution}: the
// institution and its published offerings, by title, a page at a time.
func (s *Server) registryInstitutionPage(w http.ResponseWriter, r *http.Request) error {
	inst, err := s.registryInstitution(r)
	if err != nil {
		return err
	}
	q := registry.Query{Institution: inst.Slug}
	if p := r.URL.Query().Get(registry.ParamPage); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return apperror.Field(registry.ParamPage, "must be a whole number from 1")
		}
		q.Page = n
	}
	res, err := s.store.SearchRegistry(r.Context(), q)
	if err != nil {
		return err
	}
	v := registryInstitutionView{
		Institution: registry.Institution{Slug: inst.Slug, Name: inst.Name, IssuerDID: inst.IssuerDID},
		Result:      res, Items: resultViews(res.Items), Count: countText(res),
		SearchHref: "/registry?" + url.Values{registry.ParamInstitution: {inst.Slug}}.Encode(),
	}
	path := registry.OfferingURLs("", inst.Slug, "").Institution
	if res.Page > 1 {
		v.Prev = pageLink(path, registry.Query{}, res.Page-1)
	}
	if hasNextPage(res) {
		v.Next = pageLink(path, registry.Query{}, res.Page+1)
	}
	s.render(w, r, http.StatusOK, "registry_institution", inst.Name, v)
	return nil
}

func (s *Server) registryInstitution(r *http.Request) (org.Institution, error) {
	slug := r.PathValue("institution")
	if len(slug) > org.MaxSlugLen {
		return org.Institution{}, apperror.New(apperror.NotFound, "there is no institution %q in the registry", slug)
	}
	inst, err := s.store.InstitutionBySlug(r.Context(), slug)
	if err != nil {
		var ae *apperror.Error
		if errors.As(err, &ae) && ae.Code == apperror.NotFound {
			return inst, apperror.New(apperror.NotFound, "there is no institution %q in the registry", slug)
		}
		return inst, err
	}
	return inst, nil
}

// registryLabel reads the label of the offering the path names; NotFound
// when it is not published.
func (s *Server) registryLabel(r *http.Request) (registry.Label, error) {
	l, err := s.store.RegistryLabel(r.Context(), r.PathValue("institution"), r.PathValue("offering"))
	var ae *apperror.Error
	if errors.As(err, &ae) && ae.Code == apperror.NotFound {
		return l, apperror.New(apperror.NotFound, "there is no published offering at this address")
	}
	return l, err
}

// labelView is the food label as the offering page shows it.
type labelView struct {
	registry.Label
	URLs            registry.URLs
	Stacks, Ladders []stackView
	// LanguageText names the language of instruction for people.
	LanguageText string
	// Endorsements are the partners' endorsements (see endorse.go).
	Endorsements []endorsementView
}

// languageNames are the languages of instruction the registry names in
// words; others show as their BCP 47 tag.
var languageNames = map[string]string{
	"en": "English", "fr": "French", "es": "Spanish", "zh": "Chinese", "pa": "Punjabi",
	"hi": "Hindi", "de": "German", "ja": "Japanese", "ko": "Korean", "tl": "Tagalog",
	"crk": "Plains Cree", "oj": "Ojibwe", "iu": "Inuktitut", "tli": "Tlingit", "hur": "Halkomelem",
}

// languageText names a BCP 47 language tag for people: "English" for
// "en", "English (CA)" for "en-CA", the tag itself when unknown.
func languageText(tag string) string {
	primary, region, _ := strings.Cut(tag, "-")
	name, ok := languageNames[strings.ToLower(primary)]
	switch {
	case !ok:
		return tag
	case region != "":
		return name + " (" + region + ")"
	}
	return name
}

type stackView struct {
	Name, Href string
}

func stackViews(refs []registry.StackRef) []stackView {
	var out []stackView
	for _, r := range refs {
		out = append(out, stackView{Name: r.Name, Href: r.Href("")})
	}
	return out
}

// registryOfferingPage is GET /registry/{institution}/{offering}: the
// food label.
func (s *Server) registryOfferingPage(w http.ResponseWriter, r *http.Request) error {
	l, err := s.registryLabel(r)
	if err != nil {
		return err
	}
	v := labelView{Label: l, URLs: l.URLs(""), Stacks: stackViews(l.Stacks), Ladders: stackViews(l.Ladders),
		LanguageText: languageText(l.Language)}
	if v.Endorsements, _, err = s.registryEndorsements(r, l.OfferingID); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "registry_offering", l.Title, v)
	return nil
}

// registryCTDL is GET /registry/{institution}/{offering}/ctdl.jsonld.
func (s *Server) registryCTDL(w http.ResponseWriter, r *http.Request) error {
	l, err := s.registryLabel(r)
	if err != nil {
		return err
	}
	body, err := json.Marshal(registry.CTDL(l, s.publicBase(r)))
	if err != nil {
		return fmt.Errorf("encode CTDL: %w", err)
	}
	writeDocument(w, r, registry.MediaTypeCTDL, body)
	return nil
}

// registryAchievement is GET
// /registry/{institution}/{offering}/achievement.json.
func (s *Server) registryAchievement(w http.ResponseWriter, r *http.Request) error {
	l, err := s.registryLabel(r)
	if err != nil {
		return err
	}
	body, err := registry.AchievementJSON(l, s.publicBase(r))
	if err != nil {
		return err
	}
	_, endorsements, err := s.registryEndorsements(r, l.OfferingID)
	if err != nil {
		return err
	}
	if body, err = withEndorsements(body, endorsements); err != nil {
		return err
	}
	writeDocument(w, r, registry.MediaTypeAchievement, body)
	return nil
}

// apiRegistry is GET /api/v1/registry: the registry search as JSON.
func (s *Server) apiRegistry(w http.ResponseWriter, r *http.Request) error {
	q, err := registry.ParseQuery(r.URL.Query())
	if err != nil {
		return err
	}
	res, err := s.store.SearchRegistry(r.Context(), q)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(res); err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	writeDocument(w, r, "application/json", buf.Bytes())
	return nil
}

// writeDocument writes a public document with a strong ETag of its bytes,
// answering 304 Not Modified when the client already holds them.
func writeDocument(w http.ResponseWriter, r *http.Request, contentType string, body []byte) {
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", registryDocMaxAge)
	}
	h.Set("Vary", "Accept-Encoding")
	if etagMatches(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// etagMatches reports whether an If-None-Match header names etag (or is
// "*"), comparing weakly as RFC 9110 says for If-None-Match.
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}
