package ob

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to Validate and to the typed decoder. It
// checks that neither panics, that whatever decodes also encodes, that the
// encoding holds the same values as the input, and that a second round
// trip changes nothing.
func FuzzDecode(f *testing.F) {
	for _, file := range []string{
		microcredential,
		"testdata/extended.json",
		"testdata/vc11.json",
		"testdata/endorsement.json",
		"testdata/clr.json",
	} {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		`{}`, `null`, `[]`, `{"type":"VerifiableCredential"}`, `{"credentialSubject":{"achievement":{"creditsAvailable":1e400}}}`,
		`{"@context":[null,{"a":1}],"evidence":{},"issuer":"","image":{}}`, `{"tag":[null]}`, `{"a":"\ud800"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = Validate(data)

		var c AchievementCredential
		if err := json.Unmarshal(data, &c); err != nil {
			return
		}
		first, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("decoded but does not encode: %v", err)
		}
		if got, want := generic(t, first), generic(t, data); !reflect.DeepEqual(got, want) {
			t.Fatalf("round trip changed values\nin  %s\nout %s", data, first)
		}
		var again AchievementCredential
		if err := json.Unmarshal(first, &again); err != nil {
			t.Fatalf("own encoding does not decode: %v\n%s", err, first)
		}
		second, err := json.Marshal(again)
		if err != nil {
			t.Fatalf("second encode: %v", err)
		}
		if !bytes.Equal(first, second) {
			t.Fatalf("second round trip differs\nfirst  %s\nsecond %s", first, second)
		}
	})
}
