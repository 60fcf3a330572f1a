package sqlstore

import (
	"context"
	"path/filepath"
	"testing"
)

// A SQLite store is one file in WAL mode, and every connection enforces
// foreign keys (issue: SQLite by default, WAL, foreign keys on, one file).
func TestSQLiteFileIsWALWithForeignKeysOn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cairn.db")
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Engine() != SQLite {
		t.Fatalf("got engine %s, want sqlite", s.Engine())
	}
	// Four transactions open at once hold the pool's four connections;
	// each must have the pragmas.
	const n = 4
	conns := make(chan error, n)
	inside := make(chan struct{}, n)
	release := make(chan struct{})
	for range n {
		go func() {
			conns <- s.ReadTx(t.Context(), func(tx *Tx) error {
				inside <- struct{}{}
				<-release
				var mode string
				var fk int
				if err := tx.sql.QueryRowContext(tx.ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
					return err
				}
				if err := tx.sql.QueryRowContext(tx.ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil {
					return err
				}
				if mode != "wal" || fk != 1 {
					t.Errorf("got journal_mode %q foreign_keys %d, want wal and 1", mode, fk)
				}
				return nil
			})
		}()
	}
	for range n {
		<-inside
	}
	close(release)
	for range n {
		if err := <-conns; err != nil {
			t.Fatal(err)
		}
	}
	if matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*.db")); len(matches) != 1 {
		t.Errorf("got database files %v, want the one file", matches)
	}
}
