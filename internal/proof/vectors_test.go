package proof

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cairn/internal/contexts"
	"cairn/internal/did"
	"cairn/internal/jsonld"
	"cairn/internal/keys"
	"cairn/internal/vendordata"
)

// examplesV2 is the VC 2.0 examples context as the VC Data Model 2.0
// publishes it. The W3C vectors use it; cairn does not embed it.
const examplesV2 = `{"@context":{"@vocab":"https://www.w3.org/ns/credentials/examples#"}}`

// vectorLoader serves the embedded contexts plus the examples context.
type vectorLoader struct{ embedded *contexts.Loader }

func (l vectorLoader) LoadDocument(url string) (any, error) {
	if url == "https://www.w3.org/ns/credentials/examples/v2" {
		var v any
		err := json.Unmarshal([]byte(examplesV2), &v)
		return v, err
	}
	return l.embedded.LoadDocument(url)
}

func vectorSuite() DataIntegrity {
	return DataIntegrity{Canon: RDFC{LD: jsonld.NewProcessor(vectorLoader{contexts.New()})}}
}

func readVector(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	v, err := decodeJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	return v.(map[string]any)
}

// TestEdDSARDFC2022Vectors reproduces the W3C vc-di-eddsa test vectors for
// eddsa-rdfc-2022 byte for byte: canonical document, canonical proof
// configuration, both hashes, the signature and the signed credential.
func TestEdDSARDFC2022Vectors(t *testing.T) {
	root := vendordata.Dir(t, "vc-di-eddsa/TestVectors")
	dir := filepath.Join(root, "eddsa-rdfc-2022")
	key, err := keys.ParseMultikeyPair(readVector(t, root, "keyPair.json"))
	if err != nil {
		t.Fatal(err)
	}
	di := vectorSuite()
	unsigned := readVector(t, root, "unsigned.json")
	config := decode(t, readVector(t, dir, "proofConfigDataInt.json"))

	canonDoc, err := di.Canon.Canonicalize(decode(t, unsigned))
	if err != nil {
		t.Fatal(err)
	}
	if want := readVector(t, dir, "canonDocDataInt.txt"); !bytes.Equal(canonDoc, want) {
		t.Errorf("canonical document:\n%s\nwant:\n%s", canonDoc, want)
	}
	canonConfig, err := di.Canon.Canonicalize(config)
	if err != nil {
		t.Fatal(err)
	}
	if want := readVector(t, dir, "proofCanonDataInt.txt"); !bytes.Equal(canonConfig, want) {
		t.Errorf("canonical proof configuration:\n%s\nwant:\n%s", canonConfig, want)
	}
	docHash, configHash := sha256.Sum256(canonDoc), sha256.Sum256(canonConfig)
	if got, want := hex.EncodeToString(docHash[:]), strings.TrimSpace(string(readVector(t, dir, "docHashDataInt.txt"))); got != want {
		t.Errorf("document hash = %s, want %s", got, want)
	}
	if got, want := hex.EncodeToString(configHash[:]), strings.TrimSpace(string(readVector(t, dir, "proofHashDataInt.txt"))); got != want {
		t.Errorf("proof configuration hash = %s, want %s", got, want)
	}
	combined, err := di.hashData(decode(t, unsigned), config)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := hex.EncodeToString(combined), strings.TrimSpace(string(readVector(t, dir, "combinedHashDataInt.txt"))); got != want {
		t.Errorf("combined hash = %s, want %s", got, want)
	}

	created, _ := time.Parse(time.RFC3339, "2023-02-24T23:36:38Z")
	signed, err := di.Sign(unsigned, key.Signer(), SignOptions{
		VerificationMethod: config["verificationMethod"].(string),
		Created:            created,
	})
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := json.Indent(&got, signed, "", "  "); err != nil {
		t.Fatal(err)
	}
	want := bytes.TrimSpace(readVector(t, dir, "signedDataInt.json"))
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("signed credential:\n%s\nwant:\n%s", got.Bytes(), want)
	}
	proofValue := decode(t, signed)["proof"].(map[string]any)["proofValue"]
	if want := strings.TrimSpace(string(readVector(t, dir, "sigBTC58DataInt.txt"))); proofValue != want {
		t.Errorf("proofValue = %s, want %s", proofValue, want)
	}

	res := di.Verify(context.Background(), decode(t, signed), did.NewResolver(did.ResolverConfig{}), VerifyOptions{})
	if len(res) != 1 || !res[0].Valid {
		t.Errorf("verify the vector's signed credential: %+v", res)
	}
}

// TestProofSetsAndChains verifies the W3C proof set and proof chain
// vectors, and that breaking any one proof of them fails verification.
func TestProofSetsAndChains(t *testing.T) {
	dir := filepath.Join(vendordata.Dir(t, "vc-di-eddsa/TestVectors"), "proof-set-chain")
	di := vectorSuite()
	resolver := did.NewResolver(did.ResolverConfig{})
	for name, proofs := range map[string]int{"signedProofSet1.json": 1, "signedProofSet2.json": 2, "signedProofChain1.json": 3, "signedProofChain2.json": 4} {
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			doc := decode(t, readVector(t, dir, name))
			res := di.Verify(context.Background(), doc, resolver, VerifyOptions{})
			if len(res) != proofs {
				t.Fatalf("%d proofs, want %d", len(res), proofs)
			}
			for _, r := range res {
				if !r.Valid {
					t.Errorf("proof by %s: %s", r.VerificationMethod, r.Error)
				}
			}
			for i := range res {
				broken := decode(t, readVector(t, dir, name))
				p := proofList(broken["proof"])[i].(map[string]any)
				p["created"] = "2024-01-01T00:00:00Z"
				if r := di.Verify(context.Background(), broken, resolver, VerifyOptions{}); r[i].Valid {
					t.Errorf("proof %d verified after its created date changed", i)
				}
			}
		})
	}
}

// TestSignProofChain adds a chained proof to a signed credential and checks
// the chain verifies, and that dropping the earlier proof breaks it.
func TestSignProofChain(t *testing.T) {
	root := vendordata.Dir(t, "vc-di-eddsa/TestVectors")
	di := vectorSuite()
	first, second := mustKey(t), mustKey(t)
	unsigned := readVector(t, root, "unsigned.json")
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	one, err := di.Sign(unsigned, first.Signer(), SignOptions{VerificationMethod: vmOf(t, first), Created: now, ID: "urn:uuid:first"})
	if err != nil {
		t.Fatal(err)
	}
	two, err := di.Sign(one, second.Signer(), SignOptions{VerificationMethod: vmOf(t, second), Created: now, PreviousProof: []string{"urn:uuid:first"}})
	if err != nil {
		t.Fatal(err)
	}
	resolver := did.NewResolver(did.ResolverConfig{})
	res := di.Verify(context.Background(), decode(t, two), resolver, VerifyOptions{})
	if len(res) != 2 || !res[0].Valid || !res[1].Valid {
		t.Fatalf("chain: %+v", res)
	}
	doc := decode(t, two)
	doc["proof"] = doc["proof"].([]any)[1:]
	res = di.Verify(context.Background(), doc, resolver, VerifyOptions{})
	if len(res) != 1 || res[0].Valid {
		t.Errorf("chained proof verified without the proof it chains to: %+v", res)
	}
	if _, err := di.Sign(one, second.Signer(), SignOptions{VerificationMethod: vmOf(t, second), PreviousProof: []string{"urn:uuid:missing"}}); err == nil {
		t.Error("signed a chain to a proof that is not there")
	}
}

func mustKey(t *testing.T) *keys.Key {
	t.Helper()
	k, err := keys.Generate(keys.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func vmOf(t *testing.T, k *keys.Key) string {
	t.Helper()
	d, err := did.KeyDID(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	return d + "#" + strings.TrimPrefix(d, "did:key:")
}
