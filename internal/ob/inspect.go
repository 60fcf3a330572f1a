package ob

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// DecodeMap decodes a JSON object document into the generic form that
// Validate, Kind, DatesOf, IssuerID and SubjectIDs read: maps, slices,
// strings, bools, nil and json.Number for numbers, so no number loses
// precision. It enforces MaxDocumentBytes and MaxDepth and refuses anything
// after the object.
func DecodeMap(raw []byte) (map[string]any, error) {
	if len(raw) > MaxDocumentBytes {
		return nil, fmt.Errorf("document is %d bytes, more than the %d allowed", len(raw), MaxDocumentBytes)
	}
	if err := checkDepth(raw, MaxDepth); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("decode JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("decode JSON: data after the top-level value")
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("decode JSON: the document is not a JSON object")
	}
	return doc, nil
}

// The kinds of credential Kind tells apart.
const (
	KindOpenBadge   = TypeOpenBadgeCredential   // OpenBadgeCredential or its alias AchievementCredential
	KindEndorsement = TypeEndorsementCredential // EndorsementCredential
	KindCLR         = TypeClrCredential         // ClrCredential
	KindOther       = TypeVerifiableCredential  // a verifiable credential of another type
)

// Kind says which kind of credential doc is, from its type: KindCLR,
// KindOpenBadge, KindEndorsement or KindOther, or "" when its type does not
// include VerifiableCredential.
func Kind(doc map[string]any) string {
	types, _ := typeValues(doc["type"])
	has := func(want string) bool { return slices.Contains(types, want) }
	switch {
	case !has(TypeVerifiableCredential):
		return ""
	case has(TypeClrCredential):
		return KindCLR
	case has(TypeOpenBadgeCredential), has(TypeAchievementCredential):
		return KindOpenBadge
	case has(TypeEndorsementCredential):
		return KindEndorsement
	default:
		return KindOther
	}
}

// Dates is the validity period of a credential. A zero time means the
// property is absent.
type Dates struct {
	ValidFrom  time.Time
	ValidUntil time.Time
	// FromVC11 is true when the dates were read from the VC 1.1 properties
	// issuanceDate and expirationDate.
	FromVC11 bool
}

// DatesOf reads the validity period of the credential doc: validFrom and
// validUntil (VC 2.0), or issuanceDate and expirationDate when the first
// @context entry is the VC 1.1 context, or is neither VC context and doc
// has neither VC 2.0 property. It returns an error when
// a date it reads is not a string holding a dateTime with timezone.
func DatesOf(doc map[string]any) (Dates, error) {
	var legacy bool
	switch firstContext(doc) {
	case ContextVC11:
		legacy = true
	case ContextVC2:
		legacy = false
	default:
		_, hasFrom := doc["validFrom"]
		_, hasUntil := doc["validUntil"]
		legacy = !hasFrom && !hasUntil
	}
	fromKey, untilKey := "validFrom", "validUntil"
	if legacy {
		fromKey, untilKey = "issuanceDate", "expirationDate"
	}
	d := Dates{FromVC11: legacy}
	var err error
	if d.ValidFrom, err = dateMember(doc, fromKey); err != nil {
		return Dates{}, err
	}
	if d.ValidUntil, err = dateMember(doc, untilKey); err != nil {
		return Dates{}, err
	}
	return d, nil
}

func dateMember(doc map[string]any, key string) (time.Time, error) {
	v, ok := doc[key]
	if !ok {
		return time.Time{}, nil
	}
	s, ok := v.(string)
	if !ok {
		return time.Time{}, fmt.Errorf("%s: not a string", key)
	}
	t, err := ParseDateTime(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %w", key, err)
	}
	return t, nil
}

// IssuerID returns the id of the credential's issuer, given as a URI or as
// a profile object, or "" when there is none.
func IssuerID(doc map[string]any) string {
	switch issuer := doc["issuer"].(type) {
	case string:
		return issuer
	case map[string]any:
		id, _ := issuer["id"].(string)
		return id
	}
	return ""
}

// SubjectIDs returns the ids of the credential's subjects, in order; a
// subject without an id (one identified by identifier objects) adds
// nothing.
func SubjectIDs(doc map[string]any) []string {
	var subjects []any
	switch s := doc["credentialSubject"].(type) {
	case map[string]any:
		subjects = []any{s}
	case []any:
		subjects = s
	}
	var ids []string
	for _, s := range subjects {
		if m, ok := s.(map[string]any); ok {
			if id, ok := m["id"].(string); ok && id != "" {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// firstContext returns the first @context entry when it is a string.
func firstContext(doc map[string]any) string {
	switch c := doc["@context"].(type) {
	case string:
		return c
	case []any:
		if len(c) > 0 {
			s, _ := c[0].(string)
			return s
		}
	}
	return ""
}

// typeValues returns the values of a type property that is a string or an
// array of strings; ok is false for anything else.
func typeValues(v any) (values []string, ok bool) {
	switch t := v.(type) {
	case string:
		return []string{t}, true
	case []any:
		values = make([]string, 0, len(t))
		for _, e := range t {
			s, isString := e.(string)
			if !isString {
				return nil, false
			}
			values = append(values, s)
		}
		return values, true
	}
	return nil, false
}
