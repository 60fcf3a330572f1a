package rdf

import (
	"bytes"
	"slices"
	"testing"
)

// FuzzParseNQuads checks that whatever parses also survives a round trip:
// parse, write canonically, parse again gives the same quads, and writing
// those gives the same bytes. Seeds are in testdata/fuzz/FuzzParseNQuads.
func FuzzParseNQuads(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := Limits{MaxBytes: 1 << 16, MaxQuads: 1 << 10, MaxLineLength: 1 << 16}
		quads, err := ParseNQuadsLimits(data, lim)
		if err != nil {
			return
		}
		out := NQuads(quads)
		// Escaping can make a line up to six times longer, which the
		// default limits allow for these sizes.
		again, err := ParseNQuads(out)
		if err != nil {
			t.Fatalf("reparse %q: %v", out, err)
		}
		if !slices.Equal(quads, again) {
			t.Fatalf("round trip changed the quads:\n got %v\nwant %v", again, quads)
		}
		if out2 := NQuads(again); !bytes.Equal(out, out2) {
			t.Fatalf("second serialization differs:\n got %q\nwant %q", out2, out)
		}
	})
}
