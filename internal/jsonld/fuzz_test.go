package jsonld

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"cairn/internal/rdf"
)

// fuzzContexts are the remote contexts the fuzz targets can reach: one with
// protected and scoped terms, one importing it, one including itself.
var fuzzContexts = map[string]string{
	"https://example.org/ctx": exampleContext,
	"https://example.org/import": `{"@context": {"@import": "https://example.org/ctx", "@vocab": "https://example.org/v#",
		"list": {"@id": "https://example.org/list", "@container": "@list"},
		"tags": {"@id": "https://example.org/tags", "@container": "@language"},
		"byType": {"@id": "https://example.org/byType", "@container": "@type"},
		"graph": {"@id": "https://example.org/graph", "@container": ["@graph", "@index"]},
		"data": {"@id": "https://example.org/data", "@type": "@json"},
		"nest": "@nest",
		"inv": {"@reverse": "https://example.org/knows"}}}`,
	"https://example.org/self": `{"@context": ["https://example.org/self", {"t": {"@id": "https://example.org/t", "@context": "https://example.org/self"}}]}`,
}

var fuzzSeeds = []string{
	`{}`,
	`[]`,
	`{"@context": "https://example.org/ctx", "id": "https://example.org/a", "type": "Thing", "label": "x", "knows": "https://example.org/b", "when": "2026-01-01T00:00:00Z"}`,
	`{"@context": "https://example.org/import", "list": [1, 2.5, true, "x", [3]], "tags": {"en": "hi", "@none": "?"}, "byType": {"Thing": {"label": "y"}}, "graph": {"i": {"@id": "_:g"}}, "data": {"z": [null, 1e3]}, "nest": {"name": "n"}, "inv": {"@id": "_:k"}}`,
	`{"@context": "https://example.org/self", "t": {"t": "v"}}`,
	`{"@context": {"@vocab": "http://e/", "@base": "http://b/", "@language": "en", "@direction": "rtl"}, "@id": "rel", "@type": ["T", "_:b"], "p": {"@value": "v", "@language": "en-GB"}, "@included": [{"@id": "x", "q": 1}], "@reverse": {"r": {"@id": "y"}}}`,
	`{"@context": {"@version": 1.1, "p": {"@id": "http://e/p", "@container": "@id"}}, "p": {"http://e/a": {"http://e/q": "v"}}}`,
	`{"@graph": [{"@id": "http://e/a", "http://e/p": {"@list": [{"@list": []}]}}]}`,
	`{"@context": [null, {"@protected": true, "a": "http://e/a"}, {"a": "http://e/b"}], "a": 1}`,
}

func fuzzProcessor() *Processor {
	return NewProcessor(&mapLoader{docs: fuzzContexts})
}

// fuzzLimits keep each input to a few milliseconds.
var fuzzLimits = Limits{MaxDepth: 32, MaxNodes: 5000, MaxWork: 200000, MaxRemoteContexts: 8, MaxContextDepth: 16}

func addSeeds(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), false)
	}
	if data, err := os.ReadFile(filepath.Join("testdata", "ob-credential.json")); err == nil {
		f.Add(data, true)
	}
}

func FuzzExpand(f *testing.F) {
	addSeeds(f)
	p := fuzzProcessor()
	f.Fuzz(func(t *testing.T, data []byte, safe bool) {
		doc, err := decodeJSON(data)
		if err != nil {
			return
		}
		out, err := p.Expand(doc, Options{SafeMode: safe, Limits: fuzzLimits, Base: "https://example.org/base/"})
		if err != nil {
			if ErrorCode(err) == "" {
				t.Fatalf("error without a code: %v", err)
			}
			return
		}
		for _, item := range out {
			if _, ok := item.(map[string]any); !ok {
				t.Fatalf("expanded item %v is not an object", item)
			}
		}
	})
}

func FuzzToRDF(f *testing.F) {
	addSeeds(f)
	p := fuzzProcessor()
	f.Fuzz(func(t *testing.T, data []byte, safe bool) {
		doc, err := decodeJSON(data)
		if err != nil {
			return
		}
		opts := Options{SafeMode: safe, Limits: fuzzLimits, RDFDirection: DirectionCompoundLiteral}
		qs, err := p.ToRDF(doc, opts)
		if err != nil {
			if ErrorCode(err) == "" {
				t.Fatalf("error without a code: %v", err)
			}
			return
		}
		for _, q := range qs {
			if !validTerm(q.Subject, false) || q.Predicate.Kind != rdf.IRI || !validTerm(q.Predicate, false) ||
				!validTerm(q.Object, true) || q.Graph.Kind != rdf.None && !validTerm(q.Graph, false) {
				t.Fatalf("invalid quad %v", q)
			}
		}
		again, err := p.ToRDF(doc, opts)
		if err != nil || !slices.Equal(again, qs) {
			t.Fatalf("second run differs: %v\n%v\nwant\n%v", err, again, qs)
		}
	})
}

func validTerm(t rdf.Term, literalOK bool) bool {
	switch t.Kind {
	case rdf.IRI:
		return wellFormedIRI(t.Value)
	case rdf.BlankNode:
		return t.Value != ""
	case rdf.Literal:
		return literalOK && t.Datatype != "" && (t.Language == "") == (t.Datatype != rdf.RDFLangString)
	}
	return false
}
