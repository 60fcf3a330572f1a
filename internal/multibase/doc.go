// Package multibase encodes and decodes the self-describing byte strings
// that DID documents and Data Integrity proofs carry: base58btc ('z') and
// base64url without padding ('u') multibase strings, and the unsigned-varint
// multicodec prefixes that say what kind of key a byte string holds.
//
// Decoding is bounded: base58 decoding costs time quadratic in the input, so
// input longer than MaxBase58Len characters is refused before any work.
package multibase
