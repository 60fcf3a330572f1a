package did

import (
	"context"
	"crypto"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Defaults for ResolverConfig.
const (
	DefaultTTL             = 15 * time.Minute
	DefaultMaxCacheEntries = 1024
)

// Fetcher retrieves a did:web document by its HTTPS URL. Production uses
// HTTPFetcher; tests inject their own.
type Fetcher interface {
	Fetch(ctx context.Context, url string) ([]byte, error)
}

// ResolverConfig configures a Resolver. The zero value resolves did:key and
// added documents only.
type ResolverConfig struct {
	// Fetcher retrieves did:web documents; nil means did:web resolves only
	// from documents given to AddDocument.
	Fetcher Fetcher
	// TTL is how long a fetched document is reused; 0 means DefaultTTL.
	TTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MaxCacheEntries bounds the cache of fetched documents; 0 means
	// DefaultMaxCacheEntries.
	MaxCacheEntries int
}

// Resolver resolves DIDs to documents and verification method IDs to
// public keys. It is safe for concurrent use.
type Resolver struct {
	fetcher    Fetcher
	ttl        time.Duration
	now        func() time.Time
	maxEntries int

	mu     sync.Mutex
	cache  map[string]cacheEntry
	static map[string]*Document
}

type cacheEntry struct {
	doc     *Document
	expires time.Time
}

// NewResolver returns a Resolver configured by cfg.
func NewResolver(cfg ResolverConfig) *Resolver {
	r := &Resolver{
		fetcher:    cfg.Fetcher,
		ttl:        cfg.TTL,
		now:        cfg.Now,
		maxEntries: cfg.MaxCacheEntries,
		cache:      make(map[string]cacheEntry),
		static:     make(map[string]*Document),
	}
	if r.ttl <= 0 {
		r.ttl = DefaultTTL
	}
	if r.now == nil {
		r.now = time.Now
	}
	if r.maxEntries <= 0 {
		r.maxEntries = DefaultMaxCacheEntries
	}
	return r
}

// AddDocument parses a DID document (from a file, for offline
// verification) and makes the resolver answer for its id with it, ahead of
// any fetch and without expiry. did:key documents are refused: a did:key is
// always expanded from the key itself.
func (r *Resolver) AddDocument(data []byte) error {
	d, err := ParseDocument(data)
	if err != nil {
		return fmt.Errorf("add document: %w", err)
	}
	if strings.HasPrefix(d.ID, keyPrefix) {
		return fmt.Errorf("add document %s: did:key documents are derived, not loaded: %w", d.ID, ErrInvalidDocument)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.static[d.ID] = d
	return nil
}

// Resolve returns the DID document for did: derived for did:key, an added
// document, a cached one, or one fetched for did:web. The document returned
// is the caller's to keep.
func (r *Resolver) Resolve(ctx context.Context, did string) (*Document, error) {
	d, err := r.resolve(ctx, did)
	if err != nil {
		return nil, fmt.Errorf("resolve %.100s: %w", did, err)
	}
	return d.clone(), nil
}

func (r *Resolver) resolve(ctx context.Context, did string) (*Document, error) {
	if err := checkDID(did); err != nil {
		return nil, err
	}
	if strings.HasPrefix(did, keyPrefix) {
		return KeyDocument(did)
	}
	if !strings.HasPrefix(did, webPrefix) {
		return nil, fmt.Errorf("method of %.100q: %w", did, ErrUnsupported)
	}
	now := r.now()
	r.mu.Lock()
	if d, ok := r.static[did]; ok {
		r.mu.Unlock()
		return d, nil
	}
	if e, ok := r.cache[did]; ok && now.Before(e.expires) {
		r.mu.Unlock()
		return e.doc, nil
	}
	r.mu.Unlock()

	u, err := webURL(did)
	if err != nil {
		return nil, err
	}
	if r.fetcher == nil {
		return nil, fmt.Errorf("no fetcher and no added document for %s: %w", did, ErrNotFound)
	}
	data, err := r.fetcher.Fetch(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrFetch, u, err)
	}
	d, err := ParseDocument(data)
	if err != nil {
		return nil, fmt.Errorf("from %s: %w", u, err)
	}
	if d.ID != did {
		return nil, fmt.Errorf("document from %s has id %.100q: %w", u, d.ID, ErrInvalidDocument)
	}
	r.store(did, d, now)
	return d, nil
}

// store caches d, first dropping expired entries and then, if still full,
// the entry closest to expiry.
func (r *Resolver) store(did string, d *Document, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.cache[did]; !ok && len(r.cache) >= r.maxEntries {
		var oldest string
		var oldestExp time.Time
		for k, e := range r.cache {
			if !now.Before(e.expires) {
				delete(r.cache, k)
				continue
			}
			if oldest == "" || e.expires.Before(oldestExp) {
				oldest, oldestExp = k, e.expires
			}
		}
		if len(r.cache) >= r.maxEntries {
			delete(r.cache, oldest)
		}
	}
	r.cache[did] = cacheEntry{doc: d, expires: now.Add(r.ttl)}
}

// ResolveKey dereferences a verification method ID "did:…#fragment" to its
// public key. The method must be listed in the DID's document and be
// controlled by that DID.
func (r *Resolver) ResolveKey(ctx context.Context, methodID string) (crypto.PublicKey, error) {
	pub, _, err := r.resolveMethod(ctx, methodID)
	return pub, err
}

// ResolveKeyFor is ResolveKey that also requires the document to list the
// method under rel, as a verifier must for assertionMethod before trusting
// a credential's signature. It returns an error wrapping ErrNotAuthorized
// when the method exists but is not listed.
func (r *Resolver) ResolveKeyFor(ctx context.Context, methodID string, rel Relationship) (crypto.PublicKey, error) {
	pub, d, err := r.resolveMethod(ctx, methodID)
	if err != nil {
		return nil, err
	}
	if !d.Authorizes(rel, methodID) {
		return nil, fmt.Errorf("resolve key %.200s: not listed under %s: %w", methodID, rel, ErrNotAuthorized)
	}
	return pub, nil
}

func (r *Resolver) resolveMethod(ctx context.Context, methodID string) (crypto.PublicKey, *Document, error) {
	did, frag, ok := strings.Cut(methodID, "#")
	if !ok || frag == "" {
		return nil, nil, fmt.Errorf("resolve key %.200q: no fragment: %w", methodID, ErrInvalidDID)
	}
	d, err := r.resolve(ctx, did)
	if err != nil {
		return nil, nil, fmt.Errorf("resolve key %.200s: %w", methodID, err)
	}
	m, ok := d.Method(methodID)
	if !ok {
		return nil, nil, fmt.Errorf("resolve key %.200s: no such method in the document: %w", methodID, ErrNotFound)
	}
	if m.Controller != did {
		return nil, nil, fmt.Errorf("resolve key %.200s: controlled by %.100q: %w", methodID, m.Controller, ErrInvalidDocument)
	}
	pub, err := m.PublicKey()
	if err != nil {
		return nil, nil, fmt.Errorf("resolve key: %w", err)
	}
	return pub, d, nil
}
