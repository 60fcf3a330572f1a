package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/report"
	"cairn/internal/sqlstore"
)

const reportUsage = `usage: cairn report NAME --institution SLUG [--from DAY] [--to DAY] [--period month|year] [--config FILE] [--data DIR] [--dsn DSN]

Writes one report of an institution as CSV on standard output, from the
database cairn serve uses. NAME is one of:

  awards         awards per offering and period
  stacks         stacks completed per stack and period
  verifications  verifications answered per period, endpoint and outcome
  cycle-times    approval cycle time per step, in working days
  badges         the digital-badge report to SSCC as it would be sent now
  transcripts    every credit-bearing award, for the student information system

`

func cmdReport(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		io.WriteString(e.stderr, reportUsage)
		return usageError("cairn report: name the report")
	}
	name := args[0]
	if name != report.Transcripts && !report.IsName(name) {
		return usageError("cairn report: no report %q; see cairn report --help", name)
	}
	fs := newFlagSet(e, "report "+name)
	slug := fs.String("institution", "", "the institution's short name (`slug`), e.g. kpu")
	from := fs.String("from", "", "first `day` (YYYY-MM-DD, UTC); default the first of the month a year ago")
	to := fs.String("to", "", "last `day` (YYYY-MM-DD, UTC), included; default today")
	period := fs.String("period", sqlstore.PeriodMonth, "count per `month` or year")
	fs.Usage = func() {
		io.WriteString(e.stderr, reportUsage)
		fs.PrintDefaults()
	}
	cfg, err := loadConfig(e, fs, args[1:])
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("cairn report: unexpected argument %q", fs.Arg(0))
	}
	if *slug == "" {
		return usageError("cairn report: --institution SLUG is required")
	}
	now := time.Now().UTC().Truncate(24 * time.Hour)
	r := sqlstore.ReportRange{From: time.Date(now.Year()-1, now.Month(), 1, 0, 0, 0, 0, time.UTC), To: now, Period: *period}
	for _, f := range []struct {
		flag, v string
		dst     *time.Time
	}{{"--from", *from, &r.From}, {"--to", *to, &r.To}} {
		if f.v == "" {
			continue
		}
		if *f.dst, err = time.Parse(time.DateOnly, f.v); err != nil {
			return usageError("cairn report: %s must be a day, YYYY-MM-DD", f.flag)
		}
	}
	r.To = r.To.AddDate(0, 0, 1)
	if err := r.Check(); err != nil {
		return usageError("cairn report: %s", apperror.MessageOf(err))
	}

	store, err := openConfiguredStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	inst, err := store.InstitutionBySlug(ctx, *slug)
	if err != nil {
		return exitError{code: 2, err: fmt.Errorf("cairn report: institution %q: %s", *slug, apperror.MessageOf(err))}
	}
	if name == report.Transcripts {
		return report.WriteTranscripts(ctx, store, inst.ID, e.stdout)
	}
	t, err := report.Build(ctx, store, store.Approvals(nil), name, inst.ID, r)
	if err != nil {
		return err
	}
	return report.WriteCSV(e.stdout, t)
}
