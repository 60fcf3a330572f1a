package rdfc

import (
	"bytes"
	"errors"
	"testing"

	"cairn/internal/rdf"
)

// FuzzCanonicalize parses N-Quads and canonicalizes them with a small work
// budget: it must neither panic nor hang, only fail with a limit error,
// and canonicalizing the canonical output again must give it back
// unchanged. Seeds are in testdata/fuzz/FuzzCanonicalize.
func FuzzCanonicalize(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		quads, err := rdf.ParseNQuadsLimits(data, rdf.Limits{MaxBytes: 1 << 14, MaxQuads: 256, MaxLineLength: 1 << 12})
		if err != nil {
			return
		}
		opts := Options{MaxWork: 5000, MaxBlankNodes: 64}
		res, err := Canonicalize(quads, opts)
		if errors.Is(err, ErrTooComplex) || errors.Is(err, ErrTooManyBlankNodes) {
			return
		}
		if err != nil {
			t.Fatalf("canonicalize parsed quads: %v", err)
		}
		doc := res.NQuads()
		if got := rdf.NQuads(res.Quads); !bytes.Equal(got, doc) {
			t.Fatalf("Quads and document disagree:\n%s\n%s", got, doc)
		}
		again, err := rdf.ParseNQuads(doc)
		if err != nil {
			t.Fatalf("parse canonical output: %v\n%s", err, doc)
		}
		res2, err := Canonicalize(again, opts)
		if errors.Is(err, ErrTooComplex) {
			// Another labelling can take a different route through the
			// permutations and so need more steps.
			return
		}
		if err != nil {
			t.Fatalf("canonicalize canonical output: %v", err)
		}
		if got := res2.NQuads(); !bytes.Equal(got, doc) {
			t.Fatalf("not a fixed point:\nfirst\n%s\nsecond\n%s", doc, got)
		}
	})
}
