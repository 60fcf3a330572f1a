package sqlstore

import (
	"strings"
	"runtime"
	"syscall"
	"os"
	"slices"
	"testing"
	"time"

	"cairn/internal/org"
	"cairn/internal/registry"
)

// Temporary profiling helper; removed before the report.
func TestZZRegistryProfile(t *testing.T) {
	path := os.Getenv("REGPROF_DB")
	if path == "" {
		t.Skip()
	}
	ctx := t.Context()
	_, statErr := os.Stat(strings.Split(strings.TrimPrefix(path, "file:"), "?")[0])
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	insts := []string{"kpu", "yukonu", "coastal"}
	if statErr != nil {
		for i, slug := range insts {
			inst := org.Institution{Slug: slug, Name: "University of " + slug, Jurisdiction: "CA-BC", TimeZone: "America/Vancouver", PolicyProfile: "kpu-ac15"}
			if err := s.CreateInstitution(ctx, &inst); err != nil {
				t.Fatal(err)
			}
			n := 33333
			if i == 0 {
				n++
			}
			if err := s.SeedRegistryForLoad(ctx, inst.ID, n); err != nil {
				t.Fatal(err)
			}
		}
	}
	qs := RegistryLoadQueries(insts, 2000)
	for _, q := range qs {
		s.SearchRegistry(ctx, q)
	}
	type lat struct {
		d time.Duration
		i int
	}
	var ls, cs []lat
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cpu := func() time.Duration {
		var ru syscall.Rusage
		syscall.Getrusage(1, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	for round := 0; round < 2; round++ {
		for i, q := range qs {
			st := time.Now()
			c0 := cpu()
			if _, err := s.SearchRegistry(ctx, q); err != nil {
				t.Fatal(err)
			}
			if round == 1 {
				ls = append(ls, lat{time.Since(st), i})
				cs = append(cs, lat{cpu() - c0, i})
			}
		}
	}
	slices.SortFunc(cs, func(a, b lat) int { return int(a.d - b.d) })
	t.Logf("CPU: p50 %v p90 %v p99 %v max %v", cs[len(cs)/2].d, cs[len(cs)*9/10].d, cs[len(cs)*99/100].d, cs[len(cs)-1].d)
	slices.SortFunc(ls, func(a, b lat) int { return int(a.d - b.d) })
	t.Logf("p50 %v p90 %v p99 %v max %v", ls[len(ls)/2].d, ls[len(ls)*9/10].d, ls[len(ls)*99/100].d, ls[len(ls)-1].d)
	for _, l := range ls[len(ls)-40:] {
		q := qs[l.i]
		res, _ := s.SearchRegistry(ctx, q)
		t.Logf("%8.2fms total=%d more=%v %+v", float64(l.d.Microseconds())/1000, res.Total, res.More, q)
	}
}

func TestZZRegistryPhases(t *testing.T) {
	path := os.Getenv("REGPROF_DB")
	if path == "" {
		t.Skip()
	}
	ctx := t.Context()
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	med := func(f func()) time.Duration {
		var ds []time.Duration
		for range 15 {
			st := time.Now()
			f()
			ds = append(ds, time.Since(st))
		}
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	for _, text := range []string{"voba", "ekvenmivo", "katerros", "ventuyar", "finzoul", "voos baulpra", "teryaryarwes"} {
		q, _ := registryQuery(text).Normalize()
		terms := q.Terms()
		var ms []match
		collect := med(func() {
			s.ReadTx(ctx, func(tx *Tx) error { ms, err = tx.collectMatches(q, terms); return err })
		})
		rank := med(func() {
			s.ReadTx(ctx, func(tx *Tx) error { return tx.rankMatches(terms, slices.Clone(ms)) })
		})
		whole := med(func() { s.SearchRegistry(ctx, q) })
		t.Logf("%-14s matches %4d collect %v rank %v whole %v", text, len(ms), collect, rank, whole)
	}
}

func registryQuery(text string) registry.Query { return registry.Query{Text: text} }

func TestZZRegistryFTS(t *testing.T) {
	path := os.Getenv("REGPROF_DB")
	if path == "" {
		t.Skip()
	}
	ctx := t.Context()
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cpu := func() time.Duration {
		var ru syscall.Rusage
		syscall.Getrusage(1, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	med := func(query string, args ...any) (time.Duration, int) {
		var ds []time.Duration
		n := 0
		for range 15 {
			c0 := cpu()
			rows, err := s.db.QueryContext(ctx, query, args...)
			if err != nil {
				t.Fatal(err)
			}
			n = 0
			for rows.Next() {
				n++
			}
			rows.Close()
			ds = append(ds, cpu()-c0)
		}
		slices.Sort(ds)
		return ds[len(ds)/2], n
	}
	for _, m := range []string{`{title competencies body} : "voos"*`, `{title competencies body} : "baulpra"*`, `{title competencies body} : "voos"`, `{title competencies body} : "vo"*`, `{title competencies body} : "voba"*`, `{title competencies body} : "voba"`, `{title competencies body} : "voos"* AND {title competencies body} : "baulpra"*`,
		`{title competencies body} : "katerros"*`, `{title competencies body} : "katerros"`} {
		d1, n1 := med(`SELECT rowid FROM registry_text WHERE registry_text MATCH ? ORDER BY rowid DESC LIMIT 1001`, m)
		d2, n2 := med(`SELECT e.offering_id, e.title_key FROM registry_text JOIN registry_entries e ON e.offering_id = registry_text.rowid WHERE registry_text MATCH ? ORDER BY registry_text.rowid DESC LIMIT 1001`, m)
		t.Logf("%-80s fts %v (%d)  join %v (%d)", m, d1, n1, d2, n2)
	}
}
