package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"cairn/internal/config"
	"cairn/internal/did"
	"cairn/internal/issuer"
	"cairn/internal/proof"
	"cairn/internal/sqlstore"
	"cairn/internal/verify"
	"cairn/internal/web"
)

// The web server finds what it serves about issuing by asserting these
// interfaces on Deps.Issuers; a signature drift must not silently turn
// the endpoints off.
var (
	_ web.IssuingDirectory = (*issuer.Service)(nil)
	_ web.IssuerAdmin      = (*issuer.Service)(nil)
)

// newIssuers builds the institutions' issuing identities over the store:
// the key-encryption key is read from cfg.KeyFilePath() (created when
// absent), and a database whose keys another key sealed is refused at
// once, naming the file.
func newIssuers(ctx context.Context, cfg config.Config, baseURL string, logger *slog.Logger, di proof.DataIntegrity, store *sqlstore.Store) (*issuer.Service, error) {
	path := cfg.KeyFilePath()
	kek, created, err := issuer.LoadKEK(path)
	if err != nil {
		return nil, fmt.Errorf("issuing keys: %w", err)
	}
	if created {
		logger.Info("created the key-encryption key of the issuing keys; back it up apart from the database", "key_file", path)
	}
	svc, err := issuer.New(store, issuer.Config{BaseURL: baseURL, KEK: kek, KEKFile: path, Logger: logger, DI: di})
	if err != nil {
		return nil, err
	}
	if err := svc.CheckKEK(ctx); err != nil {
		return nil, err
	}
	return svc, nil
}

// ownDocuments lets the server's verifier read cairn's own did:web
// documents and status lists from the store instead of over the network
// (which the guarded fetcher refuses for loopback and plain-HTTP
// addresses, as a demo or development server has): URLs under the public
// base URL, and loopback URLs of the same port, with the paths cairn
// serves them at. Other URLs go to next. Bind it to the issuer service before serving.
type ownDocuments struct {
	next       did.Fetcher
	nextStatus verify.StatusFetcher
	store      *sqlstore.Store

	mu   sync.RWMutex
	svc  *issuer.Service
	base *url.URL
}

// bind sets the issuer service and the public base URL.
func (o *ownDocuments) bind(svc *issuer.Service, baseURL string) error {
	u, err := url.Parse(baseURL)
	if err != nil {
		return fmt.Errorf("base URL: %w", err)
	}
	o.mu.Lock()
	o.svc, o.base = svc, u
	o.mu.Unlock()
	return nil
}

func loopback(host string) bool {
	ip := net.ParseIP(host)
	return strings.EqualFold(host, "localhost") || (ip != nil && ip.IsLoopback())
}

// local returns the path of a URL cairn serves itself, or "".
func (o *ownDocuments) local(raw string) (*issuer.Service, string) {
	o.mu.RLock()
	svc, base := o.svc, o.base
	o.mu.RUnlock()
	if svc == nil {
		return nil, ""
	}
	u, err := url.Parse(raw)
	if err != nil || u.RawQuery != "" {
		return nil, ""
	}
	// localhost and 127.0.0.1 are the same server on the same port.
	own := strings.EqualFold(u.Host, base.Host) ||
		(loopback(u.Hostname()) && loopback(base.Hostname()) && u.Port() == base.Port())
	if !own {
		return nil, ""
	}
	path := strings.TrimPrefix(u.Path, strings.TrimRight(base.Path, "/"))
	return svc, path
}

func (o *ownDocuments) Fetch(ctx context.Context, raw string) ([]byte, error) {
	if svc, path := o.local(raw); svc != nil {
		rest, ok := strings.CutPrefix(path, "/institutions/")
		slug, ok2 := strings.CutSuffix(rest, "/did.json")
		if ok && ok2 && !strings.Contains(slug, "/") {
			inst, err := o.store.InstitutionBySlug(ctx, slug)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", raw, err)
			}
			doc, err := svc.DIDDocument(ctx, inst.ID)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", raw, err)
			}
			return json.Marshal(doc)
		}
		if b, ok, err := o.statusList(ctx, svc, path); ok {
			return b, err
		}
	}
	if o.next == nil {
		return nil, fmt.Errorf("offline: not fetching %s", raw)
	}
	return o.next.Fetch(ctx, raw)
}

func (o *ownDocuments) FetchStatusList(ctx context.Context, raw string) ([]byte, error) {
	if svc, path := o.local(raw); svc != nil {
		if b, ok, err := o.statusList(ctx, svc, path); ok {
			return b, err
		}
	}
	if o.nextStatus == nil {
		return nil, fmt.Errorf("offline: not fetching %s", raw)
	}
	return o.nextStatus.FetchStatusList(ctx, raw)
}

// statusList reads /status/ID from the store; ok is false for another
// path.
func (o *ownDocuments) statusList(ctx context.Context, svc *issuer.Service, path string) ([]byte, bool, error) {
	rest, ok := strings.CutPrefix(path, "/status/")
	if !ok {
		return nil, false, nil
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || id < 1 {
		return nil, true, fmt.Errorf("no status list at %s", path)
	}
	l, err := o.store.StatusList(ctx, id)
	if err != nil {
		return nil, true, err
	}
	ls, err := svc.ListSigner(ctx, l.InstitutionID, l.Issuer)
	if err != nil {
		return nil, true, err
	}
	b, err := o.store.StatusListCredential(ctx, ls, id)
	return b, true, err
}
