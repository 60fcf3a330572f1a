package keys

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"encoding/json"
	"fmt"

	"cairn/internal/multibase"
)

// p256CompressedSize is the length of a compressed P-256 point.
const p256CompressedSize = 1 + p256CoordSize

// MultikeyPublic returns pub as a Multikey publicKeyMultibase value:
// base58btc of the multicodec prefix and the key bytes. Ed25519 keys
// (ed25519-pub, 0xed) start "z6Mk", P-256 keys (p256-pub, 0x1200, the
// compressed point) start "zDn".
func MultikeyPublic(pub crypto.PublicKey) (string, error) {
	var b []byte
	switch p := pub.(type) {
	case ed25519.PublicKey:
		if len(p) != ed25519.PublicKeySize {
			return "", fmt.Errorf("multikey: ed25519 public key of %d bytes: %w", len(p), ErrInvalidKey)
		}
		b = multibase.AppendCodec(nil, multibase.Ed25519Pub, p)
	case *ecdsa.PublicKey:
		if p == nil || p.Curve != elliptic.P256() {
			return "", fmt.Errorf("multikey: ecdsa public key: %w", ErrUnsupported)
		}
		raw, err := p.Bytes()
		if err != nil {
			return "", fmt.Errorf("multikey: %w: %v", ErrInvalidKey, err)
		}
		compressed := make([]byte, p256CompressedSize)
		compressed[0] = 2 | raw[len(raw)-1]&1
		copy(compressed[1:], raw[1:1+p256CoordSize])
		b = multibase.AppendCodec(nil, multibase.P256Pub, compressed)
	default:
		return "", fmt.Errorf("multikey: public key of type %T: %w", pub, ErrUnsupported)
	}
	return "z" + multibase.EncodeBase58(b), nil
}

// ParseMultikeyPublic decodes a publicKeyMultibase value written by
// MultikeyPublic.
func ParseMultikeyPublic(s string) (crypto.PublicKey, error) {
	pub, err := parseMultikeyPublic(s)
	if err != nil {
		return nil, fmt.Errorf("parse multikey %.60q: %w", s, err)
	}
	return pub, nil
}

func parseMultikeyPublic(s string) (crypto.PublicKey, error) {
	b, err := multibase.DecodeBase58BTC(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
	}
	codec, key, err := multibase.ReadCodec(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
	}
	switch codec {
	case multibase.Ed25519Pub:
		if len(key) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("ed25519 key of %d bytes: %w", len(key), ErrInvalidKey)
		}
		return ed25519.PublicKey(key), nil
	case multibase.P256Pub:
		if len(key) != p256CompressedSize || (key[0] != 2 && key[0] != 3) {
			return nil, fmt.Errorf("P-256 key is not a %d-byte compressed point: %w", p256CompressedSize, ErrInvalidKey)
		}
		x, y := elliptic.UnmarshalCompressed(elliptic.P256(), key)
		if x == nil {
			return nil, fmt.Errorf("P-256 point not on the curve: %w", ErrInvalidKey)
		}
		raw := make([]byte, 1+2*p256CoordSize)
		raw[0] = 4
		x.FillBytes(raw[1 : 1+p256CoordSize])
		y.FillBytes(raw[1+p256CoordSize:])
		pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
		if err != nil {
			return nil, fmt.Errorf("P-256 point: %w: %v", ErrInvalidKey, err)
		}
		return pub, nil
	}
	return nil, fmt.Errorf("multicodec %#x: %w", uint64(codec), ErrUnsupported)
}

// MarshalMultikeySecret returns an Ed25519 key as a Multikey
// secretKeyMultibase value (ed25519-priv, 0x1300, the 32-byte seed).
func MarshalMultikeySecret(k *Key) (string, error) {
	sk, ok := k.priv.(ed25519.PrivateKey)
	if !ok {
		return "", fmt.Errorf("multikey secret: %s key: %w", k.typ, ErrUnsupported)
	}
	return "z" + multibase.EncodeBase58(multibase.AppendCodec(nil, multibase.Ed25519Priv, sk.Seed())), nil
}

// ParseMultikeySecret imports an Ed25519 Multikey secretKeyMultibase value.
// The key ID is the JWK thumbprint of the public key.
func ParseMultikeySecret(s string) (*Key, error) {
	b, err := multibase.DecodeBase58BTC(s)
	if err != nil {
		return nil, fmt.Errorf("parse multikey secret: %w: %v", ErrInvalidKey, err)
	}
	codec, seed, err := multibase.ReadCodec(b)
	if err != nil {
		return nil, fmt.Errorf("parse multikey secret: %w: %v", ErrInvalidKey, err)
	}
	if codec != multibase.Ed25519Priv {
		return nil, fmt.Errorf("parse multikey secret: multicodec %#x: %w", uint64(codec), ErrUnsupported)
	}
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("parse multikey secret: seed of %d bytes: %w", len(seed), ErrInvalidKey)
	}
	return FromPrivateKey(ed25519.NewKeyFromSeed(seed), "")
}

// ParseMultikeyPair imports a JSON key pair with publicKeyMultibase and
// secretKeyMultibase (or privateKeyMultibase, as the W3C vc-di-eddsa test
// vectors spell it), checking that the two belong together.
func ParseMultikeyPair(data []byte) (*Key, error) {
	if len(data) > MaxJWKBytes {
		return nil, fmt.Errorf("parse multikey pair: %d bytes, limit %d: %w", len(data), MaxJWKBytes, ErrInvalidKey)
	}
	var pair struct {
		Public  string `json:"publicKeyMultibase"`
		Secret  string `json:"secretKeyMultibase"`
		Private string `json:"privateKeyMultibase"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&pair); err != nil {
		return nil, fmt.Errorf("parse multikey pair: %w: %v", ErrInvalidKey, err)
	}
	secret := pair.Secret
	if secret == "" {
		secret = pair.Private
	}
	if secret == "" || (pair.Secret != "" && pair.Private != "") {
		return nil, fmt.Errorf("parse multikey pair: want exactly one of secretKeyMultibase and privateKeyMultibase: %w", ErrInvalidKey)
	}
	k, err := ParseMultikeySecret(secret)
	if err != nil {
		return nil, fmt.Errorf("parse multikey pair: %w", err)
	}
	if pair.Public != "" {
		pub, err := ParseMultikeyPublic(pair.Public)
		if err != nil {
			return nil, fmt.Errorf("parse multikey pair: %w", err)
		}
		if !k.Public().(ed25519.PublicKey).Equal(pub) {
			return nil, fmt.Errorf("parse multikey pair: public key does not match secret key: %w", ErrInvalidKey)
		}
	}
	return k, nil
}
