package rdfc

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/json"
	"errors"
	"hash"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cairn/internal/rdf"
	"cairn/internal/vendordata"
)

type manifestEntry struct {
	ID            string `json:"id"`
	Type          string `json:"type"`
	Name          string `json:"name"`
	Action        string `json:"action"`
	Result        string `json:"result"`
	HashAlgorithm string `json:"hashAlgorithm"`
}

// TestRDFCanonSuite runs every entry of the W3C rdf-canon manifest: eval
// tests compare the canonical N-Quads byte for byte, map tests the issued
// identifiers, negative tests must fail fast with ErrTooComplex.
func TestRDFCanonSuite(t *testing.T) {
	dir := vendordata.Dir(t, "rdf-canon")
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.jsonld"))
	if err != nil {
		t.Fatal(err)
	}
	var manifest struct {
		Entries []manifestEntry `json:"entries"`
	}
	if err := json.Unmarshal(raw, &manifest); err != nil {
		t.Fatalf("decode manifest: %v", err)
	}
	// The manifest's own count, taken without the decoder, so an entry the
	// struct failed to capture cannot go unnoticed.
	wantTotal := strings.Count(string(raw), `"type": "rdfc:`)
	if len(manifest.Entries) != wantTotal || wantTotal == 0 {
		t.Fatalf("decoded %d entries, manifest has %d", len(manifest.Entries), wantTotal)
	}

	ran := map[string]int{}
	passed := map[string]int{}
	for _, e := range manifest.Entries {
		ok := t.Run(strings.TrimPrefix(e.ID, "#"), func(t *testing.T) {
			runEntry(t, dir, e)
		})
		ran[e.Type]++
		if ok {
			passed[e.Type]++
		}
	}
	total := 0
	for typ, n := range ran {
		t.Logf("%s: %d/%d passed", typ, passed[typ], n)
		total += n
	}
	if total != wantTotal {
		t.Errorf("ran %d entries, want %d", total, wantTotal)
	}
	known := []string{"rdfc:RDFC10EvalTest", "rdfc:RDFC10MapTest", "rdfc:RDFC10NegativeEvalTest"}
	for typ := range maps.Keys(ran) {
		found := false
		for _, k := range known {
			found = found || k == typ
		}
		if !found {
			t.Errorf("manifest has test type %s this test does not know", typ)
		}
	}
}

func runEntry(t *testing.T, dir string, e manifestEntry) {
	in, err := os.ReadFile(filepath.Join(dir, e.Action))
	if err != nil {
		t.Fatal(err)
	}
	quads, err := rdf.ParseNQuads(in)
	if err != nil {
		t.Fatalf("parse %s: %v", e.Action, err)
	}
	var opts Options
	switch e.HashAlgorithm {
	case "", "SHA256":
	case "SHA384":
		opts.Hash = sha512.New384
	default:
		t.Fatalf("unknown hash algorithm %q", e.HashAlgorithm)
	}

	switch e.Type {
	case "rdfc:RDFC10EvalTest":
		want, err := os.ReadFile(filepath.Join(dir, e.Result))
		if err != nil {
			t.Fatal(err)
		}
		res, err := Canonicalize(quads, opts)
		if err != nil {
			t.Fatalf("canonicalize: %v", err)
		}
		if got := res.NQuads(); !bytes.Equal(got, want) {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	case "rdfc:RDFC10MapTest":
		raw, err := os.ReadFile(filepath.Join(dir, e.Result))
		if err != nil {
			t.Fatal(err)
		}
		var want map[string]string
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatalf("decode %s: %v", e.Result, err)
		}
		res, err := Canonicalize(quads, opts)
		if err != nil {
			t.Fatalf("canonicalize: %v", err)
		}
		if !maps.Equal(res.IssuedIdentifiers, want) {
			t.Errorf("got %v, want %v", res.IssuedIdentifiers, want)
		}
	case "rdfc:RDFC10NegativeEvalTest":
		start := time.Now()
		_, err := Canonicalize(quads, opts)
		elapsed := time.Since(start)
		if !errors.Is(err, ErrTooComplex) {
			t.Fatalf("got error %v, want ErrTooComplex", err)
		}
		if elapsed > 500*time.Millisecond {
			t.Errorf("took %v to give up, want well under a second", elapsed)
		}
	default:
		t.Fatalf("unknown test type %s", e.Type)
	}
}

var _ = sha256.New
var _ hash.Hash
