package jsonld

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"cairn/internal/rdf"
	"cairn/internal/rdfc"
	"cairn/internal/vendordata"
)

// suiteBase is where the W3C suite says its files live; dirLoader serves
// that prefix from the local copy, so no test fetches anything.
const suiteBase = "https://w3c.github.io/json-ld-api/tests/"

// manifestEntry is one test of a W3C JSON-LD manifest.
type manifestEntry struct {
	ID              string   `json:"@id"`
	Type            []string `json:"@type"`
	Name            string   `json:"name"`
	Input           string   `json:"input"`
	Expect          string   `json:"expect"`
	ExpectErrorCode string   `json:"expectErrorCode"`
	Requires        string   `json:"requires"`
	Option          struct {
		Base                  string `json:"base"`
		ExpandContext         string `json:"expandContext"`
		ProcessingMode        string `json:"processingMode"`
		SpecVersion           string `json:"specVersion"`
		ProduceGeneralizedRdf bool   `json:"produceGeneralizedRdf"`
		RdfDirection          string `json:"rdfDirection"`
		ContentType           string `json:"contentType"`
		HTTPStatus            int    `json:"httpStatus"`
		RedirectTo            string `json:"redirectTo"`
		HTTPLink              any    `json:"httpLink"`
	} `json:"option"`
}

func (e manifestEntry) negative() bool {
	for _, t := range e.Type {
		if t == "jld:NegativeEvaluationTest" {
			return true
		}
	}
	return false
}

func (e manifestEntry) syntaxOnly() bool {
	for _, t := range e.Type {
		if t == "jld:PositiveSyntaxTest" {
			return true
		}
	}
	return false
}

// suiteSkips lists, per suite, the tests not run and why. A test that fails
// without an entry here fails the run.
var suiteSkips = map[string]map[string]string{
	"expand": {},
	"toRdf":  {},
}

// skipReason returns why a test is not run, from the manifest flags or the
// table above.
func skipReason(suite string, e manifestEntry) string {
	if r, ok := suiteSkips[suite][e.ID]; ok {
		return r
	}
	o := e.Option
	switch {
	case o.ContentType != "" || o.HTTPStatus != 0 || o.RedirectTo != "" || o.HTTPLink != nil:
		return "needs remote-document (HTTP) behaviour"
	}
	return ""
}

type dirLoader struct{ dir string }

func (l dirLoader) LoadDocument(url string) (any, error) {
	rest, ok := strings.CutPrefix(url, suiteBase)
	if !ok {
		return nil, fmt.Errorf("test loader: %s is outside the suite", url)
	}
	rest, _, _ = strings.Cut(rest, "#")
	data, err := os.ReadFile(filepath.Join(l.dir, filepath.FromSlash(rest)))
	if err != nil {
		return nil, err
	}
	return decodeJSON(data)
}

func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after JSON document")
	}
	return v, nil
}

func loadManifest(t *testing.T, dir, name string) []manifestEntry {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatalf("read manifest: %v", err)
	}
	var m struct {
		Sequence []manifestEntry `json:"sequence"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("parse manifest %s: %v", name, err)
	}
	return m.Sequence
}

func readJSON(t *testing.T, dir, name string) any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	v, err := decodeJSON(data)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return v
}

// suiteOptions builds the processor options a manifest entry asks for.
func suiteOptions(t *testing.T, dir string, e manifestEntry) Options {
	t.Helper()
	opts := Options{
		Base:                  suiteBase + e.Input,
		ProcessingMode:        e.Option.ProcessingMode,
		RDFDirection:          e.Option.RdfDirection,
		ProduceGeneralizedRDF: e.Option.ProduceGeneralizedRdf,
	}
	if e.Option.SpecVersion == ModeJSONLD10 {
		opts.ProcessingMode = ModeJSONLD10
	}
	if e.Option.Base != "" {
		opts.Base = e.Option.Base
	}
	if e.Option.ExpandContext != "" {
		opts.ExpandContext = readJSON(t, dir, e.Option.ExpandContext)
	}
	return opts
}

type suiteCount struct{ passed, skipped, failed, total int }

func runSuite(t *testing.T, suite, manifest string, check func(t *testing.T, p *Processor, dir string, e manifestEntry)) {
	dir := vendordata.Dir(t, "json-ld-api")
	entries := loadManifest(t, dir, manifest)
	var n suiteCount
	for _, e := range entries {
		n.total++
		t.Run(strings.TrimPrefix(e.ID, "#"), func(t *testing.T) {
			if reason := skipReason(suite, e); reason != "" {
				n.skipped++
				t.Skip(reason)
			}
			// A fresh processor per test keeps the cache from hiding a
			// context error another test would have cached.
			p := NewProcessor(dirLoader{dir})
			defer func() {
				if t.Failed() {
					n.failed++
				} else if !t.Skipped() {
					n.passed++
				}
			}()
			// Twice on one processor: the second run uses the contexts the
			// first one cached and must give the same outcome.
			check(t, p, dir, e)
			check(t, p, dir, e)
		})
	}
	t.Logf("%s: %d passed, %d skipped, %d failed, %d total", suite, n.passed, n.skipped, n.failed, n.total)
}

func checkError(t *testing.T, e manifestEntry, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: got no error, want %q", e.Name, e.ExpectErrorCode)
	}
	if got := ErrorCode(err); got != e.ExpectErrorCode {
		t.Fatalf("%s: got error code %q (%v), want %q", e.Name, got, err, e.ExpectErrorCode)
	}
}

func TestExpandSuite(t *testing.T) {
	runSuite(t, "expand", "expand-manifest.jsonld", func(t *testing.T, p *Processor, dir string, e manifestEntry) {
		doc := readJSON(t, dir, e.Input)
		got, err := p.Expand(doc, suiteOptions(t, dir, e))
		if e.negative() {
			checkError(t, e, err)
			return
		}
		if err != nil {
			t.Fatalf("%s: %v", e.Name, err)
		}
		want := readJSON(t, dir, e.Expect)
		if !jsonldEqual(got, want, false) {
			gj, _ := json.MarshalIndent(got, "", "  ")
			wj, _ := json.MarshalIndent(want, "", "  ")
			t.Fatalf("%s:\ngot  %s\nwant %s", e.Name, gj, wj)
		}
	})
}

func TestToRDFSuite(t *testing.T) {
	runSuite(t, "toRdf", "toRdf-manifest.jsonld", func(t *testing.T, p *Processor, dir string, e manifestEntry) {
		doc := readJSON(t, dir, e.Input)
		got, err := p.ToRDF(doc, suiteOptions(t, dir, e))
		switch {
		case e.negative():
			checkError(t, e, err)
			return
		case err != nil:
			t.Fatalf("%s: %v", e.Name, err)
		case e.syntaxOnly():
			// The N-Triples syntax tests: the quads must survive a round
			// trip through the N-Quads writer and parser unchanged.
			back, err := rdf.ParseNQuads(rdf.NQuads(got))
			if err != nil {
				t.Fatalf("%s: reparse own N-Quads: %v\n%s", e.Name, err, rdf.NQuads(got))
			}
			if !bytes.Equal(rdf.NQuads(back), rdf.NQuads(got)) {
				t.Fatalf("%s: N-Quads round trip changed the data", e.Name)
			}
			return
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Expect))
		if err != nil {
			t.Fatalf("read expected: %v", err)
		}
		if e.Requires == "GeneralizedRdf" {
			// Generalized RDF (blank node predicates) is outside what the
			// strict N-Quads parser and RDFC accept; compare the quads
			// with blank node labels erased instead.
			if g, w := eraseBlankLabels(rdf.NQuads(got)), eraseBlankLabels(data); g != w {
				t.Fatalf("%s:\ngot\n%s\nwant\n%s", e.Name, g, w)
			}
			return
		}
		want, err := rdf.ParseNQuads(data)
		if err != nil {
			t.Fatalf("parse expected %s: %v", e.Expect, err)
		}
		if !sameDataset(t, got, want) {
			t.Fatalf("%s:\ngot\n%swant\n%s", e.Name, rdf.NQuads(got), data)
		}
	})
}

// sameDataset reports whether two datasets are isomorphic, by comparing
// their RDFC-1.0 canonical forms.
func sameDataset(t *testing.T, a, b []rdf.Quad) bool {
	t.Helper()
	ca, err := rdfc.Canonicalize(a, rdfc.Options{})
	if err != nil {
		t.Fatalf("canonicalize result: %v", err)
	}
	cb, err := rdfc.Canonicalize(b, rdfc.Options{})
	if err != nil {
		t.Fatalf("canonicalize expected: %v", err)
	}
	return bytes.Equal(ca.NQuads(), cb.NQuads())
}

var blankLabel = regexp.MustCompile(`_:[A-Za-z0-9_.\-]+`)

// eraseBlankLabels replaces every blank node label in an N-Quads document
// by "_:" and sorts the lines: a weaker comparison than isomorphism, used
// only where RDFC cannot be.
func eraseBlankLabels(nq []byte) string {
	lines := strings.Split(strings.TrimSpace(blankLabel.ReplaceAllString(string(nq), "_:")), "\n")
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// jsonldEqual is the JSON-LD object comparison of the test suite: arrays
// are unordered except as the value of @list, numbers compare by value.
func jsonldEqual(a, b any, ordered bool) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !jsonldEqual(v, w, k == "@list") {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		if ordered {
			for i := range x {
				if !jsonldEqual(x[i], y[i], false) {
					return false
				}
			}
			return true
		}
		used := make([]bool, len(y))
	next:
		for _, v := range x {
			for j, w := range y {
				if !used[j] && jsonldEqual(v, w, false) {
					used[j] = true
					continue next
				}
			}
			return false
		}
		return true
	default:
		return jsonEqual(a, b)
	}
}
