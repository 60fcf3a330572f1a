// Package audit computes and checks cairn's tamper-evident event log: every
// state change and decision becomes an Event whose hash covers its own
// fields and the hash of the event before it, so editing, inserting,
// deleting or reordering rows breaks the chain where it happened.
//
// The package does no I/O. The store appends the Event that Chain returns,
// byte for byte, and hands rows back to Verify (or a Verifier, to stream) in
// Seq order. A chain alone cannot reveal that its newest rows were cut off;
// an Anchor, the head's Seq and Hash copied somewhere the database's writers
// cannot reach (a signed receipt, an operator's notebook, another system),
// can.
//
// # Hash
//
// Hash is SHA-256 over this encoding, in which every variable-length field is
// preceded by its length as a big-endian uint64, so no two different events
// encode alike:
//
//	field("cairn/audit/v1")             domain and version
//	uint64(Seq)                         big-endian, two's complement
//	field(At in UTC as 2006-01-02T15:04:05.000000000Z, always nine digits)
//	field(Institution) field(Actor) field(Action) field(Subject)
//	field(Data)                         the bytes exactly as stored
//	field(PrevHash)                     32 zero bytes for the first event
//
// Data is hashed as bytes, not canonicalized: Chain compacts it (json.Compact:
// insignificant whitespace removed, key order and number spelling kept) and
// the store must then keep those bytes unchanged, in a TEXT, BLOB or bytea
// column, never PostgreSQL jsonb, which reorders keys. Re-encoding Data is an
// edit, and Verify reports it as one. Chain also truncates At to microseconds,
// the resolution of PostgreSQL's timestamptz, so that a round trip through
// either store hashes alike.
package audit
