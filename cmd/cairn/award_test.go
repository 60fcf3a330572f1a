package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"cairn/internal/demo"
	"cairn/internal/sqlstore"
)

// awardDemo is a data directory holding the demo installation, with the
// ids and people cairn award needs.
type awardDemo struct {
	dir       string
	offering  int64 // KPU's approved non-credit micro-credential
	draft     int64 // a draft, never approved
	registrar string
	proponent string
}

func newAwardDemo(t *testing.T) awardDemo {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	clock := demo.NewClock(time.Date(2026, 11, 20, 17, 0, 0, 0, time.UTC))
	st, err := sqlstore.Open(ctx, filepath.Join(dir, "cairn.db"), sqlstore.Options{Clock: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sum, err := demo.Populate(ctx, st, demo.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	d := awardDemo{dir: dir}
	approved, ok := sum.Offering("kpu", demo.ScenarioApproved)
	draft, ok2 := sum.Offering("kpu", demo.ScenarioDraft)
	if !ok || !ok2 {
		t.Fatal("the demo has no approved or draft KPU offering")
	}
	d.offering, d.draft = approved.ID, draft.ID
	for _, p := range sum.SignIns {
		for _, r := range p.Roles {
			if p.Institution == "kpu" && strings.HasPrefix(r, "registrar") && d.registrar == "" {
				d.registrar = p.Email
			}
			if p.Institution == "kpu" && strings.HasPrefix(r, "proponent@") && d.proponent == "" {
				d.proponent = p.Email
			}
		}
	}
	if d.registrar == "" || d.proponent == "" {
		t.Fatal("the demo has no KPU registrar or proponent")
	}
	return d
}

func (d awardDemo) csv(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(d.dir, name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// award runs cairn award on the demo's data directory.
func (d awardDemo) award(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	args = append([]string{"award", "--data", d.dir, "--log-level", "warn"}, args...)
	err = run(context.Background(), args, func(string) string { return "" }, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

func (d awardDemo) awards(t *testing.T) int {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), filepath.Join(d.dir, "cairn.db"), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	as, err := st.AwardsForOffering(context.Background(), d.offering, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(as)
}

// TestAwardCommand awards a small CSV file to the demo's approved
// offering: refused with its problems listed, then issued with
// --skip-invalid and a progress report, then run again issuing nothing.
func TestAwardCommand(t *testing.T) {
	d := newAwardDemo(t)
	before := d.awards(t)
	csv := d.csv(t, "cohort.csv", "email,name,result\n"+
		"ada@example.edu,Ada Lovelace,A\n"+
		"grace@example.edu,Grace Hopper,A-\n"+
		"not-an-email,Nobody,C\n"+
		"alan@example.edu,Alan Turing,B+\n"+
		"ADA@example.edu,Ada again,A\n")
	id := strconv.FormatInt(d.offering, 10)

	// Problems stop it, listed by line; nothing is issued.
	out, _, err := d.award(t, "", "--csv", csv, "--offering", id, "--yes")
	if code := exitCode(err); code != 1 || !strings.Contains(err.Error(), "2 rows have problems") {
		t.Fatalf("with problems: got %v (exit %d), want exit 1 naming the problems; output:\n%s", err, code, out)
	}
	for _, want := range []string{"5 rows: 3 to award, 0 already issued, 2 with problems", "line 4: email:", "line 6: email: duplicate"} {
		if !strings.Contains(out, want) {
			t.Errorf("preview output lacks %q:\n%s", want, out)
		}
	}
	if got := d.awards(t); got != before {
		t.Fatalf("after the refused run: %d awards, want %d", got, before)
	}

	// Only the central office or a nominee may award.
	_, _, err = d.award(t, "", "--csv", csv, "--offering", id, "--yes", "--skip-invalid", "--by", d.proponent)
	if err == nil || !strings.Contains(err.Error(), "may not award") {
		t.Errorf("--by a proponent: got %v, want a refusal", err)
	}
	// Not confirmed: nothing issued.
	_, stderr, err := d.award(t, "n\n", "--csv", csv, "--offering", id, "--skip-invalid", "--by", d.registrar)
	if exitCode(err) != 1 || !strings.Contains(stderr, "to 3 learners? [y/N]") {
		t.Errorf("unconfirmed: got %v, stderr %q; want the question and exit 1", err, stderr)
	}
	if got := d.awards(t); got != before {
		t.Fatalf("after the unconfirmed run: %d awards, want %d", got, before)
	}

	out, stderr, err = d.award(t, "y\n", "--csv", csv, "--offering", id, "--skip-invalid", "--by", d.registrar)
	if err != nil {
		t.Fatalf("award: %v\nstdout:\n%s\nstderr:\n%s", err, out, stderr)
	}
	t.Logf("cairn award:\n%s%s", stderr, out)
	if !strings.Contains(out, "issued 3, already issued 0, failed 0, with problems 2") {
		t.Errorf("award output:\n%s", out)
	}
	if !strings.Contains(stderr, "100% 3/3 awarded") || strings.Contains(stderr, "\r") {
		t.Errorf("progress (stderr is not a terminal, so whole lines): %q", stderr)
	}
	if got := d.awards(t); got != before+3 {
		t.Errorf("after the award: %d awards, want %d", got, before+3)
	}

	// Again: nothing new.
	out, _, err = d.award(t, "", "--csv", csv, "--offering", id, "--yes", "--skip-invalid")
	if err != nil || !strings.Contains(out, "0 to award, 3 already issued, 2 with problems") || !strings.Contains(out, "Nothing to award: 3 learners already have this award.") {
		t.Errorf("re-run: got %v, output:\n%s", err, out)
	}
	if got := d.awards(t); got != before+3 {
		t.Errorf("after the re-run: %d awards, want %d", got, before+3)
	}

	// A draft cannot be awarded; the command says why.
	_, _, err = d.award(t, "", "--csv", csv, "--offering", strconv.FormatInt(d.draft, 10), "--yes")
	if err == nil || !strings.Contains(err.Error(), "not approved") {
		t.Errorf("a draft: got %v, want a refusal saying it is not approved", err)
	}
	// Usage errors exit 2.
	if _, _, err := d.award(t, "", "--offering", id); exitCode(err) != 2 {
		t.Errorf("without --csv: got %v, want exit 2", err)
	}
}

func TestProgressBarLines(t *testing.T) {
	var b bytes.Buffer
	p := newProgressBar(&b, 4)
	p.update(1, 4)
	p.update(2, 4) // within progressEvery of the last line: not drawn
	p.update(4, 4) // the end is always drawn
	p.finish()
	p.update(4, 4) // after finish: nothing
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "[#######.......................]  25% 1/4 awarded") || !strings.Contains(lines[1], "100% 4/4 awarded") {
		t.Errorf("got %q", b.String())
	}
}

// exitCode is the status cairn would exit with for err.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}
