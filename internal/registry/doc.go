// Package registry is cairn's public catalogue of published offerings: the
// "food label" that tells a learner everything to know before enrolling
// (Label), the search request and its answer (Query, Result, Summary), the
// stable URLs where each offering is published (URLs), and the two
// machine-readable forms of an offering: Credential Engine CTDL JSON-LD
// (CTDL) and the Open Badges 3.0 Achievement (Achievement).
//
// An offering is published while its status is approved, approved as
// interim non-credit, active or under review, and it has an approved
// version (Published); the label always describes the approved version,
// never the draft or a version still in review.
//
// Stable URLs, relative to the installation's base URL:
//
//	/registry/{institution}/{offering}                   the offering page (food label)
//	/registry/{institution}/{offering}/ctdl.jsonld       CTDL JSON-LD
//	/registry/{institution}/{offering}/achievement.json  OB 3.0 Achievement
//	/registry/{institution}                              the institution (CTDL ownedBy, OB creator url)
//
// {institution} is the institution's slug and {offering} the offering's
// registry slug, derived from its title when first published and never
// changed after, so the URLs stay put when a later version is retitled.
//
// Search text is folded (lower case, common Latin diacritics removed) and
// cut into words by Tokens, on both sides: the store indexes the words of a
// label's Document and matches the words of Query.Terms, so SQLite and
// PostgreSQL find the same offerings.
//
// The package is pure domain: no I/O. Package sqlstore keeps the search
// index and builds labels with NewLabel.
package registry
