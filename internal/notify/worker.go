package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/sqlstore"
)

// Outbox is what a Worker needs from the store; *sqlstore.Store has it.
type Outbox interface {
	ClaimNotifications(ctx context.Context, worker string, max int, lease time.Duration) ([]sqlstore.Notification, error)
	MarkSent(ctx context.Context, claim sqlstore.Notification) error
	MarkFailed(ctx context.Context, claim sqlstore.Notification, reason string) (sqlstore.Notification, error)
}

// Defaults and limits for WorkerOptions.
const (
	DefaultBatchSize    = 20
	MaxBatchSize        = 100
	DefaultSendTimeout  = 30 * time.Second
	MaxSendTimeout      = 10 * time.Minute
	DefaultPollInterval = 5 * time.Second
	// leaseMargin is added to the time a batch's sends may take, to cover
	// the store calls around them: more than storeTimeout.
	leaseMargin = time.Minute
	// storeTimeout bounds recording an outcome, which goes ahead even when
	// the worker is stopping: a message that went out must be marked sent.
	storeTimeout = 30 * time.Second
)

// WorkerOptions configure a Worker. The zero value is usable.
type WorkerOptions struct {
	// Name identifies the worker's claims; it must be unique among the
	// workers on one database. "" means host name, process id and a random
	// suffix.
	Name string
	// BatchSize is how many notifications one claim takes, at most
	// MaxBatchSize; 0 means DefaultBatchSize.
	BatchSize int
	// SendTimeout bounds one Send, at most MaxSendTimeout; 0 means
	// DefaultSendTimeout.
	SendTimeout time.Duration
	// PollInterval is how long Run waits when the outbox has nothing due
	// or the store fails; 0 means DefaultPollInterval.
	PollInterval time.Duration
	// Logger receives one line per failure; nil means slog.Default().
	Logger *slog.Logger
}

// Worker drains an outbox through a Sender.
type Worker struct {
	outbox Outbox
	sender Sender
	name   string
	batch  int
	send   time.Duration
	poll   time.Duration
	lease  time.Duration
	log    *slog.Logger
}

// NewWorker returns a worker that sends outbox's notifications with sender.
// The claim lease covers a whole batch sent one message at a time, each up
// to SendTimeout, so no other worker takes a notification while this one
// may still be sending it.
func NewWorker(outbox Outbox, sender Sender, o WorkerOptions) (*Worker, error) {
	if outbox == nil || sender == nil {
		return nil, errors.New("notify worker: an outbox and a sender are required")
	}
	if o.BatchSize == 0 {
		o.BatchSize = DefaultBatchSize
	}
	if o.SendTimeout == 0 {
		o.SendTimeout = DefaultSendTimeout
	}
	if o.PollInterval == 0 {
		o.PollInterval = DefaultPollInterval
	}
	switch {
	case o.BatchSize < 1 || o.BatchSize > MaxBatchSize:
		return nil, fmt.Errorf("notify worker: batch size %d is not from 1 to %d", o.BatchSize, MaxBatchSize)
	case o.SendTimeout < 0 || o.SendTimeout > MaxSendTimeout:
		return nil, fmt.Errorf("notify worker: send timeout %s is outside (0, %s]", o.SendTimeout, MaxSendTimeout)
	case o.PollInterval < 0 || o.PollInterval > time.Hour:
		return nil, fmt.Errorf("notify worker: poll interval %s is outside (0, 1h]", o.PollInterval)
	case len(o.Name) > 200:
		return nil, errors.New("notify worker: name is longer than 200 bytes")
	}
	if o.Name == "" {
		host, _ := os.Hostname()
		var b [4]byte
		rand.Read(b[:])
		o.Name = fmt.Sprintf("%.100s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Worker{
		outbox: outbox, sender: sender, name: o.Name,
		batch: o.BatchSize, send: o.SendTimeout, poll: o.PollInterval,
		lease: time.Duration(o.BatchSize)*o.SendTimeout + leaseMargin,
		log:   o.Logger.With(slog.String("worker", o.Name)),
	}, nil
}

// Name returns the name the worker claims notifications under.
func (w *Worker) Name() string { return w.name }

// Result counts what one batch did.
type Result struct {
	Claimed int // notifications claimed
	Sent    int // sent and recorded as sent
	Failed  int // failed, or released unsent because the worker stopped
}

// Run claims and sends batches until ctx is done, then returns nil. It
// waits PollInterval when nothing is due or the store fails, and claims
// again at once after a full batch. A send in progress when ctx ends is
// allowed to finish (within SendTimeout) and recorded, since cutting it
// off could leave the relay with a message the outbox would send again.
func (w *Worker) Run(ctx context.Context) error {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		res, err := w.RunOnce(ctx)
		wait := w.poll
		switch {
		case err != nil && ctx.Err() == nil:
			w.log.LogAttrs(ctx, slog.LevelError, "notification outbox", slog.String("error", err.Error()))
		case err == nil && res.Claimed == w.batch:
			wait = 0
		}
		t.Reset(wait)
	}
}

// RunOnce claims one batch and sends it: each notification is marked sent,
// or failed with the sender's error (the store decides when to retry). It
// stops early when ctx is done, releasing what it has not sent.
func (w *Worker) RunOnce(ctx context.Context) (Result, error) {
	var res Result
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	// The lease runs on the store's clock; this worker keeps its own
	// deadline on the local one: a send starts only if it and the
	// recording of its outcome can finish before the lease ends.
	deadline := time.Now().Add(w.lease)
	claims, err := w.outbox.ClaimNotifications(ctx, w.name, w.batch, w.lease)
	if err != nil {
		return res, fmt.Errorf("claim notifications: %w", err)
	}
	res.Claimed = len(claims)
	for i, n := range claims {
		if ctx.Err() != nil || time.Now().Add(w.send+storeTimeout).After(deadline) {
			for _, rest := range claims[i:] {
				w.fail(ctx, rest, errors.New("not sent: the worker stopped"))
				res.Failed++
			}
			break
		}
		if w.deliver(ctx, n) {
			res.Sent++
		} else {
			res.Failed++
		}
	}
	return res, nil
}

// deliver sends one claimed notification and records the outcome; it
// reports whether the notification was sent.
func (w *Worker) deliver(ctx context.Context, n sqlstore.Notification) bool {
	sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.send)
	err := w.sender.Send(sendCtx, MessageOf(n))
	cancel()
	if err != nil {
		w.fail(ctx, n, err)
		return false
	}
	storeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), storeTimeout)
	defer cancel()
	if err := w.outbox.MarkSent(storeCtx, n); err != nil {
		msg := "notification sent but not recorded; it will be sent again with the same Message-ID"
		if apperror.CodeOf(err) == apperror.Conflict {
			msg = "notification sent after its claim was lost; another worker may send it again"
		}
		w.log.LogAttrs(ctx, slog.LevelError, msg, slog.Int64("id", n.ID), slog.String("error", err.Error()))
		return true
	}
	w.log.LogAttrs(ctx, slog.LevelDebug, "notification sent", slog.Int64("id", n.ID), slog.Int("attempt", n.Attempts))
	return true
}

// fail records a failed attempt.
func (w *Worker) fail(ctx context.Context, n sqlstore.Notification, cause error) {
	storeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), storeTimeout)
	defer cancel()
	after, err := w.outbox.MarkFailed(storeCtx, n, cause.Error())
	if err != nil {
		w.log.LogAttrs(ctx, slog.LevelError, "notification failed and not recorded",
			slog.Int64("id", n.ID), slog.String("cause", cause.Error()), slog.String("error", err.Error()))
		return
	}
	level := slog.LevelWarn
	if after.Status == sqlstore.Failed {
		level = slog.LevelError
	}
	w.log.LogAttrs(ctx, level, "notification not sent",
		slog.Int64("id", n.ID), slog.Int("attempt", n.Attempts), slog.Int("max_attempts", n.MaxAttempts),
		slog.String("status", string(after.Status)), slog.String("error", cause.Error()))
}
