package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"

	"cairn/internal/apperror"
)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(openAPIDocument)
	return nil
}

// apiVerify takes the credential as the raw request body, in any format the
// verifier reads, and answers with the whole report. A credential that does
// not verify is still a 200: the report is the answer.
func (s *Server) apiVerify(w http.ResponseWriter, r *http.Request) error {
	data, err := readBody(r)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return apperror.New(apperror.Invalid, "the request body is empty: send the credential (JSON, a compact JWT, or a PNG or SVG badge) as the body")
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, s.verify(r.Context(), data))
}

// readBody reads the whole (already bounded) body. Hitting the bound keeps
// its *http.MaxBytesError, which fail answers with 413.
func readBody(r *http.Request) ([]byte, error) {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, err
		}
		return nil, apperror.New(apperror.Invalid, "the request body could not be read")
	}
	return data, nil
}
