package status

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"testing"
	"time"
)

const listURL = "https://cairn.example/status/revocation/1"

var validFrom = time.Date(2026, 11, 22, 10, 30, 0, 0, time.FixedZone("PST", -8*3600))

func TestEntry(t *testing.T) {
	got := Entry(listURL, PurposeRevocation, 94567)
	want := map[string]any{
		"id":                   listURL + "#94567",
		"type":                 "BitstringStatusListEntry",
		"statusPurpose":        "revocation",
		"statusListIndex":      "94567",
		"statusListCredential": listURL,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestListCredential(t *testing.T) {
	l := mustList(t, 0)
	until := validFrom.Add(24 * time.Hour)
	vc, err := ListCredential(listURL, "did:web:cairn.example", PurposeSuspension, l, validFrom, until)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := l.Encode()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"@context":   []any{"https://www.w3.org/ns/credentials/v2"},
		"id":         listURL,
		"type":       []any{"VerifiableCredential", "BitstringStatusListCredential"},
		"issuer":     "did:web:cairn.example",
		"validFrom":  "2026-11-22T18:30:00Z",
		"validUntil": "2026-11-23T18:30:00Z",
		"credentialSubject": map[string]any{
			"id":            listURL + "#list",
			"type":          "BitstringStatusList",
			"statusPurpose": "suspension",
			"encodedList":   enc,
		},
	}
	if !reflect.DeepEqual(vc, want) {
		t.Errorf("got %v\nwant %v", vc, want)
	}

	noUntil, err := ListCredential(listURL, "did:web:cairn.example", PurposeRevocation, l, validFrom, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := noUntil["validUntil"]; ok {
		t.Error("got validUntil for a zero time, want it omitted")
	}
}

func TestListCredentialRefuses(t *testing.T) {
	l := mustList(t, 0)
	tests := []struct {
		name, id, issuer, purpose string
		from, until               time.Time
	}{
		{"unknown purpose", listURL, "did:x", "message", validFrom, time.Time{}},
		{"no id", "", "did:x", PurposeRevocation, validFrom, time.Time{}},
		{"no issuer", listURL, "", PurposeRevocation, validFrom, time.Time{}},
		{"no validFrom", listURL, "did:x", PurposeRevocation, time.Time{}, time.Time{}},
		{"validUntil before validFrom", listURL, "did:x", PurposeRevocation, validFrom, validFrom.Add(-time.Second)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if vc, err := ListCredential(tt.id, tt.issuer, tt.purpose, l, tt.from, tt.until); err == nil {
				t.Errorf("got %v, want an error", vc)
			}
		})
	}
}

// fixture returns a revocation list with index 42 set, its list credential
// and the entries for index 42 and index 43.
func fixture(t *testing.T) (set, unset, vc map[string]any) {
	t.Helper()
	l := mustList(t, 0)
	if err := l.Set(42); err != nil {
		t.Fatal(err)
	}
	vc, err := ListCredential(listURL, "did:web:cairn.example", PurposeRevocation, l, validFrom, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return Entry(listURL, PurposeRevocation, 42), Entry(listURL, PurposeRevocation, 43), vc
}

func TestCheck(t *testing.T) {
	set, unset, vc := fixture(t)
	got, err := Check(set, vc, 0)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if want := (Result{Purpose: PurposeRevocation, Index: 42, Set: true}); got != want || !got.Invalid() {
		t.Errorf("set entry: got %+v (invalid %v), want %+v (invalid)", got, got.Invalid(), want)
	}
	got, err = Check(unset, vc, 0)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if got.Set || got.Invalid() {
		t.Errorf("unset entry: got %+v, want not set", got)
	}
}

func TestCheckAfterJSONRoundTrip(t *testing.T) {
	set, _, vc := fixture(t)
	decode := func(v map[string]any) map[string]any {
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var out map[string]any
		if err := dec.Decode(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	entry := decode(set)
	entry["statusSize"] = json.Number("1")
	got, err := Check(entry, decode(vc), 0)
	if err != nil || !got.Set {
		t.Errorf("got %+v, %v, want the bit set", got, err)
	}
}

func TestCheckAcceptsSubjectArrayAndPurposeList(t *testing.T) {
	set, _, vc := fixture(t)
	subject := maps.Clone(vc["credentialSubject"].(map[string]any))
	subject["statusPurpose"] = []any{PurposeSuspension, PurposeRevocation}
	vc["credentialSubject"] = []any{subject}
	if got, err := Check(set, vc, 0); err != nil || !got.Set {
		t.Errorf("got %+v, %v, want the bit set", got, err)
	}
}

func TestCheckRefuses(t *testing.T) {
	tests := []struct {
		name   string
		change func(entry, vc, subject map[string]any)
		want   error
	}{
		{"entry of another type", func(e, _, _ map[string]any) { e["type"] = "StatusList2021Entry" }, ErrMalformed},
		{"entry without purpose", func(e, _, _ map[string]any) { delete(e, "statusPurpose") }, ErrMalformed},
		{"entry purpose not on the list", func(e, _, _ map[string]any) { e["statusPurpose"] = PurposeSuspension }, ErrVerification},
		{"entry purpose unsupported", func(e, _, _ map[string]any) { e["statusPurpose"] = "message" }, ErrVerification},
		{"index as a number", func(e, _, _ map[string]any) { e["statusListIndex"] = 42 }, ErrMalformed},
		{"negative index", func(e, _, _ map[string]any) { e["statusListIndex"] = "-1" }, ErrMalformed},
		{"signed index", func(e, _, _ map[string]any) { e["statusListIndex"] = "+42" }, ErrMalformed},
		{"empty index", func(e, _, _ map[string]any) { e["statusListIndex"] = "" }, ErrMalformed},
		{"index past the list", func(e, _, _ map[string]any) { e["statusListIndex"] = "131072" }, ErrRange},
		{"index of many digits", func(e, _, _ map[string]any) { e["statusListIndex"] = "99999999999999999999999999" }, ErrRange},
		{"status size 2", func(e, _, _ map[string]any) { e["statusSize"] = 2.0 }, ErrVerification},
		{"entry id equal to the list URL", func(e, _, _ map[string]any) { e["id"] = listURL }, ErrMalformed},
		{"entry without list URL", func(e, _, _ map[string]any) { delete(e, "statusListCredential") }, ErrMalformed},
		{"entry naming another list", func(e, _, _ map[string]any) { e["statusListCredential"] = listURL + "0" }, ErrVerification},
		{"list of another type", func(_, vc, _ map[string]any) { vc["type"] = []any{"VerifiableCredential"} }, ErrVerification},
		{"subject of another type", func(_, _, s map[string]any) { s["type"] = "StatusList2021" }, ErrMalformed},
		{"subject without purpose", func(_, _, s map[string]any) { delete(s, "statusPurpose") }, ErrMalformed},
		{"subject purpose not a string", func(_, _, s map[string]any) { s["statusPurpose"] = []any{1.0} }, ErrMalformed},
		{"subject without encodedList", func(_, _, s map[string]any) { delete(s, "encodedList") }, ErrMalformed},
		{"encodedList not multibase", func(_, _, s map[string]any) { s["encodedList"] = s["encodedList"].(string)[1:] }, ErrMalformed},
		{"list below minimum", func(_, _, s map[string]any) {
			s["encodedList"] = "u" + gzipBase64(t, make([]byte, 1024))
		}, ErrListLength},
		{"no subject", func(_, vc, _ map[string]any) { delete(vc, "credentialSubject") }, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entry, _, vc := fixture(t)
			tt.change(entry, vc, vc["credentialSubject"].(map[string]any))
			got, err := Check(entry, vc, 0)
			if !errors.Is(err, tt.want) {
				t.Errorf("got %+v, %v, want %v", got, err, tt.want)
			}
		})
	}
}

func TestCheckHonoursByteLimit(t *testing.T) {
	entry, _, vc := fixture(t)
	if _, err := Check(entry, vc, MinLength/8-1); !errors.Is(err, ErrTooLarge) {
		t.Errorf("got %v, want ErrTooLarge", err)
	}
}

func TestCheckNilDocuments(t *testing.T) {
	entry, _, vc := fixture(t)
	if _, err := Check(nil, vc, 0); !errors.Is(err, ErrMalformed) {
		t.Errorf("nil entry: got %v, want ErrMalformed", err)
	}
	if _, err := Check(entry, nil, 0); !errors.Is(err, ErrVerification) {
		t.Errorf("nil list credential: got %v, want ErrVerification", err)
	}
}
