package jsonld

import "strings"

// keywordList is the JSON-LD 1.1 keywords, sorted.
var keywordList = []string{
	"@base", "@container", "@context", "@direction", "@graph", "@id",
	"@import", "@included", "@index", "@json", "@language", "@list", "@nest",
	"@none", "@prefix", "@propagate", "@protected", "@reverse", "@set",
	"@type", "@value", "@version", "@vocab",
}

// keywords maps each keyword to a distinct bit, which entryExpander uses
// to notice a keyword given twice.
var keywords = func() map[string]uint32 {
	m := make(map[string]uint32, len(keywordList))
	for i, k := range keywordList {
		m[k] = 1 << i
	}
	return m
}()

func isKeyword(s string) bool {
	return len(s) > 1 && s[0] == '@' && keywords[s] != 0
}

// hasKeywordForm reports whether s matches "@"1*ALPHA: such strings are
// reserved for future keywords and ignored.
func hasKeywordForm(s string) bool {
	if len(s) < 2 || s[0] != '@' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// schemeEnd returns the index of the colon ending a syntactically valid
// scheme at the start of s, or -1.
func schemeEnd(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return i
		default:
			return -1
		}
	}
	return -1
}

// isAbsIRI reports whether s has the form of an absolute IRI: a scheme
// followed by a colon.
func isAbsIRI(s string) bool { return schemeEnd(s) > 0 }

func isBlank(s string) bool { return strings.HasPrefix(s, "_:") }

// wellFormedIRI reports whether s is an absolute IRI with no characters
// that RFC 3987 forbids anywhere in an IRI (spaces, controls and the
// delimiters <>"{}|\^`) and at most one "#". It is the toRdf
// "well-formed" test.
func wellFormedIRI(s string) bool {
	if !isAbsIRI(s) {
		return false
	}
	hashes := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; iriExcluded[c] {
			return false
		} else if c == '#' {
			if hashes++; hashes > 1 { // a fragment cannot contain "#"
				return false
			}
		}
	}
	return true
}

// iriExcluded marks the bytes that cannot appear in an IRI.
var iriExcluded = func() (t [256]bool) {
	for c := 0; c <= 0x20; c++ {
		t[c] = true
	}
	t[0x7f] = true
	for _, c := range `<>"{}|\^` + "`" {
		t[c] = true
	}
	return t
}()

// wellFormedLang reports whether s is a well-formed BCP 47 language tag in
// the loose sense JSON-LD processors use: an alphabetic primary subtag of up
// to eight letters followed by alphanumeric subtags of up to eight
// characters, separated by hyphens.
func wellFormedLang(s string) bool {
	n := 0
	first := true
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '-' {
			if n == 0 || n > 8 {
				return false
			}
			n = 0
			first = false
			continue
		}
		c := s[i]
		alpha := c|0x20 >= 'a' && c|0x20 <= 'z'
		digit := c >= '0' && c <= '9'
		if !alpha && !(digit && !first) {
			return false
		}
		n++
	}
	return true
}

// endsWithGenDelim reports whether s ends with an RFC 3986 gen-delim.
func endsWithGenDelim(s string) bool {
	if s == "" {
		return false
	}
	switch s[len(s)-1] {
	case ':', '/', '?', '#', '[', ']', '@':
		return true
	}
	return false
}

// uriRef is a URI reference split into its RFC 3986 components.
type uriRef struct {
	scheme, authority, path, query, fragment string
	hasAuthority, hasQuery, hasFragment      bool
}

func parseRef(s string) uriRef {
	var u uriRef
	if i := schemeEnd(s); i > 0 {
		u.scheme = s[:i]
		s = s[i+1:]
	}
	if i := strings.IndexByte(s, '#'); i >= 0 {
		u.fragment, u.hasFragment = s[i+1:], true
		s = s[:i]
	}
	if i := strings.IndexByte(s, '?'); i >= 0 {
		u.query, u.hasQuery = s[i+1:], true
		s = s[:i]
	}
	if strings.HasPrefix(s, "//") {
		s = s[2:]
		i := strings.IndexByte(s, '/')
		if i < 0 {
			i = len(s)
		}
		u.authority, u.hasAuthority = s[:i], true
		s = s[i:]
	}
	u.path = s
	return u
}

func (u uriRef) String() string {
	var b strings.Builder
	if u.scheme != "" {
		b.WriteString(u.scheme)
		b.WriteByte(':')
	}
	if u.hasAuthority {
		b.WriteString("//")
		b.WriteString(u.authority)
	}
	b.WriteString(u.path)
	if u.hasQuery {
		b.WriteByte('?')
		b.WriteString(u.query)
	}
	if u.hasFragment {
		b.WriteByte('#')
		b.WriteString(u.fragment)
	}
	return b.String()
}

// resolveIRI resolves ref against base with the basic algorithm of RFC 3986
// section 5.2, without normalization. An empty base leaves ref unchanged.
func resolveIRI(base, ref string) string {
	if base == "" {
		return ref
	}
	r := parseRef(ref)
	var t uriRef
	if r.scheme != "" {
		t = r
		t.path = removeDotSegments(r.path)
		return t.String()
	}
	b := parseRef(base)
	switch {
	case r.hasAuthority:
		t.authority, t.hasAuthority = r.authority, true
		t.path = removeDotSegments(r.path)
		t.query, t.hasQuery = r.query, r.hasQuery
	case r.path == "":
		t.path = b.path
		if r.hasQuery {
			t.query, t.hasQuery = r.query, true
		} else {
			t.query, t.hasQuery = b.query, b.hasQuery
		}
		t.authority, t.hasAuthority = b.authority, b.hasAuthority
	default:
		if r.path[0] == '/' {
			t.path = removeDotSegments(r.path)
		} else {
			t.path = removeDotSegments(mergePaths(b, r.path))
		}
		t.query, t.hasQuery = r.query, r.hasQuery
		t.authority, t.hasAuthority = b.authority, b.hasAuthority
	}
	t.scheme = b.scheme
	t.fragment, t.hasFragment = r.fragment, r.hasFragment
	return t.String()
}

func mergePaths(b uriRef, path string) string {
	if b.hasAuthority && b.path == "" {
		return "/" + path
	}
	i := strings.LastIndexByte(b.path, '/')
	return b.path[:i+1] + path
}

// removeDotSegments implements RFC 3986 section 5.2.4.
func removeDotSegments(in string) string {
	if !strings.Contains(in, ".") {
		return in
	}
	var out []string // output segments, each with its leading "/" if any
	for in != "" {
		switch {
		case strings.HasPrefix(in, "../"):
			in = in[3:]
		case strings.HasPrefix(in, "./"):
			in = in[2:]
		case strings.HasPrefix(in, "/./"):
			in = in[2:]
		case in == "/.":
			in = "/"
		case strings.HasPrefix(in, "/../"):
			in = in[3:]
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		case in == "/..":
			in = "/"
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		case in == "." || in == "..":
			in = ""
		default:
			start := 0
			if in[0] == '/' {
				start = 1
			}
			i := strings.IndexByte(in[start:], '/')
			if i < 0 {
				out = append(out, in)
				in = ""
			} else {
				out = append(out, in[:start+i])
				in = in[start+i:]
			}
		}
	}
	return strings.Join(out, "")
}
