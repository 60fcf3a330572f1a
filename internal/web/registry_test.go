package web

import (
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"cairn/internal/catalog"
	"cairn/internal/config"
	"cairn/internal/demo"
	"cairn/internal/org"
	"cairn/internal/registry"
	"cairn/internal/sqlstore"
	"cairn/internal/verify"
)

// registryWorld is the test world with synthetic published offerings: 60
// of KPU and 30 of Yukon University.
type registryWorld struct {
	*world
	yukon org.Institution
}

func newRegistryWorld(t *testing.T) registryWorld {
	t.Helper()
	w := registryWorld{world: newWorld(t)}
	w.yukon = org.Institution{Slug: "yukonu", Name: "Yukon University", Jurisdiction: "CA-YT", TimeZone: "America/Whitehorse", PolicyProfile: "yukon"}
	if err := w.store.CreateInstitution(t.Context(), &w.yukon); err != nil {
		t.Fatal(err)
	}
	if err := w.store.SeedRegistryForLoad(t.Context(), w.inst.ID, 60); err != nil {
		t.Fatal(err)
	}
	if err := w.store.SeedRegistryForLoad(t.Context(), w.yukon.ID, 30); err != nil {
		t.Fatal(err)
	}
	return w
}

// storeSearch answers q from the store, as the pages should.
func (w registryWorld) storeSearch(t *testing.T, q registry.Query) registry.Result {
	t.Helper()
	res, err := w.store.SearchRegistry(t.Context(), q)
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	return res
}

var (
	resultCountRE = regexp.MustCompile(`(?s)<p class="result-count"[^>]*>(.*?)</p>`)
	resultLinkRE  = regexp.MustCompile(`<h3><a href="([^"]+)">([^<]*)</a></h3>`)
	hrefRE        = regexp.MustCompile(`<a href="([^"]+)"[^>]*>([^<]*)</a>`)
	dtRE          = regexp.MustCompile(`(?s)<dt>(.*?)</dt>\s*<dd>(.*?)</dd>`)
	tagRE         = regexp.MustCompile(`<[^>]+>`)
)

// resultsOf reads a results page: the count it states and its result
// links, in order.
func resultsOf(t *testing.T, body string) (count string, links []string) {
	t.Helper()
	m := resultCountRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no result count on the page:\n%.2000s", body)
	}
	for _, l := range resultLinkRE.FindAllStringSubmatch(body, -1) {
		links = append(links, html.UnescapeString(l[1]))
	}
	return strings.TrimSpace(m[1]), links
}

func pathsOf(res registry.Result) []string {
	var out []string
	for _, it := range res.Items {
		out = append(out, it.Path())
	}
	return out
}

func TestRegistrySearchPage(t *testing.T) {
	w := newRegistryWorld(t)

	// Everyone, signed in or not, sees the same first page, by title.
	for _, who := range []string{"", "pat"} {
		rec := w.as(t, who, "GET", "/registry", nil, nil)
		wantStatus(t, rec, 200, "text/html")
		count, links := resultsOf(t, rec.Body.String())
		if count != "90 offerings found" {
			t.Errorf("as %q: count %q, want 90 offerings found", who, count)
		}
		if want := pathsOf(w.storeSearch(t, registry.Query{})); !slices.Equal(links, want) {
			t.Errorf("as %q: links %q, want %q", who, links, want)
		}
		if !strings.Contains(rec.Body.String(), `href="/registry?page=2"`) {
			t.Errorf("as %q: no link to page 2", who)
		}
	}

	// Each filter narrows the results to what the store finds, and the
	// form shows the filter chosen.
	for _, c := range []struct {
		query    string
		q        registry.Query
		selected string
	}{
		{"institution=yukonu", registry.Query{Institution: "yukonu"}, `<option value="yukonu" selected>`},
		{"credit=credit_bearing", registry.Query{CreditStatus: "credit_bearing"}, `<option value="credit_bearing" selected>`},
		{"kind=digital_badge", registry.Query{Kind: "digital_badge"}, `<option value="digital_badge" selected>`},
		{"delivery=online&min_hours=20&max_hours=150", registry.Query{Delivery: "online", MinHours: 20, MaxHours: 150}, `value="150"`},
	} {
		want := w.storeSearch(t, c.q)
		if want.Total == 0 || want.Total >= 90 {
			t.Fatalf("%s: the store finds %d, want a real narrowing", c.query, want.Total)
		}
		rec := w.as(t, "", "GET", "/registry?"+c.query, nil, nil)
		wantStatus(t, rec, 200, "text/html")
		count, links := resultsOf(t, rec.Body.String())
		if wantCount := strconv.Itoa(want.Total) + " offerings found"; count != wantCount {
			t.Errorf("%s: count %q, want %q", c.query, count, wantCount)
		}
		if !slices.Equal(links, pathsOf(want)) {
			t.Errorf("%s: links %q, want %q", c.query, links, pathsOf(want))
		}
		if !strings.Contains(rec.Body.String(), c.selected) {
			t.Errorf("%s: the form does not show the filter (%s)", c.query, c.selected)
		}
	}

	// A word from a title finds that offering; the text stays in the form.
	first := w.storeSearch(t, registry.Query{}).Items[0]
	word := strings.Fields(first.Title)[0]
	rec := w.as(t, "", "GET", "/registry?q="+url.QueryEscape(word), nil, nil)
	wantStatus(t, rec, 200, "text/html")
	_, links := resultsOf(t, rec.Body.String())
	if !slices.Contains(links, first.Path()) || !strings.Contains(rec.Body.String(), `value="`+word+`"`) {
		t.Errorf("searching %q: links %q lack %s, or the form lost the text", word, links, first.Path())
	}

	// Pages: the fifth and last holds the last 10; past it is refused.
	rec = w.as(t, "", "GET", "/registry?page=5", nil, nil)
	_, links = resultsOf(t, rec.Body.String())
	if len(links) != 10 || strings.Contains(rec.Body.String(), `rel="next"`) || !strings.Contains(rec.Body.String(), `href="/registry?page=4"`) {
		t.Errorf("page 5: %d links, want 10, a previous page and no next", len(links))
	}
	rec = w.as(t, "", "GET", "/registry?q="+url.QueryEscape(word)+"&per_page=2", nil, nil)
	if res := w.storeSearch(t, registry.Query{Text: word, PerPage: 2}); res.Pages > 1 &&
		!strings.Contains(rec.Body.String(), html.EscapeString("/registry?page=2&per_page=2&q="+url.QueryEscape(word))) {
		t.Errorf("the next page link does not keep the search: %.3000s", rec.Body)
	}

	// A bad query shows the form again with what is wrong.
	for query, want := range map[string]string{
		"kind=nonsense":                 "The kind must be one of",
		"min_hours=abc":                 "The minimum duration must be a number",
		"page=60":                       "The page reaches past the first 1000 results",
		"q=" + strings.Repeat("x", 201): "The search text must be at most 200",
	} {
		rec := w.as(t, "", "GET", "/registry?"+query, nil, nil)
		wantStatus(t, rec, 400, "text/html")
		if !strings.Contains(rec.Body.String(), `role="alert"`) || !strings.Contains(rec.Body.String(), want) ||
			!strings.Contains(rec.Body.String(), `<label for="registry-q">Search</label>`) {
			t.Errorf("%s: want the form with %q: %.2000s", query, want, rec.Body)
		}
	}
}

func TestRegistryLinkedFromEveryPage(t *testing.T) {
	w := newWorld(t)
	for _, who := range []string{"", "pat"} {
		rec := w.as(t, who, "GET", "/verify", nil, nil)
		if !strings.Contains(rec.Body.String(), `<a href="/registry">Registry</a>`) {
			t.Errorf("as %q: the header does not link the registry", who)
		}
	}
}

func TestRegistryInstitutionPage(t *testing.T) {
	w := newRegistryWorld(t)
	rec := w.as(t, "", "GET", "/registry/yukonu", nil, nil)
	wantStatus(t, rec, 200, "text/html")
	count, links := resultsOf(t, rec.Body.String())
	want := w.storeSearch(t, registry.Query{Institution: "yukonu"})
	if count != "30 offerings found" || !slices.Equal(links, pathsOf(want)) {
		t.Errorf("got %q and %q, want 30 offerings found and %q", count, links, pathsOf(want))
	}
	if !strings.Contains(rec.Body.String(), "<h1>Yukon University</h1>") || !strings.Contains(rec.Body.String(), `href="/registry?institution=yukonu"`) {
		t.Errorf("the page does not name the institution or link its search: %.2000s", rec.Body)
	}
	rec = w.as(t, "", "GET", "/registry/kpu?page=3", nil, nil)
	_, links = resultsOf(t, rec.Body.String())
	if len(links) != 20 || !strings.Contains(rec.Body.String(), `href="/registry/kpu?page=2"`) || strings.Contains(rec.Body.String(), `rel="next"`) {
		t.Errorf("kpu page 3: %d links, want the last 20 with a previous page only", len(links))
	}
	for _, path := range []string{"/registry/nowhere", "/registry/" + strings.Repeat("a", 80), "/registry/kpu?page=x"} {
		rec := w.as(t, "", "GET", path, nil, nil)
		if rec.Code != 404 && rec.Code != 400 {
			t.Errorf("%s: got %d, want 404 or 400", path, rec.Code)
		}
	}
}

// labelOf reads the food label of an offering page: dt text to dd text.
func labelOf(body string) map[string]string {
	start := strings.Index(body, `<dl class="food-label">`)
	if start < 0 {
		return nil
	}
	end := strings.Index(body[start:], "</dl>")
	out := map[string]string{}
	for _, m := range dtRE.FindAllStringSubmatch(body[start:start+end], -1) {
		text := strings.Join(strings.Fields(html.UnescapeString(tagRE.ReplaceAllString(m[2], " "))), " ")
		out[strings.TrimSpace(html.UnescapeString(m[1]))] = text
	}
	return out
}

func TestRegistryOfferingPage(t *testing.T) {
	w := newRegistryWorld(t)
	interim := w.storeSearch(t, registry.Query{CreditStatus: registry.CreditInterim, PerPage: 1})
	plain := w.storeSearch(t, registry.Query{CreditStatus: "credit_bearing", PerPage: 1})
	if interim.Total == 0 || plain.Total == 0 {
		t.Fatalf("the synthetic registry has %d interim and %d credit-bearing offerings; want some of each", interim.Total, plain.Total)
	}
	for _, sum := range []registry.Summary{interim.Items[0], plain.Items[0]} {
		l, err := w.store.RegistryLabel(t.Context(), sum.Institution.Slug, sum.Slug)
		if err != nil {
			t.Fatal(err)
		}
		rec := w.as(t, "", "GET", sum.Path(), nil, nil)
		wantStatus(t, rec, 200, "text/html")
		body := rec.Body.String()
		label := labelOf(body)
		for _, dt := range []string{"Credit status", "Duration", "Delivery", "Competencies", "Learning outcomes", "Assessment",
			"Fees", "Stacks into and ladders to", "Transfer agreements", "PLAR (prior learning assessment and recognition)", "Partners", "Next review"} {
			if _, ok := label[dt]; !ok {
				t.Errorf("%s: the food label lacks %q; it has %q", sum.Path(), dt, label)
			}
		}
		checks := map[string]string{
			"Credit status": l.CreditText,
			"Duration":      l.DurationText() + " of learning",
			"Delivery":      l.DeliveryText(),
			"Competencies":  l.Competencies[0].Name,
			"Assessment":    l.AssessmentMethod,
		}
		if l.NextReview.IsZero() {
			checks["Next review"] = "No periodic review is scheduled"
		} else {
			checks["Next review"] = "Due " + l.NextReview.Format("2 Jan 2006")
		}
		for dt, want := range checks {
			if !strings.Contains(label[dt], want) {
				t.Errorf("%s: %s is %q, want it to hold %q", sum.Path(), dt, label[dt], want)
			}
		}
		if l.Interim != strings.HasPrefix(label["Credit status"], "Non credit-bearing for now") {
			t.Errorf("%s: interim %v but credit status %q", sum.Path(), l.Interim, label["Credit status"])
		}
		if !strings.Contains(body, "<h1>"+html.EscapeString(l.Title)+"</h1>") {
			t.Errorf("%s: the page is not titled %q", sum.Path(), l.Title)
		}
		docs := map[string]string{}
		for _, m := range hrefRE.FindAllStringSubmatch(body, -1) {
			if strings.Contains(m[2], "CTDL") {
				docs["ctdl"] = m[1]
			}
			if strings.Contains(m[2], "Achievement") {
				docs["achievement"] = m[1]
			}
		}
		if u := l.URLs(""); docs["ctdl"] != u.CTDL || docs["achievement"] != u.Achievement {
			t.Errorf("%s: document links %q, want %s and %s", sum.Path(), docs, u.CTDL, u.Achievement)
		}
	}

	// Not published, or not there: 404.
	draft := w.offering(t, draftForm())
	if res := w.storeSearch(t, registry.Query{Text: "design thinking small business"}); res.Total != 0 {
		t.Errorf("a draft is found by search: %+v", res.Items)
	}
	for _, path := range []string{
		"/registry/kpu/" + registry.Slugify(draft.Draft.Title),
		"/registry/kpu/no-such-offering",
		"/registry/nowhere/" + plain.Items[0].Slug,
		"/registry/yukonu/" + plain.Items[0].Slug + "-x",
		"/registry/kpu/" + registry.Slugify(draft.Draft.Title) + "/ctdl.jsonld",
		"/registry/kpu/" + registry.Slugify(draft.Draft.Title) + "/achievement.json",
		"/registry/kpu/Not%20A%20Slug",
	} {
		rec := w.as(t, "", "GET", path, nil, nil)
		if rec.Code != 404 {
			t.Errorf("%s: got %d, want 404", path, rec.Code)
		}
	}
}

func TestRegistryDocuments(t *testing.T) {
	w := newRegistryWorld(t)
	sum := w.storeSearch(t, registry.Query{Institution: "kpu", PerPage: 1}).Items[0]
	u := registry.OfferingURLs("http://example.com", sum.Institution.Slug, sum.Slug)
	for _, c := range []struct {
		url, contentType string
		check            func(t *testing.T, doc map[string]any)
	}{
		{u.CTDL, "application/ld+json", func(t *testing.T, doc map[string]any) {
			if doc["@id"] != u.CTDL || doc["ceterms:subjectWebpage"] != u.Page {
				t.Errorf("CTDL @id %v and subject webpage %v, want %s and %s", doc["@id"], doc["ceterms:subjectWebpage"], u.CTDL, u.Page)
			}
			if _, ok := doc["ceterms:name"]; !ok {
				t.Errorf("CTDL without ceterms:name: %v", doc)
			}
		}},
		{u.Achievement, "application/json", func(t *testing.T, doc map[string]any) {
			if doc["id"] != u.Achievement || !slices.Contains(anyStrings(doc["type"]), "Achievement") || doc["name"] != sum.Title {
				t.Errorf("achievement: id %v type %v name %v, want %s, Achievement, %q", doc["id"], doc["type"], doc["name"], u.Achievement, sum.Title)
			}
		}},
	} {
		path := strings.TrimPrefix(c.url, "http://example.com")
		rec := w.as(t, "", "GET", path, nil, nil)
		wantStatus(t, rec, 200, c.contentType)
		var doc map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
			t.Fatalf("%s: %v: %.300s", path, err, rec.Body)
		}
		c.check(t, doc)
		etag := rec.Header().Get("ETag")
		if etag == "" || !strings.Contains(rec.Header().Get("Cache-Control"), "public") {
			t.Errorf("%s: ETag %q, Cache-Control %q; want both", path, etag, rec.Header().Get("Cache-Control"))
		}
		again := w.as(t, "", "GET", path, nil, map[string]string{"If-None-Match": etag})
		if again.Code != 304 || again.Body.Len() != 0 || again.Header().Get("ETag") != etag {
			t.Errorf("%s with its ETag: got %d, %d bytes, ETag %q; want 304 and nothing", path, again.Code, again.Body.Len(), again.Header().Get("ETag"))
		}
		stale := w.as(t, "", "GET", path, nil, map[string]string{"If-None-Match": `"stale"`})
		if stale.Code != 200 || stale.Body.String() != rec.Body.String() {
			t.Errorf("%s with another ETag: got %d, want 200 and the same document", path, stale.Code)
		}
	}

	// With a base URL configured, the documents name themselves under it.
	f := newFixture(t, func(c *config.Config) { c.BaseURL = "https://credentials.example.edu" })
	inst := org.Institution{Slug: "kpu", Name: "Kwantlen Polytechnic University", Jurisdiction: "CA-BC", TimeZone: "America/Vancouver", PolicyProfile: "kpu-ac15"}
	if err := f.store.CreateInstitution(t.Context(), &inst); err != nil {
		t.Fatal(err)
	}
	if err := f.store.SeedRegistryForLoad(t.Context(), inst.ID, 1); err != nil {
		t.Fatal(err)
	}
	res, err := f.store.SearchRegistry(t.Context(), registry.Query{})
	if err != nil {
		t.Fatal(err)
	}
	rec := f.do(t, "GET", res.Items[0].Path()+"/achievement.json", nil, nil)
	if want := `"id":"https://credentials.example.edu` + res.Items[0].Path() + `/achievement.json"`; !strings.Contains(rec.Body.String(), want) {
		t.Errorf("achievement under a base URL: %.500s, want %s", rec.Body, want)
	}
}

func anyStrings(v any) []string {
	var out []string
	switch x := v.(type) {
	case string:
		out = append(out, x)
	case []any:
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

func TestRegistryAPI(t *testing.T) {
	w := newRegistryWorld(t)
	want := w.storeSearch(t, registry.Query{CreditStatus: "non_credit", PerPage: 5, Page: 2})
	rec := w.as(t, "", "GET", "/api/v1/registry?credit=non_credit&per_page=5&page=2", nil, nil)
	wantStatus(t, rec, 200, "application/json")
	got := decode[registry.Result](t, rec)
	if got.Total != want.Total || got.Page != 2 || got.PerPage != 5 || !slices.Equal(pathsOf(got), pathsOf(want)) || len(got.Items) != 5 {
		t.Errorf("got total %d page %d items %q, want %d, 2, %q", got.Total, got.Page, pathsOf(got), want.Total, pathsOf(want))
	}
	etag := rec.Header().Get("ETag")
	if again := w.as(t, "", "GET", "/api/v1/registry?credit=non_credit&per_page=5&page=2", nil, map[string]string{"If-None-Match": etag}); etag == "" || again.Code != 304 {
		t.Errorf("with its ETag %q: got %d, want 304", etag, again.Code)
	}
	all := decode[registry.Result](t, w.as(t, "", "GET", "/api/v1/registry", nil, nil))
	if all.Total != 90 || len(all.Items) != registry.DefaultPerPage || all.Pages != 5 {
		t.Errorf("everything: total %d, %d items, %d pages; want 90, %d, 5", all.Total, len(all.Items), all.Pages, registry.DefaultPerPage)
	}
	for query, field := range map[string]string{"per_page=500": "per_page", "credit=maybe": "credit", "max_hours=-1": "max_hours"} {
		rec := w.as(t, "", "GET", "/api/v1/registry?"+query, nil, nil)
		wantStatus(t, rec, 400, "application/problem+json")
		if p := decode[problem](t, rec); p.Field != field {
			t.Errorf("%s: problem field %q, want %q", query, p.Field, field)
		}
	}
}

// Across the demo's offerings, at every step of approval and after, the
// registry shows exactly the published ones: each has its page and is
// found by its title; drafts, offerings in review without an approved
// version and discontinued ones have no page and are not found.
func TestRegistryShowsOnlyPublished(t *testing.T) {
	clk := demo.NewClock(testNow)
	st, err := sqlstore.Open(t.Context(), ":memory:", sqlstore.Options{Clock: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := demo.Populate(t.Context(), st, demo.Options{Clock: clk}); err != nil {
		t.Fatal(err)
	}
	srv, err := New(Deps{Config: config.Default(), Verifier: &verify.Verifier{}, Store: st, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	get := func(target string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
		return rec
	}
	insts, err := st.Institutions(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[bool]int{}
	statuses := map[catalog.Status]bool{}
	for _, inst := range insts {
		offerings, err := st.Offerings(t.Context(), inst.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range offerings {
			statuses[o.Status] = true
			published := registry.Published(o.Status) && o.ApprovedVersion > 0
			seen[published]++
			versions, err := st.OfferingVersions(t.Context(), o.ID)
			if err != nil {
				t.Fatal(err)
			}
			title := o.Draft.Title
			for _, v := range versions {
				if v.Number() == o.ApprovedVersion {
					title = v.Form().Title
				}
			}
			api := get("/api/v1/registry?" + url.Values{"q": {title}, "institution": {inst.Slug}, "per_page": {"100"}}.Encode())
			found := false
			for _, it := range decode[registry.Result](t, api).Items {
				found = found || it.OfferingID == o.ID
			}
			instSlug, slug, err := st.RegistrySlug(t.Context(), o.ID)
			if err != nil && published {
				t.Errorf("published offering %d (%s, %q) has no registry slug: %v", o.ID, o.Status, title, err)
				continue
			}
			if found != published {
				t.Errorf("offering %d (%s, %q): found by its title %v, want %v", o.ID, o.Status, title, found, published)
			}
			if err != nil {
				continue // never published: no address at all
			}
			u := registry.OfferingURLs("", instSlug, slug)
			for _, path := range []string{u.Page, u.CTDL, u.Achievement} {
				if rec := get(path); (rec.Code == 200) != published || (rec.Code != 200 && rec.Code != 404) {
					t.Errorf("offering %d (%s): %s answers %d, want %s", o.ID, o.Status, path, rec.Code, map[bool]string{true: "200", false: "404"}[published])
				}
			}
		}
	}
	if seen[true] == 0 || seen[false] == 0 || !statuses[catalog.Draft] || !statuses[catalog.Discontinued] || !statuses[catalog.InReview] {
		t.Errorf("the demo has %d published and %d unpublished offerings in statuses %v; want drafts, offerings in review and discontinued ones too", seen[true], seen[false], statuses)
	}
}

func TestHasNextPage(t *testing.T) {
	for _, c := range []struct {
		res  registry.Result
		want bool
	}{
		{registry.Result{Total: 90, Page: 4, PerPage: 20, Pages: 5}, true},
		{registry.Result{Total: 90, Page: 5, PerPage: 20, Pages: 5}, false},
		{registry.Result{Total: 1000, More: true, Page: 49, PerPage: 20, Pages: 50}, true},
		// 1,000 in pages of 30 fill 34, but page 34 would reach past the
		// first 1,000, which the search refuses.
		{registry.Result{Total: 1000, More: true, Page: 33, PerPage: 30, Pages: 34}, false},
		{registry.Result{Total: 0, Page: 1, PerPage: 20, Pages: 0}, false},
	} {
		if got := hasNextPage(c.res); got != c.want {
			t.Errorf("hasNextPage(%+v) = %v, want %v", c.res, got, c.want)
		}
		if c.want {
			if _, err := registry.ParseQuery(url.Values{"page": {strconv.Itoa(c.res.Page + 1)}, "per_page": {strconv.Itoa(c.res.PerPage)}}); err != nil {
				t.Errorf("the next page after %+v is refused: %v", c.res, err)
			}
		} else if c.res.Page < c.res.Pages {
			if _, err := registry.ParseQuery(url.Values{"page": {strconv.Itoa(c.res.Page + 1)}, "per_page": {strconv.Itoa(c.res.PerPage)}}); err == nil {
				t.Errorf("no next page after %+v, yet the search accepts it", c.res)
			}
		}
	}
}

func TestRegistryTexts(t *testing.T) {
	for tag, want := range map[string]string{"en": "English", "en-CA": "English (CA)", "FR": "French", "xx-YY": "xx-YY", "": ""} {
		if got := languageText(tag); got != want {
			t.Errorf("languageText(%q) = %q, want %q", tag, got, want)
		}
	}
	for _, c := range []struct {
		res  registry.Result
		want string
	}{
		{registry.Result{Total: 0}, "0 offerings found"},
		{registry.Result{Total: 1}, "1 offering found"},
		{registry.Result{Total: 999}, "999 offerings found"},
		{registry.Result{Total: 1000, More: true}, "More than 1,000 offerings found; narrow the search to see them all"},
	} {
		if got := countText(c.res); got != c.want {
			t.Errorf("countText(%+v) = %q, want %q", c.res, got, c.want)
		}
	}
	if got := thousands(1234567); got != "1,234,567" {
		t.Errorf("thousands(1234567) = %q", got)
	}
}

// The registry's pages render without inline script or style, with the
// landmarks and the skip link, and a label for every form control.
func TestRegistryPagesAreAccessible(t *testing.T) {
	w := newRegistryWorld(t)
	first := w.storeSearch(t, registry.Query{}).Items[0]
	inline := regexp.MustCompile(`(?i)\sstyle=|\son[a-z]+=|<style|<script`)
	control := regexp.MustCompile(`<(input|select|textarea)\b[^>]*\bid="([^"]+)"`)
	for _, path := range []string{"/registry", "/registry?kind=nonsense", "/registry?q=" + url.QueryEscape(first.Title), "/registry/kpu", first.Path()} {
		rec := w.as(t, "", "GET", path, nil, nil)
		body := rec.Body.String()
		if rec.Code != 200 && rec.Code != 400 {
			t.Fatalf("%s: got %d", path, rec.Code)
		}
		if m := inline.FindString(body); m != "" {
			t.Errorf("%s: inline script, style or handler %q", path, m)
		}
		for _, want := range []string{`<html lang="en">`, `<main id="main"`, `<h1>`, `href="#main"`, `<nav aria-label="Main">`, `href="/static/registry.css"`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: page lacks %q", path, want)
			}
		}
		for _, m := range control.FindAllStringSubmatch(body, -1) {
			if !strings.Contains(body, `<label for="`+m[2]+`"`) {
				t.Errorf("%s: the %s %q has no label", path, m[1], m[2])
			}
		}
	}
	if rec := w.as(t, "", "GET", "/static/registry.css", nil, nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), ".food-label") {
		t.Errorf("registry.css: got %d", rec.Code)
	}
}

// TestAwardAchievementIDsResolve follows the id an award gives its
// Achievement (BASE/achievements/OFFERING/vN) to the registry's
// Achievement; an unpublished or malformed one is not found.
func TestAwardAchievementIDsResolve(t *testing.T) {
	w := newRegistryWorld(t)
	sum := w.storeSearch(t, registry.Query{Institution: "kpu", PerPage: 1}).Items[0]
	rec := w.as(t, "", "GET", "/achievements/"+strconv.FormatInt(sum.OfferingID, 10)+"/v1", nil, nil)
	if want := sum.Path() + "/achievement.json"; rec.Code != http.StatusFound || rec.Header().Get("Location") != want {
		t.Errorf("got %d to %q, want 302 to %s", rec.Code, rec.Header().Get("Location"), want)
	}
	for _, path := range []string{"/achievements/999999/v1", "/achievements/" + strconv.FormatInt(sum.OfferingID, 10) + "/latest", "/achievements/x/v1"} {
		if rec := w.as(t, "", "GET", path, nil, nil); rec.Code != http.StatusNotFound {
			t.Errorf("%s: got %d, want 404", path, rec.Code)
		}
	}
}
