package rdf

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cairn/internal/vendordata"
)

func TestParseNQuads(t *testing.T) {
	s, p := NewIRI("http://example.com/s"), NewIRI("http://example.com/p")
	tests := []struct {
		name string
		in   string
		want []Quad
	}{
		{"empty document", "", nil},
		{"comments and blank lines", "# a comment\n\n  \t\n# another", nil},
		{"triple", "<http://example.com/s> <http://example.com/p> <http://example.com/o> .\n",
			[]Quad{{s, p, NewIRI("http://example.com/o"), Term{}}}},
		{"no final newline", "<http://example.com/s> <http://example.com/p> <http://example.com/o> .",
			[]Quad{{s, p, NewIRI("http://example.com/o"), Term{}}}},
		{"tabs, no spaces and a trailing comment", "<http://example.com/s>\t<http://example.com/p><http://example.com/o>.\t# c\n",
			[]Quad{{s, p, NewIRI("http://example.com/o"), Term{}}}},
		{"CRLF and CR line ends", "<http://example.com/s> <http://example.com/p> \"a\" .\r\n<http://example.com/s> <http://example.com/p> \"b\" .\r",
			[]Quad{{s, p, NewLiteral("a", "", ""), Term{}}, {s, p, NewLiteral("b", "", ""), Term{}}}},
		{"named graph", "<http://example.com/s> <http://example.com/p> _:o <http://example.com/g> .",
			[]Quad{{s, p, NewBlank("o"), NewIRI("http://example.com/g")}}},
		{"blank graph and subject", "_:b0 <http://example.com/p> \"x\" _:g1 .",
			[]Quad{{NewBlank("b0"), p, NewLiteral("x", "", ""), NewBlank("g1")}}},
		{"blank label followed by dot", "_:a.b <http://example.com/p> _:c.d.",
			[]Quad{{NewBlank("a.b"), p, NewBlank("c.d"), Term{}}}},
		{"blank label characters", "_:0-x_y·z\u00e9 <http://example.com/p> _:_:a .",
			[]Quad{{NewBlank("0-x_y·z\u00e9"), p, NewBlank("_:a"), Term{}}}},
		{"language tag", `<http://example.com/s> <http://example.com/p> "chat"@fr-CA .`,
			[]Quad{{s, p, NewLiteral("chat", "", "fr-CA"), Term{}}}},
		{"language tag before dot", `<http://example.com/s> <http://example.com/p> "chat"@en.`,
			[]Quad{{s, p, NewLiteral("chat", "", "en"), Term{}}}},
		{"datatype", `<http://example.com/s> <http://example.com/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> <http://example.com/g> .`,
			[]Quad{{s, p, NewLiteral("1", XSDInteger, ""), NewIRI("http://example.com/g")}}},
		{"xsd:string datatype", `<http://example.com/s> <http://example.com/p> "1"^^<http://www.w3.org/2001/XMLSchema#string> .`,
			[]Quad{{s, p, NewLiteral("1", "", ""), Term{}}}},
		{"echar", `<http://example.com/s> <http://example.com/p> "\t\b\n\r\f\"\'\\" .`,
			[]Quad{{s, p, NewLiteral("\t\b\n\r\f\"'\\", "", ""), Term{}}}},
		{"uchar", `<http://example.com/s> <http://example.com/p> "\u0041\u00e9\U0001F303\u0000" .`,
			[]Quad{{s, p, NewLiteral("Aé\U0001F303\x00", "", ""), Term{}}}},
		{"uchar in IRI", `<http://example.com/\u0073> <http://example.com/p> <urn:ex:\u221E\U0001F303> .`,
			[]Quad{{s, p, NewIRI("urn:ex:∞\U0001F303"), Term{}}}},
		{"raw controls and hash in a literal", "<http://example.com/s> <http://example.com/p> \"a\x01\t# not a comment\" .",
			[]Quad{{s, p, NewLiteral("a\x01\t# not a comment", "", ""), Term{}}}},
		{"version directive", "VERSION \"1.2\"\n<http://example.com/s> <http://example.com/p> \"v\" .",
			[]Quad{{s, p, NewLiteral("v", "", ""), Term{}}}},
		{"duplicates kept", "<http://example.com/s> <http://example.com/p> \"v\" .\n<http://example.com/s> <http://example.com/p> \"v\" .",
			[]Quad{{s, p, NewLiteral("v", "", ""), Term{}}, {s, p, NewLiteral("v", "", ""), Term{}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseNQuads([]byte(tt.in))
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseNQuadsSyntaxErrors(t *testing.T) {
	const ok = "<http://example.com/s> <http://example.com/p> <http://example.com/o> .\n"
	tests := []struct {
		name     string
		in       string
		wantLine int
	}{
		{"missing dot", "<http://example.com/s> <http://example.com/p> <http://example.com/o>", 1},
		{"error names its line", ok + ok + "\n<http://example.com/s> <http://example.com/p> .", 4},
		{"CRLF counted once", ok[:len(ok)-1] + "\r\n" + "<http://example.com/s>", 2},
		{"literal subject", `"s" <http://example.com/p> <http://example.com/o> .`, 1},
		{"blank predicate", `<http://example.com/s> _:p <http://example.com/o> .`, 1},
		{"literal graph", `<http://example.com/s> <http://example.com/p> <http://example.com/o> "g" .`, 1},
		{"relative IRI", `<s> <http://example.com/p> <http://example.com/o> .`, 1},
		{"space in IRI", `<http://example.com/a b> <http://example.com/p> <http://example.com/o> .`, 1},
		{"unterminated IRI", `<http://example.com/s <http://example.com/p> <http://example.com/o> .`, 1},
		{"bad IRI escape", `<http://example.com/\x41> <http://example.com/p> <http://example.com/o> .`, 1},
		{"short uchar", `<http://example.com/s> <http://example.com/p> "\u00" .`, 1},
		{"bad hex", `<http://example.com/s> <http://example.com/p> "\u00G0" .`, 1},
		{"surrogate escape", `<http://example.com/s> <http://example.com/p> "\uD800" .`, 1},
		{"escape beyond Unicode", `<http://example.com/s> <http://example.com/p> "\U00110000" .`, 1},
		{"unknown echar", `<http://example.com/s> <http://example.com/p> "\a" .`, 1},
		{"unterminated literal", `<http://example.com/s> <http://example.com/p> "abc .`, 1},
		{"empty language tag", `<http://example.com/s> <http://example.com/p> "a"@ .`, 1},
		{"bad language subtag", `<http://example.com/s> <http://example.com/p> "a"@en- .`, 1},
		{"directional language tag", `<http://example.com/s> <http://example.com/p> "a"@en--ltr .`, 1},
		{"datatype not an IRI", `<http://example.com/s> <http://example.com/p> "a"^^"b" .`, 1},
		{"bad blank label", `_:-a <http://example.com/p> <http://example.com/o> .`, 1},
		{"blank without colon", `_a <http://example.com/p> <http://example.com/o> .`, 1},
		{"junk after dot", ok[:len(ok)-1] + " x\n", 1},
		{"five terms", `<http://example.com/s> <http://example.com/p> <http://example.com/o> <http://example.com/g> <http://example.com/h> .`, 1},
		{"invalid UTF-8 in literal", "<http://example.com/s> <http://example.com/p> \"\xff\" .", 1},
		{"invalid UTF-8 in comment", ok + "# \xc3", 2},
		{"bad version", "VERSION 1.2", 1},
		{"triple term", `<http://example.com/s> <http://example.com/p> <<( <http://example.com/a> <http://example.com/b> <http://example.com/c> )>> .`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseNQuads([]byte(tt.in))
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("got error %v, want a *SyntaxError", err)
			}
			if se.Line != tt.wantLine {
				t.Errorf("got line %d, want %d (%v)", se.Line, tt.wantLine, err)
			}
			if !strings.Contains(err.Error(), "line ") {
				t.Errorf("error %q does not name the line", err)
			}
		})
	}
}

func TestParseNQuadsLimits(t *testing.T) {
	line := "<http://example.com/s> <http://example.com/p> \"v\" .\n"
	doc := []byte(strings.Repeat(line, 3))
	tests := []struct {
		name string
		lim  Limits
		ok   bool
	}{
		{"defaults", Limits{}, true},
		{"exact fit", Limits{MaxBytes: len(doc), MaxQuads: 3, MaxLineLength: len(line) - 1}, true},
		{"too many bytes", Limits{MaxBytes: len(doc) - 1}, false},
		{"too many quads", Limits{MaxQuads: 2}, false},
		{"line too long", Limits{MaxLineLength: len(line) - 2}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseNQuadsLimits(doc, tt.lim)
			if tt.ok && err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if !tt.ok && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("got error %v, want ErrTooLarge", err)
			}
		})
	}
}

// TestRDFCanonEscaping parses rdf-canon test060 (no blank nodes, every
// escape form) and checks that the sorted canonical serialization equals
// the suite's expected output byte for byte.
func TestRDFCanonEscaping(t *testing.T) {
	dir := vendordata.Dir(t, "rdf-canon")
	in, err := os.ReadFile(filepath.Join(dir, "rdfc10", "test060-in.nq"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(dir, "rdfc10", "test060-rdfc10.nq"))
	if err != nil {
		t.Fatal(err)
	}
	quads, err := ParseNQuads(in)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	var lines [][]byte
	for _, q := range quads {
		lines = append(lines, q.AppendNQuad(nil))
	}
	slices.SortFunc(lines, bytes.Compare)
	lines = slices.CompactFunc(lines, bytes.Equal)
	if got := bytes.Join(lines, nil); !bytes.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
