package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"cairn/internal/apperror"
	"cairn/internal/proof"
	"cairn/internal/verify"
)

// MaxPresentedCredentials bounds the credentials one presentation may
// carry, so one request cannot ask for unbounded verification work.
const MaxPresentedCredentials = 32

// vcResult is the VC API's verification result.
type vcResult struct {
	Verified bool     `json:"verified"`
	Checks   []string `json:"checks"`
	Warnings []string `json:"warnings"`
	Errors   []string `json:"errors"`
}

// vpResult is the VC API's presentation verification result, with the
// result of each credential the presentation carries, in order.
type vpResult struct {
	vcResult
	CredentialResults []vcResult `json:"credentialResults"`
}

func resultOf(rep *verify.Report) vcResult {
	res := vcResult{Verified: rep.Verified, Checks: []string{}, Warnings: rep.Warnings, Errors: rep.Errors}
	for _, c := range rep.Checks {
		if c.Outcome == verify.Pass {
			res.Checks = append(res.Checks, c.ID)
		}
	}
	return res
}

// malformed reports whether the credential failed verification because it
// could not be read or lacks what the data model requires, as opposed to
// being well formed and not verified.
func malformed(rep *verify.Report) bool {
	for _, c := range rep.Checks {
		if (c.ID == "format" || c.ID == "fields") && c.Outcome == verify.Fail {
			return true
		}
	}
	return false
}

// decodeRequest decodes a JSON request object into dst; what is wrong with
// the JSON is the client's to fix.
func decodeRequest(r *http.Request, dst any) error {
	data, err := readBody(r)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(dst); err != nil {
		return apperror.New(apperror.Invalid, "the request body is not the expected JSON object: %v", err)
	}
	if dec.More() {
		return apperror.New(apperror.Invalid, "the request body has data after the JSON object")
	}
	return nil
}

// verifyCredential is the VC API's POST /credentials/verify: 200 when the
// credential verifies, 422 when it is well formed and does not, 400 when
// the request or the credential is malformed.
func (s *Server) verifyCredential(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		VerifiableCredential json.RawMessage            `json:"verifiableCredential"`
		Options              map[string]json.RawMessage `json:"options"`
	}
	if err := decodeRequest(r, &req); err != nil {
		return err
	}
	data, err := credentialBytes(req.VerifiableCredential, "verifiableCredential")
	if err != nil {
		return err
	}
	rep := s.verify(r.Context(), data)
	if malformed(rep) {
		return detailedError{apperror.Field("verifiableCredential", "the credential is malformed"), rep.Errors}
	}
	status := http.StatusOK
	if !rep.Verified {
		status = http.StatusUnprocessableEntity
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, status, resultOf(rep))
}

// credentialBytes turns a credential as a VC API request carries it — a
// JSON object, a string holding a compact JWT, or an
// EnvelopedVerifiableCredential wrapping one in a data: URL — into the
// bytes the verifier reads.
func credentialBytes(raw json.RawMessage, field string) ([]byte, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, apperror.Field(field, "is required")
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, apperror.Field(field, "is not a valid JSON string")
		}
		return []byte(strings.TrimSpace(s)), nil
	case '{':
		var env struct {
			Type any    `json:"type"`
			ID   string `json:"id"`
		}
		if json.Unmarshal(raw, &env) == nil && hasType(env.Type, "EnvelopedVerifiableCredential") {
			return envelopedJWT(env.ID, field)
		}
		return raw, nil
	}
	return nil, apperror.Field(field, "must be a JSON object or a string holding a compact JWT")
}

// envelopedJWT reads the compact JWT out of an enveloped credential's
// data: URL, as VC-JOSE-COSE defines it.
func envelopedJWT(id, field string) ([]byte, error) {
	for _, prefix := range []string{"data:application/vc+jwt,", "data:application/vc-ld+jwt,", "data:application/jwt,"} {
		if rest, ok := strings.CutPrefix(id, prefix); ok {
			return []byte(rest), nil
		}
	}
	return nil, apperror.Field(field, "an EnvelopedVerifiableCredential must carry a compact JWT in a data:application/vc+jwt URL")
}

func hasType(v any, want string) bool {
	switch t := v.(type) {
	case string:
		return t == want
	case []any:
		return slices.Contains(t, any(want))
	}
	return false
}

// verifyPresentation is the VC API's POST /presentations/verify. The
// presentation's Data Integrity proof must be an authentication proof by
// its holder for the given challenge and domain, and every credential it
// carries must verify; 200 only when all of that holds.
func (s *Server) verifyPresentation(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		VerifiablePresentation json.RawMessage `json:"verifiablePresentation"`
		Options                struct {
			Challenge string `json:"challenge"`
			Domain    string `json:"domain"`
		} `json:"options"`
	}
	if err := decodeRequest(r, &req); err != nil {
		return err
	}
	vp, err := presentationObject(req.VerifiablePresentation)
	if err != nil {
		return err
	}
	creds := asList(vp["verifiableCredential"])
	if len(creds) > MaxPresentedCredentials {
		return apperror.Field("verifiablePresentation.verifiableCredential", "carries %d credentials; at most %d are verified in one request", len(creds), MaxPresentedCredentials)
	}

	res := vpResult{vcResult: vcResult{Checks: []string{}, Warnings: []string{}, Errors: []string{}}, CredentialResults: []vcResult{}}
	fail := func(format string, args ...any) { res.Errors = append(res.Errors, fmt.Sprintf(format, args...)) }
	s.checkPresentationProof(r.Context(), vp, req.Options.Challenge, req.Options.Domain, &res.vcResult)

	for i, c := range creds {
		raw, err := json.Marshal(c)
		if err != nil {
			fail("credential %d: %v", i, err)
			continue
		}
		data, err := credentialBytes(raw, fmt.Sprintf("verifiablePresentation.verifiableCredential[%d]", i))
		if err != nil {
			fail("%v", err)
			continue
		}
		cr := resultOf(s.verify(r.Context(), data))
		res.CredentialResults = append(res.CredentialResults, cr)
		if !cr.Verified {
			fail("credential %d is not verified: %s", i, strings.Join(cr.Errors, "; "))
		}
	}
	if len(creds) > 0 && len(res.Errors) == 0 {
		res.Checks = append(res.Checks, "credentials")
	}
	res.Verified = len(res.Errors) == 0
	status := http.StatusOK
	if !res.Verified {
		status = http.StatusUnprocessableEntity
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, status, res)
}

// presentationObject decodes the presentation and checks that it is one.
func presentationObject(raw json.RawMessage) (map[string]any, error) {
	const field = "verifiablePresentation"
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || bytes.Equal(raw, []byte("null")):
		return nil, apperror.Field(field, "is required")
	case raw[0] == '"':
		return nil, apperror.Field(field, "must be a JSON object with a Data Integrity proof; JWT presentations are not supported")
	case raw[0] != '{':
		return nil, apperror.Field(field, "must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // the proof covers numbers exactly as written
	var vp map[string]any
	if err := dec.Decode(&vp); err != nil {
		return nil, apperror.Field(field, "is not valid JSON")
	}
	if !hasType(vp["type"], "VerifiablePresentation") {
		return nil, apperror.Field(field, "its type does not include VerifiablePresentation")
	}
	return vp, nil
}

// checkPresentationProof verifies the presentation's own proofs and
// records the outcome in res.
func (s *Server) checkPresentationProof(ctx context.Context, vp map[string]any, challenge, domain string, res *vcResult) {
	proofs := s.verifier.DI.Verify(ctx, vp, s.verifier.Keys, proof.VerifyOptions{
		Purpose:   proof.Authentication,
		Challenge: challenge,
		Domain:    domain,
		Now:       s.verifier.Now,
	})
	if len(proofs) == 0 {
		res.Errors = append(res.Errors, "the presentation carries no proof")
		return
	}
	ok := true
	for _, p := range proofs {
		if !p.Valid {
			ok = false
			res.Errors = append(res.Errors, "presentation proof: "+p.Error)
		}
	}
	if !ok {
		return
	}
	res.Checks = append(res.Checks, "proof")
	if challenge == "" {
		res.Warnings = append(res.Warnings, "no challenge was given, so the presentation may be a replay")
	} else {
		res.Checks = append(res.Checks, "challenge")
	}
	if domain != "" {
		res.Checks = append(res.Checks, "domain")
	}
	holder := idOf(vp["holder"])
	if holder == "" {
		res.Warnings = append(res.Warnings, "the presentation names no holder")
		return
	}
	for _, p := range proofs {
		if signer, _, _ := strings.Cut(p.VerificationMethod, "#"); signer != holder {
			res.Errors = append(res.Errors, fmt.Sprintf("the presentation is signed by %s, not by its holder %s", signer, holder))
			return
		}
	}
	res.Checks = append(res.Checks, "holder")
}

func idOf(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		s, _ := x["id"].(string)
		return s
	}
	return ""
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
