package proof

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// member is one member of a JSON object, kept in document order with its
// value's original bytes.
type member struct {
	key   string
	value json.RawMessage
}

// splitObject returns the members of the top-level JSON object in data, in
// order. It does not look inside the values.
func splitObject(data []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("read credential: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("read credential: not a JSON object")
	}
	var ms []member
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("read credential: %w", err)
		}
		key, _ := tok.(string)
		if seen[key] {
			return nil, fmt.Errorf("read credential: duplicate member %q", key)
		}
		seen[key] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("read credential member %q: %w", key, err)
		}
		ms = append(ms, member{key, v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("read credential: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("read credential: data after the JSON object")
	}
	return ms, nil
}

// joinObject writes members as one compact JSON object.
func joinObject(ms []member) []byte {
	n := 2
	for _, m := range ms {
		n += len(m.key) + len(m.value) + 8
	}
	b := make([]byte, 0, n)
	b = append(b, '{')
	for i, m := range ms {
		if i > 0 {
			b = append(b, ',')
		}
		k, _ := json.Marshal(m.key)
		b = append(b, k...)
		b = append(b, ':')
		var buf bytes.Buffer
		if err := json.Compact(&buf, m.value); err == nil {
			b = append(b, buf.Bytes()...)
		} else {
			b = append(b, m.value...)
		}
	}
	return append(b, '}')
}
