// Package web is cairn's HTTP face: the public verification page, the JSON
// API under /api/v1, the W3C VC API verification endpoints, health and
// metrics, and the OpenAPI document that describes them.
//
// A Server holds its dependencies and builds one http.Handler from a single
// route table, so the routes served, the middleware each gets, and the
// routes documented in openapi.json are all read from the same place. Every
// error reaches the client through one function, Server.fail, which maps
// application error codes to an HTTP status and writes an RFC 9457 problem
// document for API routes or an HTML page for pages; internal details go to
// the log only, tagged with the request ID the client also sees.
//
// Cross-site request forgery. HTML routes that change anything are guarded
// by net/http.CrossOriginProtection, which refuses unsafe cross-origin
// browser requests. The API and VC API routes are exempt, deliberately:
// they authenticate no one by cookie (today they are public; later ones will
// take bearer tokens, which a browser never attaches on its own), so a forged
// request carries no authority the attacker lacks. The public verification
// endpoints also change no state, and their answers cannot be read by the
// forging page, because cairn sends no CORS headers. What a forged request
// could still do is make cairn fetch a did:web document or status list, which
// anyone can already make it do directly; those fetches go through the
// guarded fetcher that refuses non-public addresses.
package web
