package main

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"

	"cairn/internal/audit"
	"cairn/internal/config"
	"cairn/internal/sqlstore"
)

func cmdAudit(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return usageError("usage: cairn audit verify [--anchor SEQ:HASH] [--config FILE] [--data DIR] [--dsn DSN]")
	}
	return auditVerify(ctx, e, args[1:])
}

// auditVerify checks the whole audit log, read in pages, against its hash
// chain and optionally an anchor. It reads the database the server's
// configuration names (the same --config, --data, --dsn and CAIRN_*
// settings as cairn serve). Exit status: 0 clean, 1 problems found, 2 a
// usage or database error.
func auditVerify(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "audit verify")
	anchorText := fs.String("anchor", "", "also check the log against an anchor written down earlier (`SEQ:HASH`, as printed by a clean run)")
	cfg, err := loadConfig(e, fs, args)
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("usage: cairn audit verify [--anchor SEQ:HASH] [--config FILE] [--data DIR] [--dsn DSN]; unexpected %q", fs.Arg(0))
	}
	var anchor *audit.Anchor
	if *anchorText != "" {
		a, err := audit.ParseAnchor(*anchorText)
		if err != nil {
			return exitError{code: 2, err: fmt.Errorf("--anchor: %w", err)}
		}
		anchor = &a
	}
	driver, dsn := cfg.Database()
	// Opening a SQLite path that does not exist would create an empty
	// database, which verifies clean: refuse instead.
	if driver == config.SQLite && !strings.HasPrefix(dsn, "file:") && dsn != ":memory:" {
		if _, err := os.Stat(dsn); err != nil {
			return exitError{code: 2, err: fmt.Errorf("audit verify: no database: %w", err)}
		}
	}
	store, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
	if err != nil {
		return exitError{code: 2, err: fmt.Errorf("audit verify: %w", err)}
	}
	defer store.Close()

	v := audit.NewVerifier(anchor)
	var rows, problems int64
	var last audit.Event
	// Problems are printed a page at a time, in Seq order within the page
	// (an inserted row is found when a later row skips it).
	report := func(ps []audit.Problem) {
		slices.SortStableFunc(ps, func(a, b audit.Problem) int { return cmp.Compare(a.Seq, b.Seq) })
		for _, p := range ps {
			problems++
			if problems <= audit.MaxProblems {
				fmt.Fprintf(e.stdout, "seq %d: %s: %s\n", p.Seq, p.Kind, p.Message)
			}
		}
	}
	// Seq starts at 1, but a forged row may carry any number: read them all.
	from := int64(math.MinInt64)
	for problems < audit.MaxProblems {
		page, err := store.AuditLog(ctx, from, sqlstore.MaxAuditPage)
		if err != nil {
			return exitError{code: 2, err: fmt.Errorf("audit verify: read the log from seq %d: %w", max(from, 0), err)}
		}
		var found []audit.Problem
		for _, ev := range page {
			found = append(found, v.Next(ev)...)
			rows++
			last = ev
		}
		report(found)
		if len(page) < sqlstore.MaxAuditPage || last.Seq == math.MaxInt64 {
			break
		}
		from = last.Seq + 1
	}
	if problems >= audit.MaxProblems {
		fmt.Fprintf(e.stdout, "audit log: stopped after %d problems; rows checked: %d\n", problems, rows)
		return exitError{code: 1}
	}
	report(v.End())
	switch {
	case problems > 0:
		fmt.Fprintf(e.stdout, "audit log: %d rows checked, %d %s\n", rows, problems, plural(problems, "problem", "problems"))
		return exitError{code: 1}
	case rows == 0:
		fmt.Fprintln(e.stdout, "audit log: empty, no problems")
	default:
		fmt.Fprintf(e.stdout, "audit log: %d rows checked, no problems; head anchor %s\n", rows, audit.AnchorOf(last))
	}
	return nil
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
