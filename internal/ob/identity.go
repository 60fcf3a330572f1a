package ob

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"strings"
)

// IdentityObject identifies a learner by a value other than an id, most
// often an email address. When Hashed is true, IdentityHash is
// "sha256$" or "md5$" followed by the hex digest of the value with Salt
// appended; otherwise it is the value itself.
type IdentityObject struct {
	Type         Types                      `json:"type"`
	Hashed       bool                       `json:"hashed"`
	IdentityHash string                     `json:"identityHash"`
	IdentityType string                     `json:"identityType"`
	Salt         string                     `json:"salt"`
	Extra        map[string]json.RawMessage `json:"-"`
}

// MarshalJSON implements json.Marshaler.
func (o IdentityObject) MarshalJSON() ([]byte, error) { return encodeObject(o) }

// UnmarshalJSON implements json.Unmarshaler.
func (o *IdentityObject) UnmarshalJSON(data []byte) error { return decodeObject(data, o) }

// HashIdentity returns a hashed emailAddress IdentityObject for email, as
// OB 3.0 describes: identityHash is "sha256$" followed by the lower-case hex
// SHA-256 of the UTF-8 bytes of the normalized address with salt appended.
//
// OB 3.0 does not say how to normalize an address. cairn trims surrounding
// white space and lower-cases the whole address (local part included), so
// a learner or verifier who types it in another case still matches; mail
// systems treat addresses case-insensitively in practice. Use a fresh
// NewSalt for every credential, so that hashes cannot be compared across
// credentials or looked up in a precomputed table.
func HashIdentity(email, salt string) IdentityObject {
	sum := sha256.Sum256([]byte(normalizeEmail(email) + salt))
	return IdentityObject{
		Type:         SingleType(TypeIdentityObject),
		Hashed:       true,
		IdentityHash: "sha256$" + hex.EncodeToString(sum[:]),
		IdentityType: IdentityEmail,
		Salt:         salt,
	}
}

// NewSalt returns a random salt for HashIdentity: 128 bits from
// crypto/rand, as 26 base32 characters.
func NewSalt() string { return rand.Text() }

// Matches reports whether o identifies the learner with the given email
// address. o must have identityType emailAddress. A plain identityHash is
// compared with the address after normalizing both (see HashIdentity); a
// hashed one (sha256 or md5, hex in either case) is compared with the hash
// of the normalized address and, for credentials from issuers that hash
// the address as typed, of the address only trimmed.
func (o IdentityObject) Matches(email string) bool {
	if o.IdentityType != IdentityEmail || strings.TrimSpace(email) == "" {
		return false
	}
	if !o.Hashed {
		return normalizeEmail(o.IdentityHash) == normalizeEmail(email)
	}
	alg, digest, ok := strings.Cut(o.IdentityHash, "$")
	if !ok {
		return false
	}
	want, err := hex.DecodeString(digest)
	if err != nil {
		return false
	}
	for _, candidate := range []string{normalizeEmail(email), strings.TrimSpace(email)} {
		var got []byte
		switch strings.ToLower(alg) {
		case "sha256":
			sum := sha256.Sum256([]byte(candidate + o.Salt))
			got = sum[:]
		case "md5":
			sum := md5.Sum([]byte(candidate + o.Salt))
			got = sum[:]
		default:
			return false
		}
		if subtle.ConstantTimeCompare(got, want) == 1 {
			return true
		}
	}
	return false
}

func normalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }
