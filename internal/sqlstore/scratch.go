package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
)

// ScratchSchema creates a new, uniquely named schema in the PostgreSQL
// database dsn names, for a run that fills a store with synthetic data
// (cairn load): it returns dsn with its search_path set to the schema,
// and drop, which removes the schema and everything in it. Nothing
// outside the schema is touched; the database user needs the CREATE
// privilege on the database.
func ScratchSchema(ctx context.Context, dsn string) (scratch string, drop func(context.Context) error, err error) {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", nil, fmt.Errorf("a scratch schema needs a postgres:// URL")
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return "", nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "cairn_scratch_" + hex.EncodeToString(b[:])
	if _, err := db.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		db.Close()
		return "", nil, fmt.Errorf("create scratch schema: %w", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	drop = func(ctx context.Context) error {
		defer db.Close()
		if _, err := db.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			return fmt.Errorf("drop scratch schema %s: %w", schema, err)
		}
		return nil
	}
	return u.String(), drop, nil
}
