package sqlstore

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"cairn/internal/catalog"
	"cairn/internal/org"
	"cairn/internal/registry"
)

// benchOfferings is how many published offerings the registry benchmark
// searches.
const benchOfferings = 100_000

// benchQueries is how many distinct searches the benchmark cycles
// through, and how many it times one by one for the percentiles.
const benchQueries = 2000

// BenchmarkSearchRegistry100k measures registry search over 100,000
// published offerings in three institutions, written in a 5,000-word
// vocabulary used with a Zipf distribution (so a few words are in nearly
// every description, as "and" and "skills" are), with a mix of searches
// (see benchQueryMix): topical words and pairs, words most offerings
// contain, text with a filter, filters alone, browsing, and later pages.
// Besides ns/op over the mix it reports the 50th and 99th percentile and
// the slowest of 2,000 searches timed one by one (p50-ms, p99-ms, max-ms),
// and logs how long loading and indexing took. It runs on a SQLite file
// and, when CAIRN_TEST_POSTGRES is set, on PostgreSQL; -short skips it.
//
//	go test ./internal/sqlstore -run '^$' -bench SearchRegistry100k -benchtime 5000x
func BenchmarkSearchRegistry100k(b *testing.B) {
	if testing.Short() {
		b.Skip("loads 100,000 offerings")
	}
	b.Run("sqlite", func(b *testing.B) {
		s, err := Open(b.Context(), filepath.Join(b.TempDir(), "cairn.db"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		benchSearch(b, s)
	})
	b.Run("postgres", func(b *testing.B) {
		dsn := postgresDSN()
		if dsn == "" {
			b.Skip("CAIRN_TEST_POSTGRES is not set")
		}
		s, err := Open(b.Context(), benchSchema(b, dsn), Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		benchSearch(b, s)
	})
}

func benchSearch(b *testing.B, s *Store) {
	ctx := b.Context()
	start := time.Now()
	vocab := loadBenchRegistry(b, s, benchOfferings)
	loaded := time.Since(start)
	start = time.Now()
	n, err := s.Reindex(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if n != benchOfferings {
		b.Fatalf("indexed %d offerings, want %d", n, benchOfferings)
	}
	indexed := time.Since(start)

	queries := benchQueryMix(vocab, benchQueries)
	for _, q := range queries { // warm the caches
		if _, err := s.SearchRegistry(ctx, q); err != nil {
			b.Fatalf("search %+v: %v", q, err)
		}
	}
	lat := make([]time.Duration, len(queries))
	matched := 0
	for i, q := range queries {
		t := time.Now()
		res, err := s.SearchRegistry(ctx, q)
		lat[i] = time.Since(t)
		if err != nil {
			b.Fatal(err)
		}
		if res.Total > 0 {
			matched++
		}
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[int(p*float64(len(lat)-1))]) / float64(time.Millisecond)
	}
	b.Logf("%s: loaded %d offerings in %v, indexed in %v; %d of %d searches matched something; p50 %.2f ms, p99 %.2f ms, max %.2f ms",
		s.Engine(), benchOfferings, loaded.Round(time.Millisecond), indexed.Round(time.Millisecond), matched, len(queries),
		pct(0.50), pct(0.99), pct(1))

	i := 0
	for b.Loop() {
		if _, err := s.SearchRegistry(ctx, queries[i%len(queries)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(pct(1), "max-ms")
}

// benchVocab is the words and competencies the synthetic offerings are
// written in, most common first.
type benchVocab struct {
	words        []string
	competencies []string
	institutions []string
}

// benchVocabFrom draws the vocabulary from r.
func benchVocabFrom(r *rand.Rand) benchVocab {
	v := benchVocab{words: benchWords(r, 5000), institutions: []string{"kpu", "yukonu", "coastal"}}
	for range 1500 {
		v.competencies = append(v.competencies, v.words[r.IntN(len(v.words))]+" "+v.words[r.IntN(len(v.words))])
	}
	return v
}

// benchWords makes n distinct pronounceable words from syllables.
func benchWords(r *rand.Rand, n int) []string {
	syl := []string{"ka", "lo", "mi", "ter", "san", "vo", "ri", "pel", "dun", "ash", "ek", "ba", "cor", "fin", "gra", "hul",
		"jo", "mar", "nit", "os", "pra", "qui", "ros", "sta", "tu", "ul", "ven", "wes", "yar", "zo"}
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		var w strings.Builder
		for range 2 + r.IntN(3) {
			w.WriteString(syl[r.IntN(len(syl))])
		}
		if !seen[w.String()] {
			seen[w.String()] = true
			out = append(out, w.String())
		}
	}
	return out
}

// loadBenchRegistry inserts n approved offerings with their approved
// versions straight into the tables, in large transactions, and returns
// the vocabulary they are written in.
func loadBenchRegistry(b *testing.B, s *Store, n int) benchVocab {
	ctx := b.Context()
	r := rand.New(rand.NewPCG(1, 2))
	v := benchVocabFrom(r)
	zipf := rand.NewZipf(r, 1.1, 1, uint64(len(v.words)-1))
	phrase := func(k int) string {
		ws := make([]string, k)
		for i := range ws {
			ws[i] = v.words[zipf.Uint64()]
		}
		return strings.Join(ws, " ")
	}

	var instIDs, unitIDs []int64
	for _, slug := range v.institutions {
		i := org.Institution{Slug: slug, Name: "University of " + strings.ToUpper(slug[:1]) + slug[1:], Jurisdiction: "CA-BC",
			TimeZone: "America/Vancouver", PolicyProfile: "kpu-ac15"}
		if err := s.CreateInstitution(ctx, &i); err != nil {
			b.Fatal(err)
		}
		instIDs = append(instIDs, i.ID)
		u := org.OrgUnit{InstitutionID: i.ID, Kind: org.Faculty, Name: "Faculty of " + phrase(1)}
		if err := s.CreateOrgUnit(ctx, &u); err != nil {
			b.Fatal(err)
		}
		unitIDs = append(unitIDs, u.ID)
	}

	kinds, credits := catalog.Kinds(), catalog.CreditStatuses()
	modes := []catalog.DeliveryMode{catalog.InPerson, catalog.Online, catalog.Blended}
	bulkPublish(b, s, n, func(int) (int64, int64, catalog.Form, catalog.Status) {
		inst := r.IntN(len(instIDs))
		f := catalog.Form{
			Kind:             kinds[r.IntN(len(kinds))],
			Title:            capitalize(phrase(3 + r.IntN(4))),
			Description:      capitalize(phrase(30+r.IntN(30))) + ".",
			DurationHours:    float64(5 + r.IntN(275)),
			DeliveryMode:     modes[r.IntN(len(modes))],
			CreditStatus:     credits[r.IntN(len(credits))],
			Language:         "en",
			LearningOutcomes: []string{capitalize(phrase(8)) + ".", capitalize(phrase(8)) + "."},
		}
		for range 2 + r.IntN(4) {
			f.Competencies = append(f.Competencies, catalog.Competency{Name: v.competencies[r.IntN(len(v.competencies))]})
		}
		status := catalog.Approved
		switch x := r.IntN(100); {
		case x < 5 && f.CreditStatus == catalog.CreditBearing:
			status = catalog.ApprovedInterimNonCredit
		case x < 60:
			status = catalog.Active
		}
		return instIDs[inst], unitIDs[inst], f, status
	})
	return v
}

// bulkPublish inserts n offerings, each with its version 1 approved,
// straight into the tables, thousands to a transaction; next gives the
// i-th one's institution, unit (0 for none), form and status. Nothing is
// queued for the registry: Reindex indexes them.
func bulkPublish(tb testing.TB, s *Store, n int, next func(i int) (institutionID, unitID int64, f catalog.Form, status catalog.Status)) {
	tb.Helper()
	ctx := tb.Context()
	approvedAt := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	const perTx = 5000
	for done := 0; done < n; done += perTx {
		err := s.WithTx(ctx, func(tx *Tx) error {
			insOffering, err := tx.sql.PrepareContext(ctx, `INSERT INTO offerings (institution_id, unit_id, kind, title, status, draft,
				approved_version, approved_at, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, 1, $7, $7) RETURNING id`)
			if err != nil {
				return err
			}
			defer insOffering.Close()
			insVersion, err := tx.sql.PrepareContext(ctx, `INSERT INTO offering_versions (offering_id, number, form, hash, submitted_at)
				VALUES ($1, 1, $2, $3, $4)`)
			if err != nil {
				return err
			}
			defer insVersion.Close()
			for i := done; i < min(done+perTx, n); i++ {
				inst, unit, f, status := next(i)
				ver, err := catalog.NewVersion(1, f, approvedAt)
				if err != nil {
					return err
				}
				form := string(ver.Form().CanonicalJSON())
				var id int64
				if err := insOffering.QueryRowContext(ctx, inst, nullID(unit), string(f.Kind), f.Title, string(status),
					form, tx.ts(approvedAt)).Scan(&id); err != nil {
					return fmt.Errorf("insert offering: %w", err)
				}
				if _, err := insVersion.ExecContext(ctx, id, form, ver.Hash(), tx.ts(approvedAt)); err != nil {
					return fmt.Errorf("insert version: %w", err)
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// benchQueryMix draws n searches, the same ones every run. Searchers ask
// mostly for topics, not for the words most descriptions are made of, so
// topical words are drawn with a Zipf distribution of their own over the
// vocabulary in an order unrelated to how often offerings use them; a
// tenth of the searches are for one of the 50 words offerings use most
// (matching most of them), and more pair such a word with a topic or a
// filter.
func benchQueryMix(v benchVocab, n int) []registry.Query {
	r := rand.New(rand.NewPCG(3, 4))
	popular := slices.Clone(v.words)
	r.Shuffle(len(popular), func(i, j int) { popular[i], popular[j] = popular[j], popular[i] })
	zipf := rand.NewZipf(r, 1.1, 1, uint64(len(popular)-1))
	topic := func() string { return popular[zipf.Uint64()] }
	generic := func() string { return v.words[r.IntN(50)] }
	filter := func(q *registry.Query) {
		switch r.IntN(6) {
		case 0:
			q.Institution = v.institutions[r.IntN(len(v.institutions))]
		case 1:
			q.Kind = string(catalog.Kinds()[r.IntN(4)])
		case 2:
			q.CreditStatus = []string{"non_credit", "credit_bearing", "embedded", registry.CreditInterim}[r.IntN(4)]
		case 3:
			q.Delivery = []string{"in_person", "online", "blended"}[r.IntN(3)]
		case 4:
			q.Competency = v.competencies[r.IntN(len(v.competencies))]
		case 5:
			q.MinHours = float64(10 * r.IntN(10))
			q.MaxHours = q.MinHours + float64(20+r.IntN(100))
		}
	}
	qs := make([]registry.Query, n)
	for i := range qs {
		var q registry.Query
		switch x := r.IntN(100); {
		case x < 35:
			q.Text = topic()
		case x < 50:
			q.Text = topic() + " " + topic()
		case x < 60:
			q.Text = generic()
		case x < 65:
			q.Text = generic() + " " + topic()
		case x < 80:
			q.Text = topic()
			if r.IntN(4) == 0 {
				q.Text = generic()
			}
			filter(&q)
		case x < 92:
			filter(&q)
			if r.IntN(3) == 0 {
				filter(&q)
			}
		case x < 96:
			q.Page = 1 + r.IntN(5)
		default:
			q.Text = topic()
			q.Page = 2 + r.IntN(4)
		}
		qs[i] = q
	}
	return qs
}

// benchSchema creates a PostgreSQL schema for the benchmark, dropped when
// it ends, and returns dsn with its search_path set to it.
func benchSchema(b *testing.B, dsn string) string {
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { admin.Close() })
	schema := fmt.Sprintf("cairn_bench_%d", time.Now().UnixNano())
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			b.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		b.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
