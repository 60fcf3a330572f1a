package jsonld

import (
	"errors"
	"fmt"
	"sync"

	"cairn/internal/rdf"
)

// Loader returns remote documents, in practice JSON-LD contexts. It is the
// only way a remote context reaches the processor. LoadDocument returns the
// decoded JSON document for url (which the processor never modifies) or an
// error for a URL it does not serve. Implementations must be safe for
// concurrent use.
type Loader interface {
	LoadDocument(url string) (any, error)
}

// Processing modes for Options.ProcessingMode.
const (
	ModeJSONLD10 = "json-ld-1.0"
	ModeJSONLD11 = "json-ld-1.1"
)

// Values for Options.RDFDirection.
const (
	DirectionI18nDatatype    = "i18n-datatype"
	DirectionCompoundLiteral = "compound-literal"
)

// Options configures one Expand or ToRDF call. The zero value is JSON-LD
// 1.1 processing with no base IRI and default limits.
type Options struct {
	// Base is the document's base IRI and the URL relative context
	// references are resolved against. Empty means none: relative IRIs stay
	// relative (and are dropped by ToRDF, or refused in SafeMode).
	Base string
	// ExpandContext is a context applied before the document's own, as the
	// JSON-LD expandContext option: a context value, or a map whose
	// "@context" entry is used.
	ExpandContext any
	// SafeMode makes every silent drop an error (see the package comment).
	// Data Integrity signing and verification must set it.
	SafeMode bool
	// ProcessingMode is ModeJSONLD11 (the default when empty) or
	// ModeJSONLD10.
	ProcessingMode string
	// RDFDirection selects how ToRDF represents @direction: empty (the
	// direction is dropped), DirectionI18nDatatype or
	// DirectionCompoundLiteral.
	RDFDirection string
	// ProduceGeneralizedRDF keeps triples whose predicate is a blank node.
	ProduceGeneralizedRDF bool
	// Limits bounds the work done; zero fields take the defaults.
	Limits Limits
}

// Limits bounds the work of one call. A zero (or negative) field takes its
// default.
type Limits struct {
	// MaxDepth is the deepest nesting of arrays and objects accepted in the
	// document and in JSON literals. Default 64.
	MaxDepth int
	// MaxNodes is the most JSON values (objects, arrays and scalars)
	// expanded in one call. Default 100000.
	MaxNodes int
	// MaxRemoteContexts is the longest chain of remote contexts including
	// one another (the JSON-LD "context overflow" limit). Default 16.
	MaxRemoteContexts int
	// MaxContextDepth is the deepest recursion of context processing: scoped
	// contexts inside term definitions inside contexts. Default 32.
	MaxContextDepth int
	// MaxWork is the total budget of processing steps (elements expanded,
	// term definitions created and copied, quads produced). Default
	// 1000000; a credential with the VC and OB contexts takes about 2000
	// cold and 150 with a warm Processor.
	MaxWork int
}

// DefaultLimits returns the limits used for zero fields of Limits.
func DefaultLimits() Limits {
	return Limits{
		MaxDepth:          64,
		MaxNodes:          100000,
		MaxRemoteContexts: 16,
		MaxContextDepth:   32,
		MaxWork:           1000000,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxDepth > 0 {
		d.MaxDepth = l.MaxDepth
	}
	if l.MaxNodes > 0 {
		d.MaxNodes = l.MaxNodes
	}
	if l.MaxRemoteContexts > 0 {
		d.MaxRemoteContexts = l.MaxRemoteContexts
	}
	if l.MaxContextDepth > 0 {
		d.MaxContextDepth = l.MaxContextDepth
	}
	if l.MaxWork > 0 {
		d.MaxWork = l.MaxWork
	}
	return d
}

// Error codes that are not JSON-LD error codes. All other codes are the
// JSON-LD 1.1 API's JsonLdErrorCode strings, such as "invalid @id value".
const (
	// CodeLimitExceeded reports that a Limits bound was reached.
	CodeLimitExceeded = "limit exceeded"
	// CodeSafeMode reports data that SafeMode refuses to drop silently.
	CodeSafeMode = "safe mode violation"
	// CodeInvalidInput reports a document value that is not JSON (for
	// example a Go type encoding/json never produces).
	CodeInvalidInput = "invalid input"
	// CodeInvalidOptions reports an Options value outside its allowed set.
	CodeInvalidOptions = "invalid options"
)

// Error is the error every Expand and ToRDF failure returns. Code is a
// JSON-LD error code or one of the Code constants above; tests and callers
// compare codes, not messages.
type Error struct {
	Code    string
	Message string
	Err     error // underlying cause, such as the loader's error
}

func (e *Error) Error() string {
	msg := "jsonld: " + e.Code
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// ErrorCode returns the Code of the *Error in err's chain, or "" if there is
// none.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func newError(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Processor expands JSON-LD documents and converts them to RDF. It caches
// processed remote contexts and the contexts derived from them, which are
// immutable, so the first use of a context pays for its processing and later
// uses do not. A Processor is safe for concurrent use.
type Processor struct {
	loader Loader

	mu    sync.Mutex
	docs  map[string]any              // remote URL -> its @context value
	roots map[string]*activeContext   // base IRI -> initial context
	urls  map[urlKey]*activeContext   // (context, remote URL) -> result
	scope map[scopeKey]*activeContext // (context, scoped context) -> result
	size  int                         // entries in urls and scope
	max   int                         // bound on size before a reset
}

// cacheMax bounds the derived-context cache, each entry a copy of a
// context's term map (a few KB). Credential processing needs a few dozen
// entries; a document built to vary scoped contexts endlessly only causes
// resets.
const cacheMax = 1024

// docsMax bounds the remote document cache.
const docsMax = 256

type urlKey struct {
	parent *activeContext
	url    string
}

type scopeKey struct {
	parent    *activeContext
	term      *termDef
	propagate bool
	override  bool
}

// NewProcessor returns a Processor that obtains remote contexts from loader.
// A nil loader makes every remote context reference fail.
func NewProcessor(loader Loader) *Processor {
	return &Processor{
		loader: loader,
		docs:   make(map[string]any),
		roots:  make(map[string]*activeContext),
		urls:   make(map[urlKey]*activeContext),
		scope:  make(map[scopeKey]*activeContext),
		max:    cacheMax,
	}
}

// Expand runs the JSON-LD expansion algorithm on doc and returns the expanded
// document: an array of node objects in expanded form. doc is not modified,
// but the result may share scalar values with it.
func (p *Processor) Expand(doc any, opts Options) ([]any, error) {
	r, err := p.newRun(opts)
	if err != nil {
		return nil, err
	}
	items, err := r.expandDocument(doc)
	if err != nil {
		return nil, err
	}
	return toJSON(items), nil
}

// ToRDF expands doc and deserializes it to an RDF dataset, as the JSON-LD
// toRdf operation does. The quads contain no duplicates and follow the
// document (keys in lexicographic order), so a document always gives the
// same quads; blank nodes, including those the document labels, are
// relabelled b0, b1, ... in order of first use.
func (p *Processor) ToRDF(doc any, opts Options) ([]rdf.Quad, error) {
	r, err := p.newRun(opts)
	if err != nil {
		return nil, err
	}
	expanded, err := r.expandDocument(doc)
	if err != nil {
		return nil, err
	}
	return r.toRDF(expanded)
}

func (p *Processor) newRun(opts Options) (*run, error) {
	switch opts.ProcessingMode {
	case "", ModeJSONLD10, ModeJSONLD11:
	default:
		return nil, newError(CodeInvalidOptions, "unknown processing mode %q", opts.ProcessingMode)
	}
	switch opts.RDFDirection {
	case "", DirectionI18nDatatype, DirectionCompoundLiteral:
	default:
		return nil, newError(CodeInvalidOptions, "unknown rdfDirection %q", opts.RDFDirection)
	}
	r := &run{
		p:      p,
		opts:   opts,
		lim:    opts.Limits.withDefaults(),
		mode10: opts.ProcessingMode == ModeJSONLD10,
	}
	// Contexts derived under 1.0 rules differ (they reject 1.1 features), so
	// only 1.1 processing shares the cache.
	r.cacheOK = !r.mode10
	return r, nil
}

// root returns the shared initial context for a base IRI.
func (p *Processor) root(base string) *activeContext {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.roots[base]; ok {
		return c
	}
	if len(p.roots) >= docsMax {
		clear(p.roots)
	}
	c := newActiveContext(base)
	c.shared = true
	p.roots[base] = c
	return c
}

func (p *Processor) cachedDoc(url string) (any, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	v, ok := p.docs[url]
	return v, ok
}

func (p *Processor) storeDoc(url string, v any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.docs) >= docsMax {
		clear(p.docs)
	}
	p.docs[url] = v
}

func (p *Processor) cachedURL(k urlKey) *activeContext {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.urls[k]
}

func (p *Processor) cachedScope(k scopeKey) *activeContext {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.scope[k]
}

func (p *Processor) grow() {
	p.size++
	if p.size > p.max {
		clear(p.urls)
		clear(p.scope)
		p.size = 1
	}
}

func (p *Processor) storeURL(k urlKey, c *activeContext) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.urls[k]; !ok {
		p.grow()
	}
	p.urls[k] = c
}

func (p *Processor) storeScope(k scopeKey, c *activeContext) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.scope[k]; !ok {
		p.grow()
	}
	p.scope[k] = c
}

// run is the state of one Expand or ToRDF call.
type run struct {
	p       *Processor
	opts    Options
	lim     Limits
	mode10  bool
	cacheOK bool

	work     int // steps taken, against lim.MaxWork
	nodes    int // JSON values expanded, against lim.MaxNodes
	types    int // @type values expanded, to size the quad slice
	ctxDepth int // current context-processing recursion
}

// step charges n units of work.
func (r *run) step(n int) error {
	r.work += n
	if r.work > r.lim.MaxWork {
		return newError(CodeLimitExceeded, "work budget of %d steps exhausted", r.lim.MaxWork)
	}
	return nil
}

// unsafe returns a SafeMode error when SafeMode is on, and nil otherwise:
// the caller then drops the data as the algorithms prescribe.
func (r *run) unsafe(format string, args ...any) error {
	if !r.opts.SafeMode {
		return nil
	}
	return newError(CodeSafeMode, format, args...)
}
