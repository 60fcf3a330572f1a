// Package sqlstore is cairn's storage: database/sql over SQLite (the
// default, one file, via modernc.org/sqlite) and PostgreSQL (for several
// instances on one database, via pgx). It is the only package that knows
// about either driver.
//
// Conventions:
//
//   - The same SQL runs on both engines wherever it can ($1 placeholders,
//     RETURNING, ON CONFLICT); the few engine-specific statements (row locks,
//     advisory locks) branch on Store.Engine.
//   - Schema changes are embedded, numbered SQL files per engine in
//     migrations/, applied in order by Open, each in its own transaction and
//     recorded with a checksum in schema_migrations. A shipped migration is
//     never edited; Open refuses a database whose applied migrations differ.
//   - Public methods open the transaction (WithTx, ReadTx); helpers take the
//     *Tx. Time comes from Options.Clock, read once per transaction.
//   - Driver errors become apperror errors at this edge (errors_sqlite.go,
//     errors_postgres.go): a unique violation is Conflict, a foreign key or
//     check violation Invalid, no rows NotFound, and lock contention a
//     Conflict for which IsRetryable reports true. Driver messages never
//     reach apperror messages.
//   - Rows that people edit carry a version; an update names the version it
//     read and fails with Conflict if someone else changed the row since.
//   - Approval cases (Approvals) are loaded, changed by the approval engine
//     and saved with their audit events and notifications in one
//     transaction; a save that finds the case row changed since it was
//     loaded applies the action again to the fresh case, so concurrent
//     actions all count. Submitted offering versions, ballots, reviews,
//     decisions and signatures are never updated (triggers refuse it).
//
// Timestamps are timestamptz on PostgreSQL and fixed-width RFC 3339 UTC text
// with microseconds on SQLite (so they sort and compare as text); calendar
// days are date and YYYY-MM-DD text.
package sqlstore
