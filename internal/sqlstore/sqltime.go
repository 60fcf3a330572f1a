package sqlstore

import (
	"database/sql"
	"fmt"
	"time"

	"cairn/internal/org"
)

// sqliteTime is how SQLite columns hold an instant: fixed width, so that
// text order is time order and comparisons in SQL work.
const sqliteTime = "2006-01-02T15:04:05.000000Z"

// timeArg encodes an instant as a query argument for the engine.
func (s *Store) timeArg(t time.Time) any {
	t = t.UTC().Truncate(time.Microsecond)
	if s.engine == SQLite {
		return t.Format(sqliteTime)
	}
	return t
}

// ts encodes an instant as a query argument.
func (tx *Tx) ts(t time.Time) any { return tx.s.timeArg(t) }

// day encodes a calendar day as YYYY-MM-DD, which both engines take for
// their date columns.
func day(t time.Time) any { return org.Day(t).Format(time.DateOnly) }

// nullDay encodes an optional calendar day; the zero time is NULL.
func nullDay(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return day(t)
}

// nullID encodes an optional reference; zero is NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// timeCol scans an instant or a calendar day from either engine's
// representation; NULL scans as the zero time.
type timeCol struct {
	t *time.Time
}

func (c timeCol) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*c.t = time.Time{}
	case time.Time:
		*c.t = v.UTC()
	case string:
		return c.parse(v)
	case []byte:
		return c.parse(string(v))
	default:
		return fmt.Errorf("scan time: unexpected %T", v)
	}
	return nil
}

func (c timeCol) parse(s string) error {
	layout := time.RFC3339Nano
	if len(s) == len(time.DateOnly) {
		layout = time.DateOnly
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return fmt.Errorf("scan time: %w", err)
	}
	*c.t = t.UTC()
	return nil
}

// at returns a scan destination for an instant or a day.
func at(t *time.Time) sql.Scanner { return timeCol{t} }

// idCol scans an optional reference; NULL scans as zero.
type idCol struct {
	id *int64
}

func (c idCol) Scan(v any) error {
	var n sql.NullInt64
	if err := n.Scan(v); err != nil {
		return err
	}
	*c.id = n.Int64
	return nil
}

// ref returns a scan destination for an optional reference.
func ref(id *int64) sql.Scanner { return idCol{id} }
