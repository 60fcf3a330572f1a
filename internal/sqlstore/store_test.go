package sqlstore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/sqlstore/sqltest"
)

// testClock is a settable clock, safe for concurrent use.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// t0 is when every test store's clock starts.
var t0 = time.Date(2026, 3, 2, 17, 30, 0, 123456000, time.UTC)

// setClock gives s a fresh test clock at t0 and returns it.
func setClock(s *Store) *testClock {
	c := &testClock{t: t0}
	s.clock = c.Now
	return c
}

// postgresDSN returns the test PostgreSQL DSN, or "" when the PostgreSQL
// runs are off.
func postgresDSN() string { return os.Getenv("CAIRN_TEST_POSTGRES") }

// forEachEngine runs fn against a fresh, migrated store on in-memory SQLite
// and, when CAIRN_TEST_POSTGRES is set, on PostgreSQL in a schema of its
// own. Each store's clock is a test clock at t0.
func forEachEngine(t *testing.T, fn func(t *testing.T, s *Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		s, err := Open(context.Background(), ":memory:", Options{})
		if err != nil {
			t.Fatalf("open sqlite: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		setClock(s)
		fn(t, s)
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := postgresDSN()
		if dsn == "" {
			t.Skip("CAIRN_TEST_POSTGRES is not set")
		}
		s, err := Open(context.Background(), sqltest.Schema(t, dsn), Options{})
		if err != nil {
			t.Fatalf("open postgres: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		setClock(s)
		fn(t, s)
	})
}

// forEachShared runs fn on one database shared by several stores, each
// with its own connection pool, as several processes would share it: a
// SQLite file, and a PostgreSQL schema when CAIRN_TEST_POSTGRES is set.
// open opens one more store on the database; it is safe to call from
// several goroutines.
func forEachShared(t *testing.T, fn func(t *testing.T, open func() (*Store, error))) {
	t.Helper()
	opener := func(t *testing.T, dsn string, opts Options) func() (*Store, error) {
		return func() (*Store, error) {
			s, err := Open(context.Background(), dsn, opts)
			if err != nil {
				return nil, err
			}
			t.Cleanup(func() { s.Close() })
			setClock(s)
			return s, nil
		}
	}
	t.Run("sqlite-file", func(t *testing.T) {
		fn(t, opener(t, filepath.Join(t.TempDir(), "cairn.db"), Options{}))
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := postgresDSN()
		if dsn == "" {
			t.Skip("CAIRN_TEST_POSTGRES is not set")
		}
		fn(t, opener(t, sqltest.Schema(t, dsn), Options{MaxOpenConns: 4}))
	})
}

// openN opens n stores with open, concurrently.
func openN(t *testing.T, n int, open func() (*Store, error)) []*Store {
	t.Helper()
	stores := make([]*Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { stores[i], errs[i] = open() })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("open: %v", err)
	}
	return stores
}

// wantCode fails unless err has the apperror code.
func wantCode(t *testing.T, err error, want apperror.Code) {
	t.Helper()
	if got := apperror.CodeOf(err); got != want {
		t.Fatalf("got error %v (code %q), want code %q", err, got, want)
	}
}

// wantField fails unless err is an apperror with the code and field.
func wantField(t *testing.T, err error, code apperror.Code, field string) {
	t.Helper()
	var ae *apperror.Error
	if !errors.As(err, &ae) || ae.Code != code || ae.Field != field {
		t.Fatalf("got error %v, want %s about field %q", err, code, field)
	}
}
