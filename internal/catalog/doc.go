// Package catalog holds cairn's offerings and the record that proposes them:
// the kinds of offering (micro-credential, digital badge, micro course, short
// course) and their credit status, the offering status workflow with its one
// transition function, the outline form and its field registry, immutable
// submitted versions bound to a content hash, field-by-field diffs, the
// recognition chart that maps a kind to its recognition and approving body,
// and the duplication check that ranks existing offerings by similarity.
//
// The package is pure domain: it does no I/O and knows no institution. What
// an institution requires of a form, and who approves what, comes from its
// policy profile (package policy), which supplies the data this package
// interprets.
package catalog
