package jsonld

import (
	"hash/maphash"
	"math"
	"strconv"
	"strings"

	"cairn/internal/rdf"
)

const (
	rdfValue     = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"
	rdfLanguage  = "http://www.w3.org/1999/02/22-rdf-syntax-ns#language"
	rdfDirection = "http://www.w3.org/1999/02/22-rdf-syntax-ns#direction"
	i18nBase     = "https://www.w3.org/ns/i18n#"
)

var (
	termType  = rdf.NewIRI(rdf.RDFType)
	termFirst = rdf.NewIRI(rdf.RDFFirst)
	termRest  = rdf.NewIRI(rdf.RDFRest)
	termNil   = rdf.NewIRI(rdf.RDFNil)
)

// rdfWriter deserializes an expanded document to quads. It walks the
// expanded tree directly instead of building the node map the
// specification describes: merging nodes by @id changes nothing in a set of
// quads, so the result is the same dataset.
type rdfWriter struct {
	r      *run
	quads  []rdf.Quad
	labels map[string]string // document blank node label -> issued label
	next   int
}

// toRDF is the Deserialize JSON-LD to RDF algorithm on an expanded
// document.
func (r *run) toRDF(expanded []*xobj) ([]rdf.Quad, error) {
	// A document yields about one quad per expanded value and type.
	w := &rdfWriter{r: r, quads: make([]rdf.Quad, 0, r.nodes+r.types+4)}
	for _, o := range expanded {
		if _, _, err := w.node(o, rdf.Term{}); err != nil {
			return nil, err
		}
	}
	return dedupe(w.quads), nil
}

// dedupe removes repeated quads, which arise when a document states the
// same thing twice, with a small open-addressing table: keying a map by
// the 224-byte quads would cost more than the rest of the conversion.
func dedupe(qs []rdf.Quad) []rdf.Quad {
	if len(qs) < 2 {
		return qs
	}
	size := 4
	for size < 2*len(qs) {
		size <<= 1
	}
	mask := uint64(size - 1)
	table := make([]int32, size) // index+1 into out; 0 is empty
	seed := maphash.MakeSeed()
	out := qs[:0]
	for _, q := range qs {
		for i := quadHash(seed, &q) & mask; ; i = (i + 1) & mask {
			j := table[i]
			if j == 0 {
				table[i] = int32(len(out) + 1)
				out = append(out, q)
				break
			}
			if out[j-1] == q {
				break
			}
		}
	}
	return out
}

// quadHash hashes the values of a quad's subject, predicate and object;
// quads that differ only elsewhere collide and are told apart by
// comparison.
func quadHash(seed maphash.Seed, q *rdf.Quad) uint64 {
	h := maphash.String(seed, q.Subject.Value)
	h = h*0x9e3779b97f4a7c15 ^ maphash.String(seed, q.Predicate.Value)
	return h*0x9e3779b97f4a7c15 ^ maphash.String(seed, q.Object.Value)
}

func (w *rdfWriter) fresh() rdf.Term {
	t := rdf.Term{Kind: rdf.BlankNode, Value: "b" + strconv.Itoa(w.next)}
	w.next++
	return t
}

func (w *rdfWriter) blank(label string) rdf.Term {
	if w.labels == nil {
		w.labels = make(map[string]string)
	}
	if l, ok := w.labels[label]; ok {
		return rdf.Term{Kind: rdf.BlankNode, Value: l}
	}
	t := w.fresh()
	w.labels[label] = t.Value
	return t
}

// nodeTerm converts a node identifier to a term; ok is false when it is not
// well-formed.
func (w *rdfWriter) nodeTerm(id string) (rdf.Term, bool) {
	if isBlank(id) {
		return w.blank(id), true
	}
	if wellFormedIRI(id) {
		return rdf.Term{Kind: rdf.IRI, Value: id}, true
	}
	return rdf.Term{}, false
}

func (w *rdfWriter) emit(s, p, o, g rdf.Term) error {
	if err := w.r.step(1); err != nil {
		return err
	}
	w.quads = append(w.quads, rdf.Quad{Subject: s, Predicate: p, Object: o, Graph: g})
	return nil
}

// node emits the triples of a node object in graph and returns its subject.
// ok is false when the subject is not well-formed, in which case the node's
// own triples are dropped but nested nodes are still emitted, as the node
// map algorithm would.
func (w *rdfWriter) node(o *xobj, graph rdf.Term) (rdf.Term, bool, error) {
	r := w.r
	var subj rdf.Term
	valid := true
	switch {
	case o.has&kID == 0:
		subj = w.fresh()
	case o.idNull:
		// A reserved "@..." identifier expanded to null: the node has no
		// usable name, so no triple mentions it.
		valid = false
	default:
		subj, valid = w.nodeTerm(o.id)
		if !valid {
			if err := r.unsafe("node @id %q is not a well-formed IRI", o.id); err != nil {
				return subj, false, err
			}
		}
	}
	for _, t := range o.types {
		obj, ok := w.nodeTerm(t)
		if !ok {
			if err := r.unsafe("type %q is not a well-formed IRI", t); err != nil {
				return subj, false, err
			}
			continue
		}
		if valid {
			if err := w.emit(subj, termType, obj, graph); err != nil {
				return subj, false, err
			}
		}
	}
	x := o.ext
	if x == nil {
		return subj, valid, nil
	}
	for _, p := range x.props {
		pred, pok, err := w.predicate(p.iri)
		if err != nil {
			return subj, false, err
		}
		keep := valid && pok
		for _, item := range p.vals {
			obj, ok, err := w.object(item, graph, keep)
			if err != nil {
				return subj, false, err
			}
			if keep && ok {
				if err := w.emit(subj, pred, obj, graph); err != nil {
					return subj, false, err
				}
			}
		}
	}
	for _, p := range x.reverse {
		pred, pok, err := w.predicate(p.iri)
		if err != nil {
			return subj, false, err
		}
		for _, item := range p.vals {
			obj, ook, err := w.node(item, graph)
			if err != nil {
				return subj, false, err
			}
			if valid && pok && ook {
				if err := w.emit(obj, pred, subj, graph); err != nil {
					return subj, false, err
				}
			}
		}
	}
	for _, inc := range x.included {
		if _, _, err := w.node(inc, graph); err != nil {
			return subj, false, err
		}
	}
	if valid {
		for _, g := range x.graph {
			if _, _, err := w.node(g, subj); err != nil {
				return subj, false, err
			}
		}
	}
	return subj, valid, nil
}

func (w *rdfWriter) predicate(p string) (rdf.Term, bool, error) {
	if isBlank(p) {
		if w.r.opts.ProduceGeneralizedRDF {
			return w.blank(p), true, nil
		}
		return rdf.Term{}, false, w.r.unsafe("property %q is a blank node, which RDF does not allow as a predicate", p)
	}
	if wellFormedIRI(p) {
		return rdf.Term{Kind: rdf.IRI, Value: p}, true, nil
	}
	return rdf.Term{}, false, w.r.unsafe("property %q is not a well-formed IRI", p)
}

// object converts a value, list or node object to the object of a triple.
// When keep is false the triple will not be emitted: only nested nodes are
// walked, so that their own triples still appear.
func (w *rdfWriter) object(o *xobj, graph rdf.Term, keep bool) (rdf.Term, bool, error) {
	switch {
	case o.isValue():
		if !keep {
			return rdf.Term{}, false, nil
		}
		return w.literal(o, graph)
	case o.isList():
		return w.list(o.ext.list, graph, keep)
	}
	return w.node(o, graph)
}

// list is the List to RDF Conversion algorithm.
func (w *rdfWriter) list(items []*xobj, graph rdf.Term, keep bool) (rdf.Term, bool, error) {
	if !keep {
		for _, item := range items {
			if _, _, err := w.object(item, graph, false); err != nil {
				return rdf.Term{}, false, err
			}
		}
		return rdf.Term{}, false, nil
	}
	if len(items) == 0 {
		return termNil, true, nil
	}
	head := w.fresh()
	cur := head
	for i, item := range items {
		obj, ok, err := w.object(item, graph, true)
		if err != nil {
			return rdf.Term{}, false, err
		}
		if ok {
			if err := w.emit(cur, termFirst, obj, graph); err != nil {
				return rdf.Term{}, false, err
			}
		}
		rest := termNil
		if i < len(items)-1 {
			rest = w.fresh()
		}
		if err := w.emit(cur, termRest, rest, graph); err != nil {
			return rdf.Term{}, false, err
		}
		cur = rest
	}
	return head, true, nil
}

// literal is the value object part of the Object to RDF Conversion
// algorithm.
func (w *rdfWriter) literal(o *xobj, graph rdf.Term) (rdf.Term, bool, error) {
	r := w.r
	value := o.value
	dt, hasDT := o.vtype, o.vtype != ""
	if hasDT && dt != "@json" && !wellFormedIRI(dt) {
		return rdf.Term{}, false, r.unsafe("datatype %q is not a well-formed IRI", dt)
	}
	lang, hasLang := o.lang, o.has&kLanguage != 0
	if hasLang && !wellFormedLang(lang) {
		return rdf.Term{}, false, r.unsafe("language tag %q is not well-formed", lang)
	}
	var lex string
	switch {
	case dt == "@json":
		s, err := canonicalJSON(value, r.lim.MaxDepth)
		if err != nil {
			return rdf.Term{}, false, err
		}
		lex, dt = s, rdf.RDFJSON
	default:
		switch v := value.(type) {
		case bool:
			lex = strconv.FormatBool(v)
			if !hasDT {
				dt = rdf.XSDBoolean
			}
		case string:
			lex = v
			if !hasDT {
				dt = rdf.XSDString
				if hasLang {
					dt = rdf.RDFLangString
				}
			}
		default:
			f, ok := toFloat(value)
			if !ok {
				return rdf.Term{}, false, newError(CodeInvalidInput, "@value %s is not a JSON scalar", describe(value))
			}
			if f != math.Trunc(f) || math.Abs(f) >= 1e21 || dt == rdf.XSDDouble {
				lex = canonicalDouble(f)
				if !hasDT {
					dt = rdf.XSDDouble
				}
			} else {
				lex = esNumber(f)
				if !hasDT {
					dt = rdf.XSDInteger
				}
			}
		}
	}
	if dir := o.dir; o.has&kDirection != 0 && r.opts.RDFDirection != "" {
		lower := strings.ToLower(lang)
		switch r.opts.RDFDirection {
		case DirectionI18nDatatype:
			return rdf.Term{Kind: rdf.Literal, Value: lex, Datatype: i18nBase + lower + "_" + dir}, true, nil
		case DirectionCompoundLiteral:
			b := w.fresh()
			if err := w.emit(b, rdf.NewIRI(rdfValue), rdf.NewLiteral(lex, "", ""), graph); err != nil {
				return rdf.Term{}, false, err
			}
			if hasLang {
				if err := w.emit(b, rdf.NewIRI(rdfLanguage), rdf.NewLiteral(lower, "", ""), graph); err != nil {
					return rdf.Term{}, false, err
				}
			}
			if err := w.emit(b, rdf.NewIRI(rdfDirection), rdf.NewLiteral(dir, "", ""), graph); err != nil {
				return rdf.Term{}, false, err
			}
			return b, true, nil
		}
	}
	t := rdf.Term{Kind: rdf.Literal, Value: lex, Datatype: dt}
	if hasLang && dt == rdf.RDFLangString {
		t.Language = lang
	}
	return t, true, nil
}
