package sqlstore

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"cairn/internal/award"
	"cairn/internal/keys"
)

// The environment of a child process of TestBulkAwardSurvivesKill.
const (
	childEnv       = "CAIRN_AWARD_CHILD_DB"
	childKeyEnv    = "CAIRN_AWARD_CHILD_KEY"
	childBatchEnv  = "CAIRN_AWARD_CHILD_BATCH"
	childWorkerEnv = "CAIRN_AWARD_CHILD_WORKER"
	childLease     = 2 * time.Second
)

// TestBulkAwardSurvivesKill runs a bulk award in child processes on a
// SQLite file and kills each with SIGKILL part-way through, at whatever
// point of signing or committing it has reached; a last run in this
// process finishes the batch. Every row must end up awarded exactly once,
// with one notice each and no status list index used twice.
func TestBulkAwardSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "cairn.db")
	s, err := Open(t.Context(), db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := newAwardWorld(t, s)
	// The children keep leases by the wall clock; so does this process.
	w.clock.t = time.Now().UTC()
	k := newIssuerKey(t)
	w.p = newAwardPipeline(t, k, award.FormatDI, time.Now)
	jwk, err := keys.MarshalPrivateJWK(k)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "issuer.jwk")
	if err := os.WriteFile(keyFile, jwk, 0o600); err != nil {
		t.Fatal(err)
	}
	const rows = 2000
	b := w.createBatch(learnersCSV(rows), BatchRequest{})
	if _, err := s.ConfirmBatch(t.Context(), b.ID, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Kill the first child after its first chunk, the second a good way
	// further on; each resumes where the one before it died.
	last := 0
	for round, killAt := range []int{1, rows / 2} {
		done := runChildUntil(t, db, keyFile, b.ID, "child"+strconv.Itoa(round), killAt)
		if done < last || done >= rows {
			t.Fatalf("round %d: killed at %d rows done, want between %d and %d", round, done, last, rows)
		}
		t.Logf("killed %s with SIGKILL after it reported %d of %d rows done", "child"+strconv.Itoa(round), done, rows)
		last = done
	}

	s, err = Open(t.Context(), db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w.s = s
	s.clock = func() time.Time { return time.Now().Add(childLease + time.Second) }
	mid, err := s.BatchProgress(t.Context(), b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if mid.State != award.Running || mid.ClaimedBy != "child1" || mid.Done < last {
		t.Fatalf("after the kills got %+v, want running, held by the dead child1, at least %d done", mid, last)
	}
	c, err := s.ClaimBatchID(t.Context(), b.ID, "parent", time.Minute)
	if err != nil {
		t.Fatalf("take over from the dead child: %v", err)
	}
	b, err = s.RunBatch(t.Context(), c, w.p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b.State != award.Done || b.Issued != rows || b.Existing != 0 || b.Failed != 0 {
		t.Fatalf("got %+v, want done with every row issued by this batch", b)
	}
	w.checkExactlyOnce(b)
	awards, err := s.AwardsForOffering(t.Context(), w.offering.ID, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	more, err := s.AwardsForOffering(t.Context(), w.offering.ID, awards[len(awards)-1].ID, 1000)
	if err != nil {
		t.Fatal(err)
	}
	awards = append(awards, more...)
	if len(awards) != rows {
		t.Fatalf("got %d awards, want %d", len(awards), rows)
	}
	for _, i := range []int{0, last - 1, last, rows - 1} {
		if rep := w.verifyAward(awards[i]); !rep.Verified {
			t.Errorf("award %d: got errors %v, want verified", i, rep.Errors)
		}
	}
}

// runChildUntil runs the batch in a child process and kills it with
// SIGKILL once it reports at least killAt rows done; it returns the rows
// the child reported done last.
func runChildUntil(t *testing.T, db, keyFile string, batchID int64, worker string, killAt int) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestBulkAwardKillChild$")
	cmd.Env = append(os.Environ(), childEnv+"="+db, childKeyEnv+"="+keyFile,
		childBatchEnv+"="+strconv.FormatInt(batchID, 10), childWorkerEnv+"="+worker)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done, killed := -1, false
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		n, ok := strings.CutPrefix(sc.Text(), "progress ")
		if !ok {
			continue
		}
		done, _ = strconv.Atoi(n)
		if done >= killAt && !killed {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	err = cmd.Wait()
	if !killed {
		t.Fatalf("%s ended (%v) before %d rows were done", worker, err, killAt)
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("%s: got %v, want killed by SIGKILL", worker, err)
	}
	return done
}

// TestBulkAwardKillChild is the child process of TestBulkAwardSurvivesKill:
// it claims the batch (waiting out a dead predecessor's lease) and runs
// it, reporting progress on stdout.
func TestBulkAwardKillChild(t *testing.T) {
	db := os.Getenv(childEnv)
	if db == "" {
		t.Skip("the child process of TestBulkAwardSurvivesKill")
	}
	batchID, _ := strconv.ParseInt(os.Getenv(childBatchEnv), 10, 64)
	jwk, err := os.ReadFile(os.Getenv(childKeyEnv))
	if err != nil {
		t.Fatal(err)
	}
	k, err := keys.ParsePrivateJWK(jwk)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(t.Context(), db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	worker := os.Getenv(childWorkerEnv)
	var c BatchClaim
	for deadline := time.Now().Add(30 * time.Second); ; {
		if c, err = s.ClaimBatchID(t.Context(), batchID, worker, childLease); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("claim: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	_, err = s.RunBatch(t.Context(), c, newAwardPipeline(t, k, award.FormatDI, time.Now), func(done, _ int) {
		fmt.Printf("progress %d\n", done)
	})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("finished")
}
