package did

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"cairn/internal/keys"
)

// fakeFetcher serves documents from a map and counts fetches per URL.
type fakeFetcher struct {
	mu    sync.Mutex
	docs  map[string][]byte
	calls map[string]int
}

func newFakeFetcher() *fakeFetcher {
	return &fakeFetcher{docs: map[string][]byte{}, calls: map[string]int{}}
}

func (f *fakeFetcher) Fetch(_ context.Context, url string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[url]++
	d, ok := f.docs[url]
	if !ok {
		return nil, fmt.Errorf("404 %s", url)
	}
	return d, nil
}

func (f *fakeFetcher) count(url string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[url]
}

// fakeClock is a settable clock.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

const webDID = "did:web:example.edu"
const webURL0 = "https://example.edu/.well-known/did.json"

func serveWeb(t *testing.T, f *fakeFetcher, did string, vks []VerificationKey) {
	t.Helper()
	d, err := WebDocument(did, vks)
	if err != nil {
		t.Fatal(err)
	}
	u, err := WebDIDToURL(did)
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.docs[u] = mustJSON(t, d)
	f.mu.Unlock()
}

func TestResolverCache(t *testing.T) {
	f := newFakeFetcher()
	ed := fixturePub(t, "ed25519.pub.jwk")
	serveWeb(t, f, webDID, []VerificationKey{{Public: ed}})
	clock := &fakeClock{t: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)}
	r := NewResolver(ResolverConfig{Fetcher: f, TTL: time.Hour, Now: clock.now})
	ctx := context.Background()

	steps := []struct {
		name      string
		advance   time.Duration
		wantCalls int
	}{
		{"first lookup misses", 0, 1},
		{"second lookup hits", 0, 1},
		{"just before expiry hits", time.Hour - time.Second, 1},
		{"at expiry refetches", time.Second, 2},
		{"after refetch hits", 30 * time.Minute, 2},
	}
	for _, s := range steps {
		clock.advance(s.advance)
		pub, err := r.ResolveKey(ctx, webDID+"#key-1")
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if !samePublic(pub, ed) {
			t.Fatalf("%s: wrong key", s.name)
		}
		if got := f.count(webURL0); got != s.wantCalls {
			t.Errorf("%s: %d fetches, want %d", s.name, got, s.wantCalls)
		}
	}
}

func TestResolverCacheDefaultTTL(t *testing.T) {
	f := newFakeFetcher()
	serveWeb(t, f, webDID, []VerificationKey{{Public: fixturePub(t, "ed25519.pub.jwk")}})
	clock := &fakeClock{t: time.Unix(0, 0)}
	r := NewResolver(ResolverConfig{Fetcher: f, Now: clock.now})
	for _, adv := range []time.Duration{0, DefaultTTL - 1, 1} {
		clock.advance(adv)
		if _, err := r.Resolve(context.Background(), webDID); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.count(webURL0); got != 2 {
		t.Errorf("%d fetches, want 2", got)
	}
}

func TestResolverCacheBounded(t *testing.T) {
	f := newFakeFetcher()
	ed := fixturePub(t, "ed25519.pub.jwk")
	for i := range 5 {
		serveWeb(t, f, fmt.Sprintf("did:web:h%d.example", i), []VerificationKey{{Public: ed}})
	}
	clock := &fakeClock{t: time.Unix(0, 0)}
	r := NewResolver(ResolverConfig{Fetcher: f, Now: clock.now, MaxCacheEntries: 3})
	for i := range 5 {
		clock.advance(time.Second)
		if _, err := r.Resolve(context.Background(), fmt.Sprintf("did:web:h%d.example", i)); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(r.cache); n != 3 {
		t.Errorf("cache holds %d entries, want 3", n)
	}
	// The oldest entries were evicted, the newest kept.
	if _, err := r.Resolve(context.Background(), "did:web:h4.example"); err != nil {
		t.Fatal(err)
	}
	if got := f.count("https://h4.example/.well-known/did.json"); got != 1 {
		t.Errorf("newest entry fetched %d times, want 1", got)
	}
	if _, err := r.Resolve(context.Background(), "did:web:h0.example"); err != nil {
		t.Fatal(err)
	}
	if got := f.count("https://h0.example/.well-known/did.json"); got != 2 {
		t.Errorf("evicted entry fetched %d times, want 2", got)
	}
}

func TestResolverDoesNotCacheFailures(t *testing.T) {
	f := newFakeFetcher()
	r := NewResolver(ResolverConfig{Fetcher: f})
	for range 2 {
		if _, err := r.Resolve(context.Background(), webDID); !errors.Is(err, ErrFetch) {
			t.Fatalf("error = %v, want %v", err, ErrFetch)
		}
	}
	if got := f.count(webURL0); got != 2 {
		t.Errorf("%d fetches, want 2", got)
	}
}

func TestResolverKeyRotation(t *testing.T) {
	// Credentials signed with key-1 stay verifiable after key-2 is added.
	f := newFakeFetcher()
	old, newer := fixturePub(t, "rsa2048.pub.jwk"), fixturePub(t, "p256.pub.jwk")
	serveWeb(t, f, webDID, []VerificationKey{{Fragment: "key-1", Public: old}, {Fragment: "key-2", Public: newer}})
	r := NewResolver(ResolverConfig{Fetcher: f})
	for id, want := range map[string]any{webDID + "#key-1": old, webDID + "#key-2": newer} {
		pub, err := r.ResolveKeyFor(context.Background(), id, AssertionMethod)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if !samePublic(pub, want) {
			t.Errorf("%s: wrong key", id)
		}
	}
}

func TestResolverDIDKey(t *testing.T) {
	k, err := keys.Generate(keys.P256)
	if err != nil {
		t.Fatal(err)
	}
	did, _ := KeyDID(k.Public())
	r := NewResolver(ResolverConfig{}) // no fetcher: did:key needs none
	vm := did + "#" + strings.TrimPrefix(did, "did:key:")
	pub, err := r.ResolveKeyFor(context.Background(), vm, AssertionMethod)
	if err != nil {
		t.Fatal(err)
	}
	if !samePublic(pub, k.Public()) {
		t.Errorf("wrong key")
	}
	if _, err := r.ResolveKey(context.Background(), did+"#other"); !errors.Is(err, ErrNotFound) {
		t.Errorf("other fragment: error = %v, want %v", err, ErrNotFound)
	}
}

func TestResolverAddDocument(t *testing.T) {
	ed := fixturePub(t, "ed25519.pub.jwk")
	d, err := WebDocument(webDID, []VerificationKey{{Public: ed}})
	if err != nil {
		t.Fatal(err)
	}
	f := newFakeFetcher()
	r := NewResolver(ResolverConfig{Fetcher: f})
	if err := r.AddDocument(mustJSON(t, d)); err != nil {
		t.Fatal(err)
	}
	pub, err := r.ResolveKey(context.Background(), webDID+"#key-1")
	if err != nil {
		t.Fatal(err)
	}
	if !samePublic(pub, ed) {
		t.Errorf("wrong key")
	}
	if n := f.count(webURL0); n != 0 {
		t.Errorf("fetched %d times despite an added document", n)
	}
	kd, _ := KeyDocument("did:key:" + edMB)
	if err := r.AddDocument(mustJSON(t, kd)); !errors.Is(err, ErrInvalidDocument) {
		t.Errorf("AddDocument(did:key) error = %v, want %v", err, ErrInvalidDocument)
	}
	if err := r.AddDocument([]byte(`{`)); !errors.Is(err, ErrInvalidDocument) {
		t.Errorf("AddDocument(bad json) error = %v, want %v", err, ErrInvalidDocument)
	}
}

func TestResolverResolvedDocumentIsACopy(t *testing.T) {
	f := newFakeFetcher()
	serveWeb(t, f, webDID, []VerificationKey{{Public: fixturePub(t, "ed25519.pub.jwk")}})
	r := NewResolver(ResolverConfig{Fetcher: f})
	d, err := r.Resolve(context.Background(), webDID)
	if err != nil {
		t.Fatal(err)
	}
	d.AssertionMethod[0] = "did:web:example.edu#tampered"
	d.VerificationMethod[0].ID = "did:web:example.edu#tampered"
	if _, err := r.ResolveKeyFor(context.Background(), webDID+"#key-1", AssertionMethod); err != nil {
		t.Errorf("cached document changed by the caller: %v", err)
	}
}

func TestResolveKeyRejects(t *testing.T) {
	ed := fixturePub(t, "ed25519.pub.jwk")
	f := newFakeFetcher()
	// A document whose id is not the DID it was fetched for.
	wrong, _ := WebDocument("did:web:evil.example", []VerificationKey{{Public: ed}})
	f.docs["https://wrong.example/.well-known/did.json"] = mustJSON(t, wrong)
	// A method controlled by someone else.
	f.docs["https://ctl.example/.well-known/did.json"] = []byte(`{"id":"did:web:ctl.example",
		"verificationMethod":[{"id":"#k","type":"Multikey","controller":"did:web:evil.example","publicKeyMultibase":"` + edMB + `"}],
		"assertionMethod":["#k"]}`)
	// A method listed only for authentication.
	f.docs["https://auth.example/.well-known/did.json"] = []byte(`{"id":"did:web:auth.example",
		"verificationMethod":[{"id":"#k","type":"Multikey","controller":"did:web:auth.example","publicKeyMultibase":"` + edMB + `"}],
		"authentication":["#k"]}`)
	r := NewResolver(ResolverConfig{Fetcher: f})
	tests := []struct {
		name string
		id   string
		rel  Relationship
		want error
	}{
		{"no fragment", webDID, AssertionMethod, ErrInvalidDID},
		{"empty fragment", webDID + "#", AssertionMethod, ErrInvalidDID},
		{"unsupported method", "did:ion:abc#k", AssertionMethod, ErrUnsupported},
		{"not a DID", "https://example.edu#k", AssertionMethod, ErrInvalidDID},
		{"fetch fails", "did:web:missing.example#k", AssertionMethod, ErrFetch},
		{"document id mismatch", "did:web:wrong.example#key-1", AssertionMethod, ErrInvalidDocument},
		{"controller mismatch", "did:web:ctl.example#k", AssertionMethod, ErrInvalidDocument},
		{"not listed for assertion", "did:web:auth.example#k", AssertionMethod, ErrNotAuthorized},
		{"unknown method", "did:web:auth.example#nope", Authentication, ErrNotFound},
		{"bad did:web", "did:web:a..b#k", AssertionMethod, ErrInvalidDID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := r.ResolveKeyFor(context.Background(), tt.id, tt.rel); !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := r.ResolveKeyFor(context.Background(), "did:web:auth.example#k", Authentication); err != nil {
		t.Errorf("authentication method: %v", err)
	}
	offline := NewResolver(ResolverConfig{})
	if _, err := offline.ResolveKey(context.Background(), webDID+"#key-1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("no fetcher: error = %v, want %v", err, ErrNotFound)
	}
}

func TestResolverConcurrentUse(t *testing.T) {
	f := newFakeFetcher()
	ed := fixturePub(t, "ed25519.pub.jwk")
	serveWeb(t, f, webDID, []VerificationKey{{Public: ed}})
	r := NewResolver(ResolverConfig{Fetcher: f})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			if _, err := r.ResolveKeyFor(context.Background(), webDID+"#key-1", AssertionMethod); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// Concurrent misses may each fetch, but never more than once per caller.
	if n := f.count(webURL0); n < 1 || n > 8 {
		t.Errorf("%d fetches, want 1 to 8", n)
	}
}
