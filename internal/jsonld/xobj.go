package jsonld

import "math/bits"

// Expansion builds typed objects rather than map[string]any: the maps cost
// most of the time of a credential's toRdf, and the typed form lets ToRDF
// walk the result without map lookups. Expand converts to maps at the end.

// Flags for the keyword entries an expanded object has.
const (
	kID uint16 = 1 << iota
	kType
	kValue
	kLanguage
	kDirection
	kIndex
	kList
	kSet
	kGraph
	kIncluded
	kReverse
)

// xobj is one expanded object: a node, value, list, set or graph object,
// or, while expansion is under way, any mix of their entries.
type xobj struct {
	has     uint16 // k* flags of the keyword entries present
	idNull  bool   // @id is null (a reserved "@..." identifier)
	typeArr bool   // @type is an array (always, once a node object is finished)
	id      string
	types   []string // @type values
	vtype   string   // @type of a value object
	value   any      // @value: a scalar, or any JSON for a JSON literal
	lang    string
	dir     string
	index   string
	ext     *xext // entries values never have
}

// xext holds the entries of node, list and set objects.
type xext struct {
	list     []*xobj
	set      xres
	graph    []*xobj
	included []*xobj
	reverse  []xprop
	props    []xprop
}

// xprop is one property and its values, in the order they were added.
type xprop struct {
	iri  string
	vals []*xobj
}

// xres is what expanding an element gives: null, one object or an array.
type xres struct {
	arr  bool
	one  *xobj
	many []*xobj
}

func single(o *xobj) xres { return xres{one: o} }

func array(items []*xobj) xres { return xres{arr: true, many: items} }

func (x xres) null() bool { return !x.arr && x.one == nil }

// items returns the objects of x, as "ensuring it is an array" does; null
// gives none.
func (x xres) items() []*xobj {
	switch {
	case x.arr:
		return x.many
	case x.one == nil:
		return nil
	}
	return []*xobj{x.one}
}

func (o *xobj) e() *xext {
	if o.ext == nil {
		o.ext = &xext{}
	}
	return o.ext
}

func (o *xobj) props() []xprop {
	if o.ext == nil {
		return nil
	}
	return o.ext.props
}

// entries counts the entries of o as a map would have them.
func (o *xobj) entries() int {
	n := bits.OnesCount16(o.has)
	if o.ext != nil {
		n += len(o.ext.props)
	}
	return n
}

func (o *xobj) isValue() bool { return o.has&kValue != 0 }
func (o *xobj) isList() bool  { return o.has&kList != 0 }

// isNode reports whether o is a node object: not a value, list or set.
func (o *xobj) isNode() bool { return o.has&(kValue|kList|kSet) == 0 }

// isGraph reports whether o is a graph object: @graph with at most @id and
// @index besides.
func (o *xobj) isGraph() bool {
	return o.has&kGraph != 0 && o.has&^(kGraph|kID|kIndex) == 0 && len(o.props()) == 0
}

// addProp appends vals to property iri of props, creating it if needed
// (even with no values: an empty array is kept). A new property takes vals
// itself, which the caller must not use afterwards.
func addProp(props []xprop, iri string, vals []*xobj) []xprop {
	for i := range props {
		if props[i].iri == iri {
			props[i].vals = append(props[i].vals[:len(props[i].vals):len(props[i].vals)], vals...)
			return props
		}
	}
	if vals == nil {
		vals = []*xobj{}
	}
	return append(props, xprop{iri: iri, vals: vals})
}

// prependProp puts vals before the existing values of property iri.
func prependProp(props []xprop, iri string, vals []*xobj) []xprop {
	for i := range props {
		if props[i].iri == iri {
			props[i].vals = append(append([]*xobj(nil), vals...), props[i].vals...)
			return props
		}
	}
	return append(props, xprop{iri: iri, vals: vals})
}

// toJSON converts expanded objects to the map form of the expand() API.
func toJSON(items []*xobj) []any {
	out := make([]any, len(items))
	for i, o := range items {
		out[i] = o.toJSON()
	}
	return out
}

func (o *xobj) toJSON() map[string]any {
	m := make(map[string]any, o.entries())
	if o.has&kID != 0 {
		if o.idNull {
			m["@id"] = nil
		} else {
			m["@id"] = o.id
		}
	}
	if o.has&kType != 0 {
		switch {
		case o.vtype != "":
			m["@type"] = o.vtype
		case o.typeArr:
			ts := make([]any, len(o.types))
			for i, t := range o.types {
				ts[i] = t
			}
			m["@type"] = ts
		case len(o.types) == 1:
			m["@type"] = o.types[0]
		}
	}
	if o.has&kValue != 0 {
		m["@value"] = o.value
	}
	if o.has&kLanguage != 0 {
		m["@language"] = o.lang
	}
	if o.has&kDirection != 0 {
		m["@direction"] = o.dir
	}
	if o.has&kIndex != 0 {
		m["@index"] = o.index
	}
	if x := o.ext; x != nil {
		if o.has&kList != 0 {
			m["@list"] = toJSON(x.list)
		}
		if o.has&kSet != 0 {
			if x.set.arr {
				m["@set"] = toJSON(x.set.many)
			} else if x.set.one != nil {
				m["@set"] = x.set.one.toJSON()
			}
		}
		if o.has&kGraph != 0 {
			m["@graph"] = toJSON(x.graph)
		}
		if o.has&kIncluded != 0 {
			m["@included"] = toJSON(x.included)
		}
		if o.has&kReverse != 0 {
			rm := make(map[string]any, len(x.reverse))
			for _, p := range x.reverse {
				rm[p.iri] = toJSON(p.vals)
			}
			m["@reverse"] = rm
		}
		for _, p := range x.props {
			m[p.iri] = toJSON(p.vals)
		}
	}
	return m
}
