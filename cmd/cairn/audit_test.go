package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cairn/internal/audit"
	"cairn/internal/sqlstore"
)

// auditDB creates a SQLite store file at path with five audit events and
// returns them as stored.
func auditDB(t *testing.T, path string) []audit.Event {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), path, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var log []audit.Event
	for i := 1; i <= 5; i++ {
		e, err := s.RecordAudit(context.Background(), audit.Event{
			At: at.Add(time.Duration(i) * time.Hour), Institution: "inst/1", Actor: fmt.Sprintf("user/%d", i),
			Action: "review.submitted", Subject: "case/7", Data: json.RawMessage(fmt.Sprintf(`{"step":%d}`, i)),
		})
		if err != nil {
			t.Fatal(err)
		}
		log = append(log, e)
	}
	return log
}

// tamper runs SQL against the file directly, as someone with access to the
// database would, after dropping the triggers that keep the log
// append-only.
func tamper(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path) // the driver is registered by sqlstore
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range append([]string{`DROP TRIGGER audit_log_no_update`, `DROP TRIGGER audit_log_no_delete`}, stmts...) {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func TestAuditVerify(t *testing.T) {
	// forged is a row a tamperer chains after row 3, making room by
	// renumbering rows 4 and 5.
	forged := func(log []audit.Event) string {
		e, err := audit.Chain(&log[2], audit.Event{At: log[2].At, Institution: "inst/1", Actor: "user/666", Action: "case.approved", Subject: "case/7"})
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf(`INSERT INTO audit_log (seq, at, institution, actor, action, subject, data, prev_hash, hash)
			SELECT 4, at, '%s', '%s', '%s', '%s', '', X'%x', X'%x' FROM audit_log WHERE seq = 3`,
			e.Institution, e.Actor, e.Action, e.Subject, e.PrevHash, e.Hash)
	}
	tests := []struct {
		name   string
		stmts  func(log []audit.Event) []string
		anchor bool
		code   int
		want   []string // lines expected in the output
	}{
		{"clean log", nil, false, 0, []string{"audit log: 5 rows checked, no problems; head anchor 5:"}},
		{"clean log with anchor", nil, true, 0, []string{"no problems"}},
		{"edited row", func([]audit.Event) []string {
			return []string{`UPDATE audit_log SET data = '{"step":3,"approved":true}' WHERE seq = 3`}
		}, false, 1, []string{"seq 3: edited: ", "audit log: 5 rows checked, 1 problem\n"}},
		{"deleted row", func([]audit.Event) []string {
			return []string{`DELETE FROM audit_log WHERE seq = 3`}
		}, false, 1, []string{"seq 3: deleted: row 3 is missing"}},
		{"inserted row", func(log []audit.Event) []string {
			return []string{
				`UPDATE audit_log SET seq = 6 WHERE seq = 5`,
				`UPDATE audit_log SET seq = 5 WHERE seq = 4`,
				forged(log),
			}
		}, false, 1, []string{"seq 4: inserted: row 4 is not part of the chain", "seq 5: edited: ", "seq 6: edited: ", "audit log: 6 rows checked, 3 problems\n"}},
		{"truncated tail with anchor", func([]audit.Event) []string {
			return []string{`DELETE FROM audit_log WHERE seq = 5`}
		}, true, 1, []string{"seq 5: deleted: row 5 is missing from the end of the log"}},
		{"truncated tail without anchor", func([]audit.Event) []string {
			return []string{`DELETE FROM audit_log WHERE seq = 5`}
		}, false, 0, []string{"audit log: 4 rows checked, no problems"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cairn.db")
			log := auditDB(t, path)
			if tt.stmts != nil {
				tamper(t, path, tt.stmts(log)...)
			}
			args := []string{"audit", "verify", "--dsn", path}
			if tt.anchor {
				args = append(args, "--anchor", audit.AnchorOf(log[4]).String())
			}
			stdout, stderr, code := cli(t, "", args...)
			if code != tt.code {
				t.Fatalf("got exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("output lacks %q:\n%s", w, stdout)
				}
			}
		})
	}
}

func TestAuditVerifyDataDir(t *testing.T) {
	dir := t.TempDir()
	log := auditDB(t, filepath.Join(dir, "cairn.db"))
	stdout, stderr, code := cli(t, "", "audit", "verify", "--data", dir)
	if want := "head anchor " + audit.AnchorOf(log[4]).String(); code != 0 || !strings.Contains(stdout, want) {
		t.Errorf("got exit %d, output %q %q; want 0 and %q", code, stdout, stderr, want)
	}
}

func TestAuditVerifyUsage(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "cairn.db")
	auditDB(t, db)
	tests := []struct {
		name string
		args []string
	}{
		{"no subcommand", []string{"audit"}},
		{"unknown subcommand", []string{"audit", "check"}},
		{"missing database", []string{"audit", "verify", "--dsn", filepath.Join(dir, "none.db")}},
		{"missing data directory", []string{"audit", "verify", "--data", filepath.Join(dir, "none")}},
		{"bad anchor", []string{"audit", "verify", "--dsn", db, "--anchor", "5:xyz"}},
		{"unknown flag", []string{"audit", "verify", "--nope"}},
		{"extra argument", []string{"audit", "verify", "--dsn", db, "extra"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, stderr, code := cli(t, "", tt.args...); code != 2 {
				t.Errorf("got exit %d, want 2 (%s)", code, stderr)
			}
		})
	}
}
