package web

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
)

// requestInfo is what the middleware and the route handlers learn about a
// request and share: its ID, and the route that matched.
type requestInfo struct {
	id    string
	route string // the matched pattern; "" when none matched
	api   bool
}

type infoKey struct{}

func infoOf(ctx context.Context) *requestInfo {
	info, _ := ctx.Value(infoKey{}).(*requestInfo)
	return info
}

// Security headers sent with every response. The policy allows scripts,
// styles and images from cairn itself only, so no inline script or style
// can run; no page may frame cairn's.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

func setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
}

// observe is the outer middleware: it gives the request an ID, sets the
// security headers, recovers a panicking handler, and records the request
// in the metrics and the access log.
func (s *Server) observe(next http.Handler) http.Handler {
	hsts := strings.HasPrefix(s.cfg.BaseURL, "https://")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := s.now()
		info := &requestInfo{id: requestID(r.Header.Get("X-Request-Id"))}
		r = r.WithContext(context.WithValue(r.Context(), infoKey{}, info))
		h := w.Header()
		h.Set("X-Request-Id", info.id)
		setSecurityHeaders(h)
		if hsts {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		rec := &recorder{ResponseWriter: w}

		defer func() {
			p := recover()
			if p != nil && p != http.ErrAbortHandler {
				s.log.ErrorContext(r.Context(), "handler panicked", "request_id", info.id, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if !rec.wrote {
					s.fail(rec, r, fmt.Errorf("panic: %v", p))
				}
			}
			elapsed := s.now().Sub(start)
			route := info.route
			if route == "" {
				route = unmatchedRoute
			}
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			s.metrics.request(route, status, elapsed)
			level := slog.LevelInfo
			if status >= 500 {
				level = slog.LevelError
			}
			s.log.LogAttrs(r.Context(), level, "request",
				slog.String("request_id", info.id),
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path), // not the query: it may carry tokens
				slog.String("route", route),
				slog.Int("status", status),
				slog.Int64("bytes", rec.bytes),
				slog.Duration("duration", elapsed),
				slog.String("remote", r.RemoteAddr),
			)
			if p == http.ErrAbortHandler {
				panic(p)
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// requestID returns the client's X-Request-Id when it is short and plain,
// so a proxy's ID can follow the request, or a new random one.
func requestID(given string) string {
	if n := len(given); n >= 8 && n <= 64 && strings.Trim(given, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == "" {
		return given
	}
	return strings.ToLower(rand.Text())
}

// recorder remembers the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
	wrote  bool
}

func (rec *recorder) WriteHeader(code int) {
	if !rec.wrote {
		rec.status, rec.wrote = code, true
	}
	rec.ResponseWriter.WriteHeader(code)
}

func (rec *recorder) Write(b []byte) (int, error) {
	if !rec.wrote {
		rec.status, rec.wrote = http.StatusOK, true
	}
	n, err := rec.ResponseWriter.Write(b)
	rec.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (rec *recorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }
