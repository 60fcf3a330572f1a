package web

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	rtmetrics "runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// unmatchedRoute labels requests that no route matched. Labels are route
// patterns, never raw paths, so the number of series stays bounded
// whatever clients send.
const unmatchedRoute = "unmatched"

// metrics counts what /metrics reports, in Prometheus terms.
type metrics struct {
	buckets []float64 // upper bounds of the latency histogram, in seconds

	mu       sync.Mutex
	requests map[string]map[string]uint64 // route → status class → count
	latency  map[string]*histogram        // route → histogram

	verifiedCount    atomic.Uint64
	notVerifiedCount atomic.Uint64
}

type histogram struct {
	counts []uint64 // per bucket, not cumulative
	sum    float64
	count  uint64
}

func newMetrics(routes []route) *metrics {
	m := &metrics{
		buckets:  []float64{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
		requests: map[string]map[string]uint64{},
		latency:  map[string]*histogram{},
	}
	// Every route has a histogram from the start, so series do not appear
	// out of nowhere on first use.
	for _, rt := range routes {
		m.latency[rt.name()] = &histogram{counts: make([]uint64, len(m.buckets))}
	}
	m.latency[unmatchedRoute] = &histogram{counts: make([]uint64, len(m.buckets))}
	return m
}

// request records one answered request.
func (m *metrics) request(route string, status int, d time.Duration) {
	class := strconv.Itoa(status/100) + "xx"
	sec := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	byClass := m.requests[route]
	if byClass == nil {
		byClass = map[string]uint64{}
		m.requests[route] = byClass
	}
	byClass[class]++
	h := m.latency[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(m.buckets))}
		m.latency[route] = h
	}
	if i, _ := slices.BinarySearch(m.buckets, sec); i < len(m.buckets) {
		h.counts[i]++
	}
	h.sum += sec
	h.count++
}

// verified records one verification verdict.
func (m *metrics) verified(ok bool) {
	if ok {
		m.verifiedCount.Add(1)
	} else {
		m.notVerifiedCount.Add(1)
	}
}

// write writes every metric in the Prometheus text exposition format,
// series sorted so the output is stable.
func (m *metrics) write(w io.Writer) error {
	var b bytes.Buffer
	m.mu.Lock()
	header(&b, "cairn_http_requests_total", "counter", "HTTP requests answered, by route pattern and status class.")
	for _, route := range sortedKeys(m.requests) {
		for _, class := range sortedKeys(m.requests[route]) {
			fmt.Fprintf(&b, "cairn_http_requests_total{route=%s,class=%s} %d\n", label(route), label(class), m.requests[route][class])
		}
	}
	header(&b, "cairn_http_request_duration_seconds", "histogram", "Time to answer HTTP requests, by route pattern.")
	for _, route := range sortedKeys(m.latency) {
		h := m.latency[route]
		var cum uint64
		for i, le := range m.buckets {
			cum += h.counts[i]
			fmt.Fprintf(&b, "cairn_http_request_duration_seconds_bucket{route=%s,le=%s} %d\n", label(route), label(formatFloat(le)), cum)
		}
		fmt.Fprintf(&b, "cairn_http_request_duration_seconds_bucket{route=%s,le=\"+Inf\"} %d\n", label(route), h.count)
		fmt.Fprintf(&b, "cairn_http_request_duration_seconds_sum{route=%s} %s\n", label(route), formatFloat(h.sum))
		fmt.Fprintf(&b, "cairn_http_request_duration_seconds_count{route=%s} %d\n", label(route), h.count)
	}
	m.mu.Unlock()

	header(&b, "cairn_verifications_total", "counter", "Credentials verified, by verdict.")
	fmt.Fprintf(&b, "cairn_verifications_total{verdict=\"verified\"} %d\n", m.verifiedCount.Load())
	fmt.Fprintf(&b, "cairn_verifications_total{verdict=\"not_verified\"} %d\n", m.notVerifiedCount.Load())

	samples := []rtmetrics.Sample{
		{Name: "/sched/goroutines:goroutines"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/gc/cycles/total:gc-cycles"},
	}
	rtmetrics.Read(samples)
	for i, def := range []struct{ name, typ, help string }{
		{"go_goroutines", "gauge", "Goroutines that currently exist."},
		{"go_memstats_heap_alloc_bytes", "gauge", "Bytes of allocated heap objects."},
		{"go_memstats_sys_bytes", "gauge", "Bytes of memory obtained from the operating system."},
		{"go_gc_cycles_total", "counter", "Completed garbage collection cycles."},
	} {
		header(&b, def.name, def.typ, def.help)
		fmt.Fprintf(&b, "%s %d\n", def.name, sampleValue(samples[i]))
	}
	_, err := w.Write(b.Bytes())
	return err
}

func header(b *bytes.Buffer, name, typ, help string) {
	fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
}

func sampleValue(s rtmetrics.Sample) uint64 {
	if s.Value.Kind() == rtmetrics.KindUint64 {
		return s.Value.Uint64()
	}
	return 0
}

// label quotes a label value as the exposition format requires.
func label(v string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(v) + `"`
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.metrics.write(w); err != nil {
		// The client went away mid-answer; there is no one to tell.
		s.log.DebugContext(r.Context(), "write metrics", "error", err)
	}
	return nil
}
