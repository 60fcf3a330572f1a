package multibase

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Encoding is a multibase prefix character.
type Encoding byte

// The encodings cairn reads and writes.
const (
	Base58BTC Encoding = 'z'
	Base64URL Encoding = 'u'
)

// Limits on input, in characters of the encoded form. Base58 is small
// because keys, signatures and proof values are small and decoding is
// quadratic; base64url also carries compressed status lists.
const (
	MaxBase58Len = 2048
	MaxBase64Len = 8 << 20
)

// Errors returned by the decoders; match them with errors.Is.
var (
	ErrEncoding = errors.New("unsupported multibase encoding")
	ErrTooLong  = errors.New("multibase input too long")
	ErrSyntax   = errors.New("invalid multibase character")
)

// Encode returns data as a multibase string in enc.
func Encode(enc Encoding, data []byte) (string, error) {
	switch enc {
	case Base58BTC:
		return "z" + EncodeBase58(data), nil
	case Base64URL:
		return "u" + base64.RawURLEncoding.EncodeToString(data), nil
	}
	return "", fmt.Errorf("encode %q: %w", rune(enc), ErrEncoding)
}

// Decode decodes a multibase string in one of the supported encodings and
// reports which one it was.
func Decode(s string) (Encoding, []byte, error) {
	if s == "" {
		return 0, nil, fmt.Errorf("decode multibase: empty string: %w", ErrSyntax)
	}
	switch enc := Encoding(s[0]); enc {
	case Base58BTC:
		b, err := DecodeBase58(s[1:])
		return enc, b, err
	case Base64URL:
		if len(s)-1 > MaxBase64Len {
			return 0, nil, fmt.Errorf("decode base64url: %d characters, limit %d: %w", len(s)-1, MaxBase64Len, ErrTooLong)
		}
		// The standard decoder skips CR and LF; multibase has no line
		// breaks, so they are refused rather than ignored.
		if strings.ContainsAny(s[1:], "\r\n") {
			return 0, nil, fmt.Errorf("decode base64url: line break in input: %w", ErrSyntax)
		}
		b, err := base64.RawURLEncoding.Strict().DecodeString(s[1:])
		if err != nil {
			return 0, nil, fmt.Errorf("decode base64url: %w: %v", ErrSyntax, err)
		}
		return enc, b, nil
	}
	return 0, nil, fmt.Errorf("decode multibase prefix %q: %w", s[0], ErrEncoding)
}

// DecodeBase58BTC decodes a multibase string that must be base58btc.
func DecodeBase58BTC(s string) ([]byte, error) {
	if len(s) == 0 || s[0] != byte(Base58BTC) {
		return nil, fmt.Errorf("decode multibase: want base58btc 'z' prefix: %w", ErrEncoding)
	}
	return DecodeBase58(s[1:])
}
