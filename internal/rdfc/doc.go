// Package rdfc implements RDF Dataset Canonicalization, RDFC-1.0 (W3C
// Recommendation, https://www.w3.org/TR/rdf-canon/): it gives every blank
// node of a dataset a canonical label (c14n0, c14n1, …) and writes the
// dataset as canonical N-Quads, so that isomorphic datasets give the same
// bytes to hash and sign. It is the canonicalization step of the
// eddsa-rdfc-2022 Data Integrity cryptosuite.
//
// Some datasets ("poison graphs", e.g. cliques of indistinguishable blank
// nodes) make the algorithm's Hash N-Degree Quads step take factorial time.
// Canonicalize counts that work against a budget and fails with
// ErrTooComplex when it is spent, as the specification's security
// considerations require; it holds no shared state and is safe for
// concurrent use.
package rdfc
