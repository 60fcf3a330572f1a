package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"cairn/internal/apperror"
	"cairn/internal/verify"
)

// Bounds on the verification form beyond the body limit.
const (
	maxFormParts  = 8        // a file, a text area, and some slack
	maxEchoedText = 64 << 10 // pasted text shown back in the form
)

// verifyView is what the verification page shows.
type verifyView struct {
	MaxUpload string
	Text      string // pasted text, shown back
	Error     string
	Result    *reportView
}

// reportView is a verification report in the words the page uses.
type reportView struct {
	Verified    bool
	Name        string
	Kind        string
	Format      string
	Issuer      string
	Subject     string
	Achievement string
	Validity    string
	Status      []string
	Checks      []checkView
}

type checkView struct {
	Label       string
	Outcome     string // pass, fail, warn or skip: the CSS class
	OutcomeText string
	Mark        string
	Detail      string
}

func (s *Server) verifyForm(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "verify", "Verify a credential", verifyView{MaxUpload: formatBytes(s.cfg.MaxUploadBytes)})
	return nil
}

// verifyUpload verifies an uploaded file or pasted text and shows the
// report. Problems with the input are shown on the form itself, so the
// user can correct them where they are.
func (s *Server) verifyUpload(w http.ResponseWriter, r *http.Request) error {
	view := verifyView{MaxUpload: formatBytes(s.cfg.MaxUploadBytes)}
	data, text, err := readVerifyForm(r)
	if len(text) <= maxEchoedText && utf8.ValidString(text) {
		view.Text = text
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		view.Error = fmt.Sprintf("The file is too large: the limit is %s.", view.MaxUpload)
		s.render(w, r, http.StatusRequestEntityTooLarge, "verify", "Verify a credential", view)
		return nil
	case err != nil:
		view.Error = apperror.MessageOf(err)
		s.render(w, r, http.StatusBadRequest, "verify", "Verify a credential", view)
		return nil
	case len(strings.TrimSpace(string(data))) == 0:
		view.Error = "Choose a file or paste a credential, then select Verify."
		s.render(w, r, http.StatusBadRequest, "verify", "Verify a credential", view)
		return nil
	}
	view.Result = newReportView(s.verify(r.Context(), data))
	title := "Not verified"
	if view.Result.Verified {
		title = "Verified"
	}
	s.render(w, r, http.StatusOK, "verify", title+" · Verify a credential", view)
	return nil
}

// readVerifyForm returns the credential from the form: the uploaded file
// when one was chosen, else the pasted text. It reads multipart parts as
// they stream, never spooling them to disk.
func readVerifyForm(r *http.Request) (data []byte, text string, err error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return nil, "", err
		}
		text = r.PostForm.Get("text")
		return []byte(text), text, nil
	case "multipart/form-data":
	default:
		return nil, "", apperror.New(apperror.Invalid, "send the form as multipart/form-data")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, "", apperror.New(apperror.Invalid, "the form could not be read")
	}
	var file []byte
	for i := 0; ; i++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, "", formError(err)
		}
		if i >= maxFormParts {
			return nil, "", apperror.New(apperror.Invalid, "the form has too many parts")
		}
		b, err := io.ReadAll(part)
		if err != nil {
			return nil, "", formError(err)
		}
		switch part.FormName() {
		case "file":
			file = b
		case "text":
			text = string(b)
		}
	}
	if len(file) > 0 {
		return file, text, nil
	}
	return []byte(text), text, nil
}

// formError keeps the body-limit error, which has its own answer, and
// turns other read errors into an invalid form.
func formError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return err
	}
	return apperror.New(apperror.Invalid, "the form could not be read")
}

func newReportView(rep *verify.Report) *reportView {
	v := &reportView{
		Verified:    rep.Verified,
		Name:        rep.Name,
		Kind:        rep.Kind,
		Format:      describeFormat(rep),
		Issuer:      partyText(rep.Issuer),
		Subject:     partyText(rep.Subject),
		Achievement: partyText(rep.Achievement),
		Validity:    validityText(rep.Validity),
	}
	for _, st := range rep.Status {
		v.Status = append(v.Status, statusText(st))
	}
	for _, c := range rep.Checks {
		cv := checkView{Label: c.Label, Outcome: string(c.Outcome), Detail: c.Detail}
		switch c.Outcome {
		case verify.Pass:
			cv.OutcomeText, cv.Mark = "Passed", "✓"
		case verify.Fail:
			cv.OutcomeText, cv.Mark = "Failed", "✗"
		case verify.Warn:
			cv.OutcomeText, cv.Mark = "Warning", "!"
		default:
			cv.OutcomeText, cv.Mark = "Not applicable", "–"
		}
		v.Checks = append(v.Checks, cv)
	}
	return v
}

func describeFormat(rep *verify.Report) string {
	names := map[verify.Format]string{
		verify.FormatJSON: "JSON with an embedded proof",
		verify.FormatJWT:  "a signed JWT",
		verify.FormatPNG:  "a PNG badge image",
		verify.FormatSVG:  "an SVG badge image",
	}
	switch {
	case rep.Format == "":
		return ""
	case rep.Embedded != "":
		return names[rep.Format] + " carrying " + names[rep.Embedded]
	}
	return names[rep.Format]
}

func partyText(p verify.Party) string {
	switch {
	case p.Name != "" && p.ID != "":
		return p.Name + " (" + p.ID + ")"
	case p.Name != "":
		return p.Name
	}
	return p.ID
}

func validityText(v verify.Validity) string {
	day := func(t *time.Time) string { return t.UTC().Format("2 January 2006") }
	var period string
	switch {
	case v.ValidFrom != nil && v.ValidUntil != nil:
		period = "from " + day(v.ValidFrom) + " until " + day(v.ValidUntil)
	case v.ValidFrom != nil:
		period = "from " + day(v.ValidFrom) + ", with no expiry date"
	case v.ValidUntil != nil:
		period = "until " + day(v.ValidUntil)
	}
	switch v.State {
	case "":
		return ""
	case "valid":
		if period == "" {
			return "Valid; no validity period is stated"
		}
		return "Valid " + period
	case "expired":
		return "Expired; it was valid " + period
	case "not yet valid":
		return "Not yet valid; it is valid " + period
	}
	return "The validity dates cannot be read"
}

func statusText(st verify.StatusResult) string {
	purpose := map[string]string{"revocation": "Revocation", "suspension": "Suspension"}[st.Purpose]
	if purpose == "" {
		purpose = "Status (" + st.Purpose + ")"
	}
	switch st.State {
	case "active":
		if not, ok := map[string]string{"revocation": "not revoked", "suspension": "not suspended"}[st.Purpose]; ok {
			return purpose + ": active, " + not
		}
		return purpose + ": active"
	case "revoked", "suspended", "flagged":
		return purpose + ": " + st.State
	}
	msg := purpose + ": could not be checked"
	if st.Detail != "" {
		msg += " (" + st.Detail + ")"
	}
	return msg
}
