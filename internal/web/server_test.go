package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"cairn/internal/apperror"
	"cairn/internal/config"
)

func contextWithInfo(r *http.Request, info *requestInfo) context.Context {
	return context.WithValue(r.Context(), infoKey{}, info)
}

func TestRoutes(t *testing.T) {
	f := newFixture(t, nil)
	tests := []struct {
		name, method, target string
		status               int
		contentType          string
	}{
		{"health", "GET", "/healthz", 200, "application/json"},
		{"health by HEAD", "HEAD", "/healthz", 200, "application/json"},
		{"metrics", "GET", "/metrics", 200, "text/plain; version=0.0.4"},
		{"openapi", "GET", "/api/openapi.json", 200, "application/json"},
		{"verification page", "GET", "/verify", 200, "text/html"},
		{"home redirects to the verification page", "GET", "/", 303, ""},
		{"stylesheet", "GET", "/static/style.css", 200, "text/css"},
		{"script", "GET", "/static/verify.js", 200, "text/javascript"},
		{"missing static file is not found", "GET", "/static/nope.css", 404, "text/html"},
		{"unknown page is not found as HTML", "GET", "/nowhere", 404, "text/html"},
		{"unknown API address is not found as a problem", "GET", "/api/v1/nowhere", 404, "application/problem+json"},
		{"JSON client gets a problem for an unknown address", "GET", "/nowhere", 404, "application/problem+json"},
		{"wrong method on API route is a problem", "GET", "/api/v1/verify", 405, "application/problem+json"},
		{"wrong method on VC API route is a problem", "PUT", "/credentials/verify", 405, "application/problem+json"},
		{"wrong method on a page is HTML", "DELETE", "/verify", 405, "text/html"},
		{"empty API verify body is invalid", "POST", "/api/v1/verify", 400, "application/problem+json"},
		{"empty VC API body is invalid", "POST", "/credentials/verify", 400, "application/problem+json"},
		{"empty presentation body is invalid", "POST", "/presentations/verify", 400, "application/problem+json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := map[string]string{}
			if strings.HasPrefix(tt.name, "JSON client") {
				header["Accept"] = "application/json"
			}
			rec := f.do(t, tt.method, tt.target, nil, header)
			wantStatus(t, rec, tt.status, tt.contentType)
		})
	}
}

func TestHealthz(t *testing.T) {
	f := newFixture(t, nil)
	rec := f.do(t, "GET", "/healthz", nil, nil)
	wantStatus(t, rec, 200, "application/json")
	if got := decode[map[string]string](t, rec); got["status"] != "ok" {
		t.Errorf("got %v, want status ok", got)
	}
}

func TestMethodNotAllowedKeepsAllow(t *testing.T) {
	f := newFixture(t, nil)
	rec := f.do(t, "GET", "/credentials/verify", nil, nil)
	if got := rec.Header().Get("Allow"); !strings.Contains(got, "POST") {
		t.Errorf("Allow: got %q, want POST", got)
	}
	p := decode[problem](t, rec)
	if p.Status != 405 || p.Title != "Method Not Allowed" {
		t.Errorf("got %+v, want a 405 problem", p)
	}
}

func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t, nil)
	for _, target := range []string{"/verify", "/healthz", "/nowhere", "/static/style.css"} {
		t.Run(target, func(t *testing.T) {
			rec := f.do(t, "GET", target, nil, nil)
			h := rec.Header()
			csp := h.Get("Content-Security-Policy")
			for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "default-src 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("CSP %q lacks %q", csp, want)
				}
			}
			if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
				t.Errorf("CSP %q allows inline or eval", csp)
			}
			for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"} {
				if got := h.Get(k); got != want {
					t.Errorf("%s: got %q, want %q", k, got, want)
				}
			}
			if h.Get("Strict-Transport-Security") != "" {
				t.Error("HSTS sent without an https base URL")
			}
		})
	}
}

func TestHSTSWithHTTPSBaseURL(t *testing.T) {
	f := newFixture(t, func(c *config.Config) { c.BaseURL = "https://cairn.example.edu" })
	if got := f.do(t, "GET", "/healthz", nil, nil).Header().Get("Strict-Transport-Security"); got == "" {
		t.Error("no HSTS header with an https base URL")
	}
}

func TestRequestID(t *testing.T) {
	f := newFixture(t, nil)
	tests := []struct {
		name, given string
		kept        bool
	}{
		{"none given", "", false},
		{"plain one kept", "proxy-1234-abcd", true},
		{"one with spaces replaced", "not a good id", false},
		{"overlong one replaced", strings.Repeat("a", 65), false},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := f.do(t, "GET", "/healthz", nil, map[string]string{"X-Request-Id": tt.given})
			got := rec.Header().Get("X-Request-Id")
			if tt.kept && got != tt.given {
				t.Errorf("got %q, want the given %q", got, tt.given)
			}
			if !tt.kept && (got == tt.given || len(got) < 16) {
				t.Errorf("got %q, want a fresh random ID", got)
			}
			if seen[got] {
				t.Errorf("request ID %q reused", got)
			}
			seen[got] = true
		})
	}
}

func TestAccessLog(t *testing.T) {
	f := newFixture(t, nil)
	rec := f.do(t, "GET", "/healthz?token=secret-in-query", nil, nil)
	id := rec.Header().Get("X-Request-Id")
	var entry map[string]any
	for line := range strings.SplitSeq(f.logs.String(), "\n") {
		if strings.Contains(line, `"msg":"request"`) {
			if err := json.Unmarshal([]byte(line), &entry); err != nil {
				t.Fatal(err)
			}
		}
	}
	if entry == nil {
		t.Fatalf("no access log entry in %s", f.logs)
	}
	for k, want := range map[string]any{"request_id": id, "method": "GET", "path": "/healthz", "route": "GET /healthz", "status": float64(200)} {
		if entry[k] != want {
			t.Errorf("log %s: got %v, want %v", k, entry[k], want)
		}
	}
	if strings.Contains(f.logs.String(), "secret-in-query") {
		t.Error("the access log shows the query string")
	}
}

func TestFailMapsErrors(t *testing.T) {
	f := newFixture(t, nil)
	tests := []struct {
		name   string
		err    error
		status int
		detail string // shown to the client; "" means the generic message
	}{
		{"invalid", apperror.Field("title", "is required"), 400, "is required"},
		{"not found", apperror.New(apperror.NotFound, "no such offering"), 404, "no such offering"},
		{"conflict", apperror.New(apperror.Conflict, "already approved"), 409, "already approved"},
		{"unauthorized", apperror.New(apperror.Unauthorized, "sign in first"), 401, "sign in first"},
		{"forbidden", apperror.New(apperror.Forbidden, "not yours"), 403, "not yours"},
		{"wrapped", fmt.Errorf("load case: %w", apperror.New(apperror.NotFound, "no such case")), 404, "no such case"},
		{"apperror internal", apperror.New(apperror.Internal, "disk /srv/secret full"), 500, ""},
		{"plain error", errors.New("pq: password authentication failed for user cairn"), 500, ""},
		{"body too large", &http.MaxBytesError{Limit: 1 << 20}, 413, "1 MiB"},
	}
	for _, tt := range tests {
		for _, isAPI := range []bool{true, false} {
			name := tt.name + map[bool]string{true: " as problem", false: " as page"}[isAPI]
			t.Run(name, func(t *testing.T) {
				req := httptest.NewRequest("GET", "/x", nil)
				info := &requestInfo{id: "req-0001", route: "GET /x", api: isAPI}
				req = req.WithContext(contextWithInfo(req, info))
				rec := httptest.NewRecorder()
				f.srv.fail(rec, req, tt.err)
				if rec.Code != tt.status {
					t.Errorf("status: got %d, want %d", rec.Code, tt.status)
				}
				body := rec.Body.String()
				if tt.status >= 500 {
					if strings.Contains(body, tt.err.Error()) || strings.Contains(body, "secret") || strings.Contains(body, "password") {
						t.Errorf("internal details shown: %s", body)
					}
					if !strings.Contains(f.logs.String(), tt.err.Error()) {
						t.Errorf("internal error not logged: %s", f.logs)
					}
				} else if !strings.Contains(body, tt.detail) {
					t.Errorf("body does not say %q: %s", tt.detail, body)
				}
				if !strings.Contains(body, "req-0001") {
					t.Errorf("body does not give the request ID: %s", body)
				}
				if !isAPI {
					if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
						t.Errorf("content type: got %q, want HTML", ct)
					}
					return
				}
				if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("content type: got %q, want application/problem+json", ct)
				}
				p := decode[problem](t, rec)
				if p.Status != tt.status || p.Title != http.StatusText(tt.status) || p.Type != "about:blank" {
					t.Errorf("problem: got %+v", p)
				}
			})
		}
	}
}

func TestPanicIsRecovered(t *testing.T) {
	f := newFixture(t, nil)
	h := f.srv.observe(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic("boom: secret state")
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/anything", nil))
	wantStatus(t, rec, 500, "application/problem+json")
	if strings.Contains(rec.Body.String(), "boom") {
		t.Errorf("panic value shown to the client: %s", rec.Body)
	}
	if !strings.Contains(f.logs.String(), "boom: secret state") || !strings.Contains(f.logs.String(), "handler panicked") {
		t.Errorf("panic not logged: %s", f.logs)
	}
}

func TestMetrics(t *testing.T) {
	f := newFixture(t, nil)
	f.do(t, "GET", "/healthz", nil, nil)
	f.do(t, "GET", "/healthz", nil, nil)
	f.do(t, "GET", "/some/random/path", nil, nil)
	f.do(t, "POST", "/api/v1/verify", strings.NewReader(string(f.signed(t))), nil)
	f.do(t, "POST", "/api/v1/verify", strings.NewReader("not a credential"), nil)
	f.do(t, "POST", "/api/v1/verify", strings.NewReader("also not"), nil)

	rec := f.do(t, "GET", "/metrics", nil, nil)
	wantStatus(t, rec, 200, "text/plain; version=0.0.4")
	body := rec.Body.String()
	for _, want := range []string{
		`cairn_http_requests_total{route="GET /healthz",class="2xx"} 2`,
		`cairn_http_requests_total{route="unmatched",class="4xx"} 1`,
		`cairn_http_requests_total{route="POST /api/v1/verify",class="2xx"} 3`,
		`cairn_http_request_duration_seconds_bucket{route="GET /healthz",le="+Inf"} 2`,
		`cairn_http_request_duration_seconds_count{route="GET /healthz"} 2`,
		`cairn_http_request_duration_seconds_count{route="POST /credentials/verify"} 0`,
		`cairn_verifications_total{verdict="verified"} 1`,
		`cairn_verifications_total{verdict="not_verified"} 2`,
		"# TYPE cairn_http_request_duration_seconds histogram",
		"# TYPE go_goroutines gauge",
		"go_memstats_heap_alloc_bytes ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(body, "/some/random/path") {
		t.Error("a raw path became a metric label")
	}
	// Every sample line is NAME{LABELS} VALUE or NAME VALUE.
	sample := regexp.MustCompile(`^[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [0-9.e+-]+$`)
	for line := range strings.SplitSeq(strings.TrimSpace(body), "\n") {
		if !strings.HasPrefix(line, "#") && !sample.MatchString(line) {
			t.Errorf("malformed sample line %q", line)
		}
	}
}

func TestMetricsHistogramBuckets(t *testing.T) {
	m := newMetrics(nil)
	m.request("r", 200, 3e6)  // 3ms
	m.request("r", 200, 5e6)  // 5ms, on a bound
	m.request("r", 500, 20e9) // 20s, beyond every bound
	var b strings.Builder
	if err := m.write(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`cairn_http_request_duration_seconds_bucket{route="r",le="0.001"} 0`,
		`cairn_http_request_duration_seconds_bucket{route="r",le="0.005"} 2`,
		`cairn_http_request_duration_seconds_bucket{route="r",le="10"} 2`,
		`cairn_http_request_duration_seconds_bucket{route="r",le="+Inf"} 3`,
		`cairn_http_request_duration_seconds_sum{route="r"} 20.008`,
		`cairn_http_requests_total{route="r",class="5xx"} 1`,
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("metrics lack %q:\n%s", want, b.String())
		}
	}
	if got := label("a\"b\\c\nd"); got != `"a\"b\\c\nd"` {
		t.Errorf("label: got %s", got)
	}
}

// TestOpenAPIMatchesRoutes walks the route table, which is also what the
// mux is built from, against openapi.json: every API route is documented,
// and every documented operation is served.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	f := newFixture(t, nil)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi: got %q, want 3.1.0", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}

	mux := http.NewServeMux()
	served := map[string]bool{}
	for _, rt := range f.srv.routes() {
		mux.Handle(rt.name(), http.NotFoundHandler())
		served[rt.name()] = true
		if rt.kind == api && !rt.documented {
			t.Errorf("API route %s is not marked documented", rt.name())
		}
		if rt.documented && !documented[rt.name()] {
			t.Errorf("route %s is marked documented but openapi.json lacks it", rt.name())
		}
		if !rt.documented && documented[rt.name()] {
			t.Errorf("openapi.json documents %s, which is not marked documented", rt.name())
		}
	}
	for op := range documented {
		method, path, _ := strings.Cut(op, " ")
		if !served[op] {
			t.Errorf("openapi.json documents %s, which is not in the route table", op)
		}
		req := httptest.NewRequest(method, path, nil)
		if _, pattern := mux.Handler(req); pattern != op {
			t.Errorf("%s: the mux matches %q, want %q", op, pattern, op)
		}
		if rec := f.do(t, method, path, nil, nil); rec.Code == 404 || rec.Code == 405 {
			t.Errorf("%s: the server answers %d", op, rec.Code)
		}
	}

	// Every reference inside the document resolves.
	var whole map[string]any
	json.Unmarshal(openAPIDocument, &whole)
	refs := regexp.MustCompile(`"\$ref":\s*"#/([^"]+)"`).FindAllStringSubmatch(string(openAPIDocument), -1)
	if len(refs) == 0 {
		t.Fatal("no references found")
	}
	for _, m := range refs {
		var node any = whole
		for _, part := range strings.Split(m[1], "/") {
			obj, _ := node.(map[string]any)
			node = obj[part]
		}
		if node == nil {
			t.Errorf("reference #/%s does not resolve", m[1])
		}
	}
}

func TestPagesHaveNoInlineScriptOrStyle(t *testing.T) {
	f := newFixture(t, nil)
	body, ctype := multipartForm(t, "badge.json", f.signed(t), "")
	pages := map[string]string{
		"form":   f.do(t, "GET", "/verify", nil, nil).Body.String(),
		"report": f.do(t, "POST", "/verify", body, map[string]string{"Content-Type": ctype}).Body.String(),
		"error":  f.do(t, "GET", "/nowhere", nil, nil).Body.String(),
	}
	scripts := regexp.MustCompile(`(?is)<script([^>]*)>(.*?)</script>`)
	inline := regexp.MustCompile(`(?i)\sstyle=|\son[a-z]+=|<style`)
	for name, html := range pages {
		t.Run(name, func(t *testing.T) {
			if m := inline.FindString(html); m != "" {
				t.Errorf("inline style or event handler %q", m)
			}
			for _, m := range scripts.FindAllStringSubmatch(html, -1) {
				if !strings.Contains(m[1], "src=") || strings.TrimSpace(m[2]) != "" {
					t.Errorf("inline script %q", m[0])
				}
			}
			for _, want := range []string{`<html lang="en">`, `<main id="main"`, `<h1>`, `name="viewport"`, `href="#main"`, `/static/style.css`} {
				if !strings.Contains(html, want) {
					t.Errorf("page lacks %q", want)
				}
			}
		})
	}
	if !slices.ContainsFunc(strings.Split(pages["form"], "\n"), func(l string) bool { return strings.Contains(l, `<script src="/static/verify.js" defer>`) }) {
		t.Error("the verification page does not load its script as an external file")
	}
}
