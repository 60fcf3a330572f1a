package main

import (
	"database/sql"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// loadFigures reads the NAME VALUE lines cairn load prints.
func loadFigures(t *testing.T, out string) map[string]string {
	t.Helper()
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		name, value, ok := strings.Cut(line, " ")
		if !ok {
			t.Fatalf("line %q is not NAME VALUE", line)
		}
		got[name] = strings.TrimSpace(value)
	}
	return got
}

// TestLoad runs each load mode briefly with small sizes: every request
// succeeds, and the figures are printed, numeric and consistent.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load runs a server for a second per mode")
	}
	type run struct {
		name, mode string
		args       []string
		endpoint   string
	}
	runs := []run{
		{"verify", "verify", []string{"load", "verify", "--seconds", "1", "--concurrency", "2"}, "POST /api/v1/verify"},
		{"registry", "registry", []string{"load", "registry", "--offerings", "300", "--seconds", "1", "--concurrency", "2"}, "GET /api/v1/registry"},
	}
	dsn := os.Getenv("CAIRN_TEST_POSTGRES")
	if dsn != "" {
		runs = append(runs, run{"registry-postgres", "registry",
			[]string{"load", "registry", "--offerings", "300", "--seconds", "1", "--concurrency", "2", "--postgres", dsn}, "GET /api/v1/registry"})
	} else {
		t.Log("CAIRN_TEST_POSTGRES is not set: cairn load --postgres is not run")
	}
	for _, tt := range runs {
		t.Run(tt.name, func(t *testing.T) {
			var before int
			if strings.HasSuffix(tt.name, "postgres") {
				before = scratchSchemas(t, dsn)
			}
			out, stderr, code := cli(t, "", tt.args...)
			if code != 0 {
				t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
			}
			f := loadFigures(t, out)
			if f["mode"] != tt.mode || f["endpoint"] != tt.endpoint || f["concurrency"] != "2" || f["errors"] != "0" {
				t.Errorf("got mode %q endpoint %q concurrency %q errors %q, want %s, %s, 2, 0:\n%s", f["mode"], f["endpoint"], f["concurrency"], f["errors"], tt.mode, tt.endpoint, out)
			}
			num := func(name string) float64 {
				v, err := strconv.ParseFloat(f[name], 64)
				if err != nil {
					t.Errorf("%s: %q is not a number:\n%s", name, f[name], out)
				}
				return v
			}
			secs, reqs, rps := num("seconds"), num("requests"), num("rps")
			if secs < 1 || secs > 30 {
				t.Errorf("ran %.2fs, want about 1s", secs)
			}
			if reqs < 1 || rps <= 0 || rps > reqs/secs*1.01 || rps < reqs/secs*0.99 {
				t.Errorf("requests %v in %vs but rps %v", reqs, secs, rps)
			}
			p50, p95, p99, maxMS := num("p50_ms"), num("p95_ms"), num("p99_ms"), num("max_ms")
			if p50 <= 0 || p50 > p95 || p95 > p99 || p99 > maxMS {
				t.Errorf("latencies not ordered: p50 %v p95 %v p99 %v max %v", p50, p95, p99, maxMS)
			}
			if runtime.GOOS == "linux" {
				cpu, _, _ := strings.Cut(f["cpu_ms_per_request"], " ")
				bound, _, _ := strings.Cut(f["cpu_bound_rps"], " ")
				c, err1 := strconv.ParseFloat(cpu, 64)
				b, err2 := strconv.ParseFloat(bound, 64)
				if err1 != nil || err2 != nil || c <= 0 || b <= 0 {
					t.Errorf("cpu_ms_per_request %q and cpu_bound_rps %q are not positive numbers", f["cpu_ms_per_request"], f["cpu_bound_rps"])
				}
			}
			if !strings.HasSuffix(f["target"], ": met") && !strings.HasSuffix(f["target"], ": not met") {
				t.Errorf("target line %q says neither met nor not met", f["target"])
			}
			if strings.HasSuffix(tt.name, "postgres") {
				if !strings.Contains(out, "on postgres") {
					t.Errorf("the figures do not say they were measured on PostgreSQL:\n%s", out)
				}
				if after := scratchSchemas(t, dsn); after != before {
					t.Errorf("%d scratch schemas before the run, %d after: the run's schema was not dropped", before, after)
				}
			}
		})
	}
}

// scratchSchemas counts the scratch schemas in the PostgreSQL database.
func scratchSchemas(t *testing.T, dsn string) int {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'cairn\_scratch\_%'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestLoadUsage(t *testing.T) {
	for _, args := range [][]string{
		{"load"},
		{"load", "fly"},
		{"load", "verify", "--seconds", "0"},
		{"load", "verify", "--seconds", "NaN"},
		{"load", "verify", "--concurrency", "0"},
		{"load", "verify", "--offerings", "10"},
		{"load", "registry", "--offerings", "0"},
		{"load", "registry", "extra"},
		{"load", "registry", "--postgres"},
	} {
		if _, stderr, code := cli(t, "", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, stderr)
		}
	}
}

func TestPercentile(t *testing.T) {
	var lat []time.Duration
	for i := 1; i <= 200; i++ {
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	for p, want := range map[float64]time.Duration{50: 100 * time.Millisecond, 99: 198 * time.Millisecond, 100: 200 * time.Millisecond, 0: time.Millisecond} {
		if got := percentile(lat, p); got != want {
			t.Errorf("p%v: got %v, want %v", p, got, want)
		}
	}
	if got := percentile(nil, 99); got != 0 {
		t.Errorf("p99 of nothing: got %v", got)
	}
}
