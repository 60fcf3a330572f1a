package rdf

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// Default limits for ParseNQuads.
const (
	DefaultMaxBytes      = 16 << 20
	DefaultMaxQuads      = 1 << 20
	DefaultMaxLineLength = 1 << 20
)

// Limits bound the work ParseNQuadsLimits does on untrusted input. A zero
// field takes its default (DefaultMaxBytes, DefaultMaxQuads,
// DefaultMaxLineLength).
type Limits struct {
	MaxBytes      int // size of the whole document
	MaxQuads      int // number of statements
	MaxLineLength int // bytes in one line, end of line excluded
}

// ErrTooLarge is wrapped by the error ParseNQuadsLimits returns when the
// input exceeds one of its Limits.
var ErrTooLarge = errors.New("n-quads input exceeds a limit")

// SyntaxError reports N-Quads that do not follow the grammar.
type SyntaxError struct {
	Line int    // 1-based line number
	Msg  string // what was wrong
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("n-quads: line %d: %s", e.Line, e.Msg)
}

// ParseNQuads parses an N-Quads document with the default Limits.
func ParseNQuads(data []byte) ([]Quad, error) {
	return ParseNQuadsLimits(data, Limits{})
}

// ParseNQuadsLimits parses an N-Quads document (RDF 1.1 N-Quads, plus the
// RDF 1.2 VERSION directive) into quads in document order. Duplicate
// statements are kept. Syntax errors are *SyntaxError and name the line;
// exceeding a limit gives an error wrapping ErrTooLarge.
//
// Not supported: RDF 1.2 triple terms and directional language tags
// ("@en--ltr"), which Term cannot hold.
func ParseNQuadsLimits(data []byte, lim Limits) ([]Quad, error) {
	lim = lim.withDefaults()
	if len(data) > lim.MaxBytes {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(data), lim.MaxBytes)
	}
	p := parser{lim: lim, intern: make(map[string]string)}
	var quads []Quad
	line := 0
	for len(data) > 0 {
		line++
		end := 0
		for end < len(data) && data[end] != '\n' && data[end] != '\r' {
			end++
		}
		text := data[:end]
		// EOL is CR, LF or CR LF; a longer run of them is blank lines.
		if end < len(data) {
			if data[end] == '\r' && end+1 < len(data) && data[end+1] == '\n' {
				end++
			}
			end++
		}
		data = data[end:]
		if len(text) > lim.MaxLineLength {
			return nil, fmt.Errorf("n-quads: line %d: %w: %d bytes, line limit %d", line, ErrTooLarge, len(text), lim.MaxLineLength)
		}
		p.reset(text, line)
		q, ok, err := p.statement()
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		if len(quads) >= lim.MaxQuads {
			return nil, fmt.Errorf("n-quads: line %d: %w: more than %d statements", line, ErrTooLarge, lim.MaxQuads)
		}
		quads = append(quads, q)
	}
	return quads, nil
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxQuads <= 0 {
		l.MaxQuads = DefaultMaxQuads
	}
	if l.MaxLineLength <= 0 {
		l.MaxLineLength = DefaultMaxLineLength
	}
	return l
}

// parser reads one line at a time; intern shares the strings of repeated
// IRIs, labels and datatypes across the document.
type parser struct {
	lim    Limits
	intern map[string]string
	buf    []byte // scratch for unescaping
	s      []byte // current line
	i      int    // position in s
	line   int
}

func (p *parser) reset(s []byte, line int) {
	p.s, p.i, p.line = s, 0, line
}

func (p *parser) errorf(format string, args ...any) error {
	return &SyntaxError{Line: p.line, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) str(b []byte) string {
	if s, ok := p.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	p.intern[s] = s
	return s
}

func (p *parser) skipWS() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

// statement parses the current line; ok is false for a blank line, a
// comment or a VERSION directive.
func (p *parser) statement() (q Quad, ok bool, err error) {
	p.skipWS()
	if p.i == len(p.s) || p.s[p.i] == '#' {
		return q, false, p.endOfLine()
	}
	if p.s[p.i] == 'V' {
		return q, false, p.version()
	}
	if q.Subject, err = p.node("subject"); err != nil {
		return q, false, err
	}
	p.skipWS()
	if p.i == len(p.s) || p.s[p.i] != '<' {
		return q, false, p.errorf("predicate must be an IRI")
	}
	if q.Predicate, err = p.iri(); err != nil {
		return q, false, err
	}
	p.skipWS()
	if p.i < len(p.s) && p.s[p.i] == '"' {
		q.Object, err = p.literal()
	} else {
		q.Object, err = p.node("object")
	}
	if err != nil {
		return q, false, err
	}
	p.skipWS()
	if p.i < len(p.s) && (p.s[p.i] == '<' || p.s[p.i] == '_') {
		if q.Graph, err = p.node("graph label"); err != nil {
			return q, false, err
		}
		p.skipWS()
	}
	if p.i == len(p.s) || p.s[p.i] != '.' {
		return q, false, p.errorf("expected '.' at column %d", p.i+1)
	}
	p.i++
	if err := p.endOfLine(); err != nil {
		return q, false, err
	}
	return q, true, nil
}

// endOfLine accepts white space and a comment up to the end of the line.
func (p *parser) endOfLine() error {
	p.skipWS()
	if p.i < len(p.s) && p.s[p.i] != '#' {
		return p.errorf("unexpected %q after the statement", p.s[p.i])
	}
	// A comment may hold anything but must still be UTF-8.
	if !utf8.Valid(p.s[p.i:]) {
		return p.errorf("invalid UTF-8")
	}
	return nil
}

// version accepts the RDF 1.2 directive VERSION "1.2".
func (p *parser) version() error {
	const kw = "VERSION"
	if len(p.s)-p.i < len(kw) || string(p.s[p.i:p.i+len(kw)]) != kw {
		return p.errorf("expected a subject")
	}
	p.i += len(kw)
	p.skipWS()
	if p.i == len(p.s) || p.s[p.i] != '"' {
		return p.errorf("VERSION needs a quoted version string")
	}
	if _, err := p.quoted(); err != nil {
		return err
	}
	return p.endOfLine()
}

// node parses an IRI or a blank node.
func (p *parser) node(what string) (Term, error) {
	if p.i < len(p.s) {
		switch p.s[p.i] {
		case '<':
			return p.iri()
		case '_':
			return p.blank()
		}
	}
	return Term{}, p.errorf("%s must be an IRI or a blank node", what)
}

func (p *parser) iri() (Term, error) {
	v, err := p.iriValue()
	if err != nil {
		return Term{}, err
	}
	return Term{Kind: IRI, Value: v}, nil
}

// iriValue parses IRIREF and returns the IRI with escapes resolved. The
// IRI must be absolute (have a scheme), as N-Quads requires.
func (p *parser) iriValue() (string, error) {
	p.i++ // '<'
	start := p.i
	escaped := false
	for {
		if p.i == len(p.s) {
			return "", p.errorf("unterminated IRI")
		}
		b := p.s[p.i]
		if b == '>' {
			break
		}
		if b == '\\' {
			escaped = true
			if _, err := p.uchar(); err != nil {
				return "", err
			}
			continue
		}
		if b < utf8.RuneSelf {
			if iriForbidden[b] {
				return "", p.errorf("character %q not allowed in an IRI", b)
			}
			p.i++
			continue
		}
		if err := p.skipRune(); err != nil {
			return "", err
		}
	}
	raw := p.s[start:p.i]
	p.i++ // '>'
	if escaped {
		p.buf = p.buf[:0]
		for j := 0; j < len(raw); {
			if raw[j] != '\\' {
				p.buf = append(p.buf, raw[j])
				j++
				continue
			}
			r, n := decodeUCHAR(raw[j:])
			p.buf = utf8.AppendRune(p.buf, r)
			j += n
		}
		raw = p.buf
	}
	if !hasScheme(raw) {
		return "", p.errorf("IRI <%s> is not absolute", raw)
	}
	return p.str(raw), nil
}

// hasScheme reports whether iri starts with scheme ":".
func hasScheme(iri []byte) bool {
	for j, b := range iri {
		switch {
		case b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z':
		case j > 0 && (b >= '0' && b <= '9' || b == '+' || b == '-' || b == '.'):
		case j > 0 && b == ':':
			return true
		default:
			return false
		}
	}
	return false
}

// skipRune steps over one multi-byte UTF-8 character.
func (p *parser) skipRune() error {
	r, size := utf8.DecodeRune(p.s[p.i:])
	if r == utf8.RuneError && size <= 1 {
		return p.errorf("invalid UTF-8")
	}
	p.i += size
	return nil
}

// uchar checks the UCHAR at p.i (\uXXXX or \UXXXXXXXX), steps over it and
// returns the character.
func (p *parser) uchar() (rune, error) {
	rest := p.s[p.i:]
	if len(rest) < 2 || (rest[1] != 'u' && rest[1] != 'U') {
		return 0, p.errorf("invalid escape at column %d", p.i+1)
	}
	n := 6
	if rest[1] == 'U' {
		n = 10
	}
	if len(rest) < n {
		return 0, p.errorf("short \\%c escape at column %d", rest[1], p.i+1)
	}
	for _, h := range rest[2:n] {
		if unhex(h) < 0 {
			return 0, p.errorf("invalid hex digit %q in escape at column %d", h, p.i+1)
		}
	}
	r, _ := decodeUCHAR(rest)
	if r > utf8.MaxRune || r >= 0xD800 && r <= 0xDFFF {
		return 0, p.errorf("escape %s at column %d is not a Unicode scalar value", rest[:n], p.i+1)
	}
	p.i += n
	return r, nil
}

// decodeUCHAR decodes a UCHAR already checked by uchar.
func decodeUCHAR(s []byte) (rune, int) {
	n := 6
	if s[1] == 'U' {
		n = 10
	}
	var r rune
	for _, h := range s[2:n] {
		r = r<<4 | rune(unhex(h))
	}
	return r, n
}

func unhex(b byte) int {
	switch {
	case b >= '0' && b <= '9':
		return int(b - '0')
	case b >= 'a' && b <= 'f':
		return int(b-'a') + 10
	case b >= 'A' && b <= 'F':
		return int(b-'A') + 10
	}
	return -1
}

// blank parses BLANK_NODE_LABEL:
// '_:' (PN_CHARS_U | [0-9]) ((PN_CHARS | '.')* PN_CHARS)?
func (p *parser) blank() (Term, error) {
	if p.i+1 >= len(p.s) || p.s[p.i+1] != ':' {
		return Term{}, p.errorf("expected '_:' at column %d", p.i+1)
	}
	p.i += 2
	start := p.i
	r, size := p.peekRune()
	if size == 0 || !(isPNCharsU(r) || r >= '0' && r <= '9') {
		return Term{}, p.errorf("invalid blank node label at column %d", start+1)
	}
	p.i += size
	lastNonDot := p.i
	for {
		r, size = p.peekRune()
		if size == 0 {
			break
		}
		if r == '.' {
			p.i += size
			continue
		}
		if !isPNChars(r) {
			break
		}
		p.i += size
		lastNonDot = p.i
	}
	// A label cannot end in '.': trailing dots belong to what follows.
	p.i = lastNonDot
	return Term{Kind: BlankNode, Value: p.str(p.s[start:p.i])}, nil
}

// peekRune returns the character at p.i, with size 0 at the end of the line
// or on invalid UTF-8.
func (p *parser) peekRune() (rune, int) {
	if p.i >= len(p.s) {
		return 0, 0
	}
	if b := p.s[p.i]; b < utf8.RuneSelf {
		return rune(b), 1
	}
	r, size := utf8.DecodeRune(p.s[p.i:])
	if r == utf8.RuneError && size <= 1 {
		return 0, 0
	}
	return r, size
}

func isPNCharsBase(r rune) bool {
	switch {
	case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		return true
	case r < 0xC0:
		return false
	}
	return r <= 0xD6 || r >= 0xD8 && r <= 0xF6 || r >= 0xF8 && r <= 0x2FF ||
		r >= 0x370 && r <= 0x37D || r >= 0x37F && r <= 0x1FFF ||
		r >= 0x200C && r <= 0x200D || r >= 0x2070 && r <= 0x218F ||
		r >= 0x2C00 && r <= 0x2FEF || r >= 0x3001 && r <= 0xD7FF ||
		r >= 0xF900 && r <= 0xFDCF || r >= 0xFDF0 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0xEFFFF
}

// isPNCharsU is PN_CHARS_U of N-Triples, which includes ':'.
func isPNCharsU(r rune) bool {
	return r == '_' || r == ':' || isPNCharsBase(r)
}

func isPNChars(r rune) bool {
	return isPNCharsU(r) || r == '-' || r >= '0' && r <= '9' || r == 0xB7 ||
		r >= 0x300 && r <= 0x36F || r >= 0x203F && r <= 0x2040
}

// literal parses a quoted string with an optional language tag or datatype.
func (p *parser) literal() (Term, error) {
	v, err := p.quoted()
	if err != nil {
		return Term{}, err
	}
	t := Term{Kind: Literal, Value: v, Datatype: XSDString}
	if p.i+1 < len(p.s) && p.s[p.i] == '^' && p.s[p.i+1] == '^' {
		p.i += 2
		if p.i == len(p.s) || p.s[p.i] != '<' {
			return Term{}, p.errorf("datatype must be an IRI")
		}
		if t.Datatype, err = p.iriValue(); err != nil {
			return Term{}, err
		}
		return t, nil
	}
	if p.i < len(p.s) && p.s[p.i] == '@' {
		if t.Language, err = p.langTag(); err != nil {
			return Term{}, err
		}
		t.Datatype = RDFLangString
	}
	return t, nil
}

// langTag parses '@' [a-zA-Z]+ ('-' [a-zA-Z0-9]+)* and returns the tag as
// written.
func (p *parser) langTag() (string, error) {
	p.i++ // '@'
	start := p.i
	for p.i < len(p.s) && isAlpha(p.s[p.i]) {
		p.i++
	}
	if p.i == start {
		return "", p.errorf("empty language tag at column %d", start)
	}
	for p.i < len(p.s) && p.s[p.i] == '-' {
		p.i++
		sub := p.i
		for p.i < len(p.s) && (isAlpha(p.s[p.i]) || p.s[p.i] >= '0' && p.s[p.i] <= '9') {
			p.i++
		}
		if p.i == sub {
			return "", p.errorf("invalid language tag at column %d", start)
		}
	}
	return p.str(p.s[start:p.i]), nil
}

func isAlpha(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

// quoted parses STRING_LITERAL_QUOTE and returns its unescaped text.
func (p *parser) quoted() (string, error) {
	p.i++ // '"'
	start := p.i
	escaped := false
	for {
		if p.i == len(p.s) {
			return "", p.errorf("unterminated string")
		}
		b := p.s[p.i]
		if b == '"' {
			break
		}
		if b == '\\' {
			escaped = true
			if p.i+1 < len(p.s) && echar(p.s[p.i+1]) != 0 {
				p.i += 2
				continue
			}
			if _, err := p.uchar(); err != nil {
				return "", err
			}
			continue
		}
		if b < utf8.RuneSelf {
			p.i++
			continue
		}
		if err := p.skipRune(); err != nil {
			return "", err
		}
	}
	raw := p.s[start:p.i]
	p.i++ // '"'
	if !escaped {
		return string(raw), nil
	}
	p.buf = p.buf[:0]
	for j := 0; j < len(raw); {
		if raw[j] != '\\' {
			p.buf = append(p.buf, raw[j])
			j++
			continue
		}
		if c := echar(raw[j+1]); c != 0 {
			p.buf = append(p.buf, c)
			j += 2
			continue
		}
		r, n := decodeUCHAR(raw[j:])
		p.buf = utf8.AppendRune(p.buf, r)
		j += n
	}
	return string(p.buf), nil
}

// echar returns the character an ECHAR letter stands for, or 0.
func echar(b byte) byte {
	switch b {
	case 't':
		return '\t'
	case 'b':
		return '\b'
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 'f':
		return '\f'
	case '"', '\'', '\\':
		return b
	}
	return 0
}
