package bake

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Namespace is the XML namespace of the baked credential element.
const Namespace = "https://purl.imsglobal.org/ob/v3p0"

const (
	svgNamespace = "http://www.w3.org/2000/svg"
	svgElement   = "credential"
	svgPrefix    = "openbadges"
	// maxSVGDepth bounds element nesting in an SVG.
	maxSVGDepth = 256
	// maxSVGTokens bounds the XML tokens read from an SVG.
	maxSVGTokens = 1 << 20
)

// svgDoc is what one bounded pass over an SVG finds.
type svgDoc struct {
	root       xml.StartElement
	rootStart  int // offset of '<' of the root start tag
	rootEnd    int // offset just past the root start tag's '>'
	selfClosed bool
	// credentials are the byte ranges of every OB 3.0 credential element.
	credentials [][2]int
	// first credential's content
	verify  *string
	text    strings.Builder
	invalid string // why the first credential element is unusable, if it is
}

// parseSVG reads the whole document with encoding/xml, checking it is
// well-formed with an svg root, and locates the root start tag and every
// credential element (any prefix bound to Namespace).
func parseSVG(svg []byte) (*svgDoc, error) {
	if len(svg) > MaxImageBytes {
		return nil, fmt.Errorf("%w: svg of %d bytes, limit %d", ErrTooLarge, len(svg), MaxImageBytes)
	}
	if !utf8.Valid(svg) {
		return nil, fmt.Errorf("%w: svg is not utf-8", ErrInvalidImage)
	}
	dec := xml.NewDecoder(bytes.NewReader(svg))
	dec.Strict = true
	// Only the predefined entities are known and no DTD is read, so entity
	// expansion cannot blow up. Other encodings than UTF-8 are refused.
	dec.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		if strings.EqualFold(label, "utf-8") || strings.EqualFold(label, "utf8") {
			return r, nil
		}
		return nil, fmt.Errorf("encoding %q not supported", label)
	}

	doc := &svgDoc{rootStart: -1}
	depth := 0
	credDepth := 0 // depth of the credential element being read, 0 if none
	tokens := 0
	for {
		start := int(dec.InputOffset())
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidImage, err)
		}
		if tokens++; tokens > maxSVGTokens {
			return nil, fmt.Errorf("%w: more than %d xml tokens", ErrTooLarge, maxSVGTokens)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxSVGDepth {
				return nil, fmt.Errorf("%w: elements nested deeper than %d", ErrTooLarge, maxSVGDepth)
			}
			if doc.rootStart < 0 {
				if t.Name.Local != "svg" || (t.Name.Space != svgNamespace && t.Name.Space != "") {
					return nil, fmt.Errorf("%w: root element is {%s}%s, want svg", ErrInvalidImage, t.Name.Space, t.Name.Local)
				}
				doc.root = t.Copy()
				doc.rootStart = start
				doc.rootEnd = int(dec.InputOffset())
				doc.selfClosed = bytes.HasSuffix(svg[start:doc.rootEnd], []byte("/>"))
				continue
			}
			if credDepth > 0 {
				if len(doc.credentials) == 1 && doc.invalid == "" {
					doc.invalid = "the credential element contains an element"
				}
				continue
			}
			if t.Name.Space == Namespace && t.Name.Local == svgElement {
				credDepth = depth
				if len(doc.credentials) == 0 {
					for _, a := range t.Attr {
						if a.Name.Space == "" && a.Name.Local == "verify" {
							v := a.Value
							doc.verify = &v
						}
					}
				}
				doc.credentials = append(doc.credentials, [2]int{start, -1})
			}
		case xml.EndElement:
			if credDepth == depth {
				doc.credentials[len(doc.credentials)-1][1] = int(dec.InputOffset())
				credDepth = 0
			}
			depth--
		case xml.CharData:
			if credDepth > 0 && len(doc.credentials) == 1 && doc.text.Len() <= MaxCredentialBytes {
				doc.text.Write(t)
			}
		}
	}
	if doc.rootStart < 0 {
		return nil, fmt.Errorf("%w: no root element", ErrInvalidImage)
	}
	return doc, nil
}

// ExtractSVG returns the credential baked into an SVG: the verify attribute
// of its <openbadges:credential> element (a compact JWS), or else the
// element's text (the JSON, usually in CDATA), without surrounding
// whitespace. The element is found by namespace, whatever its prefix. The
// whole document is read, bounded in size, depth and token count; a document
// without the element gives ErrNotBaked, one with two is refused.
func ExtractSVG(svg []byte) ([]byte, error) {
	doc, err := parseSVG(svg)
	if err != nil {
		return nil, fmt.Errorf("extract svg: %w", err)
	}
	switch len(doc.credentials) {
	case 0:
		return nil, fmt.Errorf("extract svg: %w", ErrNotBaked)
	case 1:
	default:
		return nil, fmt.Errorf("extract svg: %w: more than one credential element", ErrInvalidImage)
	}
	if doc.invalid != "" {
		return nil, fmt.Errorf("extract svg: %w: %s", ErrInvalidImage, doc.invalid)
	}
	var cred string
	if doc.verify != nil {
		cred = strings.TrimSpace(*doc.verify)
		if strings.TrimSpace(doc.text.String()) != "" {
			return nil, fmt.Errorf("extract svg: %w: credential element has both a verify attribute and content", ErrInvalidImage)
		}
	} else {
		cred = strings.TrimSpace(doc.text.String())
	}
	if cred == "" {
		return nil, fmt.Errorf("extract svg: %w: empty credential element", ErrInvalidImage)
	}
	if len(cred) > MaxCredentialBytes {
		return nil, fmt.Errorf("extract svg: %w: credential of %d bytes", ErrTooLarge, len(cred))
	}
	return []byte(cred), nil
}

// BakeSVG returns a copy of svg with credential baked in: the root svg
// element gets xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" and, as
// its first child, an <openbadges:credential> element holding the JSON in
// CDATA or, for a compact JWS, carrying it in the verify attribute, as the
// specification says. Any credential element already in the document is
// removed, so baking again replaces the credential. The rest of the
// document is kept byte for byte.
func BakeSVG(svg []byte, credential []byte) ([]byte, error) {
	kind, err := classify(credential)
	if err != nil {
		return nil, fmt.Errorf("bake svg: %w", err)
	}
	if kind == kindJSON && !xmlChars(credential) {
		return nil, fmt.Errorf("bake svg: %w: json holds characters xml cannot carry", ErrInvalidCredential)
	}
	doc, err := parseSVG(svg)
	if err != nil {
		return nil, fmt.Errorf("bake svg: %w", err)
	}
	rootTag := svg[doc.rootStart:doc.rootEnd]
	declare := true
	for _, a := range doc.root.Attr {
		if a.Name.Space == "xmlns" && a.Name.Local == svgPrefix {
			if a.Value != Namespace {
				return nil, fmt.Errorf("bake svg: %w: the root binds prefix %s to %q", ErrInvalidImage, svgPrefix, a.Value)
			}
			declare = false
		}
	}

	var out bytes.Buffer
	out.Grow(len(svg) + len(credential) + 200)
	out.Write(svg[:doc.rootStart])
	// The root tag is "<name" then attributes; the declaration goes right
	// after the name.
	nameEnd := 1 + bytes.IndexAny(rootTag[1:], " \t\r\n/>")
	out.Write(rootTag[:nameEnd])
	if declare {
		out.WriteString(` xmlns:` + svgPrefix + `="` + Namespace + `"`)
	}
	if doc.selfClosed {
		rest := bytes.TrimSuffix(rootTag[nameEnd:], []byte("/>"))
		out.Write(rest)
		out.WriteString(">")
		writeCredential(&out, kind, credential)
		out.WriteString("</")
		out.Write(rootTag[1:nameEnd])
		out.WriteString(">")
		out.Write(svg[doc.rootEnd:])
		return checkBaked(out.Bytes())
	}
	out.Write(rootTag[nameEnd:])
	writeCredential(&out, kind, credential)
	pos := doc.rootEnd
	for _, r := range doc.credentials {
		out.Write(svg[pos:r[0]])
		pos = r[1]
	}
	out.Write(svg[pos:])
	return checkBaked(out.Bytes())
}

func checkBaked(out []byte) ([]byte, error) {
	if len(out) > MaxImageBytes {
		return nil, fmt.Errorf("bake svg: %w: baked image of %d bytes", ErrTooLarge, len(out))
	}
	return out, nil
}

// writeCredential writes the credential element. JSON goes in CDATA; a
// "]]>" in it is split across two CDATA sections, and a carriage return is
// written as a character reference, because XML parsers turn a literal one
// into a line feed. Both keep the JSON byte for byte.
func writeCredential(out *bytes.Buffer, kind credentialKind, credential []byte) {
	if kind == kindJWS {
		// A compact JWS is base64url and dots: nothing to escape.
		out.WriteString(`<` + svgPrefix + `:` + svgElement + ` verify="`)
		out.Write(credential)
		out.WriteString(`"></` + svgPrefix + `:` + svgElement + `>`)
		return
	}
	out.WriteString(`<` + svgPrefix + `:` + svgElement + `><![CDATA[`)
	for _, c := range credential {
		switch {
		case c == '\r':
			out.WriteString("]]>&#13;<![CDATA[")
		case c == '>' && bytes.HasSuffix(out.Bytes(), []byte("]]")):
			out.WriteString("]]><![CDATA[>")
		default:
			out.WriteByte(c)
		}
	}
	out.WriteString(`]]></` + svgPrefix + `:` + svgElement + `>`)
}

// xmlChars reports whether every character of b may appear in an XML 1.0
// document: JSON allows some (control characters in strings, U+FFFE) that
// XML does not.
func xmlChars(b []byte) bool {
	for _, r := range string(b) {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
		case r < 0x20, r == 0xFFFE, r == 0xFFFF, 0xD800 <= r && r <= 0xDFFF:
			return false
		}
	}
	return true
}
