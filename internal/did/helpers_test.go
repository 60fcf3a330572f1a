package did

import (
	"bytes"
	"crypto"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"cairn/internal/keys"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// fixturePub reads a public JWK from testdata.
func fixturePub(t *testing.T, name string) crypto.PublicKey {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := keys.ParsePublicJWK(b)
	if err != nil {
		t.Fatalf("ParsePublicJWK(%s): %v", name, err)
	}
	return pub
}

func samePublic(a, b crypto.PublicKey) bool {
	e, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && e.Equal(b)
}

// golden compares v, as indented JSON, with testdata/name, or rewrites the
// file under -update.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
