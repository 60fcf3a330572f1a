package did

import (
	"crypto"
	"fmt"
	"strings"

	"cairn/internal/keys"
)

const keyPrefix = "did:key:"

// KeyDID returns the did:key for an Ed25519 ("did:key:z6Mk…") or P-256
// ("did:key:zDn…") public key.
func KeyDID(pub crypto.PublicKey) (string, error) {
	mb, err := keys.MultikeyPublic(pub)
	if err != nil {
		return "", fmt.Errorf("did:key: %w: %w", ErrUnsupported, err)
	}
	return keyPrefix + mb, nil
}

// ParseKeyDID returns the public key a did:key names. The DID must be bare
// (no fragment) and in its one canonical spelling.
func ParseKeyDID(did string) (crypto.PublicKey, error) {
	mb, ok := strings.CutPrefix(did, keyPrefix)
	if !ok {
		return nil, fmt.Errorf("parse did:key %.100q: not a did:key: %w", did, ErrInvalidDID)
	}
	if strings.ContainsAny(mb, ":/?#") {
		return nil, fmt.Errorf("parse did:key %.100q: unexpected path, query or fragment: %w", did, ErrInvalidDID)
	}
	pub, err := keys.ParseMultikeyPublic(mb)
	if err != nil {
		return nil, fmt.Errorf("parse did:key: %w: %w", ErrInvalidDID, err)
	}
	if again, err := keys.MultikeyPublic(pub); err != nil || again != mb {
		return nil, fmt.Errorf("parse did:key %.100q: not the canonical encoding: %w", did, ErrInvalidDID)
	}
	return pub, nil
}

// KeyDocument returns the DID document a did:key expands to: one Multikey
// method "did:key:z…#z…" listed for assertion and authentication.
func KeyDocument(did string) (*Document, error) {
	if _, err := ParseKeyDID(did); err != nil {
		return nil, err
	}
	vm := did + "#" + strings.TrimPrefix(did, keyPrefix)
	return &Document{
		Context: []string{ContextDID, ContextMultikey},
		ID:      did,
		VerificationMethod: []VerificationMethod{{
			ID:                 vm,
			Type:               TypeMultikey,
			Controller:         did,
			PublicKeyMultibase: strings.TrimPrefix(did, keyPrefix),
		}},
		AssertionMethod: []string{vm},
		Authentication:  []string{vm},
	}, nil
}
