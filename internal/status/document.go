package status

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Status purposes this package issues and checks. Each list has one
// purpose; a credential that can be both revoked and suspended carries one
// entry for each, pointing into two lists.
const (
	// PurposeRevocation marks a credential cancelled for good.
	PurposeRevocation = "revocation"
	// PurposeSuspension marks a credential not to be accepted for now.
	PurposeSuspension = "suspension"
	// PurposeRefresh signals that an updated credential is available; it
	// does not invalidate the credential.
	PurposeRefresh = "refresh"
)

// Type names and the context of the documents.
const (
	EntryType          = "BitstringStatusListEntry"
	ListCredentialType = "BitstringStatusListCredential"
	ListType           = "BitstringStatusList"
	credentialsV2      = "https://www.w3.org/ns/credentials/v2"
)

// maxIndexDigits bounds the statusListIndex string before it is parsed: no
// list cairn accepts has an index of more digits.
const maxIndexDigits = 15

func validPurpose(p string) bool {
	return p == PurposeRevocation || p == PurposeSuspension || p == PurposeRefresh
}

// Entry returns the BitstringStatusListEntry to place in a credential's
// credentialStatus: entry index of the list credential at listCredentialURL,
// for purpose (one of the Purpose constants). Its id is the list URL with
// the index as fragment, so each entry is distinct from the list itself.
// The statusListIndex is a base-10 string, as the specification requires.
func Entry(listCredentialURL string, purpose string, index int) map[string]any {
	i := strconv.Itoa(index)
	return map[string]any{
		"id":                   listCredentialURL + "#" + i,
		"type":                 EntryType,
		"statusPurpose":        purpose,
		"statusListIndex":      i,
		"statusListCredential": listCredentialURL,
	}
}

// ListCredential returns the unsigned BitstringStatusListCredential that
// publishes list: credential id, issued by issuer, valid from validFrom and,
// unless validUntil is zero, until validUntil. Times are written in UTC to
// the second. The credential subject's id is id + "#list".
func ListCredential(id, issuer string, purpose string, list *List, validFrom, validUntil time.Time) (map[string]any, error) {
	if !validPurpose(purpose) {
		return nil, fmt.Errorf("status list credential: purpose %q not supported", purpose)
	}
	if id == "" || issuer == "" {
		return nil, fmt.Errorf("status list credential: id and issuer are required")
	}
	if validFrom.IsZero() {
		return nil, fmt.Errorf("status list credential: validFrom is required")
	}
	if !validUntil.IsZero() && !validUntil.After(validFrom) {
		return nil, fmt.Errorf("status list credential: validUntil %s is not after validFrom %s", stamp(validUntil), stamp(validFrom))
	}
	encoded, err := list.Encode()
	if err != nil {
		return nil, fmt.Errorf("status list credential: %w", err)
	}
	vc := map[string]any{
		"@context":  []any{credentialsV2},
		"id":        id,
		"type":      []any{"VerifiableCredential", ListCredentialType},
		"issuer":    issuer,
		"validFrom": stamp(validFrom),
		"credentialSubject": map[string]any{
			"id":            id + "#list",
			"type":          ListType,
			"statusPurpose": purpose,
			"encodedList":   encoded,
		},
	}
	if !validUntil.IsZero() {
		vc["validUntil"] = stamp(validUntil)
	}
	return vc, nil
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Result is the outcome of checking one status entry.
type Result struct {
	// Purpose is the entry's statusPurpose.
	Purpose string
	// Index is the entry's position in the list.
	Index int
	// Set reports whether the entry's bit is 1: for revocation the
	// credential is revoked, for suspension it is suspended, for refresh a
	// newer credential is available.
	Set bool
}

// Invalid reports whether the result makes the credential unacceptable: a
// set revocation or suspension bit.
func (r Result) Invalid() bool {
	return r.Set && (r.Purpose == PurposeRevocation || r.Purpose == PurposeSuspension)
}

// Check reads the status of one BitstringStatusListEntry in the status list
// credential it points to, following the specification's validate
// algorithm: the entry and the list must have the right types, the list must
// carry the entry's purpose and, when it has an id, be the credential the
// entry names; the decoded list (at most maxBytes, see Decode) must be at
// least MinLength long and contain the index. Only one-bit entries are
// supported.
//
// Check does not verify the list credential's proof or validity period;
// the caller does that before trusting the result. Errors wrap ErrMalformed,
// ErrVerification, ErrListLength, ErrRange or ErrTooLarge.
func Check(entry map[string]any, listCredential map[string]any, maxBytes int) (Result, error) {
	purpose, index, listURL, err := parseEntry(entry)
	if err != nil {
		return Result{}, fmt.Errorf("check status: %w", err)
	}
	encoded, err := parseListCredential(listCredential, purpose, listURL)
	if err != nil {
		return Result{}, fmt.Errorf("check status: %w", err)
	}
	list, err := Decode(encoded, maxBytes)
	if err != nil {
		return Result{}, fmt.Errorf("check status: %w", err)
	}
	set, err := list.Get(index)
	if err != nil {
		return Result{}, fmt.Errorf("check status: %w", err)
	}
	return Result{Purpose: purpose, Index: index, Set: set}, nil
}

func parseEntry(entry map[string]any) (purpose string, index int, listURL string, err error) {
	if entry == nil {
		return "", 0, "", fmt.Errorf("%w: no status entry", ErrMalformed)
	}
	if !hasType(entry["type"], EntryType) {
		return "", 0, "", fmt.Errorf("%w: entry type is %v, want %s", ErrMalformed, entry["type"], EntryType)
	}
	purpose, ok := entry["statusPurpose"].(string)
	if !ok || purpose == "" {
		return "", 0, "", fmt.Errorf("%w: entry statusPurpose must be a non-empty string", ErrMalformed)
	}
	if !validPurpose(purpose) {
		return "", 0, "", fmt.Errorf("%w: entry statusPurpose %q not supported", ErrVerification, purpose)
	}
	if size, present := entry["statusSize"]; present && !isOne(size) {
		return "", 0, "", fmt.Errorf("%w: statusSize %v not supported, only 1", ErrVerification, size)
	}
	raw, ok := entry["statusListIndex"].(string)
	if !ok {
		return "", 0, "", fmt.Errorf("%w: statusListIndex must be a string", ErrMalformed)
	}
	if index, err = parseIndex(raw); err != nil {
		return "", 0, "", err
	}
	listURL, ok = entry["statusListCredential"].(string)
	if !ok || listURL == "" {
		return "", 0, "", fmt.Errorf("%w: statusListCredential must be a URL", ErrMalformed)
	}
	if id, ok := entry["id"].(string); ok && id == listURL {
		return "", 0, "", fmt.Errorf("%w: entry id must not be the status list URL", ErrMalformed)
	}
	return purpose, index, listURL, nil
}

// parseIndex reads a non-negative base-10 integer. Indexes too long to be
// in any list cairn accepts are a range error, not a parse error.
func parseIndex(s string) (int, error) {
	if s == "" {
		return 0, fmt.Errorf("%w: statusListIndex is empty", ErrMalformed)
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%w: statusListIndex %.20q is not a base-10 integer", ErrMalformed, s)
		}
	}
	if len(s) > maxIndexDigits {
		return 0, fmt.Errorf("%w: statusListIndex of %d digits", ErrRange, len(s))
	}
	i, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%w: statusListIndex: %v", ErrMalformed, err)
	}
	return i, nil
}

func parseListCredential(vc map[string]any, purpose, listURL string) (string, error) {
	if vc == nil {
		return "", fmt.Errorf("%w: no status list credential", ErrVerification)
	}
	if !hasType(vc["type"], ListCredentialType) {
		return "", fmt.Errorf("%w: list credential type is %v, want %s", ErrVerification, vc["type"], ListCredentialType)
	}
	if id, present := vc["id"]; present && id != listURL {
		return "", fmt.Errorf("%w: list credential is %v, the entry names %s", ErrVerification, id, listURL)
	}
	subject, ok := vc["credentialSubject"].(map[string]any)
	if !ok {
		// VC 2.0 allows an array of subjects; a status list has exactly one.
		if subjects, isArray := vc["credentialSubject"].([]any); isArray && len(subjects) == 1 {
			subject, ok = subjects[0].(map[string]any)
		}
	}
	if !ok {
		return "", fmt.Errorf("%w: list credential must have one credentialSubject object", ErrMalformed)
	}
	if !hasType(subject["type"], ListType) {
		return "", fmt.Errorf("%w: credentialSubject type is %v, want %s", ErrMalformed, subject["type"], ListType)
	}
	purposes, ok := stringList(subject["statusPurpose"])
	if !ok || len(purposes) == 0 {
		return "", fmt.Errorf("%w: credentialSubject statusPurpose must be one or more strings", ErrMalformed)
	}
	if !slices.Contains(purposes, purpose) {
		return "", fmt.Errorf("%w: list has purpose %v, the entry has %q", ErrVerification, purposes, purpose)
	}
	if size, present := subject["statusSize"]; present && !isOne(size) {
		return "", fmt.Errorf("%w: list statusSize %v not supported, only 1", ErrVerification, size)
	}
	encoded, ok := subject["encodedList"].(string)
	if !ok {
		return "", fmt.Errorf("%w: encodedList must be a string", ErrMalformed)
	}
	return encoded, nil
}

// hasType reports whether a JSON type value (a string or an array of
// strings) includes want.
func hasType(v any, want string) bool {
	types, ok := stringList(v)
	return ok && slices.Contains(types, want)
}

// stringList reads a JSON value that is a string or an array of strings.
func stringList(v any) ([]string, bool) {
	switch v := v.(type) {
	case string:
		return []string{v}, true
	case []string:
		return v, true
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
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

// isOne reports whether a decoded JSON number is 1, whichever way the
// caller decoded it.
func isOne(v any) bool {
	switch n := v.(type) {
	case float64:
		return n == 1
	case int:
		return n == 1
	case json.Number:
		return n == "1"
	}
	return false
}
