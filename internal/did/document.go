package did

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"cairn/internal/keys"
)

// Limits on a DID document read from elsewhere.
const (
	MaxDocumentBytes = 256 << 10
	MaxMethods       = 100
)

// Context URLs used in the documents this package writes.
const (
	ContextDID      = "https://www.w3.org/ns/did/v1"
	ContextMultikey = "https://w3id.org/security/multikey/v1"
	ContextJWK      = "https://w3id.org/security/jwk/v1"
)

// Verification method types this package writes and reads.
const (
	TypeMultikey   = "Multikey"
	TypeJsonWebKey = "JsonWebKey"
	// Read only, for documents written by other software.
	TypeJsonWebKey2020             = "JsonWebKey2020"
	TypeEd25519VerificationKey2020 = "Ed25519VerificationKey2020"
)

// Errors returned by this package; match them with errors.Is.
var (
	ErrInvalidDID      = errors.New("invalid DID")
	ErrInvalidDocument = errors.New("invalid DID document")
	ErrUnsupported     = errors.New("unsupported DID method or key type")
	ErrNotFound        = errors.New("not found")
	ErrNotAuthorized   = errors.New("verification method not authorized for this purpose")
	ErrFetch           = errors.New("fetch DID document")
)

// Relationship is a verification relationship: the purpose a DID document
// authorizes a verification method for.
type Relationship string

// The relationships cairn checks. Credentials are signed for
// AssertionMethod.
const (
	AssertionMethod Relationship = "assertionMethod"
	Authentication  Relationship = "authentication"
)

// Document is a DID document as cairn writes it and, after ParseDocument,
// as it reads one: relationship entries are absolute method IDs, and
// methods embedded in a relationship are listed in VerificationMethod.
type Document struct {
	Context            []string             `json:"@context"`
	ID                 string               `json:"id"`
	VerificationMethod []VerificationMethod `json:"verificationMethod"`
	AssertionMethod    []string             `json:"assertionMethod,omitempty"`
	Authentication     []string             `json:"authentication,omitempty"`
}

// VerificationMethod is one public key in a DID document: a Multikey with
// PublicKeyMultibase or a JsonWebKey with PublicKeyJWK.
type VerificationMethod struct {
	ID                 string          `json:"id"`
	Type               string          `json:"type"`
	Controller         string          `json:"controller"`
	PublicKeyMultibase string          `json:"publicKeyMultibase,omitempty"`
	PublicKeyJWK       json.RawMessage `json:"publicKeyJwk,omitempty"`
}

// Method returns the verification method with the absolute ID id.
func (d *Document) Method(id string) (*VerificationMethod, bool) {
	for i := range d.VerificationMethod {
		if d.VerificationMethod[i].ID == id {
			return &d.VerificationMethod[i], true
		}
	}
	return nil, false
}

// Authorizes reports whether the document lists the method id under rel.
func (d *Document) Authorizes(rel Relationship, id string) bool {
	var list []string
	switch rel {
	case AssertionMethod:
		list = d.AssertionMethod
	case Authentication:
		list = d.Authentication
	}
	for _, v := range list {
		if v == id {
			return true
		}
	}
	return false
}

func (d *Document) clone() *Document {
	c := *d
	c.Context = append([]string(nil), d.Context...)
	c.VerificationMethod = append([]VerificationMethod(nil), d.VerificationMethod...)
	c.AssertionMethod = append([]string(nil), d.AssertionMethod...)
	c.Authentication = append([]string(nil), d.Authentication...)
	return &c
}

// PublicKey decodes the method's public key.
func (m *VerificationMethod) PublicKey() (crypto.PublicKey, error) {
	pub, err := m.publicKey()
	if err != nil {
		return nil, fmt.Errorf("verification method %s: %w", m.ID, err)
	}
	return pub, nil
}

func (m *VerificationMethod) publicKey() (crypto.PublicKey, error) {
	hasMB, hasJWK := m.PublicKeyMultibase != "", len(m.PublicKeyJWK) != 0
	if hasMB && hasJWK {
		return nil, fmt.Errorf("both publicKeyMultibase and publicKeyJwk: %w", ErrInvalidDocument)
	}
	switch m.Type {
	case TypeMultikey, TypeEd25519VerificationKey2020:
		if !hasMB {
			return nil, fmt.Errorf("%s without publicKeyMultibase: %w", m.Type, ErrInvalidDocument)
		}
		pub, err := keys.ParseMultikeyPublic(m.PublicKeyMultibase)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidDocument, err)
		}
		if _, ok := pub.(ed25519.PublicKey); !ok && m.Type == TypeEd25519VerificationKey2020 {
			return nil, fmt.Errorf("%s holds a %T: %w", m.Type, pub, ErrInvalidDocument)
		}
		return pub, nil
	case TypeJsonWebKey, TypeJsonWebKey2020:
		if !hasJWK {
			return nil, fmt.Errorf("%s without publicKeyJwk: %w", m.Type, ErrInvalidDocument)
		}
		pub, err := keys.ParsePublicJWK(m.PublicKeyJWK)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidDocument, err)
		}
		return pub, nil
	}
	return nil, fmt.Errorf("method type %q: %w", m.Type, ErrUnsupported)
}

// rawDocument is a DID document as found: @context may be a string or a
// list with objects, and relationship entries may be references or
// embedded methods.
type rawDocument struct {
	Context            json.RawMessage   `json:"@context"`
	ID                 string            `json:"id"`
	VerificationMethod []json.RawMessage `json:"verificationMethod"`
	AssertionMethod    []json.RawMessage `json:"assertionMethod"`
	Authentication     []json.RawMessage `json:"authentication"`
}

// ParseDocument reads a DID document of at most MaxDocumentBytes with at
// most MaxMethods methods, listed or embedded, and MaxMethods entries in
// each relationship. It resolves
// relative method IDs ("#key-1") against the document ID and requires every
// method ID to be a fragment of it, with no duplicates. String @context
// entries are kept; embedded context objects are dropped.
func ParseDocument(data []byte) (*Document, error) {
	d, err := parseDocument(data)
	if err != nil {
		return nil, fmt.Errorf("parse DID document: %w", err)
	}
	return d, nil
}

func parseDocument(data []byte) (*Document, error) {
	if len(data) > MaxDocumentBytes {
		return nil, fmt.Errorf("%d bytes, limit %d: %w", len(data), MaxDocumentBytes, ErrInvalidDocument)
	}
	var raw rawDocument
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidDocument, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("data after the document: %w", ErrInvalidDocument)
	}
	if err := checkDID(raw.ID); err != nil {
		return nil, fmt.Errorf("document id: %w", err)
	}
	for name, list := range map[string][]json.RawMessage{
		"verificationMethod": raw.VerificationMethod,
		"assertionMethod":    raw.AssertionMethod,
		"authentication":     raw.Authentication,
	} {
		if len(list) > MaxMethods {
			return nil, fmt.Errorf("%s has %d entries, limit %d: %w", name, len(list), MaxMethods, ErrInvalidDocument)
		}
	}
	d := &Document{ID: raw.ID, Context: contextStrings(raw.Context)}
	for _, r := range raw.VerificationMethod {
		if err := d.addMethod(r); err != nil {
			return nil, err
		}
	}
	var err error
	if d.AssertionMethod, err = d.relationship(raw.AssertionMethod); err != nil {
		return nil, fmt.Errorf("assertionMethod: %w", err)
	}
	if d.Authentication, err = d.relationship(raw.Authentication); err != nil {
		return nil, fmt.Errorf("authentication: %w", err)
	}
	return d, nil
}

func contextStrings(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		return nil
	}
	var out []string
	for _, item := range list {
		if json.Unmarshal(item, &one) == nil {
			out = append(out, one)
		}
	}
	return out
}

// absolute resolves a method ID against the document and checks that it
// names a fragment of the document's DID.
func (d *Document) absolute(id string) (string, error) {
	if strings.HasPrefix(id, "#") {
		id = d.ID + id
	}
	frag, ok := strings.CutPrefix(id, d.ID+"#")
	if !ok || frag == "" {
		return "", fmt.Errorf("method id %.100q is not a fragment of %s: %w", id, d.ID, ErrInvalidDocument)
	}
	return id, nil
}

func (d *Document) addMethod(raw json.RawMessage) error {
	var m VerificationMethod
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("verification method: %w: %v", ErrInvalidDocument, err)
	}
	id, err := d.absolute(m.ID)
	if err != nil {
		return err
	}
	m.ID = id
	if m.Type == "" || m.Controller == "" {
		return fmt.Errorf("method %s lacks type or controller: %w", id, ErrInvalidDocument)
	}
	if len(d.VerificationMethod) >= MaxMethods {
		return fmt.Errorf("more than %d methods: %w", MaxMethods, ErrInvalidDocument)
	}
	if _, dup := d.Method(id); dup {
		return fmt.Errorf("method %s listed twice: %w", id, ErrInvalidDocument)
	}
	d.VerificationMethod = append(d.VerificationMethod, m)
	return nil
}

func (d *Document) relationship(entries []json.RawMessage) ([]string, error) {
	var out []string
	for _, e := range entries {
		var ref string
		if json.Unmarshal(e, &ref) == nil {
			id, err := d.absolute(ref)
			if err != nil {
				return nil, err
			}
			out = append(out, id)
			continue
		}
		if err := d.addMethod(e); err != nil {
			return nil, err
		}
		out = append(out, d.VerificationMethod[len(d.VerificationMethod)-1].ID)
	}
	return out, nil
}

// checkDID accepts a bare DID: "did:", a lower-case method name, ":" and a
// method-specific ID, with no path, query or fragment.
func checkDID(s string) error {
	rest, ok := strings.CutPrefix(s, "did:")
	if !ok {
		return fmt.Errorf("%.100q does not start with did: %w", s, ErrInvalidDID)
	}
	method, msi, ok := strings.Cut(rest, ":")
	if !ok || method == "" || msi == "" {
		return fmt.Errorf("%.100q has no method and identifier: %w", s, ErrInvalidDID)
	}
	for _, c := range []byte(method) {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return fmt.Errorf("%.100q: bad method name: %w", s, ErrInvalidDID)
		}
	}
	if strings.ContainsAny(msi, "/?#") {
		return fmt.Errorf("%.100q has a path, query or fragment: %w", s, ErrInvalidDID)
	}
	return nil
}
