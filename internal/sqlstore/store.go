package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// Engine names the database engine behind a Store.
type Engine string

// The engines.
const (
	SQLite     Engine = "sqlite"
	PostgreSQL Engine = "postgres"
)

// Options configure a Store. The zero value is usable.
type Options struct {
	// Clock returns the current time; nil means time.Now. Tests inject a
	// fixed or stepping clock.
	Clock func() time.Time
	// BusyTimeout is how long a SQLite transaction waits for another
	// connection's write lock before failing with a retryable Conflict;
	// zero means 5 seconds. PostgreSQL waits on row locks without limit
	// unless the DSN sets lock_timeout.
	BusyTimeout time.Duration
	// MaxOpenConns bounds the connection pool; zero means 10 on PostgreSQL
	// and 4 on a SQLite file. An in-memory SQLite database always uses one
	// connection, since each connection would otherwise see its own empty
	// database.
	MaxOpenConns int
}

// defaultBusyTimeout is Options.BusyTimeout's default.
const defaultBusyTimeout = 5 * time.Second

// Store is cairn's database. It is safe for concurrent use.
type Store struct {
	db     *sql.DB
	engine Engine
	clock  func() time.Time
}

// Open opens the database named by dsn and brings its schema up to date.
//
// A dsn starting postgres:// or postgresql:// is a PostgreSQL connection
// string (pgx syntax; query parameters that pgx does not know, such as
// search_path, are sent as run-time parameters). Anything else is SQLite: a
// file path, a file: URI, or ":memory:". A SQLite file is put in WAL mode;
// every SQLite connection enforces foreign keys, waits BusyTimeout for locks
// and begins write transactions IMMEDIATE, so two writers queue for the lock
// rather than deadlocking when a reader upgrades.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	s, err := open(ctx, dsn, opts)
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx, shippedMigrations(s.engine)); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

// open connects without migrating.
func open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	engine, driverName, driverDSN, memory, err := resolveDSN(dsn, opts)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open(driverName, driverDSN)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", engine, err)
	}
	switch {
	case memory:
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
	case opts.MaxOpenConns > 0:
		db.SetMaxOpenConns(opts.MaxOpenConns)
		db.SetMaxIdleConns(opts.MaxOpenConns)
	case engine == SQLite:
		db.SetMaxOpenConns(4)
		db.SetMaxIdleConns(4)
	default:
		db.SetMaxOpenConns(10)
		db.SetMaxIdleConns(10)
	}
	s := &Store{db: db, engine: engine, clock: opts.Clock}
	if s.clock == nil {
		s.clock = time.Now
	}
	if err := s.ping(ctx, opts.BusyTimeout); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s database: %w", engine, err)
	}
	return s, nil
}

// ping connects once. Switching a new SQLite file to WAL needs an exclusive
// lock and can fail with SQLITE_BUSY without waiting, when several
// processes open one new file at once; ping retries that for up to the
// busy timeout.
func (s *Store) ping(ctx context.Context, busyTimeout time.Duration) error {
	if busyTimeout <= 0 {
		busyTimeout = defaultBusyTimeout
	}
	deadline := time.Now().Add(busyTimeout)
	for {
		err := s.db.PingContext(ctx)
		if err == nil || s.engine != SQLite || classifySQLite(err) != busy || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// resolveDSN decides the engine and builds the driver's data source name.
func resolveDSN(dsn string, opts Options) (engine Engine, driverName, driverDSN string, memory bool, err error) {
	if dsn == "" {
		return "", "", "", false, errors.New("open store: empty database name")
	}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return PostgreSQL, "pgx", dsn, false, nil
	}
	busy := opts.BusyTimeout
	if busy <= 0 {
		busy = defaultBusyTimeout
	}
	var name, query string
	switch {
	case dsn == ":memory:":
		name = "file::memory:"
		memory = true
	case strings.HasPrefix(dsn, "file:"):
		name, query, _ = strings.Cut(dsn, "?")
		q, perr := url.ParseQuery(query)
		if perr != nil {
			return "", "", "", false, fmt.Errorf("open store: parse sqlite uri: %w", perr)
		}
		memory = name == "file::memory:" || q.Get("mode") == "memory"
	default:
		// A plain path becomes a file: URI, so characters that a URI
		// treats specially must be escaped.
		name = "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(dsn)
	}
	params := []string{
		"_pragma=" + url.QueryEscape("busy_timeout("+strconv.FormatInt(busy.Milliseconds(), 10)+")"),
		"_pragma=" + url.QueryEscape("foreign_keys(1)"),
		"_txlock=immediate",
	}
	if !memory {
		params = append(params,
			"_pragma="+url.QueryEscape("journal_mode(WAL)"),
			"_pragma="+url.QueryEscape("synchronous(NORMAL)"),
			// Reads of the first GiB map the file rather than copy each
			// page through a system call into a page cache of 2 MB per
			// connection: a registry search over 100,000 offerings reads
			// hundreds of pages, and spent a quarter of its time in
			// those calls.
			"_pragma="+url.QueryEscape("mmap_size(1073741824)"))
	}
	if query != "" {
		params = append([]string{query}, params...)
	}
	return SQLite, "sqlite", name + "?" + strings.Join(params, "&"), memory, nil
}

// Engine reports which database engine s uses.
func (s *Store) Engine() Engine { return s.engine }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// now reads the clock at the precision both engines store.
func (s *Store) now() time.Time {
	return s.clock().UTC().Truncate(time.Microsecond)
}

// Tx is a transaction in progress. It is handed to the function given to
// WithTx or ReadTx, carries that call's context, and is valid only until the
// function returns.
type Tx struct {
	s   *Store
	sql *sql.Tx
	ctx context.Context
	now time.Time
}

// Now returns the time the transaction began, by the Store's clock; every
// timestamp the transaction writes uses it.
func (tx *Tx) Now() time.Time { return tx.now }

// WithTx runs fn in a read-write transaction, committing if fn returns nil
// and rolling back otherwise; driver errors from fn or the commit come back
// translated. On SQLite the transaction holds the database's write lock from
// its start, so write transactions run one at a time. fn must not call Store
// methods that open a transaction of their own (they would wait for the
// lock fn holds); it composes the methods that take a *Tx.
func (s *Store) WithTx(ctx context.Context, fn func(*Tx) error) error {
	return s.runTx(ctx, false, fn)
}

// ReadTx runs fn in a read-only transaction, which on SQLite does not wait
// for the write lock.
func (s *Store) ReadTx(ctx context.Context, fn func(*Tx) error) error {
	return s.runTx(ctx, true, fn)
}

func (s *Store) runTx(ctx context.Context, readOnly bool, fn func(*Tx) error) (err error) {
	sqlTx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: readOnly})
	if err != nil {
		return s.translate(fmt.Errorf("begin transaction: %w", err))
	}
	defer func() {
		if err != nil {
			_ = sqlTx.Rollback() // the error that made us roll back is the one to report
		}
	}()
	tx := &Tx{s: s, sql: sqlTx, ctx: ctx, now: s.now()}
	if err := fn(tx); err != nil {
		return s.translate(err)
	}
	if err := sqlTx.Commit(); err != nil {
		return s.translate(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// exec runs a statement that returns no rows.
func (tx *Tx) exec(query string, args ...any) (sql.Result, error) {
	res, err := tx.sql.ExecContext(tx.ctx, query, args...)
	return res, tx.s.translate(err)
}

// execOne runs a statement that must affect exactly one row, reporting
// NotFound about what otherwise.
func (tx *Tx) execOne(what, query string, args ...any) error {
	res, err := tx.exec(query, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return tx.s.translate(err)
	}
	if n == 0 {
		return notFound(what)
	}
	return nil
}

// query runs a statement that returns rows.
func (tx *Tx) query(query string, args ...any) (*sql.Rows, error) {
	rows, err := tx.sql.QueryContext(tx.ctx, query, args...)
	return rows, tx.s.translate(err)
}

// get runs a statement that returns one row and scans it into dest,
// reporting NotFound about what when there is no row.
func (tx *Tx) get(what, query string, args []any, dest ...any) error {
	err := tx.sql.QueryRowContext(tx.ctx, query, args...).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound(what)
	}
	return tx.s.translate(err)
}

// list runs a statement and calls scan for each row; the statement bounds
// the rows with LIMIT where a table can grow large.
func list[T any](tx *Tx, scan func(*sql.Rows) (T, error), query string, args ...any) ([]T, error) {
	rows, err := tx.query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, tx.s.translate(err)
		}
		out = append(out, v)
	}
	return out, tx.s.translate(rows.Err())
}
