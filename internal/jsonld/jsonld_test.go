package jsonld

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"cairn/internal/contexts"
	"cairn/internal/rdf"
	"cairn/internal/rdfc"
	"cairn/internal/vendordata"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// mapLoader serves documents from memory, counting loads.
type mapLoader struct {
	mu    sync.Mutex
	docs  map[string]string
	loads int
}

var errNotServed = errors.New("not served by the test loader")

func (l *mapLoader) LoadDocument(url string) (any, error) {
	l.mu.Lock()
	l.loads++
	l.mu.Unlock()
	s, ok := l.docs[url]
	if !ok {
		return nil, fmt.Errorf("%s: %w", url, errNotServed)
	}
	return decodeJSON([]byte(s))
}

// credLoader serves cairn's embedded contexts and the VC examples context
// the W3C test vectors use, from testdata.
type credLoader struct{ embedded *contexts.Loader }

func (l credLoader) LoadDocument(url string) (any, error) {
	if url == "https://www.w3.org/ns/credentials/examples/v2" {
		data, err := os.ReadFile(filepath.Join("testdata", "examples-v2.jsonld"))
		if err != nil {
			return nil, err
		}
		return decodeJSON(data)
	}
	return l.embedded.LoadDocument(url)
}

func mustJSON(t testing.TB, s string) any {
	t.Helper()
	v, err := decodeJSON([]byte(s))
	if err != nil {
		t.Fatalf("test document: %v", err)
	}
	return v
}

func canonical(t testing.TB, qs []rdf.Quad) []byte {
	t.Helper()
	res, err := rdfc.Canonicalize(qs, rdfc.Options{})
	if err != nil {
		t.Fatalf("canonicalize: %v", err)
	}
	return res.NQuads()
}

// TestDataIntegrityVectors checks the JSON-LD half of the W3C
// eddsa-rdfc-2022 vectors: the credential and the proof configuration,
// turned into RDF and canonicalized, match the published canonical N-Quads
// byte for byte.
func TestDataIntegrityVectors(t *testing.T) {
	dir := vendordata.Dir(t, "vc-di-eddsa")
	p := NewProcessor(credLoader{contexts.New()})
	tests := []struct{ name, input, want string }{
		{"credential", "TestVectors/unsigned.json", "TestVectors/eddsa-rdfc-2022/canonDocDataInt.txt"},
		{"proof configuration", "TestVectors/eddsa-rdfc-2022/proofConfigDataInt.json", "TestVectors/eddsa-rdfc-2022/proofCanonDataInt.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := readJSON(t, dir, tt.input)
			want, err := os.ReadFile(filepath.Join(dir, tt.want))
			if err != nil {
				t.Fatal(err)
			}
			qs, err := p.ToRDF(doc, Options{SafeMode: true})
			if err != nil {
				t.Fatal(err)
			}
			if got := canonical(t, qs); !bytes.Equal(got, want) {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// TestCredentialGolden pins the canonical RDF of the benchmark's Open
// Badges credential (regenerate with -update after checking the change).
func TestCredentialGolden(t *testing.T) {
	p := NewProcessor(contexts.New())
	qs, err := p.ToRDF(loadCredential(t), Options{SafeMode: true})
	if err != nil {
		t.Fatal(err)
	}
	got := canonical(t, qs)
	golden := filepath.Join("testdata", "ob-credential.nq")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

const exampleContext = `{"@context": {
	"@protected": true,
	"id": "@id", "type": "@type",
	"Thing": {"@id": "https://example.org/Thing", "@context": {"label": "https://example.org/label"}},
	"name": "https://example.org/name",
	"knows": {"@id": "https://example.org/knows", "@type": "@id"},
	"when": {"@id": "https://example.org/when", "@type": "http://www.w3.org/2001/XMLSchema#dateTime"}
}}`

func exampleProcessor() (*Processor, *mapLoader) {
	l := &mapLoader{docs: map[string]string{"https://example.org/ctx": exampleContext}}
	return NewProcessor(l), l
}

func TestSafeMode(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		opts Options
		want string // in the error message
	}{
		{"undefined property", `{"@context": "https://example.org/ctx", "name": "a", "colour": "red"}`, Options{}, `"colour"`},
		{"undefined type", `{"@context": "https://example.org/ctx", "type": "Widget"}`, Options{}, `"Widget"`},
		{"undefined type with a base", `{"@context": "https://example.org/ctx", "type": "Widget"}`, Options{Base: "https://example.org/doc"}, `"Widget"`},
		{"relative @id without base", `{"@context": "https://example.org/ctx", "id": "item/1", "name": "a"}`, Options{}, `"item/1"`},
		{"relative @id value without base", `{"@context": "https://example.org/ctx", "knows": "bob"}`, Options{}, `"bob"`},
		{"reserved @id", `{"@context": "https://example.org/ctx", "id": "@reserved", "name": "a"}`, Options{}, `"@reserved"`},
		{"keyword-like property", `{"@context": "https://example.org/ctx", "@foo": "x", "name": "a"}`, Options{}, `"@foo"`},
		{"term of a type-scoped context used outside it", `{"@context": "https://example.org/ctx", "name": "a", "label": "x"}`, Options{}, `"label"`},
		{"free-floating value", `{"@context": "https://example.org/ctx", "@graph": ["loose"]}`, Options{}, `loose`},
		{"only @id at top level", `{"@context": "https://example.org/ctx", "id": "https://example.org/x"}`, Options{}, `https://example.org/x`},
		{"ill-formed IRI", `{"@context": "https://example.org/ctx", "id": "https://example.org/a b", "name": "a"}`, Options{}, `a b`},
		{"ill-formed language tag", `{"https://example.org/p": {"@value": "x", "@language": "not a tag"}}`, Options{}, `not a tag`},
		{"blank node predicate", `{"_:p": "x"}`, Options{}, `"_:p"`},
		{"reserved term in context", `{"@context": {"@vocab": "https://example.org/", "@ignored": "https://example.org/i"}, "a": "b"}`, Options{}, `@ignored`},
		{"relative @vocab", `{"@context": {"@vocab": "terms/"}, "a": "b"}`, Options{}, `terms/`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := exampleProcessor()
			doc := mustJSON(t, tt.doc)
			opts := tt.opts
			if _, err := p.ToRDF(doc, opts); err != nil {
				t.Fatalf("without SafeMode: got %v, want the data dropped silently", err)
			}
			opts.SafeMode = true
			_, err := p.ToRDF(doc, opts)
			if got := ErrorCode(err); got != CodeSafeMode {
				t.Fatalf("got error %v (code %q), want code %q", err, got, CodeSafeMode)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got message %q, want it to name %s", err, tt.want)
			}
		})
	}
}

func TestSafeModeAccepts(t *testing.T) {
	tests := []struct{ name, doc string }{
		{"defined terms", `{"@context": "https://example.org/ctx", "id": "https://example.org/a", "type": "Thing", "name": "a", "label": "x", "knows": "https://example.org/b", "when": "2026-01-01T00:00:00Z"}`},
		{"blank node identifiers", `{"@context": "https://example.org/ctx", "id": "_:x", "name": "a", "knows": "_:y"}`},
		{"explicit null", `{"@context": "https://example.org/ctx", "name": null, "knows": "https://example.org/b"}`},
		{"absolute IRIs without context", `{"@id": "https://example.org/a", "@type": "https://example.org/T", "https://example.org/p": "v"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := exampleProcessor()
			if _, err := p.ToRDF(mustJSON(t, tt.doc), Options{SafeMode: true}); err != nil {
				t.Fatalf("got %v, want success", err)
			}
		})
	}
}

// nested returns a document nested depth objects deep.
func nested(depth int) string {
	return strings.Repeat(`{"https://example.org/p": `, depth) + `"x"` + strings.Repeat("}", depth)
}

func TestLimits(t *testing.T) {
	chain := map[string]string{}
	for i := range 40 {
		chain[fmt.Sprintf("https://example.org/c%d", i)] = fmt.Sprintf(`{"@context": ["https://example.org/c%d", {"t%d": "https://example.org/t"}]}`, i+1, i)
	}
	deepContext := `{"@vocab": "https://example.org/"}`
	for range 50 {
		deepContext = fmt.Sprintf(`{"@vocab": "https://example.org/", "t": {"@context": %s}}`, deepContext)
	}
	tests := []struct {
		name   string
		docs   map[string]string
		doc    string
		limits Limits
		code   string
		want   string
	}{
		{"depth", nil, nested(100), Limits{}, CodeLimitExceeded, "deeper than 64"},
		{"depth, lowered", nil, nested(10), Limits{MaxDepth: 5}, CodeLimitExceeded, "deeper than 5"},
		{"nodes", nil, `{"https://example.org/p": [` + strings.Repeat(`"x",`, 200) + `"x"]}`, Limits{MaxNodes: 100}, CodeLimitExceeded, "more than 100 values"},
		{"remote context chain", chain, `{"@context": "https://example.org/c0", "t0": "x"}`, Limits{}, "context overflow", "more than 16 remote contexts"},
		{"remote context chain, lowered", chain, `{"@context": "https://example.org/c0", "t0": "x"}`, Limits{MaxRemoteContexts: 3}, "context overflow", "more than 3 remote contexts"},
		{"self-including context", map[string]string{"https://example.org/self": `{"@context": "https://example.org/self"}`}, `{"@context": "https://example.org/self"}`, Limits{}, "context overflow", "remote contexts"},
		{"context recursion", nil, `{"@context": ` + deepContext + `, "a": "b"}`, Limits{}, CodeLimitExceeded, "context processing nested deeper than 32"},
		{"work", nil, `{"https://example.org/p": [` + strings.Repeat(`{"https://example.org/q": "x"},`, 100) + `"x"]}`, Limits{MaxWork: 150}, CodeLimitExceeded, "work budget"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewProcessor(&mapLoader{docs: tt.docs})
			_, err := p.ToRDF(mustJSON(t, tt.doc), Options{Limits: tt.limits})
			if got := ErrorCode(err); got != tt.code {
				t.Fatalf("got error %v (code %q), want code %q", err, got, tt.code)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got message %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestLoaderErrors(t *testing.T) {
	p, l := exampleProcessor()
	_, err := p.Expand(mustJSON(t, `{"@context": "https://example.org/unknown", "a": "b"}`), Options{})
	if got := ErrorCode(err); got != "loading remote context failed" {
		t.Fatalf("got code %q (%v), want %q", got, err, "loading remote context failed")
	}
	if !errors.Is(err, errNotServed) {
		t.Errorf("got %v, want it to wrap the loader's error", err)
	}
	if l.loads != 1 {
		t.Errorf("got %d loads, want 1", l.loads)
	}

	_, err = NewProcessor(nil).Expand(mustJSON(t, `{"@context": "https://example.org/ctx"}`), Options{})
	if got := ErrorCode(err); got != "loading remote context failed" {
		t.Errorf("nil loader: got code %q (%v), want %q", got, err, "loading remote context failed")
	}
}

// TestContextCache checks that a warm Processor neither reloads nor
// reprocesses contexts, and that results do not change once cached.
func TestContextCache(t *testing.T) {
	p, l := exampleProcessor()
	doc := mustJSON(t, `{"@context": "https://example.org/ctx", "type": "Thing", "label": "x", "name": "n"}`)
	first, err := p.ToRDF(doc, Options{SafeMode: true})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		again, err := p.ToRDF(doc, Options{SafeMode: true})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(canonical(t, again), canonical(t, first)) {
			t.Fatalf("got\n%s\nwant\n%s", rdf.NQuads(again), rdf.NQuads(first))
		}
	}
	if l.loads != 1 {
		t.Errorf("got %d loads of the context, want 1", l.loads)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.urls) != 1 || len(p.scope) != 1 {
		t.Errorf("got %d URL and %d scoped entries, want 1 and 1", len(p.urls), len(p.scope))
	}
}

func TestContextCacheBounded(t *testing.T) {
	p, _ := exampleProcessor()
	p.max = 10
	for i := range 50 {
		// Each base gives a new initial context, so new cache entries.
		if _, err := p.ToRDF(mustJSON(t, `{"@context": "https://example.org/ctx", "type": "Thing", "label": "x"}`), Options{Base: fmt.Sprintf("https://example.org/%d/", i)}); err != nil {
			t.Fatal(err)
		}
		p.mu.Lock()
		n := len(p.urls) + len(p.scope)
		p.mu.Unlock()
		if n > p.max {
			t.Fatalf("after %d documents: got %d cache entries, want at most %d", i+1, n, p.max)
		}
	}
}

// TestConcurrentUse runs one Processor from many goroutines (run with
// -race): every result must equal the sequential one.
func TestConcurrentUse(t *testing.T) {
	p := NewProcessor(contexts.New())
	doc := loadCredential(t)
	qs, err := p.ToRDF(doc, Options{SafeMode: true})
	if err != nil {
		t.Fatal(err)
	}
	want := canonical(t, qs)
	fresh := NewProcessor(contexts.New()) // cold: goroutines race to fill the cache
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				qs, err := fresh.ToRDF(doc, Options{SafeMode: true})
				if err != nil {
					errs <- err
					return
				}
				res, err := rdfc.Canonicalize(qs, rdfc.Options{})
				if err != nil {
					errs <- err
					return
				}
				if !bytes.Equal(res.NQuads(), want) {
					errs <- fmt.Errorf("got\n%s\nwant\n%s", res.NQuads(), want)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestInputNotModified(t *testing.T) {
	p := NewProcessor(contexts.New())
	doc := loadCredential(t)
	before, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.ToRDF(doc, Options{SafeMode: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Expand(doc, Options{SafeMode: true}); err != nil {
		t.Fatal(err)
	}
	after, _ := json.Marshal(doc)
	if !bytes.Equal(before, after) {
		t.Errorf("document changed:\n%s\nwant\n%s", after, before)
	}
}

func TestNumbers(t *testing.T) {
	tests := []struct {
		name  string
		value any
		want  rdf.Term
	}{
		{"json integer", json.Number("42"), rdf.NewLiteral("42", rdf.XSDInteger, "")},
		{"float64 integer", float64(42), rdf.NewLiteral("42", rdf.XSDInteger, "")},
		{"json integral decimal", json.Number("5.0"), rdf.NewLiteral("5", rdf.XSDInteger, "")},
		{"json decimal", json.Number("1.1"), rdf.NewLiteral("1.1E0", rdf.XSDDouble, "")},
		{"float64 decimal", 1.1, rdf.NewLiteral("1.1E0", rdf.XSDDouble, "")},
		{"large", json.Number("1e21"), rdf.NewLiteral("1.0E21", rdf.XSDDouble, "")},
		{"negative small", json.Number("-0.000001"), rdf.NewLiteral("-1.0E-6", rdf.XSDDouble, "")},
		{"true", true, rdf.NewLiteral("true", rdf.XSDBoolean, "")},
	}
	p := NewProcessor(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := map[string]any{"@id": "https://example.org/s", "https://example.org/p": tt.value}
			qs, err := p.ToRDF(doc, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(qs) != 1 || qs[0].Object != tt.want {
				t.Errorf("got %v, want object %v", qs, tt.want)
			}
		})
	}
}

func TestInvalidInput(t *testing.T) {
	p := NewProcessor(nil)
	tests := []struct {
		name string
		doc  any
		opts Options
		code string
	}{
		{"Go int", map[string]any{"https://example.org/p": 3}, Options{}, CodeInvalidInput},
		{"Go struct", map[string]any{"https://example.org/p": struct{}{}}, Options{}, CodeInvalidInput},
		{"processing mode", map[string]any{}, Options{ProcessingMode: "json-ld-2.0"}, CodeInvalidOptions},
		{"rdfDirection", map[string]any{}, Options{RDFDirection: "sideways"}, CodeInvalidOptions},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p.ToRDF(tt.doc, tt.opts)
			if got := ErrorCode(err); got != tt.code {
				t.Errorf("got %v (code %q), want code %q", err, got, tt.code)
			}
		})
	}
}

func TestDedupe(t *testing.T) {
	s, p := rdf.NewIRI("https://example.org/s"), rdf.NewIRI("https://example.org/p")
	a := rdf.Quad{Subject: s, Predicate: p, Object: rdf.NewLiteral("1", rdf.XSDInteger, "")}
	b := rdf.Quad{Subject: s, Predicate: p, Object: rdf.NewLiteral("1", rdf.XSDString, "")} // same hash, different quad
	c := rdf.Quad{Subject: s, Predicate: p, Object: rdf.NewLiteral("1", "", "en")}
	d := c
	d.Graph = rdf.NewBlank("g")
	got := dedupe([]rdf.Quad{a, b, a, c, b, d, c, d})
	want := []rdf.Quad{a, b, c, d}
	if len(got) != len(want) {
		t.Fatalf("got %d quads %v, want %v", len(got), got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("quad %d: got %v, want %v", i, got[i], want[i])
		}
	}
}

func TestCanonicalJSON(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		// U+FF01 sorts after U+1F600 in UTF-16 (0xFF01 > 0xD83D), though
		// not in code point order.
		{"key order by UTF-16", `{"\uff01": 1, "\ud83d\ude00": 2, "a": 3, "\u20ac": 4}`, "{\"a\":3,\"\u20ac\":4,\"\U0001F600\":2,\"\uff01\":1}"},
		{"numbers", `[1.0, 1e21, 1e-7, 0.000001, -0, 123456789012345678901, 0.1]`, `[1,1e+21,1e-7,0.000001,0,123456789012345680000,0.1]`},
		{"control characters", `"\u0000\b\t\n\f\r\u001f\"\\/\u007f"`, "\"\\u0000\\b\\t\\n\\f\\r\\u001f\\\"\\\\/\u007f\""},
		{"nesting", `{"b": [true, null, {"d": "x", "c": []}], "a": {}}`, `{"a":{},"b":[true,null,{"c":[],"d":"x"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := canonicalJSON(mustJSON(t, tt.in), 10)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
	if _, err := canonicalJSON(mustJSON(t, `[[[["deep"]]]]`), 2); ErrorCode(err) != CodeLimitExceeded {
		t.Errorf("got %v, want a limit error", err)
	}
}

func TestCanonicalDouble(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{1.1, "1.1E0"}, {0.1, "1.0E-1"}, {1e21, "1.0E21"}, {-2.5e-7, "-2.5E-7"},
		{0, "0.0E0"}, {123456789.5, "1.234567895E8"}, {5, "5.0E0"},
	}
	for _, tt := range tests {
		if got := canonicalDouble(tt.in); got != tt.want {
			t.Errorf("canonicalDouble(%v): got %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestResolveIRI uses the examples of RFC 3986 section 5.4.
func TestResolveIRI(t *testing.T) {
	const base = "http://a/b/c/d;p?q"
	tests := map[string]string{
		"g:h": "g:h", "g": "http://a/b/c/g", "./g": "http://a/b/c/g", "g/": "http://a/b/c/g/",
		"/g": "http://a/g", "//g": "http://g", "?y": "http://a/b/c/d;p?y", "g?y": "http://a/b/c/g?y",
		"#s": "http://a/b/c/d;p?q#s", "g#s": "http://a/b/c/g#s", ";x": "http://a/b/c/;x",
		"": "http://a/b/c/d;p?q", ".": "http://a/b/c/", "./": "http://a/b/c/", "..": "http://a/b/",
		"../g": "http://a/b/g", "../..": "http://a/", "../../g": "http://a/g",
		"../../../g": "http://a/g", "/./g": "http://a/g", "/../g": "http://a/g", "g.": "http://a/b/c/g.",
		".g": "http://a/b/c/.g", "g..": "http://a/b/c/g..", "..g": "http://a/b/c/..g",
		"./../g": "http://a/b/g", "./g/.": "http://a/b/c/g/", "g/./h": "http://a/b/c/g/h",
		"g/../h": "http://a/b/c/h", "g;x=1/./y": "http://a/b/c/g;x=1/y", "g;x=1/../y": "http://a/b/c/y",
		"g?y/./x": "http://a/b/c/g?y/./x", "g#s/../x": "http://a/b/c/g#s/../x",
	}
	for ref, want := range tests {
		if got := resolveIRI(base, ref); got != want {
			t.Errorf("resolve %q: got %q, want %q", ref, got, want)
		}
	}
}

func TestWellFormed(t *testing.T) {
	iris := map[string]bool{
		"https://example.org/a":   true,
		"urn:uuid:1234":           true,
		"did:key:z6Mk#z6Mk":       true,
		"https://example.org/a b": false,
		"https://example.org/<a>": false,
		"relative/path":           false,
		"https://example.org/#a#": false,
		"_:b0":                    false,
	}
	for s, want := range iris {
		if got := wellFormedIRI(s); got != want {
			t.Errorf("wellFormedIRI(%q): got %v, want %v", s, got, want)
		}
	}
	langs := map[string]bool{"en": true, "en-US": true, "zh-Hant-TW": true, "x-private1": true, "": false, "en_US": false, "a b": false, "toolongtag": false, "1en": false}
	for s, want := range langs {
		if got := wellFormedLang(s); got != want {
			t.Errorf("wellFormedLang(%q): got %v, want %v", s, got, want)
		}
	}
}
