package sqlstore

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"cairn/internal/apperror"
)

func enqueue(t *testing.T, s *Store, n int) []int64 {
	t.Helper()
	ids := make([]int64, n)
	for i := range n {
		nt := Notification{Kind: "review_due", Recipient: fmt.Sprintf("r%d@example.edu", i), Subject: "Review due", Body: "Please review."}
		if err := s.EnqueueNotification(t.Context(), &nt); err != nil {
			t.Fatalf("enqueue %d: %v", i, err)
		}
		ids[i] = nt.ID
	}
	return ids
}

func TestOutboxLifecycle(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		clk := setClock(s)
		kpu := newInstitution(t, s, "kpu")
		n := Notification{InstitutionID: kpu.ID, Kind: "review_due", Recipient: "ada@example.edu", Subject: "Review due", Body: "Body", Key: "case/1/review/ada", MaxAttempts: 2}
		if err := s.EnqueueNotification(t.Context(), &n); err != nil {
			t.Fatal(err)
		}
		if n.Status != Pending || !n.AvailableAt.Equal(clk.Now().Truncate(time.Microsecond)) {
			t.Errorf("got status %s available %v, want pending now", n.Status, n.AvailableAt)
		}
		again := n
		wantField(t, s.EnqueueNotification(t.Context(), &again), apperror.Conflict, "key")
		later := Notification{Kind: "digest", Recipient: "bob@example.edu", AvailableAt: clk.Now().Add(time.Hour)}
		if err := s.EnqueueNotification(t.Context(), &later); err != nil {
			t.Fatal(err)
		}

		got, err := s.ClaimNotifications(t.Context(), "w1", 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].ID != n.ID {
			t.Fatalf("got %+v, want only the due notification", got)
		}
		c := got[0]
		if c.Status != Claimed || c.ClaimedBy != "w1" || c.Attempts != 1 || !c.LeaseUntil.Equal(n.AvailableAt.Add(time.Minute)) {
			t.Errorf("got claim %+v, want claimed by w1, attempt 1, lease a minute", c)
		}
		if again, _ := s.ClaimNotifications(t.Context(), "w2", 10, time.Minute); len(again) != 0 {
			t.Errorf("second claimer got %+v, want nothing while the lease holds", again)
		}

		// The sender fails; the notification waits out the backoff.
		failed, err := s.MarkFailed(t.Context(), c, "smtp: 451 try later")
		if err != nil {
			t.Fatal(err)
		}
		if failed.Status != Pending || failed.LastError != "smtp: 451 try later" || !failed.AvailableAt.Equal(c.AvailableAt.Add(retryBase)) {
			t.Errorf("after failure got %+v, want pending again after %s", failed, retryBase)
		}
		wantCode(t, s.MarkSent(t.Context(), c), apperror.Conflict) // the claim is spent
		if got, _ := s.ClaimNotifications(t.Context(), "w1", 10, time.Minute); len(got) != 0 {
			t.Errorf("during backoff got %+v, want nothing", got)
		}
		clk.Advance(retryBase)
		got, err = s.ClaimNotifications(t.Context(), "w2", 10, time.Minute)
		if err != nil || len(got) != 1 || got[0].Attempts != 2 {
			t.Fatalf("after backoff got %+v, %v; want attempt 2", got, err)
		}
		// The last allowed attempt fails: the notification is given up.
		failed, err = s.MarkFailed(t.Context(), got[0], "smtp: 550 no such user")
		if err != nil {
			t.Fatal(err)
		}
		if failed.Status != Failed {
			t.Errorf("after the last attempt got status %s, want failed", failed.Status)
		}

		// The later one comes due, is claimed and sent.
		clk.Advance(time.Hour)
		got, err = s.ClaimNotifications(t.Context(), "w1", 10, time.Minute)
		if err != nil || len(got) != 1 || got[0].ID != later.ID {
			t.Fatalf("got %+v, %v; want the later notification", got, err)
		}
		if err := s.MarkSent(t.Context(), got[0]); err != nil {
			t.Fatal(err)
		}
		sent, err := s.Notification(t.Context(), later.ID)
		if err != nil || sent.Status != Sent || !sent.SentAt.Equal(clk.Now().Truncate(time.Microsecond)) {
			t.Errorf("got %+v, %v; want sent now", sent, err)
		}
		wantCode(t, s.MarkSent(t.Context(), Notification{ID: 9999, ClaimedBy: "w1", Attempts: 1}), apperror.NotFound)
	})
}

func TestOutboxExpiredLeaseIsReclaimed(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		clk := setClock(s)
		n := Notification{Kind: "k", Recipient: "r@example.edu", MaxAttempts: 2}
		if err := s.EnqueueNotification(t.Context(), &n); err != nil {
			t.Fatal(err)
		}
		first, err := s.ClaimNotifications(t.Context(), "crashed", 1, time.Minute)
		if err != nil || len(first) != 1 {
			t.Fatalf("got %+v, %v; want one claim", first, err)
		}
		clk.Advance(time.Minute)
		second, err := s.ClaimNotifications(t.Context(), "w2", 1, time.Minute)
		if err != nil || len(second) != 1 || second[0].ClaimedBy != "w2" || second[0].Attempts != 2 {
			t.Fatalf("got %+v, %v; want w2 to reclaim it as attempt 2", second, err)
		}
		// The first worker wakes up: its claim is void.
		wantCode(t, s.MarkSent(t.Context(), first[0]), apperror.Conflict)
		_, err = s.MarkFailed(t.Context(), first[0], "late")
		wantCode(t, err, apperror.Conflict)
		// w2 dies too, on the last attempt: the next claim gives it up.
		clk.Advance(time.Minute)
		if got, err := s.ClaimNotifications(t.Context(), "w3", 1, time.Minute); err != nil || len(got) != 0 {
			t.Fatalf("got %+v, %v; want nothing to claim", got, err)
		}
		if got, _ := s.Notification(t.Context(), n.ID); got.Status != Failed || got.LastError == "" {
			t.Errorf("got %+v, want failed with a reason", got)
		}
	})
}

func TestOutboxArguments(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		tests := []struct {
			name   string
			worker string
			max    int
			lease  time.Duration
			field  string
		}{
			{"no worker", "", 1, time.Minute, "worker"},
			{"zero max", "w", 0, time.Minute, "max"},
			{"huge max", "w", maxClaim + 1, time.Minute, "max"},
			{"zero lease", "w", 1, 0, "lease"},
			{"huge lease", "w", 1, maxLease + time.Second, "lease"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.ClaimNotifications(t.Context(), tt.worker, tt.max, tt.lease)
				wantField(t, err, apperror.Invalid, tt.field)
			})
		}
		wantField(t, s.EnqueueNotification(t.Context(), &Notification{Kind: "k"}), apperror.Invalid, "recipient")
		wantField(t, s.EnqueueNotification(t.Context(), &Notification{Kind: "k", Recipient: "r", InstitutionID: 9999}), apperror.Invalid, "institution_id")
	})
}

func TestRetryDelay(t *testing.T) {
	tests := []struct {
		attempts int
		want     time.Duration
	}{{1, 30 * time.Second}, {2, time.Minute}, {3, 2 * time.Minute}, {8, time.Hour}, {1000, time.Hour}}
	for _, tt := range tests {
		if got := retryDelay(tt.attempts); got != tt.want {
			t.Errorf("retryDelay(%d) = %s, want %s", tt.attempts, got, tt.want)
		}
	}
}

// claimAll has workers claim from their stores concurrently, in small
// batches, until nothing is left, marking each claim sent; it returns how
// many times each notification was claimed.
func claimAll(t *testing.T, stores []*Store, workers int) map[int64]int {
	t.Helper()
	var mu sync.Mutex
	claims := map[int64]int{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		s := stores[w%len(stores)]
		wg.Go(func() {
			name := fmt.Sprintf("worker-%d", w)
			for {
				var got []Notification
				err := retry(func() (err error) {
					got, err = s.ClaimNotifications(t.Context(), name, 3, time.Hour)
					return err
				})
				if err != nil {
					errs <- fmt.Errorf("%s: claim: %w", name, err)
					return
				}
				if len(got) == 0 {
					return
				}
				for _, n := range got {
					mu.Lock()
					claims[n.ID]++
					mu.Unlock()
					if err := retry(func() error { return s.MarkSent(t.Context(), n) }); err != nil {
						errs <- fmt.Errorf("%s: mark sent %d: %w", name, n.ID, err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	return claims
}

// retry runs fn until it succeeds or fails other than retryably, at most
// 50 times.
func retry(fn func() error) error {
	var err error
	for range 50 {
		if err = fn(); !IsRetryable(err) {
			return err
		}
	}
	return err
}

func checkExactlyOnce(t *testing.T, ids []int64, claims map[int64]int) {
	t.Helper()
	for _, id := range ids {
		if claims[id] != 1 {
			t.Errorf("notification %d claimed %d times, want exactly once", id, claims[id])
		}
	}
	if len(claims) != len(ids) {
		t.Errorf("got %d notifications claimed, want %d", len(claims), len(ids))
	}
}

func TestOutboxConcurrentClaimsInOneStore(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		ids := enqueue(t, s, 120)
		checkExactlyOnce(t, ids, claimAll(t, []*Store{s}, 6))
	})
}

// TestOutboxConcurrentClaimsAcrossStores stands in for several processes:
// each store has its own connection pool on one database.
func TestOutboxConcurrentClaimsAcrossStores(t *testing.T) {
	forEachShared(t, func(t *testing.T, open func() (*Store, error)) {
		stores := openN(t, 3, open)
		ids := enqueue(t, stores[0], 150)
		claims := claimAll(t, stores, 6)
		checkExactlyOnce(t, ids, claims)
		var unsent []int64
		for _, id := range ids {
			n, err := stores[1].Notification(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			if n.Status != Sent {
				unsent = append(unsent, id)
			}
		}
		if len(unsent) > 0 {
			t.Errorf("notifications %v not sent, want all sent", slices.Clip(unsent))
		}
	})
}
