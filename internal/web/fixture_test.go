package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"cairn/internal/config"
	"cairn/internal/contexts"
	"cairn/internal/did"
	"cairn/internal/jsonld"
	"cairn/internal/keys"
	"cairn/internal/proof"
	"cairn/internal/sqlstore"
	"cairn/internal/verify"
)

var testNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// identity is a did:key and its private key.
type identity struct {
	key *keys.Key
	did string
	vm  string
}

func newIdentity(t testing.TB) identity {
	t.Helper()
	k, err := keys.Generate(keys.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	d, err := did.KeyDID(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	return identity{key: k, did: d, vm: d + "#" + strings.TrimPrefix(d, "did:key:")}
}

// fixture is a server whose verifier trusts only DID resolution (did:key,
// no network), with a fixed clock, an issuer and a holder.
type fixture struct {
	issuer, holder identity
	di             proof.DataIntegrity
	jwt            proof.JWT
	srv            *Server
	handler        http.Handler
	logs           *syncBuffer
	store          *sqlstore.Store
	accounts       *fakeAccounts
	// now is what the store's and the server's clocks read: testNow
	// unless a test moves it.
	now time.Time
}

func newFixture(t testing.TB, edit func(*config.Config)) *fixture {
	t.Helper()
	ld := jsonld.NewProcessor(contexts.New())
	f := &fixture{
		issuer: newIdentity(t),
		holder: newIdentity(t),
		di:     proof.DataIntegrity{Canon: proof.RDFC{LD: ld}},
		logs:   &syncBuffer{},
		now:    testNow,
	}
	v := &verify.Verifier{DI: f.di, JWT: f.jwt, Keys: did.NewResolver(did.ResolverConfig{}), Now: func() time.Time { return testNow }}
	cfg := config.Default()
	if edit != nil {
		edit(&cfg)
	}
	log := slog.New(slog.NewJSONHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	store, err := sqlstore.Open(context.Background(), ":memory:", sqlstore.Options{Clock: func() time.Time { return f.now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	f.store, f.accounts = store, newFakeAccounts(store)
	srv, err := New(Deps{Config: cfg, Verifier: v, Store: store, Accounts: f.accounts, Logger: log, Now: func() time.Time { return f.now }})
	if err != nil {
		t.Fatal(err)
	}
	f.srv, f.handler = srv, srv.Handler()
	return f
}

// credential is the repository's realistic micro-credential, issued by the
// fixture's issuer, unsigned.
func (f *fixture) credential(t testing.TB) []byte {
	t.Helper()
	raw, err := os.ReadFile("../../cmd/cairn/testdata/microcredential.json")
	if err != nil {
		t.Fatal(err)
	}
	return bytes.ReplaceAll(raw, []byte("did:key:z6MkPLACEHOLDER"), []byte(f.issuer.did))
}

// signed is the credential with the issuer's Data Integrity proof.
func (f *fixture) signed(t testing.TB) []byte {
	t.Helper()
	out, err := f.di.Sign(f.credential(t), f.issuer.key.Signer(), proof.SignOptions{VerificationMethod: f.issuer.vm, Created: testNow.Add(-time.Hour)})
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	return out
}

// signedJWT is the credential as a VC-JOSE compact JWT.
func (f *fixture) signedJWT(t testing.TB) string {
	t.Helper()
	tok, err := f.jwt.Sign(f.credential(t), f.issuer.key.Signer(), f.issuer.vm)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// tamper changes the credential's name after signing.
func tamper(t testing.TB, signed []byte) []byte {
	t.Helper()
	out := bytes.Replace(signed, []byte(`"name":"Data Analytics Foundations"`), []byte(`"name":"Data Analytics Mastery"`), 1)
	if bytes.Equal(out, signed) {
		t.Fatal("tamper: the credential's name was not found")
	}
	return out
}

// do sends a request through the whole handler.
func (f *fixture) do(t testing.TB, method, target string, body io.Reader, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	return rec
}

func (f *fixture) postJSON(t testing.TB, target string, v any) *httptest.ResponseRecorder {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return f.do(t, "POST", target, bytes.NewReader(b), map[string]string{"Content-Type": "application/json"})
}

// multipartForm builds a verification form with an optional file and text.
func multipartForm(t testing.TB, filename string, file []byte, text string) (io.Reader, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(file)
	if err := mw.WriteField("text", text); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &b, mw.FormDataContentType()
}

func decode[T any](t testing.TB, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %s: %v", rec.Body, err)
	}
	return v
}

func wantStatus(t testing.TB, rec *httptest.ResponseRecorder, status int, contentType string) {
	t.Helper()
	if rec.Code != status {
		t.Errorf("status: got %d, want %d; body: %.600s", rec.Code, status, rec.Body)
	}
	if got := rec.Header().Get("Content-Type"); !strings.HasPrefix(got, contentType) {
		t.Errorf("content type: got %q, want %q", got, contentType)
	}
}

// syncBuffer is a bytes.Buffer safe for the logger and the test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
