package sqlstore

import (
	"os"
	"slices"
	"testing"
	"time"

	"cairn/internal/org"
)

// Temporary profiling helper; removed before the report.
func TestZZPGProfile(t *testing.T) {
	dsn := os.Getenv("REGPROF_PG")
	if dsn == "" {
		t.Skip()
	}
	ctx := t.Context()
	s, err := Open(ctx, dsn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	insts := []string{"kpu", "yukonu", "coastal"}
	if _, err := s.InstitutionBySlug(ctx, "kpu"); err != nil {
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
	var ls []lat
	for i, q := range qs {
		st := time.Now()
		if _, err := s.SearchRegistry(ctx, q); err != nil {
			t.Fatal(err)
		}
		ls = append(ls, lat{time.Since(st), i})
	}
	slices.SortFunc(ls, func(a, b lat) int { return int(a.d - b.d) })
	t.Logf("p50 %v p90 %v p99 %v max %v", ls[len(ls)/2].d, ls[len(ls)*9/10].d, ls[len(ls)*99/100].d, ls[len(ls)-1].d)
	for _, l := range ls[len(ls)-30:] {
		q := qs[l.i]
		st := time.Now()
		res, _ := s.SearchRegistry(ctx, q)
		t.Logf("%8.2fms again %8.2fms total=%d more=%v %+v", float64(l.d.Microseconds())/1000, float64(time.Since(st).Microseconds())/1000, res.Total, res.More, q)
	}
}
