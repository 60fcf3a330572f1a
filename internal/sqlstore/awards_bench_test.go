package sqlstore

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"cairn/internal/award"
	"cairn/internal/sqlstore/sqltest"
)

// BenchmarkBulkAward measures DI-signed bulk awards end to end (parse,
// preview, sign, status entries, store, outbox), CAIRN_BENCH_AWARDS rows
// (default 10,000) per iteration, on a SQLite file and, when
// CAIRN_TEST_POSTGRES is set, on PostgreSQL. Run it with -benchtime=1x.
func BenchmarkBulkAward(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("CAIRN_BENCH_AWARDS")); err == nil && v > 0 {
		n = v
	}
	engines := []struct {
		name string
		dsn  func(b *testing.B) string
	}{
		{"sqlite", func(b *testing.B) string {
			dsn := filepath.Join(b.TempDir(), "cairn.db")
			if c := os.Getenv("CAIRN_BENCH_SQLITE_CACHE"); c != "" {
				dsn = "file:" + dsn + "?_pragma=cache_size(" + c + ")"
			}
			return dsn
		}},
		{"postgres", func(b *testing.B) string {
			dsn := postgresDSN()
			if dsn == "" {
				b.Skip("CAIRN_TEST_POSTGRES is not set")
			}
			return sqltest.Schema(b, dsn)
		}},
	}
	for _, e := range engines {
		b.Run(e.name+"-"+strconv.Itoa(n), func(b *testing.B) {
			p := newAwardPipeline(b, newIssuerKey(b), award.FormatDI, nil)
			var last BulkAwardStats
			for b.Loop() {
				b.StopTimer()
				dsn := e.dsn(b)
				b.StartTimer()
				st, err := BenchBulkAward(b.Context(), dsn, n, p, nil)
				if err != nil {
					b.Fatal(err)
				}
				if st.Batch.Issued != n {
					b.Fatalf("issued %d of %d", st.Batch.Issued, n)
				}
				last = st
			}
			b.ReportMetric(float64(n)/last.Total.Seconds(), "awards/s")
			b.ReportMetric(last.Run.Seconds(), "run-s")
			b.ReportMetric(last.Preview.Seconds(), "preview-s")
			b.ReportMetric(float64(last.HeapPeak)/(1<<20), "heap-peak-MiB")
			b.ReportMetric(float64(last.HeapStart)/(1<<20), "heap-start-MiB")
		})
	}
}
