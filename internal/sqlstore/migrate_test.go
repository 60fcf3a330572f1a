package sqlstore

import (
	"cairn/internal/sqlstore/sqltest"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestResolveDSN(t *testing.T) {
	tests := []struct {
		name       string
		dsn        string
		engine     Engine
		memory     bool
		wantPrefix string
		want       []string // substrings of the driver DSN
	}{
		{"memory", ":memory:", SQLite, true, "file::memory:?", []string{"foreign_keys%281%29", "_txlock=immediate", "busy_timeout%285000%29"}},
		{"plain path", "/var/lib/cairn/cairn.db", SQLite, false, "file:/var/lib/cairn/cairn.db?", []string{"journal_mode%28WAL%29", "_txlock=immediate"}},
		{"path with URI characters", "data/a?b#c%.db", SQLite, false, "file:data/a%3fb%23c%25.db?", nil},
		{"file URI keeps its parameters", "file:cairn.db?mode=rwc", SQLite, false, "file:cairn.db?mode=rwc&", []string{"foreign_keys"}},
		{"file URI in memory", "file:x?mode=memory", SQLite, true, "file:x?mode=memory&", nil},
		{"postgres", "postgres://u@h/db?sslmode=disable", PostgreSQL, false, "postgres://u@h/db?sslmode=disable", nil},
		{"postgresql", "postgresql://u@h/db", PostgreSQL, false, "postgresql://u@h/db", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			engine, _, got, memory, err := resolveDSN(tt.dsn, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if engine != tt.engine || memory != tt.memory {
				t.Errorf("got engine %s memory %v, want %s %v", engine, memory, tt.engine, tt.memory)
			}
			if !strings.HasPrefix(got, tt.wantPrefix) {
				t.Errorf("got %q, want prefix %q", got, tt.wantPrefix)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("got %q, want it to contain %q", got, w)
				}
			}
			if memory && strings.Contains(got, "WAL") {
				t.Errorf("got %q, want no WAL for an in-memory database", got)
			}
		})
	}
	if _, _, _, _, err := resolveDSN("", Options{}); err == nil {
		t.Error("empty DSN: got no error, want one")
	}
}

func TestLoadMigrations(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	tests := []struct {
		name    string
		fs      fstest.MapFS
		want    []string
		wantErr string
	}{
		{"ordered by number", fstest.MapFS{"0002_b.sql": file("b"), "0001_a.sql": file("a"), "README": file("x")}, []string{"0001_a", "0002_b"}, ""},
		{"gap", fstest.MapFS{"0001_a.sql": file("a"), "0003_c.sql": file("c")}, nil, "want version 0002"},
		{"repeat", fstest.MapFS{"0001_a.sql": file("a"), "0001_b.sql": file("b")}, nil, "want version 0002"},
		{"bad name", fstest.MapFS{"1_a.sql": file("a")}, nil, "not NNNN_name.sql"},
		{"starts at two", fstest.MapFS{"0002_a.sql": file("a")}, nil, "want version 0001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := loadMigrations(tt.fs)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range ms {
				got = append(got, m.name)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestShippedMigrationsMatch checks that both engines ship the same
// numbered migrations, so a schema change is never made on one only.
func TestShippedMigrationsMatch(t *testing.T) {
	lite, err := loadMigrations(shippedMigrations(SQLite))
	if err != nil {
		t.Fatal(err)
	}
	pg, err := loadMigrations(shippedMigrations(PostgreSQL))
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) == 0 || len(lite) != len(pg) {
		t.Fatalf("got %d sqlite and %d postgres migrations, want the same non-zero number", len(lite), len(pg))
	}
	for i := range lite {
		if lite[i].name != pg[i].name {
			t.Errorf("migration %d: got sqlite %s and postgres %s, want the same name", i+1, lite[i].name, pg[i].name)
		}
	}
}

type appliedRow struct {
	version  int
	name     string
	applied  string
	checksum string
}

func readApplied(t *testing.T, s *Store) []appliedRow {
	t.Helper()
	rows, err := s.db.QueryContext(t.Context(), `SELECT version, name, applied_at, checksum FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []appliedRow
	for rows.Next() {
		var r appliedRow
		var at any
		if err := rows.Scan(&r.version, &r.name, &at, &r.checksum); err != nil {
			t.Fatal(err)
		}
		r.applied = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(stringOf(at), "\n", ""), " ", ""))
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func stringOf(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	case interface{ String() string }:
		return v.String()
	}
	return ""
}

func TestMigrationsRecordedAndIdempotent(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		shipped, err := loadMigrations(shippedMigrations(s.Engine()))
		if err != nil {
			t.Fatal(err)
		}
		before := readApplied(t, s)
		if len(before) != len(shipped) {
			t.Fatalf("got %d recorded migrations, want %d", len(before), len(shipped))
		}
		for i, r := range before {
			m := shipped[i]
			if r.version != m.version || r.name != m.name || r.checksum != m.checksum || r.applied == "" {
				t.Errorf("recorded %+v, want version %d name %s checksum %s and a time", r, m.version, m.name, m.checksum)
			}
		}
		setClock(s).Advance(time.Hour)
		if err := s.migrate(t.Context(), shippedMigrations(s.Engine())); err != nil {
			t.Fatalf("migrate again: %v", err)
		}
		after := readApplied(t, s)
		if len(after) != len(before) {
			t.Fatalf("got %d recorded migrations after re-running, want %d", len(after), len(before))
		}
		for i := range after {
			if after[i] != before[i] {
				t.Errorf("re-running changed %+v to %+v", before[i], after[i])
			}
		}
	})
}

func TestMigrationChecksumTamper(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		// An edited shipped file: same version and name, other bytes.
		edited := fstest.MapFS{}
		shipped := shippedMigrations(s.Engine())
		ms, err := loadMigrations(shipped)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			edited[m.name+".sql"] = &fstest.MapFile{Data: []byte(m.sql)}
		}
		edited["0001_org.sql"] = &fstest.MapFile{Data: []byte(ms[0].sql + "\n-- edited\n")}
		err = s.migrate(t.Context(), edited)
		if !errors.Is(err, ErrMigrationChanged) || !strings.Contains(err.Error(), "0001_org") {
			t.Fatalf("edited file: got %v, want ErrMigrationChanged naming 0001_org", err)
		}

		// A tampered record.
		if _, err := s.db.ExecContext(t.Context(), `UPDATE schema_migrations SET checksum = 'x' WHERE version = 2`); err != nil {
			t.Fatal(err)
		}
		if err := s.migrate(t.Context(), shipped); !errors.Is(err, ErrMigrationChanged) {
			t.Fatalf("tampered record: got %v, want ErrMigrationChanged", err)
		}
	})
}

func TestMigrationUnknownVersion(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		if _, err := s.db.ExecContext(t.Context(),
			`INSERT INTO schema_migrations (version, name, applied_at, checksum) VALUES (9999, '9999_future', $1, 'c')`,
			s.timeArg(t0)); err != nil {
			t.Fatal(err)
		}
		if err := s.migrate(t.Context(), shippedMigrations(s.Engine())); !errors.Is(err, ErrUnknownMigration) {
			t.Fatalf("got %v, want ErrUnknownMigration", err)
		}
	})
}

// TestMigrationFailureRollsBack runs test migrations on an empty database:
// a failing migration leaves nothing behind and is not recorded, while the
// ones before it stay applied.
func TestMigrationFailureRollsBack(t *testing.T) {
	fsys := fstest.MapFS{
		"0001_one.sql": {Data: []byte("CREATE TABLE one (id INTEGER PRIMARY KEY);\nINSERT INTO one (id) VALUES (1);")},
		"0002_two.sql": {Data: []byte("CREATE TABLE two (id INTEGER PRIMARY KEY);\nINSERT INTO nowhere VALUES (1);")},
	}
	run := func(t *testing.T, s *Store) {
		err := s.migrate(t.Context(), fsys)
		if err == nil || !strings.Contains(err.Error(), "0002_two") {
			t.Fatalf("got %v, want an error naming 0002_two", err)
		}
		got := readApplied(t, s)
		if len(got) != 1 || got[0].name != "0001_one" {
			t.Fatalf("got recorded %+v, want only 0001_one", got)
		}
		var n int
		if err := s.db.QueryRowContext(t.Context(), `SELECT count(*) FROM one`).Scan(&n); err != nil || n != 1 {
			t.Errorf("table one: got %d rows, err %v; want 1 row", n, err)
		}
		if _, err := s.db.ExecContext(t.Context(), `SELECT count(*) FROM two`); err == nil {
			t.Error("table two exists, want the failed migration rolled back")
		}
	}
	t.Run("sqlite", func(t *testing.T) {
		s, err := open(t.Context(), ":memory:", Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		run(t, s)
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := postgresDSN()
		if dsn == "" {
			t.Skip("CAIRN_TEST_POSTGRES is not set")
		}
		s, err := open(t.Context(), sqltest.Schema(t, dsn), Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		run(t, s)
	})
}

// TestConcurrentOpen opens one database from several stores at once, as
// several processes starting together would: every Open succeeds and each
// migration is applied and recorded once.
func TestConcurrentOpen(t *testing.T) {
	forEachShared(t, func(t *testing.T, open func() (*Store, error)) {
		stores := openN(t, 4, open)
		shipped, _ := loadMigrations(shippedMigrations(stores[0].Engine()))
		if got := readApplied(t, stores[0]); len(got) != len(shipped) {
			t.Errorf("got %d recorded migrations, want %d", len(got), len(shipped))
		}
	})
}
