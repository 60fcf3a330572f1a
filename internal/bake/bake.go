package bake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Limits on the inputs of every function in this package.
const (
	// MaxImageBytes is the largest image accepted, baked or not.
	MaxImageBytes = 16 << 20
	// MaxCredentialBytes is the largest credential accepted for baking
	// or returned by extraction.
	MaxCredentialBytes = 4 << 20
)

// Errors that the functions of this package wrap.
var (
	// ErrNotBaked means the image is valid but holds no Open Badges 3.0
	// credential.
	ErrNotBaked = errors.New("image holds no open badges credential")
	// ErrInvalidImage means the image is not a well-formed PNG or SVG, or
	// breaks a baking rule, such as holding two credentials.
	ErrInvalidImage = errors.New("invalid badge image")
	// ErrTooLarge means an input exceeds one of the package limits.
	ErrTooLarge = errors.New("badge image or credential too large")
	// ErrInvalidCredential means the credential to bake is neither a JSON
	// object nor a compact JWS.
	ErrInvalidCredential = errors.New("credential is neither a json object nor a compact jws")
)

// credentialKind says how a credential is serialized.
type credentialKind int

const (
	kindJSON credentialKind = iota
	kindJWS
)

// classify checks a credential to bake: a JSON object (embedded proof) or a
// compact JWS (VC-JWT), in UTF-8, within MaxCredentialBytes.
func classify(credential []byte) (credentialKind, error) {
	if len(credential) > MaxCredentialBytes {
		return 0, fmt.Errorf("%w: credential of %d bytes, limit %d", ErrTooLarge, len(credential), MaxCredentialBytes)
	}
	if !utf8.Valid(credential) {
		return 0, fmt.Errorf("%w: not utf-8", ErrInvalidCredential)
	}
	trimmed := bytes.TrimSpace(credential)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		if !json.Valid(trimmed) {
			return 0, fmt.Errorf("%w: invalid json", ErrInvalidCredential)
		}
		return kindJSON, nil
	}
	if isCompactJWS(credential) {
		return kindJWS, nil
	}
	return 0, ErrInvalidCredential
}

// isCompactJWS reports whether b has the shape of a compact JWS: three
// non-empty base64url segments separated by dots. The signature is checked
// elsewhere.
func isCompactJWS(b []byte) bool {
	segments := bytes.Split(b, []byte("."))
	if len(segments) != 3 {
		return false
	}
	for _, s := range segments {
		if len(s) == 0 {
			return false
		}
		for _, c := range s {
			if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}
