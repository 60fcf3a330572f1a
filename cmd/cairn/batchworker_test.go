package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"cairn/internal/award"
	"cairn/internal/demo"
	"cairn/internal/issuer"
	"cairn/internal/sqlstore"
)

// TestBatchWorkerRunsAConfirmedBatch confirms a bulk award of a demo
// offering and checks that the background worker runs it with the
// institution's issuing identity, and stops when asked.
func TestBatchWorkerRunsAConfirmedBatch(t *testing.T) {
	ctx := t.Context()
	clk := demo.NewClock(time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC))
	store, err := sqlstore.Open(ctx, ":memory:", sqlstore.Options{Clock: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var offerable []int64
	if _, err := demo.Populate(ctx, store, demo.Options{Clock: clk, Awards: func(_ context.Context, _ *sqlstore.Store, ids []int64) ([]demo.AwardInfo, error) {
		offerable = ids
		return nil, nil
	}}); err != nil {
		t.Fatal(err)
	}
	if len(offerable) == 0 {
		t.Fatal("the demo has no offerable offering")
	}
	svc, err := issuer.New(store, issuer.Config{BaseURL: "https://credentials.example.edu", KEK: bytes.Repeat([]byte{3}, issuer.KEKSize), Clock: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	csv := "email,name\nada@example.edu,Ada\nalan@example.edu,Alan\ngrace@example.edu,Grace\n"
	var b sqlstore.Batch
	for _, id := range offerable {
		sheet, err := award.ParseCSV(strings.NewReader(csv), award.CSVOptions{Now: clk.Now()})
		if err != nil {
			t.Fatal(err)
		}
		if b, err = store.CreateBatch(ctx, sqlstore.BatchRequest{OfferingID: id, Source: "cohort.csv"}, sheet); err == nil {
			break
		}
	}
	if b.ID == 0 {
		t.Fatal("no demo offering could be bulk awarded")
	}
	if b, err = store.ConfirmBatch(ctx, b.ID, 0); err != nil {
		t.Fatal(err)
	}

	var logs bytes.Buffer
	w, err := newBatchWorker(store, svc, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	w.poll = 20 * time.Millisecond
	stop := w.start(ctx)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if b, err = store.BatchProgress(ctx, b.ID); err != nil {
			t.Fatal(err)
		}
		if b.State == award.Done || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	if b.State != award.Done || b.Issued != 3 {
		t.Fatalf("batch: got %s with %d issued, want done with 3 (log: %s)", b.State, b.Issued, logs.String())
	}
	awards, err := store.AwardsForOffering(ctx, b.OfferingID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	id, err := svc.Identity(ctx, b.InstitutionID)
	if err != nil {
		t.Fatal(err)
	}
	signed := 0
	for _, a := range awards {
		if a.BatchID == b.ID && bytes.Contains(a.Credential, []byte(id.VerificationMethod)) {
			signed++
		}
	}
	if signed != 3 {
		t.Errorf("awards signed by %s: got %d, want 3", id.VerificationMethod, signed)
	}
	if !strings.Contains(logs.String(), "award batch finished") {
		t.Errorf("log: %s, want the batch's end", logs.String())
	}
}
