// Package keys is the one place in cairn where private keys live. It
// generates Ed25519 (the default), P-256 and RSA signing keys, reads and
// writes them as private JWKs (RFC 7517, RFC 8037) and imports Ed25519
// Multikey secret keys. Every other package signs through the
// crypto.Signer that Key.Signer returns, which exposes no key material.
//
// The package also holds the algorithm rules shared by every proof format:
// Sign and Verify turn the JOSE names EdDSA, ES256 and RS256 into the right
// hashing and signature encoding, and refuse an algorithm that does not
// match the key. Public keys are encoded as JWKs and as Multikey values
// (multicodec-prefixed, base58btc) for DID documents.
//
// Writing key files with safe permissions is the caller's job.
package keys
