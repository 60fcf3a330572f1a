package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"cairn/internal/apperror"
)

// statusError is an error whose HTTP status the protocol decides rather
// than the application: an unknown address, a refused method, a refused
// cross-origin form. Its message is safe to show.
type statusError struct {
	status  int
	message string
}

func (e statusError) Error() string { return e.message }

// detailedError adds the list of reasons behind an error; the problem
// document shows them as "errors".
type detailedError struct {
	err     error
	details []string
}

func (e detailedError) Error() string { return e.err.Error() }
func (e detailedError) Unwrap() error { return e.err }

// problem is an RFC 9457 problem document, with cairn's extension members.
type problem struct {
	Type      string   `json:"type"`
	Title     string   `json:"title"`
	Status    int      `json:"status"`
	Detail    string   `json:"detail,omitempty"`
	Code      string   `json:"code,omitempty"`
	Field     string   `json:"field,omitempty"`
	Errors    []string `json:"errors,omitempty"`
	RequestID string   `json:"requestId,omitempty"`
}

// errorPage is what the HTML error page shows.
type errorPage struct {
	Status  int
	Title   string
	Message string
}

// statusOf maps an application error code to its HTTP status.
func statusOf(code apperror.Code) int {
	switch code {
	case apperror.Invalid:
		return http.StatusBadRequest
	case apperror.NotFound:
		return http.StatusNotFound
	case apperror.Conflict:
		return http.StatusConflict
	case apperror.Unauthorized:
		return http.StatusUnauthorized
	case apperror.Forbidden:
		return http.StatusForbidden
	}
	return http.StatusInternalServerError
}

// fail is the one place an error becomes a response: a problem document
// for API routes, an HTML page otherwise. Only messages meant for users are
// shown; everything else is logged with the request ID, which the client
// sees too so that a report can be matched to the log.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	p := problem{Type: "about:blank", Status: http.StatusInternalServerError}
	p.Detail = "Something went wrong on our side. Please try again later; if it keeps happening, quote the request ID to the administrators."
	var tooLarge *http.MaxBytesError
	var se statusError
	var ae *apperror.Error
	switch {
	case errors.As(err, &tooLarge):
		p.Status = http.StatusRequestEntityTooLarge
		p.Detail = fmt.Sprintf("The request is larger than the limit of %s.", formatBytes(tooLarge.Limit))
	case errors.As(err, &se):
		p.Status, p.Detail = se.status, se.message
	case errors.As(err, &ae):
		p.Status, p.Code = statusOf(ae.Code), string(ae.Code)
		if ae.Code != apperror.Internal {
			p.Detail, p.Field = ae.Message, ae.Field
		}
	}
	var de detailedError
	if p.Status < 500 && errors.As(err, &de) {
		p.Errors = de.details
	}
	p.Title = http.StatusText(p.Status)
	info := infoOf(r.Context())
	if info != nil {
		p.RequestID = info.id
	}
	if p.Status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", "request_id", p.RequestID, "status", p.Status, "error", err)
	} else {
		s.log.DebugContext(r.Context(), "request refused", "request_id", p.RequestID, "status", p.Status, "error", err)
	}

	if wantsProblem(r, info) {
		var buf bytes.Buffer
		if err := json.NewEncoder(&buf).Encode(p); err != nil {
			http.Error(w, http.StatusText(p.Status), p.Status)
			return
		}
		w.Header().Set("Content-Type", "application/problem+json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(p.Status)
		w.Write(buf.Bytes())
		return
	}
	msg := p.Detail
	if p.Field != "" {
		msg = p.Field + ": " + msg
	}
	s.render(w, r, p.Status, "error", p.Title, errorPage{Status: p.Status, Title: p.Title, Message: msg})
}

// wantsProblem says whether an error answer should be a problem document:
// on API routes, and on unmatched addresses that look like API ones or
// whose client asks for JSON rather than HTML.
func wantsProblem(r *http.Request, info *requestInfo) bool {
	if info != nil && info.route != "" {
		return info.api
	}
	for _, prefix := range []string{"/api/", "/credentials/", "/presentations/"} {
		if strings.HasPrefix(r.URL.Path, prefix) {
			return true
		}
	}
	accept := r.Header.Get("Accept")
	return strings.Contains(accept, "json") && !strings.Contains(accept, "text/html")
}

// pageData is what the layout template receives.
type pageData struct {
	Title     string
	RequestID string
	Nav       navView
	Page      any
}

// render writes a page. It executes the template into a buffer first, so
// a template error becomes a clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	pd := pageData{Title: title, Page: data, Nav: navOf(actorOf(r.Context()))}
	if info := infoOf(r.Context()); info != nil {
		pd.RequestID = info.id
	}
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", pd); err != nil {
		s.log.ErrorContext(r.Context(), "render page", "page", name, "request_id", pd.RequestID, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if pd.Nav.SignedIn {
		// A signed-in page is someone's own; no cache may keep it.
		w.Header().Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// writeJSON writes v as the JSON body of a response.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
	return nil
}

// formatBytes says a byte count the way people read it.
func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
