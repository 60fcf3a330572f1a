package did

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cairn/internal/keys"
	"cairn/internal/vendordata"
)

func TestKeyDIDW3CVector(t *testing.T) {
	dir := vendordata.Dir(t, "vc-di-eddsa")
	data, err := os.ReadFile(filepath.Join(dir, "TestVectors", "keyPair.json"))
	if err != nil {
		t.Fatal(err)
	}
	k, err := keys.ParseMultikeyPair(data)
	if err != nil {
		t.Fatal(err)
	}
	got, err := KeyDID(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	const want = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
	if got != want {
		t.Errorf("KeyDID = %s, want %s", got, want)
	}
}

func TestKeyDIDFixtures(t *testing.T) {
	// Expected values computed outside Go (Node.js point compression and a
	// separate base58 encoder).
	tests := []struct {
		file string
		want string
	}{
		{"ed25519.pub.jwk", "did:key:z6MkrUNrjvZZTCk3fY8WuqVaroya3y679Zjv41JxFtuhYAX5"},
		{"p256.pub.jwk", "did:key:zDnaeTwe541Tc5Kdp1xyfs5E55ZrZbiueCWGozJBgebD4SXaW"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			pub := fixturePub(t, tt.file)
			got, err := KeyDID(pub)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("KeyDID = %s, want %s", got, tt.want)
			}
			back, err := ParseKeyDID(got)
			if err != nil {
				t.Fatalf("ParseKeyDID: %v", err)
			}
			if !samePublic(back, pub) {
				t.Errorf("ParseKeyDID gave a different key")
			}
		})
	}
}

func TestKeyDIDRoundTrip(t *testing.T) {
	for _, typ := range []keys.Type{keys.Ed25519, keys.P256} {
		t.Run(string(typ), func(t *testing.T) {
			k, err := keys.Generate(typ)
			if err != nil {
				t.Fatal(err)
			}
			did, err := KeyDID(k.Public())
			if err != nil {
				t.Fatal(err)
			}
			pub, err := ParseKeyDID(did)
			if err != nil {
				t.Fatalf("ParseKeyDID(%s): %v", did, err)
			}
			if !samePublic(pub, k.Public()) {
				t.Errorf("round trip changed the key")
			}
			switch pub.(type) {
			case ed25519.PublicKey:
				if !strings.HasPrefix(did, "did:key:z6Mk") {
					t.Errorf("did = %s, want prefix did:key:z6Mk", did)
				}
			case *ecdsa.PublicKey:
				if !strings.HasPrefix(did, "did:key:zDn") {
					t.Errorf("did = %s, want prefix did:key:zDn", did)
				}
			}
		})
	}
}

func TestKeyDIDRejects(t *testing.T) {
	if _, err := KeyDID(fixturePub(t, "rsa2048.pub.jwk")); !errors.Is(err, ErrUnsupported) {
		t.Errorf("KeyDID(RSA) error = %v, want %v", err, ErrUnsupported)
	}
	const good = "did:key:z6MkrUNrjvZZTCk3fY8WuqVaroya3y679Zjv41JxFtuhYAX5"
	tests := []struct {
		name string
		did  string
	}{
		{"did:web", "did:web:example.edu"},
		{"fragment", good + "#z6MkrUNrjvZZTCk3fY8WuqVaroya3y679Zjv41JxFtuhYAX5"},
		{"version prefix", "did:key:1:z6MkrUNrjvZZTCk3fY8WuqVaroya3y679Zjv41JxFtuhYAX5"},
		{"base64 multibase", "did:key:u7QGylYb-rJ-6qOiqdg8mTdIfWl0HQ2jNNtHvNTVIGbJhrA"},
		{"truncated", good[:len(good)-3]},
		{"bad base58", "did:key:z6Mk0OIl"},
		{"empty", "did:key:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseKeyDID(tt.did); !errors.Is(err, ErrInvalidDID) {
				t.Errorf("ParseKeyDID(%s) error = %v, want %v", tt.did, err, ErrInvalidDID)
			}
		})
	}
}

func TestKeyDocumentGolden(t *testing.T) {
	d, err := KeyDocument("did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "key-document.golden.json", d)
	const vm = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
	if !d.Authorizes(AssertionMethod, vm) || !d.Authorizes(Authentication, vm) {
		t.Errorf("%s is not listed for assertion and authentication", vm)
	}
}

func TestKeyDocumentP256(t *testing.T) {
	pub, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	did, err := KeyDID(&pub.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	d, err := KeyDocument(did)
	if err != nil {
		t.Fatal(err)
	}
	m, ok := d.Method(did + "#" + strings.TrimPrefix(did, "did:key:"))
	if !ok {
		t.Fatalf("no method %s#… in %+v", did, d)
	}
	got, err := m.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	if !samePublic(got, &pub.PublicKey) {
		t.Errorf("method key differs from the DID's key")
	}
}
