package sqlstore

import (
	"slices"
	"strings"
	"testing"

	"cairn/internal/catalog"
	"cairn/internal/registry"
)

// TestRegistrySearchPrefixWords checks that a word is matched as a prefix
// whether it begins few indexed words (which SQLite looks up and matches
// as those words) or more than maxPrefixWords (matched as a prefix), and
// that a word beginning no indexed word matches nothing.
func TestRegistrySearchPrefixWords(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newRegWorld(t, s)
		// "quorxaa" ... : more words beginning "quorx" than
		// maxPrefixWords, fewer beginning "quorxa" or "quorxb".
		var many []string
		for i := range maxPrefixWords + 5 {
			many = append(many, "quorx"+string(rune('a'+i/26))+string(rune('a'+i%26)))
		}
		const manyTitle, oneTitle = "Many Quorx Words", "One Quorx Word"
		a := regOffering(t, s, w.kpu.ID, 0, regForm(catalog.DigitalBadge, manyTitle, func(f *catalog.Form) {
			f.Description = "Words: " + strings.Join(many, " ") + "."
		}))
		b := regOffering(t, s, w.kpu.ID, 0, regForm(catalog.DigitalBadge, oneTitle, func(f *catalog.Form) {
			f.Description = "One word: quorxzz, and welding."
		}))
		regPublish(t, s, a, catalog.Approved)
		regPublish(t, s, b, catalog.Approved)
		for _, tt := range []struct {
			text string
			want []string
		}{
			{"quorx", []string{manyTitle, oneTitle}},
			{"quorxa", []string{manyTitle}},
			{"quorxb", []string{manyTitle}},
			{"quorxz", []string{oneTitle}},
			{"quorxzz", []string{oneTitle}},
			{"quorxq", nil},
			{"quorx weld", []string{oneTitle}},
			{"weld quorxa", nil},
		} {
			res, got := search(t, s, registry.Query{Text: tt.text})
			slices.Sort(got)
			if !slices.Equal(got, tt.want) || res.Total != len(tt.want) {
				t.Errorf("search %q: got %q (total %d), want %q", tt.text, got, res.Total, tt.want)
			}
		}
	})
}
