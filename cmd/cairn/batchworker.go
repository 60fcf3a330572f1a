package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"cairn/internal/sqlstore"
	"cairn/internal/web"
)

// Timing of the award-batch worker.
const (
	// batchPoll is how long the worker waits after finding no batch.
	batchPoll = 2 * time.Second
	// batchLease is how long a claim holds without progress; RunBatch
	// renews it with every chunk, and another process takes over a batch
	// whose worker died once it runs out.
	batchLease = time.Minute
)

// batchWorker runs the confirmed bulk awards in the background, one batch
// at a time, each signed by its institution's issuing identity. Several
// cairn processes on one database each run one: a batch is claimed by one
// of them at a time (sqlstore.ClaimBatch).
type batchWorker struct {
	store   *sqlstore.Store
	issuers web.Issuers
	log     *slog.Logger
	name    string
	poll    time.Duration
	lease   time.Duration
}

func newBatchWorker(store *sqlstore.Store, issuers web.Issuers, logger *slog.Logger) (*batchWorker, error) {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("batch worker: %w", err)
	}
	host, _ := os.Hostname()
	if len(host) > 100 {
		host = host[:100]
	}
	return &batchWorker{store: store, issuers: issuers, log: logger, poll: batchPoll, lease: batchLease,
		name: fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))}, nil
}

// start runs the worker until stop is called; stop waits for the batch in
// hand to stop (its rows committed so far stay committed; the rest are
// run by the next claim), so the store may be closed after it.
func (w *batchWorker) start(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}

func (w *batchWorker) run(ctx context.Context) {
	for {
		ran, err := w.once(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			w.log.Error("award batch", "worker", w.name, "error", err)
		}
		if ran && err == nil {
			continue
		}
		t := time.NewTimer(w.poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// once claims a batch waiting to run, if any, and runs it to the end;
// ran reports whether there was one.
func (w *batchWorker) once(ctx context.Context) (ran bool, err error) {
	c, ok, err := w.store.ClaimBatch(ctx, w.name, w.lease)
	if err != nil || !ok {
		return false, err
	}
	b, err := w.store.BatchProgress(ctx, c.BatchID)
	if err != nil {
		return true, err
	}
	iss, err := w.issuers.Issuer(ctx, b.InstitutionID)
	if err != nil {
		return true, fmt.Errorf("batch %d: issuer of institution %d: %w", b.ID, b.InstitutionID, err)
	}
	w.log.Info("award batch started", "batch", b.ID, "offering", b.OfferingID, "rows", b.ToAward, "done", b.Done)
	started := time.Now()
	b, err = w.store.RunBatch(ctx, c, iss, nil)
	if errors.Is(err, context.Canceled) || ctx.Err() != nil {
		w.log.Info("award batch paused for shutdown", "batch", c.BatchID)
		return true, nil
	}
	if err != nil {
		return true, fmt.Errorf("batch %d: %w", c.BatchID, err)
	}
	w.log.Info("award batch finished", "batch", b.ID, "state", string(b.State), "issued", b.Issued, "existing", b.Existing,
		"failed", b.Failed, "took", time.Since(started).Round(time.Millisecond))
	return true, nil
}
