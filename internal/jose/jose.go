package jose

import (
	"bytes"
	"crypto"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"cairn/internal/keys"
)

// DefaultTyp is the typ header of a credential secured with JOSE.
const DefaultTyp = "vc+jwt"

// Default limits for Parse.
const (
	DefaultMaxTokenBytes  = 4 << 20
	DefaultMaxHeaderBytes = 8 << 10
	maxHeaderDepth        = 16
)

// Errors returned by this package; match them with errors.Is. Errors from
// package keys (keys.ErrMismatch, keys.ErrWeakKey, ...) stay in the chain.
var (
	ErrMalformed = errors.New("malformed JWS")
	ErrTooLarge  = errors.New("JWS too large")
	ErrAlgorithm = errors.New("JWS algorithm not allowed")
	ErrKey       = errors.New("JWS key unusable")
	ErrSignature = errors.New("JWS signature invalid")
)

// DefaultAlgorithms returns the algorithms Verify allows when given none.
func DefaultAlgorithms() []string { return []string{keys.EdDSA, keys.ES256, keys.RS256} }

// Limits bounds what Parse accepts; zero fields take the defaults.
type Limits struct {
	MaxTokenBytes  int // the whole compact token
	MaxHeaderBytes int // the decoded protected header
}

// Header is the part of the protected header cairn reads.
type Header struct {
	Alg string `json:"alg"`
	Kid string `json:"kid,omitempty"`
	Typ string `json:"typ,omitempty"`
	Cty string `json:"cty,omitempty"`
}

// JWS is a parsed compact JWS. Its signature is unchecked until Verify
// returns nil.
type JWS struct {
	Header    Header
	RawHeader []byte // the decoded protected header JSON
	Payload   []byte
	Signature []byte

	signingInput string
}

var b64 = base64.RawURLEncoding

// Sign returns the compact JWS of payload signed by s. An empty alg means
// the key's own algorithm and an empty typ means DefaultTyp; kid is
// omitted when empty. An alg that does not fit the key is refused.
func Sign(payload []byte, s crypto.Signer, alg, kid, typ string) (string, error) {
	if alg == "" {
		a, err := keys.AlgorithmFor(s.Public())
		if err != nil {
			return "", fmt.Errorf("sign jws: %w", err)
		}
		alg = a
	}
	if typ == "" {
		typ = DefaultTyp
	}
	h, err := json.Marshal(Header{Alg: alg, Kid: kid, Typ: typ})
	if err != nil {
		return "", fmt.Errorf("sign jws: %w", err)
	}
	input := b64.EncodeToString(h) + "." + b64.EncodeToString(payload)
	sig, err := keys.Sign(s, alg, []byte(input))
	if err != nil {
		return "", fmt.Errorf("sign jws: %w", err)
	}
	return input + "." + b64.EncodeToString(sig), nil
}

// Parse splits and decodes a compact JWS within lim. It checks the form
// only (three canonical base64url parts, a JSON object header with a string
// alg, no duplicate members, no crit or unencoded payload); Verify checks
// the signature.
func Parse(token string, lim Limits) (*JWS, error) {
	j, err := parse(token, lim)
	if err != nil {
		return nil, fmt.Errorf("parse jws: %w", err)
	}
	return j, nil
}

func parse(token string, lim Limits) (*JWS, error) {
	maxToken, maxHeader := lim.MaxTokenBytes, lim.MaxHeaderBytes
	if maxToken <= 0 {
		maxToken = DefaultMaxTokenBytes
	}
	if maxHeader <= 0 {
		maxHeader = DefaultMaxHeaderBytes
	}
	if len(token) > maxToken {
		return nil, fmt.Errorf("%d bytes, limit %d: %w", len(token), maxToken, ErrTooLarge)
	}
	// The base64 decoder skips CR and LF; a compact JWS has none, so a
	// token carrying them is refused rather than read as another token.
	if strings.ContainsAny(token, "\r\n") {
		return nil, fmt.Errorf("line break in token: %w", ErrMalformed)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%d parts, want 3: %w", len(parts), ErrMalformed)
	}
	if len(parts[0]) > b64.EncodedLen(maxHeader) {
		return nil, fmt.Errorf("header over %d bytes: %w", maxHeader, ErrTooLarge)
	}
	var dec [3][]byte
	for i, name := range [3]string{"header", "payload", "signature"} {
		if parts[i] == "" {
			return nil, fmt.Errorf("empty %s: %w", name, ErrMalformed)
		}
		b, err := b64.Strict().DecodeString(parts[i])
		if err != nil {
			return nil, fmt.Errorf("%s is not base64url: %w", name, ErrMalformed)
		}
		dec[i] = b
	}
	h, err := parseHeader(dec[0])
	if err != nil {
		return nil, err
	}
	return &JWS{
		Header:       h,
		RawHeader:    dec[0],
		Payload:      dec[1],
		Signature:    dec[2],
		signingInput: parts[0] + "." + parts[1],
	}, nil
}

func parseHeader(raw []byte) (Header, error) {
	if err := checkObject(raw); err != nil {
		return Header{}, fmt.Errorf("header: %w: %v", ErrMalformed, err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return Header{}, fmt.Errorf("header: %w: %v", ErrMalformed, err)
	}
	var h Header
	for name, dst := range map[string]*string{"alg": &h.Alg, "kid": &h.Kid, "typ": &h.Typ, "cty": &h.Cty} {
		v, ok := m[name]
		if !ok {
			continue
		}
		if err := json.Unmarshal(v, dst); err != nil || string(v) == "null" {
			return Header{}, fmt.Errorf("header %q is not a string: %w", name, ErrMalformed)
		}
	}
	if h.Alg == "" {
		return Header{}, fmt.Errorf("header has no alg: %w", ErrMalformed)
	}
	// RFC 7515 section 4.1.11: extensions listed in crit must be understood,
	// and cairn understands none. RFC 7797's b64 only matters under crit,
	// but a false b64 is refused outright rather than ignored.
	if _, ok := m["crit"]; ok {
		return Header{}, fmt.Errorf("header has crit: %w", ErrMalformed)
	}
	if v, ok := m["b64"]; ok && string(v) != "true" {
		return Header{}, fmt.Errorf("header has b64 %s: %w", v, ErrMalformed)
	}
	return h, nil
}

// checkObject checks that raw is one JSON object, nested at most
// maxHeaderDepth deep, with no member name repeated in any object.
func checkObject(raw []byte) error {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	type frame struct {
		obj   bool
		names map[string]bool
		key   bool // the next token in this object is a member name
	}
	var stack []frame
	for first := true; ; first = false {
		tok, err := d.Token()
		if err == io.EOF {
			if len(stack) != 0 {
				return errors.New("unexpected end")
			}
			return nil
		}
		if err != nil {
			return err
		}
		if first && tok != json.Delim('{') {
			return errors.New("not an object")
		}
		if !first && len(stack) == 0 {
			return errors.New("data after the object")
		}
		if n := len(stack); n > 0 && stack[n-1].obj && stack[n-1].key {
			if tok == json.Delim('}') {
				stack = stack[:n-1]
				continue
			}
			name := tok.(string) // the decoder only yields strings here
			if stack[n-1].names[name] {
				return fmt.Errorf("member %q repeated", name)
			}
			stack[n-1].names[name] = true
			stack[n-1].key = false
			continue
		}
		if n := len(stack); n > 0 && stack[n-1].obj {
			stack[n-1].key = true // this token is a value; a name follows
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, frame{obj: true, names: map[string]bool{}, key: true})
		case json.Delim('['):
			stack = append(stack, frame{})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		if len(stack) > maxHeaderDepth {
			return fmt.Errorf("nested deeper than %d", maxHeaderDepth)
		}
	}
}

// Verify checks the signature. The header's alg must be in allowed (nil
// means DefaultAlgorithms) and be one cairn implements; "none" and HS*
// are refused whatever allowed says. resolve returns the public key for
// the header's kid (which may be empty); a key of the wrong type for alg
// is refused.
func (j *JWS) Verify(resolve func(kid string) (crypto.PublicKey, error), allowed []string) error {
	alg := j.Header.Alg
	if allowed == nil {
		allowed = DefaultAlgorithms()
	}
	switch {
	case strings.EqualFold(alg, "none"), strings.HasPrefix(strings.ToUpper(alg), "HS"):
		return fmt.Errorf("verify jws: algorithm %q is never accepted: %w", alg, ErrAlgorithm)
	case !slices.Contains(DefaultAlgorithms(), alg):
		return fmt.Errorf("verify jws: algorithm %q is not supported: %w", alg, ErrAlgorithm)
	case !slices.Contains(allowed, alg):
		return fmt.Errorf("verify jws: algorithm %q is not allowed: %w", alg, ErrAlgorithm)
	}
	pub, err := resolve(j.Header.Kid)
	if err != nil {
		return fmt.Errorf("verify jws: key %.200q: %w: %w", j.Header.Kid, ErrKey, err)
	}
	if pub == nil {
		return fmt.Errorf("verify jws: no key for %.200q: %w", j.Header.Kid, ErrKey)
	}
	err = keys.Verify(pub, alg, []byte(j.signingInput), j.Signature)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keys.ErrSignature):
		return fmt.Errorf("verify jws: %w: %w", ErrSignature, err)
	default:
		return fmt.Errorf("verify jws: %w: %w", ErrKey, err)
	}
}
