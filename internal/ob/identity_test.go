package ob

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"
)

// specVector is the example in the OB 3.0 definition of IdentityHash: the
// SHA-256 of "a@example.com" salted with "Kosher".
const specVector = "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"

func TestHashIdentityMatchesSpecExample(t *testing.T) {
	got := HashIdentity("a@example.com", "Kosher")
	if got.IdentityHash != specVector {
		t.Errorf("identityHash: got %s, want %s", got.IdentityHash, specVector)
	}
	if !got.Hashed || got.IdentityType != IdentityEmail || got.Salt != "Kosher" || !got.Type.Has(TypeIdentityObject) {
		t.Errorf("got %+v, want a hashed emailAddress IdentityObject salted with Kosher", got)
	}
}

func TestHashIdentityNormalizesTheAddress(t *testing.T) {
	const salt = "BGREOE6ZNOKEJ54IUDZLVZAFII"
	// Computed here from the normalized address, independently of HashIdentity.
	sum := sha256.Sum256([]byte("jordan.nakamura@student.kpu.ca" + salt))
	want := "sha256$" + hex.EncodeToString(sum[:])
	for _, email := range []string{"jordan.nakamura@student.kpu.ca", "  Jordan.Nakamura@Student.KPU.ca\n"} {
		if got := HashIdentity(email, salt).IdentityHash; got != want {
			t.Errorf("HashIdentity(%q): got %s, want %s", email, got, want)
		}
	}
	// The shared fixture's identifier was made the same way.
	const fixture = "sha256$0a7d9db36bbd6ef84ffaa708c953f4c6f588717bde8fad08e7d5dede42078597"
	if want != fixture {
		t.Errorf("fixture hash: got %s, want %s", fixture, want)
	}
}

func TestHashIdentityJSON(t *testing.T) {
	out, err := json.Marshal(HashIdentity("a@example.com", "Kosher"))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"IdentityObject","hashed":true,"identityHash":"` + specVector + `","identityType":"emailAddress","salt":"Kosher"}`
	if string(out) != want {
		t.Errorf("got %s, want %s", out, want)
	}
}

func TestIdentityObjectMatches(t *testing.T) {
	hashed := IdentityObject{Hashed: true, IdentityHash: specVector, IdentityType: IdentityEmail, Salt: "Kosher"}
	upperHex := hashed
	upperHex.IdentityHash = "sha256$B5809D8A92F8858436D7E6B87C12EBC0AE1EAC4BAECC2C0B913AEE2C922EF399"
	md5Hashed := IdentityObject{Hashed: true, IdentityHash: "md5$ddd142639a792e74751ee7e129237efa", IdentityType: IdentityEmail, Salt: "Kosher"}
	// An issuer that hashed the address as typed, without lower-casing it.
	sum := sha256.Sum256([]byte("Alex.Martin@Example.com" + "pepper"))
	asTyped := IdentityObject{Hashed: true, IdentityHash: "sha256$" + hex.EncodeToString(sum[:]), IdentityType: IdentityEmail, Salt: "pepper"}
	plain := IdentityObject{IdentityHash: "Alex.Martin@example.com", IdentityType: IdentityEmail}
	otherType := hashed
	otherType.IdentityType = "userName"
	unknownAlg := hashed
	unknownAlg.IdentityHash = "sha1$" + specVector[len("sha256$"):]
	notHex := hashed
	notHex.IdentityHash = "sha256$not-hex"

	tests := []struct {
		name  string
		id    IdentityObject
		email string
		want  bool
	}{
		{"hashed address matches", hashed, "a@example.com", true},
		{"hashed address matches in another case", hashed, " A@Example.COM ", true},
		{"upper-case hex matches", upperHex, "a@example.com", true},
		{"md5 hash matches", md5Hashed, "a@example.com", true},
		{"hash of the address as typed matches", asTyped, "Alex.Martin@Example.com", true},
		{"plain address matches in another case", plain, "alex.martin@EXAMPLE.com", true},
		{"other address does not match", hashed, "b@example.com", false},
		{"other salt does not match", IdentityObject{Hashed: true, IdentityHash: specVector, IdentityType: IdentityEmail, Salt: "Halal"}, "a@example.com", false},
		{"other identity type does not match", otherType, "a@example.com", false},
		{"unknown algorithm does not match", unknownAlg, "a@example.com", false},
		{"malformed hash does not match", notHex, "a@example.com", false},
		{"empty address does not match", plain, "  ", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.id.Matches(tt.email); got != tt.want {
				t.Errorf("Matches(%q): got %v, want %v", tt.email, got, tt.want)
			}
		})
	}
}

func TestNewSaltIsFreshEachTime(t *testing.T) {
	a, b := NewSalt(), NewSalt()
	if len(a) != 26 {
		t.Errorf("salt %q: got %d characters, want 26", a, len(a))
	}
	if a == b {
		t.Errorf("two salts are both %q", a)
	}
}
