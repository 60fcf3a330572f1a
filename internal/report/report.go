// Package report builds cairn's reports (awards per offering and period,
// stacks completed, verifications, approval cycle times, the digital-badge
// report) as tables of text, the one shape the web pages, the API, CSV
// files and the command line share, and writes the transcript export for
// the student information system.
package report

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/sqlstore"
)

// The reports, by name.
const (
	Awards        = "awards"
	Stacks        = "stacks"
	Verifications = "verifications"
	CycleTimes    = "cycle-times"
	Badges        = "badges"
	// Transcripts is the transcript export (CSV only).
	Transcripts = "transcripts"
)

// Names are the reports Build makes, in the order pages show them.
func Names() []string { return []string{Awards, Stacks, Verifications, CycleTimes, Badges} }

// Titles word each report for people.
var Titles = map[string]string{
	Awards:        "Awards per offering and period",
	Stacks:        "Stacks completed",
	Verifications: "Verifications",
	CycleTimes:    "Approval cycle time per step (working days)",
	Badges:        "Digital badges approved since the committee last met (SSCC report)",
	Transcripts:   "Transcript entries",
}

// Table is one report as rows of text. Labels and Values are what its
// chart shows (none for a list such as the badge report), in Unit,
// written by Format.
type Table struct {
	Name    string     `json:"name"`
	Title   string     `json:"title"`
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
	Note    string     `json:"note,omitempty"`

	Labels []string               `json:"-"`
	Values []float64              `json:"-"`
	Unit   string                 `json:"-"`
	Format func(v float64) string `json:"-"`
}

func (t *Table) add(label string, value float64, row ...string) {
	t.Rows = append(t.Rows, row)
	t.Labels, t.Values = append(t.Labels, label), append(t.Values, value)
}

func whole(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// Build makes the named report of the institution over r. It is NotFound
// for an unknown name.
func Build(ctx context.Context, st *sqlstore.Store, ap *sqlstore.Approvals, name string, institutionID int64, r sqlstore.ReportRange) (Table, error) {
	t := Table{Name: name, Title: Titles[name], Columns: []string{}, Rows: [][]string{}, Format: whole}
	switch name {
	case Awards:
		rows, err := st.AwardsPerOffering(ctx, institutionID, r)
		if err != nil {
			return t, err
		}
		t.Columns, t.Unit = []string{"period", "offering_id", "title", "awards"}, "awards"
		for _, c := range rows {
			t.add(c.Period+" · "+c.Title, float64(c.Count), c.Period, strconv.FormatInt(c.OfferingID, 10), c.Title, strconv.Itoa(c.Count))
		}
	case Stacks:
		rows, err := st.StacksCompleted(ctx, institutionID, r)
		if err != nil {
			return t, err
		}
		t.Columns, t.Unit = []string{"period", "stack_id", "title", "completed"}, "learners"
		for _, c := range rows {
			t.add(c.Period+" · "+c.Title, float64(c.Count), c.Period, strconv.FormatInt(c.StackID, 10), c.Title, strconv.Itoa(c.Count))
		}
	case Verifications:
		rows, err := st.Verifications(ctx, r)
		if err != nil {
			return t, err
		}
		t.Columns, t.Unit = []string{"period", "endpoint", "outcome", "count"}, "verifications"
		t.Note = "Every verification cairn answered (the verification page, POST /api/v1/verify and the VC API's POST /credentials/verify), whoever issued the credential."
		for _, c := range rows {
			t.add(c.Period+" · "+c.Endpoint+" · "+c.Outcome, float64(c.Count), c.Period, c.Endpoint, c.Outcome, strconv.Itoa(c.Count))
		}
	case CycleTimes:
		rows, err := ap.CycleTimes(ctx, institutionID, r)
		if err != nil {
			return t, err
		}
		t.Columns, t.Unit = []string{"step", "label", "visits", "mean_working_days", "median_working_days", "max_working_days"}, "mean working days"
		t.Note = "Visits to each step that ended in the period, from the day the case entered the step to the day it left, in the institution's working days."
		t.Format = func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
		for _, c := range rows {
			t.add(c.Label, c.Mean, c.Step, c.Label, strconv.Itoa(c.Visits), strconv.FormatFloat(c.Mean, 'f', 2, 64),
				strconv.FormatFloat(c.Median, 'f', 1, 64), strconv.Itoa(c.Max))
		}
	case Badges:
		t.Columns = []string{"approved_on", "offering_id", "title", "version"}
		rep, err := ap.BadgeReportNow(ctx, institutionID)
		if apperror.CodeOf(err) == apperror.NotFound {
			t.Note = "The institution's policy has no digital-badge report."
			return t, nil
		} else if err != nil {
			return t, err
		}
		since := "ever"
		if !rep.Since.IsZero() {
			since = "since " + rep.Since.UTC().Format(time.DateOnly)
		}
		t.Note = fmt.Sprintf("What the %s would send the %s now (%s): digital badges approved %s. The Provost sends it from the Provost's page.", rep.From, rep.To, rep.Clause, since)
		for _, it := range rep.Items {
			t.Rows = append(t.Rows, []string{it.ApprovedAt.UTC().Format(time.DateOnly), strconv.FormatInt(it.OfferingID, 10), it.Title, strconv.Itoa(it.Version)})
		}
	default:
		return t, apperror.New(apperror.NotFound, "no report %q; the reports are %s", name, strings.Join(Names(), ", "))
	}
	return t, nil
}

// IsName reports whether name is a report Build makes.
func IsName(name string) bool { return slices.Contains(Names(), name) }

// WriteCSV writes the table as CSV: its columns, then its rows.
func WriteCSV(w io.Writer, t Table) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Columns); err != nil {
		return err
	}
	for _, row := range t.Rows {
		if err := cw.Write(Defuse(row)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteTranscripts writes every credit-bearing award of the institution
// as CSV (sqlstore.TranscriptColumns), streaming.
func WriteTranscripts(ctx context.Context, st *sqlstore.Store, institutionID int64, w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(sqlstore.TranscriptColumns); err != nil {
		return err
	}
	err := st.EachTranscriptEntry(ctx, institutionID, func(e sqlstore.TranscriptEntry) error {
		return cw.Write(Defuse(e.Row()))
	})
	cw.Flush()
	if err != nil {
		return err
	}
	return cw.Error()
}

// Defuse prefixes cells a spreadsheet would run as formulas (starting =,
// +, -, @, tab or carriage return, and not a number) with an apostrophe.
func Defuse(row []string) []string {
	out := make([]string, len(row))
	for i, c := range row {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			if _, err := strconv.ParseFloat(c, 64); err != nil {
				c = "'" + c
			}
		}
		out[i] = c
	}
	return out
}
