package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"cairn/internal/account"
	"cairn/internal/demo"
	"cairn/internal/sqlstore"
)

// demoPasswordParams hash the demo's many passwords quickly: every demo
// password is printed anyway, so the memory-hard default buys nothing
// here and would make start-up slow.
var demoPasswordParams = account.PasswordParams{Time: 1, MemoryKiB: 19 << 10, Threads: 1, SaltLen: 16, KeyLen: 32}

// cmdDemo creates a populated SQLite database in a data folder (a fresh
// one unless --data names it) and serves it: both institutions with their
// policy profiles, people for every role, offerings of every kind and
// state, approval cases at every step and awards. It prints the URL and
// the sign-ins, and writes them to DATA/demo.json as well.
func cmdDemo(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "demo")
	cfg, err := loadConfig(e, fs, args)
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("usage: cairn demo [--addr HOST:PORT] [--data DIR]; unexpected %q", fs.Arg(0))
	}
	if cfg.DSN != "" {
		return usageError("cairn demo runs on the embedded SQLite store in its data folder; leave dsn unset (use cairn serve for PostgreSQL)")
	}
	ln, err := listenDemo(&cfg)
	if err != nil {
		return err
	}
	defer ln.Close() // serveStore closes it; this is for an early return
	dataGiven := e.getenv("CAIRN_DATA_DIR") != ""
	fs.Visit(func(f *flag.Flag) { dataGiven = dataGiven || f.Name == "data" })
	if !dataGiven {
		dir, err := os.MkdirTemp("", "cairn-demo-")
		if err != nil {
			return fmt.Errorf("create the demo's data folder: %w", err)
		}
		cfg.DataDir = dir
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("create the demo's data folder: %w", err)
	}
	_, dsn := cfg.Database()
	if _, err := os.Stat(dsn); err == nil {
		return usageError("%s already holds a database; give cairn demo a new folder, or serve this one with: cairn serve --data %s", cfg.DataDir, cfg.DataDir)
	}
	logger := newLogger(e.stderr, cfg)

	clk := demo.NewClock(time.Now())
	store, err := sqlstore.Open(ctx, dsn, sqlstore.Options{Clock: clk.Now})
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer store.Close()
	accounts, err := account.New(store, account.Config{Clock: clk.Now, Password: demoPasswordParams})
	if err != nil {
		return fmt.Errorf("accounts: %w", err)
	}

	fmt.Fprintf(e.stderr, "cairn demo: populating %s\n", dsn)
	started := time.Now()
	issuing := &demoIssuing{cfg: cfg, accounts: accounts, logger: logger, now: clk.Now}
	sum, err := demo.Populate(ctx, store, demo.Options{
		Clock:       clk,
		SetPassword: accounts.SetPassword,
		Awards:      issuing.awards,
	})
	if err != nil {
		return fmt.Errorf("populate the demo: %w", err)
	}
	issuing.fill(&sum)
	logger.Info("demo populated", "took", time.Since(started).Round(time.Millisecond), "offerings", len(sum.Offerings), "awards", len(sum.Awards))

	return serveStore(ctx, e, cfg, logger, store, accounts, clk.Now, ln, func(url string) error {
		if err := sum.WriteFile(cfg.DataDir); err != nil {
			return err
		}
		if err := sum.WriteText(e.stdout, url); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "\nThe demo's data is in %s (sign-ins also in %s).\n\n", cfg.DataDir, filepath.Join(cfg.DataDir, demo.FileName))
		return nil
	})
}
