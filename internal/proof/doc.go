// Package proof secures and checks credentials: W3C Data Integrity proofs
// with the eddsa-rdfc-2022 cryptosuite (JSON-LD to RDF, RDFC-1.0, SHA-256,
// Ed25519) and VC-JOSE compact JWS. Private keys arrive only as
// crypto.Signer values; public keys come from a KeyResolver.
package proof
