package main

import (
	"context"
	"errors"
	"flag"
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
	"cairn/internal/org"
	"cairn/internal/sqlstore"
	"cairn/internal/verify"
	"cairn/internal/web"
)

// maxFetchBytes bounds a did:web document or status list fetched while
// verifying.
const maxFetchBytes = 1 << 20

func cmdServe(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "serve")
	cfg, err := config.Load(fs, args, e.getenv)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return exitError{code: 2, err: err}
	}
	if fs.NArg() > 0 {
		return usageError("usage: cairn serve [--config FILE] [--addr HOST:PORT] [flags]; unexpected %q", fs.Arg(0))
	}
	logger := newLogger(e.stderr, cfg)

	var fetcher did.Fetcher
	var statuses verify.StatusFetcher
	if cfg.AllowOutbound {
		// A nil Client gets the guarded client: HTTPS only, public
		// addresses only, bounded time and size.
		f := did.HTTPFetcher{MaxBytes: maxFetchBytes}
		fetcher = f
		statuses = &statusFiles{byURL: map[string][]byte{}, net: f}
	}
	eng := newEngine(fetcher, statuses)
	eng.verifier.Limits.MaxInputBytes = int(cfg.MaxUploadBytes)

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
	srv, err := web.New(web.Deps{Config: cfg, Verifier: eng.verifier, Store: store, Accounts: webAccounts{accounts}, Logger: logger, Now: time.Now})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
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
	url := listenURL(ln.Addr())
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
