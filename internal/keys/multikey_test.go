package keys

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"

	"cairn/internal/multibase"
	"cairn/internal/vendordata"
)

func TestMultikeyVectorPair(t *testing.T) {
	dir := vendordata.Dir(t, "vc-di-eddsa")
	k := vectorKey(t, dir)
	got, err := MultikeyPublic(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	if want := "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"; got != want {
		t.Errorf("MultikeyPublic = %s, want %s", got, want)
	}
	secret, err := MarshalMultikeySecret(k)
	if err != nil {
		t.Fatal(err)
	}
	if want := "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"; secret != want {
		t.Errorf("MarshalMultikeySecret = %s, want %s", secret, want)
	}
}

func TestMultikeyPublicRoundTrip(t *testing.T) {
	for _, tt := range []struct {
		typ    Type
		prefix string
	}{{Ed25519, "z6Mk"}, {P256, "zDn"}} {
		t.Run(string(tt.typ), func(t *testing.T) {
			for range 20 { // both parities of the P-256 y coordinate
				k, err := Generate(tt.typ)
				if err != nil {
					t.Fatal(err)
				}
				s, err := MultikeyPublic(k.Public())
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(s, tt.prefix) {
					t.Errorf("MultikeyPublic = %s, want prefix %s", s, tt.prefix)
				}
				pub, err := ParseMultikeyPublic(s)
				if err != nil {
					t.Fatalf("ParseMultikeyPublic(%s): %v", s, err)
				}
				if !pub.(interface{ Equal(crypto.PublicKey) bool }).Equal(k.Public()) {
					t.Fatalf("round trip of %s changed the key", s)
				}
			}
		})
	}
}

func TestParseMultikeyPublicRejects(t *testing.T) {
	enc := func(c multibase.Codec, n int, first byte) string {
		b := bytes.Repeat([]byte{0xff}, n) // x = 2^256-1 is beyond the field
		if n > 0 {
			b[0] = first
		}
		return "z" + multibase.EncodeBase58(multibase.AppendCodec(nil, c, b))
	}
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"base64 multibase", "uAQID", ErrInvalidKey},
		{"bad base58", "z0OIl", ErrInvalidKey},
		{"short ed25519", enc(multibase.Ed25519Pub, 31, 1), ErrInvalidKey},
		{"uncompressed P-256", enc(multibase.P256Pub, 65, 4), ErrInvalidKey},
		{"P-256 not on curve", enc(multibase.P256Pub, 33, 2), ErrInvalidKey},
		{"secret key codec", enc(multibase.Ed25519Priv, 32, 1), ErrUnsupported},
		{"secp256k1", enc(0xe7, 33, 2), ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseMultikeyPublic(tt.in); !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestParseMultikeySecret(t *testing.T) {
	k, err := Generate(Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	s, err := MarshalMultikeySecret(k)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseMultikeySecret(s)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Public().(ed25519.PublicKey).Equal(k.Public()) {
		t.Errorf("round trip changed the key")
	}
	p, err := Generate(P256)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := MarshalMultikeySecret(p); !errors.Is(err, ErrUnsupported) {
		t.Errorf("MarshalMultikeySecret(P-256) error = %v, want %v", err, ErrUnsupported)
	}
	pub, _ := MultikeyPublic(k.Public())
	if _, err := ParseMultikeySecret(pub); !errors.Is(err, ErrUnsupported) {
		t.Errorf("ParseMultikeySecret(public key) error = %v, want %v", err, ErrUnsupported)
	}
}

func TestParseMultikeyPairRejects(t *testing.T) {
	const (
		pub    = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
		secret = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
		other  = "z6MktgKTsu1QhX6QPbyqG6geXdw6FQCZBPq7uQpieWbiQiG7"
	)
	tests := []struct {
		name string
		json string
		want error
	}{
		{"mismatched public key", `{"publicKeyMultibase":"` + other + `","secretKeyMultibase":"` + secret + `"}`, ErrInvalidKey},
		{"no secret", `{"publicKeyMultibase":"` + pub + `"}`, ErrInvalidKey},
		{"both secret spellings", `{"secretKeyMultibase":"` + secret + `","privateKeyMultibase":"` + secret + `"}`, ErrInvalidKey},
		{"not json", `z3u2`, ErrInvalidKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseMultikeyPair([]byte(tt.json)); !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := ParseMultikeyPair([]byte(`{"publicKeyMultibase":"` + pub + `","secretKeyMultibase":"` + secret + `"}`)); err != nil {
		t.Errorf("secretKeyMultibase spelling: %v", err)
	}
}
