package account

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
)

// secretBytes is how much randomness each client-held secret carries.
const secretBytes = 32

// tokenLen is the length of a session or sign-in link token: 32 bytes in
// unpadded base64url.
var tokenLen = base64.RawURLEncoding.EncodedLen(secretBytes)

// newToken returns a fresh random token for a session or a sign-in link,
// safe in a URL and a cookie, and the hash to store.
func newToken() (token, hash string) {
	b := make([]byte, secretBytes)
	rand.Read(b) // never fails: crypto/rand crashes the program instead
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashSecret(token)
}

// wellFormedToken reports whether token has the shape newToken gives, so a
// malformed one is refused before touching the database.
func wellFormedToken(token string) bool {
	if len(token) != tokenLen {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(token)
	return err == nil
}

// NewNonce returns a random value for an OIDC state or nonce, or a CSRF
// token: 32 bytes in unpadded base64url.
func NewNonce() string {
	token, _ := newToken()
	return token
}

// hashSecret returns the hex SHA-256 of a client-held secret: what the
// database stores instead. A plain hash suffices (no salt, no stretching)
// because the secrets are 256-bit random values, not guessable passwords.
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// TokenPrefix starts every API token secret, so that a leaked one is
// recognisable (by secret scanners, in logs) as cairn's.
const TokenPrefix = "cairn_"

// tokenEncoding is lower-case unpadded base32 (a–z, 2–7): no characters
// that need escaping anywhere, and easy to select with a double click.
var tokenEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// secretLen is the length of an API token secret.
var secretLen = len(TokenPrefix) + tokenEncoding.EncodedLen(secretBytes)

// newSecret returns a fresh API token secret and the hash to store.
func newSecret() (secret, hash string) {
	b := make([]byte, secretBytes)
	rand.Read(b)
	secret = TokenPrefix + tokenEncoding.EncodeToString(b)
	return secret, hashSecret(secret)
}

// wellFormedSecret reports whether secret has the shape newSecret gives.
func wellFormedSecret(secret string) bool {
	if len(secret) != secretLen || secret[:len(TokenPrefix)] != TokenPrefix {
		return false
	}
	_, err := tokenEncoding.DecodeString(secret[len(TokenPrefix):])
	return err == nil
}
