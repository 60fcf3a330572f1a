// Package did handles the two DID methods cairn uses for issuers: did:key,
// where the identifier is the public key, and did:web, where the DID
// document is served over HTTPS (cairn serves one per institution, listing
// every key it has signed with so that rotation keeps old credentials
// verifiable).
//
// A Resolver turns a verification method ID such as
// "did:web:example.edu#key-2" into a public key: did:key locally, did:web
// through an injected Fetcher with a TTL cache, or from documents loaded
// ahead of time for offline verification. Documents are bounded in size and
// in the number of methods they may list.
package did
