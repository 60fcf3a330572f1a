package verify

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"cairn/internal/bake"
	"cairn/internal/contexts"
	"cairn/internal/did"
	"cairn/internal/jsonld"
	"cairn/internal/keys"
	"cairn/internal/proof"
	"cairn/internal/status"
)

// fixture is a signing identity and a verifier that trusts nothing but DID
// resolution, with a fixed clock.
type fixture struct {
	key      *keys.Key
	did      string
	vm       string
	di       proof.DataIntegrity
	jwt      proof.JWT
	verifier *Verifier
	lists    map[string][]byte
}

func (f *fixture) FetchStatusList(_ context.Context, url string) ([]byte, error) {
	if b, ok := f.lists[url]; ok {
		return b, nil
	}
	return nil, fmt.Errorf("no status list at %s", url)
}

var testNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func newFixture(t testing.TB) *fixture {
	t.Helper()
	k, err := keys.Generate(keys.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	return fixtureFor(t, k)
}

// newSeededFixture uses a key derived from a fixed seed, so every process
// (the fuzz coordinator and each of its workers) signs the same bytes.
func newSeededFixture(t testing.TB) *fixture {
	t.Helper()
	seed := sha256.Sum256([]byte("cairn verify fuzz fixture"))
	k, err := keys.FromPrivateKey(ed25519.NewKeyFromSeed(seed[:]), "")
	if err != nil {
		t.Fatal(err)
	}
	return fixtureFor(t, k)
}

func fixtureFor(t testing.TB, k *keys.Key) *fixture {
	t.Helper()
	d, err := did.KeyDID(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	ld := jsonld.NewProcessor(contexts.New())
	f := &fixture{key: k, did: d, vm: d + "#" + strings.TrimPrefix(d, "did:key:"), lists: map[string][]byte{}}
	f.di = proof.DataIntegrity{Canon: proof.RDFC{LD: ld}}
	f.verifier = &Verifier{DI: f.di, JWT: f.jwt, Keys: did.NewResolver(did.ResolverConfig{}), Statuses: f, Now: func() time.Time { return testNow }}
	return f
}

// credential returns the repository's realistic micro-credential issued by
// the fixture's did:key, with optional edits applied to the decoded JSON.
func (f *fixture) credential(t testing.TB, edit func(map[string]any)) []byte {
	t.Helper()
	raw, err := os.ReadFile("../../cmd/cairn/testdata/microcredential.json")
	if err != nil {
		t.Fatal(err)
	}
	raw = bytes.ReplaceAll(raw, []byte("did:key:z6MkPLACEHOLDER"), []byte(f.did))
	if edit == nil {
		return raw
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (f *fixture) signDI(t testing.TB, cred []byte) []byte {
	t.Helper()
	out, err := f.di.Sign(cred, f.key.Signer(), proof.SignOptions{VerificationMethod: f.vm, Created: testNow.Add(-time.Hour)})
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	return out
}

func checkOutcome(t *testing.T, r *Report, id string, want Outcome) {
	t.Helper()
	for _, c := range r.Checks {
		if c.ID == id {
			if c.Outcome != want {
				t.Errorf("check %s = %s (%s), want %s", id, c.Outcome, c.Detail, want)
			}
			return
		}
	}
	t.Errorf("no check %s in report; checks: %+v", id, r.Checks)
}

func TestVerifyFormats(t *testing.T) {
	f := newFixture(t)
	signed := f.signDI(t, f.credential(t, nil))
	tok, err := f.jwt.Sign(f.credential(t, nil), f.key.Signer(), f.vm)
	if err != nil {
		t.Fatal(err)
	}
	img := tinyPNG(t)
	bakedDI, err := bake.BakePNG(img, signed)
	if err != nil {
		t.Fatal(err)
	}
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>`)
	bakedJWT, err := bake.BakeSVG(svg, []byte(tok))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name          string
		in            []byte
		format, inner Format
	}{
		{"json", signed, FormatJSON, ""},
		{"json with surrounding whitespace", append(append([]byte("\n  "), signed...), '\n'), FormatJSON, ""},
		{"jwt", []byte(tok), FormatJWT, ""},
		{"png carrying json", bakedDI, FormatPNG, FormatJSON},
		{"svg carrying jwt", bakedJWT, FormatSVG, FormatJWT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.verifier.Verify(context.Background(), tt.in)
			if !r.Verified {
				t.Fatalf("not verified: %v", r.Errors)
			}
			if r.Format != tt.format || r.Embedded != tt.inner {
				t.Errorf("format = %s/%s, want %s/%s", r.Format, r.Embedded, tt.format, tt.inner)
			}
			if r.Issuer.ID != f.did {
				t.Errorf("issuer = %q, want %q", r.Issuer.ID, f.did)
			}
			if r.Achievement.Name == "" {
				t.Error("achievement name missing from the report")
			}
			checkOutcome(t, r, "proof", Pass)
			checkOutcome(t, r, "issuer", Pass)
			checkOutcome(t, r, "validity", Pass)
		})
	}
}

func TestVerifyRefusesUnreadableInput(t *testing.T) {
	f := newFixture(t)
	for name, in := range map[string][]byte{
		"empty":        nil,
		"text":         []byte("hello"),
		"json array":   []byte("[1,2]"),
		"broken json":  []byte(`{"a":`),
		"png unbaked":  tinyPNG(t),
		"svg unbaked":  []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`),
		"bad jwt":      []byte("aaa.bbb.ccc"),
		"unsigned":     f.credential(t, nil),
		"wrong issuer": f.signDI(t, f.credential(t, func(m map[string]any) { m["issuer"].(map[string]any)["id"] = "did:example:other" })),
	} {
		t.Run(name, func(t *testing.T) {
			r := f.verifier.Verify(context.Background(), in)
			if r.Verified {
				t.Fatal("verified, want not verified")
			}
			if len(r.Errors) == 0 {
				t.Error("no error explains the verdict")
			}
		})
	}
}

func TestVerifyValidityPeriod(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name      string
		from, end string
		state     string
	}{
		{"current", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "valid"},
		{"expired", "2020-01-01T00:00:00Z", "2021-01-01T00:00:00Z", "expired"},
		{"not yet valid", "2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z", "not yet valid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			signed := f.signDI(t, f.credential(t, func(m map[string]any) {
				m["validFrom"], m["validUntil"] = tt.from, tt.end
			}))
			r := f.verifier.Verify(context.Background(), signed)
			if r.Validity.State != tt.state {
				t.Errorf("state = %q, want %q", r.Validity.State, tt.state)
			}
			if r.Verified != (tt.state == "valid") {
				t.Errorf("verified = %v for a %s credential", r.Verified, tt.state)
			}
		})
	}
}

// TestVerifyStatus issues a credential with revocation and suspension
// entries and flips the bits in signed status lists.
func TestVerifyStatus(t *testing.T) {
	f := newFixture(t)
	const revURL, susURL = "https://badges.example.edu/status/1", "https://badges.example.edu/status/2"
	signed := f.signDI(t, f.credential(t, func(m map[string]any) {
		m["credentialStatus"] = []any{status.Entry(revURL, "revocation", 42), status.Entry(susURL, "suspension", 42)}
	}))
	publish := func(url, purpose string, set bool) {
		l, err := status.NewList(status.MinLength)
		if err != nil {
			t.Fatal(err)
		}
		if set {
			if err := l.Set(42); err != nil {
				t.Fatal(err)
			}
		}
		doc, err := status.ListCredential(url, f.did, purpose, l, testNow.Add(-time.Hour), time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(doc)
		f.lists[url] = f.signDI(t, raw)
	}
	tests := []struct {
		name          string
		revoked, susp bool
		missing       bool
		verified      bool
		states        []string
	}{
		{"active", false, false, false, true, []string{"active", "active"}},
		{"revoked", true, false, false, false, []string{"revoked", "active"}},
		{"suspended", false, true, false, false, []string{"active", "suspended"}},
		{"list unreachable", false, false, true, true, []string{"unknown", "unknown"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.lists = map[string][]byte{}
			if !tt.missing {
				publish(revURL, "revocation", tt.revoked)
				publish(susURL, "suspension", tt.susp)
			}
			r := f.verifier.Verify(context.Background(), signed)
			var got []string
			for _, s := range r.Status {
				got = append(got, s.State)
			}
			if strings.Join(got, ",") != strings.Join(tt.states, ",") {
				t.Errorf("states = %v, want %v (%v)", got, tt.states, r.Status)
			}
			if r.Verified != tt.verified {
				t.Errorf("verified = %v, want %v; errors %v", r.Verified, tt.verified, r.Errors)
			}
		})
	}
	t.Run("list signed by someone else", func(t *testing.T) {
		other := newFixture(t)
		l, _ := status.NewList(status.MinLength)
		doc, err := status.ListCredential(revURL, other.did, "revocation", l, testNow.Add(-time.Hour), time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(doc)
		f.lists = map[string][]byte{revURL: other.signDI(t, raw)}
		r := f.verifier.Verify(context.Background(), signed)
		if len(r.Status) == 0 || r.Status[0].State != "unknown" {
			t.Errorf("status = %+v, want unknown for a list from another issuer", r.Status)
		}
	})
}

// TestTamperEveryValue changes each single value of a signed credential —
// every leaf, every array element, every key — and expects verification to
// fail each time.
func TestTamperEveryValue(t *testing.T) {
	f := newFixture(t)
	signed := f.signDI(t, f.credential(t, nil))
	if r := f.verifier.Verify(context.Background(), signed); !r.Verified {
		t.Fatalf("untouched credential not verified: %v", r.Errors)
	}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(signed))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	muts := mutations(doc, "$")
	if len(muts) < 50 {
		t.Fatalf("only %d mutations generated; the fixture is too small to mean anything", len(muts))
	}
	for _, m := range muts {
		t.Run(m.name, func(t *testing.T) {
			tampered := m.apply()
			out, err := json.Marshal(tampered)
			if err != nil {
				t.Fatal(err)
			}
			if r := f.verifier.Verify(context.Background(), out); r.Verified {
				t.Errorf("tampered credential verified")
			}
		})
	}
	t.Logf("%d single-value changes, each refused", len(muts))
}

type mutation struct {
	name  string
	apply func() any // returns a fresh, mutated copy of the whole document
}

// mutations lists every single-value change of doc. Each apply deep-copies
// the document, so mutations are independent.
func mutations(root any, _ string) []mutation {
	var out []mutation
	var walk func(path []any, v any)
	walk = func(path []any, v any) {
		name := pathName(path)
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				p := append(append([]any{}, path...), k)
				out = append(out, mutation{pathName(p) + " renamed", func() any {
					c := deepCopy(root)
					parent := at(c, path).(map[string]any)
					parent[k+"Renamed"] = parent[k]
					delete(parent, k)
					return c
				}})
				walk(p, x[k])
			}
		case []any:
			for i := range x {
				walk(append(append([]any{}, path...), i), x[i])
			}
		default:
			out = append(out, mutation{name + " changed", func() any {
				c := deepCopy(root)
				set(c, path, changed(v))
				return c
			}})
		}
	}
	walk(nil, root)
	return out
}

func changed(v any) any {
	switch x := v.(type) {
	case string:
		if len(x) > 0 && x[len(x)-1] >= '0' && x[len(x)-1] <= '8' {
			return x[:len(x)-1] + string(x[len(x)-1]+1) // keeps dates and numbers well formed
		}
		return x + "x"
	case json.Number:
		return json.Number(x.String() + "1")
	case bool:
		return !x
	case nil:
		return "x"
	}
	panic(fmt.Sprintf("unexpected %T", v))
}

func pathName(path []any) string {
	var b strings.Builder
	b.WriteString("$")
	for _, p := range path {
		switch x := p.(type) {
		case string:
			b.WriteString("." + x)
		case int:
			fmt.Fprintf(&b, "[%d]", x)
		}
	}
	return b.String()
}

func at(v any, path []any) any {
	for _, p := range path {
		switch x := p.(type) {
		case string:
			v = v.(map[string]any)[x]
		case int:
			v = v.([]any)[x]
		}
	}
	return v
}

func set(root any, path []any, val any) {
	parent := at(root, path[:len(path)-1])
	switch x := path[len(path)-1].(type) {
	case string:
		parent.(map[string]any)[x] = val
	case int:
		parent.([]any)[x] = val
	}
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}

func tinyPNG(t testing.TB) []byte {
	t.Helper()
	// A 1×1 PNG, written out so the test needs no image encoder.
	b, err := os.ReadFile("testdata/badge.png")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func FuzzVerify(f *testing.F) {
	fx := newSeededFixture(f)
	signed := fx.signDI(f, fx.credential(f, nil))
	f.Add(signed)
	f.Add([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiableCredential"}`))
	f.Add([]byte("eyJhbGciOiJFZERTQSJ9.e30.AAAA"))
	f.Add([]byte("<svg/>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := fx.verifier.Verify(context.Background(), data)
		if !r.Verified {
			return
		}
		// Only the genuine credential, perhaps re-serialized, may verify.
		var a, b any
		if json.Unmarshal(data, &a) != nil || json.Unmarshal(signed, &b) != nil || !reflect.DeepEqual(a, b) {
			t.Fatalf("verified input that is not the signed credential: %q", data)
		}
	})
}
