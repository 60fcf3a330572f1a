package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/award"
	"cairn/internal/config"
	"cairn/internal/issuer"
	"cairn/internal/sqlstore"
)

const awardUsage = `usage: cairn award --csv FILE --offering ID [--by EMAIL] [--yes] [--skip-invalid] [--require-known] [config flags]

Awards an approved offering to the learners of a CSV file, with the store
and issuing keys of the configuration (the same as cairn serve's). The
first line of the file names the columns: email (required), name, result,
evidence_url, issued_on (YYYY-MM-DD), did.

It previews the file first: how many rows it has, how many learners
already have the award and every row with a problem (a bad email, a
duplicate, an unknown learner with --require-known). With problems it
stops unless --skip-invalid is given; then it asks for confirmation
(--yes answers it) and issues the batch here, with a progress bar on
standard error. Each learner is awarded once: running it again issues
nothing new and says how many were already issued.

--by names who awards: the central office (registrar, credentials staff) or
a person the offering's department nominated. Without it the award is
recorded as the system's.

`

// Limits and pacing of cairn award.
const (
	// awardProblemsShown bounds the problem rows printed.
	awardProblemsShown = 50
	// awardLease is how long the batch is held between chunks.
	awardLease = 5 * time.Minute
	// progressEvery is how often progress is reported when standard
	// error is not a terminal.
	progressEvery = 5 * time.Second
)

func cmdAward(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "award")
	csvPath := fs.String("csv", "", "the CSV `file` of learners to award")
	offeringID := fs.Int64("offering", 0, "the `id` of the offering to award (its approved version is awarded)")
	by := fs.String("by", "", "the `email` address of the person awarding")
	yes := fs.Bool("yes", false, "do not ask for confirmation")
	skipInvalid := fs.Bool("skip-invalid", false, "award the valid rows even when others have problems")
	requireKnown := fs.Bool("require-known", false, "treat learners without an account as problems")
	fs.Usage = func() {
		io.WriteString(e.stderr, awardUsage)
		fs.PrintDefaults()
	}
	cfg, err := loadConfig(e, fs, args)
	if err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usageError("cairn award: unexpected argument %q; see cairn award --help", fs.Arg(0))
	case *csvPath == "":
		return usageError("cairn award: --csv FILE is required")
	case *offeringID <= 0:
		return usageError("cairn award: --offering ID is required (a positive number)")
	}
	logger := newLogger(e.stderr, cfg)

	f, err := os.Open(*csvPath)
	if err != nil {
		return fmt.Errorf("open the CSV file: %w", err)
	}
	defer f.Close()

	store, err := openConfiguredStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()

	a := awarder{e: e, store: store, logger: logger}
	return a.run(ctx, awardRun{cfg: cfg, csv: f, source: filepath.Base(*csvPath), offering: *offeringID, by: *by,
		yes: *yes, skipInvalid: *skipInvalid, requireKnown: *requireKnown})
}

// openConfiguredStore opens the store the configuration names, as cairn
// serve does; a SQLite file must already exist, since a new one would hold
// no offering to award.
func openConfiguredStore(ctx context.Context, cfg config.Config) (*sqlstore.Store, error) {
	driver, dsn := cfg.Database()
	if driver == config.SQLite && !strings.HasPrefix(dsn, "file:") && dsn != ":memory:" {
		if _, err := os.Stat(dsn); err != nil {
			return nil, fmt.Errorf("open store: no database at %s (set --data or --dsn as for cairn serve): %w", dsn, err)
		}
	}
	store, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	return store, nil
}

// awardIssuers opens the issuing identities of the installation as cairn
// serve does (newIssuers): the key-encryption key file of the
// configuration, and the public URL that credentials and status lists
// name: base_url, or the configured listening address, as serve falls back
// to.
func awardIssuers(ctx context.Context, cfg config.Config, store *sqlstore.Store, logger *slog.Logger) (*issuer.Service, error) {
	base := cfg.BaseURL
	if base == "" {
		base = "http://" + cfg.Addr
	}
	return newIssuers(ctx, cfg, base, logger, newEngine(nil, nil).di, store)
}

// awardRun is what one cairn award is asked to do.
type awardRun struct {
	cfg          config.Config
	csv          io.Reader
	source       string
	offering     int64
	by           string
	yes          bool
	skipInvalid  bool
	requireKnown bool
}

type awarder struct {
	e      env
	store  *sqlstore.Store
	logger *slog.Logger
}

func (a awarder) run(ctx context.Context, r awardRun) error {
	out := a.e.stdout
	o, err := a.store.Offering(ctx, r.offering)
	if err != nil {
		return fmt.Errorf("offering %d: %w", r.offering, err)
	}
	ao := award.Offering{ID: o.ID, Version: o.ApprovedVersion, Status: o.Status, ApprovedVersion: o.ApprovedVersion}
	if err := ao.Awardable(); err != nil {
		return err
	}
	var byID int64
	if r.by != "" {
		p, err := a.store.PersonByEmail(ctx, r.by)
		if err != nil {
			return fmt.Errorf("--by %s: %w", r.by, err)
		}
		rights, err := a.store.AwardRights(ctx, p.ID, o.ID)
		if err != nil {
			return err
		}
		if !rights.CanAward() {
			return fmt.Errorf("--by %s: %s may not award offering %d: only the central office (registrar, credentials staff) and the people its department nominates may", r.by, p.Name, o.ID)
		}
		byID = p.ID
	}
	note := ""
	if ao.Interim() {
		note = " (approved on an interim basis: awarded without credit)"
	}
	fmt.Fprintf(out, "Offering %d %q, version %d%s\n", o.ID, o.Draft.Title, o.ApprovedVersion, note)

	sheet, err := award.ParseCSV(r.csv, award.CSVOptions{})
	if err != nil {
		return fmt.Errorf("%s: %w", r.source, err)
	}
	b, err := a.store.CreateBatch(ctx, sqlstore.BatchRequest{OfferingID: o.ID, Source: clipSource(r.source), RequireKnown: r.requireKnown, By: byID}, sheet)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s: %d rows: %d to award, %d already issued, %d with problems\n", r.source, b.Total, b.ToAward, b.Existing, b.Invalid)
	if b.Invalid > 0 {
		if err := a.printProblems(ctx, b); err != nil {
			return err
		}
		if !r.skipInvalid {
			a.cancel(ctx, b.ID, byID)
			return exitError{code: 1, err: fmt.Errorf("%d rows have problems, so nothing was issued: fix them, or pass --skip-invalid to award the other %d", b.Invalid, b.ToAward)}
		}
	}
	if b.ToAward == 0 {
		if _, err := a.store.ConfirmBatch(ctx, b.ID, byID); err != nil {
			return err
		}
		fmt.Fprintf(out, "Nothing to award: %d learners already have this award.\n", b.Existing)
		return nil
	}
	if !r.yes {
		ok, err := a.ask(fmt.Sprintf("Award %q to %d learners? [y/N] ", o.Draft.Title, b.ToAward))
		if err != nil || !ok {
			a.cancel(ctx, b.ID, byID)
			if err != nil {
				return err
			}
			return exitError{code: 1, err: errors.New("not confirmed: nothing was issued")}
		}
	}
	if b, err = a.store.ConfirmBatch(ctx, b.ID, byID); err != nil {
		return err
	}
	svc, err := awardIssuers(ctx, r.cfg, a.store, a.logger)
	if err != nil {
		return fmt.Errorf("issuing keys: %w (batch %d is confirmed: a server's batch worker will issue it)", err, b.ID)
	}
	iss, err := svc.Issuer(ctx, o.InstitutionID)
	if err != nil {
		return fmt.Errorf("issuing identity: %w (batch %d is confirmed: a server's batch worker will issue it)", err, b.ID)
	}
	if b, err = a.runBatch(ctx, b, iss); err != nil {
		return err
	}
	fmt.Fprintf(out, "Batch %d %s: issued %d, already issued %d, failed %d, with problems %d\n", b.ID, b.State, b.Issued, b.Existing, b.Failed, b.Invalid)
	if b.State != award.Done {
		return exitError{code: 1, err: fmt.Errorf("batch %d %s: %s", b.ID, b.State, b.Error)}
	}
	return nil
}

func clipSource(s string) string {
	const n = 200
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// printProblems lists the rows with problems, up to awardProblemsShown.
func (a awarder) printProblems(ctx context.Context, b sqlstore.Batch) error {
	rows, err := a.store.BatchRows(ctx, b.ID, -1, 1000, true)
	if err != nil {
		return err
	}
	shown := 0
	for _, r := range rows {
		if r.State != award.RowInvalid {
			continue
		}
		if shown == awardProblemsShown {
			fmt.Fprintf(a.e.stdout, "  … and %d more\n", b.Invalid-shown)
			break
		}
		field := ""
		if r.ErrorField != "" {
			field = r.ErrorField + ": "
		}
		fmt.Fprintf(a.e.stdout, "  line %d: %s%s\n", r.Line, field, r.Error)
		shown++
	}
	return nil
}

// cancel withdraws a previewed batch, logging a failure: the batch was
// never confirmed, so it issues nothing either way.
func (a awarder) cancel(ctx context.Context, id, by int64) {
	if _, err := a.store.CancelBatch(context.WithoutCancel(ctx), id, by); err != nil {
		a.logger.Warn("cancel the previewed batch", "batch", id, "error", err)
	}
}

// ask asks a yes-or-no question on standard error and reads the answer
// from standard input.
func (a awarder) ask(question string) (bool, error) {
	io.WriteString(a.e.stderr, question)
	if a.e.stdin == nil {
		return false, nil
	}
	line, err := bufio.NewReader(io.LimitReader(a.e.stdin, 1<<10)).ReadString('\n')
	if !isTerminal(a.e.stderr) {
		// No one typed the answer here, so end the question's line.
		io.WriteString(a.e.stderr, "\n")
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return false, fmt.Errorf("read the answer: %w", err)
	}
	ans := strings.ToLower(strings.TrimSpace(line))
	return ans == "y" || ans == "yes", nil
}

// runBatch claims the confirmed batch and issues it here. If a server's
// batch worker claimed it first, it follows that worker's progress
// instead.
func (a awarder) runBatch(ctx context.Context, b sqlstore.Batch, iss sqlstore.Issuer) (sqlstore.Batch, error) {
	host, _ := os.Hostname()
	worker := "cairn-award@" + host + ":" + strconv.Itoa(os.Getpid())
	bar := newProgressBar(a.e.stderr, b.ToAward)
	defer bar.finish()
	c, err := a.store.ClaimBatchID(ctx, b.ID, worker, awardLease)
	if apperror.CodeOf(err) == apperror.Conflict {
		fmt.Fprintf(a.e.stderr, "batch %d is being run by a server's batch worker; following its progress\n", b.ID)
		return a.follow(ctx, b.ID, bar)
	}
	if err != nil {
		return b, err
	}
	done, err := a.store.RunBatch(ctx, c, iss, bar.update)
	if err != nil {
		if ctx.Err() != nil {
			return done, fmt.Errorf("interrupted: batch %d resumes when a server's batch worker takes it over after %s, or run this command again: %w", b.ID, awardLease, err)
		}
		return done, err
	}
	bar.update(done.Done, done.ToAward)
	return done, nil
}

// follow reports the progress of a batch another worker runs until it
// ends.
func (a awarder) follow(ctx context.Context, id int64, bar *progressBar) (sqlstore.Batch, error) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		b, err := a.store.BatchProgress(ctx, id)
		if err != nil {
			return b, err
		}
		bar.update(b.Done, b.ToAward)
		if b.State != award.Queued && b.State != award.Running {
			return b, nil
		}
		select {
		case <-ctx.Done():
			return b, fmt.Errorf("stopped following batch %d, which goes on: %w", id, ctx.Err())
		case <-t.C:
		}
	}
}

// progressBar draws a batch's progress on w: one line redrawn in place
// when w is a terminal, a line every progressEvery otherwise.
type progressBar struct {
	mu       sync.Mutex
	w        io.Writer
	tty      bool
	total    int
	done     int
	started  time.Time
	last     time.Time
	drawn    bool
	finished bool
}

func newProgressBar(w io.Writer, total int) *progressBar {
	return &progressBar{w: w, tty: isTerminal(w), total: total, started: time.Now()}
}

// isTerminal reports whether w is a character device, as a terminal is.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (p *progressBar) update(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished || (p.drawn && done == p.done && total == p.total) {
		return
	}
	p.done, p.total = done, total
	now := time.Now()
	if p.tty {
		if now.Sub(p.last) < 100*time.Millisecond && done < total {
			return
		}
		fmt.Fprintf(p.w, "\r%s", p.line(now))
	} else {
		if p.drawn && now.Sub(p.last) < progressEvery && done < total {
			return
		}
		fmt.Fprintln(p.w, p.line(now))
	}
	p.last, p.drawn = now, true
}

// line is the progress as text: a bar, the count and the rate.
func (p *progressBar) line(now time.Time) string {
	const width = 30
	frac := 1.0
	if p.total > 0 {
		frac = float64(p.done) / float64(p.total)
	}
	filled := int(frac * width)
	rate := ""
	if secs := now.Sub(p.started).Seconds(); secs > 0 && p.done > 0 {
		rate = fmt.Sprintf(", %.0f/s", float64(p.done)/secs)
	}
	return fmt.Sprintf("[%s%s] %3.0f%% %d/%d awarded%s", strings.Repeat("#", filled), strings.Repeat(".", width-filled), frac*100, p.done, p.total, rate)
}

// finish ends the terminal's progress line.
func (p *progressBar) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty && p.drawn && !p.finished {
		fmt.Fprintln(p.w)
	}
	p.finished = true
}
