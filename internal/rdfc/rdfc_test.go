package rdfc

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"cairn/internal/rdf"
	"cairn/internal/vendordata"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func parseFile(t testing.TB, path string) []rdf.Quad {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	quads, err := rdf.ParseNQuads(data)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	return quads
}

func mustCanonicalize(t testing.TB, quads []rdf.Quad, opts Options) *Result {
	t.Helper()
	res, err := Canonicalize(quads, opts)
	if err != nil {
		t.Fatalf("canonicalize: %v", err)
	}
	return res
}

// scramble renames every blank node and shuffles the quads: an isomorphic
// copy of the dataset.
func scramble(quads []rdf.Quad, seed uint64) []rdf.Quad {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	names := map[string]string{}
	rename := func(t rdf.Term) rdf.Term {
		if t.Kind != rdf.BlankNode {
			return t
		}
		n, ok := names[t.Value]
		if !ok {
			n = fmt.Sprintf("x%dy%d", rng.IntN(1000), len(names))
			names[t.Value] = n
		}
		return rdf.NewBlank(n)
	}
	out := make([]rdf.Quad, len(quads))
	for i, q := range quads {
		out[i] = rdf.Quad{Subject: rename(q.Subject), Predicate: q.Predicate, Object: rename(q.Object), Graph: rename(q.Graph)}
	}
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// TestCredentialGolden canonicalizes the credential fixture and compares
// with testdata/credential.canonical.nq (regenerate with -update).
func TestCredentialGolden(t *testing.T) {
	res := mustCanonicalize(t, parseFile(t, "testdata/credential.nq"), Options{})
	golden := filepath.Join("testdata", "credential.canonical.nq")
	if *update {
		if err := os.WriteFile(golden, res.NQuads(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.NQuads(); !bytes.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got, want := len(res.IssuedIdentifiers), 8; got != want {
		t.Errorf("got %d issued identifiers, want %d", got, want)
	}
}

// TestEddsaVectors re-canonicalizes the canonical documents of the W3C
// vc-di-eddsa test vectors, made by another implementation: the result
// must be the same bytes, with the published SHA-256, also after the blank
// nodes are renamed and the quads shuffled.
func TestEddsaVectors(t *testing.T) {
	dir := vendordata.Dir(t, "vc-di-eddsa")
	hashFile := map[string]string{
		"canonDocDataInt.txt":   "docHashDataInt.txt",
		"proofCanonDataInt.txt": "proofHashDataInt.txt",
	}
	count := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || hashFile[d.Name()] == "" {
			return err
		}
		count++
		rel, _ := filepath.Rel(dir, path)
		t.Run(rel, func(t *testing.T) {
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			quads := parseFile(t, path)
			for seed := range uint64(4) {
				in := quads
				if seed > 0 {
					in = scramble(quads, seed)
				}
				if got := mustCanonicalize(t, in, Options{}).NQuads(); !bytes.Equal(got, want) {
					t.Fatalf("seed %d: got\n%s\nwant\n%s", seed, got, want)
				}
			}
			wantHash, err := os.ReadFile(filepath.Join(filepath.Dir(path), hashFile[d.Name()]))
			if err != nil {
				t.Fatal(err)
			}
			h := sha256.New()
			if _, err := mustCanonicalize(t, quads, Options{}).WriteTo(h); err != nil {
				t.Fatal(err)
			}
			if got := hex.EncodeToString(h.Sum(nil)); got != strings.TrimSpace(string(wantHash)) {
				t.Errorf("got hash %s, want %s", got, wantHash)
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if count < 4 {
		t.Errorf("found %d canonical documents, want at least 4", count)
	}
}

// TestIsomorphicInputsAgree checks the defining property on the fixture and
// on suite inputs that need the N-degree algorithm.
func TestIsomorphicInputsAgree(t *testing.T) {
	inputs := map[string][]rdf.Quad{"credential": parseFile(t, "testdata/credential.nq")}
	if dir, ok := suiteDir(t); ok {
		for _, n := range []string{"test020", "test044", "test047", "test063", "test073"} {
			inputs[n] = parseFile(t, filepath.Join(dir, "rdfc10", n+"-in.nq"))
		}
	}
	for name, quads := range inputs {
		t.Run(name, func(t *testing.T) {
			want := mustCanonicalize(t, quads, Options{}).NQuads()
			for seed := range uint64(8) {
				if got := mustCanonicalize(t, scramble(quads, seed+1), Options{}).NQuads(); !bytes.Equal(got, want) {
					t.Fatalf("seed %d: got\n%s\nwant\n%s", seed+1, got, want)
				}
			}
		})
	}
}

// suiteDir finds the rdf-canon suite without skipping the calling test.
func suiteDir(t *testing.T) (string, bool) {
	var dir string
	ok := t.Run("locate rdf-canon", func(t *testing.T) { dir = vendordata.Dir(t, "rdf-canon") })
	return dir, ok && dir != ""
}

func TestCanonicalizeErrors(t *testing.T) {
	iri, blank := rdf.NewIRI("urn:ex:a"), rdf.NewBlank("b")
	lit := rdf.NewLiteral("x", "", "")
	// A ring of five identical blank nodes needs the N-degree algorithm
	// for every node.
	var ring []rdf.Quad
	for i := range 5 {
		ring = append(ring, rdf.Quad{Subject: rdf.NewBlank(fmt.Sprint(i)), Predicate: iri, Object: rdf.NewBlank(fmt.Sprint((i + 1) % 5))})
	}
	tests := []struct {
		name    string
		quads   []rdf.Quad
		opts    Options
		wantErr error
		wantMsg string
	}{
		{"literal subject", []rdf.Quad{{Subject: lit, Predicate: iri, Object: iri}}, Options{}, ErrInvalidQuad, "subject"},
		{"missing subject", []rdf.Quad{{Predicate: iri, Object: iri}}, Options{}, ErrInvalidQuad, "subject"},
		{"blank predicate", []rdf.Quad{{Subject: iri, Predicate: blank, Object: iri}}, Options{}, ErrInvalidQuad, "predicate"},
		{"missing object", []rdf.Quad{{Subject: iri, Predicate: iri}}, Options{}, ErrInvalidQuad, "object"},
		{"literal graph", []rdf.Quad{{Subject: iri, Predicate: iri, Object: iri, Graph: lit}}, Options{}, ErrInvalidQuad, "graph"},
		{"too many blank nodes", ring, Options{MaxBlankNodes: 4}, ErrTooManyBlankNodes, "more than 4"},
		{"work budget spent", ring, Options{MaxWork: 10}, ErrTooComplex, "more than 10 steps"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Canonicalize(tt.quads, tt.opts)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("got error %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not mention %q", err, tt.wantMsg)
			}
		})
	}
	t.Run("negative limits rejected", func(t *testing.T) {
		if _, err := Canonicalize(nil, Options{MaxWork: -1}); err == nil {
			t.Error("got no error, want one")
		}
	})
	t.Run("ring within budget", func(t *testing.T) {
		res := mustCanonicalize(t, ring, Options{MaxBlankNodes: 5})
		if got := len(res.IssuedIdentifiers); got != 5 {
			t.Errorf("got %d identifiers, want 5", got)
		}
	})
}

func TestCanonicalizeRemovesDuplicates(t *testing.T) {
	s, p := rdf.NewIRI("urn:ex:s"), rdf.NewIRI("urn:ex:p")
	quads := []rdf.Quad{
		{Subject: s, Predicate: p, Object: rdf.Term{Kind: rdf.Literal, Value: "v"}},
		{Subject: s, Predicate: p, Object: rdf.NewLiteral("v", rdf.XSDString, "")},
		{Subject: rdf.NewBlank("b"), Predicate: p, Object: s},
		{Subject: rdf.NewBlank("b"), Predicate: p, Object: s},
	}
	res := mustCanonicalize(t, quads, Options{})
	want := "<urn:ex:s> <urn:ex:p> \"v\" .\n_:c14n0 <urn:ex:p> <urn:ex:s> .\n"
	if got := string(res.NQuads()); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if len(res.Quads) != 2 {
		t.Errorf("got %d quads, want 2", len(res.Quads))
	}
}

func TestCanonicalizeEmpty(t *testing.T) {
	res := mustCanonicalize(t, nil, Options{})
	if len(res.NQuads()) != 0 || len(res.Quads) != 0 || len(res.IssuedIdentifiers) != 0 {
		t.Errorf("got %q, %v, %v, want all empty", res.NQuads(), res.Quads, res.IssuedIdentifiers)
	}
}

func TestResult(t *testing.T) {
	quads := parseFile(t, "testdata/credential.nq")
	before := slices.Clone(quads)
	res := mustCanonicalize(t, quads, Options{})
	if !slices.Equal(quads, before) {
		t.Error("input quads were modified")
	}
	doc := res.NQuads()
	if got := rdf.NQuads(res.Quads); !bytes.Equal(got, doc) {
		t.Errorf("Quads serialize to\n%s\nwant the document\n%s", got, doc)
	}
	for _, q := range res.Quads {
		for _, term := range []rdf.Term{q.Subject, q.Object, q.Graph} {
			if term.Kind == rdf.BlankNode && !strings.HasPrefix(term.Value, "c14n") {
				t.Errorf("blank node %q not relabelled", term.Value)
			}
		}
	}
	var buf bytes.Buffer
	if n, err := res.WriteTo(&buf); err != nil || n != int64(len(doc)) || !bytes.Equal(buf.Bytes(), doc) {
		t.Errorf("WriteTo wrote %d bytes, %v; want the %d-byte document", n, err, len(doc))
	}
	doc[0] = 'X'
	if res.NQuads()[0] == 'X' {
		t.Error("NQuads returned the result's own storage")
	}
	for in, out := range res.IssuedIdentifiers {
		if !strings.HasPrefix(in, "b") || !strings.HasPrefix(out, "c14n") {
			t.Errorf("unexpected mapping %s -> %s", in, out)
		}
	}
}

func TestHashOption(t *testing.T) {
	quads := parseFile(t, "testdata/credential.nq")
	a := mustCanonicalize(t, quads, Options{}).NQuads()
	b := mustCanonicalize(t, quads, Options{Hash: sha256.New}).NQuads()
	if !bytes.Equal(a, b) {
		t.Error("nil Hash and sha256.New disagree")
	}
	// Labels may differ with another hash, but the quads are the same.
	c := mustCanonicalize(t, quads, Options{Hash: sha512.New384})
	if got, want := len(c.Quads), len(quads); got != want {
		t.Errorf("SHA-384: got %d quads, want %d", got, want)
	}
}

// TestConcurrentUse runs canonicalizations in parallel on shared input.
func TestConcurrentUse(t *testing.T) {
	quads := parseFile(t, "testdata/credential.nq")
	want := mustCanonicalize(t, quads, Options{}).NQuads()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			for range 20 {
				res, err := Canonicalize(quads, Options{})
				if err != nil {
					errs <- err
					return
				}
				if !bytes.Equal(res.NQuads(), want) {
					errs <- errors.New("concurrent result differs")
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func BenchmarkCanonicalize(b *testing.B) {
	quads := parseFile(b, "testdata/credential.nq")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Canonicalize(quads, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCanonicalizeAllocations guards the hot path against allocation
// regressions (38 allocations per call when written).
func TestCanonicalizeAllocations(t *testing.T) {
	quads := parseFile(t, "testdata/credential.nq")
	allocs := testing.AllocsPerRun(20, func() {
		if _, err := Canonicalize(quads, Options{}); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 50 {
		t.Errorf("got %v allocations per call, want at most 50", allocs)
	}
}

// identicalList is an rdf:List of n equal literals hanging off one IRI: the
// middle nodes are indistinguishable to the first degree hash, so each
// needs the N-degree algorithm along the chain.
func identicalList(n int) []rdf.Quad {
	first, rest := rdf.NewIRI(rdf.RDFFirst), rdf.NewIRI(rdf.RDFRest)
	quads := []rdf.Quad{{Subject: rdf.NewIRI("urn:ex:s"), Predicate: rdf.NewIRI("urn:ex:tags"), Object: rdf.NewBlank("l0")}}
	for i := range n {
		next := rdf.NewIRI(rdf.RDFNil)
		if i < n-1 {
			next = rdf.NewBlank(fmt.Sprint("l", i+1))
		}
		node := rdf.NewBlank(fmt.Sprint("l", i))
		quads = append(quads,
			rdf.Quad{Subject: node, Predicate: first, Object: rdf.NewLiteral("same", "", "")},
			rdf.Quad{Subject: node, Predicate: rest, Object: next})
	}
	return quads
}

func TestDefaultBudgetAllowsLongSymmetricList(t *testing.T) {
	quads := identicalList(40)
	res := mustCanonicalize(t, quads, Options{})
	if got := len(res.IssuedIdentifiers); got != 40 {
		t.Errorf("got %d identifiers, want 40", got)
	}
	if got := mustCanonicalize(t, scramble(quads, 7), Options{}).NQuads(); !bytes.Equal(got, res.NQuads()) {
		t.Error("scrambled list canonicalizes differently")
	}
}
