package rdf

// Kind says what an RDF term is. The zero value, None, marks the default
// graph in the Graph position of a Quad.
type Kind uint8

// Term kinds.
const (
	None Kind = iota
	IRI
	BlankNode
	Literal
)

// Well-known datatype IRIs.
const (
	XSDString     = "http://www.w3.org/2001/XMLSchema#string"
	XSDBoolean    = "http://www.w3.org/2001/XMLSchema#boolean"
	XSDInteger    = "http://www.w3.org/2001/XMLSchema#integer"
	XSDDouble     = "http://www.w3.org/2001/XMLSchema#double"
	RDFLangString = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
	RDFType       = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
	RDFFirst      = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
	RDFRest       = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
	RDFNil        = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"
	RDFJSON       = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON"
)

// Term is an IRI, a blank node or a literal.
//
// Value holds the IRI, the blank node label without the "_:" prefix, or the
// literal's lexical form. Datatype and Language are set for literals only:
// a literal with a language has Datatype RDFLangString.
type Term struct {
	Kind     Kind
	Value    string
	Datatype string
	Language string
}

// Quad is one statement of an RDF dataset. A Graph whose Kind is None is the
// default graph.
type Quad struct {
	Subject, Predicate, Object, Graph Term
}

// NewIRI returns an IRI term.
func NewIRI(iri string) Term { return Term{Kind: IRI, Value: iri} }

// NewBlank returns a blank node term with the given label (without "_:").
func NewBlank(label string) Term { return Term{Kind: BlankNode, Value: label} }

// NewLiteral returns a literal term. An empty datatype means xsd:string, or
// rdf:langString when lang is set.
func NewLiteral(value, datatype, lang string) Term {
	if lang != "" {
		datatype = RDFLangString
	} else if datatype == "" {
		datatype = XSDString
	}
	return Term{Kind: Literal, Value: value, Datatype: datatype, Language: lang}
}
