package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestPrivateJWKRoundTrip(t *testing.T) {
	for typ, k := range testKeys(t) {
		t.Run(string(typ), func(t *testing.T) {
			data, err := MarshalPrivateJWK(k)
			if err != nil {
				t.Fatalf("MarshalPrivateJWK: %v", err)
			}
			back, err := ParsePrivateJWK(data)
			if err != nil {
				t.Fatalf("ParsePrivateJWK: %v", err)
			}
			if back.Type() != k.Type() || back.KID() != k.KID() {
				t.Errorf("got %s %q, want %s %q", back.Type(), back.KID(), k.Type(), k.KID())
			}
			if !back.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(k.Public()) {
				t.Errorf("public key changed in round trip")
			}
			var m map[string]any
			if err := json.Unmarshal(data, &m); err != nil {
				t.Fatal(err)
			}
			if m["alg"] != k.Algorithm() || m["kid"] != k.KID() {
				t.Errorf("alg %v kid %v, want %s %s", m["alg"], m["kid"], k.Algorithm(), k.KID())
			}
			if typ == RSA {
				for _, name := range []string{"p", "q", "dp", "dq", "qi"} {
					if _, ok := m[name]; !ok {
						t.Errorf("RSA private JWK lacks %q", name)
					}
				}
			}
			// A signature made with the parsed key verifies with the original.
			sig, err := Sign(back.Signer(), back.Algorithm(), []byte("x"))
			if err != nil {
				t.Fatal(err)
			}
			if err := Verify(k.Public(), k.Algorithm(), []byte("x"), sig); err != nil {
				t.Errorf("Verify: %v", err)
			}
		})
	}
}

func TestParsePrivateJWKKeepsKID(t *testing.T) {
	k, err := ParsePrivateJWK([]byte(`{"kty":"OKP","crv":"Ed25519","kid":"mine",
		"d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`))
	if err != nil {
		t.Fatal(err)
	}
	if k.KID() != "mine" {
		t.Errorf("KID() = %q, want %q", k.KID(), "mine")
	}
	if w := k.WithKID("other"); w.KID() != "other" || k.KID() != "mine" {
		t.Errorf("WithKID: got %q and original %q, want other and mine", w.KID(), k.KID())
	}
}

func TestThumbprintRFCExamples(t *testing.T) {
	tests := []struct {
		name string
		jwk  string
		want string
	}{
		// RFC 7638 section 3.1.
		{"RFC 7638 RSA", `{"kty":"RSA","e":"AQAB","alg":"RS256","kid":"2011-04-29","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"}`,
			"NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"},
		// RFC 8037 appendix A.3.
		{"RFC 8037 Ed25519", `{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`,
			"kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pub, err := ParsePublicJWK([]byte(tt.jwk))
			if err != nil {
				t.Fatalf("ParsePublicJWK: %v", err)
			}
			got, err := Thumbprint(pub)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Thumbprint = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestRFC8037PrivateKey(t *testing.T) {
	// RFC 8037 appendix A.1 and A.2: d and x belong together; the thumbprint
	// becomes the kid.
	k, err := ParsePrivateJWK([]byte(`{"kty":"OKP","crv":"Ed25519",
		"d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"; k.KID() != want {
		t.Errorf("KID() = %s, want %s", k.KID(), want)
	}
}

func TestPublicJWKRoundTrip(t *testing.T) {
	for typ, k := range testKeys(t) {
		t.Run(string(typ), func(t *testing.T) {
			m, err := PublicJWK(k.Public())
			if err != nil {
				t.Fatalf("PublicJWK: %v", err)
			}
			if _, ok := m["d"]; ok {
				t.Errorf("public JWK has d")
			}
			data, _ := json.Marshal(m)
			pub, err := ParsePublicJWK(data)
			if err != nil {
				t.Fatalf("ParsePublicJWK: %v", err)
			}
			if !pub.(interface{ Equal(crypto.PublicKey) bool }).Equal(k.Public()) {
				t.Errorf("public key changed in round trip")
			}
		})
	}
}

func TestParseFixtures(t *testing.T) {
	tests := []struct {
		file string
		typ  Type
		want error
	}{
		{"ed25519.jwk", Ed25519, nil},
		{"p256.jwk", P256, nil},
		{"rsa2048.jwk", RSA, nil},
		{"rsa1024.jwk", "", ErrWeakKey},
		{"p384.jwk", "", ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			k, err := ParsePrivateJWK(readFixture(t, tt.file))
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
			if err == nil && k.Type() != tt.typ {
				t.Errorf("type = %s, want %s", k.Type(), tt.typ)
			}
		})
	}
}

// edit returns the fixture file as a map with changes applied (nil deletes).
func edit(t *testing.T, file string, changes map[string]any) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(readFixture(t, file), &m); err != nil {
		t.Fatal(err)
	}
	for k, v := range changes {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParsePrivateJWKRejects(t *testing.T) {
	other, err := Generate(Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	otherJWK, _ := PublicJWK(other.Public())
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"ES256 alg on Ed25519", edit(t, "ed25519.jwk", map[string]any{"alg": "ES256"}), ErrMismatch},
		{"RS256 alg on P-256", edit(t, "p256.jwk", map[string]any{"alg": "RS256"}), ErrMismatch},
		{"EdDSA alg on RSA", edit(t, "rsa2048.jwk", map[string]any{"alg": "EdDSA"}), ErrMismatch},
		{"HS256 alg", edit(t, "rsa2048.jwk", map[string]any{"alg": "HS256"}), ErrUnsupported},
		{"use enc", edit(t, "p256.jwk", map[string]any{"use": "enc"}), ErrMismatch},
		{"missing d", edit(t, "ed25519.jwk", map[string]any{"d": nil}), ErrInvalidKey},
		{"d of another key", edit(t, "ed25519.jwk", map[string]any{"x": otherJWK["x"]}), ErrInvalidKey},
		{"short x", edit(t, "ed25519.jwk", map[string]any{"x": "AAAA"}), ErrInvalidKey},
		{"padded base64", edit(t, "ed25519.jwk", map[string]any{"d": "LogbUQhA2IquunFmy8sP7_w8e1IUzKI2wBB53NSmrAg="}), ErrInvalidKey},
		{"P-256 point off curve", edit(t, "p256.jwk", map[string]any{"y": "6JVguaB3agJ2s2RnrUBAuN3ASOHetMmFQKn6UkWcThc"}), ErrInvalidKey},
		{"P-256 wrong d", edit(t, "p256.jwk", map[string]any{"d": "4heRCAmyJC0WT4QaFPaM3rYKrhQyckGPzAeHsAQMoQU"}), ErrInvalidKey},
		{"RSA without primes", edit(t, "rsa2048.jwk", map[string]any{"p": nil, "q": nil, "dp": nil, "dq": nil, "qi": nil}), ErrInvalidKey},
		{"RSA wrong qi", edit(t, "rsa2048.jwk", map[string]any{"qi": "AQAB"}), ErrInvalidKey},
		{"RSA multi-prime", edit(t, "rsa2048.jwk", map[string]any{"oth": []any{}}), ErrUnsupported},
		{"RSA even exponent", edit(t, "rsa2048.jwk", map[string]any{"e": "AQAA"}), ErrInvalidKey},
		{"unknown kty", []byte(`{"kty":"oct","k":"AAAA"}`), ErrUnsupported},
		{"X25519", []byte(`{"kty":"OKP","crv":"X25519","x":"AAAA","d":"AAAA"}`), ErrUnsupported},
		{"kty not a string", []byte(`{"kty":1}`), ErrInvalidKey},
		{"not an object", []byte(`[]`), ErrInvalidKey},
		{"null", []byte(`null`), ErrInvalidKey},
		{"trailing data", []byte(`{"kty":"OKP"} {}`), ErrInvalidKey},
		{"too large", []byte(`{"kty":"OKP","pad":"` + strings.Repeat("a", MaxJWKBytes) + `"}`), ErrInvalidKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParsePrivateJWK(tt.data); !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestParsePublicJWKRejectsPrivateMembers(t *testing.T) {
	for _, file := range []string{"ed25519.jwk", "p256.jwk", "rsa2048.jwk"} {
		if _, err := ParsePublicJWK(readFixture(t, file)); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("%s: error = %v, want %v", file, err, ErrInvalidKey)
		}
	}
}

func TestFromPrivateKey(t *testing.T) {
	_, edKey, _ := ed25519.GenerateKey(nil)
	tests := []struct {
		name string
		priv any
		want error
	}{
		{"ed25519", edKey, nil},
		{"short ed25519", edKey[:10], ErrInvalidKey},
		{"ecdsa public key", &ecdsa.PublicKey{}, ErrUnsupported},
		{"rsa without modulus", &rsa.PrivateKey{}, ErrInvalidKey},
		{"string", "key", ErrUnsupported},
		{"nil ecdsa", (*ecdsa.PrivateKey)(nil), ErrUnsupported},
		{"ecdsa without curve", &ecdsa.PrivateKey{}, ErrUnsupported},
		{"nil rsa", (*rsa.PrivateKey)(nil), ErrInvalidKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := FromPrivateKey(tt.priv, ""); !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
		})
	}
}

func FuzzParsePrivateJWK(f *testing.F) {
	for _, name := range []string{"ed25519.jwk", "p256.jwk", "rsa2048.jwk"} {
		f.Add(readFixture(f, name))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := ParsePrivateJWK(data)
		if err != nil {
			return
		}
		// Anything accepted must sign and verify under its own algorithm.
		sig, err := Sign(k.Signer(), k.Algorithm(), []byte("m"))
		if err != nil {
			t.Fatalf("Sign with a parsed key: %v", err)
		}
		if err := Verify(k.Public(), k.Algorithm(), []byte("m"), sig); err != nil {
			t.Fatalf("Verify with a parsed key: %v", err)
		}
	})
}
