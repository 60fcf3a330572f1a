package sqlstore

// TEMPORARY iteration harness (registry search perf); delete before commit.

import (
	"net/url"
	"os"
	"slices"
	"testing"
	"time"

	"cairn/internal/org"
	"cairn/internal/registry"
)

func TestZZRegSW(t *testing.T) {
	target := os.Getenv("REGSW")
	if target == "" {
		t.Skip()
	}
	ctx := t.Context()
	var s *Store
	var err error
	fresh := false
	if target == "sqlite" {
		path := "/tmp/regsw/cairn.db"
		_, statErr := os.Stat(path)
		fresh = statErr != nil
		s, err = Open(ctx, path, Options{})
	} else {
		u, _ := url.Parse(postgresDSN())
		q := u.Query()
		q.Set("search_path", "regsw")
		u.RawQuery = q.Encode()
		fresh = os.Getenv("REGSW_LOAD") != ""
		s, err = Open(ctx, u.String(), Options{})
	}
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	institutions := []string{"kpu", "yukonu", "coastal"}
	if fresh {
		for i, slug := range institutions {
			inst := org.Institution{Slug: slug, Name: "University of " + capitalizeWord(slug), Jurisdiction: "CA-BC",
				TimeZone: "America/Vancouver", PolicyProfile: "kpu-ac15"}
			if err := s.CreateInstitution(ctx, &inst); err != nil {
				t.Fatal(err)
			}
			n := benchOfferings / len(institutions)
			if i == 0 {
				n += benchOfferings % len(institutions)
			}
			if err := s.SeedRegistryForLoad(ctx, inst.ID, n); err != nil {
				t.Fatal(err)
			}
		}
	}
	queries := RegistryLoadQueries(institutions, benchQueries)
	for _, q := range queries {
		if _, err := s.SearchRegistry(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	type r struct {
		d     time.Duration
		q     registry.Query
		total int
	}
	var rs []r
	for _, q := range queries {
		t0 := time.Now()
		res, err := s.SearchRegistry(ctx, q)
		d := time.Since(t0)
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, r{d, q, res.Total})
	}
	slices.SortFunc(rs, func(a, b r) int { return int(a.d - b.d) })
	t.Logf("p50 %v p99 %v max %v", rs[len(rs)/2].d, rs[int(0.99*float64(len(rs)-1))].d, rs[len(rs)-1].d)
	for _, x := range rs[len(rs)-40:] {
		t.Logf("%8v total=%4d %+v", x.d.Round(10*time.Microsecond), x.total, x.q)
	}
}
