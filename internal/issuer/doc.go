// Package issuer gives each institution its issuing identity: the DID it
// issues credentials as (did:web under cairn's public URL, or did:key),
// its signing keys and the proof format of its credentials (Data
// Integrity, JWT or both).
//
// Keys are generated here (package keys), sealed with AES-256-GCM under
// the installation's key-encryption key (KEK, a file outside the
// database, see LoadKEK) and stored sealed by the store; they are opened
// only to build an award.Pipeline, which signs through a crypto.Signer. A
// rotation adds a key and retires the old one from signing, and the
// did:web document keeps listing the retired key so that everything it
// signed still verifies.
//
// Service.Issuer hands the store what signs an institution's awards and
// status lists, creating the identity on first use; pipelines are cached
// and the Service is safe for concurrent use.
package issuer
