// Package jsonld is cairn's JSON-LD 1.1 processor: context processing,
// expansion and deserialization to RDF (toRdf), as specified by the W3C
// "JSON-LD 1.1 Processing Algorithms and API" recommendation.
//
// It exists because signing and verifying Data Integrity proofs
// (eddsa-rdfc-2022) turns every credential into RDF, and that step must be
// exact, bounded and fast:
//
//   - Remote contexts arrive only through a Loader; cairn's loader serves
//     embedded copies, so nothing is ever fetched.
//   - Every operation is bounded by Limits (input depth, node count, remote
//     context chain, context recursion and a total work budget); a breach is
//     an *Error with code CodeLimitExceeded, never a hang.
//   - Options.SafeMode turns every place where the algorithms would silently
//     drop data (an undefined term, a relative IRI that cannot be made
//     absolute, an ill-formed IRI or language tag) into an error naming the
//     offending term, so nothing a signer sends is left out of what is
//     signed.
//   - A Processor caches processed remote contexts and the result of applying
//     scoped contexts to them, so the large credential contexts are processed
//     once per process rather than once per signature.
//
// Documents are the values encoding/json produces (map[string]any, []any,
// string, bool, nil, and json.Number when the decoder uses UseNumber, or
// float64). Inputs are never modified.
//
// Not implemented: compaction, flattening, framing, fromRdf, and remote
// document loading (HTTP headers, redirects, HTML script extraction).
package jsonld
