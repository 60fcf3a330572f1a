package jsonld

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// container is a term's container mapping as a set of flags.
type container uint8

const (
	cList container = 1 << iota
	cSet
	cIndex
	cLanguage
	cGraph
	cID
	cType
)

var containerNames = map[string]container{
	"@list": cList, "@set": cSet, "@index": cIndex, "@language": cLanguage,
	"@graph": cGraph, "@id": cID, "@type": cType,
}

// termDef is a term definition. Once stored in an active context it is
// never modified, so contexts share definitions freely.
type termDef struct {
	id        string // IRI mapping: an IRI, a blank node identifier or a keyword
	hasID     bool   // false when the term maps to null
	reverse   bool
	prefix    bool
	protected bool
	typ       string // type mapping; "" for none
	container container
	lang      string // language mapping; "" with hasLang means null
	hasLang   bool
	dir       string // direction mapping; "" with hasDir means null
	hasDir    bool
	index     string
	nest      string
	hasNest   bool

	context    any // the scoped (local) context
	hasContext bool
	baseURL    string // URL the scoped context's relative references resolve against
	// cacheable says the definition came from an immutable source (a
	// remote context), so it can key the derived-context cache.
	cacheable bool
}

func (d *termDef) sameAs(o *termDef) bool {
	return d.id == o.id && d.hasID == o.hasID && d.reverse == o.reverse &&
		d.prefix == o.prefix && d.typ == o.typ && d.container == o.container &&
		d.lang == o.lang && d.hasLang == o.hasLang && d.dir == o.dir &&
		d.hasDir == o.hasDir && d.index == o.index && d.nest == o.nest &&
		d.hasNest == o.hasNest && d.hasContext == o.hasContext &&
		(!d.hasContext || jsonEqual(d.context, o.context))
}

// activeContext is a JSON-LD active context. A shared context belongs to
// the Processor's cache and is never modified; processing always clones
// before changing one.
type activeContext struct {
	terms        map[string]*termDef
	base         string // base IRI; "" is null
	originalBase string
	vocab        string
	hasVocab     bool
	lang         string
	hasLang      bool
	dir          string
	previous     *activeContext
	shared       bool
	// warning records the first thing processing ignored while building
	// this context (a reserved term, a relative @vocab); SafeMode refuses
	// such contexts.
	warning string
}

func newActiveContext(base string) *activeContext {
	return &activeContext{terms: make(map[string]*termDef), base: base, originalBase: base}
}

func (c *activeContext) clone() *activeContext {
	n := *c
	n.terms = make(map[string]*termDef, len(c.terms)+8)
	for k, v := range c.terms {
		n.terms[k] = v
	}
	n.shared = false
	return &n
}

func (c *activeContext) anyProtected() bool {
	for _, d := range c.terms {
		if d.protected {
			return true
		}
	}
	return false
}

// ctxParams are the optional inputs of the context processing algorithm.
type ctxParams struct {
	baseURL   string
	remote    []string // remote contexts being processed, for overflow and cycles
	override  bool     // override protected
	propagate bool
	validate  bool // validate scoped context
	cacheable bool // the local context is immutable (from a remote document)
}

// processContext is the Context Processing algorithm.
func (r *run) processContext(active *activeContext, local any, pp ctxParams) (*activeContext, error) {
	r.ctxDepth++
	defer func() { r.ctxDepth-- }()
	if r.ctxDepth > r.lim.MaxContextDepth {
		return nil, newError(CodeLimitExceeded, "context processing nested deeper than %d", r.lim.MaxContextDepth)
	}
	if err := r.step(1); err != nil {
		return nil, err
	}
	result := active
	owned := false
	own := func() error {
		if owned {
			return nil
		}
		if err := r.step(len(result.terms)); err != nil {
			return err
		}
		result = result.clone()
		owned = true
		return nil
	}
	propagate := pp.propagate
	if m, ok := local.(map[string]any); ok {
		if b, ok := m["@propagate"].(bool); ok {
			propagate = b
		}
	}
	if !propagate && result.previous == nil {
		if err := own(); err != nil {
			return nil, err
		}
		result.previous = active
	}
	items, ok := local.([]any)
	if !ok {
		items = []any{local}
	}
	for _, item := range items {
		switch c := item.(type) {
		case nil:
			if !pp.override && result.anyProtected() {
				return nil, newError("invalid context nullification", "a context with protected terms cannot be set to null")
			}
			prev := result
			result = newActiveContext(active.originalBase)
			owned = true
			if !propagate {
				result.previous = prev
			}
		case string:
			next, err := r.remoteContext(result, c, pp)
			if err != nil {
				return nil, err
			}
			if next != result {
				result = next
				owned = false
			}
		case map[string]any:
			if err := own(); err != nil {
				return nil, err
			}
			if err := r.contextDefinition(result, c, pp); err != nil {
				return nil, err
			}
		default:
			return nil, newError("invalid local context", "a context must be null, a string or an object, not %s", describe(item))
		}
	}
	return result, nil
}

// remoteContext applies the context at ref (resolved against the base URL)
// to active, through the Processor's cache when active is shared.
func (r *run) remoteContext(active *activeContext, ref string, pp ctxParams) (*activeContext, error) {
	url := resolveIRI(pp.baseURL, ref)
	if slices.Contains(pp.remote, url) {
		if r.mode10 {
			return nil, newError("recursive context inclusion", "%s includes itself", url)
		}
		if !pp.validate {
			return active, nil
		}
	}
	if len(pp.remote) >= r.lim.MaxRemoteContexts {
		return nil, newError("context overflow", "more than %d remote contexts included one within another (at %s)", r.lim.MaxRemoteContexts, url)
	}
	cache := active.shared && pp.validate && r.cacheOK
	key := urlKey{active, url}
	if cache {
		if c := r.p.cachedURL(key); c != nil {
			if err := r.checkWarning(c); err != nil {
				return nil, err
			}
			return c, nil
		}
	}
	loaded, err := r.loadContext(url)
	if err != nil {
		return nil, err
	}
	remote := append(pp.remote[:len(pp.remote):len(pp.remote)], url)
	next, err := r.processContext(active, loaded, ctxParams{
		baseURL:   url,
		remote:    remote,
		propagate: true,
		validate:  pp.validate,
		cacheable: true,
	})
	if err != nil {
		return nil, err
	}
	if cache {
		if !next.shared { // a context already shared may be read concurrently
			next.shared = true
		}
		r.p.storeURL(key, next)
	}
	return next, nil
}

// loadContext returns the @context value of the remote document at url.
func (r *run) loadContext(url string) (any, error) {
	if v, ok := r.p.cachedDoc(url); ok {
		return v, nil
	}
	if r.p.loader == nil {
		return nil, newError("loading remote context failed", "%s: no document loader", url)
	}
	doc, err := r.p.loader.LoadDocument(url)
	if err != nil {
		return nil, &Error{Code: "loading remote context failed", Message: url, Err: err}
	}
	m, ok := doc.(map[string]any)
	if !ok {
		return nil, newError("invalid remote context", "%s is not a JSON object", url)
	}
	ctx, ok := m["@context"]
	if !ok {
		return nil, newError("invalid remote context", "%s has no @context entry", url)
	}
	r.p.storeDoc(url, ctx)
	return ctx, nil
}

// checkWarning refuses, in SafeMode, a context whose processing ignored
// something.
func (r *run) checkWarning(c *activeContext) error {
	if c.warning != "" {
		return r.unsafe("context %s", c.warning)
	}
	return nil
}

func (r *run) warn(c *activeContext, format string, args ...any) error {
	if c.warning == "" {
		c.warning = fmt.Sprintf(format, args...)
	}
	return r.unsafe("context %s", c.warning)
}

// contextDefinition processes one context definition (a map) into result,
// which the caller owns.
func (r *run) contextDefinition(result *activeContext, ctx map[string]any, pp ctxParams) error {
	if v, ok := ctx["@version"]; ok {
		if !isNumber(v, 1.1) {
			return newError("invalid @version value", "@version must be 1.1, not %s", describe(v))
		}
		if r.mode10 {
			return newError("processing mode conflict", "@version 1.1 in json-ld-1.0 processing mode")
		}
	}
	if v, ok := ctx["@import"]; ok {
		if r.mode10 {
			return newError("invalid context entry", "@import is not allowed in json-ld-1.0")
		}
		s, ok := v.(string)
		if !ok {
			return newError("invalid @import value", "@import must be a string, not %s", describe(v))
		}
		url := resolveIRI(pp.baseURL, s)
		loaded, err := r.loadContext(url)
		if err != nil {
			return err
		}
		imported, ok := loaded.(map[string]any)
		if !ok {
			return newError("invalid remote context", "imported context %s is not a single context object", url)
		}
		if _, ok := imported["@import"]; ok {
			return newError("invalid context entry", "imported context %s itself has @import", url)
		}
		merged := make(map[string]any, len(imported)+len(ctx))
		for k, v := range imported {
			merged[k] = v
		}
		for k, v := range ctx {
			merged[k] = v
		}
		ctx = merged
	}
	if v, ok := ctx["@base"]; ok && len(pp.remote) == 0 {
		switch b := v.(type) {
		case nil:
			result.base = ""
		case string:
			switch {
			case isAbsIRI(b):
				result.base = b
			case result.base != "":
				result.base = resolveIRI(result.base, b)
			default:
				return newError("invalid base IRI", "relative @base %q with no base IRI to resolve it against", b)
			}
		default:
			return newError("invalid base IRI", "@base must be a string or null, not %s", describe(v))
		}
	}
	if v, ok := ctx["@vocab"]; ok {
		switch s := v.(type) {
		case nil:
			result.vocab, result.hasVocab = "", false
		case string:
			if r.mode10 && !isAbsIRI(s) && !isBlank(s) {
				return newError("invalid vocab mapping", "@vocab %q is not an absolute IRI", s)
			}
			vocab, _, _ := r.iri(result, s, true, true, nil)
			if !isAbsIRI(vocab) && !isBlank(vocab) {
				if err := r.warn(result, "has a relative @vocab %q", s); err != nil {
					return err
				}
			}
			result.vocab, result.hasVocab = vocab, true
		default:
			return newError("invalid vocab mapping", "@vocab must be a string or null, not %s", describe(v))
		}
	}
	if v, ok := ctx["@language"]; ok {
		switch s := v.(type) {
		case nil:
			result.lang, result.hasLang = "", false
		case string:
			result.lang, result.hasLang = s, true
		default:
			return newError("invalid default language", "@language must be a string or null, not %s", describe(v))
		}
	}
	if v, ok := ctx["@direction"]; ok {
		if r.mode10 {
			return newError("invalid context entry", "@direction is not allowed in json-ld-1.0")
		}
		switch v {
		case nil:
			result.dir = ""
		case "ltr", "rtl":
			result.dir = v.(string)
		default:
			return newError("invalid base direction", "@direction must be \"ltr\", \"rtl\" or null, not %s", describe(v))
		}
	}
	if v, ok := ctx["@propagate"]; ok {
		if r.mode10 {
			return newError("invalid context entry", "@propagate is not allowed in json-ld-1.0")
		}
		if _, ok := v.(bool); !ok {
			return newError("invalid @propagate value", "@propagate must be a boolean, not %s", describe(v))
		}
	}
	protected := false
	if v, ok := ctx["@protected"]; ok {
		b, ok := v.(bool)
		if !ok {
			return newError("invalid @protected value", "@protected must be a boolean, not %s", describe(v))
		}
		protected = b
	}
	ds := &defState{
		local:     ctx,
		defined:   make(map[string]bool, len(ctx)),
		baseURL:   pp.baseURL,
		protected: protected,
		override:  pp.override,
		remote:    pp.remote,
		cacheable: pp.cacheable,
	}
	for _, key := range sortedKeys(ctx) {
		switch key {
		case "@base", "@direction", "@import", "@language", "@propagate", "@protected", "@version", "@vocab":
			continue
		}
		if err := r.createTermDef(result, key, ds); err != nil {
			return err
		}
	}
	return nil
}

// defState carries the inputs of Create Term Definition shared by all the
// terms of one context definition.
type defState struct {
	local     map[string]any
	defined   map[string]bool
	baseURL   string
	protected bool
	override  bool
	remote    []string
	cacheable bool
}

// iri is the IRI Expansion algorithm. ok is false when the result is null.
// ds is non-nil only during context processing, when expanding a value may
// first require defining the terms it depends on.
func (r *run) iri(active *activeContext, value string, docRel, vocab bool, ds *defState) (string, bool, error) {
	if value == "" {
		if vocab && active.hasVocab {
			return active.vocab, true, nil
		}
		if docRel {
			return resolveIRI(active.base, value), true, nil
		}
		return value, true, nil
	}
	if value[0] == '@' {
		if isKeyword(value) {
			return value, true, nil
		}
		if hasKeywordForm(value) {
			return "", false, nil
		}
	}
	if ds != nil {
		if _, ok := ds.local[value]; ok && !ds.defined[value] {
			if err := r.createTermDef(active, value, ds); err != nil {
				return "", false, err
			}
		}
	}
	if td := active.terms[value]; td != nil {
		if td.hasID && td.id != "" && td.id[0] == '@' && isKeyword(td.id) {
			return td.id, true, nil
		}
		if vocab {
			return td.id, td.hasID, nil
		}
	}
	if i := strings.IndexByte(value, ':'); i > 0 {
		prefix, suffix := value[:i], value[i+1:]
		if prefix == "_" || strings.HasPrefix(suffix, "//") {
			return value, true, nil
		}
		if ds != nil {
			if _, ok := ds.local[prefix]; ok && !ds.defined[prefix] {
				if err := r.createTermDef(active, prefix, ds); err != nil {
					return "", false, err
				}
			}
		}
		// JSON-LD 1.0 had no prefix flag: any term could be a prefix.
		if td := active.terms[prefix]; td != nil && td.hasID && (td.prefix || r.mode10) {
			return td.id + suffix, true, nil
		}
		if isAbsIRI(value) {
			return value, true, nil
		}
	}
	if vocab && active.hasVocab {
		return active.vocab + value, true, nil
	}
	if docRel {
		return resolveIRI(active.base, value), true, nil
	}
	return value, true, nil
}

// expandIRI is IRI expansion outside context processing, where it cannot
// fail.
func (r *run) expandIRI(active *activeContext, value string, docRel, vocab bool) (string, bool) {
	s, ok, _ := r.iri(active, value, docRel, vocab, nil)
	return s, ok
}

var termDefKeys = map[string]bool{
	"@id": true, "@reverse": true, "@container": true, "@context": true,
	"@direction": true, "@index": true, "@language": true, "@nest": true,
	"@prefix": true, "@protected": true, "@type": true,
}

// createTermDef is the Create Term Definition algorithm.
func (r *run) createTermDef(active *activeContext, term string, ds *defState) error {
	if done, ok := ds.defined[term]; ok {
		if done {
			return nil
		}
		return newError("cyclic IRI mapping", "term %q is defined in terms of itself", term)
	}
	if term == "" {
		return newError("invalid term definition", "the empty string cannot be a term")
	}
	if err := r.step(1); err != nil {
		return err
	}
	ds.defined[term] = false
	value := ds.local[term]
	if term == "@type" {
		if r.mode10 {
			return newError("keyword redefinition", "@type cannot be redefined in json-ld-1.0")
		}
		m, ok := value.(map[string]any)
		if !ok || len(m) == 0 {
			return newError("keyword redefinition", "@type may only be given @container @set and @protected")
		}
		for k, v := range m {
			if !(k == "@container" && v == "@set") && k != "@protected" {
				return newError("keyword redefinition", "@type may only be given @container @set and @protected")
			}
		}
	} else if isKeyword(term) {
		return newError("keyword redefinition", "keyword %s cannot be redefined", term)
	} else if hasKeywordForm(term) {
		ds.defined[term] = true
		return r.warn(active, "defines reserved term %q", term)
	}
	prev := active.terms[term]
	delete(active.terms, term)

	var m map[string]any
	simple := false
	switch v := value.(type) {
	case nil:
		m = map[string]any{"@id": nil}
	case string:
		m = map[string]any{"@id": v}
		simple = true
	case map[string]any:
		m = v
	default:
		return newError("invalid term definition", "term %q: a definition must be null, a string or an object, not %s", term, describe(value))
	}
	def := &termDef{protected: ds.protected, cacheable: ds.cacheable}
	if v, ok := m["@protected"]; ok {
		b, ok := v.(bool)
		if !ok {
			return newError("invalid @protected value", "term %q: @protected must be a boolean", term)
		}
		if r.mode10 {
			return newError("invalid term definition", "term %q: @protected is not allowed in json-ld-1.0", term)
		}
		def.protected = b
	}
	_, hasType := m["@type"]
	if hasType {
		s, ok := m["@type"].(string)
		if !ok {
			return newError("invalid type mapping", "term %q: @type must be a string", term)
		}
		t, _, err := r.iri(active, s, false, true, ds)
		if err != nil {
			return err
		}
		switch {
		case (t == "@json" || t == "@none") && r.mode10:
			return newError("invalid type mapping", "term %q: @type %s is not allowed in json-ld-1.0", term, t)
		case t == "@id", t == "@json", t == "@none", t == "@vocab":
		case isAbsIRI(t):
		default:
			return newError("invalid type mapping", "term %q: @type %q is not an absolute IRI", term, s)
		}
		def.typ = t
	}
	if v, ok := m["@reverse"]; ok {
		if _, ok := m["@id"]; ok {
			return newError("invalid reverse property", "term %q has both @reverse and @id", term)
		}
		if _, ok := m["@nest"]; ok {
			return newError("invalid reverse property", "term %q has both @reverse and @nest", term)
		}
		s, ok := v.(string)
		if !ok {
			return newError("invalid IRI mapping", "term %q: @reverse must be a string", term)
		}
		if hasKeywordForm(s) {
			ds.defined[term] = true
			return r.warn(active, "maps term %q to reserved @reverse %q", term, s)
		}
		id, ok, err := r.iri(active, s, false, true, ds)
		if err != nil {
			return err
		}
		if !ok || !(isAbsIRI(id) || isBlank(id)) {
			return newError("invalid IRI mapping", "term %q: @reverse %q is not an absolute IRI or blank node", term, s)
		}
		def.id, def.hasID = id, true
		if c, ok := m["@container"]; ok {
			switch c {
			case nil:
			case "@set":
				def.container = cSet
			case "@index":
				def.container = cIndex
			default:
				return newError("invalid reverse property", "term %q: a reverse property's container must be @set or @index", term)
			}
		}
		def.reverse = true
	} else if v, ok := m["@id"]; ok && v != any(term) {
		if v != nil {
			s, ok := v.(string)
			if !ok {
				return newError("invalid IRI mapping", "term %q: @id must be a string or null", term)
			}
			if !isKeyword(s) && hasKeywordForm(s) {
				ds.defined[term] = true
				return r.warn(active, "maps term %q to reserved @id %q", term, s)
			}
			id, ok, err := r.iri(active, s, false, true, ds)
			if err != nil {
				return err
			}
			if !ok || !(isKeyword(id) || isAbsIRI(id) || isBlank(id)) {
				return newError("invalid IRI mapping", "term %q: @id %q does not expand to an absolute IRI, blank node or keyword", term, s)
			}
			if id == "@context" {
				return newError("invalid keyword alias", "term %q cannot alias @context", term)
			}
			def.id, def.hasID = id, true
			if !r.mode10 && (len(term) > 2 && strings.IndexByte(term[1:len(term)-1], ':') >= 0 || strings.IndexByte(term, '/') >= 0) {
				ds.defined[term] = true
				exp, ok, err := r.iri(active, term, false, true, ds)
				if err != nil {
					return err
				}
				if !ok || exp != id {
					return newError("invalid IRI mapping", "term %q looks like an IRI that expands to %q, not to its @id %q", term, exp, id)
				}
			}
			if !strings.ContainsAny(term, ":/") && simple && (endsWithGenDelim(id) || isBlank(id)) {
				def.prefix = true
			}
		}
	} else if i := strings.IndexByte(term, ':'); i > 0 {
		prefix, suffix := term[:i], term[i+1:]
		if prefix != "_" && !strings.HasPrefix(suffix, "//") {
			if _, ok := ds.local[prefix]; ok {
				if err := r.createTermDef(active, prefix, ds); err != nil {
					return err
				}
			}
		}
		if pd := active.terms[prefix]; prefix != "_" && pd != nil && pd.hasID {
			def.id, def.hasID = pd.id+suffix, true
		} else {
			def.id, def.hasID = term, true
		}
	} else if strings.IndexByte(term, '/') >= 0 {
		id, ok := r.expandIRI(active, term, false, true)
		if !ok || !isAbsIRI(id) {
			return newError("invalid IRI mapping", "term %q is a relative IRI", term)
		}
		def.id, def.hasID = id, true
	} else if term == "@type" {
		def.id, def.hasID = "@type", true
	} else if active.hasVocab {
		def.id, def.hasID = active.vocab+term, true
	} else {
		return newError("invalid IRI mapping", "term %q has no @id and there is no @vocab", term)
	}

	if v, ok := m["@container"]; ok && !def.reverse {
		c, err := r.parseContainer(term, v)
		if err != nil {
			return err
		}
		def.container = c
		if c&cType != 0 {
			if def.typ == "" {
				def.typ = "@id"
			}
			if def.typ != "@id" && def.typ != "@vocab" {
				return newError("invalid type mapping", "term %q: a type map's @type must be @id or @vocab", term)
			}
		}
	}
	if v, ok := m["@index"]; ok {
		if r.mode10 || def.container&cIndex == 0 {
			return newError("invalid term definition", "term %q: @index needs an @index container", term)
		}
		s, ok := v.(string)
		if !ok {
			return newError("invalid term definition", "term %q: @index must be a string", term)
		}
		exp, _, err := r.iri(active, s, false, true, ds)
		if err != nil {
			return err
		}
		if !isAbsIRI(exp) {
			return newError("invalid term definition", "term %q: @index %q does not expand to an IRI", term, s)
		}
		def.index = s
	}
	if v, ok := m["@context"]; ok {
		if r.mode10 {
			return newError("invalid term definition", "term %q: scoped contexts are not allowed in json-ld-1.0", term)
		}
		_, err := r.processContext(active, v, ctxParams{
			baseURL:   ds.baseURL,
			remote:    ds.remote,
			override:  true,
			propagate: true,
			validate:  false,
			cacheable: ds.cacheable,
		})
		if err != nil {
			var e *Error
			if errors.As(err, &e) && (e.Code == CodeLimitExceeded || e.Code == CodeSafeMode) {
				return err
			}
			return &Error{Code: "invalid scoped context", Message: "term " + strconv.Quote(term), Err: err}
		}
		def.context, def.hasContext, def.baseURL = v, true, ds.baseURL
	}
	if v, ok := m["@language"]; ok && !hasType {
		switch s := v.(type) {
		case nil:
			def.lang, def.hasLang = "", true
		case string:
			def.lang, def.hasLang = s, true
		default:
			return newError("invalid language mapping", "term %q: @language must be a string or null", term)
		}
	}
	if v, ok := m["@direction"]; ok && !hasType {
		switch v {
		case nil:
			def.dir, def.hasDir = "", true
		case "ltr", "rtl":
			def.dir, def.hasDir = v.(string), true
		default:
			return newError("invalid base direction", "term %q: @direction must be \"ltr\", \"rtl\" or null", term)
		}
	}
	if v, ok := m["@nest"]; ok {
		if r.mode10 {
			return newError("invalid term definition", "term %q: @nest is not allowed in json-ld-1.0", term)
		}
		s, ok := v.(string)
		if !ok || (isKeyword(s) && s != "@nest") {
			return newError("invalid @nest value", "term %q: @nest must be @nest or a term", term)
		}
		def.nest, def.hasNest = s, true
	}
	if v, ok := m["@prefix"]; ok {
		if r.mode10 || strings.ContainsAny(term, ":/") {
			return newError("invalid term definition", "term %q cannot have @prefix", term)
		}
		b, ok := v.(bool)
		if !ok {
			return newError("invalid @prefix value", "term %q: @prefix must be a boolean", term)
		}
		def.prefix = b
		if b && isKeyword(def.id) {
			return newError("invalid term definition", "keyword alias %q cannot be a prefix", term)
		}
	}
	for k := range m {
		if !termDefKeys[k] {
			return newError("invalid term definition", "term %q has an unknown entry %q", term, k)
		}
	}
	return r.checkProtected(active, term, def, prev, ds)
}

// checkProtected ends Create Term Definition: a protected previous
// definition may only be replaced by an identical one, unless protection is
// overridden.
func (r *run) checkProtected(active *activeContext, term string, def, prev *termDef, ds *defState) error {
	if !ds.override && prev != nil && prev.protected {
		if !def.sameAs(prev) {
			return newError("protected term redefinition", "term %q is protected", term)
		}
		def = prev
	}
	active.terms[term] = def
	ds.defined[term] = true
	return nil
}

// parseContainer validates an @container value.
func (r *run) parseContainer(term string, v any) (container, error) {
	bad := func() (container, error) {
		return 0, newError("invalid container mapping", "term %q: invalid @container %s", term, describe(v))
	}
	var c container
	switch s := v.(type) {
	case nil:
		return 0, nil
	case string:
		f, ok := containerNames[s]
		if !ok {
			return bad()
		}
		if r.mode10 && (f == cGraph || f == cID || f == cType) {
			return bad()
		}
		return f, nil
	case []any:
		if r.mode10 {
			return bad()
		}
		for _, e := range s {
			str, ok := e.(string)
			if !ok {
				return bad()
			}
			f, ok := containerNames[str]
			if !ok {
				return bad()
			}
			c |= f
		}
	default:
		return bad()
	}
	rest := c &^ cSet
	switch {
	case c&cList != 0:
		if c != cList {
			return bad()
		}
	case rest&cGraph != 0:
		if rest&^(cGraph|cID|cIndex) != 0 || rest&cID != 0 && rest&cIndex != 0 {
			return bad()
		}
	default:
		if rest&(rest-1) != 0 { // more than one flag besides @set
			return bad()
		}
	}
	return c, nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// isNumber reports whether v is a JSON number equal to f.
func isNumber(v any, f float64) bool {
	switch n := v.(type) {
	case json.Number:
		g, err := n.Float64()
		return err == nil && g == f
	case float64:
		return n == f
	}
	return false
}
