package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
)

//go:embed migrations
var migrationFiles embed.FS

// ErrMigrationChanged reports that a migration recorded as applied differs
// from the one this binary ships: a shipped migration was edited.
var ErrMigrationChanged = errors.New("applied migration differs from the shipped one")

// ErrUnknownMigration reports that the database has a migration this
// binary does not know: it was written by a newer cairn.
var ErrUnknownMigration = errors.New("database has a migration unknown to this version of cairn")

// maxMigrations bounds how many migration files are read.
const maxMigrations = 10000

// migration is one numbered SQL file.
type migration struct {
	version  int
	name     string // the file name without extension, e.g. "0001_org"
	sql      string
	checksum string // hex SHA-256 of the file
}

var migrationName = regexp.MustCompile(`^([0-9]{4})_[a-z0-9_]+\.sql$`)

// shippedMigrations returns the engine's embedded migrations directory.
func shippedMigrations(e Engine) fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations/"+string(e))
	if err != nil {
		panic(err) // the directory is embedded; only a build mistake gets here
	}
	return sub
}

// loadMigrations reads NNNN_name.sql files from fsys, which must be
// numbered 1, 2, 3… without gaps or repeats.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	if len(entries) > maxMigrations {
		return nil, fmt.Errorf("read migrations: more than %d files", maxMigrations)
	}
	var ms []migration
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".sql" {
			continue
		}
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("read migrations: %s: name is not NNNN_name.sql", e.Name())
		}
		v, _ := strconv.Atoi(m[1])
		b, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, fmt.Errorf("read migrations: %w", err)
		}
		sum := sha256.Sum256(b)
		ms = append(ms, migration{version: v, name: e.Name()[:len(e.Name())-len(".sql")], sql: string(b), checksum: hex.EncodeToString(sum[:])})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("read migrations: %s: want version %04d next", m.name, i+1)
		}
	}
	return ms, nil
}

// migrate applies the migrations in fsys that the database lacks, each in
// its own transaction, after checking that the applied ones are unchanged.
// On PostgreSQL a session advisory lock, keyed by the schema, makes
// concurrent callers take turns; on SQLite each migration's IMMEDIATE
// transaction re-checks whether another process applied it meanwhile.
func (s *Store) migrate(ctx context.Context, fsys fs.FS) (err error) {
	ms, err := loadMigrations(fsys)
	if err != nil {
		return err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()

	if s.engine == PostgreSQL {
		unlock, err := advisoryLock(ctx, conn)
		if err != nil {
			return err
		}
		defer func() {
			if uerr := unlock(); err == nil && uerr != nil {
				err = uerr
			}
		}()
	}

	if err := s.inTx(ctx, conn, createSchemaMigrations(s.engine)); err != nil {
		return fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	applied, err := appliedMigrations(ctx, conn)
	if err != nil {
		return err
	}
	shipped := make(map[int]migration, len(ms))
	for _, m := range ms {
		shipped[m.version] = m
	}
	for v, sum := range applied {
		m, ok := shipped[v]
		if !ok {
			return fmt.Errorf("migrate: version %04d: %w", v, ErrUnknownMigration)
		}
		if m.checksum != sum {
			return fmt.Errorf("migrate: %s: %w (recorded checksum %.12s…, shipped %.12s…)", m.name, ErrMigrationChanged, sum, m.checksum)
		}
	}
	for _, m := range ms {
		if _, ok := applied[m.version]; ok {
			continue
		}
		if err := s.apply(ctx, conn, m); err != nil {
			return err
		}
	}
	return nil
}

// createSchemaMigrations is the DDL of the table that records migrations.
func createSchemaMigrations(e Engine) string {
	if e == SQLite {
		return `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL,
		checksum   TEXT NOT NULL
	) STRICT`
	}
	return `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL,
		checksum   text NOT NULL
	)`
}

// inTx runs a statement in a transaction of its own on conn.
func (s *Store) inTx(ctx context.Context, conn *sql.Conn, stmt string) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, stmt); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// appliedMigrations returns the recorded checksum of each applied version.
func appliedMigrations(ctx context.Context, conn *sql.Conn) (map[int]string, error) {
	rows, err := conn.QueryContext(ctx, `SELECT version, checksum FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("migrate: read schema_migrations: %w", err)
	}
	defer rows.Close()
	applied := map[int]string{}
	for rows.Next() {
		var v int
		var sum string
		if err := rows.Scan(&v, &sum); err != nil {
			return nil, fmt.Errorf("migrate: read schema_migrations: %w", err)
		}
		applied[v] = sum
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("migrate: read schema_migrations: %w", err)
	}
	return applied, nil
}

// apply runs one migration and records it, unless another process
// recorded it first.
func (s *Store) apply(ctx context.Context, conn *sql.Conn, m migration) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %s: %w", m.name, err)
	}
	defer func() { _ = tx.Rollback() }() // a no-op after Commit
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, m.version).Scan(&n); err != nil {
		return fmt.Errorf("migrate: %s: %w", m.name, err)
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migrate: %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO schema_migrations (version, name, applied_at, checksum) VALUES ($1, $2, $3, $4)`,
		m.version, m.name, s.timeArg(s.now()), m.checksum); err != nil {
		return fmt.Errorf("migrate: record %s: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: %s: commit: %w", m.name, err)
	}
	return nil
}

// advisoryLock takes PostgreSQL's session advisory lock for migrating the
// current schema, waiting for any other migrator, and returns its release.
func advisoryLock(ctx context.Context, conn *sql.Conn) (func() error, error) {
	var schema sql.NullString
	if err := conn.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if !schema.Valid {
		return nil, errors.New("migrate: the search_path names no existing schema")
	}
	h := fnv.New64a()
	h.Write([]byte("cairn migrate " + schema.String))
	key := int64(h.Sum64())
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		return nil, fmt.Errorf("migrate: lock: %w", err)
	}
	return func() error {
		// Unlock even if ctx is done: the connection goes back to the pool
		// and must not keep the lock.
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, key); err != nil {
			// Discard the connection, and its lock with it.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			return fmt.Errorf("migrate: unlock: %w", err)
		}
		return nil
	}, nil
}
