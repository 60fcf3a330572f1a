package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"cairn/internal/account"
	"cairn/internal/config"
	"cairn/internal/did"
	"cairn/internal/notify"
	"cairn/internal/org"
	"cairn/internal/scheduler"
	"cairn/internal/sqlstore"
	"cairn/internal/verify"
	"cairn/internal/web"
)

// maxFetchBytes bounds a did:web document or status list fetched while
// verifying.
const maxFetchBytes = 1 << 20

func cmdServe(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "serve")
	cfg, err := loadConfig(e, fs, args)
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("usage: cairn serve [--config FILE] [--addr HOST:PORT] [flags]; unexpected %q", fs.Arg(0))
	}
	logger := newLogger(e.stderr, cfg)

	_, dsn := cfg.Database()
	if driver, _ := cfg.Database(); driver == config.SQLite && !strings.HasPrefix(dsn, "file:") && dsn != ":memory:" {
		if err := os.MkdirAll(filepath.Dir(dsn), 0o700); err != nil {
			return fmt.Errorf("create data directory: %w", err)
		}
	}
	store, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer store.Close()

	accounts, err := account.New(store, account.Config{})
	if err != nil {
		return fmt.Errorf("accounts: %w", err)
	}
	return serveStore(ctx, e, cfg, logger, store, accounts, time.Now, nil, nil)
}

// serveStore serves an open store until ctx is done: the web server, and
// beside it the scheduler that does the approval work falling due and
// sends the notifications queued. It stops them before returning, so the
// caller may close the store then. ready, if not nil, is called with the
// server's URL once it listens, before it says so on standard output. It
// serves on ln when given (and closes it), else it listens on cfg.Addr.
func serveStore(ctx context.Context, e env, cfg config.Config, logger *slog.Logger, store *sqlstore.Store, accounts *account.Service,
	now func() time.Time, ln net.Listener, ready func(url string) error) error {
	var fetcher did.Fetcher
	var statuses verify.StatusFetcher
	if cfg.AllowOutbound {
		// A nil Client gets the guarded client: HTTPS only, public
		// addresses only, bounded time and size.
		f := did.HTTPFetcher{MaxBytes: maxFetchBytes}
		fetcher = f
		statuses = &statusFiles{byURL: map[string][]byte{}, net: f}
	}
	// cairn's own DID documents and status lists come from the store.
	own := &ownDocuments{next: fetcher, nextStatus: statuses, store: store}
	fetcher, statuses = own, own
	eng := newEngine(fetcher, statuses)
	eng.verifier.Limits.MaxInputBytes = int(cfg.MaxUploadBytes)

	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", cfg.Addr); err != nil {
			return fmt.Errorf("listen: %w", err)
		}
	}
	sso, err := newSSO(ctx, cfg, listenURL(ln.Addr()), accounts)
	if err != nil {
		ln.Close()
		return err
	}
	baseURL := cfg.BaseURL
	if baseURL == "" {
		baseURL = listenURL(ln.Addr())
	}
	issuers, err := newIssuers(ctx, cfg, baseURL, logger, eng.di, store)
	if err == nil {
		err = own.bind(issuers, baseURL)
	}
	if err != nil {
		ln.Close()
		return err
	}
	srv, err := web.New(web.Deps{Config: cfg, Verifier: eng.verifier, Store: store, Accounts: webAccounts{accounts}, SSO: sso, Issuers: issuers, Logger: logger, Now: now})
	if err != nil {
		ln.Close()
		return err
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadTimeout:       cfg.ReadTimeout,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}

	stopBackground, err := startBackground(ctx, cfg, logger, store)
	if err != nil {
		ln.Close()
		return err
	}
	defer stopBackground()
	batches, err := newBatchWorker(store, issuers, logger)
	if err != nil {
		ln.Close()
		return err
	}
	defer batches.start(ctx)()

	url := listenURL(ln.Addr())
	if ready != nil {
		if err := ready(url); err != nil {
			ln.Close()
			return err
		}
	}
	logger.Info("serving", "url", url, "public_url", cfg.BaseURL, "config", cfg)
	fmt.Fprintf(e.stdout, "cairn serving on %s\n", url)

	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	logger.Info("shutting down", "grace", cfg.ShutdownGrace)
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownGrace)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		hs.Close()
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// startBackground starts the work a server does besides answering
// requests: every minute the scheduler does the approval work that fell
// due (reminders, escalations, annual reviews, policy reviews) and the
// outbox sends the notifications queued, through the configured SMTP relay
// or, without one, to the log. The function it returns stops them and
// waits, so that a send in progress is recorded before the store closes.
func startBackground(ctx context.Context, cfg config.Config, logger *slog.Logger, store *sqlstore.Store) (stop func(), err error) {
	var sender notify.Sender = notify.LogSender{Logger: logger}
	if cfg.SMTPHost != "" {
		smtp, err := notify.NewSMTPSender(notify.SMTPConfig{
			Host: cfg.SMTPHost, Port: int(cfg.SMTPPort), From: cfg.SMTPFrom,
			Username: cfg.SMTPUsername, Password: cfg.SMTPPassword,
			AllowPlainOnLoopback: true,
		})
		if err != nil {
			return nil, err
		}
		sender = smtp
	}
	worker, err := notify.NewWorker(store, sender, notify.WorkerOptions{Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("notification worker: %w", err)
	}
	sweeper, err := scheduler.New(store, store.Approvals(nil), scheduler.Options{Outbox: worker, Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	sweepCtx, stopSweeping := context.WithCancel(context.WithoutCancel(ctx))
	swept := make(chan error, 1)
	go func() { swept <- sweeper.Run(sweepCtx, sweepEvery) }()
	return func() {
		stopSweeping()
		if err := <-swept; err != nil && !errors.Is(err, context.Canceled) {
			logger.Error("scheduler", "error", err)
		}
	}, nil
}

// sweepEvery is how often the scheduler looks for work that fell due.
const sweepEvery = time.Minute

// webAccounts is the account service as the web server asks for it.
type webAccounts struct{ svc *account.Service }

func (a webAccounts) Authenticate(ctx context.Context, email, password string) (org.Person, error) {
	return a.svc.Authenticate(ctx, email, password)
}

func (a webAccounts) StartSession(ctx context.Context, personID int64, userAgent string) (string, error) {
	token, _, err := a.svc.NewSession(ctx, personID, userAgent)
	return token, err
}

func (a webAccounts) Session(ctx context.Context, token string) (org.Person, error) {
	_, p, err := a.svc.SessionByToken(ctx, token)
	return p, err
}

func (a webAccounts) EndSession(ctx context.Context, token string) error {
	return a.svc.EndSession(ctx, token)
}

func (a webAccounts) APIToken(ctx context.Context, secret string) (web.APIToken, org.Person, error) {
	t, p, err := a.svc.TokenBySecret(ctx, secret)
	if err != nil {
		return nil, p, err
	}
	return webToken{t}, p, nil
}

// webToken is an API token as the web server asks about it.
type webToken struct{ t account.Token }

func (t webToken) Allows(scope, issuerDID string) bool {
	return t.t.Allows(account.Scope(scope), issuerDID)
}

// newLogger returns the server's structured logger as configured.
func newLogger(w io.Writer, cfg config.Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// listenURL is the URL of the listening address, with an unspecified host
// (":0", "0.0.0.0") shown as localhost so that it can be opened.
func listenURL(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return "http://" + a.String()
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(tcp.Port))
}

// IssueToken, Tokens and RevokeToken let the server's token pages manage
// API tokens (web.TokenManager).
func (a webAccounts) IssueToken(ctx context.Context, personID int64, name string, scopes []string, issuerDID string, expires time.Time) (string, web.TokenInfo, error) {
	sc := make([]account.Scope, len(scopes))
	for i, s := range scopes {
		sc[i] = account.Scope(s)
	}
	secret, t, err := a.svc.IssueToken(ctx, personID, name, sc, issuerDID, expires)
	return secret, tokenInfo(t), err
}

func (a webAccounts) Tokens(ctx context.Context, personID int64) ([]web.TokenInfo, error) {
	ts, err := a.svc.Tokens(ctx, personID)
	if err != nil {
		return nil, err
	}
	out := make([]web.TokenInfo, len(ts))
	for i, t := range ts {
		out[i] = tokenInfo(t)
	}
	return out, nil
}

func (a webAccounts) RevokeToken(ctx context.Context, id, by int64) error {
	return a.svc.RevokeToken(ctx, id, by)
}

func tokenInfo(t account.Token) web.TokenInfo {
	scopes := make([]string, len(t.Scopes))
	for i, s := range t.Scopes {
		scopes[i] = string(s)
	}
	return web.TokenInfo{ID: t.ID, Name: t.Name, Scopes: scopes, IssuerDID: t.IssuerDID,
		CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt, LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt}
}
