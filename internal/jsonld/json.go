package jsonld

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// describe names the JSON type of v for error messages.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		if len(v) > 64 {
			v = v[:64] + "..."
		}
		return "string " + strconv.Quote(v)
	case bool:
		return "boolean " + strconv.FormatBool(v)
	case json.Number:
		return "number " + string(v)
	case float64:
		return "number " + strconv.FormatFloat(v, 'g', -1, 64)
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("a Go %T (not JSON)", v)
}

func isScalar(v any) bool {
	switch v.(type) {
	case string, bool, json.Number, float64:
		return true
	}
	return false
}

// toFloat returns the value of a JSON number.
func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(n), 64)
		if err != nil && !math.IsInf(f, 0) {
			return 0, false
		}
		return f, true
	case float64:
		return n, true
	}
	return 0, false
}

// jsonEqual compares two JSON values, numbers by value.
func jsonEqual(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !jsonEqual(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case json.Number, float64:
		f, ok1 := toFloat(a)
		g, ok2 := toFloat(b)
		return ok1 && ok2 && f == g
	default:
		return a == b
	}
}

// canonicalJSON serializes v with the JSON Canonicalization Scheme (RFC
// 8785), the lexical form of rdf:JSON literals.
func canonicalJSON(v any, maxDepth int) (string, error) {
	var b strings.Builder
	if err := writeJCS(&b, v, maxDepth); err != nil {
		return "", err
	}
	return b.String(), nil
}

func writeJCS(b *strings.Builder, v any, depth int) error {
	if depth < 0 {
		return newError(CodeLimitExceeded, "JSON literal nested too deeply")
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case string:
		writeJCSString(b, x)
	case json.Number, float64:
		f, ok := toFloat(x)
		if !ok || math.IsInf(f, 0) || math.IsNaN(f) {
			return newError("invalid JSON literal", "number %s cannot be represented", describe(v))
		}
		b.WriteString(esNumber(f))
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeJCS(b, e, depth-1); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return utf16Less(keys[i], keys[j]) })
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJCSString(b, k)
			b.WriteByte(':')
			if err := writeJCS(b, x[k], depth-1); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	default:
		return newError(CodeInvalidInput, "JSON literal contains %s", describe(v))
	}
	return nil
}

// utf16Less orders strings by their UTF-16 code units, as RFC 8785 sorts
// object keys.
func utf16Less(a, b string) bool {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			ua, ub := utf16Units(ra), utf16Units(rb)
			for i := 0; i < len(ua) && i < len(ub); i++ {
				if ua[i] != ub[i] {
					return ua[i] < ub[i]
				}
			}
			return len(ua) < len(ub)
		}
		a, b = a[na:], b[nb:]
	}
	return len(a) < len(b)
}

func utf16Units(r rune) []uint16 {
	if r < 0x10000 {
		return []uint16{uint16(r)}
	}
	r1, r2 := utf16.EncodeRune(r)
	return []uint16{uint16(r1), uint16(r2)}
}

func writeJCSString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			b.WriteString(`\"`)
		case c == '\\':
			b.WriteString(`\\`)
		case c == '\b':
			b.WriteString(`\b`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\f':
			b.WriteString(`\f`)
		case c == '\r':
			b.WriteString(`\r`)
		case c < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}

// esNumber formats f as ECMAScript's Number.prototype.toString does, which
// RFC 8785 prescribes for numbers.
func esNumber(f float64) string {
	if f == 0 {
		return "0"
	}
	neg := f < 0
	if neg {
		f = -f
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±x
	mant, exp, _ := strings.Cut(s, "e")
	digits := strings.Replace(mant, ".", "", 1)
	e, _ := strconv.Atoi(exp)
	n := e + 1 // position of the decimal point after the first n digits
	k := len(digits)
	var out string
	switch {
	case k <= n && n <= 21:
		out = digits + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		out = digits[:n] + "." + digits[n:]
	case -6 < n && n <= 0:
		out = "0." + strings.Repeat("0", -n) + digits
	default:
		sign := "+"
		if n-1 < 0 {
			sign = "-"
		}
		x := n - 1
		if x < 0 {
			x = -x
		}
		if k == 1 {
			out = digits + "e" + sign + strconv.Itoa(x)
		} else {
			out = digits[:1] + "." + digits[1:] + "e" + sign + strconv.Itoa(x)
		}
	}
	if neg {
		return "-" + out
	}
	return out
}

// canonicalDouble formats f in the canonical lexical form JSON-LD uses for
// xsd:double: one digit, a fraction without trailing zeros, and an exponent
// with no sign for positive values or padding, such as 1.1E0.
func canonicalDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "INF"
	case math.IsInf(f, -1):
		return "-INF"
	case f == 0:
		return "0.0E0"
	}
	s := strconv.FormatFloat(f, 'E', 15, 64)
	mant, exp, _ := strings.Cut(s, "E")
	mant = strings.TrimRight(mant, "0")
	if strings.HasSuffix(mant, ".") {
		mant += "0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}
