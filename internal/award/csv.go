package award

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"cairn/internal/apperror"
)

// The columns a bulk-award CSV file may have, in any order. The first line
// names them (case and surrounding space do not matter); email is required,
// the others optional, and a column not listed here is refused so that no
// data is silently ignored.
const (
	ColEmail       = "email"        // the learner's email address
	ColName        = "name"         // the learner's name, for the notice
	ColResult      = "result"       // a grade or score, written as the result's value
	ColEvidenceURL = "evidence_url" // an http(s) link to the learner's work
	ColIssuedOn    = "issued_on"    // YYYY-MM-DD: validFrom, default the day of issue
	ColDID         = "did"          // the learner's DID, the credential subject's id
)

// Columns returns the columns a bulk-award CSV may have.
func Columns() []string {
	return []string{ColEmail, ColName, ColResult, ColEvidenceURL, ColIssuedOn, ColDID}
}

// Default limits on a bulk-award CSV file.
const (
	DefaultMaxRows      = 200_000
	DefaultMaxLineBytes = 8 << 10
	DefaultMaxBytes     = 64 << 20
)

// Limits on the values of one row.
const (
	maxEmailLen  = 254
	maxNameLen   = 200 // runes
	maxResultLen = 200 // runes
	maxURLLen    = 2000
)

// CSVOptions bound and configure ParseCSV. Zero fields take the defaults.
type CSVOptions struct {
	// MaxRows is the most data rows accepted; default DefaultMaxRows.
	MaxRows int
	// MaxLineBytes is the longest line accepted; default
	// DefaultMaxLineBytes.
	MaxLineBytes int
	// MaxBytes is the largest file accepted; default DefaultMaxBytes.
	MaxBytes int64
	// Now is the time issued_on dates may not be after; default time.Now.
	Now time.Time
}

func (o CSVOptions) withDefaults() CSVOptions {
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	if o.MaxLineBytes <= 0 {
		o.MaxLineBytes = DefaultMaxLineBytes
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	return o
}

// Row is one learner of a bulk award, as read from the CSV file.
type Row struct {
	// Line is the row's line number in the file; the header is line 1.
	Line int
	// Email is normalized (see NormalizeEmail).
	Email       string
	Name        string
	Result      string
	EvidenceURL string
	DID         string
	// IssuedOn is the issued_on day at midnight UTC, zero when not given.
	IssuedOn time.Time
	// PersonID is the learner's account, 0 when not known (see Link).
	PersonID int64
	// Err is why the row cannot be awarded, nil for a valid row. Its Field
	// names the column at fault.
	Err *apperror.Error
}

// Sheet is a parsed bulk-award CSV file: every row, valid or not, so a
// preview can show each one with its error.
type Sheet struct {
	Columns []string
	Rows    []Row
}

// Valid returns the number of rows without an error.
func (s *Sheet) Valid() int {
	n := 0
	for _, r := range s.Rows {
		if r.Err == nil {
			n++
		}
	}
	return n
}

// Link sets each row's PersonID from people (normalized email to person
// id). When requireKnown is true a valid row whose learner is not among
// people gets an "unknown learner" error.
func (s *Sheet) Link(people map[string]int64, requireKnown bool) {
	for i := range s.Rows {
		r := &s.Rows[i]
		id, ok := people[r.Email]
		r.PersonID = id
		if !ok && requireKnown && r.Err == nil {
			r.Err = apperror.Field(ColEmail, "unknown learner: no account has this email address")
		}
	}
}

// Emails returns the distinct email addresses of the rows, for looking up
// their accounts.
func (s *Sheet) Emails() []string {
	seen := make(map[string]bool, len(s.Rows))
	var out []string
	for _, r := range s.Rows {
		if r.Email != "" && !seen[r.Email] {
			seen[r.Email] = true
			out = append(out, r.Email)
		}
	}
	return out
}

// ParseCSV reads a bulk-award CSV file. A file it cannot use at all (too
// large, too many rows, a line too long, broken quoting, a bad header) is
// an Invalid error about field "csv"; a row it cannot award (a bad or
// duplicate email, a malformed value, the wrong number of fields) is kept
// with its Err set, so the whole file can be previewed at once.
func ParseCSV(r io.Reader, opts CSVOptions) (*Sheet, error) {
	opts = opts.withDefaults()
	lr := &lineLimiter{r: r, maxLine: opts.MaxLineBytes, maxBytes: opts.MaxBytes, line: 1}
	cr := csv.NewReader(lr)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, csvError("the file is empty; the first line must name the columns, e.g. %s", strings.Join(Columns(), ","))
		}
		return nil, readError(err, lr)
	}
	cols, err := parseHeader(header)
	if err != nil {
		return nil, err
	}
	sheet := &Sheet{Columns: cols}
	firstLine := make(map[string]int)
	today := dayOf(opts.Now)
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, readError(err, lr)
		}
		if len(sheet.Rows) == opts.MaxRows {
			return nil, csvError("the file has more than %d rows; split it into several batches", opts.MaxRows)
		}
		line, _ := cr.FieldPos(0)
		row := parseRow(line, cols, rec, today)
		if row.Err == nil {
			if first, dup := firstLine[row.Email]; dup {
				row.Err = apperror.Field(ColEmail, "duplicate: this learner is already on line %d", first)
			} else {
				firstLine[row.Email] = line
			}
		}
		sheet.Rows = append(sheet.Rows, row)
	}
	if len(sheet.Rows) == 0 {
		return nil, csvError("the file has a header but no rows")
	}
	return sheet, nil
}

func parseHeader(header []string) ([]string, error) {
	cols := make([]string, len(header))
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff")
		}
		h = strings.ToLower(strings.TrimSpace(h))
		switch {
		case !slices.Contains(Columns(), h):
			return nil, csvError("unknown column %q on line 1; the columns are %s", truncate(h, 40), strings.Join(Columns(), ", "))
		case slices.Contains(cols[:i], h):
			return nil, csvError("column %q appears twice on line 1", h)
		}
		cols[i] = h
	}
	if !slices.Contains(cols, ColEmail) {
		return nil, csvError("the first line must name the columns and include %q", ColEmail)
	}
	return cols, nil
}

func parseRow(line int, cols, rec []string, today time.Time) Row {
	row := Row{Line: line}
	if len(rec) != len(cols) {
		row.Err = apperror.Field("csv", "has %d fields, want %d (%s)", len(rec), len(cols), strings.Join(cols, ","))
		return row
	}
	for i, col := range cols {
		v := strings.TrimSpace(rec[i])
		if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			if row.Err == nil {
				row.Err = apperror.Field(col, "must be UTF-8 text")
			}
			continue
		}
		switch col {
		case ColEmail:
			row.Email = v
		case ColName:
			row.Name = v
		case ColResult:
			row.Result = v
		case ColEvidenceURL:
			row.EvidenceURL = v
		case ColDID:
			row.DID = v
		case ColIssuedOn:
			if v == "" {
				continue
			}
			d, err := time.Parse(time.DateOnly, v)
			if err != nil {
				if row.Err == nil {
					row.Err = apperror.Field(col, "must be a date as YYYY-MM-DD")
				}
				continue
			}
			row.IssuedOn = d
		}
	}
	if row.Err == nil {
		row.Err = row.Check(today)
	}
	row.Email = NormalizeEmail(row.Email)
	return row
}

// Check reports the first value of r that cannot be awarded, as an Invalid
// error naming its column: a bad email, an overlong name or result, an
// evidence URL that is not http(s), a malformed DID, an issued_on day
// after today's or before 2000. The single-award API checks its input the
// same way.
func (r *Row) Check(today time.Time) *apperror.Error {
	switch {
	case CheckEmail(r.Email) != nil:
		return CheckEmail(r.Email)
	case utf8.RuneCountInString(r.Name) > maxNameLen:
		return apperror.Field(ColName, "must be at most %d characters", maxNameLen)
	case utf8.RuneCountInString(r.Result) > maxResultLen:
		return apperror.Field(ColResult, "must be at most %d characters", maxResultLen)
	case r.EvidenceURL != "" && !isHTTPURL(r.EvidenceURL):
		return apperror.Field(ColEvidenceURL, "must be an http(s) URL")
	case r.DID != "" && !validDID(r.DID):
		return apperror.Field(ColDID, "must be a DID such as did:key:z6Mk…")
	case !r.IssuedOn.IsZero() && r.IssuedOn.After(dayOf(today)):
		return apperror.Field(ColIssuedOn, "is in the future")
	case !r.IssuedOn.IsZero() && r.IssuedOn.Year() < 2000:
		return apperror.Field(ColIssuedOn, "is before 2000")
	}
	for _, v := range []struct{ col, v string }{{ColName, r.Name}, {ColResult, r.Result}, {ColEvidenceURL, r.EvidenceURL}, {ColDID, r.DID}} {
		if !utf8.ValidString(v.v) || strings.ContainsRune(v.v, 0) {
			return apperror.Field(v.col, "must be UTF-8 text")
		}
	}
	return nil
}

// CheckEmail reports whether s is a plain email address (no display name)
// that can receive a credential, as an Invalid error about field email.
func CheckEmail(s string) *apperror.Error {
	s = strings.TrimSpace(s)
	if s == "" {
		return apperror.Field(ColEmail, "is required")
	}
	if len(s) > maxEmailLen {
		return apperror.Field(ColEmail, "is longer than %d characters", maxEmailLen)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return apperror.Field(ColEmail, "%q is not an email address", truncate(s, 80))
	}
	_, domain, _ := strings.Cut(s, "@")
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, "[") {
		return apperror.Field(ColEmail, "%q is not an email address with a domain name", truncate(s, 80))
	}
	return nil
}

func dayOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func csvError(format string, args ...any) *apperror.Error {
	return apperror.Field("csv", format, args...)
}

// readError explains an error of the CSV reader.
func readError(err error, lr *lineLimiter) error {
	var le *limitError
	if errors.As(err, &le) {
		return csvError("%s", le.msg)
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return csvError("line %d: %v", pe.StartLine, pe.Err)
	}
	return fmt.Errorf("read CSV near line %d: %w", lr.line, err)
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// lineLimiter passes a reader through, failing once a line is longer than
// maxLine bytes or the whole input longer than maxBytes, so a hostile file
// costs bounded memory whatever its shape.
type lineLimiter struct {
	r        io.Reader
	maxLine  int
	maxBytes int64
	cur      int
	total    int64
	line     int
	err      error
}

type limitError struct{ msg string }

func (e *limitError) Error() string { return e.msg }

func (l *lineLimiter) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	if rest := l.maxBytes + 1 - l.total; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := l.r.Read(p)
	for i, c := range p[:n] {
		if c == '\n' {
			l.cur = 0
			l.line++
			continue
		}
		l.cur++
		if l.cur > l.maxLine {
			l.err = &limitError{fmt.Sprintf("line %d is longer than %d bytes", l.line, l.maxLine)}
			return i, l.err
		}
	}
	l.total += int64(n)
	if l.total > l.maxBytes {
		l.err = &limitError{fmt.Sprintf("the file is larger than %d bytes", l.maxBytes)}
		return 0, l.err
	}
	return n, err
}
