package rdf

import (
	"unicode/utf8"
)

// This file writes terms and quads in canonical N-Quads form (RDF 1.2
// N-Quads §"A Canonical form of N-Quads", which RDFC-1.0 hashes and signs):
// terms separated by one space, " .\n" after each statement, no comments,
// xsd:string never written, HEX upper case, ECHAR for BS HT LF FF CR " \,
// \u00XX for the other C0 controls and DEL, \uFFFE and \uFFFF for the two
// code points outside XML 1.1 Char, everything else as itself.
//
// Two choices go beyond the letter of that form, both so that any Term
// value can be written and read back unchanged:
//   - IRIs are written as they are, except that characters IRIREF forbids
//     (controls, space, <>"{}|^`\) are written as UCHAR; an IRI built by
//     the JSON-LD processor or the parser never contains them.
//   - Invalid UTF-8 in a Go string is written as U+FFFD, as encoding/json
//     does, since an N-Quads document is UTF-8.
//
// Language tags are written as given, not lower-cased: RDFC-1.0 as deployed
// (and the JSON-LD toRdf algorithm) keeps their case, and a signature made
// over a lower-cased tag would not verify elsewhere.

const hexUpper = "0123456789ABCDEF"

// String returns the term in canonical N-Quads form: <iri>, _:label or a
// quoted literal with its language tag or datatype. The default graph (Kind
// None) is the empty string.
func (t Term) String() string {
	return string(t.Append(nil))
}

// Append appends the canonical N-Quads form of t to dst and returns the
// extended slice. A term of Kind None (the default graph) appends nothing.
func (t Term) Append(dst []byte) []byte {
	switch t.Kind {
	case IRI:
		return appendIRI(dst, t.Value)
	case BlankNode:
		dst = append(dst, '_', ':')
		return append(dst, t.Value...)
	case Literal:
		dst = append(dst, '"')
		dst = appendLiteralText(dst, t.Value)
		dst = append(dst, '"')
		switch {
		case t.Language != "":
			dst = append(dst, '@')
			dst = append(dst, t.Language...)
		case t.Datatype != "" && t.Datatype != XSDString:
			dst = append(dst, '^', '^')
			dst = appendIRI(dst, t.Datatype)
		}
		return dst
	}
	return dst
}

// AppendNQuad appends q as one canonical N-Quads statement, trailing
// newline included, to dst and returns the extended slice.
func (q Quad) AppendNQuad(dst []byte) []byte {
	dst = q.Subject.Append(dst)
	dst = append(dst, ' ')
	dst = q.Predicate.Append(dst)
	dst = append(dst, ' ')
	dst = q.Object.Append(dst)
	if q.Graph.Kind != None {
		dst = append(dst, ' ')
		dst = q.Graph.Append(dst)
	}
	return append(dst, ' ', '.', '\n')
}

// String returns q as one canonical N-Quads statement with its newline.
func (q Quad) String() string {
	return string(q.AppendNQuad(nil))
}

// NQuads returns the quads as an N-Quads document, one canonical statement
// per line, in the order given. RDFC-1.0's canonical document is this of
// the canonically labelled and sorted quads.
func NQuads(quads []Quad) []byte {
	n := 0
	for i := range quads {
		n += estimateLen(&quads[i])
	}
	dst := make([]byte, 0, n)
	for i := range quads {
		dst = quads[i].AppendNQuad(dst)
	}
	return dst
}

// estimateLen guesses a statement's length, so NQuads allocates once in the
// common case of text that needs no escaping.
func estimateLen(q *Quad) int {
	n := 8
	for _, t := range [...]*Term{&q.Subject, &q.Predicate, &q.Object, &q.Graph} {
		n += len(t.Value) + 4
		if t.Kind == Literal {
			n += len(t.Language) + 1
			if t.Datatype != XSDString {
				n += len(t.Datatype) + 4
			}
		}
	}
	return n
}

// iriForbidden marks the ASCII characters IRIREF does not allow unescaped.
var iriForbidden = [utf8.RuneSelf]bool{
	0x00: true, 0x01: true, 0x02: true, 0x03: true, 0x04: true, 0x05: true, 0x06: true, 0x07: true,
	0x08: true, 0x09: true, 0x0A: true, 0x0B: true, 0x0C: true, 0x0D: true, 0x0E: true, 0x0F: true,
	0x10: true, 0x11: true, 0x12: true, 0x13: true, 0x14: true, 0x15: true, 0x16: true, 0x17: true,
	0x18: true, 0x19: true, 0x1A: true, 0x1B: true, 0x1C: true, 0x1D: true, 0x1E: true, 0x1F: true,
	' ': true, '<': true, '>': true, '"': true, '{': true, '}': true, '|': true, '^': true,
	'`': true, '\\': true,
}

// literalEscape gives, for each ASCII byte, 0 when it is written as itself,
// the ECHAR letter when it has one, or 'u' when it needs \u00XX.
var literalEscape = [utf8.RuneSelf]byte{
	0x00: 'u', 0x01: 'u', 0x02: 'u', 0x03: 'u', 0x04: 'u', 0x05: 'u', 0x06: 'u', 0x07: 'u',
	0x08: 'b', 0x09: 't', 0x0A: 'n', 0x0B: 'u', 0x0C: 'f', 0x0D: 'r', 0x0E: 'u', 0x0F: 'u',
	0x10: 'u', 0x11: 'u', 0x12: 'u', 0x13: 'u', 0x14: 'u', 0x15: 'u', 0x16: 'u', 0x17: 'u',
	0x18: 'u', 0x19: 'u', 0x1A: 'u', 0x1B: 'u', 0x1C: 'u', 0x1D: 'u', 0x1E: 'u', 0x1F: 'u',
	'"': '"', '\\': '\\', 0x7F: 'u',
}

func appendIRI(dst []byte, iri string) []byte {
	dst = append(dst, '<')
	start := 0
	for i := 0; i < len(iri); {
		b := iri[i]
		if b < utf8.RuneSelf {
			if !iriForbidden[b] {
				i++
				continue
			}
			dst = append(dst, iri[start:i]...)
			dst = appendUCHAR4(dst, rune(b))
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(iri[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, iri[start:i]...)
			dst = utf8.AppendRune(dst, utf8.RuneError)
			start = i + 1
		}
		i += size
	}
	dst = append(dst, iri[start:]...)
	return append(dst, '>')
}

// appendLiteralText appends s escaped for STRING_LITERAL_QUOTE, without the
// quotes. Runs of bytes that need nothing are copied in one go.
func appendLiteralText(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			e := literalEscape[b]
			if e == 0 {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			if e == 'u' {
				dst = appendUCHAR4(dst, rune(b))
			} else {
				dst = append(dst, '\\', e)
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = utf8.AppendRune(dst, utf8.RuneError)
			start = i + 1
		case r == 0xFFFE || r == 0xFFFF:
			dst = append(dst, s[start:i]...)
			dst = appendUCHAR4(dst, r)
			start = i + size
		}
		i += size
	}
	return append(dst, s[start:]...)
}

// appendUCHAR4 appends \uXXXX with upper-case HEX; r must be below 0x10000.
func appendUCHAR4(dst []byte, r rune) []byte {
	return append(dst, '\\', 'u',
		hexUpper[r>>12&0xF], hexUpper[r>>8&0xF], hexUpper[r>>4&0xF], hexUpper[r&0xF])
}
