// Package award issues Open Badges 3.0 credentials to learners for an
// approved offering version: it builds the OpenBadgeCredential from the
// version's outline form (the "food label" of the achievement, the learner's
// salted email hash or DID, result, evidence, credits, validity from the
// offering's expiry rule and two Bitstring Status List entries, for
// revocation and for suspension), signs it as Data Integrity
// (eddsa-rdfc-2022), VC-JOSE JWT or both, derives the idempotency key of
// an award, and reads the CSV files of bulk awards with per-row errors.
//
// It also holds the rules the store applies: which offering versions may
// be awarded (Offering.Awardable; interim non-credit ones without credit),
// the one transition function of an award's status (Transition: suspend,
// reinstate, revoke), and the states of a batch (CanMove) and its rows.
//
// The package does no I/O beyond the reader it is given: the store
// (package sqlstore) keeps batches, awards and status lists, and hands
// each award to a Pipeline to be built and signed. Private keys arrive only
// as a crypto.Signer.
package award
