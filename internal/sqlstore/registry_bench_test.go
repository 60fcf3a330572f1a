package sqlstore

import (
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"cairn/internal/catalog"
	"cairn/internal/org"
	"cairn/internal/registry"
	"cairn/internal/sqlstore/sqltest"
)

// benchOfferings is how many published offerings the registry benchmark
// searches.
const benchOfferings = 100_000

// benchQueries is how many distinct searches the benchmark cycles
// through, and how many it times one by one for the percentiles.
const benchQueries = 2000

// BenchmarkSearchRegistry100k measures registry search over 100,000
// published offerings in three institutions, written by
// SeedRegistryForLoad in a 5,000-word vocabulary used with a Zipf
// distribution (so a few words are in nearly every description, as "and"
// and "skills" are), with the mix of searches RegistryLoadQueries draws:
// topical words and pairs, words most offerings contain, text with a
// filter, filters alone, browsing, and later pages.
// Besides ns/op over the mix it reports the 50th and 99th percentile and
// the slowest of 2,000 searches timed one by one (p50-ms, p99-ms, max-ms),
// on SQLite under Linux the 99th percentile of the CPU time each search
// took (cpu-p99-ms, which other processes on a busy machine do not
// inflate as they do the wall clock), and logs how long loading and
// indexing took. It runs on a SQLite file and, when CAIRN_TEST_POSTGRES
// is set, on PostgreSQL; -short skips it.
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
		s, err := Open(b.Context(), sqltest.Schema(b, dsn), Options{})
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
	institutions := []string{"kpu", "yukonu", "coastal"}
	for i, slug := range institutions {
		inst := org.Institution{Slug: slug, Name: "University of " + capitalizeWord(slug), Jurisdiction: "CA-BC",
			TimeZone: "America/Vancouver", PolicyProfile: "kpu-ac15"}
		if err := s.CreateInstitution(ctx, &inst); err != nil {
			b.Fatal(err)
		}
		n := benchOfferings / len(institutions)
		if i == 0 {
			n += benchOfferings % len(institutions)
		}
		if err := s.SeedRegistryForLoad(ctx, inst.ID, n); err != nil {
			b.Fatal(err)
		}
	}
	loaded := time.Since(start)
	all, err := s.SearchRegistry(ctx, registry.Query{})
	if err != nil {
		b.Fatal(err)
	}
	if all.Total != registry.MaxResults || !all.More {
		b.Fatalf("the registry lists %d offerings (more: %v), want more than %d", all.Total, all.More, registry.MaxResults)
	}

	queries := RegistryLoadQueries(institutions, benchQueries)
	for _, q := range queries { // warm the caches
		if _, err := s.SearchRegistry(ctx, q); err != nil {
			b.Fatalf("search %+v: %v", q, err)
		}
	}
	// Each search is timed by the clock and, where the system tells, by
	// the CPU time of the thread it runs on (SQLite runs in the calling
	// goroutine): on a busy machine the wall-clock tail measures the
	// other processes as much as the search.
	runtime.LockOSThread()
	lat := make([]time.Duration, len(queries))
	cpu := make([]time.Duration, len(queries))
	_, haveCPU := threadCPU()
	matched := 0
	for i, q := range queries {
		c0, _ := threadCPU()
		t := time.Now()
		res, err := s.SearchRegistry(ctx, q)
		lat[i] = time.Since(t)
		c1, _ := threadCPU()
		cpu[i] = c1 - c0
		if err != nil {
			b.Fatal(err)
		}
		if res.Total > 0 {
			matched++
		}
	}
	runtime.UnlockOSThread()
	slices.Sort(lat)
	slices.Sort(cpu)
	pctOf := func(ds []time.Duration, p float64) float64 {
		return float64(ds[int(p*float64(len(ds)-1))]) / float64(time.Millisecond)
	}
	pct := func(p float64) float64 { return pctOf(lat, p) }
	b.Logf("%s: loaded and indexed %d offerings in %v; %d of %d searches matched something; p50 %.2f ms, p99 %.2f ms, max %.2f ms",
		s.Engine(), benchOfferings, loaded.Round(time.Millisecond), matched, len(queries), pct(0.50), pct(0.99), pct(1))
	if haveCPU && s.Engine() == SQLite {
		b.Logf("sqlite: CPU time per search: p50 %.2f ms, p99 %.2f ms, max %.2f ms", pctOf(cpu, 0.5), pctOf(cpu, 0.99), pctOf(cpu, 1))
	}

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
	if haveCPU && s.Engine() == SQLite {
		b.ReportMetric(pctOf(cpu, 0.99), "cpu-p99-ms")
	}
}

// bulkPublish inserts n offerings, each with its version 1 approved,
// straight into the tables, thousands to a transaction; next gives the
// i-th one's institution, unit (0 for none), form and status. Nothing is
// queued for the registry: Reindex indexes them.
func bulkPublish(tb testing.TB, s *Store, n int, next func(i int) (institutionID, unitID int64, f catalog.Form, status catalog.Status)) {
	tb.Helper()
	if _, err := s.publishSynthetic(tb.Context(), n, false, next); err != nil {
		tb.Fatal(err)
	}
}
