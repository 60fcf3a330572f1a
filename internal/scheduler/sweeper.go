package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"cairn/internal/approval"
	"cairn/internal/notify"
	"cairn/internal/org"
	"cairn/internal/sqlstore"
)

// Work is the approval engine's time-driven work at one institution;
// *sqlstore.Approvals does it. Each method does only what is due and not
// yet done, so calling it again, or from another process, does nothing
// twice.
type Work interface {
	// CheckDeadlines sends the reminders and escalations due on the
	// institution's open cases and returns how many cases it changed.
	CheckDeadlines(ctx context.Context, institutionID int64) (int, error)
	// ScheduleAnnualReviews creates the annual review tasks due.
	ScheduleAnnualReviews(ctx context.Context, institutionID int64) ([]approval.ReviewTask, error)
	// FlagIdleOfferings flags the offerings not offered for the
	// discontinuance rule's period.
	FlagIdleOfferings(ctx context.Context, institutionID int64) ([]approval.Discontinuance, error)
	// SendPolicyReviewReminders reminds the holders of policy documents
	// due for review and returns how many reminders it queued.
	SendPolicyReviewReminders(ctx context.Context, institutionID int64) (int, error)
}

// Directory lists the institutions to sweep; *sqlstore.Store is one.
type Directory interface {
	Institutions(ctx context.Context) ([]org.Institution, error)
}

// Outbox delivers one batch of queued notifications; *notify.Worker is
// one.
type Outbox interface {
	RunOnce(ctx context.Context) (notify.Result, error)
}

// Limits on Options and on Run's interval.
const (
	// DefaultMaxBatches is how many outbox batches one sweep delivers at
	// most when Options.MaxBatches is 0.
	DefaultMaxBatches = 50
	// MaxBatchesLimit bounds Options.MaxBatches.
	MaxBatchesLimit = 10000
	// MinInterval and MaxInterval bound Run's interval: shorter would keep
	// the database busy for nothing, longer would let deadlines pass
	// unnoticed for more than a day.
	MinInterval = 10 * time.Millisecond
	MaxInterval = 24 * time.Hour
)

// Options configure a Sweeper. The zero value is usable.
type Options struct {
	// Outbox, when set, delivers the notifications queued at the end of
	// each sweep; nil leaves them to a notify.Worker running on its own.
	Outbox Outbox
	// MaxBatches bounds the outbox batches one sweep delivers, at most
	// MaxBatchesLimit; 0 means DefaultMaxBatches. What is left goes out at
	// the next sweep.
	MaxBatches int
	// Clock stamps summaries; nil means time.Now. What is due is decided
	// by the store's clock (sqlstore.Options.Clock).
	Clock func() time.Time
	// Logger receives a line per failure and per sweep that did
	// something; nil means slog.Default().
	Logger *slog.Logger
}

// Sweeper runs the time-driven work of every institution. It is safe for
// concurrent use, and several Sweepers (in several processes) may sweep one
// database at once.
type Sweeper struct {
	dir        Directory
	work       Work
	outbox     Outbox
	maxBatches int
	clock      func() time.Time
	log        *slog.Logger
}

// New returns a Sweeper over the institutions dir lists, doing work.
func New(dir Directory, work Work, o Options) (*Sweeper, error) {
	if dir == nil || work == nil {
		return nil, errors.New("scheduler: a directory of institutions and the work to do are required")
	}
	if o.MaxBatches == 0 {
		o.MaxBatches = DefaultMaxBatches
	}
	if o.MaxBatches < 1 || o.MaxBatches > MaxBatchesLimit {
		return nil, fmt.Errorf("scheduler: max batches %d is not from 1 to %d", o.MaxBatches, MaxBatchesLimit)
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Sweeper{dir: dir, work: work, outbox: o.Outbox, maxBatches: o.MaxBatches, clock: o.Clock,
		log: o.Logger.With(slog.String("component", "scheduler"))}, nil
}

// Summary counts what one sweep did.
type Summary struct {
	Started  time.Time
	Finished time.Time
	// Institutions is how many institutions were swept without a failure;
	// Skipped how many have no policy profile and so no work; Failed the
	// slugs of those where some work failed (each failure is logged).
	Institutions int
	Skipped      int
	Failed       []string
	// CasesChanged counts cases that sent reminders or escalations;
	// ReviewTasks the annual review tasks created; Flagged the offerings
	// flagged for discontinuance; PolicyReminders the policy-review
	// reminders queued.
	CasesChanged    int
	ReviewTasks     int
	Flagged         int
	PolicyReminders int
	// Delivery is what the outbox sent at the end of the sweep.
	Delivery notify.Result
}

// Did reports whether the sweep changed or sent anything.
func (s Summary) Did() bool {
	return s.CasesChanged+s.ReviewTasks+s.Flagged+s.PolicyReminders+s.Delivery.Claimed > 0
}

// LogValue writes the summary as one group of counts.
func (s Summary) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Int("institutions", s.Institutions),
		slog.Int("skipped", s.Skipped),
		slog.Any("failed", s.Failed),
		slog.Int("cases_changed", s.CasesChanged),
		slog.Int("review_tasks", s.ReviewTasks),
		slog.Int("flagged", s.Flagged),
		slog.Int("policy_reminders", s.PolicyReminders),
		slog.Int("sent", s.Delivery.Sent),
		slog.Int("send_failed", s.Delivery.Failed),
		slog.Duration("took", s.Finished.Sub(s.Started)))
}

// Sweep does the work due at every institution with a policy profile, in
// the order the directory lists them: deadlines (reminders and
// escalations), annual reviews, idle offerings, policy-review reminders.
// A failure at one institution is logged and recorded in the summary, and
// the sweep goes on with the rest of its work and the other institutions.
// Then the outbox, if any, is delivered. Sweep returns an error only when
// it could not list the institutions or deliver the outbox, or ctx ended.
func (s *Sweeper) Sweep(ctx context.Context) (Summary, error) {
	sum := Summary{Started: s.clock()}
	insts, err := s.dir.Institutions(ctx)
	if err != nil {
		sum.Finished = s.clock()
		return sum, fmt.Errorf("sweep: list institutions: %w", err)
	}
	for _, inst := range insts {
		if err := ctx.Err(); err != nil {
			sum.Finished = s.clock()
			return sum, err
		}
		if inst.PolicyProfile == "" {
			sum.Skipped++
			continue
		}
		if s.sweepInstitution(ctx, inst, &sum) {
			sum.Institutions++
		} else {
			sum.Failed = append(sum.Failed, inst.Slug)
		}
	}
	if s.outbox != nil {
		sum.Delivery, err = s.deliver(ctx)
		if err != nil {
			sum.Finished = s.clock()
			return sum, fmt.Errorf("sweep: deliver notifications: %w", err)
		}
	}
	sum.Finished = s.clock()
	return sum, ctx.Err()
}

// sweepInstitution does one institution's work, every piece even when an
// earlier one failed, and reports whether all of it succeeded.
func (s *Sweeper) sweepInstitution(ctx context.Context, inst org.Institution, sum *Summary) bool {
	work := []struct {
		name  string
		count *int
		run   func() (int, error)
	}{
		{"deadlines", &sum.CasesChanged, func() (int, error) { return s.work.CheckDeadlines(ctx, inst.ID) }},
		{"annual reviews", &sum.ReviewTasks, func() (int, error) {
			tasks, err := s.work.ScheduleAnnualReviews(ctx, inst.ID)
			return len(tasks), err
		}},
		{"idle offerings", &sum.Flagged, func() (int, error) {
			flagged, err := s.work.FlagIdleOfferings(ctx, inst.ID)
			return len(flagged), err
		}},
		{"policy reviews", &sum.PolicyReminders, func() (int, error) { return s.work.SendPolicyReviewReminders(ctx, inst.ID) }},
	}
	ok := true
	for _, w := range work {
		if ctx.Err() != nil {
			return false
		}
		n, err := w.run()
		*w.count += n
		if err != nil {
			ok = false
			if ctx.Err() == nil {
				s.log.LogAttrs(ctx, slog.LevelError, "sweep failed",
					slog.String("institution", inst.Slug), slog.String("work", w.name), slog.String("error", err.Error()))
			}
		}
	}
	return ok
}

// deliver runs outbox batches until one claims nothing, or MaxBatches. A
// batch that loses a race for the database (another process delivering at
// the same moment) is not a failure: the next batch claims what is left.
func (s *Sweeper) deliver(ctx context.Context) (notify.Result, error) {
	var total notify.Result
	for range s.maxBatches {
		res, err := s.outbox.RunOnce(ctx)
		total.Claimed += res.Claimed
		total.Sent += res.Sent
		total.Failed += res.Failed
		switch {
		case err != nil && sqlstore.IsRetryable(err) && ctx.Err() == nil:
			continue
		case err != nil:
			return total, err
		case res.Claimed == 0:
			return total, nil
		}
	}
	return total, nil
}

// Run sweeps at once and then every interval, measured from the end of one
// sweep to the start of the next, until ctx is done; then it returns nil.
// A sweep's error is logged and the next sweep goes ahead. An interval
// outside [MinInterval, MaxInterval] is an error.
func (s *Sweeper) Run(ctx context.Context, every time.Duration) error {
	if every < MinInterval || every > MaxInterval {
		return fmt.Errorf("scheduler: interval %s is outside [%s, %s]", every, MinInterval, MaxInterval)
	}
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		sum, err := s.Sweep(ctx)
		switch {
		case ctx.Err() != nil:
		case err != nil:
			s.log.LogAttrs(ctx, slog.LevelError, "sweep", slog.String("error", err.Error()), slog.Any("summary", sum))
		case sum.Did() || len(sum.Failed) > 0:
			s.log.LogAttrs(ctx, slog.LevelInfo, "sweep", slog.Any("summary", sum))
		default:
			s.log.LogAttrs(ctx, slog.LevelDebug, "sweep", slog.Any("summary", sum))
		}
		t.Reset(every)
	}
}
