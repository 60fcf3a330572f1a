package rdfc

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"slices"
	"strconv"
	"strings"

	"cairn/internal/rdf"
)

// Defaults for Options fields left zero.
const (
	// DefaultMaxWork is the Hash N-Degree Quads budget. Credentials need
	// none or a few dozen steps; the hardest positive entry of the W3C
	// suite (test044, 12 blank nodes) needs 9,516; an rdf:List of 60 equal
	// items about 51,000 (the cost grows with the square of its length).
	// The suite's 10-node clique poison graph would need about 1.9e9
	// (minutes); it spends this budget in some 20ms.
	DefaultMaxWork = 200_000
	// DefaultMaxBlankNodes bounds the blank nodes of one dataset.
	DefaultMaxBlankNodes = 10_000
)

// Errors returned by Canonicalize, wrapped with detail; test with errors.Is.
var (
	// ErrTooComplex means the Hash N-Degree Quads budget (Options.MaxWork)
	// ran out: the dataset is a poison graph or needlessly symmetric.
	ErrTooComplex = errors.New("rdfc: dataset too complex to canonicalize")
	// ErrTooManyBlankNodes means the dataset has more blank nodes than
	// Options.MaxBlankNodes.
	ErrTooManyBlankNodes = errors.New("rdfc: too many blank nodes")
	// ErrInvalidQuad means a quad is not an RDF statement: a literal or
	// missing subject, a predicate that is not an IRI, and so on.
	ErrInvalidQuad = errors.New("rdfc: invalid quad")
)

// Options tune Canonicalize. The zero value is RDFC-1.0 with SHA-256 and
// the default limits.
type Options struct {
	// Hash is the hash algorithm; nil means SHA-256, the RDFC-1.0 default.
	Hash func() hash.Hash
	// MaxWork is the budget of Hash N-Degree Quads steps: one for each
	// call, each related-blank-node hash, each permutation tried and each
	// blank node placed on a candidate path, plus a share for copying and
	// searching large temporary issuers. 0 means DefaultMaxWork.
	MaxWork int
	// MaxBlankNodes bounds the distinct blank nodes; 0 means
	// DefaultMaxBlankNodes.
	MaxBlankNodes int
}

// Result is a canonicalized dataset.
type Result struct {
	// Quads are the input quads, duplicates removed, with every blank node
	// relabelled canonically and every literal carrying its datatype
	// (xsd:string or rdf:langString when implied), in canonical order: the
	// code point order of their N-Quads lines.
	Quads []rdf.Quad
	// IssuedIdentifiers maps each input blank node label to its canonical
	// label ("c14n0", …).
	IssuedIdentifiers map[string]string

	doc []byte
}

// NQuads returns the serialized canonical form: the canonical N-Quads
// document of Quads. The slice is the caller's to keep or modify.
func (r *Result) NQuads() []byte {
	return bytes.Clone(r.doc)
}

// WriteTo writes the canonical N-Quads document to w without copying it;
// a hash.Hash is a fine w.
func (r *Result) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(r.doc)
	return int64(n), err
}

// Canonicalize runs RDFC-1.0 over the dataset quads (a set: duplicates are
// ignored). Blank nodes are identified by their labels (Term.Value). The
// input is not modified.
func Canonicalize(quads []rdf.Quad, opts Options) (*Result, error) {
	if opts.MaxWork < 0 || opts.MaxBlankNodes < 0 {
		return nil, errors.New("rdfc: negative limit in options")
	}
	c := &canon{maxWork: opts.MaxWork, maxBlank: opts.MaxBlankNodes}
	if c.maxWork == 0 {
		c.maxWork = DefaultMaxWork
	}
	if c.maxBlank == 0 {
		c.maxBlank = DefaultMaxBlankNodes
	}
	if opts.Hash != nil {
		c.h = opts.Hash()
	} else {
		c.h = sha256.New()
	}
	c.hexLen = 2 * c.h.Size()
	if err := c.load(quads); err != nil {
		return nil, err
	}
	if err := c.label(); err != nil {
		return nil, err
	}
	return c.result(), nil
}

// canon is the state of one canonicalization. Blank nodes are numbered in
// order of first appearance (subject, object, graph of each quad in turn);
// that order decides ties between automorphic nodes the same way the
// suite's reference implementations do.
type canon struct {
	h        hash.Hash
	hexLen   int
	maxWork  int
	maxBlank int
	work     int

	in     []rdf.Quad // the caller's quads, read only
	keep   []int32    // indexes into in of the quads kept (duplicates dropped)
	comps  [][4]comp  // per kept quad: subject, predicate, object, graph
	terms  []byte     // canonical N-Quads form of every distinct non-blank term
	labels []string   // blank node -> input label

	mentions [][]int32 // blank node -> the quads it appears in, each once
	first    []byte    // first degree hash of blank node i at [i*hexLen:(i+1)*hexLen]
	canonID  []int32   // blank node -> canonical number, or -1
	order    []int32   // blank nodes in the order canonical labels were issued
	canonLab []byte    // after labelling: "c14n0c14n1…", node i's label at canonEnd
	canonEnd []int32   // end of canonical label i in canonLab

	sum   []byte // scratch for hash sums
	buf   []byte // scratch for serialized lines and hash inputs
	lines []line // scratch: serialized quads in buf
}

// comp is one component of a quad: a blank node (node >= 0) or the bytes
// terms[off:end] (empty for the default graph).
type comp struct {
	node     int32
	off, end int32
}

// line is kept quad q serialized as buf[off:end].
type line struct{ off, end, q int32 }

// Positions of the components in a quad.
const (
	sPos, pPos, oPos, gPos = 0, 1, 2, 3
)

// load validates the quads, numbers the blank nodes, serializes every
// distinct term once and drops duplicate quads.
func (c *canon) load(in []rdf.Quad) error {
	c.in = in
	c.keep = make([]int32, 0, len(in))
	c.comps = make([][4]comp, 0, len(in))
	// ids gives each distinct term an id: a blank node's number, or for
	// other terms the index of its comp in known.
	ids := make(map[rdf.Term]int32, len(in))
	known := make([]comp, 0, len(in))
	c.terms = make([]byte, 0, 48*len(in))
	seen := make(map[[4]int32]struct{}, len(in))
	lineLen := 0
	for i := range in {
		q := &in[i]
		if err := checkQuad(q); err != nil {
			return fmt.Errorf("%w: quad %d: %v", ErrInvalidQuad, i, err)
		}
		var key [4]int32
		var cs [4]comp
		n := len(" .\n")
		for pos, t := range [4]*rdf.Term{&q.Subject, &q.Predicate, &q.Object, &q.Graph} {
			if t.Kind == rdf.None {
				key[pos], cs[pos] = -1, comp{node: -1}
				continue
			}
			nt := normalize(*t)
			id, ok := ids[nt]
			if !ok {
				if nt.Kind == rdf.BlankNode {
					if len(c.labels) == c.maxBlank {
						return fmt.Errorf("%w: more than %d", ErrTooManyBlankNodes, c.maxBlank)
					}
					id = int32(len(c.labels))
					c.labels = append(c.labels, nt.Value)
				} else {
					id = int32(len(known))
					off := len(c.terms)
					c.terms = nt.Append(c.terms)
					known = append(known, comp{node: -1, off: int32(off), end: int32(len(c.terms))})
				}
				ids[nt] = id
			}
			if nt.Kind == rdf.BlankNode {
				key[pos], cs[pos] = -2-id, comp{node: id}
				n += len(" _:c14n") + 6
			} else {
				key[pos], cs[pos] = id, known[id]
				n += 1 + int(cs[pos].end-cs[pos].off)
			}
		}
		if _, dup := seen[key]; dup {
			continue
		}
		seen[key] = struct{}{}
		c.keep = append(c.keep, int32(i))
		c.comps = append(c.comps, cs)
		lineLen += n
	}
	c.buf = make([]byte, 0, lineLen)
	c.lines = make([]line, 0, len(c.comps))

	// The mention lists share one slice: count, then fill.
	count := make([]int32, len(c.labels))
	for qi := range c.comps {
		c.eachBlank(int32(qi), func(n int32) { count[n]++ })
	}
	flat := make([]int32, 0, len(c.comps)*3)
	c.mentions = make([][]int32, len(c.labels))
	for n, k := range count {
		c.mentions[n] = flat[len(flat) : len(flat) : len(flat)+int(k)]
		flat = flat[:len(flat)+int(k)]
	}
	for qi := range c.comps {
		c.eachBlank(int32(qi), func(n int32) { c.mentions[n] = append(c.mentions[n], int32(qi)) })
	}
	return nil
}

// eachBlank calls f once for each distinct blank node of quad qi.
func (c *canon) eachBlank(qi int32, f func(node int32)) {
	cs := &c.comps[qi]
	for _, pos := range [...]int{sPos, oPos, gPos} {
		n := cs[pos].node
		if n < 0 || (pos >= oPos && n == cs[sPos].node) || (pos == gPos && n == cs[oPos].node) {
			continue
		}
		f(n)
	}
}

func checkQuad(q *rdf.Quad) error {
	switch {
	case q.Subject.Kind != rdf.IRI && q.Subject.Kind != rdf.BlankNode:
		return errors.New("subject must be an IRI or a blank node")
	case q.Predicate.Kind != rdf.IRI:
		return errors.New("predicate must be an IRI")
	case q.Object.Kind == rdf.None:
		return errors.New("object is missing")
	case q.Graph.Kind == rdf.Literal:
		return errors.New("graph name must be an IRI or a blank node")
	}
	return nil
}

// normalize keeps only the fields that matter for the term's kind and
// fills in the datatype a literal implies, so that equal terms compare
// equal.
func normalize(t rdf.Term) rdf.Term {
	switch t.Kind {
	case rdf.Literal:
		if t.Language != "" {
			t.Datatype = rdf.RDFLangString
		} else if t.Datatype == "" {
			t.Datatype = rdf.XSDString
		}
		return t
	default:
		return rdf.Term{Kind: t.Kind, Value: t.Value}
	}
}

// label runs steps 3 to 5 of the canonicalization algorithm.
func (c *canon) label() error {
	n := len(c.labels)
	c.first = make([]byte, 0, n*c.hexLen)
	c.canonID = make([]int32, n)
	c.order = make([]int32, 0, n)
	byHash := make([]int32, n)
	for i := range n {
		c.first = c.hashFirstDegree(c.first, int32(i))
		c.canonID[i] = -1
		byHash[i] = int32(i)
	}
	// Steps 3 and 4: nodes with a unique first degree hash are labelled in
	// hash order. The stable sort keeps each group in first-appearance order.
	slices.SortStableFunc(byHash, func(a, b int32) int {
		return bytes.Compare(c.firstHash(a), c.firstHash(b))
	})
	var shared [][]int32
	for i := 0; i < n; {
		j := i + 1
		for j < n && bytes.Equal(c.firstHash(byHash[j]), c.firstHash(byHash[i])) {
			j++
		}
		if j-i == 1 {
			c.issueCanonical(byHash[i])
		} else {
			shared = append(shared, byHash[i:j])
		}
		i = j
	}
	// Step 5: the others, one group of equal first degree hash at a time.
	type result struct {
		hash   string
		issuer issuer
	}
	var results []result
	for _, group := range shared {
		results = results[:0]
		for _, node := range group {
			if c.canonID[node] >= 0 {
				continue
			}
			h, iss, err := c.hashNDegree(node, newIssuer(node))
			if err != nil {
				return err
			}
			results = append(results, result{h, iss})
		}
		slices.SortStableFunc(results, func(a, b result) int {
			return strings.Compare(a.hash, b.hash)
		})
		for _, r := range results {
			for _, node := range r.issuer.order {
				c.issueCanonical(node)
			}
		}
	}
	return nil
}

func (c *canon) firstHash(node int32) []byte {
	return c.first[int(node)*c.hexLen : int(node+1)*c.hexLen]
}

func (c *canon) issueCanonical(node int32) {
	if c.canonID[node] < 0 {
		c.canonID[node] = int32(len(c.order))
		c.order = append(c.order, node)
	}
}

// spend charges n steps to the work budget.
func (c *canon) spend(n int) error {
	c.work += n
	if c.work > c.maxWork {
		return fmt.Errorf("%w: Hash N-Degree Quads needs more than %d steps for %d blank nodes",
			ErrTooComplex, c.maxWork, len(c.labels))
	}
	return nil
}

// sumHex appends the lower-case hex of the hash state to dst.
func (c *canon) sumHex(dst []byte) []byte {
	c.sum = c.h.Sum(c.sum[:0])
	return hex.AppendEncode(dst, c.sum)
}

// Blank node labelling modes for appendQuad.
const (
	canonicalLabels = -1 // _:c14nN
)

// appendQuad appends kept quad qi in canonical N-Quads form. With ref >= 0
// blank nodes are written _:a when they are ref and _:z otherwise (Hash
// First Degree Quads); with canonicalLabels they get their canonical label.
func (c *canon) appendQuad(dst []byte, qi, ref int32) []byte {
	cs := &c.comps[qi]
	for pos := range 4 {
		cp := cs[pos]
		if pos == gPos && cp.node < 0 && cp.off == cp.end {
			break // default graph
		}
		if pos > 0 {
			dst = append(dst, ' ')
		}
		switch {
		case cp.node < 0:
			dst = append(dst, c.terms[cp.off:cp.end]...)
		case ref == canonicalLabels:
			dst = append(dst, '_', ':')
			dst = append(dst, c.canonLabel(cp.node)...)
		case cp.node == ref:
			dst = append(dst, '_', ':', 'a')
		default:
			dst = append(dst, '_', ':', 'z')
		}
	}
	return append(dst, ' ', '.', '\n')
}

// sortedLines serializes kept quads qs (all of them when qs is nil) into
// c.buf and leaves them in c.lines in code point order.
func (c *canon) sortedLines(qs []int32, ref int32) {
	c.buf, c.lines = c.buf[:0], c.lines[:0]
	add := func(qi int32) {
		off := len(c.buf)
		c.buf = c.appendQuad(c.buf, qi, ref)
		c.lines = append(c.lines, line{int32(off), int32(len(c.buf)), qi})
	}
	if qs == nil {
		for qi := range c.comps {
			add(int32(qi))
		}
	} else {
		for _, qi := range qs {
			add(qi)
		}
	}
	buf := c.buf
	slices.SortFunc(c.lines, func(a, b line) int {
		return bytes.Compare(buf[a.off:a.end], buf[b.off:b.end])
	})
}

// hashFirstDegree is the Hash First Degree Quads algorithm: the hash of the
// sorted quads mentioning node, with node written _:a and other blank nodes
// _:z. It appends the hex hash to dst.
func (c *canon) hashFirstDegree(dst []byte, node int32) []byte {
	c.sortedLines(c.mentions[node], node)
	c.h.Reset()
	for _, l := range c.lines {
		c.h.Write(c.buf[l.off:l.end])
	}
	return c.sumHex(dst)
}

// canonLabel returns node's canonical label, without "_:".
func (c *canon) canonLabel(node int32) []byte {
	id := c.canonID[node]
	start := int32(0)
	if id > 0 {
		start = c.canonEnd[id-1]
	}
	return c.canonLab[start:c.canonEnd[id]]
}

// result builds the canonical quads, document and identifier map.
func (c *canon) result() *Result {
	c.canonEnd = make([]int32, len(c.order))
	for i := range c.order {
		c.canonLab = append(c.canonLab, "c14n"...)
		c.canonLab = strconv.AppendInt(c.canonLab, int64(i), 10)
		c.canonEnd[i] = int32(len(c.canonLab))
	}
	// The labels as strings share one allocation.
	all := string(c.canonLab)
	labelOf := func(node int32) string {
		id := c.canonID[node]
		start := int32(0)
		if id > 0 {
			start = c.canonEnd[id-1]
		}
		return all[start:c.canonEnd[id]]
	}

	c.sortedLines(nil, canonicalLabels)
	r := &Result{
		Quads:             make([]rdf.Quad, len(c.lines)),
		IssuedIdentifiers: make(map[string]string, len(c.labels)),
		doc:               make([]byte, 0, len(c.buf)),
	}
	relabel := func(t rdf.Term, cp comp) rdf.Term {
		if cp.node >= 0 {
			return rdf.NewBlank(labelOf(cp.node))
		}
		return normalize(t)
	}
	for i, l := range c.lines {
		r.doc = append(r.doc, c.buf[l.off:l.end]...)
		q, cs := &c.in[c.keep[l.q]], &c.comps[l.q]
		r.Quads[i] = rdf.Quad{
			Subject:   relabel(q.Subject, cs[sPos]),
			Predicate: normalize(q.Predicate),
			Object:    relabel(q.Object, cs[oPos]),
			Graph:     relabel(q.Graph, cs[gPos]),
		}
	}
	for node, label := range c.labels {
		r.IssuedIdentifiers[label] = labelOf(int32(node))
	}
	return r
}
