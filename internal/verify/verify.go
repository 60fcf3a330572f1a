package verify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"cairn/internal/ob"
	"cairn/internal/proof"
	"cairn/internal/status"
)

// Outcome is the result of one check.
type Outcome string

// Check outcomes.
const (
	Pass Outcome = "pass"
	Fail Outcome = "fail"
	Warn Outcome = "warn"
	Skip Outcome = "skip"
)

// Check is one step of verification, said in plain language.
type Check struct {
	ID      string  `json:"id"`
	Label   string  `json:"label"`
	Outcome Outcome `json:"outcome"`
	Detail  string  `json:"detail,omitempty"`
}

// Party names an issuer or a subject.
type Party struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// Validity is the credential's validity period as of the verification time.
type Validity struct {
	ValidFrom  *time.Time `json:"validFrom,omitempty"`
	ValidUntil *time.Time `json:"validUntil,omitempty"`
	State      string     `json:"state"` // valid, not yet valid, expired
	CheckedAt  time.Time  `json:"checkedAt"`
}

// StatusResult is the state of one credentialStatus entry.
type StatusResult struct {
	Purpose string `json:"purpose"`
	State   string `json:"state"` // active, revoked, suspended, unknown
	List    string `json:"statusListCredential,omitempty"`
	Index   int    `json:"statusListIndex"`
	Detail  string `json:"detail,omitempty"`
}

// Report is the whole answer for one credential.
type Report struct {
	Verified    bool                `json:"verified"`
	Format      Format              `json:"format"`
	Embedded    Format              `json:"embeddedFormat,omitempty"`
	Kind        string              `json:"kind,omitempty"`
	Name        string              `json:"name,omitempty"`
	Issuer      Party               `json:"issuer"`
	Subject     Party               `json:"subject"`
	Achievement Party               `json:"achievement"`
	Proofs      []proof.ProofResult `json:"proofs"`
	Validity    Validity            `json:"validity"`
	Status      []StatusResult      `json:"status"`
	Checks      []Check             `json:"checks"`
	Errors      []string            `json:"errors"`
	Warnings    []string            `json:"warnings"`
	Credential  json.RawMessage     `json:"credential,omitempty"`
}

func (r *Report) add(id, label string, o Outcome, detail string) {
	r.Checks = append(r.Checks, Check{ID: id, Label: label, Outcome: o, Detail: detail})
	switch o {
	case Fail:
		r.Errors = append(r.Errors, label+": "+detail)
	case Warn:
		r.Warnings = append(r.Warnings, label+": "+detail)
	}
}

// StatusFetcher fetches a status list credential (JSON or JWT bytes).
type StatusFetcher interface {
	FetchStatusList(ctx context.Context, url string) ([]byte, error)
}

// Limits bound the work of one verification.
type Limits struct {
	MaxInputBytes      int // whole input, image included; default 8 MiB
	MaxCredentialBytes int // the credential itself; default 1 MiB
	MaxStatusListBytes int // inflated status list; default 2 MiB
}

func (l Limits) withDefaults() Limits {
	if l.MaxInputBytes <= 0 {
		l.MaxInputBytes = 8 << 20
	}
	if l.MaxCredentialBytes <= 0 {
		l.MaxCredentialBytes = 1 << 20
	}
	if l.MaxStatusListBytes <= 0 {
		l.MaxStatusListBytes = 2 << 20
	}
	return l
}

// Verifier verifies credentials. Its fields are its dependencies; the zero
// value of the optional ones is usable.
type Verifier struct {
	DI       proof.DataIntegrity
	JWT      proof.JWT
	Keys     proof.KeyResolver
	Statuses StatusFetcher    // nil: status is reported unknown
	Now      func() time.Time // nil: time.Now
	Limits   Limits
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

// Verify checks one credential and always returns a report; a credential
// that cannot be read is reported as not verified with the reason.
func (v *Verifier) Verify(ctx context.Context, data []byte) *Report {
	return v.verify(ctx, data, true)
}

// VerifyBatch verifies many credentials using every core, reports in
// input order.
func (v *Verifier) VerifyBatch(ctx context.Context, items [][]byte) []*Report {
	out := make([]*Report, len(items))
	workers := min(runtime.GOMAXPROCS(0), len(items))
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Go(func() {
			for i := range next {
				out[i] = v.Verify(ctx, items[i])
			}
		})
	}
	for i := range items {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

func (v *Verifier) verify(ctx context.Context, data []byte, withStatus bool) *Report {
	lim := v.Limits.withDefaults()
	now := v.now()
	r := &Report{Proofs: []proof.ProofResult{}, Status: []StatusResult{}, Checks: []Check{}, Errors: []string{}, Warnings: []string{}}
	r.Validity.CheckedAt = now
	if len(data) > lim.MaxInputBytes {
		r.add("format", "Readable credential", Fail, fmt.Sprintf("the input is %d bytes; the limit is %d", len(data), lim.MaxInputBytes))
		return r
	}
	outer, inner, cred, err := detect(data)
	r.Format, r.Embedded = outer, inner
	if outer == inner {
		r.Embedded = ""
	}
	if err != nil {
		r.add("format", "Readable credential", Fail, err.Error())
		return r
	}
	if len(cred) > lim.MaxCredentialBytes {
		r.add("format", "Readable credential", Fail, fmt.Sprintf("the credential is %d bytes; the limit is %d", len(cred), lim.MaxCredentialBytes))
		return r
	}

	var doc map[string]any
	var proofs []proof.ProofResult
	switch inner {
	case FormatJSON:
		doc, err = decodeObject(cred)
		if err != nil {
			r.add("format", "Readable credential", Fail, err.Error())
			return r
		}
		r.Credential = json.RawMessage(cred)
		r.add("format", "Readable credential", Pass, describeFormat(outer, inner))
		proofs = v.DI.Verify(ctx, doc, v.Keys, proof.VerifyOptions{Now: v.Now})
	case FormatJWT:
		res, payload, err := v.JWT.Verify(ctx, string(cred), v.Keys)
		if payload == nil {
			r.add("format", "Readable credential", Fail, err.Error())
			return r
		}
		doc = payload
		raw, _ := json.Marshal(payload)
		r.Credential = raw
		r.add("format", "Readable credential", Pass, describeFormat(outer, inner))
		proofs = []proof.ProofResult{res}
	}
	r.Proofs = proofs
	r.Kind = ob.Kind(doc)
	r.Name = str(doc["name"])
	r.Issuer = issuerOf(doc)
	r.Subject, r.Achievement = subjectOf(doc)

	// Required fields.
	if errs := ob.ValidateMap(doc); len(errs) > 0 {
		msgs := make([]string, len(errs))
		for i, e := range errs {
			msgs[i] = e.Error()
		}
		r.add("fields", "Required information present", Fail, strings.Join(msgs, "; "))
	} else {
		r.add("fields", "Required information present", Pass, "every property the Open Badges and Verifiable Credentials specifications require is present and well formed")
	}

	// Proofs and their binding to the issuer.
	proofOK := len(proofs) > 0
	for _, p := range proofs {
		if !p.Valid {
			proofOK = false
		}
	}
	switch {
	case len(proofs) == 0:
		r.add("proof", "Signed by the issuer", Fail, "the credential carries no proof")
	case proofOK:
		r.add("proof", "Signed by the issuer", Pass, describeProofs(proofs))
	default:
		r.add("proof", "Signed by the issuer", Fail, describeProofs(proofs))
	}
	if proofOK {
		if msg, ok := boundToIssuer(proofs, r.Issuer.ID); ok {
			r.add("issuer", "Key belongs to the issuer", Pass, msg)
		} else {
			r.add("issuer", "Key belongs to the issuer", Fail, msg)
		}
	}

	// Validity period.
	r.Validity = validity(doc, now)
	switch r.Validity.State {
	case "valid":
		r.add("validity", "Within its validity period", Pass, describeValidity(r.Validity))
	case "invalid":
		r.add("validity", "Within its validity period", Fail, "the validity dates are not valid date-times")
	default:
		r.add("validity", "Within its validity period", Fail, describeValidity(r.Validity))
	}

	// Status: revocation and suspension.
	if withStatus {
		v.checkStatus(ctx, doc, r, lim)
	}

	r.Verified = len(r.Errors) == 0
	return r
}

func describeFormat(outer, inner Format) string {
	names := map[Format]string{FormatJSON: "JSON with an embedded Data Integrity proof", FormatJWT: "a compact JWT (VC-JOSE)", FormatPNG: "a PNG badge image", FormatSVG: "an SVG badge image"}
	if outer != inner {
		return fmt.Sprintf("read %s carrying %s", names[outer], names[inner])
	}
	return "read " + names[inner]
}

func describeProofs(ps []proof.ProofResult) string {
	var parts []string
	for _, p := range ps {
		kind := p.Type
		if p.Cryptosuite != "" {
			kind += " " + p.Cryptosuite
		}
		if p.Valid {
			parts = append(parts, fmt.Sprintf("%s by %s is valid", kind, p.VerificationMethod))
		} else {
			parts = append(parts, fmt.Sprintf("%s is not valid: %s", kind, p.Error))
		}
	}
	return strings.Join(parts, "; ")
}

// boundToIssuer checks that each proof's verification method is controlled
// by the issuer: its DID is the issuer id.
func boundToIssuer(ps []proof.ProofResult, issuer string) (string, bool) {
	if issuer == "" {
		return "the credential names no issuer", false
	}
	for _, p := range ps {
		did, _, _ := strings.Cut(p.VerificationMethod, "#")
		if did != issuer {
			return fmt.Sprintf("the key %s is not the issuer's (%s)", p.VerificationMethod, issuer), false
		}
	}
	return "the signing key is published by the issuer " + issuer, true
}

func validity(doc map[string]any, now time.Time) Validity {
	v := Validity{CheckedAt: now, State: "valid"}
	from, until := str(doc["validFrom"]), str(doc["validUntil"])
	if from == "" {
		from = str(doc["issuanceDate"])
	}
	if until == "" {
		until = str(doc["expirationDate"])
	}
	for _, f := range []struct {
		s   string
		dst **time.Time
	}{{from, &v.ValidFrom}, {until, &v.ValidUntil}} {
		if f.s == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, f.s)
		if err != nil {
			v.State = "invalid"
			return v
		}
		*f.dst = &t
	}
	switch {
	case v.ValidFrom != nil && now.Before(*v.ValidFrom):
		v.State = "not yet valid"
	case v.ValidUntil != nil && now.After(*v.ValidUntil):
		v.State = "expired"
	}
	return v
}

func describeValidity(v Validity) string {
	day := func(t *time.Time) string { return t.UTC().Format("2 January 2006 15:04 MST") }
	switch v.State {
	case "not yet valid":
		return "the credential becomes valid on " + day(v.ValidFrom)
	case "expired":
		return "the credential expired on " + day(v.ValidUntil)
	}
	switch {
	case v.ValidFrom != nil && v.ValidUntil != nil:
		return fmt.Sprintf("valid from %s until %s", day(v.ValidFrom), day(v.ValidUntil))
	case v.ValidFrom != nil:
		return "valid from " + day(v.ValidFrom) + ", with no expiry"
	}
	return "the credential states no validity period"
}

func (v *Verifier) checkStatus(ctx context.Context, doc map[string]any, r *Report, lim Limits) {
	entries := asList(doc["credentialStatus"])
	if len(entries) == 0 {
		r.add("status", "Not revoked or suspended", Skip, "the credential has no status entry, so it cannot be revoked")
		return
	}
	for _, e := range entries {
		entry, _ := e.(map[string]any)
		res := v.statusOf(ctx, entry, r.Issuer.ID, lim)
		r.Status = append(r.Status, res)
		label := "Not " + map[string]string{"revocation": "revoked", "suspension": "suspended"}[res.Purpose]
		if label == "Not " {
			label = "Status " + res.Purpose
		}
		switch res.State {
		case "active":
			r.add("status-"+res.Purpose, label, Pass, "the issuer's status list shows the credential as active")
		case "revoked", "suspended":
			r.add("status-"+res.Purpose, label, Fail, "the issuer has "+res.State+" this credential")
		default:
			r.add("status-"+res.Purpose, label, Warn, "could not be checked: "+res.Detail)
		}
	}
}

func (v *Verifier) statusOf(ctx context.Context, entry map[string]any, issuer string, lim Limits) StatusResult {
	res := StatusResult{Purpose: str(entry["statusPurpose"]), List: str(entry["statusListCredential"]), State: "unknown"}
	fmt.Sscan(str(entry["statusListIndex"]), &res.Index)
	if entry == nil || str(entry["type"]) != "BitstringStatusListEntry" {
		res.Detail = "unsupported status entry type " + str(entry["type"])
		return res
	}
	if v.Statuses == nil {
		res.Detail = "status lists are not fetched in this mode"
		return res
	}
	raw, err := v.Statuses.FetchStatusList(ctx, res.List)
	if err != nil {
		res.Detail = "the status list could not be read: " + err.Error()
		return res
	}
	lr := v.verify(ctx, raw, false)
	if !lr.Verified {
		res.Detail = "the status list credential is not valid: " + strings.Join(lr.Errors, "; ")
		return res
	}
	if lr.Issuer.ID != issuer {
		res.Detail = "the status list is not published by the credential's issuer"
		return res
	}
	listDoc, err := decodeObject(lr.Credential)
	if err != nil {
		res.Detail = err.Error()
		return res
	}
	sr, err := status.Check(entry, listDoc, lim.MaxStatusListBytes)
	if err != nil {
		res.Detail = err.Error()
		return res
	}
	switch {
	case !sr.Set:
		res.State = "active"
	case res.Purpose == "revocation":
		res.State = "revoked"
	case res.Purpose == "suspension":
		res.State = "suspended"
	default:
		res.State = "flagged"
	}
	return res
}

func issuerOf(doc map[string]any) Party {
	switch is := doc["issuer"].(type) {
	case string:
		return Party{ID: is}
	case map[string]any:
		return Party{ID: str(is["id"]), Name: str(is["name"])}
	}
	return Party{}
}

func subjectOf(doc map[string]any) (subject, achievement Party) {
	subj, _ := firstObject(doc["credentialSubject"])
	if subj == nil {
		return
	}
	subject.ID = str(subj["id"])
	if subject.ID == "" {
		if ids := asList(subj["identifier"]); len(ids) > 0 {
			if io, ok := ids[0].(map[string]any); ok {
				subject.Name = "identified by " + str(io["identityType"])
			}
		}
	}
	if a, ok := subj["achievement"].(map[string]any); ok {
		achievement = Party{ID: str(a["id"]), Name: str(a["name"])}
	}
	return
}

func firstObject(v any) (map[string]any, bool) {
	l := asList(v)
	if len(l) == 0 {
		return nil, false
	}
	m, ok := l[0].(map[string]any)
	return m, ok
}

func asList(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	}
	return []any{v}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func decodeObject(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("the credential is not valid JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("the credential is followed by other data")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("the credential is not a JSON object")
	}
	return m, nil
}
