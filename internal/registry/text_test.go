package registry

import (
	"slices"
	"strings"
	"testing"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", nil},
		{"punctuation splits", "Heat-pump, HVAC/R & co.", []string{"heat", "pump", "hvac", "r", "co"}},
		{"diacritics fold", "Métis Łąka Œuvre Straße", []string{"metis", "laka", "oeuvre", "strasse"}},
		{"combining marks drop", "Me\u0301tis", []string{"metis"}},
		{"digits kept", "CAD 650, level 2b", []string{"cad", "650", "level", "2b"}},
		{"other scripts kept", "ᐊᐃᓐᓇᖅ 日本", []string{"ᐊᐃᓐᓇᖅ", "日本"}},
		{"long word cut", strings.Repeat("a", 100), []string{strings.Repeat("a", MaxTokenLen)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Tokens(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSlugify(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"words", "Heat Pump Installation: Fundamentals", "heat-pump-installation-fundamentals"},
		{"accents", "Français pour les métiers", "francais-pour-les-metiers"},
		{"no ascii", "日本", "offering"},
		{"empty", "  ", "offering"},
		{"long", strings.Repeat("word ", 30), strings.TrimSuffix(strings.Repeat("word-", 12), "-")},
		{"one long word", strings.Repeat("x", 80), strings.Repeat("x", 60)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Slugify(tt.in)
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if !ValidSlug(got) {
				t.Errorf("Slugify gave %q, which ValidSlug refuses", got)
			}
		})
	}
}

func TestValidSlug(t *testing.T) {
	for s, want := range map[string]bool{
		"a": true, "heat-pump-2": true, "": false, "-a": false, "a-": false, "a--b": false,
		"A": false, "a_b": false, "a/b": false, strings.Repeat("a", 65): false,
	} {
		if got := ValidSlug(s); got != want {
			t.Errorf("ValidSlug(%q): got %v, want %v", s, got, want)
		}
	}
}
