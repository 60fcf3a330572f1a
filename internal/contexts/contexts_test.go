package contexts

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"cairn/internal/vendordata"
)

// pinned are the SHA-256 sums of the embedded files. A change here is a
// change to what cairn signs and verifies against: review the diff of the
// context, then update the sum.
var pinned = map[string]struct{ file, sha256 string }{
	CredentialsV2:       {"files/credentials-v2.jsonld", "8a9f494a89ecc51db093e90e84713e07e84d6d9204364a9b3c7868b21751236f"},
	CredentialsV1:       {"files/credentials-v1.jsonld", "00d7dd6d3ad8b920e3e550dd3a3d9090bffcac84cdbf943da6924b3e0a5c8bb8"},
	OpenBadgesV3:        {"files/ob-v3p0-context-3.0.3.jsonld", "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761"},
	OpenBadgesExtension: {"files/ob-v3p0-extensions.jsonld", "2d013f981d1f4516081a6a04e55468ba2b071d4153b794f19a79715c45a89a5e"},
	DataIntegrityV2:     {"files/data-integrity-v2.jsonld", "0f77743daf5b4e8fc067fc5ba5b21044283053aa717fc6b0219843bed3b00363"},
	StatusListV1:        {"files/bitstring-status-list-v1.jsonld", "fd08cbf28ddd829ab2f1978c48f43ab07a112c1c90245a0cfac7ba721c65170c"},
	MultikeyV1:          {"files/multikey-v1.jsonld", "c5f3806f8286920573221938917988a18a4cc5a09e968d29649613c7a1c2b1f6"},
}

func TestEmbeddedFilesMatchPinnedSums(t *testing.T) {
	for url, p := range pinned {
		t.Run(filepath.Base(p.file), func(t *testing.T) {
			data, err := embedded.ReadFile(p.file)
			if err != nil {
				t.Fatalf("read %s: %v", p.file, err)
			}
			sum := sha256.Sum256(data)
			if got := hex.EncodeToString(sum[:]); got != p.sha256 {
				t.Errorf("%s (%s): got sha256 %s, want %s", p.file, url, got, p.sha256)
			}
		})
	}
}

func TestManifestAgreesWithPins(t *testing.T) {
	raw, err := os.ReadFile("manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("decode manifest: %v", err)
	}
	if len(m.Contexts) != len(pinned) {
		t.Errorf("got %d manifest entries, want %d", len(m.Contexts), len(pinned))
	}
	for _, e := range m.Contexts {
		p, ok := pinned[e.URL]
		if !ok {
			t.Errorf("manifest lists %s, which the test does not pin", e.URL)
			continue
		}
		if e.File != p.file || e.SHA256 != p.sha256 {
			t.Errorf("%s: manifest has %s %s, want %s %s", e.URL, e.File, e.SHA256, p.file, p.sha256)
		}
		if e.Package == "" || e.Version == "" || e.Source == "" || !strings.HasPrefix(e.Integrity, "sha512-") {
			t.Errorf("%s: manifest entry lacks provenance: %+v", e.URL, e)
		}
	}
	// Every embedded file is listed: nothing ships that the manifest hides.
	files, err := filepath.Glob("files/*")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(m.Contexts) {
		t.Errorf("got %d files in files/, want %d (one per manifest entry)", len(files), len(m.Contexts))
	}
}

func TestNewLoadsEveryContext(t *testing.T) {
	l := New()
	if l.err != nil {
		t.Fatalf("New: %v", l.err)
	}
	want := make([]string, 0, len(pinned))
	for url := range pinned {
		want = append(want, url)
	}
	slices.Sort(want)
	if got := l.URLs(); !slices.Equal(got, want) {
		t.Errorf("URLs: got %v, want %v", got, want)
	}
	for _, url := range want {
		doc, err := l.LoadDocument(url)
		if err != nil {
			t.Errorf("LoadDocument(%s): %v", url, err)
			continue
		}
		m, ok := doc.(map[string]any)
		if !ok {
			t.Errorf("LoadDocument(%s): got %T, want a JSON object", url, doc)
			continue
		}
		if _, ok := m["@context"]; !ok {
			t.Errorf("LoadDocument(%s): no @context", url)
		}
	}
}

func TestLoadDocumentFragment(t *testing.T) {
	l := New()
	plain, err := l.LoadDocument(CredentialsV2)
	if err != nil {
		t.Fatal(err)
	}
	for _, url := range []string{CredentialsV2 + "#", CredentialsV2 + "#section"} {
		got, err := l.LoadDocument(url)
		if err != nil {
			t.Fatalf("LoadDocument(%s): %v", url, err)
		}
		if reflect.ValueOf(got).Pointer() != reflect.ValueOf(plain).Pointer() {
			t.Errorf("LoadDocument(%s): got a different document than without the fragment", url)
		}
	}
}

func TestLoadDocumentSharesOneDecodedValue(t *testing.T) {
	l := New()
	a, err := l.LoadDocument(OpenBadgesV3)
	if err != nil {
		t.Fatal(err)
	}
	b, err := l.LoadDocument(OpenBadgesV3)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.ValueOf(a).Pointer() != reflect.ValueOf(b).Pointer() {
		t.Error("got two decoded copies, want the one shared document")
	}
}

func TestNumbersKeptAsJSONNumber(t *testing.T) {
	doc, err := New().LoadDocument(CredentialsV1)
	if err != nil {
		t.Fatal(err)
	}
	ctx := doc.(map[string]any)["@context"].(map[string]any)
	got, ok := ctx["@version"].(json.Number)
	if !ok || got != "1.1" {
		t.Errorf("@version: got %#v, want json.Number(\"1.1\")", ctx["@version"])
	}
}

func TestOpenBadgesContextMatchesSpecification(t *testing.T) {
	dir := vendordata.Dir(t, "openbadges")
	want := decodeFile(t, filepath.Join(dir, "context-3.0.3.json"))
	got, err := New().LoadDocument(OpenBadgesV3)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Error("embedded Open Badges 3.0.3 context differs from the one published in the specification repository")
	}
}

func TestExtensionsDefinesSchemaValidator(t *testing.T) {
	doc, err := New().LoadDocument(OpenBadgesExtension)
	if err != nil {
		t.Fatal(err)
	}
	ctx := doc.(map[string]any)["@context"].(map[string]any)
	const want = "https://purl.imsglobal.org/spec/vccs/v1p0/context.json#1EdTechJsonSchemaValidator2019"
	if got := ctx["1EdTechJsonSchemaValidator2019"]; got != want {
		t.Errorf("1EdTechJsonSchemaValidator2019: got %v, want %s", got, want)
	}
}

func TestLoadDocumentUnknown(t *testing.T) {
	l := New()
	for _, url := range []string{
		"https://www.w3.org/ns/did/v1",
		"https://example.com/context.json",
		"",
		CredentialsV2 + "/",
		strings.ToUpper(CredentialsV2),
	} {
		t.Run("refused "+url, func(t *testing.T) {
			doc, err := l.LoadDocument(url)
			if !errors.Is(err, ErrUnknownContext) {
				t.Fatalf("got %v, %v, want ErrUnknownContext", doc, err)
			}
			if !strings.Contains(err.Error(), url) || !strings.Contains(err.Error(), "never fetched") {
				t.Errorf("error %q should name the URL and say contexts are never fetched", err)
			}
		})
	}
}

func decodeFile(t *testing.T, name string) any {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := decode(data)
	if err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return doc
}

func TestDecodeRefusesTrailingData(t *testing.T) {
	if _, err := decode(bytes.Repeat([]byte(`{}`), 2)); err == nil {
		t.Error("got no error for two JSON values, want one")
	}
}

func TestLoaderRefusesTamperedFile(t *testing.T) {
	manifest := `{"contexts":[{"url":"https://example.com/c","file":"files/c.jsonld","sha256":"` +
		strings.Repeat("0", 64) + `"}]}`
	fsys := fstest.MapFS{
		"manifest.json":  {Data: []byte(manifest)},
		"files/c.jsonld": {Data: []byte(`{"@context":{}}`)},
	}
	l := newLoader(fsys)
	if _, err := l.LoadDocument("https://example.com/c"); err == nil || !strings.Contains(err.Error(), "sha256") {
		t.Errorf("got %v, want a sha256 mismatch error", err)
	}
}
