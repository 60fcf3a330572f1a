package catalog

import (
	"maps"
	"slices"
	"strings"
)

// FieldChange is one field that differs between two forms. Old and New are
// the values rendered on one line; for list fields Added and Removed hold
// the entries that appear in only one of them (a reordering changes Old and
// New but adds and removes nothing).
type FieldChange struct {
	Key     string
	Label   string
	Old     string
	New     string
	Added   []string
	Removed []string
}

// Diff compares two forms field by field, in form order, custom fields last
// by name, and returns the fields that differ.
func Diff(a, b Form) []FieldChange {
	var out []FieldChange
	compare := func(def FieldDef) {
		va, _ := a.Value(def.Key)
		vb, _ := b.Value(def.Key)
		if va.equal(vb) {
			return
		}
		ch := FieldChange{Key: def.Key, Label: def.Label, Old: va.String(), New: vb.String()}
		if def.Type == TypeList {
			ch.Added = minus(vb.Items, va.Items)
			ch.Removed = minus(va.Items, vb.Items)
		}
		out = append(out, ch)
	}
	for _, def := range Fields() {
		compare(def)
	}
	names := map[string]bool{}
	for k, v := range a.Custom {
		names[k] = names[k] || v != ""
	}
	for k, v := range b.Custom {
		names[k] = names[k] || v != ""
	}
	for _, name := range slices.Sorted(maps.Keys(names)) {
		if !names[name] {
			continue
		}
		compare(FieldDef{Key: CustomPrefix + name, Label: name, Type: TypeLongText})
	}
	return out
}

// minus returns the entries of xs not matched by an entry of ys, counting
// duplicates, in the order of xs.
func minus(xs, ys []string) []string {
	left := map[string]int{}
	for _, y := range ys {
		left[strings.TrimSpace(y)]++
	}
	var out []string
	for _, x := range xs {
		k := strings.TrimSpace(x)
		if left[k] > 0 {
			left[k]--
			continue
		}
		out = append(out, x)
	}
	return out
}
