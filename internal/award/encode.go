package award

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"cairn/internal/ob"
)

// encodeCredential writes the credential BuildWith made as JSON, with the
// achievement and issuer already encoded (the same for every award of a
// version). It writes what the typed model's MarshalJSON would, but
// encodes each part once: the model's generic codec re-validates every
// nested object, which costs more than the rest of the credential. It
// knows only the properties BuildWith sets; TestPipelineEncodesWhatBuildMakes
// holds the two to the same document.
func encodeCredential(c ob.AchievementCredential, achievement, issuer json.RawMessage) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(len(achievement) + len(issuer) + 2048)
	first := true
	member := func(key string, value []byte) {
		if !first {
			b.WriteByte(',')
		}
		first = false
		k, _ := json.Marshal(key) // a string always encodes
		b.Write(k)
		b.WriteByte(':')
		b.Write(value)
	}
	str := func(key, value string) {
		if value != "" {
			v, _ := json.Marshal(value)
			member(key, v)
		}
	}
	b.WriteByte('{')
	for _, m := range []struct {
		key string
		v   json.Marshaler
	}{{"@context", c.Context}, {"type", c.Type}} {
		v, err := m.v.MarshalJSON()
		if err != nil {
			return nil, err
		}
		member(m.key, v)
	}
	str("id", c.ID)
	str("name", c.Name)
	str("description", c.Description)
	str("awardedDate", c.AwardedDate)

	s := c.CredentialSubject
	var sub bytes.Buffer
	sub.WriteByte('{')
	subFirst := true
	subMember := func(key string, value []byte) {
		if !subFirst {
			sub.WriteByte(',')
		}
		subFirst = false
		k, _ := json.Marshal(key)
		sub.Write(k)
		sub.WriteByte(':')
		sub.Write(value)
	}
	if s.ID != "" {
		v, _ := json.Marshal(s.ID)
		subMember("id", v)
	}
	v, err := s.Type.MarshalJSON()
	if err != nil {
		return nil, err
	}
	subMember("type", v)
	if s.CreditsEarned != "" {
		subMember("creditsEarned", []byte(s.CreditsEarned))
	}
	subMember("achievement", achievement)
	if v, err = array(s.Identifier); err != nil {
		return nil, err
	}
	subMember("identifier", v)
	if v, err = array(s.Result); err != nil {
		return nil, err
	}
	subMember("result", v)
	sub.WriteByte('}')
	member("credentialSubject", sub.Bytes())

	member("issuer", issuer)
	str("validFrom", c.ValidFrom)
	str("validUntil", c.ValidUntil)
	for _, m := range []struct {
		key   string
		items []ob.Resource
	}{{"credentialStatus", c.CredentialStatus.Items}, {"credentialSchema", c.CredentialSchema.Items}} {
		if v, err = array(m.items); err != nil {
			return nil, err
		}
		member(m.key, v)
	}
	for _, k := range slices.Sorted(maps.Keys(c.Extra)) {
		if !json.Valid(c.Extra[k]) {
			return nil, fmt.Errorf("%s: not valid JSON", k)
		}
		member(k, c.Extra[k])
	}
	if len(c.Evidence.Items) > 0 {
		if v, err = array(c.Evidence.Items); err != nil {
			return nil, err
		}
		member("evidence", v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// array encodes items, each by its own MarshalJSON, as a JSON array.
func array[T json.Marshaler](items []T) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		v, err := it.MarshalJSON()
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte(']')
	return b.Bytes(), nil
}
