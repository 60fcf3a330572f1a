package scheduler_test

import (
	"context"
	"log/slog"
	"os"
	"time"

	"cairn/internal/notify"
	"cairn/internal/scheduler"
	"cairn/internal/sqlstore"
)

// A server runs a Sweeper next to its HTTP server: every minute it does
// the approval work that fell due and sends the notifications it queued.
// Stopping it before the store closes lets a send in progress be recorded.
func ExampleSweeper_Run() {
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	store, err := sqlstore.Open(ctx, "cairn-data/cairn.db", sqlstore.Options{})
	if err != nil {
		logger.Error("open store", "error", err)
		return
	}
	defer store.Close()

	worker, err := notify.NewWorker(store, notify.LogSender{Logger: logger}, notify.WorkerOptions{Logger: logger})
	if err != nil {
		logger.Error("notification worker", "error", err)
		return
	}
	sweeper, err := scheduler.New(store, store.Approvals(nil), scheduler.Options{Outbox: worker, Logger: logger})
	if err != nil {
		logger.Error("scheduler", "error", err)
		return
	}
	sweepCtx, stopSweeping := context.WithCancel(ctx)
	swept := make(chan error, 1)
	go func() { swept <- sweeper.Run(sweepCtx, time.Minute) }()
	defer func() { // runs before store.Close
		stopSweeping()
		if err := <-swept; err != nil {
			logger.Error("scheduler", "error", err)
		}
	}()

	// ... serve HTTP until ctx is done ...
}
