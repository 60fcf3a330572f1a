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
	"time"

	"cairn/internal/config"
	"cairn/internal/did"
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

	srv, err := web.New(cfg, eng.verifier, logger, time.Now)
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
