package sqlstore

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
	"cairn/internal/registry"
)

// Registry search, on the index registry.go keeps. Every search is
// bounded: it collects at most registryCap matches, ranks by relevance
// only a set of at most registry.MaxResults, and pages no deeper than
// that; see registry.Query for the order results come in.
//
// On SQLite, text is matched by the FTS5 table registry_text, which also
// holds each entry's filter values as facet tokens, so that a search for a
// common word narrowed by a filter is one FTS5 query that walks the
// shorter list of the two rather than joining every match; only the
// duration filter joins registry_entries. On PostgreSQL the narrow table
// registry_search does the same: its GIN index on words holds each entry's
// words and facet tokens, so one index lookup intersects a search's words
// and filters, and a search in one institution may walk that institution's
// entries newest first instead.

// registryCap is how many matches a search collects: one more than
// registry.MaxResults, to know whether there are more.
const registryCap = registry.MaxResults + 1

// SearchRegistry answers a registry search: the published offerings that
// match every word of q.Text and every filter, in the order registry.Query
// describes. It is Invalid when q is (see registry.Query.Normalize).
func (s *Store) SearchRegistry(ctx context.Context, q registry.Query) (registry.Result, error) {
	q, err := q.Normalize()
	if err != nil {
		return registry.Result{}, err
	}
	if err := s.refreshOnRead(ctx); err != nil {
		return registry.Result{}, err
	}
	var res registry.Result
	err = s.ReadTx(ctx, func(tx *Tx) (err error) {
		res, err = tx.searchRegistry(q)
		return err
	})
	return res, err
}

func (tx *Tx) searchRegistry(q registry.Query) (registry.Result, error) {
	if tx.s.engine == PostgreSQL {
		// How selective a search is depends on its words and filters,
		// which a plan cached for the statement cannot know: for a word
		// most offerings hold, walking the primary key newest first
		// stops after a thousand rows, for a rare one the text index
		// finds the few.
		if _, err := tx.exec(`SET LOCAL plan_cache_mode = force_custom_plan`); err != nil {
			return registry.Result{}, err
		}
	}
	var page []int64
	var total int
	var err error
	switch {
	case len(q.Terms()) == 0 && tx.s.engine == PostgreSQL:
		page, total, err = tx.browseSearchTable(q)
	case len(q.Terms()) == 0:
		page, total, err = tx.browseRegistry(q)
	default:
		page, total, err = tx.textSearch(q)
	}
	if err != nil {
		return registry.Result{}, err
	}
	items, err := tx.registrySummaries(page)
	if err != nil {
		return registry.Result{}, err
	}
	return registry.NewResult(q, items, total), nil
}

// searchSQL gathers a search's WHERE conditions and arguments.
type searchSQL struct {
	where []string
	args  []any
}

func (b *searchSQL) arg(v any) string {
	b.args = append(b.args, v)
	return "$" + strconv.Itoa(len(b.args))
}

func (b *searchSQL) and(cond string) { b.where = append(b.where, cond) }

func (b *searchSQL) clause() string {
	if len(b.where) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(b.where, " AND ")
}

// filters adds q's filters on registry_entries e; with all false only
// the duration filters (the others being facets of the text match).
func (b *searchSQL) filters(q registry.Query, all bool) {
	if all {
		if q.Institution != "" {
			b.and(`e.institution_id = (SELECT id FROM institutions WHERE slug = ` + b.arg(q.Institution) + `)`)
		}
		if q.Kind != "" {
			b.and(`e.kind = ` + b.arg(q.Kind))
		}
		switch q.CreditStatus {
		case "":
		case registry.CreditInterim:
			b.and(`e.credit = ` + b.arg(creditInterim))
		case string(catalog.NonCredit):
			b.and(`e.credit IN (` + b.arg(string(catalog.NonCredit)) + `, ` + b.arg(creditInterim) + `)`)
		default:
			b.and(`e.credit = ` + b.arg(q.CreditStatus))
		}
		if q.Delivery != "" {
			b.and(`e.delivery = ` + b.arg(q.Delivery))
		}
		if q.Competency != "" {
			b.and(`e.offering_id IN (SELECT offering_id FROM registry_competencies WHERE key = ` +
				b.arg(registry.CompetencyKey(q.Competency)) + `)`)
		}
	}
	if q.MinHours > 0 {
		b.and(`e.duration_hours >= ` + b.arg(q.MinHours))
	}
	if q.MaxHours > 0 {
		b.and(`e.duration_hours > 0 AND e.duration_hours <= ` + b.arg(q.MaxHours))
	}
}

// browseSearchTable answers a search without text on PostgreSQL: by
// title, from registry_search, its filters matched as facet tokens.
func (tx *Tx) browseSearchTable(q registry.Query) (page []int64, total int, err error) {
	b, none, err := tx.searchTableFilters(q, nil)
	if err != nil || none {
		return nil, 0, err
	}
	where := b.clause()
	page, err = listIDs(tx, `SELECT s.offering_id FROM registry_search s`+where+
		` ORDER BY s.title_key, s.offering_id LIMIT `+b.arg(q.PerPage)+` OFFSET `+b.arg(q.Offset()), b.args...)
	if err != nil {
		return nil, 0, err
	}
	if len(page) < q.PerPage && (len(page) > 0 || q.Offset() == 0) {
		return page, q.Offset() + len(page), nil
	}
	args := b.args[:len(b.args)-2]
	order := ``
	if q.Institution != "" {
		order = ` ORDER BY s.institution_id, s.offering_id` // see collectMatches
	}
	err = tx.get("registry", `SELECT count(*) FROM (SELECT 1 FROM registry_search s`+where+order+
		` LIMIT `+strconv.Itoa(registryCap)+`) AS matches`, args, &total)
	return page, total, err
}

// searchTableFilters are the conditions on registry_search s that match
// the terms (as prefixes, a one-letter term exactly) and q's filters:
// the facet tokens with the words in one tsquery, the institution as its
// column (so the planner may walk its index) and with words also as its
// facet token (so the text index may intersect them), the duration on its
// column. none is true when q names an institution there is none of.
func (tx *Tx) searchTableFilters(q registry.Query, terms []string) (b *searchSQL, none bool, err error) {
	b = &searchSQL{}
	facets, institutionID, none, err := tx.queryFacets(q)
	if err != nil || none {
		return nil, none, err
	}
	parts := []string{}
	if len(terms) > 0 {
		parts = append(parts, tsQuery(terms, " & "))
	}
	for i, f := range facets {
		// Without words, the institution's index finds its entries
		// better than its facet token, whose list is a third of the
		// index when there are three institutions.
		if i == 0 && institutionID != 0 && len(terms) == 0 {
			continue
		}
		parts = append(parts, "'"+pgFacet(f)+"'")
	}
	if len(parts) > 0 {
		b.and(`s.words @@ ` + b.arg(strings.Join(parts, " & ")) + `::tsquery`)
	}
	if institutionID != 0 {
		// A range of one, not an equality, so that the planner keeps
		// ordering by the institution first (see collectMatches).
		id := b.arg(institutionID)
		b.and(`s.institution_id >= ` + id + ` AND s.institution_id <= ` + id)
	}
	if q.MinHours > 0 {
		b.and(`s.duration_hours >= ` + b.arg(q.MinHours))
	}
	if q.MaxHours > 0 {
		b.and(`s.duration_hours > 0 AND s.duration_hours <= ` + b.arg(q.MaxHours))
	}
	return b, false, nil
}

// pgFacet is a facet token as registry_search.words holds it: after an
// underscore, which no search word holds.
func pgFacet(token string) string { return "_" + token }

// browseRegistry answers a search without text on SQLite: by title,
// through the index of the most selective filter the planner finds.
func (tx *Tx) browseRegistry(q registry.Query) (page []int64, total int, err error) {
	b := &searchSQL{}
	b.filters(q, true)
	where := b.clause()
	page, err = listIDs(tx, `SELECT e.offering_id FROM registry_entries e`+where+
		` ORDER BY e.title_key, e.offering_id LIMIT `+b.arg(q.PerPage)+` OFFSET `+b.arg(q.Offset()), b.args...)
	if err != nil {
		return nil, 0, err
	}
	// A short page that is not past the end gives the total without
	// counting.
	if len(page) < q.PerPage && (len(page) > 0 || q.Offset() == 0) {
		return page, q.Offset() + len(page), nil
	}
	args := b.args[:len(b.args)-2]
	err = tx.get("registry", `SELECT count(*) FROM (SELECT 1 FROM registry_entries e`+where+
		` LIMIT `+strconv.Itoa(registryCap)+`) AS matches`, args, &total)
	return page, total, err
}

// textSearch answers a search with text: one query collects up to
// registryCap matches, newest first, with their title keys; if that is all
// of them they are ranked and ordered by rank, then title, else they stay
// newest first; the page is cut from that order.
func (tx *Tx) textSearch(q registry.Query) (page []int64, total int, err error) {
	terms := q.Terms()
	matches, err := tx.collectMatches(q, terms)
	if err != nil || len(matches) > registry.MaxResults {
		return pageOf(q, matches), len(matches), err
	}
	if len(matches) > 1 {
		if err := tx.titleKeys(matches); err != nil {
			return nil, 0, err
		}
		if err := tx.rankMatches(terms, matches); err != nil {
			return nil, 0, err
		}
		slices.SortFunc(matches, func(a, b match) int {
			if c := cmp.Compare(a.rank, b.rank); c != 0 {
				return c
			}
			if c := strings.Compare(a.title, b.title); c != 0 {
				return c
			}
			return cmp.Compare(a.id, b.id)
		})
	}
	return pageOf(q, matches), len(matches), nil
}

// match is one offering a text search found: its id, title key and rank
// (lower is better; 0 when its title and competencies hold none of the
// words, or before ranking).
type match struct {
	id    int64
	title string
	rank  float64
}

// collectMatches returns up to registryCap offerings matching q, newest
// first, with their title keys on PostgreSQL and when q filters by
// duration (else titleKeys reads them).
func (tx *Tx) collectMatches(q registry.Query, terms []string) ([]match, error) {
	b := &searchSQL{}
	cols, from, order := `e.offering_id, e.title_key`, `registry_entries e`, `e.offering_id`
	if tx.s.engine == SQLite {
		facets, _, none, err := tx.queryFacets(q)
		if err != nil || none {
			return nil, err
		}
		// Ordered by the full-text table's rowid, which it gives in
		// order: by the entry's, SQLite would sort every match. The
		// entries are joined only for the duration filter: reading a
		// thousand of them costs several times what the full-text match
		// does, and a search matching more than MaxResults never needs
		// their titles.
		cols, from, order = `registry_text.rowid, ''`, `registry_text`, `registry_text.rowid`
		if q.MinHours > 0 || q.MaxHours > 0 {
			cols, from = `registry_text.rowid, e.title_key`, `registry_text JOIN registry_entries e ON e.offering_id = registry_text.rowid`
		}
		words, none, err := tx.expandPrefixes(terms)
		if err != nil || none {
			return nil, err
		}
		b.and(`registry_text MATCH ` + b.arg(ftsMatch(terms, words, facets)))
		b.filters(q, false)
	} else {
		var none bool
		var err error
		b, none, err = tx.searchTableFilters(q, terms)
		if err != nil || none {
			return nil, err
		}
		cols, from, order = `s.offering_id, s.title_key`, `registry_search s`, `s.offering_id`
		if q.Institution != "" {
			// The same order, as the institution is one; but the planner,
			// which sees a range of institutions (searchTableFilters),
			// reads it as the institution's index order and walks that
			// rather than the primary key. Walking the primary key, it
			// would cross the entries of every other institution, which
			// it takes to be spread evenly among them when they are not:
			// an institution's offerings are mostly added together.
			order = `s.institution_id DESC, s.offering_id`
		}
	}
	return list(tx, func(r *sql.Rows) (match, error) {
		var m match
		return m, r.Scan(&m.id, &m.title)
	}, `SELECT `+cols+` FROM `+from+b.clause()+
		` ORDER BY `+order+` DESC LIMIT `+strconv.Itoa(registryCap), b.args...)
}

// titleKeys reads the title keys of matches collected without them (on
// SQLite).
func (tx *Tx) titleKeys(matches []match) error {
	if tx.s.engine != SQLite {
		return nil
	}
	var missing []int64
	for _, m := range matches {
		if m.title == "" {
			missing = append(missing, m.id)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	ids, err := json.Marshal(missing)
	if err != nil {
		return err
	}
	type key struct {
		id    int64
		title string
	}
	keys, err := list(tx, func(r *sql.Rows) (key, error) {
		var k key
		return k, r.Scan(&k.id, &k.title)
	}, `SELECT offering_id, title_key FROM registry_entries WHERE offering_id IN (SELECT value FROM json_each($1))`, string(ids))
	if err != nil {
		return err
	}
	byID := make(map[int64]string, len(keys))
	for _, k := range keys {
		byID[k.id] = k.title
	}
	for i := range matches {
		if t, ok := byID[matches[i].id]; ok {
			matches[i].title = t
		}
	}
	return nil
}

// rankMatches sets the rank of each match: how well its title, and then
// its competencies, hold any of the words (BM25 on SQLite, ts_rank on
// PostgreSQL, which PostgreSQL computes from the title and competency
// words of the document, weighted as SQLite's ranking weighs them).
func (tx *Tx) rankMatches(terms []string, matches []match) error {
	ids := make([]int64, len(matches))
	for i, m := range matches {
		ids[i] = m.id
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	// "+" keeps SQLite from looking each id up in the full-text index,
	// which costs more than leaving out the rows the words match that the
	// search did not.
	query := `SELECT rowid, rank FROM registry_heads WHERE registry_heads MATCH $1
		AND +rowid IN (SELECT value FROM json_each($2))`
	arg := ftsAny(terms)
	if tx.s.engine == PostgreSQL {
		query = `SELECT offering_id, -ts_rank('{0, 0, 0.4, 1}'::float4[], words, $1::tsquery) FROM registry_search
			WHERE offering_id IN (SELECT value::bigint FROM json_array_elements_text($2::json))`
		arg = tsQuery(terms, " | ")
	}
	ranks, err := listMatches(tx, query, arg, string(list))
	if err != nil {
		return err
	}
	byID := make(map[int64]float64, len(ranks))
	for _, r := range ranks {
		byID[r.id] = r.rank
	}
	for i := range matches {
		matches[i].rank = byID[matches[i].id]
	}
	return nil
}

// pageOf returns q's page of the matches' ids.
func pageOf(q registry.Query, matches []match) []int64 {
	from := min(q.Offset(), len(matches))
	var ids []int64
	for _, m := range matches[from:min(from+q.PerPage, len(matches))] {
		ids = append(ids, m.id)
	}
	return ids
}

// listMatches runs a query giving ids and ranks.
func listMatches(tx *Tx, query string, args ...any) ([]match, error) {
	return list(tx, func(r *sql.Rows) (match, error) {
		var m match
		return m, r.Scan(&m.id, &m.rank)
	}, query, args...)
}

func listIDs(tx *Tx, query string, args ...any) ([]int64, error) {
	return list(tx, func(r *sql.Rows) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	}, query, args...)
}

// registrySummaries reads the summaries of the offerings, in the order
// given.
func (tx *Tx) registrySummaries(ids []int64) ([]registry.Summary, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args, in := idList(ids, 0)
	items, err := list(tx, func(r *sql.Rows) (registry.Summary, error) {
		var raw string
		var id int64
		var inst registry.Institution
		if err := r.Scan(&id, &raw, &inst.Slug, &inst.Name, &inst.IssuerDID); err != nil {
			return registry.Summary{}, err
		}
		var sum registry.Summary
		if err := json.Unmarshal([]byte(raw), &sum); err != nil {
			return sum, fmt.Errorf("registry summary of offering %d: %w", id, err)
		}
		sum.OfferingID, sum.Institution = id, inst
		return sum, nil
	}, `SELECT e.offering_id, e.summary, i.slug, i.name, i.issuer_did
		FROM registry_entries e JOIN institutions i ON i.id = e.institution_id WHERE e.offering_id IN (`+in+`)`, args...)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(items, func(a, b registry.Summary) int {
		return slices.Index(ids, a.OfferingID) - slices.Index(ids, b.OfferingID)
	})
	return items, nil
}

// Facet tokens: an entry's filter values as words of the FTS5 column
// facets, which text terms never search. Each is "z", a letter naming the
// filter and the value with its underscores dropped (tokens are letters
// and digits); a competency's is its key's hash, whatever the key holds.
// An interim offering carries both the interim and the non-credit token,
// as the non-credit filter finds it too.
func facetToken(filter byte, value string) string {
	return "z" + string(filter) + strings.ReplaceAll(value, "_", "")
}

func competencyFacet(key string) string {
	sum := sha256.Sum256([]byte(key))
	return facetToken('q', hex.EncodeToString(sum[:10]))
}

// entryFacets are the facet tokens of an entry.
func entryFacets(institutionID int64, l registry.Label) []string {
	fs := []string{facetToken('i', strconv.FormatInt(institutionID, 10))}
	if l.Kind != "" {
		fs = append(fs, facetToken('k', string(l.Kind)))
	}
	if l.DeliveryMode != "" {
		fs = append(fs, facetToken('d', string(l.DeliveryMode)))
	}
	switch {
	case l.Interim:
		fs = append(fs, facetToken('c', registry.CreditInterim), facetToken('c', string(catalog.NonCredit)))
	case l.OfferedAs != "":
		fs = append(fs, facetToken('c', string(l.OfferedAs)))
	}
	for _, k := range l.CompetencyKeys() {
		fs = append(fs, competencyFacet(k))
	}
	return fs
}

// queryFacets are the facet tokens q's filters require, with the id of
// the institution q names (0 for none); none is true when q names an
// institution there is none of.
func (tx *Tx) queryFacets(q registry.Query) (facets []string, institutionID int64, none bool, err error) {
	if q.Institution != "" {
		err := tx.get("institution", `SELECT id FROM institutions WHERE slug = $1`, []any{q.Institution}, &institutionID)
		if is(err, apperror.NotFound) {
			return nil, 0, true, nil
		}
		if err != nil {
			return nil, 0, false, err
		}
		facets = append(facets, facetToken('i', strconv.FormatInt(institutionID, 10)))
	}
	for _, f := range []struct {
		filter byte
		value  string
	}{{'k', q.Kind}, {'c', q.CreditStatus}, {'d', q.Delivery}} {
		if f.value != "" {
			facets = append(facets, facetToken(f.filter, f.value))
		}
	}
	if q.Competency != "" {
		facets = append(facets, competencyFacet(registry.CompetencyKey(q.Competency)))
	}
	return facets, institutionID, false, nil
}

// maxPrefixWords is how many indexed words a search word may begin and
// still be matched as those words rather than as a prefix.
const maxPrefixWords = 40

// expandPrefixes returns, for each term matched as a prefix (longer than
// one letter), the indexed words it begins when there are at most
// maxPrefixWords of them, else nil; none is true when a term begins no
// indexed word, so nothing matches. FTS5 answers a prefix query by
// merging the whole list of every word with that prefix before it
// returns the first match, which for a word most offerings hold costs
// tens of milliseconds even when another word of the search is rare; the
// same words as an OR of exact words are walked only as far as the
// search needs. The words come from registry_vocab, read as one range of
// the index (which walks each word's list to count it: a few milliseconds
// for the commonest words, a fraction of what the prefix costs).
func (tx *Tx) expandPrefixes(terms []string) (words [][]string, none bool, err error) {
	words = make([][]string, len(terms))
	for i, t := range terms {
		r := []rune(t)
		if len(r) < 2 {
			continue
		}
		r[len(r)-1]++ // terms are letters and digits: never the last rune
		ws, err := list(tx, func(rows *sql.Rows) (string, error) {
			var w string
			return w, rows.Scan(&w)
		}, `SELECT term FROM registry_vocab WHERE term >= $1 AND term < $2 LIMIT `+strconv.Itoa(maxPrefixWords+1), t, string(r))
		if err != nil {
			return nil, false, err
		}
		if len(ws) == 0 {
			return nil, true, nil
		}
		if len(ws) <= maxPrefixWords {
			words[i] = ws
		}
	}
	return words, false, nil
}

// ftsMatch is the FTS5 query that matches every term in the text columns,
// each as a prefix (a one-letter term exactly), and every facet token. A
// term with words (see expandPrefixes) is matched as any of those words,
// which is the same. Terms and facets hold only letters and digits, so
// quoting them needs no escapes; words are quoted.
func ftsMatch(terms []string, words [][]string, facets []string) string {
	parts := make([]string, 0, len(terms)+len(facets))
	for i, t := range terms {
		p := `{title competencies body} : "` + t + `"`
		switch {
		case i < len(words) && words[i] != nil:
			quoted := make([]string, len(words[i]))
			for j, w := range words[i] {
				quoted[j] = `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
			}
			p = `{title competencies body} : (` + strings.Join(quoted, " OR ") + `)`
		case len([]rune(t)) > 1:
			p += "*"
		}
		parts = append(parts, p)
	}
	for _, f := range facets {
		parts = append(parts, `facets : "`+f+`"`)
	}
	return strings.Join(parts, " AND ")
}

// ftsAny is the FTS5 query that matches any of the terms, as ftsMatch
// matches them, for ranking.
func ftsAny(terms []string) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = `"` + t + `"`
		if len([]rune(t)) > 1 {
			parts[i] += "*"
		}
	}
	return strings.Join(parts, " OR ")
}

// tsQuery is the PostgreSQL tsquery, in its input syntax, that matches the
// terms as ftsMatch does, joined by op (" & " for all of them, " | " for
// any). Terms hold only letters and digits, so quoting them needs no
// escapes.
func tsQuery(terms []string, op string) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = "'" + t + "'"
		if len([]rune(t)) > 1 {
			parts[i] += ":*"
		}
	}
	return strings.Join(parts, op)
}
