package did

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestWebDIDToURL(t *testing.T) {
	tests := []struct {
		did  string
		want string
	}{
		{"did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"},
		{"did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"},
		{"did:web:example.com%3A3000", "https://example.com:3000/.well-known/did.json"},
		{"did:web:example.com%3a3000:user:alice", "https://example.com:3000/user/alice/did.json"},
		{"did:web:kpu.ca:credentials", "https://kpu.ca/credentials/did.json"},
		{"did:web:127.0.0.1%3A8443", "https://127.0.0.1:8443/.well-known/did.json"},
		{"did:web:example.edu:a%20b", "https://example.edu/a%20b/did.json"},
		{"did:web:example.edu:dept_1:x-y.z", "https://example.edu/dept_1/x-y.z/did.json"},
	}
	for _, tt := range tests {
		t.Run(tt.did, func(t *testing.T) {
			got, err := WebDIDToURL(tt.did)
			if err != nil {
				t.Fatalf("WebDIDToURL: %v", err)
			}
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestWebDIDToURLRejects(t *testing.T) {
	tests := []struct {
		name string
		did  string
	}{
		{"did:key", "did:key:z6Mk"},
		{"no host", "did:web:"},
		{"empty path segment", "did:web:example.com::alice"},
		{"trailing colon", "did:web:example.com:"},
		{"slash", "did:web:example.com/alice"},
		{"fragment", "did:web:example.com#key-1"},
		{"query", "did:web:example.com?x=1"},
		{"userinfo", "did:web:user%40example.com"},
		{"dot segment", "did:web:example.com:..:secret"},
		{"encoded dot segment", "did:web:example.com:%2E%2E:secret"},
		{"encoded slash", "did:web:example.com:a%2Fb"},
		{"bad percent", "did:web:example.com:a%zz"},
		{"truncated percent", "did:web:example.com:a%2"},
		{"port zero", "did:web:example.com%3A0"},
		{"port too big", "did:web:example.com%3A70000"},
		{"port not a number", "did:web:example.com%3Ahttp"},
		{"two ports", "did:web:example.com%3A1%3A2"},
		{"empty label", "did:web:example..com"},
		{"label starting with hyphen", "did:web:-example.com"},
		{"ipv6 literal", "did:web:%5B%3A%3A1%5D"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := WebDIDToURL(tt.did); !errors.Is(err, ErrInvalidDID) {
				t.Errorf("WebDIDToURL(%s) = %q, %v, want error %v", tt.did, got, err, ErrInvalidDID)
			}
		})
	}
}

func TestWebDocumentGolden(t *testing.T) {
	d, err := WebDocument("did:web:credentials.example.edu", []VerificationKey{
		{Fragment: "key-1", Public: fixturePub(t, "rsa2048.pub.jwk")},
		{Fragment: "key-2", Public: fixturePub(t, "p256.pub.jwk")},
		{Fragment: "key-3", Public: fixturePub(t, "ed25519.pub.jwk")},
	})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "web-document.golden.json", d)
}

func TestWebDocumentKeysResolve(t *testing.T) {
	const did = "did:web:example.edu:issuers:registrar"
	pubs := []string{"ed25519.pub.jwk", "p256.pub.jwk", "rsa2048.pub.jwk"}
	var vks []VerificationKey
	for _, f := range pubs {
		vks = append(vks, VerificationKey{Public: fixturePub(t, f)})
	}
	d, err := WebDocument(did, vks)
	if err != nil {
		t.Fatal(err)
	}
	// What cairn serves must be what a verifier reads back.
	parsed, err := ParseDocument(mustJSON(t, d))
	if err != nil {
		t.Fatalf("ParseDocument: %v", err)
	}
	for i, f := range pubs {
		id := did + "#key-" + string(rune('1'+i))
		m, ok := parsed.Method(id)
		if !ok {
			t.Fatalf("no method %s", id)
		}
		wantType := TypeMultikey
		if strings.HasPrefix(f, "rsa") {
			wantType = TypeJsonWebKey
		}
		if m.Type != wantType || m.Controller != did {
			t.Errorf("%s: type %s controller %s, want %s %s", id, m.Type, m.Controller, wantType, did)
		}
		pub, err := m.PublicKey()
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if !samePublic(pub, vks[i].Public) {
			t.Errorf("%s: key differs", id)
		}
		if !parsed.Authorizes(AssertionMethod, id) || !parsed.Authorizes(Authentication, id) {
			t.Errorf("%s not listed for assertion and authentication", id)
		}
	}
}

func TestWebDocumentRejects(t *testing.T) {
	ed := fixturePub(t, "ed25519.pub.jwk")
	tests := []struct {
		name string
		did  string
		keys []VerificationKey
		want error
	}{
		{"no keys", "did:web:example.edu", nil, ErrInvalidDocument},
		{"duplicate fragment", "did:web:example.edu", []VerificationKey{{"k", ed}, {"k", ed}}, ErrInvalidDocument},
		{"default fragment collides", "did:web:example.edu", []VerificationKey{{"key-2", ed}, {"", ed}}, ErrInvalidDocument},
		{"fragment with hash", "did:web:example.edu", []VerificationKey{{"a#b", ed}}, ErrInvalidDocument},
		{"unsupported key", "did:web:example.edu", []VerificationKey{{"", "not a key"}}, ErrUnsupported},
		{"not did:web", "did:key:z6Mk", []VerificationKey{{"", ed}}, ErrInvalidDID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := WebDocument(tt.did, tt.keys); !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestWebDocumentKeyLimit(t *testing.T) {
	ed := fixturePub(t, "ed25519.pub.jwk")
	vks := make([]VerificationKey, MaxMethods)
	for i := range vks {
		vks[i] = VerificationKey{Public: ed}
	}
	d, err := WebDocument("did:web:example.edu", vks)
	if err != nil {
		t.Fatalf("WebDocument with %d keys: %v", MaxMethods, err)
	}
	if _, err := ParseDocument(mustJSON(t, d)); err != nil {
		t.Errorf("ParseDocument of a document with %d keys: %v", MaxMethods, err)
	}
	if _, err := WebDocument("did:web:example.edu", append(vks, vks[0])); !errors.Is(err, ErrInvalidDocument) {
		t.Errorf("WebDocument with %d keys: error = %v, want %v", MaxMethods+1, err, ErrInvalidDocument)
	}
}

func TestWebDocumentJSONShape(t *testing.T) {
	d, err := WebDocument("did:web:example.edu", []VerificationKey{{Public: fixturePub(t, "rsa2048.pub.jwk")}})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(mustJSON(t, d), &m); err != nil {
		t.Fatal(err)
	}
	vm := m["verificationMethod"].([]any)[0].(map[string]any)
	jwk, ok := vm["publicKeyJwk"].(map[string]any)
	if !ok || jwk["kty"] != "RSA" {
		t.Errorf("publicKeyJwk = %v, want an RSA JWK object", vm["publicKeyJwk"])
	}
	if _, ok := vm["publicKeyMultibase"]; ok {
		t.Errorf("RSA method has publicKeyMultibase")
	}
}
