package bake

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
)

const testSVG = `<?xml version="1.0" encoding="UTF-8"?>
<!-- a badge -->
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">
  <circle cx="256" cy="256" r="200" fill="#236"/>
  <text x="256" y="270">Teamwork &amp; more</text>
</svg>
`

func mustBakeSVG(t testing.TB, svg, cred string) string {
	t.Helper()
	out, err := BakeSVG([]byte(svg), []byte(cred))
	if err != nil {
		t.Fatalf("BakeSVG: %v", err)
	}
	return string(out)
}

// elements returns the names of the elements of a well-formed document
// and the root's attributes, failing the test on any XML error.
func elements(t *testing.T, doc string) (names []xml.Name, rootAttr []xml.Attr) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(doc))
	dec.Strict = true
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return names, rootAttr
		}
		if err != nil {
			t.Fatalf("baked svg is not well-formed: %v\n%s", err, doc)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if names == nil {
				rootAttr = se.Attr
			}
			names = append(names, se.Name)
		}
	}
}

func TestBakeSVGRoundTrip(t *testing.T) {
	creds := map[string]string{
		"json":                      jsonCredential,
		"json with repeated ]]>":    `{"a":"]]>]]>]]]>x]]"}`,
		"json ending in ]]":         `{"a":[[1]]}`,
		"json with carriage return": "{\r\n  \"a\": \"b\"\r\n}",
		"jws":                       jwsCredential,
	}
	for name, cred := range creds {
		t.Run(name, func(t *testing.T) {
			baked := mustBakeSVG(t, testSVG, cred)
			got, err := ExtractSVG([]byte(baked))
			if err != nil {
				t.Fatalf("ExtractSVG: %v", err)
			}
			if string(got) != cred {
				t.Errorf("got %q, want %q", got, cred)
			}
			names, attrs := elements(t, baked)
			if want := (xml.Name{Space: Namespace, Local: "credential"}); names[1] != want {
				t.Errorf("first child of the root: got %v, want %v", names[1], want)
			}
			declared := false
			for _, a := range attrs {
				if a.Name.Space == "xmlns" && a.Name.Local == "openbadges" && a.Value == Namespace {
					declared = true
				}
			}
			if !declared {
				t.Errorf("root attributes %v lack xmlns:openbadges", attrs)
			}
		})
	}
}

func TestBakeSVGForms(t *testing.T) {
	jws := mustBakeSVG(t, testSVG, jwsCredential)
	if want := `<openbadges:credential verify="` + jwsCredential + `"></openbadges:credential>`; !strings.Contains(jws, want) {
		t.Errorf("jws form: got\n%s\nwant it to contain %s", jws, want)
	}
	js := mustBakeSVG(t, testSVG, `{"a":"]]>"}`)
	if want := `<openbadges:credential><![CDATA[{"a":"]]]]><![CDATA[>"}]]></openbadges:credential>`; !strings.Contains(js, want) {
		t.Errorf("json form: got\n%s\nwant it to contain %s", js, want)
	}
	// Everything outside the root start tag and the new element is kept.
	rest := strings.Replace(js, ` xmlns:openbadges="`+Namespace+`"`, "", 1)
	rest = strings.Replace(rest, `<openbadges:credential><![CDATA[{"a":"]]]]><![CDATA[>"}]]></openbadges:credential>`, "", 1)
	if rest != testSVG {
		t.Errorf("baking changed the rest of the document:\n%s", rest)
	}
}

func TestBakeSVGReplaces(t *testing.T) {
	first := mustBakeSVG(t, testSVG, jsonCredential)
	second := mustBakeSVG(t, first, jwsCredential)
	got, err := ExtractSVG([]byte(second))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != jwsCredential {
		t.Errorf("got %q, want the second credential", got)
	}
	if n := strings.Count(second, "openbadges:credential"); n != 2 { // start and end tag
		t.Errorf("got %d credential tags, want one element", n)
	}
	if n := strings.Count(second, "xmlns:openbadges"); n != 1 {
		t.Errorf("got %d namespace declarations, want 1", n)
	}
	if third := mustBakeSVG(t, second, jwsCredential); third != second {
		t.Error("baking the same credential again changed the document")
	}
}

func TestBakeSVGReplacesAnyPrefixAnywhere(t *testing.T) {
	svg := `<svg xmlns="http://www.w3.org/2000/svg"><g><ob:credential xmlns:ob="` + Namespace + `" verify="a.b.c"/></g></svg>`
	baked := mustBakeSVG(t, svg, jsonCredential)
	if strings.Contains(baked, "ob:credential") {
		t.Errorf("old element left in:\n%s", baked)
	}
	if got, err := ExtractSVG([]byte(baked)); err != nil || string(got) != jsonCredential {
		t.Errorf("got %q, %v, want the new credential", got, err)
	}
}

func TestBakeSVGSelfClosingRoot(t *testing.T) {
	baked := mustBakeSVG(t, `<svg:svg xmlns:svg="http://www.w3.org/2000/svg" width="1"/>`, jwsCredential)
	want := `<svg:svg xmlns:openbadges="` + Namespace + `" xmlns:svg="http://www.w3.org/2000/svg" width="1"><openbadges:credential verify="` + jwsCredential + `"></openbadges:credential></svg:svg>`
	if baked != want {
		t.Errorf("got\n%s\nwant\n%s", baked, want)
	}
}

func TestBakeSVGKeepsExistingDeclaration(t *testing.T) {
	svg := `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="` + Namespace + `"></svg>`
	baked := mustBakeSVG(t, svg, jwsCredential)
	if n := strings.Count(baked, "xmlns:openbadges"); n != 1 {
		t.Errorf("got %d declarations, want 1:\n%s", n, baked)
	}
}

func TestExtractSVGSpecificationExample(t *testing.T) {
	// The shape of the specification's example: another prefix would do
	// too, and whitespace surrounds the CDATA section.
	svg := `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg"
  xmlns:ob="https://purl.imsglobal.org/ob/v3p0"
  viewBox="0 0 512 512">
  <ob:credential>
    <![CDATA[
      {"id": "http://example.edu/credentials/3732"}
    ]]>
  </ob:credential>
  <!-- rest-of-image -->
</svg>`
	got, err := ExtractSVG([]byte(svg))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"id": "http://example.edu/credentials/3732"}`; string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestExtractSVGNotBaked(t *testing.T) {
	for name, svg := range map[string]string{
		"plain":           testSVG,
		"open badges 2.0": `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https://x.example/a"/></svg>`,
		"unbound prefix":  `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="urn:other"><openbadges:credential>{}</openbadges:credential></svg>`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ExtractSVG([]byte(svg)); !errors.Is(err, ErrNotBaked) {
				t.Errorf("got %v, want ErrNotBaked", err)
			}
		})
	}
}

func TestSVGRefused(t *testing.T) {
	cred := `<openbadges:credential>{}</openbadges:credential>`
	root := `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="` + Namespace + `">`
	tests := []struct {
		name string
		svg  string
		want error
	}{
		{"not xml", "GIF89a", ErrInvalidImage},
		{"empty", "", ErrInvalidImage},
		{"unclosed", root + cred, ErrInvalidImage},
		{"html root", `<html>` + cred + `</html>`, ErrInvalidImage},
		{"svg root in another namespace", `<svg xmlns="urn:x"></svg>`, ErrInvalidImage},
		{"two credentials", root + cred + cred + `</svg>`, ErrInvalidImage},
		{"element inside credential", root + `<openbadges:credential><b/>{}</openbadges:credential></svg>`, ErrInvalidImage},
		{"verify and content", root + `<openbadges:credential verify="a.b.c">{}</openbadges:credential></svg>`, ErrInvalidImage},
		{"empty credential", root + `<openbadges:credential>  </openbadges:credential></svg>`, ErrInvalidImage},
		{"undefined entity", `<!DOCTYPE svg [<!ENTITY a "aaaaaaaa">]>` + root + `<openbadges:credential>&a;</openbadges:credential></svg>`, ErrInvalidImage},
		{"other encoding", `<?xml version="1.0" encoding="ISO-8859-1"?>` + root + cred + `</svg>`, ErrInvalidImage},
		{"not utf-8", root + "<text>\xff</text>" + cred + `</svg>`, ErrInvalidImage},
		{"too deep", root + strings.Repeat("<g>", maxSVGDepth) + strings.Repeat("</g>", maxSVGDepth) + cred + `</svg>`, ErrTooLarge},
		{"too many tokens", root + strings.Repeat("<g/>", maxSVGTokens/2) + cred + `</svg>`, ErrTooLarge},
		{"too large", root + cred + strings.Repeat(" ", MaxImageBytes) + `</svg>`, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := ExtractSVG([]byte(tt.svg)); !errors.Is(err, tt.want) {
				t.Errorf("ExtractSVG: got %.40q, %v, want %v", got, err, tt.want)
			}
		})
	}
}

func TestBakeSVGRefused(t *testing.T) {
	tests := []struct {
		name, svg, cred string
		want            error
	}{
		{"prefix bound elsewhere", `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"></svg>`, jwsCredential, ErrInvalidImage},
		{"not svg", `<html></html>`, jwsCredential, ErrInvalidImage},
		{"json with a control character", testSVG, "{\"a\":\"\x01\"}", ErrInvalidCredential},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := BakeSVG([]byte(tt.svg), []byte(tt.cred)); !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func FuzzExtractSVG(f *testing.F) {
	f.Add([]byte(testSVG))
	f.Add([]byte(mustBakeSVG(f, testSVG, jsonCredential)))
	f.Add([]byte(mustBakeSVG(f, testSVG, jwsCredential)))
	f.Add([]byte(`<svg xmlns:ob="` + Namespace + `"><ob:credential/></svg>`))
	f.Add([]byte(`<svg/>`))
	f.Fuzz(func(t *testing.T, svg []byte) {
		cred, err := ExtractSVG(svg)
		if err != nil {
			if cred != nil {
				t.Fatal("got a credential with an error")
			}
			return
		}
		if len(cred) == 0 {
			t.Fatal("extracted an empty credential")
		}
		if _, err := classify(cred); err != nil {
			return
		}
		rebaked, err := BakeSVG(svg, cred)
		if err != nil {
			// A prefix clash or characters XML cannot carry are refused.
			if errors.Is(err, ErrInvalidImage) || errors.Is(err, ErrInvalidCredential) {
				return
			}
			t.Fatalf("BakeSVG of a document ExtractSVG accepted: %v", err)
		}
		again, err := ExtractSVG(rebaked)
		if err != nil || !bytes.Equal(again, bytes.TrimSpace(cred)) {
			t.Fatalf("re-baked document gives %q, %v, want %q\n%s", again, err, cred, rebaked)
		}
	})
}
