package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"cairn/internal/config"
	"cairn/internal/did"
	"cairn/internal/keys"
	"cairn/internal/org"
	"cairn/internal/proof"
	"cairn/internal/registry"
	"cairn/internal/sqlstore"
	"cairn/internal/web"
)

// Bounds on the load command's settings.
const (
	maxLoadSeconds     = 3600
	maxLoadConcurrency = 1024
	// loadCheckRequests are sent one by one before the measurement, so a
	// server that answers wrongly stops the run with the reason rather
	// than a count of errors.
	loadCheckRequests = 5
	// loadErrorSamples is how many distinct failures are printed.
	loadErrorSamples = 5
)

// Targets the issue sets for the speed of cairn's server (issue 4, item 9).
const (
	verifyTargetRPS   = 1500
	verifyTargetP99   = 50 * time.Millisecond
	registryTargetP99 = 20 * time.Millisecond
)

const loadUsage = `usage: cairn load verify [--seconds N] [--concurrency N] [--postgres URL]
       cairn load registry [--offerings N] [--seconds N] [--concurrency N] [--postgres URL]

Starts cairn's server in this process on 127.0.0.1 with a scratch SQLite
database (or, with --postgres, a scratch schema in that PostgreSQL
database, dropped afterwards), loads it with concurrent HTTP clients for the duration and prints
requests per second, latency percentiles and errors. Any failed request
(a transport error, a status other than 200, or a credential that does not
verify) counts as an error and makes the exit status 1.

  verify     POST /api/v1/verify with a Data Integrity (eddsa-rdfc-2022)
             signed credential issued by a fresh did:key
  registry   GET /api/v1/registry with a mix of searches over synthetic
             published offerings`

func cmdLoad(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(e.stderr, loadUsage)
			return nil
		}
		return usageError("%s", loadUsage)
	}
	mode := args[0]
	fs := newFlagSet(e, "load "+mode)
	fs.Usage = func() { fmt.Fprintln(e.stderr, loadUsage) }
	seconds := fs.Float64("seconds", 10, "how long to load the server, in `seconds`")
	concurrency := fs.Int("concurrency", 4*runtime.GOMAXPROCS(0), "how many `clients` send requests at once")
	postgres := fs.String("postgres", "", "run on a scratch schema in this PostgreSQL database (a postgres:// `URL`) instead of SQLite")
	var offerings *int
	switch mode {
	case "verify":
	case "registry":
		offerings = fs.Int("offerings", 100_000, "how many synthetic published `offerings` the registry holds")
	default:
		return usageError("cairn load: unknown mode %q\n%s", mode, loadUsage)
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	switch {
	case fs.NArg() != 0:
		return usageError("cairn load %s: unexpected argument %q", mode, fs.Arg(0))
	case !(*seconds > 0 && *seconds <= maxLoadSeconds):
		return usageError("cairn load %s: --seconds must be more than 0 and at most %d", mode, maxLoadSeconds)
	case *concurrency < 1 || *concurrency > maxLoadConcurrency:
		return usageError("cairn load %s: --concurrency must be from 1 to %d", mode, maxLoadConcurrency)
	case offerings != nil && (*offerings < 1 || *offerings > sqlstore.MaxLoadOfferings):
		return usageError("cairn load registry: --offerings must be from 1 to %d", sqlstore.MaxLoadOfferings)
	}

	dsn := *postgres
	if dsn == "" {
		dir, err := os.MkdirTemp("", "cairn-load-")
		if err != nil {
			return fmt.Errorf("scratch directory: %w", err)
		}
		defer os.RemoveAll(dir)
		dsn = filepath.Join(dir, "cairn.db")
	} else {
		scratch, drop, err := sqlstore.ScratchSchema(ctx, dsn)
		if err != nil {
			return fmt.Errorf("cairn load %s: %w", mode, err)
		}
		defer func() {
			if err := drop(context.WithoutCancel(ctx)); err != nil {
				fmt.Fprintln(e.stderr, "warning:", err)
			}
		}()
		dsn = scratch
	}
	store, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
	if err != nil {
		return fmt.Errorf("open scratch store: %w", err)
	}
	defer store.Close()

	var target loadTarget
	switch mode {
	case "verify":
		target, err = verifyTarget()
	case "registry":
		target, err = registryTarget(ctx, e, store, *offerings)
	}
	if err != nil {
		return err
	}

	url, stop, err := startLoadServer(store)
	if err != nil {
		return err
	}
	defer stop()

	client := &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        *concurrency,
			MaxIdleConnsPerHost: *concurrency,
			IdleConnTimeout:     time.Minute,
		},
	}
	defer client.CloseIdleConnections()
	for i := range loadCheckRequests {
		if err := target.send(ctx, client, url, i); err != nil {
			return fmt.Errorf("cairn load %s: the server does not answer as it should, so nothing was measured: %w", mode, err)
		}
	}
	res := drive(ctx, client, url, target, *concurrency, time.Duration(*seconds*float64(time.Second)))
	res.print(e.stdout, mode, target, *concurrency)
	for _, s := range res.samples {
		fmt.Fprintln(e.stderr, "error:", s)
	}
	if res.errors > 0 {
		return exitError{code: 1, err: fmt.Errorf("cairn load %s: %d of %d requests failed", mode, res.errors, res.requests)}
	}
	return nil
}

// loadTarget is what the load is: one request, and the goal it is held to.
type loadTarget struct {
	endpoint string
	// send makes the i-th request and checks its answer.
	send   func(ctx context.Context, c *http.Client, base string, i int) error
	minRPS float64       // 0: no goal
	maxP99 time.Duration // 0: no goal
	// note describes the data, e.g. how many offerings.
	note string
}

// verifyTarget posts a credential signed now by a fresh did:key, which
// the server resolves without the network, and wants it verified.
func verifyTarget() (loadTarget, error) {
	k, err := keys.Generate(keys.Ed25519)
	if err != nil {
		return loadTarget{}, err
	}
	issuer, err := did.KeyDID(k.Public())
	if err != nil {
		return loadTarget{}, err
	}
	eng := newEngine(nil, nil)
	cred := bytes.ReplaceAll(benchCredential, []byte("did:key:z6MkPLACEHOLDER"), []byte(issuer))
	signed, err := eng.di.Sign(cred, k.Signer(), proof.SignOptions{
		VerificationMethod: issuer + "#" + strings.TrimPrefix(issuer, "did:key:"),
		Created:            time.Now().Add(-time.Minute),
	})
	if err != nil {
		return loadTarget{}, fmt.Errorf("sign the load credential: %w", err)
	}
	return loadTarget{
		endpoint: "POST /api/v1/verify",
		minRPS:   verifyTargetRPS,
		maxP99:   verifyTargetP99,
		note:     fmt.Sprintf("a %d-byte eddsa-rdfc-2022 credential from a did:key", len(signed)),
		send: func(ctx context.Context, c *http.Client, base string, _ int) error {
			req, err := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/verify", bytes.NewReader(signed))
			if err != nil {
				return err
			}
			req.Header.Set("Content-Type", "application/json")
			var rep struct {
				Verified *bool    `json:"verified"`
				Errors   []string `json:"errors"`
			}
			if err := doJSON(c, req, &rep); err != nil {
				return err
			}
			switch {
			case rep.Verified == nil:
				return errors.New("the report has no verified member")
			case !*rep.Verified:
				return fmt.Errorf("the credential did not verify: %s", strings.Join(rep.Errors, "; "))
			}
			return nil
		},
	}, nil
}

// registryLoadQueries is how many different searches the registry load
// cycles through.
const registryLoadQueries = 10_000

// registryTarget fills the store with synthetic published offerings of
// one institution and searches them with the mix sqlstore draws.
func registryTarget(ctx context.Context, e env, store *sqlstore.Store, n int) (loadTarget, error) {
	inst := org.Institution{Slug: "loadu", Name: "Load University", Jurisdiction: "CA-BC", TimeZone: "America/Vancouver", PolicyProfile: "kpu-ac15"}
	if err := store.CreateInstitution(ctx, &inst); err != nil {
		return loadTarget{}, fmt.Errorf("create the load institution: %w", err)
	}
	start := time.Now()
	if err := store.SeedRegistryForLoad(ctx, inst.ID, n); err != nil {
		return loadTarget{}, fmt.Errorf("publish %d synthetic offerings: %w", n, err)
	}
	fmt.Fprintf(e.stderr, "published and indexed %d synthetic offerings in %.1fs\n", n, time.Since(start).Seconds())
	qs := sqlstore.RegistryLoadQueries([]string{inst.Slug}, registryLoadQueries)
	paths := make([]string, len(qs))
	for i, q := range qs {
		paths[i] = "/api/v1/registry"
		if v := q.Values().Encode(); v != "" {
			paths[i] += "?" + v
		}
	}
	return loadTarget{
		endpoint: "GET /api/v1/registry",
		maxP99:   registryTargetP99,
		note:     fmt.Sprintf("%d offerings on %s, %d different searches", n, store.Engine(), len(qs)),
		send: func(ctx context.Context, c *http.Client, base string, i int) error {
			req, err := http.NewRequestWithContext(ctx, "GET", base+paths[i%len(paths)], nil)
			if err != nil {
				return err
			}
			var res registry.Result
			return doJSON(c, req, &res)
		},
	}, nil
}

// doJSON sends req and decodes its 200 JSON answer into v; any other
// status is an error quoting the start of the answer.
func doJSON(c *http.Client, req *http.Request, v any) error {
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return fmt.Errorf("read the answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: status %d: %.200s", req.Method, req.URL.Path, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%s %s: the answer is not the JSON expected: %w", req.Method, req.URL.Path, err)
	}
	return nil
}

// startLoadServer serves the store as `cairn serve` would, with its
// request log formatted and thrown away, on a free loopback port.
func startLoadServer(store *sqlstore.Store) (url string, stop func(), err error) {
	cfg := config.Default()
	cfg.Addr = "127.0.0.1:0"
	cfg.AllowOutbound = false
	eng := newEngine(nil, nil)
	eng.verifier.Limits.MaxInputBytes = int(cfg.MaxUploadBytes)
	logger := slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: cfg.LogLevel}))
	srv, err := web.New(web.Deps{Config: cfg, Verifier: eng.verifier, Store: store, Logger: logger, Now: time.Now})
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return "", nil, fmt.Errorf("listen: %w", err)
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadTimeout:       cfg.ReadTimeout,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		hs.Serve(ln)
	}()
	return listenURL(ln.Addr()), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if hs.Shutdown(ctx) != nil {
			hs.Close()
		}
		<-done
	}, nil
}

// loadResult is what a load run measured.
type loadResult struct {
	elapsed   time.Duration
	cpu       time.Duration // used by the whole process meanwhile; 0 if unknown
	requests  int
	errors    int
	latencies []time.Duration // of the requests that succeeded
	samples   []string        // distinct failures, the first few
}

// drive runs concurrency clients that send requests back to back until
// the duration is over, timing each.
func drive(ctx context.Context, c *http.Client, base string, target loadTarget, concurrency int, d time.Duration) loadResult {
	ctx, cancel := context.WithTimeout(ctx, d+30*time.Second)
	defer cancel()
	var (
		next    atomic.Int64
		mu      sync.Mutex
		res     loadResult
		wg      sync.WaitGroup
		samples = map[string]bool{}
	)
	cpu0, cpuOK := processCPU()
	start := time.Now()
	deadline := start.Add(d)
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			var failed []string
			n := 0
			for time.Now().Before(deadline) && ctx.Err() == nil {
				i := int(next.Add(1))
				t0 := time.Now()
				err := target.send(ctx, c, base, i)
				n++
				if err != nil {
					failed = append(failed, err.Error())
					continue
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			defer mu.Unlock()
			res.requests += n
			res.errors += len(failed)
			res.latencies = append(res.latencies, lat...)
			for _, f := range failed {
				if !samples[f] && len(res.samples) < loadErrorSamples {
					samples[f] = true
					res.samples = append(res.samples, f)
				}
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	if cpu1, ok := processCPU(); ok && cpuOK {
		res.cpu = cpu1 - cpu0
	}
	slices.Sort(res.latencies)
	return res
}

// percentile is the nearest-rank percentile p (0 to 100) of sorted
// latencies; 0 when there are none.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// print writes the figures as NAME VALUE lines, then whether the issue's
// targets were met.
func (r loadResult) print(w io.Writer, mode string, t loadTarget, concurrency int) {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond)) }
	rps := float64(r.requests-r.errors) / r.elapsed.Seconds()
	p99 := percentile(r.latencies, 99)
	var b strings.Builder
	line := func(name, value string) { fmt.Fprintf(&b, "%-19s %s\n", name, value) }
	line("mode", mode)
	line("endpoint", t.endpoint)
	line("data", t.note)
	line("cpus", fmt.Sprintf("%d (GOMAXPROCS %d; the load clients run in the same process)", runtime.NumCPU(), runtime.GOMAXPROCS(0)))
	line("concurrency", fmt.Sprint(concurrency))
	line("seconds", fmt.Sprintf("%.2f", r.elapsed.Seconds()))
	line("requests", fmt.Sprint(r.requests))
	line("errors", fmt.Sprint(r.errors))
	line("rps", fmt.Sprintf("%.1f", rps))
	line("p50_ms", ms(percentile(r.latencies, 50)))
	line("p95_ms", ms(percentile(r.latencies, 95)))
	line("p99_ms", ms(p99))
	line("max_ms", ms(percentile(r.latencies, 100)))
	if r.cpu > 0 && r.requests > 0 {
		// CPU time is what the figures would be on CPUs no one else
		// uses: a shared machine lowers rps and raises latency, not this.
		per := r.cpu / time.Duration(r.requests)
		line("cpu_ms_per_request", ms(per)+" (server and load clients together)")
		line("cpu_bound_rps", fmt.Sprintf("%.0f (%d CPUs / CPU per request)", float64(runtime.NumCPU())*float64(time.Second)/float64(per), runtime.NumCPU()))
	}
	var goals, missed []string
	if t.minRPS > 0 {
		goals = append(goals, fmt.Sprintf("rps >= %.0f", t.minRPS))
		if rps < t.minRPS {
			missed = append(missed, "rps")
		}
	}
	if t.maxP99 > 0 {
		goals = append(goals, fmt.Sprintf("p99 <= %s ms", ms(t.maxP99)))
		if p99 > t.maxP99 {
			missed = append(missed, "p99")
		}
	}
	if len(goals) > 0 {
		verdict := "met"
		if len(missed) > 0 || r.errors > 0 {
			verdict = "not met"
		}
		line("target", strings.Join(goals, ", ")+": "+verdict)
	}
	io.WriteString(w, b.String())
}
