package jsonld

import (
	"sort"
	"strings"
)

// expandDocument is the expand() API operation on an already parsed
// document.
func (r *run) expandDocument(doc any) ([]*xobj, error) {
	active := r.p.root(r.opts.Base)
	if ec := r.opts.ExpandContext; ec != nil {
		if m, ok := ec.(map[string]any); ok {
			if c, ok := m["@context"]; ok {
				ec = c
			}
		}
		var err error
		active, err = r.processContext(active, ec, ctxParams{baseURL: r.opts.Base, propagate: true, validate: true})
		if err != nil {
			return nil, err
		}
	}
	out, err := r.expand(active, "", doc, r.opts.Base, false, 0)
	if err != nil {
		return nil, err
	}
	if o := out.one; !out.arr && o != nil && o.has == kGraph && len(o.props()) == 0 {
		return o.ext.graph, nil
	}
	return out.items(), nil
}

// applyScoped applies a term's scoped context to active, through the
// Processor's cache when both come from immutable sources.
func (r *run) applyScoped(active *activeContext, td *termDef, override, propagate bool) (*activeContext, error) {
	cache := active.shared && td.cacheable && r.cacheOK
	key := scopeKey{parent: active, term: td, propagate: propagate, override: override}
	if cache {
		if c := r.p.cachedScope(key); c != nil {
			return c, r.checkWarning(c)
		}
	}
	c, err := r.processContext(active, td.context, ctxParams{
		baseURL:   td.baseURL,
		override:  override,
		propagate: propagate,
		validate:  true,
		cacheable: td.cacheable,
	})
	if err != nil {
		return nil, err
	}
	if cache {
		if !c.shared {
			c.shared = true
		}
		r.p.storeScope(key, c)
	}
	return c, nil
}

// expand is the Expansion algorithm. prop is the active property, "" for
// null.
func (r *run) expand(active *activeContext, prop string, element any, baseURL string, fromMap bool, depth int) (xres, error) {
	if element == nil {
		return xres{}, nil
	}
	if depth > r.lim.MaxDepth {
		return xres{}, newError(CodeLimitExceeded, "document nested deeper than %d", r.lim.MaxDepth)
	}
	r.nodes++
	if r.nodes > r.lim.MaxNodes {
		return xres{}, newError(CodeLimitExceeded, "document has more than %d values", r.lim.MaxNodes)
	}
	if err := r.step(1); err != nil {
		return xres{}, err
	}
	var ptd *termDef
	if prop != "" {
		ptd = active.terms[prop]
	}
	switch el := element.(type) {
	case []any:
		items := make([]*xobj, 0, len(el))
		for _, item := range el {
			e, err := r.expand(active, prop, item, baseURL, fromMap, depth+1)
			if err != nil {
				return xres{}, err
			}
			if ptd != nil && ptd.container&cList != 0 {
				if r.mode10 && (e.arr || e.one != nil && e.one.isList()) {
					return xres{}, newError("list of lists", "json-ld-1.0 does not allow lists of lists")
				}
				if e.arr {
					e = single(&xobj{has: kList, ext: &xext{list: e.many}})
				}
			}
			if e.arr {
				items = append(items, e.many...)
			} else if e.one != nil {
				items = append(items, e.one)
			}
		}
		return array(items), nil
	case map[string]any:
		return r.expandObject(active, prop, ptd, el, baseURL, fromMap, depth)
	default:
		if !isScalar(el) {
			return xres{}, newError(CodeInvalidInput, "document contains %s", describe(el))
		}
		if prop == "" || prop == "@graph" {
			return xres{}, r.unsafe("value %s is not the value of any property", describe(el))
		}
		if ptd != nil && ptd.hasContext {
			var err error
			if active, err = r.applyScoped(active, ptd, false, true); err != nil {
				return xres{}, err
			}
		}
		o, err := r.expandValue(active, prop, el)
		return single(o), err
	}
}

// expandObject is the Expansion algorithm for a map element.
func (r *run) expandObject(active *activeContext, prop string, ptd *termDef, el map[string]any, baseURL string, fromMap bool, depth int) (xres, error) {
	var keyBuf [16]string
	keys := sortedKeysInto(keyBuf[:0], el)
	if active.previous != nil && !fromMap {
		revert := true
		for _, k := range keys {
			exp, _ := r.expandIRI(active, k, false, true)
			if exp == "@value" || (exp == "@id" && len(keys) == 1) {
				revert = false
				break
			}
		}
		if revert {
			active = active.previous
		}
	}
	var err error
	if ptd != nil && ptd.hasContext {
		if active, err = r.applyScoped(active, ptd, true, true); err != nil {
			return xres{}, err
		}
	}
	if c, ok := el["@context"]; ok {
		if active, err = r.processContext(active, c, ctxParams{baseURL: baseURL, propagate: true, validate: true}); err != nil {
			return xres{}, err
		}
	}
	typeScoped := active
	typeKey := ""
	for _, k := range keys {
		if exp, _ := r.expandIRI(active, k, false, true); exp != "@type" {
			continue
		}
		if typeKey == "" {
			typeKey = k
		}
		switch v := el[k].(type) {
		case string:
			if active, err = r.typeScoped(active, typeScoped, v); err != nil {
				return xres{}, err
			}
		case []any:
			terms := make([]string, 0, len(v))
			for _, t := range v {
				if s, ok := t.(string); ok {
					terms = append(terms, s)
				}
			}
			sort.Strings(terms)
			for _, t := range terms {
				if active, err = r.typeScoped(active, typeScoped, t); err != nil {
					return xres{}, err
				}
			}
		}
	}
	inputType := ""
	if typeKey != "" {
		last := el[typeKey]
		if arr, ok := last.([]any); ok {
			last = nil
			if len(arr) > 0 {
				last = arr[len(arr)-1]
			}
		}
		if s, ok := last.(string); ok {
			inputType, _ = r.expandIRI(active, s, false, true)
		}
	}

	ex := entryExpander{r: r, typeScoped: typeScoped, prop: prop, result: &xobj{}, inputType: inputType, baseURL: baseURL, props: len(keys)}
	if err := ex.expandEntries(active, el, keys, depth); err != nil {
		return xres{}, err
	}
	return r.finishObject(ex.result, prop)
}

// typeScoped applies the type-scoped context of type term t, if it has one.
func (r *run) typeScoped(active, typeScoped *activeContext, t string) (*activeContext, error) {
	if td := typeScoped.terms[t]; td != nil && td.hasContext {
		return r.applyScoped(active, td, false, false)
	}
	return active, nil
}

// finishObject applies the closing checks of the Expansion algorithm to an
// expanded object.
func (r *run) finishObject(o *xobj, prop string) (xres, error) {
	switch {
	case o.has&kValue != 0:
		if extra := o.has &^ (kDirection | kIndex | kLanguage | kType | kValue); extra != 0 || len(o.props()) > 0 {
			return xres{}, newError("invalid value object", "a value object can only have @value, @type, @language, @direction and @index")
		}
		hasLang, hasDir, hasType := o.has&kLanguage != 0, o.has&kDirection != 0, o.has&kType != 0
		if hasType && (hasLang || hasDir) {
			return xres{}, newError("invalid value object", "a value object cannot have both @type and @language or @direction")
		}
		if hasType && o.vtype == "" {
			if o.typeArr || len(o.types) != 1 {
				return xres{}, newError("invalid typed value", "a value's @type must be a single IRI, not %v", o.types)
			}
			o.vtype, o.types = o.types[0], nil
		}
		if o.vtype == "@json" {
			return single(o), nil
		}
		if o.value == nil {
			return xres{}, nil
		}
		if _, isStr := o.value.(string); !isStr && hasLang {
			return xres{}, newError("invalid language-tagged value", "only strings can have a language, not %s", describe(o.value))
		}
		if hasType && (!isAbsIRI(o.vtype) || strings.ContainsAny(o.vtype, " \t\n\r")) {
			return xres{}, newError("invalid typed value", "a value's @type must be an absolute IRI, not %q", o.vtype)
		}
	case o.has&kType != 0:
		o.typeArr = true
	case o.has&(kSet|kList) != 0:
		if n := o.entries(); n > 2 || n == 2 && o.has&kIndex == 0 {
			return xres{}, newError("invalid set or list object", "@set and @list objects may only have an @index besides")
		}
		if o.has&kSet != 0 {
			set := o.ext.set
			if set.arr || set.one == nil {
				return set, nil
			}
			o = set.one
		}
	}
	if o.has == kLanguage && len(o.props()) == 0 {
		return xres{}, r.unsafe("language %q has no value", o.lang)
	}
	if prop == "" || prop == "@graph" {
		switch n := o.entries(); {
		case n == 0:
			return xres{}, nil
		case o.has&(kValue|kList) != 0:
			return xres{}, r.unsafe("a value or list that is not the value of any property")
		case n == 1 && o.has == kID && !o.idNull:
			return xres{}, r.unsafe("node %q has nothing but an @id", o.id)
		}
	}
	return single(o), nil
}

// entryExpander holds what the entry loop of one node shares with the
// nested (@nest) values it expands into the same result.
type entryExpander struct {
	r          *run
	typeScoped *activeContext
	prop       string
	result     *xobj
	inputType  string
	baseURL    string
	keywords   uint32 // keyword entries already seen, for colliding keywords
	props      int    // entries of the element, to size the property list
}

// expandEntries is steps 13 and 14 of the Expansion algorithm.
func (ex *entryExpander) expandEntries(active *activeContext, el map[string]any, keys []string, depth int) error {
	r := ex.r
	var nests []string
	for _, key := range keys {
		if key == "@context" {
			continue
		}
		value := el[key]
		expProp, ok := r.expandIRI(active, key, false, true)
		if !ok || (!strings.Contains(expProp, ":") && !isKeyword(expProp)) {
			if err := r.unsafe("property %q is not defined by the context and is not an absolute IRI", key); err != nil {
				return err
			}
			continue
		}
		if isKeyword(expProp) {
			if expProp == "@nest" {
				nests = append(nests, key)
				continue
			}
			if err := ex.keywordEntry(active, key, expProp, value, depth); err != nil {
				return err
			}
			continue
		}
		if err := ex.propertyEntry(active, key, expProp, value, depth); err != nil {
			return err
		}
	}
	for _, nk := range nests {
		nestActive := active
		if td := active.terms[nk]; td != nil && td.hasContext {
			var err error
			if nestActive, err = r.applyScoped(active, td, true, true); err != nil {
				return err
			}
		}
		if depth+1 > r.lim.MaxDepth {
			return newError(CodeLimitExceeded, "document nested deeper than %d", r.lim.MaxDepth)
		}
		for _, nv := range asArray(el[nk]) {
			m, ok := nv.(map[string]any)
			if !ok {
				return newError("invalid @nest value", "the value of %q must be an object, not %s", nk, describe(nv))
			}
			nkeys := sortedKeys(m)
			for _, k := range nkeys {
				if exp, _ := r.expandIRI(nestActive, k, false, true); exp == "@value" {
					return newError("invalid @nest value", "a nested object cannot have @value")
				}
			}
			if err := ex.expandEntries(nestActive, m, nkeys, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// keywordEntry expands an entry whose key expands to a keyword.
func (ex *entryExpander) keywordEntry(active *activeContext, key, kw string, value any, depth int) error {
	r := ex.r
	o := ex.result
	prop := ex.prop
	if prop == "@reverse" {
		return newError("invalid reverse property map", "a reverse property map cannot have %s", key)
	}
	bit := keywords[kw]
	if ex.keywords&bit != 0 && (r.mode10 || kw != "@included" && kw != "@type") {
		return newError("colliding keywords", "%s appears more than once (as %q)", kw, key)
	}
	ex.keywords |= bit
	switch kw {
	case "@id":
		s, ok := value.(string)
		if !ok {
			return newError("invalid @id value", "@id must be a string, not %s", describe(value))
		}
		id, ok := r.expandIRI(active, s, true, false)
		if !ok {
			// A reserved "@..." identifier expands to null, which expansion keeps.
			if err := r.unsafe("@id %q has the form of a keyword", s); err != nil {
				return err
			}
			o.has |= kID
			o.idNull = true
			return nil
		}
		if r.opts.SafeMode && !isAbsIRI(id) && !isBlank(id) {
			return r.unsafe("@id %q is relative and there is no base IRI", s)
		}
		o.has |= kID
		o.id = id
	case "@type":
		ts, isArr, err := ex.expandTypes(value)
		if err != nil {
			return err
		}
		switch {
		case o.has&kType != 0:
			o.types = append(o.types[:len(o.types):len(o.types)], ts...)
			o.typeArr = true
		case isArr || len(ts) == 1:
			o.has |= kType
			o.types, o.typeArr = ts, isArr
		}
	case "@graph":
		g, err := r.expand(active, "@graph", value, ex.baseURL, false, depth+1)
		if err != nil {
			return err
		}
		o.has |= kGraph
		o.e().graph = g.items()
	case "@included":
		if r.mode10 {
			return nil
		}
		inc, err := r.expand(active, "", value, ex.baseURL, false, depth+1)
		if err != nil {
			return err
		}
		items := inc.items()
		if inc.null() { // everything was dropped: not a node object
			return newError("invalid @included value", "@included must contain only node objects")
		}
		for _, e := range items {
			if !e.isNode() {
				return newError("invalid @included value", "@included must contain only node objects")
			}
		}
		x := o.e()
		if o.has&kIncluded != 0 {
			items = append(x.included[:len(x.included):len(x.included)], items...)
		}
		o.has |= kIncluded
		x.included = items
	case "@value":
		if ex.inputType == "@json" {
			if r.mode10 {
				return newError("invalid value object value", "JSON literals are not allowed in json-ld-1.0")
			}
		} else if value != nil && !isScalar(value) {
			return newError("invalid value object value", "@value must be a string, number, boolean or null, not %s", describe(value))
		}
		o.has |= kValue
		o.value = value
	case "@language":
		s, ok := value.(string)
		if !ok {
			return newError("invalid language-tagged string", "@language must be a string, not %s", describe(value))
		}
		o.has |= kLanguage
		o.lang = s
	case "@direction":
		if r.mode10 {
			return nil
		}
		s, _ := value.(string)
		if s != "ltr" && s != "rtl" {
			return newError("invalid base direction", "@direction must be \"ltr\" or \"rtl\", not %s", describe(value))
		}
		o.has |= kDirection
		o.dir = s
	case "@index":
		s, ok := value.(string)
		if !ok {
			return newError("invalid @index value", "@index must be a string, not %s", describe(value))
		}
		o.has |= kIndex
		o.index = s
	case "@list":
		if prop == "" || prop == "@graph" {
			return r.unsafe("list %q is not the value of any property", key)
		}
		l, err := r.expand(active, prop, value, ex.baseURL, false, depth+1)
		if err != nil {
			return err
		}
		items := l.items()
		if r.mode10 {
			for _, item := range items {
				if item.isList() {
					return newError("list of lists", "json-ld-1.0 does not allow lists of lists")
				}
			}
		}
		if items == nil {
			items = []*xobj{}
		}
		o.has |= kList
		o.e().list = items
	case "@set":
		s, err := r.expand(active, prop, value, ex.baseURL, false, depth+1)
		if err != nil {
			return err
		}
		if !s.null() {
			o.has |= kSet
			o.e().set = s
		}
	case "@reverse":
		m, ok := value.(map[string]any)
		if !ok {
			return newError("invalid @reverse value", "@reverse must be an object, not %s", describe(value))
		}
		ev, err := r.expand(active, "@reverse", m, ex.baseURL, false, depth+1)
		if err != nil {
			return err
		}
		evo := ev.one
		if evo == nil || evo.ext == nil {
			return nil
		}
		for _, p := range evo.ext.reverse {
			o.e().props = addProp(o.e().props, p.iri, p.vals)
		}
		for _, p := range evo.ext.props {
			for _, item := range p.vals {
				if item.isValue() || item.isList() {
					return newError("invalid reverse property value", "the reverse of %s cannot be a value or list", p.iri)
				}
			}
			o.has |= kReverse
			o.e().reverse = addProp(o.e().reverse, p.iri, p.vals)
		}
	default:
		return r.unsafe("keyword %s (as %q) is not allowed in a node object", kw, key)
	}
	return nil
}

// expandTypes expands the value of an @type entry with the type-scoped
// context. isArr reports whether value was an array.
func (ex *entryExpander) expandTypes(value any) (types []string, isArr bool, err error) {
	r := ex.r
	one := func(s string) (string, bool, error) {
		if r.opts.SafeMode {
			if t, ok := r.expandIRI(ex.typeScoped, s, false, true); !ok || !(isAbsIRI(t) || isBlank(t) || t == "@json") {
				return "", false, r.unsafe("type %q is not defined by the context and is not an absolute IRI", s)
			}
		}
		t, ok := r.expandIRI(ex.typeScoped, s, true, true)
		r.types++
		return t, ok, nil
	}
	switch v := value.(type) {
	case string:
		t, ok, err := one(v)
		if err != nil || !ok {
			return nil, false, err
		}
		return []string{t}, false, nil
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, false, newError("invalid type value", "@type values must be strings, not %s", describe(e))
			}
			t, ok, err := one(s)
			if err != nil {
				return nil, false, err
			}
			if ok {
				out = append(out, t)
			}
		}
		return out, true, nil
	}
	return nil, false, newError("invalid type value", "@type must be a string or an array of strings, not %s", describe(value))
}

// propertyEntry expands an entry whose key expands to an IRI or blank node.
func (ex *entryExpander) propertyEntry(active *activeContext, key, expProp string, value any, depth int) error {
	r := ex.r
	td := active.terms[key]
	var c container
	if td != nil {
		c = td.container
	}
	var ev xres
	var err error
	m, isMap := value.(map[string]any)
	switch {
	case td != nil && td.typ == "@json":
		ev = single(&xobj{has: kValue | kType, value: value, vtype: "@json"})
	case c&cLanguage != 0 && isMap:
		ev, err = ex.languageMap(active, td, m)
	case c&(cIndex|cType|cID) != 0 && isMap:
		ev, err = ex.indexMap(active, key, td, m, depth)
	default:
		ev, err = r.expand(active, key, value, ex.baseURL, false, depth+1)
	}
	if err != nil || ev.null() {
		return err
	}
	if c&cList != 0 && !(!ev.arr && ev.one.isList()) {
		ev = single(&xobj{has: kList, ext: &xext{list: ev.items()}})
	}
	if c&cGraph != 0 && c&(cID|cIndex) == 0 {
		items := ev.items()
		out := make([]*xobj, len(items))
		for i, e := range items {
			out[i] = &xobj{has: kGraph, ext: &xext{graph: []*xobj{e}}}
		}
		ev = array(out)
	}
	o := ex.result
	if td != nil && td.reverse {
		items := ev.items()
		for _, item := range items {
			if item.isValue() || item.isList() {
				return newError("invalid reverse property value", "reverse property %q cannot have a value or list", key)
			}
		}
		o.has |= kReverse
		if len(items) > 0 {
			o.e().reverse = addProp(o.e().reverse, expProp, items)
		}
		return nil
	}
	x := o.e()
	if x.props == nil {
		x.props = make([]xprop, 0, ex.props)
	}
	if !ev.arr {
		x.props = addProp(x.props, expProp, []*xobj{ev.one})
	} else {
		x.props = addProp(x.props, expProp, ev.many)
	}
	return nil
}

func (ex *entryExpander) languageMap(active *activeContext, td *termDef, m map[string]any) (xres, error) {
	r := ex.r
	dir := active.dir
	if td.hasDir {
		dir = td.dir
	}
	out := []*xobj{}
	for _, lang := range sortedKeys(m) {
		for _, item := range asArray(m[lang]) {
			if item == nil {
				continue
			}
			s, ok := item.(string)
			if !ok {
				return xres{}, newError("invalid language map value", "language map values must be strings, not %s", describe(item))
			}
			v := &xobj{has: kValue, value: s}
			if exp, _ := r.expandIRI(active, lang, false, true); lang != "@none" && exp != "@none" {
				v.has |= kLanguage
				v.lang = lang
			}
			if dir != "" {
				v.has |= kDirection
				v.dir = dir
			}
			out = append(out, v)
		}
	}
	return array(out), nil
}

func (ex *entryExpander) indexMap(active *activeContext, key string, td *termDef, m map[string]any, depth int) (xres, error) {
	r := ex.r
	c := td.container
	indexKey := "@index"
	if td.index != "" {
		indexKey = td.index
	}
	out := []*xobj{}
	for _, index := range sortedKeys(m) {
		mapCtx := active
		if c&(cID|cType) != 0 && active.previous != nil {
			mapCtx = active.previous
		}
		if c&cType != 0 {
			if itd := mapCtx.terms[index]; itd != nil && itd.hasContext {
				var err error
				if mapCtx, err = r.applyScoped(mapCtx, itd, false, true); err != nil {
					return xres{}, err
				}
			}
		}
		expIndex, _ := r.expandIRI(active, index, false, true)
		iv, err := r.expand(mapCtx, key, asArray(m[index]), ex.baseURL, true, depth+1)
		if err != nil {
			return xres{}, err
		}
		for _, item := range iv.items() {
			if c&cGraph != 0 && !item.isGraph() {
				item = &xobj{has: kGraph, ext: &xext{graph: []*xobj{item}}}
			}
			switch {
			case c&cIndex != 0 && indexKey != "@index" && expIndex != "@none":
				re, err := r.expandValue(active, indexKey, index)
				if err != nil {
					return xres{}, err
				}
				ik, _ := r.expandIRI(active, indexKey, false, true)
				item.e().props = prependProp(item.e().props, ik, []*xobj{re})
				if item.isValue() {
					return xres{}, newError("invalid value object", "property-valued index %q cannot be added to a value", indexKey)
				}
			case c&cIndex != 0 && item.has&kIndex == 0 && expIndex != "@none":
				item.has |= kIndex
				item.index = index
			case c&cID != 0 && item.has&kID == 0 && expIndex != "@none":
				id, _ := r.expandIRI(active, index, true, false)
				item.has |= kID
				item.id = id
			case c&cType != 0 && expIndex != "@none":
				item.types = append([]string{expIndex}, item.types...)
				item.has |= kType
				item.typeArr = true
			}
			out = append(out, item)
		}
	}
	return array(out), nil
}

// expandValue is the Value Expansion algorithm.
func (r *run) expandValue(active *activeContext, prop string, value any) (*xobj, error) {
	td := active.terms[prop]
	if td != nil {
		if s, ok := value.(string); ok && (td.typ == "@id" || td.typ == "@vocab") {
			id, ok := r.expandIRI(active, s, true, td.typ == "@vocab")
			if !ok {
				return nil, r.unsafe("value %q of %q has the form of a keyword", s, prop)
			}
			if r.opts.SafeMode && !isAbsIRI(id) && !isBlank(id) {
				return nil, r.unsafe("IRI %q of %q is relative and there is no base IRI", s, prop)
			}
			return &xobj{has: kID, id: id}, nil
		}
	}
	o := &xobj{has: kValue, value: value}
	if td != nil && td.typ != "" && td.typ != "@id" && td.typ != "@vocab" && td.typ != "@none" {
		o.has |= kType
		o.vtype = td.typ
		return o, nil
	}
	if _, ok := value.(string); ok {
		lang, hasLang := active.lang, active.hasLang
		dir := active.dir
		if td != nil && td.hasLang {
			lang, hasLang = td.lang, td.lang != ""
		}
		if td != nil && td.hasDir {
			dir = td.dir
		}
		if hasLang {
			o.has |= kLanguage
			o.lang = lang
		}
		if dir != "" {
			o.has |= kDirection
			o.dir = dir
		}
	}
	return o, nil
}

func asArray(v any) []any {
	if arr, ok := v.([]any); ok {
		return arr
	}
	return []any{v}
}

// sortedKeysInto appends m's keys to buf, sorted.
func sortedKeysInto(buf []string, m map[string]any) []string {
	for k := range m {
		buf = append(buf, k)
	}
	sort.Strings(buf)
	return buf
}
