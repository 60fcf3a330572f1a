// Package rdf holds the RDF data model shared by the JSON-LD processor and
// the canonicalizer: terms, quads and the N-Quads syntax.
package rdf
