package did

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

const (
	edMB  = "z6MkrUNrjvZZTCk3fY8WuqVaroya3y679Zjv41JxFtuhYAX5"
	p256M = "zDnaeTwe541Tc5Kdp1xyfs5E55ZrZbiueCWGozJBgebD4SXaW"
)

func TestParseDocumentForms(t *testing.T) {
	// Relative ids, a string @context, an embedded method under
	// authentication and a JsonWebKey2020 written by other software.
	doc := `{
	  "@context": "https://www.w3.org/ns/did/v1",
	  "id": "did:web:example.edu",
	  "verificationMethod": [
	    {"id": "#k1", "type": "Multikey", "controller": "did:web:example.edu", "publicKeyMultibase": "` + edMB + `"},
	    {"id": "did:web:example.edu#k2", "type": "JsonWebKey2020", "controller": "did:web:example.edu",
	     "publicKeyJwk": {"kty":"EC","crv":"P-256","x":"NC0HhVt2IWz6isQVJSqL26E6Rx67AV3CFGrSpo12Wmc","y":"6JVguaB3agJ2s2RnrUBAuN3ASOHetMmFQKn6UkWcThY"}}
	  ],
	  "assertionMethod": ["#k1", "did:web:example.edu#k2"],
	  "authentication": [
	    {"id": "#k3", "type": "Multikey", "controller": "did:web:example.edu", "publicKeyMultibase": "` + p256M + `"}
	  ],
	  "service": [{"id": "#s", "type": "LinkedDomains", "serviceEndpoint": "https://example.edu"}]
	}`
	d, err := ParseDocument([]byte(doc))
	if err != nil {
		t.Fatalf("ParseDocument: %v", err)
	}
	if len(d.Context) != 1 || d.Context[0] != ContextDID {
		t.Errorf("Context = %v, want [%s]", d.Context, ContextDID)
	}
	for _, tt := range []struct {
		id         string
		assertion  bool
		authentics bool
		file       string
	}{
		{"did:web:example.edu#k1", true, false, "ed25519.pub.jwk"},
		{"did:web:example.edu#k2", true, false, "p256.pub.jwk"},
		{"did:web:example.edu#k3", false, true, "p256.pub.jwk"},
	} {
		m, ok := d.Method(tt.id)
		if !ok {
			t.Errorf("no method %s", tt.id)
			continue
		}
		pub, err := m.PublicKey()
		if err != nil {
			t.Errorf("%s: %v", tt.id, err)
			continue
		}
		if !samePublic(pub, fixturePub(t, tt.file)) {
			t.Errorf("%s: wrong key", tt.id)
		}
		if got := d.Authorizes(AssertionMethod, tt.id); got != tt.assertion {
			t.Errorf("%s assertionMethod = %v, want %v", tt.id, got, tt.assertion)
		}
		if got := d.Authorizes(Authentication, tt.id); got != tt.authentics {
			t.Errorf("%s authentication = %v, want %v", tt.id, got, tt.authentics)
		}
	}
}

func TestParseDocumentRejects(t *testing.T) {
	vm := func(id, controller string) string {
		return fmt.Sprintf(`{"id":%q,"type":"Multikey","controller":%q,"publicKeyMultibase":%q}`, id, controller, edMB)
	}
	many := make([]string, MaxMethods+1)
	for i := range many {
		many[i] = vm(fmt.Sprintf("#k%d", i), "did:web:a.b")
	}
	tests := []struct {
		name string
		doc  string
		want error
	}{
		{"not json", `{`, ErrInvalidDocument},
		{"trailing data", `{"id":"did:web:a.b"} {}`, ErrInvalidDocument},
		{"no id", `{"verificationMethod":[]}`, ErrInvalidDID},
		{"id with fragment", `{"id":"did:web:a.b#x"}`, ErrInvalidDID},
		{"id not a did", `{"id":"https://a.b"}`, ErrInvalidDID},
		{"method of another DID", `{"id":"did:web:a.b","verificationMethod":[` + vm("did:web:evil.example#k", "did:web:a.b") + `]}`, ErrInvalidDocument},
		{"method id prefix trick", `{"id":"did:web:a.b","verificationMethod":[` + vm("did:web:a.bc#k", "did:web:a.b") + `]}`, ErrInvalidDocument},
		{"method without fragment", `{"id":"did:web:a.b","verificationMethod":[` + vm("did:web:a.b", "did:web:a.b") + `]}`, ErrInvalidDocument},
		{"duplicate method", `{"id":"did:web:a.b","verificationMethod":[` + vm("#k", "did:web:a.b") + `,` + vm("did:web:a.b#k", "did:web:a.b") + `]}`, ErrInvalidDocument},
		{"method without controller", `{"id":"did:web:a.b","verificationMethod":[{"id":"#k","type":"Multikey"}]}`, ErrInvalidDocument},
		{"reference to another DID", `{"id":"did:web:a.b","assertionMethod":["did:web:evil.example#k"]}`, ErrInvalidDocument},
		{"method not an object", `{"id":"did:web:a.b","verificationMethod":[7]}`, ErrInvalidDocument},
		{"too many methods", `{"id":"did:web:a.b","verificationMethod":[` + strings.Join(many, ",") + `]}`, ErrInvalidDocument},
		{"too many embedded methods", `{"id":"did:web:a.b","verificationMethod":[` + strings.Join(many[:MaxMethods], ",") + `],"authentication":[` + vm("#extra", "did:web:a.b") + `]}`, ErrInvalidDocument},
		{"too many references", `{"id":"did:web:a.b","assertionMethod":[` + strings.Repeat(`"#k",`, MaxMethods) + `"#k"]}`, ErrInvalidDocument},
		{"too large", `{"id":"did:web:a.b","x":"` + strings.Repeat("a", MaxDocumentBytes) + `"}`, ErrInvalidDocument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseDocument([]byte(tt.doc)); !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestMethodPublicKeyRejects(t *testing.T) {
	tests := []struct {
		name string
		m    VerificationMethod
		want error
	}{
		{"unknown type", VerificationMethod{Type: "EcdsaSecp256k1VerificationKey2019", PublicKeyMultibase: edMB}, ErrUnsupported},
		{"multikey without value", VerificationMethod{Type: TypeMultikey}, ErrInvalidDocument},
		{"jwk without value", VerificationMethod{Type: TypeJsonWebKey}, ErrInvalidDocument},
		{"both values", VerificationMethod{Type: TypeMultikey, PublicKeyMultibase: edMB, PublicKeyJWK: []byte(`{}`)}, ErrInvalidDocument},
		{"bad multibase", VerificationMethod{Type: TypeMultikey, PublicKeyMultibase: "z0"}, ErrInvalidDocument},
		{"private jwk", VerificationMethod{Type: TypeJsonWebKey, PublicKeyJWK: []byte(`{"kty":"OKP","crv":"Ed25519","x":"spWG_qyfuqjoqnYPJk3SH1pdB0NozTbR7zU1SBmyYaw","d":"LogbUQhA2IquunFmy8sP7_w8e1IUzKI2wBB53NSmrAg"}`)}, ErrInvalidDocument},
		{"Ed25519VerificationKey2020 holding P-256", VerificationMethod{Type: TypeEd25519VerificationKey2020, PublicKeyMultibase: p256M}, ErrInvalidDocument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.m.PublicKey(); !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
		})
	}
}

func FuzzParseDocument(f *testing.F) {
	f.Add([]byte(`{"id":"did:web:a.b","verificationMethod":[{"id":"#k","type":"Multikey","controller":"did:web:a.b","publicKeyMultibase":"` + edMB + `"}],"assertionMethod":["#k",{"id":"#j","type":"JsonWebKey","controller":"did:web:a.b","publicKeyJwk":{"kty":"OKP"}}]}`))
	f.Add([]byte(`{"@context":["x",{}],"id":"did:key:z"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseDocument(data)
		if err != nil {
			return
		}
		if len(d.VerificationMethod) > MaxMethods {
			t.Fatalf("%d methods accepted", len(d.VerificationMethod))
		}
		for _, m := range d.VerificationMethod {
			if !strings.HasPrefix(m.ID, d.ID+"#") {
				t.Fatalf("method %q is not a fragment of %q", m.ID, d.ID)
			}
			m.PublicKey() // must not panic
		}
	})
}
