package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cairn/internal/sqlstore"
	"cairn/internal/sqlstore/sqltest"
)

// testClock is a settable clock shared by several stores.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newClock() *testClock { return &testClock{t: time.Date(2026, 3, 2, 17, 30, 0, 0, time.UTC)} }

// forEachDatabase runs fn with a function that opens another Store on one
// shared database, as another cairn process would: a SQLite file, and a
// PostgreSQL schema of its own when CAIRN_TEST_POSTGRES is set.
func forEachDatabase(t *testing.T, fn func(t *testing.T, open func(sqlstore.Options) *sqlstore.Store)) {
	opener := func(t *testing.T, dsn string) func(sqlstore.Options) *sqlstore.Store {
		return func(o sqlstore.Options) *sqlstore.Store {
			t.Helper()
			s, err := sqlstore.Open(context.Background(), dsn, o)
			if err != nil {
				t.Fatalf("open store: %v", err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
	}
	t.Run("sqlite-file", func(t *testing.T) {
		fn(t, opener(t, filepath.Join(t.TempDir(), "cairn.db")))
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := os.Getenv("CAIRN_TEST_POSTGRES")
		if dsn == "" {
			t.Skip("CAIRN_TEST_POSTGRES is not set")
		}
		fn(t, opener(t, sqltest.Schema(t, dsn)))
	})
}

func enqueue(t *testing.T, s *sqlstore.Store, n int) []int64 {
	t.Helper()
	ids := make([]int64, n)
	for i := range n {
		nt := sqlstore.Notification{Kind: "review_due", Recipient: fmt.Sprintf("r%d@example.edu", i), Subject: fmt.Sprintf("Review %d due", i), Body: "Please review."}
		if err := s.EnqueueNotification(t.Context(), &nt); err != nil {
			t.Fatalf("enqueue %d: %v", i, err)
		}
		ids[i] = nt.ID
	}
	return ids
}

// flakySender records every message it accepts, refusing the first attempt
// at each message for which failFirst is true.
type flakySender struct {
	failFirst func(id int64) bool
	mu        sync.Mutex
	attempts  map[int64]int
	sent      map[int64]int
}

func newFlakySender(failFirst func(int64) bool) *flakySender {
	return &flakySender{failFirst: failFirst, attempts: map[int64]int{}, sent: map[int64]int{}}
}

func (f *flakySender) Send(ctx context.Context, m Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attempts[m.ID]++
	if f.attempts[m.ID] == 1 && f.failFirst != nil && f.failFirst(m.ID) {
		return errors.New("451 4.3.0 try again later")
	}
	f.sent[m.ID]++
	return nil
}

func (f *flakySender) counts(id int64) (attempts, sent int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.attempts[id], f.sent[id]
}

// countingSender counts one worker's attempts and passes them on, after a
// pause that lets the other workers' batches overlap with this one.
type countingSender struct {
	next Sender
	n    atomic.Int64
}

func (c *countingSender) Send(ctx context.Context, m Message) error {
	c.n.Add(1)
	time.Sleep(time.Millisecond)
	return c.next.Send(ctx, m)
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// TestWorkersSendEachOnce runs several workers on several stores over one
// database, as several cairn processes would, until the outbox is empty:
// every notification is sent exactly once, including those whose first
// attempt fails.
func TestWorkersSendEachOnce(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, open func(sqlstore.Options) *sqlstore.Store) {
		clock := newClock()
		var stores []*sqlstore.Store
		for range 3 {
			stores = append(stores, open(sqlstore.Options{Clock: clock.Now, MaxOpenConns: 3}))
		}
		const n = 60
		ids := enqueue(t, stores[0], n)
		sender := newFlakySender(func(id int64) bool { return id%4 == 0 })
		perWorker := make([]countingSender, 6)
		var workers []*Worker
		for i := range 6 {
			perWorker[i].next = sender
			w, err := NewWorker(stores[i%len(stores)], &perWorker[i], WorkerOptions{Name: fmt.Sprintf("w%d", i), BatchSize: 4, Logger: quiet()})
			if err != nil {
				t.Fatal(err)
			}
			workers = append(workers, w)
		}
		// Rounds: all workers drain concurrently until none claims anything;
		// then the clock moves past the retry delay. The clock stands still
		// while workers run, so no lease expires under a worker.
		for round := 0; ; round++ {
			if round == 10 {
				t.Fatal("the outbox did not empty in 10 rounds")
			}
			var wg sync.WaitGroup
			errs := make([]error, len(workers))
			for i, w := range workers {
				wg.Go(func() {
					for {
						res, err := w.RunOnce(t.Context())
						switch {
						case err != nil && sqlstore.IsRetryable(err):
							continue
						case err != nil:
							errs[i] = err
							return
						case res.Claimed == 0:
							return
						}
					}
				})
			}
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			pending := 0
			for _, id := range ids {
				if _, sent := sender.counts(id); sent == 0 {
					pending++
				}
			}
			if pending == 0 {
				break
			}
			clock.Advance(time.Hour)
		}
		var spread []int
		for i := range perWorker {
			spread = append(spread, int(perWorker[i].n.Load()))
		}
		t.Logf("attempts per worker: %v", spread)
		for _, id := range ids {
			attempts, sent := sender.counts(id)
			wantAttempts := 1
			if id%4 == 0 {
				wantAttempts = 2
			}
			if sent != 1 || attempts != wantAttempts {
				t.Errorf("notification %d: got %d sends in %d attempts, want 1 in %d", id, sent, attempts, wantAttempts)
			}
			got, err := stores[1].Notification(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != sqlstore.Sent || got.Attempts != wantAttempts {
				t.Errorf("notification %d: stored as %s after %d attempts, want sent after %d", id, got.Status, got.Attempts, wantAttempts)
			}
		}
	})
}

// TestWorkerOverSMTP drains an outbox through the SMTP sender; the relay
// refuses one message once with 451, and it arrives after the retry.
func TestWorkerOverSMTP(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, open func(sqlstore.Options) *sqlstore.Store) {
		clock := newClock()
		store := open(sqlstore.Options{Clock: clock.Now})
		ids := enqueue(t, store, 5)
		refused := false
		var mu sync.Mutex
		srv := newSMTPServer(t, func(s *smtpServer) {
			s.fail = func(data string) string {
				mu.Lock()
				defer mu.Unlock()
				if strings.Contains(data, "Subject: Review 2 due") && !refused {
					refused = true
					return "451 4.3.0 mailbox busy"
				}
				return ""
			}
		})
		w, err := NewWorker(store, newSender(t, plainConfig(srv.port())), WorkerOptions{Logger: quiet()})
		if err != nil {
			t.Fatal(err)
		}
		res, err := w.RunOnce(t.Context())
		if err != nil || res != (Result{Claimed: 5, Sent: 4, Failed: 1}) {
			t.Fatalf("first batch: got %+v, %v; want 5 claimed, 4 sent, 1 failed", res, err)
		}
		failed, err := store.Notification(t.Context(), ids[2])
		if err != nil {
			t.Fatal(err)
		}
		if failed.Status != sqlstore.Pending || !strings.Contains(failed.LastError, "451") {
			t.Errorf("refused notification: got %s with error %q, want pending with the 451 reply", failed.Status, failed.LastError)
		}
		if res, _ := w.RunOnce(t.Context()); res.Claimed != 0 {
			t.Errorf("during the retry delay got %+v, want nothing claimed", res)
		}
		clock.Advance(time.Minute)
		if res, err := w.RunOnce(t.Context()); err != nil || res != (Result{Claimed: 1, Sent: 1}) {
			t.Fatalf("retry: got %+v, %v; want the refused one sent", res, err)
		}
		byID := map[string]int{}
		for _, r := range srv.messages() {
			h, _ := parse(t, r)
			byID[h.Header.Get("Message-ID")]++
		}
		for _, id := range ids {
			if k := fmt.Sprintf("<cairn.notification.%d@example.edu>", id); byID[k] != 1 {
				t.Errorf("notification %d: relay got %d copies, want 1", id, byID[k])
			}
		}
		if len(byID) != len(ids) {
			t.Errorf("relay got %d distinct messages, want %d", len(byID), len(ids))
		}
	})
}

// blockingSender blocks until its context ends, as a hung relay would.
type blockingSender struct{}

func (blockingSender) Send(ctx context.Context, _ Message) error {
	<-ctx.Done()
	return ctx.Err()
}

func TestWorkerSendTimeout(t *testing.T) {
	clock := newClock()
	store, err := sqlstore.Open(t.Context(), ":memory:", sqlstore.Options{Clock: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ids := enqueue(t, store, 2)
	w, err := NewWorker(store, blockingSender{}, WorkerOptions{SendTimeout: 50 * time.Millisecond, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res, err := w.RunOnce(t.Context())
	if err != nil || res != (Result{Claimed: 2, Failed: 2}) {
		t.Fatalf("got %+v, %v; want both claimed and failed", res, err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s, want about 100ms", d)
	}
	n, _ := store.Notification(t.Context(), ids[0])
	if n.Status != sqlstore.Pending || !strings.Contains(n.LastError, "deadline") {
		t.Errorf("got %s with %q, want pending after a deadline", n.Status, n.LastError)
	}
}

// cancellingSender cancels the worker's context during its first send.
type cancellingSender struct {
	cancel context.CancelFunc
	flaky  *flakySender
}

func (c cancellingSender) Send(ctx context.Context, m Message) error {
	c.cancel()
	// The send in progress goes on: its context is not the cancelled one.
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return c.flaky.Send(ctx, m)
}

func TestWorkerStopsOnCancel(t *testing.T) {
	clock := newClock()
	store, err := sqlstore.Open(t.Context(), ":memory:", sqlstore.Options{Clock: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ids := enqueue(t, store, 3)

	t.Run("in-flight send finishes and the rest are released", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		flaky := newFlakySender(nil)
		w, err := NewWorker(store, cancellingSender{cancel, flaky}, WorkerOptions{Logger: quiet()})
		if err != nil {
			t.Fatal(err)
		}
		res, err := w.RunOnce(ctx)
		if err != nil || res != (Result{Claimed: 3, Sent: 1, Failed: 2}) {
			t.Fatalf("got %+v, %v; want 1 sent and 2 released", res, err)
		}
		first, _ := store.Notification(t.Context(), ids[0])
		rest, _ := store.Notification(t.Context(), ids[1])
		if first.Status != sqlstore.Sent || rest.Status != sqlstore.Pending || !strings.Contains(rest.LastError, "stopped") {
			t.Errorf("got %s and %s (%q), want sent and pending", first.Status, rest.Status, rest.LastError)
		}
	})

	t.Run("Run sends and returns when cancelled", func(t *testing.T) {
		clock.Advance(time.Hour)
		flaky := newFlakySender(nil)
		w, err := NewWorker(store, flaky, WorkerOptions{PollInterval: 10 * time.Millisecond, BatchSize: 1, Logger: quiet()})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- w.Run(ctx) }()
		more := enqueue(t, store, 2) // queued while the worker runs
		want := append([]int64{ids[1], ids[2]}, more...)
		deadline := time.Now().Add(10 * time.Second)
		for {
			all := true
			for _, id := range want {
				if _, sent := flaky.counts(id); sent != 1 {
					all = false
				}
			}
			if all {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("Run did not send every notification within 10s")
			}
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run returned %v, want nil", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Run did not return after cancel")
		}
	})
}

func TestNewWorkerRejects(t *testing.T) {
	store, err := sqlstore.Open(t.Context(), ":memory:", sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	tests := []struct {
		name   string
		outbox Outbox
		sender Sender
		o      WorkerOptions
	}{
		{"no outbox", nil, LogSender{}, WorkerOptions{}},
		{"no sender", store, nil, WorkerOptions{}},
		{"batch too big", store, LogSender{}, WorkerOptions{BatchSize: MaxBatchSize + 1}},
		{"negative batch", store, LogSender{}, WorkerOptions{BatchSize: -1}},
		{"send timeout too long", store, LogSender{}, WorkerOptions{SendTimeout: time.Hour}},
		{"negative poll", store, LogSender{}, WorkerOptions{PollInterval: -time.Second}},
		{"long name", store, LogSender{}, WorkerOptions{Name: strings.Repeat("w", 201)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewWorker(tt.outbox, tt.sender, tt.o); err == nil {
				t.Error("got nil, want an error")
			}
		})
	}
	w, err := NewWorker(store, LogSender{}, WorkerOptions{})
	if err != nil || w.Name() == "" {
		t.Errorf("defaults: got %v, name %q", err, w.Name())
	}
}
