package proof

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"cairn/internal/did"
	"cairn/internal/keys"
	"cairn/internal/multibase"
)

// Data Integrity names.
const (
	DataIntegrityType = "DataIntegrityProof"
	EdDSARDFC2022     = "eddsa-rdfc-2022"
	AssertionMethod   = "assertionMethod"
	Authentication    = "authentication"
)

// Canonicalizer turns a JSON-LD document (as encoding/json decodes it, with
// UseNumber) into canonical N-Quads. It must refuse, not drop, data it cannot
// map to RDF.
type Canonicalizer interface {
	Canonicalize(doc any) ([]byte, error)
}

// KeyResolver dereferences a verification method to its public key, checking
// that the method may be used for the proof purpose (a did.Resolver is one).
type KeyResolver interface {
	ResolveKeyFor(ctx context.Context, verificationMethod string, purpose did.Relationship) (crypto.PublicKey, error)
}

// DataIntegrity signs and verifies eddsa-rdfc-2022 proofs.
type DataIntegrity struct {
	Canon Canonicalizer
}

// SignOptions are the proof options of a new Data Integrity proof.
type SignOptions struct {
	VerificationMethod string
	Created            time.Time // truncated to seconds, in UTC
	Purpose            string    // default assertionMethod
	ID                 string    // optional proof id, needed when a later proof chains to it
	Domain             string
	Challenge          string
	PreviousProof      []string // ids of proofs this one chains to
}

// diProof is a proof as cairn writes it: the member order is the
// specification's.
type diProof struct {
	ID                 string `json:"id,omitempty"`
	Type               string `json:"type"`
	Cryptosuite        string `json:"cryptosuite"`
	Created            string `json:"created,omitempty"`
	VerificationMethod string `json:"verificationMethod"`
	ProofPurpose       string `json:"proofPurpose"`
	Domain             string `json:"domain,omitempty"`
	Challenge          string `json:"challenge,omitempty"`
	PreviousProof      any    `json:"previousProof,omitempty"`
	ProofValue         string `json:"proofValue,omitempty"`
}

func (p diProof) options() map[string]any {
	m := map[string]any{
		"type":               p.Type,
		"cryptosuite":        p.Cryptosuite,
		"verificationMethod": p.VerificationMethod,
		"proofPurpose":       p.ProofPurpose,
	}
	set := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	set("id", p.ID)
	set("created", p.Created)
	set("domain", p.Domain)
	set("challenge", p.Challenge)
	if p.PreviousProof != nil {
		m["previousProof"] = p.PreviousProof
	}
	return m
}

// Sign adds an eddsa-rdfc-2022 proof to the JSON object in doc and returns
// the secured document as compact JSON, members in their original order and
// "proof" last. A document that already has proofs gets one more (a proof
// set, or a chain when opts.PreviousProof names earlier proofs).
func (di DataIntegrity) Sign(doc []byte, signer crypto.Signer, opts SignOptions) ([]byte, error) {
	if _, ok := signer.Public().(ed25519.PublicKey); !ok {
		return nil, errors.New("sign: eddsa-rdfc-2022 needs an Ed25519 key")
	}
	if opts.VerificationMethod == "" {
		return nil, errors.New("sign: no verification method")
	}
	parsed, err := decodeJSON(doc)
	if err != nil {
		return nil, err
	}
	obj := parsed.(map[string]any)
	existing := proofList(obj["proof"])
	p := diProof{
		ID:                 opts.ID,
		Type:               DataIntegrityType,
		Cryptosuite:        EdDSARDFC2022,
		VerificationMethod: opts.VerificationMethod,
		ProofPurpose:       orDefault(opts.Purpose, AssertionMethod),
		Domain:             opts.Domain,
		Challenge:          opts.Challenge,
	}
	if !opts.Created.IsZero() {
		p.Created = opts.Created.UTC().Truncate(time.Second).Format(time.RFC3339)
	}
	switch len(opts.PreviousProof) {
	case 0:
	case 1:
		p.PreviousProof = opts.PreviousProof[0]
	default:
		p.PreviousProof = opts.PreviousProof
	}
	unsecured := withoutProof(obj)
	if len(opts.PreviousProof) > 0 {
		prev, err := previousProofs(existing, opts.PreviousProof)
		if err != nil {
			return nil, fmt.Errorf("sign: %w", err)
		}
		unsecured["proof"] = prev
	}
	config := p.options()
	if c, ok := obj["@context"]; ok {
		config["@context"] = c
	}
	hashData, err := di.hashData(unsecured, config)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	sig, err := keys.Sign(signer, "EdDSA", hashData)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	p.ProofValue = "z" + multibase.EncodeBase58(sig)
	pj, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	if _, ok := obj["proof"]; !ok {
		return appendProof(doc, len(obj), pj)
	}
	members, err := splitObject(doc)
	if err != nil {
		return nil, err
	}
	var proofValue json.RawMessage = pj
	out := make([]member, 0, len(members)+1)
	for _, m := range members {
		if m.key == "proof" {
			continue
		}
		out = append(out, m)
	}
	if len(existing) > 0 {
		var all []json.RawMessage
		for _, m := range members {
			if m.key == "proof" {
				if m.value[0] == '[' {
					if err := json.Unmarshal(m.value, &all); err != nil {
						return nil, err
					}
				} else {
					all = []json.RawMessage{m.value}
				}
			}
		}
		all = append(all, pj)
		proofValue, _ = json.Marshal(all)
	}
	out = append(out, member{"proof", proofValue})
	return joinObject(out), nil
}

// appendProof is doc, a JSON object of n members none of which is
// "proof", as compact JSON with the member "proof" added last: the
// common case of signing, which needs no member-by-member rewrite. A
// member named twice is refused, as splitObject refuses it (the parsed
// object, which was signed, holds the last of them).
func appendProof(doc []byte, n int, proof []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(doc) + len(proof) + len(`,"proof":`))
	if err := json.Compact(&buf, doc); err != nil {
		return nil, fmt.Errorf("read credential: %w", err)
	}
	b := buf.Bytes()
	if members := topLevelMembers(b); members != n {
		return nil, errors.New("read credential: a member is named twice")
	}
	b = b[:len(b)-1] // the closing brace
	if n > 0 {
		b = append(b, ',')
	}
	b = append(b, `"proof":`...)
	b = append(b, proof...)
	return append(b, '}'), nil
}

// topLevelMembers counts the members of the compact JSON object b.
func topLevelMembers(b []byte) int {
	depth, members := 0, 0
	inString, escaped := false, false
	for _, c := range b {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
		case c == ':' && depth == 1:
			members++
		}
	}
	return members
}

// hashData is SHA-256(canonical proof configuration) followed by
// SHA-256(canonical document), as eddsa-rdfc-2022 specifies.
func (di DataIntegrity) hashData(unsecured, config map[string]any) ([]byte, error) {
	canonConfig, err := di.Canon.Canonicalize(config)
	if err != nil {
		return nil, fmt.Errorf("canonicalize proof configuration: %w", err)
	}
	canonDoc, err := di.Canon.Canonicalize(unsecured)
	if err != nil {
		return nil, fmt.Errorf("canonicalize document: %w", err)
	}
	h1 := sha256.Sum256(canonConfig)
	h2 := sha256.Sum256(canonDoc)
	return append(h1[:], h2[:]...), nil
}

// ProofResult is the outcome of checking one proof of a document.
type ProofResult struct {
	ID                 string    `json:"id,omitempty"`
	Type               string    `json:"type"`
	Cryptosuite        string    `json:"cryptosuite,omitempty"`
	VerificationMethod string    `json:"verificationMethod,omitempty"`
	Purpose            string    `json:"proofPurpose,omitempty"`
	Created            time.Time `json:"created,omitzero"`
	Valid              bool      `json:"valid"`
	Error              string    `json:"error,omitempty"`
}

// VerifyOptions say what a proof must be.
type VerifyOptions struct {
	Purpose   string           // default assertionMethod
	Domain    string           // when set, the proof must carry it
	Challenge string           // when set, the proof must carry it
	Now       func() time.Time // for "expires"; default time.Now
}

// Verify checks every Data Integrity proof of doc (decoded with UseNumber).
// The document is verified when there is at least one proof and every
// result is valid.
func (di DataIntegrity) Verify(ctx context.Context, doc map[string]any, kr KeyResolver, opts VerifyOptions) []ProofResult {
	proofs := proofList(doc["proof"])
	if len(proofs) == 0 {
		return nil
	}
	unsecured := withoutProof(doc)
	results := make([]ProofResult, len(proofs))
	for i, raw := range proofs {
		results[i] = di.verifyOne(ctx, unsecured, raw, proofs, kr, opts)
	}
	return results
}

func (di DataIntegrity) verifyOne(ctx context.Context, unsecured map[string]any, raw any, all []any, kr KeyResolver, opts VerifyOptions) ProofResult {
	p, ok := raw.(map[string]any)
	if !ok {
		return ProofResult{Error: "proof is not a JSON object"}
	}
	r := ProofResult{
		ID:                 str(p["id"]),
		Type:               str(p["type"]),
		Cryptosuite:        str(p["cryptosuite"]),
		VerificationMethod: str(p["verificationMethod"]),
		Purpose:            str(p["proofPurpose"]),
	}
	fail := func(format string, args ...any) ProofResult {
		r.Error = fmt.Sprintf(format, args...)
		return r
	}
	if r.Type != DataIntegrityType {
		return fail("unsupported proof type %q", r.Type)
	}
	if r.Cryptosuite != EdDSARDFC2022 {
		return fail("unsupported cryptosuite %q", r.Cryptosuite)
	}
	purpose := orDefault(opts.Purpose, AssertionMethod)
	if r.Purpose != purpose {
		return fail("proof purpose is %q, expected %q", r.Purpose, purpose)
	}
	if r.VerificationMethod == "" {
		return fail("proof has no verificationMethod")
	}
	if c, ok := p["created"]; ok {
		t, err := time.Parse(time.RFC3339Nano, str(c))
		if err != nil {
			return fail("proof created %q is not a date-time", str(c))
		}
		r.Created = t
	}
	if e, ok := p["expires"]; ok {
		t, err := time.Parse(time.RFC3339Nano, str(e))
		if err != nil {
			return fail("proof expires %q is not a date-time", str(e))
		}
		now := time.Now
		if opts.Now != nil {
			now = opts.Now
		}
		if now().After(t) {
			return fail("proof expired at %s", t.Format(time.RFC3339))
		}
	}
	if opts.Domain != "" && !hasValue(p["domain"], opts.Domain) {
		return fail("proof domain does not match %q", opts.Domain)
	}
	if opts.Challenge != "" && str(p["challenge"]) != opts.Challenge {
		return fail("proof challenge does not match")
	}
	pv := str(p["proofValue"])
	if len(pv) == 0 || pv[0] != 'z' {
		return fail("proofValue is not base58btc multibase")
	}
	sig, err := multibase.DecodeBase58(pv[1:])
	if err != nil || len(sig) != ed25519.SignatureSize {
		return fail("proofValue is not a 64-byte Ed25519 signature")
	}

	config := make(map[string]any, len(p))
	for k, v := range p {
		if k != "proofValue" {
			config[k] = v
		}
	}
	doc := unsecured
	copied := false
	if pc, ok := config["@context"]; ok {
		if !contextPrefix(unsecured["@context"], pc) {
			return fail("proof @context does not match the document's")
		}
		doc, copied = shallowCopy(unsecured), true
		doc["@context"] = pc
	} else if c, ok := unsecured["@context"]; ok {
		config["@context"] = c
	}
	if prevRaw, ok := p["previousProof"]; ok {
		ids, ok := stringList(prevRaw)
		if !ok {
			return fail("previousProof is not a string or list of strings")
		}
		prev, err := previousProofs(all, ids)
		if err != nil {
			return fail("%v", err)
		}
		if !copied {
			doc = shallowCopy(unsecured)
		}
		doc["proof"] = prev
	}
	hashData, err := di.hashData(doc, config)
	if err != nil {
		return fail("%v", err)
	}
	pub, err := kr.ResolveKeyFor(ctx, r.VerificationMethod, did.Relationship(purpose))
	if err != nil {
		return fail("verification method: %v", err)
	}
	edPub, ok := pub.(ed25519.PublicKey)
	if !ok {
		return fail("verification method is not an Ed25519 key")
	}
	if !ed25519.Verify(edPub, hashData, sig) {
		return fail("signature does not match the document")
	}
	r.Valid = true
	return r
}

// decodeJSON decodes one JSON object with numbers as json.Number.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("decode JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("decode JSON: data after the value")
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, errors.New("decode JSON: not an object")
	}
	return v, nil
}

func withoutProof(doc map[string]any) map[string]any {
	out := make(map[string]any, len(doc))
	for k, v := range doc {
		if k != "proof" {
			out[k] = v
		}
	}
	return out
}

func shallowCopy(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

func proofList(v any) []any {
	switch p := v.(type) {
	case nil:
		return nil
	case []any:
		return p
	default:
		return []any{p}
	}
}

// previousProofs returns the proofs of all whose ids are in ids, in the
// order of ids; a missing one is an error.
func previousProofs(all []any, ids []string) (any, error) {
	var out []any
	for _, id := range ids {
		found := false
		for _, p := range all {
			if m, ok := p.(map[string]any); ok && str(m["id"]) == id {
				out = append(out, m)
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("previous proof %q is not in the document", id)
		}
	}
	if len(out) == 1 {
		return out[0], nil
	}
	return out, nil
}

// contextPrefix reports whether want's contexts start docCtx's, in order.
func contextPrefix(docCtx, want any) bool {
	d, w := asList(docCtx), asList(want)
	if len(w) > len(d) {
		return false
	}
	for i := range w {
		a, _ := json.Marshal(w[i])
		b, _ := json.Marshal(d[i])
		if !bytes.Equal(a, b) {
			return false
		}
	}
	return true
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

func stringList(v any) ([]string, bool) {
	switch x := v.(type) {
	case string:
		return []string{x}, true
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

func hasValue(v any, want string) bool {
	l, ok := stringList(v)
	return ok && slices.Contains(l, want)
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
