// Package verify answers the question an employer asks of a credential:
// is it genuine, from whom, for whom, still valid? It takes the bytes as
// they arrive — JSON, a compact JWT, or a PNG or SVG badge with the
// credential baked in — and returns a report of each check in plain
// language with an overall verdict. It needs no database: keys come from
// DID resolution and status from the issuer's published status lists.
package verify
