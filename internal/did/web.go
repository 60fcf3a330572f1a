package did

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"cairn/internal/keys"
)

const webPrefix = "did:web:"

// WebDIDToURL returns the HTTPS URL of a did:web's document, following the
// did:web method specification: "did:web:example.edu" becomes
// https://example.edu/.well-known/did.json, "did:web:example.edu:dept:cs"
// becomes https://example.edu/dept/cs/did.json, and a port is written
// "%3A": "did:web:example.edu%3A8443". Path segments keep their percent
// encoding; a segment that decodes to "." or ".." or holds "/" is refused.
func WebDIDToURL(did string) (string, error) {
	u, err := webURL(did)
	if err != nil {
		return "", fmt.Errorf("did:web url for %.100q: %w", did, err)
	}
	return u, nil
}

func webURL(did string) (string, error) {
	msi, ok := strings.CutPrefix(did, webPrefix)
	if !ok {
		return "", fmt.Errorf("not a did:web: %w", ErrInvalidDID)
	}
	segs := strings.Split(msi, ":")
	for _, s := range segs {
		if err := checkIDSegment(s); err != nil {
			return "", err
		}
	}
	host, err := url.PathUnescape(segs[0])
	if err != nil {
		return "", fmt.Errorf("host: %w: %v", ErrInvalidDID, err)
	}
	if err := checkHostPort(host); err != nil {
		return "", err
	}
	if len(segs) == 1 {
		return "https://" + host + "/.well-known/did.json", nil
	}
	for _, s := range segs[1:] {
		dec, _ := url.PathUnescape(s) // checked by checkIDSegment
		if dec == "." || dec == ".." || strings.ContainsAny(dec, "/\\") {
			return "", fmt.Errorf("path segment %q: %w", s, ErrInvalidDID)
		}
	}
	return "https://" + host + "/" + strings.Join(segs[1:], "/") + "/did.json", nil
}

// checkIDSegment accepts one ":"-separated part of a method-specific ID:
// ALPHA / DIGIT / "." / "-" / "_" / pct-encoded, at least one character.
func checkIDSegment(s string) error {
	if s == "" {
		return fmt.Errorf("empty identifier segment: %w", ErrInvalidDID)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '-', c == '_':
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			i += 2
		default:
			return fmt.Errorf("character %q in %q: %w", c, s, ErrInvalidDID)
		}
	}
	return nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// checkHostPort accepts a DNS name or IPv4 address, optionally with a port.
func checkHostPort(hp string) error {
	host, port, hasPort := strings.Cut(hp, ":")
	if hasPort {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || port[0] == '0' {
			return fmt.Errorf("port %q: %w", port, ErrInvalidDID)
		}
	}
	if host == "" || len(host) > 253 {
		return fmt.Errorf("host %q: %w", host, ErrInvalidDID)
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return fmt.Errorf("host %q: %w", host, ErrInvalidDID)
		}
		for _, c := range []byte(label) {
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
				return fmt.Errorf("host %q: %w", host, ErrInvalidDID)
			}
		}
	}
	return nil
}

// VerificationKey is a public key to publish in a did:web document.
// Fragment names its method ("key-3" gives "did:web:…#key-3"); it must stay
// the same for as long as the key is listed, because signed credentials
// refer to it. An empty Fragment means "key-N" for the key's position N,
// counting from 1, which is only stable if keys are never removed.
type VerificationKey struct {
	Fragment string
	Public   crypto.PublicKey
}

// WebDocument returns the DID document cairn serves for a did:web: one
// method per key (Multikey for Ed25519 and P-256, JsonWebKey for RSA), all
// listed for assertion and authentication, so that credentials signed with
// an older key still verify after a new one is added.
func WebDocument(did string, vks []VerificationKey) (*Document, error) {
	d, err := webDocument(did, vks)
	if err != nil {
		return nil, fmt.Errorf("did:web document for %.100q: %w", did, err)
	}
	return d, nil
}

func webDocument(did string, vks []VerificationKey) (*Document, error) {
	if _, err := webURL(did); err != nil {
		return nil, err
	}
	if len(vks) == 0 || len(vks) > MaxMethods {
		return nil, fmt.Errorf("%d keys, want 1 to %d: %w", len(vks), MaxMethods, ErrInvalidDocument)
	}
	d := &Document{ID: did, Context: []string{ContextDID}}
	var multikey, jwk bool
	for i, vk := range vks {
		frag := vk.Fragment
		if frag == "" {
			frag = "key-" + strconv.Itoa(i+1)
		}
		if err := checkIDSegment(frag); err != nil || strings.Contains(frag, "%") {
			return nil, fmt.Errorf("fragment %q: %w", frag, ErrInvalidDocument)
		}
		m := VerificationMethod{ID: did + "#" + frag, Controller: did}
		if _, dup := d.Method(m.ID); dup {
			return nil, fmt.Errorf("fragment %q used twice: %w", frag, ErrInvalidDocument)
		}
		switch vk.Public.(type) {
		case ed25519.PublicKey, *ecdsa.PublicKey:
			mb, err := keys.MultikeyPublic(vk.Public)
			if err != nil {
				return nil, fmt.Errorf("key %s: %w: %w", frag, ErrUnsupported, err)
			}
			m.Type, m.PublicKeyMultibase, multikey = TypeMultikey, mb, true
		case *rsa.PublicKey:
			j, err := keys.PublicJWK(vk.Public)
			if err != nil {
				return nil, fmt.Errorf("key %s: %w: %w", frag, ErrUnsupported, err)
			}
			raw, err := json.Marshal(j)
			if err != nil {
				return nil, fmt.Errorf("key %s: %w", frag, err)
			}
			m.Type, m.PublicKeyJWK, jwk = TypeJsonWebKey, raw, true
		default:
			return nil, fmt.Errorf("key %s of type %T: %w", frag, vk.Public, ErrUnsupported)
		}
		d.VerificationMethod = append(d.VerificationMethod, m)
		d.AssertionMethod = append(d.AssertionMethod, m.ID)
		d.Authentication = append(d.Authentication, m.ID)
	}
	if multikey {
		d.Context = append(d.Context, ContextMultikey)
	}
	if jwk {
		d.Context = append(d.Context, ContextJWK)
	}
	return d, nil
}
