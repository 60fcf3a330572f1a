package registry

import (
	"strings"
	"unicode"
)

// MaxTokenLen bounds one search word, in bytes; longer words are cut.
const MaxTokenLen = 64

// foldTable maps Latin letters with diacritics, and a few ligatures, to
// plain ASCII, so that "Métis" is found by "metis". It covers Latin-1 and
// Latin Extended-A, which hold the letters of French and of the Indigenous
// orthographies cairn's institutions write in most; other letters are kept
// as they are.
var foldTable = func() map[rune]string {
	m := map[rune]string{}
	add := func(to string, from string) {
		for _, r := range from {
			m[r] = to
		}
	}
	add("a", "àáâãäåāăą")
	add("c", "çćĉċč")
	add("d", "ďđð")
	add("e", "èéêëēĕėęě")
	add("g", "ĝğġģ")
	add("h", "ĥħ")
	add("i", "ìíîïĩīĭįı")
	add("j", "ĵ")
	add("k", "ķĸ")
	add("l", "ĺļľŀł")
	add("n", "ñńņňŉŋ")
	add("o", "òóôõöøōŏő")
	add("r", "ŕŗř")
	add("s", "śŝşšſ")
	add("t", "ţťŧ")
	add("u", "ùúûüũūŭůűų")
	add("w", "ŵ")
	add("y", "ýÿŷ")
	add("z", "źżž")
	add("ae", "æ")
	add("oe", "œ")
	add("ss", "ß")
	add("th", "þ")
	return m
}()

// Tokens cuts s into search words: runs of letters and digits, lower case,
// with diacritics folded (see foldTable). Marks that follow a letter (a
// combining acute, an underline) are dropped, so decomposed text folds as
// composed text does. Each word is at most MaxTokenLen bytes.
func Tokens(s string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
			piece := string(r)
			if f, ok := foldTable[r]; ok {
				piece = f
			}
			if b.Len()+len(piece) <= MaxTokenLen {
				b.WriteString(piece)
			}
		default:
			flush()
		}
	}
	flush()
	return out
}

// Fold returns the words of s joined by single spaces: the form in which
// the index keeps text and compares keys.
func Fold(s string) string { return strings.Join(Tokens(s), " ") }

// maxSlugLen bounds an offering slug, in bytes.
const maxSlugLen = 60

// Slugify derives a URL slug from a title: its folded words joined by
// hyphens, keeping only ASCII letters and digits, cut at a word boundary to
// at most 60 bytes. A title with no such word gives "offering".
func Slugify(title string) string {
	var words []string
	n := 0
	for _, w := range Tokens(title) {
		w = strings.Map(func(r rune) rune {
			if r < 0x80 {
				return r
			}
			return -1
		}, w)
		if w == "" {
			continue
		}
		if n > 0 && n+1+len(w) > maxSlugLen {
			break
		}
		if len(w) > maxSlugLen {
			w = w[:maxSlugLen]
		}
		words = append(words, w)
		n += len(w)
		if len(words) > 1 {
			n++
		}
	}
	if len(words) == 0 {
		return "offering"
	}
	return strings.Join(words, "-")
}

// ValidSlug reports whether s could be a slug: 1 to 64 bytes of lower-case
// ASCII letters, digits and single inner hyphens.
func ValidSlug(s string) bool {
	if s == "" || len(s) > 64 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case c == '-' && s[i-1] != '-':
		default:
			return false
		}
	}
	return true
}
