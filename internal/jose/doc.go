// Package jose signs and verifies compact JWS tokens as "Securing
// Verifiable Credentials using JOSE and COSE" uses them: the payload is the
// credential's JSON itself and the protected header carries alg, kid and
// typ ("vc+jwt" by default).
//
// Verification is strict: the algorithm must be on an allow-list (EdDSA,
// ES256 and RS256 by default), "none" and every HMAC algorithm are always
// refused, and the key found for the kid must be of the type the algorithm
// needs. Parsing bounds the token and header sizes and refuses duplicate
// header members and critical extensions.
//
// Signing goes through a crypto.Signer from package keys; reading the
// payload as a credential is the caller's job.
package jose
