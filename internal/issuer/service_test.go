package issuer

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/award"
	"cairn/internal/contexts"
	"cairn/internal/did"
	"cairn/internal/jsonld"
	"cairn/internal/org"
	"cairn/internal/proof"
	"cairn/internal/sqlstore"
	"cairn/internal/status"
)

var testNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// testDI is built once so the JSON-LD context cache stays warm.
var testDI = proof.DataIntegrity{Canon: proof.RDFC{LD: jsonld.NewProcessor(contexts.New())}}

type world struct {
	store *sqlstore.Store
	svc   *Service
	kek   []byte
	logs  *bytes.Buffer
	kpu   org.Institution
}

func newWorld(t *testing.T, baseURL string) *world {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), ":memory:", sqlstore.Options{Clock: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	w := &world{store: s, kek: bytes.Repeat([]byte{7}, KEKSize), logs: &bytes.Buffer{}}
	w.kpu = org.Institution{Slug: "kpu", Name: "Kwantlen Polytechnic University", Jurisdiction: "CA-BC", TimeZone: "America/Vancouver"}
	if err := s.CreateInstitution(t.Context(), &w.kpu); err != nil {
		t.Fatal(err)
	}
	w.svc = w.service(t, baseURL, w.kek)
	return w
}

func (w *world) service(t *testing.T, baseURL string, kek []byte) *Service {
	t.Helper()
	svc, err := New(w.store, Config{BaseURL: baseURL, KEK: kek, KEKFile: "/srv/cairn/issuer-keys.secret",
		DI: testDI, Clock: func() time.Time { return testNow }, Logger: slog.New(slog.NewTextHandler(w.logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// verifyWith signs a status list with ls and checks its proof against the
// DID document doc (nil for a did:key).
func verifyWith(t *testing.T, ls sqlstore.ListSigner, doc *did.Document) {
	t.Helper()
	bits, _ := status.NewList(status.MinLength)
	vc, err := status.ListCredential(ls.StatusListURL(1), ls.IssuerID(), status.PurposeRevocation, bits, testNow, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	signed, err := ls.SignStatusList(vc)
	if err != nil {
		t.Fatal(err)
	}
	checkProof(t, signed, doc)
}

func checkProof(t *testing.T, signed []byte, doc *did.Document) {
	t.Helper()
	r := did.NewResolver(did.ResolverConfig{})
	if doc != nil {
		raw, _ := json.Marshal(doc)
		if err := r.AddDocument(raw); err != nil {
			t.Fatal(err)
		}
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(signed))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	res := testDI.Verify(t.Context(), m, r, proof.VerifyOptions{Now: func() time.Time { return testNow }})
	if len(res) != 1 || !res[0].Valid {
		t.Fatalf("proof: got %+v, want one valid proof", res)
	}
}

func TestDIDWebIdentity(t *testing.T) {
	w := newWorld(t, "https://credentials.kpu.ca")
	ctx := t.Context()
	const want = "did:web:credentials.kpu.ca:institutions:kpu"
	id, err := w.svc.Ensure(ctx, w.kpu.ID, Settings{})
	if err != nil {
		t.Fatal(err)
	}
	if id.Method != MethodWeb || id.DID != want || !strings.HasPrefix(id.VerificationMethod, want+"#") || id.Format != award.FormatDI {
		t.Fatalf("identity: got %+v, want did:web %s issuing di", id, want)
	}
	again, err := w.svc.Ensure(ctx, w.kpu.ID, Settings{Method: MethodKey})
	if err != nil || again.DID != want {
		t.Errorf("second Ensure: got %s %v, want the same identity", again.DID, err)
	}
	if inst, _ := w.store.Institution(ctx, w.kpu.ID); inst.IssuerDID != want {
		t.Errorf("institution issuer DID: got %q, want %q", inst.IssuerDID, want)
	}
	iss, err := w.svc.Issuer(ctx, w.kpu.ID)
	if err != nil {
		t.Fatal(err)
	}
	if iss.IssuerID() != want || iss.StatusListURL(4) != "https://credentials.kpu.ca/status/4" {
		t.Errorf("issuer: got %s and %s", iss.IssuerID(), iss.StatusListURL(4))
	}
	doc, err := w.svc.DIDDocument(ctx, w.kpu.ID)
	if err != nil {
		t.Fatal(err)
	}
	if doc.ID != want || len(doc.VerificationMethod) != 1 || doc.VerificationMethod[0].ID != id.VerificationMethod {
		t.Fatalf("document: got %+v", doc)
	}
	verifyWith(t, iss, doc)

	// A rotation keeps the DID, signs with the new key and keeps the old
	// one in the document, so what it signed still verifies.
	bits, _ := status.NewList(status.MinLength)
	vc, _ := status.ListCredential(iss.StatusListURL(1), want, status.PurposeRevocation, bits, testNow, time.Time{})
	before, err := iss.SignStatusList(vc)
	if err != nil {
		t.Fatal(err)
	}
	rotated, err := w.svc.Rotate(ctx, w.kpu.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if rotated.DID != want || rotated.VerificationMethod == id.VerificationMethod || len(rotated.Keys) != 2 || rotated.Keys[0].RetiredAt.IsZero() {
		t.Fatalf("rotated: got %+v", rotated)
	}
	p, err := w.svc.Pipeline(ctx, w.kpu.ID)
	if err != nil || p.VerificationMethod != rotated.VerificationMethod {
		t.Fatalf("pipeline after rotation signs with %s (%v), want %s", p.VerificationMethod, err, rotated.VerificationMethod)
	}
	doc, err = w.svc.DIDDocument(ctx, w.kpu.ID)
	if err != nil || len(doc.VerificationMethod) != 2 || len(doc.AssertionMethod) != 2 {
		t.Fatalf("document after rotation: got %+v %v, want both keys", doc, err)
	}
	checkProof(t, before, doc)
	verifyWith(t, p, doc)

	// Destroying the retired key drops it from the document.
	if _, err := w.svc.Destroy(ctx, w.kpu.ID, rotated.Keys[0].ID, 0); err != nil {
		t.Fatal(err)
	}
	if doc, _ = w.svc.DIDDocument(ctx, w.kpu.ID); len(doc.VerificationMethod) != 1 || doc.VerificationMethod[0].ID != rotated.VerificationMethod {
		t.Errorf("document after destroying the old key: got %+v, want only the signing key", doc.VerificationMethod)
	}
}

func TestHTTPBaseURLFallsBackToDIDKey(t *testing.T) {
	w := newWorld(t, "http://127.0.0.1:8080")
	ctx := t.Context()
	id, err := w.svc.Ensure(ctx, w.kpu.ID, Settings{Method: MethodWeb})
	if err != nil {
		t.Fatal(err)
	}
	if id.Method != MethodKey || !strings.HasPrefix(id.DID, "did:key:z6Mk") {
		t.Fatalf("identity: got %s %s, want a did:key", id.Method, id.DID)
	}
	if !strings.Contains(w.logs.String(), "did:web is not possible") || !strings.Contains(w.logs.String(), "https") {
		t.Errorf("log: got %q, want a line saying did:web needs https", w.logs)
	}
	if _, err := w.svc.DIDDocument(ctx, w.kpu.ID); apperror.CodeOf(err) != apperror.NotFound {
		t.Errorf("document of a did:key identity: got %v, want NotFound", err)
	}
	iss, err := w.svc.Issuer(ctx, w.kpu.ID)
	if err != nil {
		t.Fatal(err)
	}
	verifyWith(t, iss, nil)

	// A did:key rotation moves to a new DID; lists kept under the old one
	// are still signed by the old key.
	rotated, err := w.svc.Rotate(ctx, w.kpu.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if rotated.DID == id.DID || !strings.HasPrefix(rotated.DID, "did:key:") {
		t.Fatalf("rotated DID: got %s, want a new did:key", rotated.DID)
	}
	old, err := w.svc.ListSigner(ctx, w.kpu.ID, id.DID)
	if err != nil || old.IssuerID() != id.DID {
		t.Fatalf("list signer of the old DID: got %v %v", old, err)
	}
	verifyWith(t, old, nil)
	if n, err := w.svc.InstitutionByDID(ctx, id.DID); err != nil || n != w.kpu.ID {
		t.Errorf("institution by the old DID: got %d %v", n, err)
	}
	if _, err := w.svc.ListSigner(ctx, w.kpu.ID, "did:key:z6MkNotOurs"); apperror.CodeOf(err) != apperror.NotFound {
		t.Errorf("list signer of a foreign DID: got %v, want NotFound", err)
	}
}

func TestPrivateKeysAreSealed(t *testing.T) {
	w := newWorld(t, "https://credentials.kpu.ca")
	ctx := t.Context()
	if _, err := w.svc.Ensure(ctx, w.kpu.ID, Settings{}); err != nil {
		t.Fatal(err)
	}
	row, err := w.store.IssuerIdentity(ctx, w.kpu.ID)
	if err != nil {
		t.Fatal(err)
	}
	k := row.Keys[0]
	plain, err := w.svc.seal.open(k.Sealed, k.VerificationMethod, k.KEKID)
	if err != nil {
		t.Fatal(err)
	}
	var jwk struct{ D string }
	if err := json.Unmarshal(plain, &jwk); err != nil || jwk.D == "" {
		t.Fatalf("opened key: %v, want a private JWK", err)
	}
	if bytes.Contains(k.Sealed, []byte(jwk.D)) || strings.Contains(k.PublicJWK, jwk.D) {
		t.Error("the private key is stored in the clear")
	}
	if _, err := w.svc.seal.open(k.Sealed, k.DID+"#another", k.KEKID); err == nil {
		t.Error("a sealed key opened for another verification method")
	}
	if strings.Contains(w.logs.String(), jwk.D) {
		t.Error("the private key was logged")
	}

	// Another KEK: the server says so at start, naming the key file, and
	// does not sign.
	other := w.service(t, "https://credentials.kpu.ca", bytes.Repeat([]byte{9}, KEKSize))
	err = other.CheckKEK(ctx)
	if err == nil || !strings.Contains(err.Error(), "/srv/cairn/issuer-keys.secret") {
		t.Errorf("check with the wrong KEK: got %v, want an error naming the key file", err)
	}
	if _, err := other.Issuer(ctx, w.kpu.ID); err == nil || !strings.Contains(err.Error(), "/srv/cairn/issuer-keys.secret") {
		t.Errorf("issuer with the wrong KEK: got %v, want an error naming the key file", err)
	}
	if err := w.svc.CheckKEK(ctx); err != nil {
		t.Errorf("check with the right KEK: %v", err)
	}
}

func TestIssuerIsSafeForConcurrentFirstUse(t *testing.T) {
	w := newWorld(t, "https://credentials.kpu.ca")
	var wg sync.WaitGroup
	dids := make([]string, 8)
	errs := make([]error, 8)
	for i := range dids {
		wg.Go(func() {
			iss, err := w.svc.Issuer(t.Context(), w.kpu.ID)
			errs[i] = err
			if err == nil {
				dids[i] = iss.IssuerID()
			}
		})
	}
	wg.Wait()
	for i := range dids {
		if errs[i] != nil || dids[i] != dids[0] {
			t.Fatalf("caller %d: got %s %v, want %s", i, dids[i], errs[i], dids[0])
		}
	}
	id, _ := w.store.IssuerIdentity(t.Context(), w.kpu.ID)
	if len(id.Keys) != 1 {
		t.Errorf("keys: got %d, want 1", len(id.Keys))
	}
}

func TestSetFormat(t *testing.T) {
	w := newWorld(t, "https://credentials.kpu.ca")
	ctx := t.Context()
	if _, err := w.svc.Ensure(ctx, w.kpu.ID, Settings{}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Pipeline(ctx, w.kpu.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.SetFormat(ctx, w.kpu.ID, award.FormatBoth, 0); err != nil {
		t.Fatal(err)
	}
	p, err := w.svc.Pipeline(ctx, w.kpu.ID)
	if err != nil || p.Format != award.FormatBoth {
		t.Errorf("format after the change: got %v %v, want both", p.Format, err)
	}
	_, err = w.svc.SetFormat(ctx, w.kpu.ID, "pdf", 0)
	if apperror.CodeOf(err) != apperror.Invalid {
		t.Errorf("unknown format: got %v, want Invalid", err)
	}
	yukon := org.Institution{Slug: "yukon", Name: "Yukon University", Jurisdiction: "CA-YT", TimeZone: "America/Whitehorse"}
	if err := w.store.CreateInstitution(ctx, &yukon); err != nil {
		t.Fatal(err)
	}
	_, err = w.svc.Ensure(ctx, yukon.ID, Settings{Format: award.FormatDI, KeyType: "P-256"})
	if apperror.CodeOf(err) != apperror.Invalid {
		t.Errorf("DI with a P-256 key: got %v, want Invalid", err)
	}
	id, err := w.svc.Ensure(ctx, yukon.ID, Settings{Method: MethodKey, Format: award.FormatJWT, KeyType: "P-256"})
	if err != nil || !strings.HasPrefix(id.DID, "did:key:zDn") {
		t.Fatalf("a P-256 did:key issuing JWT: got %s %v", id.DID, err)
	}
	if _, err := w.svc.Issuer(ctx, yukon.ID); err != nil {
		t.Errorf("issuer of a JWT identity: %v", err)
	}
}

func TestWebDID(t *testing.T) {
	for _, c := range []struct{ base, want string }{
		{"https://credentials.kpu.ca", "did:web:credentials.kpu.ca:institutions:kpu"},
		{"https://Credentials.KPU.ca:8443/", "did:web:credentials.kpu.ca%3A8443:institutions:kpu"},
		{"https://kpu.ca:443/cairn", "did:web:kpu.ca:cairn:institutions:kpu"},
	} {
		got, err := WebDID(c.base, "kpu")
		if err != nil || got != c.want {
			t.Errorf("WebDID(%s): got %q %v, want %q", c.base, got, err, c.want)
		}
		if u, _ := did.WebDIDToURL(got); !strings.HasSuffix(u, "/institutions/kpu/did.json") {
			t.Errorf("%s resolves at %s, not at the served path", got, u)
		}
	}
	for _, base := range []string{"http://127.0.0.1:8080", "https://[::1]:8443"} {
		if _, err := WebDID(base, "kpu"); err == nil {
			t.Errorf("WebDID(%s): no error", base)
		}
	}
}

func TestLoadKEK(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "issuer-keys.secret")
	kek, created, err := LoadKEK(path)
	if err != nil || !created || len(kek) != KEKSize {
		t.Fatalf("first load: got %d bytes, created %v, %v", len(kek), created, err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode: got %v %v, want 0600", fi.Mode().Perm(), err)
	}
	again, created, err := LoadKEK(path)
	if err != nil || created || !bytes.Equal(again, kek) {
		t.Errorf("second load: got created %v, same %v, %v", created, bytes.Equal(again, kek), err)
	}
	hexPath := filepath.Join(dir, "hex.secret")
	os.WriteFile(hexPath, []byte(strings.Repeat("ab", KEKSize)+"\n"), 0o600)
	if k, _, err := LoadKEK(hexPath); err != nil || k[0] != 0xab {
		t.Errorf("hex key: got %x %v", k, err)
	}
	bad := filepath.Join(dir, "short.secret")
	os.WriteFile(bad, []byte("too short"), 0o600)
	if _, _, err := LoadKEK(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("short key: got %v, want an error naming %s", err, bad)
	}
}
