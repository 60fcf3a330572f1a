package sqlstore

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/award"
	"cairn/internal/catalog"
	"cairn/internal/org"
)

// BulkAwardStats says what one bulk award did and how long each part took.
type BulkAwardStats struct {
	Batch Batch
	// Parse is reading the CSV; Preview recording the batch (CreateBatch);
	// Run confirming, claiming and running it (building, signing, status
	// entries, storing, outbox); Total all of it.
	Parse, Preview, Run, Total time.Duration
	// HeapStart and HeapPeak are the Go heap in use when the run started
	// and at most after any chunk: a flat line means memory does not grow
	// with the batch.
	HeapStart, HeapPeak uint64
}

// BulkAward awards one CSV file in this process, without a pause for
// review: it parses the file, records the batch (rows with errors are
// reported in the batch, not issued), confirms it, claims it as worker and
// runs it with iss, reporting progress. It is what `cairn award --csv FILE
// --offering ID --yes` does; the interactive path and the server use the
// steps (CreateBatch, BatchRows, ConfirmBatch, ClaimBatch, RunBatch) one by
// one.
func (s *Store) BulkAward(ctx context.Context, iss Issuer, req BatchRequest, csv io.Reader, opts award.CSVOptions,
	worker string, progress func(done, total int)) (BulkAwardStats, error) {
	var st BulkAwardStats
	start := time.Now()
	if opts.Now.IsZero() {
		opts.Now = s.now()
	}
	sheet, err := award.ParseCSV(csv, opts)
	if err != nil {
		return st, err
	}
	st.Parse = time.Since(start)
	b, err := s.CreateBatch(ctx, req, sheet)
	if err != nil {
		return st, err
	}
	sheet = nil // the rows are stored; let them go
	st.Preview = time.Since(start) - st.Parse
	runStart := time.Now()
	if b, err = s.ConfirmBatch(ctx, b.ID, req.By); err != nil {
		return st, err
	}
	if b.State == award.Queued {
		c, err := s.ClaimBatchID(ctx, b.ID, worker, 5*time.Minute)
		if err != nil {
			return st, err
		}
		var mu sync.Mutex
		st.HeapStart = heapInUse()
		st.HeapPeak = st.HeapStart
		b, err = s.RunBatch(ctx, c, iss, func(done, total int) {
			h := heapInUse()
			mu.Lock()
			st.HeapPeak = max(st.HeapPeak, h)
			mu.Unlock()
			if progress != nil {
				progress(done, total)
			}
		})
		if err != nil {
			return st, err
		}
	}
	st.Batch = b
	st.Run = time.Since(runStart)
	st.Total = time.Since(start)
	return st, nil
}

func heapInUse() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// BenchBulkAward measures a bulk award of n learners end to end on the
// empty database at dsn (a SQLite file or a PostgreSQL schema): it creates
// an institution issuing as iss and an approved credit-bearing
// micro-credential, writes a CSV of n learners, and awards it with
// BulkAward. `cairn bench` and BenchmarkBulkAward report its figures.
func BenchBulkAward(ctx context.Context, dsn string, n int, iss Issuer, progress func(done, total int)) (BulkAwardStats, error) {
	if n < 1 || n > MaxBatchRows {
		return BulkAwardStats{}, apperror.Field("n", "must be between 1 and %d", MaxBatchRows)
	}
	s, err := Open(ctx, dsn, Options{})
	if err != nil {
		return BulkAwardStats{}, err
	}
	defer s.Close()
	inst := org.Institution{Slug: "bench", Name: "Bench University", Jurisdiction: "CA-BC", TimeZone: "America/Vancouver", IssuerDID: iss.IssuerID()}
	if err := s.CreateInstitution(ctx, &inst); err != nil {
		return BulkAwardStats{}, fmt.Errorf("bench institution: %w", err)
	}
	o := Offering{InstitutionID: inst.ID, Draft: catalog.Form{
		Kind:             catalog.MicroCredential,
		Title:            "Data Analytics Foundations",
		Description:      "Learners clean, query and visualize real-world data with spreadsheets, SQL and a dashboard tool, and present findings to a non-technical audience.",
		Competencies:     []catalog.Competency{{Name: "Prepare data for analysis", Framework: "Data Analytics", Code: "DAF-C1"}, {Name: "Communicate findings visually", Code: "DAF-C2"}},
		LearningOutcomes: []string{"Clean and transform a raw dataset", "Query data with SQL", "Present three findings in a dashboard"},
		AssessmentMethod: "Capstone project graded C or better",
		DurationHours:    36,
		DeliveryMode:     catalog.Online,
		DeliveryTiming:   catalog.Asynchronous,
		CreditStatus:     catalog.CreditBearing,
		Credits:          1.5,
		Level:            "Undergraduate, first year",
		QualityAssurance: "Senate approval",
		AwardExpiry:      "P5Y",
		Language:         "en",
	}}
	if err := s.CreateOffering(ctx, &o); err != nil {
		return BulkAwardStats{}, fmt.Errorf("bench offering: %w", err)
	}
	err = s.WithTx(ctx, func(tx *Tx) error {
		cur, err := tx.offering(o.ID, false)
		if err != nil {
			return err
		}
		v, err := tx.freezeDraft(cur)
		if err != nil {
			return err
		}
		if err := tx.setOfferingStatus(o.ID, catalog.InReview, 0); err != nil {
			return err
		}
		return tx.setOfferingStatus(o.ID, catalog.Approved, v.Number())
	})
	if err != nil {
		return BulkAwardStats{}, fmt.Errorf("approve bench offering: %w", err)
	}
	var csv bytes.Buffer
	csv.WriteString("email,name,result,evidence_url\n")
	for i := range n {
		fmt.Fprintf(&csv, "learner%07d@example.edu,Learner %d,B+,https://portfolio.example.edu/learners/%d/capstone\n", i, i, i)
	}
	return s.BulkAward(ctx, iss, BatchRequest{OfferingID: o.ID, Source: "bench.csv"}, &csv,
		award.CSVOptions{MaxRows: n}, "bench", progress)
}
