package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"cairn/internal/apperror"
	"cairn/internal/sqlstore/sqltest"
)

// driverWords are fragments of SQLite and PostgreSQL error messages that
// must never reach a user-facing message.
var driverWords = []string{"constraint", "violat", "duplicate", "sqlstate", "sqlite", "foreign key", "institutions", "org_units", "people", "null value"}

func wantSafeMessage(t *testing.T, err error) {
	t.Helper()
	msg := strings.ToLower(apperror.MessageOf(err))
	for _, w := range driverWords {
		if strings.Contains(msg, w) {
			t.Errorf("message %q shows driver detail %q", msg, w)
		}
	}
}

func TestErrorTranslation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		kpu := newInstitution(t, s, "kpu")
		insertInstitution := `INSERT INTO institutions (slug, name, jurisdiction, time_zone, created_at, updated_at)
			VALUES ($1, 'x', 'CA-BC', 'UTC', $2, $2)`
		tests := []struct {
			name string
			run  func(tx *Tx) error
			want apperror.Code
		}{
			{"unique violation is a conflict", func(tx *Tx) error {
				_, err := tx.exec(insertInstitution, kpu.Slug, tx.ts(tx.Now()))
				return err
			}, apperror.Conflict},
			{"foreign key violation is invalid", func(tx *Tx) error {
				_, err := tx.exec(`INSERT INTO org_units (institution_id, kind, name, created_at, updated_at) VALUES (9999, 'faculty', 'x', $1, $1)`, tx.ts(tx.Now()))
				return err
			}, apperror.Invalid},
			{"check violation is invalid", func(tx *Tx) error {
				_, err := tx.exec(insertInstitution, "", tx.ts(tx.Now()))
				return err
			}, apperror.Invalid},
			{"not-null violation is invalid", func(tx *Tx) error {
				_, err := tx.exec(`INSERT INTO people (name, email, created_at, updated_at) VALUES (NULL, 'n@example.edu', $1, $1)`, tx.ts(tx.Now()))
				return err
			}, apperror.Invalid},
			{"no rows is not found", func(tx *Tx) error {
				var id int64
				return tx.sql.QueryRowContext(tx.ctx, `SELECT id FROM institutions WHERE id = 9999`).Scan(&id)
			}, apperror.NotFound},
			{"deleting a referenced row is invalid", func(tx *Tx) error {
				if _, err := tx.exec(`INSERT INTO org_units (institution_id, kind, name, created_at, updated_at) VALUES ($1, 'faculty', 'x', $2, $2)`, kpu.ID, tx.ts(tx.Now())); err != nil {
					return err
				}
				_, err := tx.exec(`DELETE FROM institutions WHERE id = $1`, kpu.ID)
				return err
			}, apperror.Invalid},
			{"other errors are internal", func(tx *Tx) error {
				_, err := tx.exec(`SELECT * FROM no_such_table`)
				return err
			}, apperror.Internal},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := s.WithTx(t.Context(), tt.run)
				wantCode(t, err, tt.want)
				if IsRetryable(err) {
					t.Errorf("got retryable %v, want not", err)
				}
				if tt.want != apperror.Internal {
					wantSafeMessage(t, err)
				}
			})
		}
	})
}

func TestBusyIsRetryableConflict(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "busy.db")
		holder, err := Open(t.Context(), path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer holder.Close()
		waiter, err := Open(t.Context(), path, Options{BusyTimeout: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		defer waiter.Close()
		checkBusy(t, holder, waiter, func(tx *Tx) error {
			_, err := tx.exec(`UPDATE audit_head SET seq = seq WHERE id = 1`)
			return err
		})
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := postgresDSN()
		if dsn == "" {
			t.Skip("CAIRN_TEST_POSTGRES is not set")
		}
		dsn = sqltest.Schema(t, dsn)
		holder, err := Open(t.Context(), dsn, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer holder.Close()
		waiter, err := Open(t.Context(), dsn, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer waiter.Close()
		checkBusy(t, holder, waiter, func(tx *Tx) error {
			if _, err := tx.exec(`SET LOCAL lock_timeout = '20ms'`); err != nil {
				return err
			}
			_, err := tx.exec(`UPDATE audit_head SET seq = seq WHERE id = 1`)
			return err
		})
	})
}

// checkBusy holds the write lock (or the audit head's row lock) in
// holder while waiter tries to write, and wants a retryable Conflict.
func checkBusy(t *testing.T, holder, waiter *Store, write func(*Tx) error) {
	t.Helper()
	locked, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- holder.WithTx(t.Context(), func(tx *Tx) error {
			if _, err := tx.exec(`UPDATE audit_head SET seq = seq WHERE id = 1`); err != nil {
				close(locked)
				return err
			}
			close(locked)
			<-release
			return nil
		})
	}()
	<-locked
	err := waiter.WithTx(t.Context(), write)
	close(release)
	if herr := <-done; herr != nil {
		t.Fatalf("holder: %v", herr)
	}
	wantCode(t, err, apperror.Conflict)
	if !IsRetryable(err) {
		t.Errorf("got %v, want it retryable", err)
	}
	wantSafeMessage(t, err)
	// Once the lock is free the same write succeeds.
	if err := waiter.WithTx(t.Context(), write); err != nil {
		t.Errorf("after release: got %v, want no error", err)
	}
}

func TestClassifyPostgres(t *testing.T) {
	tests := []struct {
		code string
		want driverError
	}{
		{"23505", uniqueViolation},
		{"23503", foreignKeyViolation},
		{"23514", checkViolation},
		{"23502", notNullViolation},
		{"40001", busy},
		{"40P01", busy},
		{"55P03", busy},
		{"42P01", otherError},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			err := fmt.Errorf("exec: %w", &pgconn.PgError{Code: tt.code, Message: "secret detail"})
			if got := classifyPostgres(err); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
	if got := classifyPostgres(errors.New("plain")); got != otherError {
		t.Errorf("plain error: got %d, want otherError", got)
	}
	s := &Store{engine: PostgreSQL}
	err := s.translate(&pgconn.PgError{Code: "40001", Message: "could not serialize access"})
	if apperror.CodeOf(err) != apperror.Conflict || !IsRetryable(err) {
		t.Errorf("serialization failure: got %v, want a retryable conflict", err)
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		t.Error("translated error hides its cause from errors.As, want it reachable for logs")
	}
	if got := s.translate(sql.ErrNoRows); apperror.CodeOf(got) != apperror.NotFound {
		t.Errorf("no rows: got %v, want not found", got)
	}
	if got := s.translate(nil); got != nil {
		t.Errorf("nil: got %v, want nil", got)
	}
}
