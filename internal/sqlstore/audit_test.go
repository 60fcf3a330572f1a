package sqlstore

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/audit"
)

func TestAuditAppendAndRead(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		clk := setClock(s)
		_, err := s.AuditHead(t.Context())
		wantCode(t, err, apperror.NotFound)

		var stored []audit.Event
		for i := range 5 {
			e := audit.Event{Institution: "kpu", Actor: "user/1", Action: "institution.updated",
				Subject: fmt.Sprintf("institution/%d", i), Data: json.RawMessage(`{ "name" : "KPU", "n": 1.50 }`)}
			got, err := s.RecordAudit(t.Context(), e)
			if err != nil {
				t.Fatal(err)
			}
			if got.Seq != int64(i+1) || !got.At.Equal(clk.Now().Truncate(time.Microsecond)) {
				t.Errorf("event %d: got seq %d at %v, want seq %d at the clock's time", i, got.Seq, got.At, i+1)
			}
			stored = append(stored, got)
			clk.Advance(time.Second)
		}
		// An event with no data round-trips too.
		bare, err := s.RecordAudit(t.Context(), audit.Event{Actor: "system", Action: "store.opened"})
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, bare)

		log, err := s.AuditLog(t.Context(), 1, MaxAuditPage)
		if err != nil {
			t.Fatal(err)
		}
		if len(log) != len(stored) {
			t.Fatalf("got %d events, want %d", len(log), len(stored))
		}
		for i := range log {
			a, b := log[i], stored[i]
			if a.Seq != b.Seq || !a.At.Equal(b.At) || a.Actor != b.Actor || string(a.Data) != string(b.Data) ||
				string(a.Hash) != string(b.Hash) || string(a.PrevHash) != string(b.PrevHash) {
				t.Errorf("event %d: read back %+v, want %+v", i, a, b)
			}
		}
		if string(log[0].Data) != `{"name":"KPU","n":1.50}` {
			t.Errorf("got data %s, want the compacted bytes as hashed", log[0].Data)
		}
		head, err := s.AuditHead(t.Context())
		if err != nil || head.Seq != bare.Seq {
			t.Errorf("head: got %+v, %v; want seq %d", head, err, bare.Seq)
		}
		anchor := audit.AnchorOf(head)
		if problems := audit.Verify(log, &anchor); len(problems) != 0 {
			t.Errorf("verify: got %v, want no problems", problems)
		}
		page, err := s.AuditLog(t.Context(), 3, 2)
		if err != nil || len(page) != 2 || page[0].Seq != 3 {
			t.Errorf("page: got %d events from %v, %v; want seqs 3 and 4", len(page), page, err)
		}
		_, err = s.AuditLog(t.Context(), 1, 0)
		wantField(t, err, apperror.Invalid, "n")

		// The table refuses edits and deletions.
		err = s.WithTx(t.Context(), func(tx *Tx) error {
			_, err := tx.exec(`UPDATE audit_log SET actor = 'someone else' WHERE seq = 1`)
			return err
		})
		if err == nil {
			t.Error("updating the audit log: got no error, want one")
		}
		err = s.WithTx(t.Context(), func(tx *Tx) error {
			_, err := tx.exec(`DELETE FROM audit_log WHERE seq = 6`)
			return err
		})
		if err == nil {
			t.Error("deleting from the audit log: got no error, want one")
		}
		// An invalid event is refused and leaves no gap.
		_, err = s.RecordAudit(t.Context(), audit.Event{Actor: "x"})
		wantField(t, err, apperror.Invalid, "action")
		next, err := s.RecordAudit(t.Context(), audit.Event{Actor: "x", Action: "a"})
		if err != nil || next.Seq != bare.Seq+1 {
			t.Errorf("got %+v, %v; want seq %d", next, err, bare.Seq+1)
		}
	})
}

// TestAuditAppendRollsBackWithTx checks that an event appended in a
// transaction that fails is gone with it, and the chain continues from the
// last committed event.
func TestAuditAppendRollsBackWithTx(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		if _, err := s.RecordAudit(t.Context(), audit.Event{Actor: "a", Action: "one"}); err != nil {
			t.Fatal(err)
		}
		err := s.WithTx(t.Context(), func(tx *Tx) error {
			if _, err := s.AppendAudit(tx, audit.Event{Actor: "a", Action: "doomed"}); err != nil {
				return err
			}
			return apperror.New(apperror.Invalid, "change refused")
		})
		wantCode(t, err, apperror.Invalid)
		e, err := s.RecordAudit(t.Context(), audit.Event{Actor: "a", Action: "two"})
		if err != nil || e.Seq != 2 {
			t.Fatalf("got %+v, %v; want seq 2", e, err)
		}
		log, _ := s.AuditLog(t.Context(), 1, 10)
		if len(log) != 2 || log[1].Action != "two" {
			t.Errorf("got %+v, want one and two", log)
		}
		if problems := audit.Verify(log, nil); len(problems) != 0 {
			t.Errorf("verify: got %v, want no problems", problems)
		}
	})
}

// appendConcurrently appends perWorker events from each of workers
// goroutines, spread over stores.
func appendConcurrently(t *testing.T, stores []*Store, workers, perWorker int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		s := stores[w%len(stores)]
		wg.Go(func() {
			for i := range perWorker {
				e := audit.Event{Actor: fmt.Sprintf("worker/%d", w), Action: "test.appended", Subject: fmt.Sprintf("n/%d", i)}
				if err := retry(func() error { _, err := s.RecordAudit(t.Context(), e); return err }); err != nil {
					errs <- fmt.Errorf("worker %d: %w", w, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func checkChain(t *testing.T, s *Store, want int) {
	t.Helper()
	log, err := s.AuditLog(t.Context(), 1, MaxAuditPage)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != want {
		t.Fatalf("got %d events, want %d", len(log), want)
	}
	for i, e := range log {
		if e.Seq != int64(i+1) {
			t.Fatalf("event %d has seq %d, want %d", i, e.Seq, i+1)
		}
	}
	head, err := s.AuditHead(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	anchor := audit.AnchorOf(head)
	if problems := audit.Verify(log, &anchor); len(problems) != 0 {
		t.Errorf("verify: got %v, want an unforked chain", problems)
	}
}

func TestAuditConcurrentAppendsInOneStore(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		appendConcurrently(t, []*Store{s}, 6, 20)
		checkChain(t, s, 120)
	})
}

func TestAuditConcurrentAppendsAcrossStores(t *testing.T) {
	forEachShared(t, func(t *testing.T, open func() (*Store, error)) {
		stores := openN(t, 3, open)
		appendConcurrently(t, stores, 6, 20)
		checkChain(t, stores[2], 120)
	})
}
