package keys

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
)

// MaxJWKBytes bounds the JSON of one JWK; an 8192-bit RSA private JWK is
// under 7 KiB.
const MaxJWKBytes = 64 << 10

const p256CoordSize = 32

// jwkOut is a JWK as cairn writes it; field order fixes member order.
type jwkOut struct {
	Kty string `json:"kty"`
	Crv string `json:"crv,omitempty"`
	Alg string `json:"alg,omitempty"`
	Kid string `json:"kid,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
	D   string `json:"d,omitempty"`
	P   string `json:"p,omitempty"`
	Q   string `json:"q,omitempty"`
	DP  string `json:"dp,omitempty"`
	DQ  string `json:"dq,omitempty"`
	QI  string `json:"qi,omitempty"`
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func b64Int(n *big.Int) string { return b64(n.Bytes()) }

func b64Exp(e int) string { return b64(big.NewInt(int64(e)).Bytes()) }

// publicMembers fills the public members of out from pub.
func publicMembers(pub crypto.PublicKey, out *jwkOut) error {
	switch p := pub.(type) {
	case ed25519.PublicKey:
		if len(p) != ed25519.PublicKeySize {
			return fmt.Errorf("ed25519 public key of %d bytes: %w", len(p), ErrInvalidKey)
		}
		out.Kty, out.Crv, out.X = "OKP", "Ed25519", b64(p)
	case *ecdsa.PublicKey:
		if p == nil || p.Curve != elliptic.P256() {
			return fmt.Errorf("ecdsa public key: %w", ErrUnsupported)
		}
		raw, err := p.Bytes()
		if err != nil {
			return fmt.Errorf("ecdsa public key: %w: %v", ErrInvalidKey, err)
		}
		out.Kty, out.Crv = "EC", "P-256"
		out.X, out.Y = b64(raw[1:1+p256CoordSize]), b64(raw[1+p256CoordSize:])
	case *rsa.PublicKey:
		if err := checkRSASize(p); err != nil {
			return err
		}
		out.Kty, out.N, out.E = "RSA", b64Int(p.N), b64Exp(p.E)
	default:
		return fmt.Errorf("public key of type %T: %w", pub, ErrUnsupported)
	}
	return nil
}

// PublicJWK returns pub as a public JWK object, with only the members that
// define the key (no kid or alg), ready to embed as publicKeyJwk or to
// extend with a kid for a key set.
func PublicJWK(pub crypto.PublicKey) (map[string]any, error) {
	var out jwkOut
	if err := publicMembers(pub, &out); err != nil {
		return nil, fmt.Errorf("public jwk: %w", err)
	}
	m := map[string]any{"kty": out.Kty}
	for name, v := range map[string]string{"crv": out.Crv, "x": out.X, "y": out.Y, "n": out.N, "e": out.E} {
		if v != "" {
			m[name] = v
		}
	}
	return m, nil
}

// Thumbprint returns the RFC 7638 JWK thumbprint of pub: the base64url
// SHA-256 of its required members in lexicographic order.
func Thumbprint(pub crypto.PublicKey) (string, error) {
	var out jwkOut
	if err := publicMembers(pub, &out); err != nil {
		return "", fmt.Errorf("jwk thumbprint: %w", err)
	}
	// Every value is base64url or a fixed name, so none needs escaping.
	var s string
	switch out.Kty {
	case "OKP":
		s = `{"crv":"` + out.Crv + `","kty":"OKP","x":"` + out.X + `"}`
	case "EC":
		s = `{"crv":"` + out.Crv + `","kty":"EC","x":"` + out.X + `","y":"` + out.Y + `"}`
	default:
		s = `{"e":"` + out.E + `","kty":"RSA","n":"` + out.N + `"}`
	}
	sum := sha256.Sum256([]byte(s))
	return b64(sum[:]), nil
}

// MarshalPrivateJWK returns k as a private JWK with its kid and alg: OKP
// for Ed25519 (d is the 32-byte seed), EC for P-256, RSA with the CRT
// parameters.
func MarshalPrivateJWK(k *Key) ([]byte, error) {
	out := jwkOut{Kid: k.kid, Alg: k.Algorithm()}
	if err := publicMembers(k.Public(), &out); err != nil {
		return nil, fmt.Errorf("marshal private jwk: %w", err)
	}
	switch p := k.priv.(type) {
	case ed25519.PrivateKey:
		out.D = b64(p.Seed())
	case *ecdsa.PrivateKey:
		d, err := p.Bytes()
		if err != nil {
			return nil, fmt.Errorf("marshal private jwk: %w", err)
		}
		out.D = b64(d)
	case *rsa.PrivateKey:
		if len(p.Primes) != 2 {
			return nil, fmt.Errorf("marshal private jwk: multi-prime rsa key: %w", ErrUnsupported)
		}
		p.Precompute()
		out.D = b64Int(p.D)
		out.P, out.Q = b64Int(p.Primes[0]), b64Int(p.Primes[1])
		out.DP, out.DQ, out.QI = b64Int(p.Precomputed.Dp), b64Int(p.Precomputed.Dq), b64Int(p.Precomputed.Qinv)
	default:
		return nil, fmt.Errorf("marshal private jwk: private key of type %T: %w", k.priv, ErrUnsupported)
	}
	return json.Marshal(out)
}

// jwkIn holds a JWK's members by their exact names, which encoding/json's
// case-insensitive struct matching would not.
type jwkIn map[string]json.RawMessage

func readJWK(data []byte) (jwkIn, error) {
	if len(data) > MaxJWKBytes {
		return nil, fmt.Errorf("jwk of %d bytes, limit %d: %w", len(data), MaxJWKBytes, ErrInvalidKey)
	}
	var m jwkIn
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("jwk json: %w: %v", ErrInvalidKey, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("jwk json: data after the object: %w", ErrInvalidKey)
	}
	if m == nil {
		return nil, fmt.Errorf("jwk json: not an object: %w", ErrInvalidKey)
	}
	return m, nil
}

// str returns the string member name, "" when absent.
func (m jwkIn) str(name string) (string, error) {
	raw, ok := m[name]
	if !ok {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("jwk member %q is not a string: %w", name, ErrInvalidKey)
	}
	return s, nil
}

// bytes returns the base64url member name decoded; it must be present.
func (m jwkIn) bytes(name string) ([]byte, error) {
	s, err := m.str(name)
	if err != nil {
		return nil, err
	}
	if s == "" {
		return nil, fmt.Errorf("jwk member %q is missing: %w", name, ErrInvalidKey)
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("jwk member %q: %w: %v", name, ErrInvalidKey, err)
	}
	return b, nil
}

func (m jwkIn) fixed(name string, size int) ([]byte, error) {
	b, err := m.bytes(name)
	if err != nil {
		return nil, err
	}
	if len(b) != size {
		return nil, fmt.Errorf("jwk member %q has %d bytes, want %d: %w", name, len(b), size, ErrInvalidKey)
	}
	return b, nil
}

func (m jwkIn) bigInt(name string) (*big.Int, error) {
	b, err := m.bytes(name)
	if err != nil {
		return nil, err
	}
	return new(big.Int).SetBytes(b), nil
}

// public decodes the public key a JWK describes and checks that its alg
// and use, when present, fit.
func (m jwkIn) public() (crypto.PublicKey, error) {
	kty, err := m.str("kty")
	if err != nil {
		return nil, err
	}
	crv, err := m.str("crv")
	if err != nil {
		return nil, err
	}
	var pub crypto.PublicKey
	switch {
	case kty == "OKP" && crv == "Ed25519":
		x, err := m.fixed("x", ed25519.PublicKeySize)
		if err != nil {
			return nil, err
		}
		pub = ed25519.PublicKey(x)
	case kty == "EC" && crv == "P-256":
		x, err := m.fixed("x", p256CoordSize)
		if err != nil {
			return nil, err
		}
		y, err := m.fixed("y", p256CoordSize)
		if err != nil {
			return nil, err
		}
		raw := append(append([]byte{4}, x...), y...)
		p, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
		if err != nil {
			return nil, fmt.Errorf("jwk P-256 point: %w: %v", ErrInvalidKey, err)
		}
		pub = p
	case kty == "RSA" && crv == "":
		n, err := m.bigInt("n")
		if err != nil {
			return nil, err
		}
		eb, err := m.bytes("e")
		if err != nil {
			return nil, err
		}
		e := new(big.Int).SetBytes(eb)
		if len(eb) > 4 || e.Int64() < 3 || e.Int64() > 1<<31-1 || e.Bit(0) == 0 {
			return nil, fmt.Errorf("jwk rsa exponent: %w", ErrInvalidKey)
		}
		p := &rsa.PublicKey{N: n, E: int(e.Int64())}
		if err := checkRSASize(p); err != nil {
			return nil, err
		}
		pub = p
	default:
		return nil, fmt.Errorf("jwk kty %q crv %q: %w", kty, crv, ErrUnsupported)
	}
	alg, err := m.str("alg")
	if err != nil {
		return nil, err
	}
	if alg != "" {
		if err := checkAlg(pub, alg); err != nil {
			return nil, fmt.Errorf("jwk alg: %w", err)
		}
	}
	if use, err := m.str("use"); err != nil {
		return nil, err
	} else if use != "" && use != "sig" {
		return nil, fmt.Errorf("jwk use %q is not sig: %w", use, ErrMismatch)
	}
	return pub, nil
}

// ParsePublicJWK decodes a public JWK: OKP Ed25519, EC P-256 or RSA of at
// least MinRSABits. It refuses a JWK with private members, an alg that
// contradicts the key type, or a use other than "sig".
func ParsePublicJWK(data []byte) (crypto.PublicKey, error) {
	m, err := readJWK(data)
	if err != nil {
		return nil, fmt.Errorf("parse public jwk: %w", err)
	}
	// The members that carry private key material (RFC 7518 sections 6.2.2
	// and 6.3.2, RFC 8037 section 2).
	for _, name := range [...]string{"d", "p", "q", "dp", "dq", "qi", "oth"} {
		if _, ok := m[name]; ok {
			return nil, fmt.Errorf("parse public jwk: has private member %q: %w", name, ErrInvalidKey)
		}
	}
	pub, err := m.public()
	if err != nil {
		return nil, fmt.Errorf("parse public jwk: %w", err)
	}
	return pub, nil
}

// ParsePrivateJWK decodes a private JWK written by MarshalPrivateJWK or
// another RFC 7517 implementation. The private part must match the public
// members; RSA keys need p and q, and dp, dq and qi must be right when
// given. The key ID is the JWK's kid, or its thumbprint when there is none.
func ParsePrivateJWK(data []byte) (*Key, error) {
	k, err := parsePrivateJWK(data)
	if err != nil {
		return nil, fmt.Errorf("parse private jwk: %w", err)
	}
	return k, nil
}

func parsePrivateJWK(data []byte) (*Key, error) {
	m, err := readJWK(data)
	if err != nil {
		return nil, err
	}
	pub, err := m.public()
	if err != nil {
		return nil, err
	}
	kid, err := m.str("kid")
	if err != nil {
		return nil, err
	}
	var priv crypto.PrivateKey
	switch p := pub.(type) {
	case ed25519.PublicKey:
		d, err := m.fixed("d", ed25519.SeedSize)
		if err != nil {
			return nil, err
		}
		sk := ed25519.NewKeyFromSeed(d)
		if !p.Equal(sk.Public()) {
			return nil, fmt.Errorf("d does not match x: %w", ErrInvalidKey)
		}
		priv = sk
	case *ecdsa.PublicKey:
		d, err := m.fixed("d", p256CoordSize)
		if err != nil {
			return nil, err
		}
		sk, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), d)
		if err != nil {
			return nil, fmt.Errorf("P-256 scalar: %w: %v", ErrInvalidKey, err)
		}
		if !p.Equal(sk.Public()) {
			return nil, fmt.Errorf("d does not match x and y: %w", ErrInvalidKey)
		}
		priv = sk
	case *rsa.PublicKey:
		sk, err := m.rsaPrivate(p)
		if err != nil {
			return nil, err
		}
		priv = sk
	}
	return FromPrivateKey(priv, kid)
}

func (m jwkIn) rsaPrivate(pub *rsa.PublicKey) (*rsa.PrivateKey, error) {
	if _, ok := m["oth"]; ok {
		return nil, fmt.Errorf("multi-prime rsa key: %w", ErrUnsupported)
	}
	var d, p, q *big.Int
	for _, f := range []struct {
		name string
		dst  **big.Int
	}{{"d", &d}, {"p", &p}, {"q", &q}} {
		v, err := m.bigInt(f.name)
		if err != nil {
			return nil, err
		}
		*f.dst = v
	}
	sk := &rsa.PrivateKey{PublicKey: *pub, D: d, Primes: []*big.Int{p, q}}
	if err := sk.Validate(); err != nil {
		return nil, fmt.Errorf("rsa private key: %w: %v", ErrInvalidKey, err)
	}
	sk.Precompute()
	for _, f := range []struct {
		name string
		want *big.Int
	}{{"dp", sk.Precomputed.Dp}, {"dq", sk.Precomputed.Dq}, {"qi", sk.Precomputed.Qinv}} {
		if _, ok := m[f.name]; !ok {
			continue
		}
		v, err := m.bigInt(f.name)
		if err != nil {
			return nil, err
		}
		if v.Cmp(f.want) != 0 {
			return nil, fmt.Errorf("rsa %s is wrong: %w", f.name, ErrInvalidKey)
		}
	}
	return sk, nil
}
