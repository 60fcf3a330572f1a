package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Type is a kind of signing key.
type Type string

// The supported key types. Ed25519 is the default.
const (
	Ed25519 Type = "Ed25519"
	P256    Type = "P-256"
	RSA     Type = "RSA"
)

// RSA key sizes, in bits. Smaller keys are refused on import and on
// verification; larger ones are refused because their cost is unbounded
// for practical purposes.
const (
	MinRSABits     = 2048
	DefaultRSABits = 3072
	MaxRSABits     = 8192
)

// Errors returned by this package; match them with errors.Is.
var (
	ErrUnsupported = errors.New("unsupported key or algorithm")
	ErrMismatch    = errors.New("algorithm does not match key")
	ErrWeakKey     = errors.New("key too weak")
	ErrInvalidKey  = errors.New("invalid key")
	ErrSignature   = errors.New("invalid signature")
)

// ParseType returns the Type named s, in any letter case and with or
// without the hyphen ("ed25519", "p256", "P-256", "rsa"); the empty string
// means Ed25519.
func ParseType(s string) (Type, error) {
	switch strings.ReplaceAll(strings.ToLower(s), "-", "") {
	case "", "ed25519":
		return Ed25519, nil
	case "p256":
		return P256, nil
	case "rsa":
		return RSA, nil
	}
	return "", fmt.Errorf("key type %q: %w", s, ErrUnsupported)
}

// Key is a private signing key with its key ID. The zero value is not
// usable; keys come from Generate, FromPrivateKey or the parsers.
type Key struct {
	typ  Type
	priv crypto.Signer
	kid  string
}

// Generate returns a new key of type typ from crypto/rand; the empty type
// means Ed25519 and RSA keys have DefaultRSABits. The key ID is the JWK
// thumbprint of the public key.
func Generate(typ Type) (*Key, error) {
	var priv crypto.Signer
	var err error
	switch typ {
	case "", Ed25519:
		_, priv, err = ed25519.GenerateKey(rand.Reader)
	case P256:
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case RSA:
		priv, err = rsa.GenerateKey(rand.Reader, DefaultRSABits)
	default:
		return nil, fmt.Errorf("generate %q key: %w", typ, ErrUnsupported)
	}
	if err != nil {
		return nil, fmt.Errorf("generate %s key: %w", typ, err)
	}
	return FromPrivateKey(priv, "")
}

// FromPrivateKey wraps an ed25519.PrivateKey, a P-256 *ecdsa.PrivateKey or
// an *rsa.PrivateKey of MinRSABits to MaxRSABits bits. An empty kid is
// replaced by the JWK thumbprint of the public key.
func FromPrivateKey(priv crypto.PrivateKey, kid string) (*Key, error) {
	k := &Key{kid: kid}
	switch p := priv.(type) {
	case ed25519.PrivateKey:
		if len(p) != ed25519.PrivateKeySize {
			return nil, fmt.Errorf("ed25519 private key of %d bytes: %w", len(p), ErrInvalidKey)
		}
		k.typ, k.priv = Ed25519, p
	case *ecdsa.PrivateKey:
		if p == nil || p.Curve != elliptic.P256() {
			return nil, fmt.Errorf("ecdsa key not on P-256: %w", ErrUnsupported)
		}
		k.typ, k.priv = P256, p
	case *rsa.PrivateKey:
		if p == nil {
			return nil, fmt.Errorf("nil rsa key: %w", ErrInvalidKey)
		}
		if err := checkRSASize(&p.PublicKey); err != nil {
			return nil, err
		}
		if err := p.Validate(); err != nil {
			return nil, fmt.Errorf("rsa private key: %w: %v", ErrInvalidKey, err)
		}
		k.typ, k.priv = RSA, p
	default:
		return nil, fmt.Errorf("private key of type %T: %w", priv, ErrUnsupported)
	}
	if k.kid == "" {
		tp, err := Thumbprint(k.priv.Public())
		if err != nil {
			return nil, err
		}
		k.kid = tp
	}
	return k, nil
}

func checkRSASize(pub *rsa.PublicKey) error {
	if pub == nil || pub.N == nil {
		return fmt.Errorf("rsa key without modulus: %w", ErrInvalidKey)
	}
	switch bits := pub.N.BitLen(); {
	case bits < MinRSABits:
		return fmt.Errorf("rsa key of %d bits, minimum %d: %w", bits, MinRSABits, ErrWeakKey)
	case bits > MaxRSABits:
		return fmt.Errorf("rsa key of %d bits, maximum %d: %w", bits, MaxRSABits, ErrUnsupported)
	}
	return nil
}

// Type returns the key's type.
func (k *Key) Type() Type { return k.typ }

// KID returns the key ID: the one it was imported with, or its JWK
// thumbprint.
func (k *Key) KID() string { return k.kid }

// WithKID returns a copy of k with key ID kid.
func (k *Key) WithKID(kid string) *Key {
	c := *k
	c.kid = kid
	return &c
}

// Algorithm returns the JOSE algorithm the key signs with: EdDSA, ES256 or
// RS256.
func (k *Key) Algorithm() string {
	switch k.typ {
	case P256:
		return ES256
	case RSA:
		return RS256
	}
	return EdDSA
}

// Public returns the public key: ed25519.PublicKey, *ecdsa.PublicKey or
// *rsa.PublicKey.
func (k *Key) Public() crypto.PublicKey { return k.priv.Public() }

// Signer returns a crypto.Signer for the key. It exposes only Public and
// Sign, so code outside this package cannot reach the private key by a
// type assertion. Use the package's Sign function to get signatures in the
// encoding JOSE and Data Integrity expect.
func (k *Key) Signer() crypto.Signer { return signer{k.priv} }

type signer struct{ s crypto.Signer }

func (w signer) Public() crypto.PublicKey { return w.s.Public() }

func (w signer) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	return w.s.Sign(r, digest, opts)
}
