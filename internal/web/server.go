package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"cairn/internal/config"
	"cairn/internal/verify"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

//go:embed openapi.json
var openAPIDocument []byte

// Server serves cairn over HTTP. Build it with New; its zero value is not
// usable.
type Server struct {
	cfg      config.Config
	verifier *verify.Verifier
	log      *slog.Logger
	now      func() time.Time

	pages   map[string]*template.Template
	static  map[string]staticFile
	csrf    *http.CrossOriginProtection
	metrics *metrics
}

// staticFile is an embedded asset with its validator.
type staticFile struct {
	data []byte
	etag string
}

// New returns a Server that verifies with v, logs to log and reads the time
// from now (nil means time.Now).
func New(cfg config.Config, v *verify.Verifier, log *slog.Logger, now func() time.Time) (*Server, error) {
	if v == nil {
		return nil, fmt.Errorf("new server: no verifier")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	s := &Server{cfg: cfg, verifier: v, log: log, now: now, csrf: http.NewCrossOriginProtection()}
	var err error
	if s.pages, err = parsePages(); err != nil {
		return nil, fmt.Errorf("new server: %w", err)
	}
	if s.static, err = loadStatic(); err != nil {
		return nil, fmt.Errorf("new server: %w", err)
	}
	if cfg.BaseURL != "" {
		// Behind a proxy the Host header may not be the public host, so
		// the public origin is trusted explicitly.
		u, err := url.Parse(cfg.BaseURL)
		if err != nil {
			return nil, fmt.Errorf("new server: base URL: %w", err)
		}
		if err := s.csrf.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			return nil, fmt.Errorf("new server: trust %s: %w", cfg.BaseURL, err)
		}
	}
	s.metrics = newMetrics(s.routes())
	return s, nil
}

func parsePages() (map[string]*template.Template, error) {
	layout, err := template.ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	pages := map[string]*template.Template{}
	for _, name := range []string{"verify", "error"} {
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse %s page: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

func loadStatic() (map[string]staticFile, error) {
	files := map[string]staticFile{}
	err := fs.WalkDir(staticFS, "static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := staticFS.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		files[d.Name()] = staticFile{data: data, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load static files: %w", err)
	}
	return files, nil
}

// kind says how a route answers errors: API routes with problem documents,
// pages with HTML.
type kind int

const (
	page kind = iota
	api
)

// route is one entry of the route table.
type route struct {
	method     string
	pattern    string
	kind       kind
	upload     bool // the body may be a verification upload, up to MaxUploadBytes
	documented bool // described in openapi.json
	handle     func(w http.ResponseWriter, r *http.Request) error
}

// name is the mux pattern, also the route's label in metrics.
func (rt route) name() string { return rt.method + " " + rt.pattern }

// routes is the route table: every route cairn serves, and nothing else.
func (s *Server) routes() []route {
	return []route{
		{method: "GET", pattern: "/{$}", kind: page, handle: s.home},
		{method: "GET", pattern: "/static/{name}", kind: page, handle: s.staticAsset},
		{method: "GET", pattern: "/verify", kind: page, handle: s.verifyForm},
		{method: "POST", pattern: "/verify", kind: page, upload: true, handle: s.verifyUpload},

		{method: "GET", pattern: "/healthz", kind: api, documented: true, handle: s.healthz},
		{method: "GET", pattern: "/metrics", kind: api, documented: true, handle: s.serveMetrics},
		{method: "GET", pattern: "/api/openapi.json", kind: api, documented: true, handle: s.openAPI},
		{method: "POST", pattern: "/api/v1/verify", kind: api, upload: true, documented: true, handle: s.apiVerify},
		{method: "POST", pattern: "/credentials/verify", kind: api, upload: true, documented: true, handle: s.verifyCredential},
		{method: "POST", pattern: "/presentations/verify", kind: api, upload: true, documented: true, handle: s.verifyPresentation},
	}
}

// Handler returns the server's whole HTTP handler: the routes behind the
// middleware every request gets.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.Handle(rt.name(), s.routeHandler(rt))
	}
	dispatch := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern == "" {
			s.unmatched(w, r, mux)
			return
		}
		mux.ServeHTTP(w, r)
	})
	return s.observe(dispatch)
}

// routeHandler wraps a route's handler in what depends on the route: its
// label, cross-origin protection, the body limit and error mapping.
func (s *Server) routeHandler(rt route) http.Handler {
	limit := s.cfg.MaxBodyBytes
	if rt.upload {
		limit = s.cfg.MaxUploadBytes
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info := infoOf(r.Context()); info != nil {
			info.route, info.api = rt.name(), rt.kind == api
		}
		if rt.kind == page {
			if err := s.csrf.Check(r); err != nil {
				s.fail(w, r, statusError{http.StatusForbidden, "This form was sent from another site, so it was refused. Open the page on this site and submit it again."})
				return
			}
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		if err := rt.handle(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

// unmatched answers a request no route matched with the mux's own status
// (404, or 405 with its Allow header) in cairn's error format.
func (s *Server) unmatched(w http.ResponseWriter, r *http.Request, mux *http.ServeMux) {
	h, _ := mux.Handler(r)
	probe := &probeWriter{header: http.Header{}}
	h.ServeHTTP(probe, r)
	if probe.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", probe.header.Get("Allow"))
		s.fail(w, r, statusError{http.StatusMethodNotAllowed, "This address does not accept " + r.Method + " requests."})
		return
	}
	s.fail(w, r, statusError{http.StatusNotFound, "There is nothing at this address."})
}

// probeWriter records the status and headers a handler writes and drops
// the body.
type probeWriter struct {
	header http.Header
	status int
}

func (p *probeWriter) Header() http.Header { return p.header }
func (p *probeWriter) WriteHeader(code int) {
	if p.status == 0 {
		p.status = code
	}
}
func (p *probeWriter) Write(b []byte) (int, error) {
	p.WriteHeader(http.StatusOK)
	return len(b), nil
}

// verify runs the verifier, bounded in time, and counts the verdict.
func (s *Server) verify(ctx context.Context, data []byte) *verify.Report {
	if s.cfg.WriteTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.cfg.WriteTimeout)
		defer cancel()
	}
	rep := s.verifier.Verify(ctx, data)
	s.metrics.verified(rep.Verified)
	return rep
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	http.Redirect(w, r, "/verify", http.StatusSeeOther)
	return nil
}

func (s *Server) staticAsset(w http.ResponseWriter, r *http.Request) error {
	f, ok := s.static[r.PathValue("name")]
	if !ok {
		return statusError{http.StatusNotFound, "There is no such file."}
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("ETag", f.etag)
	http.ServeContent(w, r, r.PathValue("name"), time.Time{}, bytes.NewReader(f.data))
	return nil
}
