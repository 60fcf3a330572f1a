package proof

import (
	"strings"
	"testing"
)

// TestAppendProof covers the signing fast path: the document keeps its
// members in order, compacted, with "proof" last; a member named twice is
// refused; strings holding braces, colons and escaped quotes do not
// confuse the member count.
func TestAppendProof(t *testing.T) {
	proof := []byte(`{"type":"DataIntegrityProof"}`)
	for _, tt := range []struct {
		doc  string
		n    int
		want string
	}{
		{`{}`, 0, `{"proof":{"type":"DataIntegrityProof"}}`},
		{"{ \"b\": 1,\n \"a\": [1, {\"x\": 2}] }", 2, `{"b":1,"a":[1,{"x":2}],"proof":{"type":"DataIntegrityProof"}}`},
		{`{"name":"a: {\"quoted\": [b]}\\","c":{"d":"e:f"}}`, 2, `{"name":"a: {\"quoted\": [b]}\\","c":{"d":"e:f"},"proof":{"type":"DataIntegrityProof"}}`},
	} {
		got, err := appendProof([]byte(tt.doc), tt.n, proof)
		if err != nil || string(got) != tt.want {
			t.Errorf("appendProof(%s) = %s, %v; want %s", tt.doc, got, err, tt.want)
		}
	}
	// {"a":1,"a":2} parses to one member: the count differs.
	if _, err := appendProof([]byte(`{"a":1,"a":2}`), 1, proof); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("a member named twice: got %v, want it refused", err)
	}
}
