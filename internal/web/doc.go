// Package web is cairn's HTTP face: the public verification page; sign-in
// and the pages each role works in (tasks, the outline-form editor, case
// pages with their actions, history, audit trail and version diff, the
// chairs', the Provost's and the secretariat's pages, annual reviews and
// discontinuance, administration of org units, people, committees,
// closures and the policy profile in words); the JSON API
// under /api/v1; the W3C VC API verification endpoints; health and
// metrics; and the OpenAPI document that describes the API.
//
// Access. Every route names the action it needs, and authorize (authz.go)
// is the one place that decides it from the actor's role grants and
// committee seats; handlers that load a case or an offering ask again with
// it. Whether a case is at the step where the actor may act is the
// approval engine's to decide. People sign in with a server-side session
// (an HttpOnly, SameSite cookie); machine clients send an API token as
// Authorization: Bearer on /api/v1, limited to its scopes.
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
// browser requests; so is any API request that a session cookie
// authenticates. API requests with a bearer token, and the public ones,
// are exempt, deliberately: a browser never attaches a token on its own,
// so a forged request carries no authority the attacker lacks. The public verification
// endpoints also change no state, and their answers cannot be read by the
// forging page, because cairn sends no CORS headers. What a forged request
// could still do is make cairn fetch a did:web document or status list, which
// anyone can already make it do directly; those fetches go through the
// guarded fetcher that refuses non-public addresses.
package web
