package keys

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cairn/internal/vendordata"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func fixtureKey(t *testing.T, name string) *Key {
	t.Helper()
	k, err := ParsePrivateJWK(readFixture(t, name))
	if err != nil {
		t.Fatalf("ParsePrivateJWK(%s): %v", name, err)
	}
	return k
}

// testKeys returns one key of each type: generated Ed25519 and P-256, and
// the RSA 2048 fixture (generating RSA is slow).
func testKeys(t *testing.T) map[Type]*Key {
	t.Helper()
	out := map[Type]*Key{RSA: fixtureKey(t, "rsa2048.jwk")}
	for _, typ := range []Type{Ed25519, P256} {
		k, err := Generate(typ)
		if err != nil {
			t.Fatalf("Generate(%s): %v", typ, err)
		}
		out[typ] = k
	}
	return out
}

func TestGenerate(t *testing.T) {
	tests := []struct {
		typ     Type
		wantTyp Type
		wantAlg string
		pub     func(crypto.PublicKey) bool
	}{
		{"", Ed25519, EdDSA, func(p crypto.PublicKey) bool { _, ok := p.(ed25519.PublicKey); return ok }},
		{Ed25519, Ed25519, EdDSA, func(p crypto.PublicKey) bool { _, ok := p.(ed25519.PublicKey); return ok }},
		{P256, P256, ES256, func(p crypto.PublicKey) bool {
			e, ok := p.(*ecdsa.PublicKey)
			return ok && e.Curve == elliptic.P256()
		}},
	}
	for _, tt := range tests {
		t.Run("type "+string(tt.wantTyp), func(t *testing.T) {
			k, err := Generate(tt.typ)
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			if k.Type() != tt.wantTyp || k.Algorithm() != tt.wantAlg {
				t.Errorf("got type %s alg %s, want %s %s", k.Type(), k.Algorithm(), tt.wantTyp, tt.wantAlg)
			}
			if !tt.pub(k.Public()) {
				t.Errorf("Public() is %T", k.Public())
			}
			tp, _ := Thumbprint(k.Public())
			if k.KID() != tp {
				t.Errorf("KID() = %q, want thumbprint %q", k.KID(), tp)
			}
		})
	}
	t.Run("unsupported type", func(t *testing.T) {
		if _, err := Generate("secp256k1"); !errors.Is(err, ErrUnsupported) {
			t.Errorf("error = %v, want %v", err, ErrUnsupported)
		}
	})
}

func TestGenerateRSADefaultSize(t *testing.T) {
	if testing.Short() {
		t.Skip("RSA 3072 generation is slow")
	}
	k, err := Generate(RSA)
	if err != nil {
		t.Fatalf("Generate(RSA): %v", err)
	}
	if got := k.Public().(*rsa.PublicKey).N.BitLen(); got != DefaultRSABits {
		t.Errorf("got %d bits, want %d", got, DefaultRSABits)
	}
	if k.Algorithm() != RS256 {
		t.Errorf("Algorithm() = %s, want %s", k.Algorithm(), RS256)
	}
}

func TestParseType(t *testing.T) {
	for in, want := range map[string]Type{"": Ed25519, "Ed25519": Ed25519, "ed25519": Ed25519, "P-256": P256, "p256": P256, "RSA": RSA, "rsa": RSA} {
		got, err := ParseType(in)
		if err != nil || got != want {
			t.Errorf("ParseType(%q) = %q, %v, want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"secp256k1", "p384", "ed448"} {
		if _, err := ParseType(in); !errors.Is(err, ErrUnsupported) {
			t.Errorf("ParseType(%s) error = %v, want %v", in, err, ErrUnsupported)
		}
	}
}

func TestSignerHidesPrivateKey(t *testing.T) {
	for typ, k := range testKeys(t) {
		s := k.Signer()
		switch s.(type) {
		case ed25519.PrivateKey, *ecdsa.PrivateKey, *rsa.PrivateKey:
			t.Errorf("%s: Signer() is a %T, which exposes the private key", typ, s)
		}
	}
}

func TestSignVerifyRoundTrip(t *testing.T) {
	msg := []byte("a credential")
	for typ, k := range testKeys(t) {
		t.Run(string(typ), func(t *testing.T) {
			sig, err := Sign(k.Signer(), k.Algorithm(), msg)
			if err != nil {
				t.Fatalf("Sign: %v", err)
			}
			if typ == P256 && len(sig) != 64 {
				t.Errorf("ES256 signature has %d bytes, want 64 (R||S)", len(sig))
			}
			if err := Verify(k.Public(), k.Algorithm(), msg, sig); err != nil {
				t.Errorf("Verify: %v", err)
			}
			if err := Verify(k.Public(), k.Algorithm(), []byte("another credential"), sig); !errors.Is(err, ErrSignature) {
				t.Errorf("Verify(other message) error = %v, want %v", err, ErrSignature)
			}
			bad := bytes.Clone(sig)
			bad[len(bad)/2] ^= 1
			if err := Verify(k.Public(), k.Algorithm(), msg, bad); !errors.Is(err, ErrSignature) {
				t.Errorf("Verify(flipped bit) error = %v, want %v", err, ErrSignature)
			}
			if err := Verify(k.Public(), k.Algorithm(), msg, sig[:len(sig)-1]); !errors.Is(err, ErrSignature) {
				t.Errorf("Verify(truncated) error = %v, want %v", err, ErrSignature)
			}
		})
	}
}

func TestSignVerifyRejectsMismatch(t *testing.T) {
	ks := testKeys(t)
	msg := []byte("m")
	tests := []struct {
		name string
		typ  Type
		alg  string
		want error
	}{
		{"ES256 with Ed25519 key", Ed25519, ES256, ErrMismatch},
		{"RS256 with Ed25519 key", Ed25519, RS256, ErrMismatch},
		{"EdDSA with P-256 key", P256, EdDSA, ErrMismatch},
		{"RS256 with P-256 key", P256, RS256, ErrMismatch},
		{"ES256 with RSA key", RSA, ES256, ErrMismatch},
		{"EdDSA with RSA key", RSA, EdDSA, ErrMismatch},
		{"PS256 unsupported", RSA, "PS256", ErrUnsupported},
		{"HS256 unsupported", RSA, "HS256", ErrUnsupported},
		{"none unsupported", Ed25519, "none", ErrUnsupported},
		{"empty alg", Ed25519, "", ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := ks[tt.typ]
			if _, err := Sign(k.Signer(), tt.alg, msg); !errors.Is(err, tt.want) {
				t.Errorf("Sign error = %v, want %v", err, tt.want)
			}
			// A signature that is valid under the key's own algorithm must
			// still be refused under another name.
			sig, err := Sign(k.Signer(), k.Algorithm(), msg)
			if err != nil {
				t.Fatal(err)
			}
			if err := Verify(k.Public(), tt.alg, msg, sig); !errors.Is(err, tt.want) {
				t.Errorf("Verify error = %v, want %v", err, tt.want)
			}
		})
	}
	t.Run("P-384 key unsupported", func(t *testing.T) {
		p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if err := Verify(&p384.PublicKey, ES256, msg, make([]byte, 64)); !errors.Is(err, ErrUnsupported) {
			t.Errorf("Verify error = %v, want %v", err, ErrUnsupported)
		}
		if _, err := Sign(p384, ES256, msg); !errors.Is(err, ErrUnsupported) {
			t.Errorf("Sign error = %v, want %v", err, ErrUnsupported)
		}
	})
}

func TestVerifyRejectsNilAndEmptyKeys(t *testing.T) {
	for _, pub := range []crypto.PublicKey{nil, (*ecdsa.PublicKey)(nil), &ecdsa.PublicKey{}, (*rsa.PublicKey)(nil), &rsa.PublicKey{}, ed25519.PublicKey(nil)} {
		for _, alg := range []string{EdDSA, ES256, RS256} {
			if err := Verify(pub, alg, []byte("m"), make([]byte, 64)); err == nil {
				t.Errorf("Verify(%#v, %s) succeeded", pub, alg)
			}
		}
	}
}

func TestVerifyRejectsWeakRSA(t *testing.T) {
	var m map[string]string
	if err := json.Unmarshal(readFixture(t, "rsa1024.jwk"), &m); err != nil {
		t.Fatal(err)
	}
	n, _ := base64.RawURLEncoding.DecodeString(m["n"])
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: 65537}
	if err := Verify(pub, RS256, []byte("m"), make([]byte, 128)); !errors.Is(err, ErrWeakKey) {
		t.Errorf("Verify error = %v, want %v", err, ErrWeakKey)
	}
}

func TestVerifyOtherImplementation(t *testing.T) {
	var fx struct {
		Message    string
		Signatures []struct{ Alg, Key, Sig string }
	}
	if err := json.Unmarshal(readFixture(t, "signatures.json"), &fx); err != nil {
		t.Fatal(err)
	}
	for _, s := range fx.Signatures {
		t.Run(s.Alg, func(t *testing.T) {
			k := fixtureKey(t, s.Key)
			sig, err := base64.RawURLEncoding.DecodeString(s.Sig)
			if err != nil {
				t.Fatal(err)
			}
			if err := Verify(k.Public(), s.Alg, []byte(fx.Message), sig); err != nil {
				t.Errorf("Verify: %v", err)
			}
		})
	}
}

func TestSignVectorEd25519(t *testing.T) {
	// The W3C eddsa-rdfc-2022 vector: the key pair signs the combined hash
	// to a known signature (Ed25519 is deterministic).
	dir := vendordata.Dir(t, "vc-di-eddsa")
	k := vectorKey(t, dir)
	hashHex, err := os.ReadFile(filepath.Join(dir, "TestVectors", "eddsa-rdfc-2022", "combinedHashDataInt.txt"))
	if err != nil {
		t.Fatal(err)
	}
	sigHex, err := os.ReadFile(filepath.Join(dir, "TestVectors", "eddsa-rdfc-2022", "sigHexDataInt.txt"))
	if err != nil {
		t.Fatal(err)
	}
	msg, err := hex.DecodeString(strings.TrimSpace(string(hashHex)))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Sign(k.Signer(), EdDSA, msg)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	if want := strings.TrimSpace(string(sigHex)); hex.EncodeToString(got) != want {
		t.Errorf("signature = %x, want %s", got, want)
	}
}

func vectorKey(t *testing.T, dir string) *Key {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "TestVectors", "keyPair.json"))
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParseMultikeyPair(data)
	if err != nil {
		t.Fatalf("ParseMultikeyPair: %v", err)
	}
	return k
}
