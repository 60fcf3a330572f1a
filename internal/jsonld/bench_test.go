package jsonld

import (
	"os"
	"path/filepath"
	"testing"

	"cairn/internal/contexts"
)

func loadCredential(tb testing.TB) any {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "ob-credential.json"))
	if err != nil {
		tb.Fatal(err)
	}
	doc, err := decodeJSON(data)
	if err != nil {
		tb.Fatal(err)
	}
	return doc
}

// BenchmarkToRDFCredential measures what every Open Badges signature and
// verification pays: expand and toRdf of a ~3 KB OB 3.0 credential with the
// VC 2.0 and OB 3.0.3 contexts, in SafeMode, on a warm Processor.
func BenchmarkToRDFCredential(b *testing.B) {
	p := NewProcessor(contexts.New())
	doc := loadCredential(b)
	opts := Options{SafeMode: true}
	if _, err := p.ToRDF(doc, opts); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.ToRDF(doc, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkToRDFCredentialCold includes processing the contexts, as the
// first credential after start-up does.
func BenchmarkToRDFCredentialCold(b *testing.B) {
	loader := contexts.New()
	doc := loadCredential(b)
	b.ReportAllocs()
	for b.Loop() {
		p := NewProcessor(loader)
		if _, err := p.ToRDF(doc, Options{SafeMode: true}); err != nil {
			b.Fatal(err)
		}
	}
}
