// Package ob is the Open Badges 3.0 data model, on the W3C Verifiable
// Credentials Data Model 2.0 (and 1.1 for older credentials), with the
// Comprehensive Learner Record 2.0 credential that wraps it, and the checks
// those specifications require of a credential. It does no I/O and no
// signing: package proof signs and verifies, and the verifier feeds the
// bytes it received to Validate.
//
// Two views of a credential live here, for two jobs:
//
//   - Typed structs (AchievementCredential, Achievement, Profile, ...) for
//     building and reading credentials. Decoding then encoding keeps every
//     property the struct does not model in its Extra map, keeps a JSON null
//     or empty value as it was, and keeps the single-value or array form of
//     properties that may be either (type, @context, evidence, ...), so an
//     extended credential survives a round trip with its values unchanged.
//     Property order is not kept: known properties are written in struct
//     order, then the extras sorted by name.
//   - The generic JSON (map[string]any decoded with UseNumber, see DecodeMap),
//     which Validate, Kind, DatesOf, IssuerID and SubjectIDs read, so that a
//     verifier judges exactly the document it was given.
//
// Sources: Open Badges 3.0 (1EdTech, https://www.imsglobal.org/spec/ob/v3p0/),
// its data model appendix B and JSON-LD context 3.0.3; Comprehensive Learner
// Record 2.0 (https://www.imsglobal.org/spec/clr/v2p0/); W3C Verifiable
// Credentials Data Model 2.0.
package ob
