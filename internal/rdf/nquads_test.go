package rdf

import (
	"testing"
)

func TestTermString(t *testing.T) {
	tests := []struct {
		name string
		term Term
		want string
	}{
		{"iri", NewIRI("http://example.com/a#b"), "<http://example.com/a#b>"},
		{"iri non-ascii written as itself", NewIRI("urn:ex:∞"), "<urn:ex:∞>"},
		{"iri forbidden characters escaped", NewIRI("urn:ex:a b<c>\"{|}^`\\\x01"), `<urn:ex:a\u0020b\u003Cc\u003E\u0022\u007B\u007C\u007D\u005E\u0060\u005C\u0001>`},
		{"blank node", NewBlank("c14n0"), "_:c14n0"},
		{"simple literal", NewLiteral("hello", "", ""), `"hello"`},
		{"xsd:string not written", NewLiteral("hello", XSDString, ""), `"hello"`},
		{"empty datatype is xsd:string", Term{Kind: Literal, Value: "x"}, `"x"`},
		{"typed literal", NewLiteral("1", XSDInteger, ""), `"1"^^<http://www.w3.org/2001/XMLSchema#integer>`},
		{"language tag kept as written", NewLiteral("colour", "", "en-GB"), `"colour"@en-GB`},
		{"empty literal", NewLiteral("", "", ""), `""`},
		{"default graph", Term{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.term.String(); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestLiteralEscaping checks every ASCII character and the special
// non-ASCII cases against the canonical N-Quads rules.
func TestLiteralEscaping(t *testing.T) {
	echars := map[rune]string{'\b': `\b`, '\t': `\t`, '\n': `\n`, '\f': `\f`, '\r': `\r`, '"': `\"`, '\\': `\\`}
	for r := rune(0); r < 0x80; r++ {
		want, ok := echars[r]
		switch {
		case ok:
		case r <= 0x1F || r == 0x7F:
			want = `\u00` + string(hexUpper[r>>4]) + string(hexUpper[r&0xF])
		default:
			want = string(r)
		}
		got := NewLiteral(string(r), "", "").String()
		if got != `"`+want+`"` {
			t.Errorf("U+%04X: got %s, want %q", r, got, `"`+want+`"`)
		}
	}
	tests := []struct {
		name, in, want string
	}{
		{"non-ascii as itself", "é∞\U0001F303", `"é∞` + "\U0001F303" + `"`},
		{"U+0080 to U+009F as themselves", "\u0080\u009f", "\"\u0080\u009f\""},
		{"noncharacters FFFE and FFFF escaped", "a\uFFFEb\uFFFF", `"a\uFFFEb\uFFFF"`},
		{"invalid UTF-8 becomes U+FFFD", "a\xffb", "\"a\uFFFDb\""},
		{"mixed", "say \"hi\"\n\ttab\x00", `"say \"hi\"\n\ttab\u0000"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NewLiteral(tt.in, "", "").String(); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestAppendNQuad(t *testing.T) {
	s, p := NewIRI("urn:s"), NewIRI("urn:p")
	tests := []struct {
		name string
		quad Quad
		want string
	}{
		{"default graph has three terms", Quad{s, p, NewLiteral("o", "", ""), Term{}}, "<urn:s> <urn:p> \"o\" .\n"},
		{"named graph", Quad{NewBlank("b0"), p, NewIRI("urn:o"), NewIRI("urn:g")}, "_:b0 <urn:p> <urn:o> <urn:g> .\n"},
		{"blank graph", Quad{s, p, NewBlank("b1"), NewBlank("g")}, "<urn:s> <urn:p> _:b1 _:g .\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := []byte("x")
			got := tt.quad.AppendNQuad(prefix)
			if string(got) != "x"+tt.want {
				t.Errorf("got %q, want %q", got, "x"+tt.want)
			}
			if got := tt.quad.String(); got != tt.want {
				t.Errorf("String: got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNQuadsKeepsOrder(t *testing.T) {
	quads := []Quad{
		{NewIRI("urn:b"), NewIRI("urn:p"), NewLiteral("1", XSDInteger, ""), Term{}},
		{NewIRI("urn:a"), NewIRI("urn:p"), NewLiteral("x", "", "en"), NewIRI("urn:g")},
	}
	want := "<urn:b> <urn:p> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n" +
		"<urn:a> <urn:p> \"x\"@en <urn:g> .\n"
	if got := string(NQuads(quads)); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := NQuads(nil); len(got) != 0 {
		t.Errorf("empty: got %q, want nothing", got)
	}
}

func TestAppendNQuadAllocations(t *testing.T) {
	q := Quad{NewBlank("c14n0"), NewIRI("https://www.w3.org/2018/credentials#issuer"),
		NewLiteral("Example \"University\"", "", ""), NewBlank("c14n1")}
	buf := make([]byte, 0, 256)
	allocs := testing.AllocsPerRun(100, func() {
		buf = q.AppendNQuad(buf[:0])
	})
	if allocs != 0 {
		t.Errorf("got %v allocations, want 0", allocs)
	}
}

func BenchmarkAppendNQuad(b *testing.B) {
	q := Quad{NewBlank("c14n0"), NewIRI("https://purl.imsglobal.org/spec/vc/ob/vocab.html#name"),
		NewLiteral("Introduction to Welding — Level 1", "", ""), NewBlank("c14n1")}
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = q.AppendNQuad(buf[:0])
	}
}
