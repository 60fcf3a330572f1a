package proof

import (
	"bytes"
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"cairn/internal/did"
	"cairn/internal/jose"
	"cairn/internal/keys"
)

// JWT secures credentials as VC-JOSE compact JWS: the payload is the
// credential itself and the header's kid names the verification method.
type JWT struct {
	// Algorithms allowed when verifying; nil means EdDSA, ES256 and RS256.
	Algorithms []string
}

// JWTType is the media type cairn writes in the typ header.
const JWTType = "vc+jwt"

// Sign returns the compact JWS of credential (JSON), signed with the
// algorithm that fits the signer's key.
func (j JWT) Sign(credential []byte, signer crypto.Signer, kid string) (string, error) {
	alg, err := keys.AlgorithmFor(signer.Public())
	if err != nil {
		return "", fmt.Errorf("sign JWT: %w", err)
	}
	var payload bytes.Buffer
	payload.Grow(len(credential))
	if err := json.Compact(&payload, credential); err != nil {
		return "", fmt.Errorf("sign JWT: the credential is not valid JSON: %w", err)
	}
	if payload.Len() == 0 || payload.Bytes()[0] != '{' {
		return "", errors.New("sign JWT: the credential is not a JSON object")
	}
	return jose.Sign(payload.Bytes(), signer, alg, kid, JWTType)
}

// Verify checks a compact JWS and returns the proof result and the
// credential it carries. The credential is nil only when the token cannot
// be read at all; a token whose signature fails still yields its
// credential, so the report can say what it claims. VC-JWT tokens in the
// older style (the credential under the "vc" claim, issuer in "iss") are
// read too.
func (j JWT) Verify(ctx context.Context, token string, kr KeyResolver) (ProofResult, map[string]any, error) {
	r := ProofResult{Type: "JsonWebSignature2020"}
	jws, err := jose.Parse(token, jose.Limits{})
	if err != nil {
		return r, nil, fmt.Errorf("read JWT: %w", err)
	}
	r.Type = "JWS " + jws.Header.Alg
	doc, err := decodeJSON(jws.Payload)
	if err != nil {
		return r, nil, fmt.Errorf("read JWT payload: %w", err)
	}
	cred := doc.(map[string]any)
	legacy := false
	if vc, ok := cred["vc"].(map[string]any); ok {
		legacy = true
		cred = vc
		claims := doc.(map[string]any)
		if iss := str(claims["iss"]); iss != "" && issuerID(cred) != "" && iss != issuerID(cred) {
			r.Error = "the iss claim does not match the credential's issuer"
			return r, cred, nil
		}
		if issuerID(cred) == "" {
			cred["issuer"] = claims["iss"]
		}
	}
	kid := jws.Header.Kid
	if strings.HasPrefix(kid, "#") {
		kid = issuerID(cred) + kid
	} else if kid == "" && legacy {
		r.Error = "the JWT header names no key (kid)"
		return r, cred, nil
	}
	r.VerificationMethod = kid
	r.Purpose = AssertionMethod
	resolve := func(string) (crypto.PublicKey, error) {
		return kr.ResolveKeyFor(ctx, kid, did.AssertionMethod)
	}
	if err := jws.Verify(resolve, j.Algorithms); err != nil {
		r.Error = err.Error()
		return r, cred, nil
	}
	r.Valid = true
	return r, cred, nil
}

func issuerID(doc map[string]any) string {
	switch is := doc["issuer"].(type) {
	case string:
		return is
	case map[string]any:
		return str(is["id"])
	}
	return ""
}
