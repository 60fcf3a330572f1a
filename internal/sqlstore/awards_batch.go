package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"cairn/internal/apperror"
	"cairn/internal/award"
	"cairn/internal/catalog"
	"cairn/internal/status"
)

// Batch is a bulk award: the rows of one CSV file awarded one offering
// version. Total = Invalid + rows already awarded before the upload +
// ToAward; Done of ToAward are processed, each Issued, Existing (awarded
// meanwhile by someone else) or Failed. Existing also counts the rows
// found already awarded at upload.
type Batch struct {
	ID            int64
	InstitutionID int64
	OfferingID    int64
	Version       int
	RunID         int64
	Source        string
	RequireKnown  bool
	State         award.BatchState
	Total         int
	Invalid       int
	ToAward       int
	Done          int
	Issued        int
	Existing      int
	Failed        int
	// Error says why a batch failed.
	Error       string
	ClaimedBy   string
	LeaseUntil  time.Time
	CreatedBy   int64
	ConfirmedBy int64
	CreatedAt   time.Time
	ConfirmedAt time.Time
	StartedAt   time.Time
	FinishedAt  time.Time
	UpdatedAt   time.Time
}

const batchCols = `id, institution_id, offering_id, version, run_id, source, require_known, state, total, invalid,
	to_award, next_slot, issued, existing, failed, error, claimed_by, lease_until, created_by, confirmed_by,
	created_at, confirmed_at, started_at, finished_at, updated_at`

func scanBatch(r interface{ Scan(...any) error }) (Batch, error) {
	var b Batch
	var st string
	err := r.Scan(&b.ID, &b.InstitutionID, &b.OfferingID, &b.Version, ref(&b.RunID), &b.Source, &b.RequireKnown, &st,
		&b.Total, &b.Invalid, &b.ToAward, &b.Done, &b.Issued, &b.Existing, &b.Failed, &b.Error, &b.ClaimedBy,
		at(&b.LeaseUntil), ref(&b.CreatedBy), ref(&b.ConfirmedBy), at(&b.CreatedAt), at(&b.ConfirmedAt),
		at(&b.StartedAt), at(&b.FinishedAt), at(&b.UpdatedAt))
	b.State = award.BatchState(st)
	return b, err
}

// BatchRow is one row of a batch's file and what became of it.
type BatchRow struct {
	Ordinal     int // position in the file, from 0
	Line        int // line number in the file
	Email       string
	Name        string
	Result      string
	EvidenceURL string
	DID         string
	IssuedOn    time.Time
	PersonID    int64
	State       award.RowState
	// ErrorField names the column at fault; Error says what is wrong.
	ErrorField string
	Error      string
	AwardID    int64
}

// BatchRequest says what a bulk award is for.
type BatchRequest struct {
	// OfferingID is the offering; its approved version is awarded.
	OfferingID int64
	RunID      int64 // the run the learners completed, 0 for none
	// Source names the file, for people (at most 200 bytes).
	Source string
	// RequireKnown makes a learner without an account a row error.
	RequireKnown bool
	By           int64
}

// Limits on batches.
const (
	// MaxBatchRows bounds the rows of one batch, whatever the CSV limits.
	MaxBatchRows   = 1_000_000
	maxBatchPage   = 1000
	maxBatchLease  = time.Hour
	rowInsertChunk = 500
	// batchChunk is how many rows a worker signs and commits at once:
	// large enough to amortize a transaction, small enough that memory
	// stays flat and a crash redoes little.
	batchChunk = 256
	// signedAhead is how many signed chunks may wait for the committer,
	// so signing goes on while a commit waits for the disk.
	signedAhead = 4
)

// CreateBatch records a bulk award for preview: every row of sheet with
// its error, if any, linked to the learner's account where one has the
// email address (rows without one are errors when RequireKnown), and
// rows whose learner already has the award marked so. Nothing is issued
// until ConfirmBatch. The offering must be awardable now (Conflict
// otherwise). sheet's rows are linked in place.
func (s *Store) CreateBatch(ctx context.Context, req BatchRequest, sheet *award.Sheet) (Batch, error) {
	switch {
	case req.OfferingID <= 0:
		return Batch{}, apperror.Field("offering_id", "is required")
	case len(req.Source) > maxSourceBytes || !utf8.ValidString(req.Source) || strings.ContainsRune(req.Source, 0):
		return Batch{}, apperror.Field("source", "must be text of at most %d bytes", maxSourceBytes)
	case sheet == nil || len(sheet.Rows) == 0:
		return Batch{}, apperror.Field("csv", "has no rows")
	case len(sheet.Rows) > MaxBatchRows:
		return Batch{}, apperror.Field("csv", "has more than %d rows", MaxBatchRows)
	}
	var o award.Offering
	var existing map[string]int64
	keys := make([]string, len(sheet.Rows))
	err := s.ReadTx(ctx, func(tx *Tx) error {
		var err error
		if o, _, err = tx.awardOffering(req.OfferingID, 0); err != nil {
			return err
		}
		if err := o.Awardable(); err != nil {
			return err
		}
		if err := tx.checkRun(req.RunID, o.ID); err != nil {
			return err
		}
		people, err := tx.peopleByEmail(sheet.Emails())
		if err != nil {
			return err
		}
		sheet.Link(people, req.RequireKnown)
		var valid []string
		for i, r := range sheet.Rows {
			if r.Err == nil {
				keys[i] = award.Key(r.Email, o.ID, o.Version, req.RunID)
				valid = append(valid, keys[i])
			}
		}
		existing, err = tx.awardsByKey(valid)
		return err
	})
	if err != nil {
		return Batch{}, err
	}
	var b Batch
	err = s.WithTx(ctx, func(tx *Tx) error {
		// The version awarded is the one approved now; it was checked
		// above and is checked again when the batch is confirmed and run.
		var invalid, toAward, already int
		for i, r := range sheet.Rows {
			switch {
			case r.Err != nil:
				invalid++
			case existing[keys[i]] != 0:
				already++
			default:
				toAward++
			}
		}
		err := tx.get("award batch", `INSERT INTO award_batches (institution_id, offering_id, version, run_id, source,
			require_known, state, total, invalid, to_award, existing, created_by, created_at, updated_at)
			VALUES ((SELECT institution_id FROM offerings WHERE id = $1), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
			RETURNING id`, []any{o.ID, o.Version, nullID(req.RunID), req.Source, req.RequireKnown, string(award.Preview),
			len(sheet.Rows), invalid, toAward, already, nullID(req.By), tx.ts(tx.now)}, &b.ID)
		if err != nil {
			return missing(err, "run_id", "no such run")
		}
		if err := tx.insertBatchRows(b.ID, sheet, keys, existing); err != nil {
			return err
		}
		b, err = tx.batch(b.ID, false)
		return err
	})
	return b, err
}

// insertBatchRows stores a sheet's rows; the rows to award get slots in
// file order.
func (tx *Tx) insertBatchRows(batchID int64, sheet *award.Sheet, keys []string, existing map[string]int64) error {
	const cols = 15
	slot := 0
	for from := 0; from < len(sheet.Rows); from += rowInsertChunk {
		part := sheet.Rows[from:min(from+rowInsertChunk, len(sheet.Rows))]
		var q strings.Builder
		q.WriteString(`INSERT INTO award_batch_rows (batch_id, ordinal, line, slot, email, name, result, evidence_url, did,
			issued_on, person_id, state, error_field, error, award_id) VALUES `)
		args := make([]any, 0, len(part)*cols)
		for i, r := range part {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteString("(" + tx.bindMarks(i*cols+1, cols) + ")")
			ordinal := from + i
			var slotArg, awardID any
			state, field, msg := award.RowPending, "", ""
			switch {
			case r.Err != nil:
				state, field, msg = award.RowInvalid, r.Err.Field, r.Err.Message
			case existing[keys[ordinal]] != 0:
				state, awardID = award.RowExisting, existing[keys[ordinal]]
				msg = "already awarded"
			default:
				slotArg = slot
				slot++
			}
			args = append(args, batchID, ordinal, r.Line, slotArg, clipUTF8(r.Email, 320), r.Name, r.Result,
				r.EvidenceURL, r.DID, nullDay(r.IssuedOn), nullID(r.PersonID), string(state), field, msg, awardID)
		}
		if _, err := tx.exec(q.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// clipUTF8 shortens s to at most n bytes of valid UTF-8; an invalid
// row keeps what it can of its value for the preview.
func clipUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// BatchProgress returns the batch with id, with its progress.
func (s *Store) BatchProgress(ctx context.Context, id int64) (Batch, error) {
	var b Batch
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		b, err = tx.batch(id, false)
		return err
	})
	return b, err
}

func (tx *Tx) batch(id int64, lock bool) (Batch, error) {
	q := `SELECT ` + batchCols + ` FROM award_batches WHERE id = $1`
	if lock && tx.s.engine == PostgreSQL {
		q += ` FOR UPDATE`
	}
	b, err := scanBatch(tx.sql.QueryRowContext(tx.ctx, q, id))
	if isNoRows(err) {
		return b, notFound("award batch")
	}
	return b, tx.s.translate(err)
}

// BatchRows returns up to n rows (1 to 1000) of a batch after the row at
// ordinal after (-1 for the first), in file order; with problemsOnly, only
// the rows that are not (to be) issued: invalid, failed or already
// awarded.
func (s *Store) BatchRows(ctx context.Context, batchID int64, after, n int, problemsOnly bool) ([]BatchRow, error) {
	if n < 1 || n > maxBatchPage {
		return nil, apperror.Field("n", "must be between 1 and %d", maxBatchPage)
	}
	filter := ""
	if problemsOnly {
		filter = ` AND state IN ('invalid', 'existing', 'failed')`
	}
	var out []BatchRow
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		if _, err := tx.batch(batchID, false); err != nil {
			return err
		}
		out, err = list(tx, func(r *sql.Rows) (BatchRow, error) {
			var x BatchRow
			var st string
			err := r.Scan(&x.Ordinal, &x.Line, &x.Email, &x.Name, &x.Result, &x.EvidenceURL, &x.DID, at(&x.IssuedOn),
				ref(&x.PersonID), &st, &x.ErrorField, &x.Error, ref(&x.AwardID))
			x.State = award.RowState(st)
			return x, err
		}, `SELECT ordinal, line, email, name, result, evidence_url, did, issued_on, person_id, state, error_field, error, award_id
			FROM award_batch_rows WHERE batch_id = $1 AND ordinal > $2`+filter+` ORDER BY ordinal LIMIT $3`, batchID, after, n)
		return err
	})
	return out, err
}

// ConfirmBatch confirms a previewed batch for issue by the person by: it
// is queued for a worker (see ClaimBatch), or done at once when it has
// nothing to award. The offering must still be awardable.
func (s *Store) ConfirmBatch(ctx context.Context, id, by int64) (Batch, error) {
	var b Batch
	err := s.WithTx(ctx, func(tx *Tx) error {
		cur, err := tx.batch(id, true)
		if err != nil {
			return err
		}
		to := award.Queued
		if cur.ToAward == 0 {
			to = award.Done
		}
		if !award.CanMove(cur.State, to) {
			return apperror.New(apperror.Conflict, "a batch that is %s cannot be confirmed", cur.State)
		}
		o, inst, err := tx.awardOffering(cur.OfferingID, cur.Version)
		if err != nil {
			return err
		}
		if err := o.Awardable(); err != nil {
			return err
		}
		finished := any(nil)
		if to == award.Done {
			finished = tx.ts(tx.now)
		}
		if err := tx.execOne("award batch", `UPDATE award_batches SET state = $1, confirmed_by = $2, confirmed_at = $3,
			finished_at = $4, updated_at = $3 WHERE id = $5 AND state = $6`,
			string(to), nullID(by), tx.ts(tx.now), finished, id, string(cur.State)); err != nil {
			return err
		}
		if err := tx.auditBatch(inst.slug, by, "award.batch.confirmed", cur); err != nil {
			return err
		}
		b, err = tx.batch(id, false)
		return err
	})
	return b, err
}

// CancelBatch withdraws a batch that has not started running.
func (s *Store) CancelBatch(ctx context.Context, id, by int64) (Batch, error) {
	var b Batch
	err := s.WithTx(ctx, func(tx *Tx) error {
		cur, err := tx.batch(id, true)
		if err != nil {
			return err
		}
		if !award.CanMove(cur.State, award.Cancelled) {
			return apperror.New(apperror.Conflict, "a batch that is %s cannot be cancelled", cur.State)
		}
		if err := tx.execOne("award batch", `UPDATE award_batches SET state = $1, finished_at = $2, updated_at = $2
			WHERE id = $3 AND state = $4`, string(award.Cancelled), tx.ts(tx.now), id, string(cur.State)); err != nil {
			return err
		}
		var slug string
		if err := tx.get("institution", `SELECT slug FROM institutions WHERE id = $1`, []any{cur.InstitutionID}, &slug); err != nil {
			return err
		}
		if err := tx.auditBatch(slug, by, "award.batch.cancelled", cur); err != nil {
			return err
		}
		b, err = tx.batch(id, false)
		return err
	})
	return b, err
}

func (tx *Tx) auditBatch(institution string, by int64, action string, b Batch) error {
	return tx.auditAwardSubject(institution, by, action, "award-batch/"+strconv.FormatInt(b.ID, 10), map[string]any{
		"offering": b.OfferingID, "version": b.Version, "total": b.Total, "invalid": b.Invalid,
		"to_award": b.ToAward, "issued": b.Issued, "existing": b.Existing, "failed": b.Failed})
}

// BatchClaim is a worker's hold on a running batch. ClaimNo fences the
// worker off once another has taken the batch over after its lease ran
// out.
type BatchClaim struct {
	BatchID    int64
	Worker     string
	ClaimNo    int64
	Lease      time.Duration
	LeaseUntil time.Time
}

func checkClaimArgs(worker string, lease time.Duration) error {
	switch {
	case worker == "" || len(worker) > 200:
		return apperror.Field("worker", "is required, at most 200 bytes")
	case lease <= 0 || lease > maxBatchLease:
		return apperror.Field("lease", "must be positive and at most %s", maxBatchLease)
	}
	return nil
}

// ClaimBatch hands worker the oldest batch waiting to run, or one whose
// worker's lease ran out, for lease; ok is false when there is none. Only
// one worker holds a batch at a time: on PostgreSQL concurrent claimers
// skip each other's rows (FOR UPDATE SKIP LOCKED), on SQLite the claim is
// one write transaction. A worker keeps its lease by making progress
// (RunBatch renews it with every chunk). worker should be unique per
// process.
func (s *Store) ClaimBatch(ctx context.Context, worker string, lease time.Duration) (c BatchClaim, ok bool, err error) {
	if err := checkClaimArgs(worker, lease); err != nil {
		return BatchClaim{}, false, err
	}
	err = s.WithTx(ctx, func(tx *Tx) error {
		c, ok, err = tx.claimBatch(0, worker, lease)
		return err
	})
	return c, ok, err
}

// ClaimBatchID claims batch id for worker as ClaimBatch would, or takes it
// back for the same worker; a batch that is not waiting, or is held by
// another worker whose lease has not run out, is a Conflict.
func (s *Store) ClaimBatchID(ctx context.Context, id int64, worker string, lease time.Duration) (BatchClaim, error) {
	if err := checkClaimArgs(worker, lease); err != nil {
		return BatchClaim{}, err
	}
	var c BatchClaim
	err := s.WithTx(ctx, func(tx *Tx) error {
		var ok bool
		var err error
		c, ok, err = tx.claimBatch(id, worker, lease)
		if err != nil || ok {
			return err
		}
		b, err := tx.batch(id, false)
		if err != nil {
			return err
		}
		if b.State == award.Running {
			return apperror.New(apperror.Conflict, "batch %d is being run by %s until %s", id, b.ClaimedBy, b.LeaseUntil.Format(time.RFC3339))
		}
		return apperror.New(apperror.Conflict, "batch %d is %s, not waiting to run", id, b.State)
	})
	return c, err
}

func (tx *Tx) claimBatch(id int64, worker string, lease time.Duration) (BatchClaim, bool, error) {
	lock, only, args := "", "", []any{worker, tx.ts(tx.now.Add(lease)), tx.ts(tx.now)}
	if tx.s.engine == PostgreSQL {
		lock = ` FOR UPDATE SKIP LOCKED`
	}
	if id != 0 {
		only = ` AND id = $4`
		args = append(args, id)
	}
	var c BatchClaim
	err := tx.get("award batch", `UPDATE award_batches SET state = 'running', claimed_by = $1, claim_no = claim_no + 1,
		lease_until = $2, started_at = coalesce(started_at, $3), updated_at = $3
		WHERE id IN (SELECT id FROM award_batches
			WHERE (state = 'queued' OR (state = 'running' AND (lease_until <= $3 OR claimed_by = $1)))`+only+`
			ORDER BY id LIMIT 1`+lock+`)
		RETURNING id, claim_no`, args, &c.BatchID, &c.ClaimNo)
	if is(err, apperror.NotFound) {
		return BatchClaim{}, false, nil
	}
	if err != nil {
		return BatchClaim{}, false, err
	}
	c.Worker, c.Lease, c.LeaseUntil = worker, lease, tx.now.Add(lease)
	return c, true, nil
}

// errLostClaim is the Conflict of a worker whose batch was taken over.
func errLostClaim(id int64) error {
	return apperror.New(apperror.Conflict, "batch %d was taken over by another worker after this worker's lease ran out", id)
}

// batchRun is what a worker holds while running a batch.
type batchRun struct {
	claim  BatchClaim
	batch  Batch
	slug   string
	o      award.Offering
	ranges map[string][]batchRange // by purpose, sorted by first slot
	allocs map[int64]*status.Allocator
	// iss signs the awards; stacked says the offering is part of a
	// stack, so each award may complete one (completeStacks).
	iss     Issuer
	stacked bool
}

type batchRange struct {
	firstSlot, firstCounter, count int
	listID                         int64
}

// slotPair returns the status list entries reserved for slot.
func (r *batchRun) slotPair(slot int) (slotPair, error) {
	var p slotPair
	for _, purpose := range []string{status.PurposeRevocation, status.PurposeSuspension} {
		rs := r.ranges[purpose]
		i := sort.Search(len(rs), func(i int) bool { return rs[i].firstSlot+rs[i].count > slot })
		if i == len(rs) || rs[i].firstSlot > slot {
			return p, fmt.Errorf("batch %d: no %s index reserved for slot %d", r.batch.ID, purpose, slot)
		}
		index, err := r.allocs[rs[i].listID].Index(rs[i].firstCounter + slot - rs[i].firstSlot)
		if err != nil {
			return p, err
		}
		s := StatusSlot{ListID: rs[i].listID, Index: index}
		if purpose == status.PurposeRevocation {
			p.revocation = s
		} else {
			p.suspension = s
		}
	}
	return p, nil
}

// pendingRow is a row to award, with its slot.
type pendingRow struct {
	BatchRow
	slot int
}

// rowResult is what signing one row gave.
type rowResult struct {
	row           pendingRow
	award         newAward
	subject, body string          // the learner's notice
	failed        *apperror.Error // the row cannot be awarded
}

// RunBatch runs a claimed batch to the end with iss: rows are read,
// signed on every core and committed in chunks, each chunk's awards,
// row states and notices in one transaction that also renews the lease,
// so a worker killed at any moment leaves every row awarded exactly once
// or not at all, and the next claim carries on where it stopped. progress,
// if not nil, is called after each chunk commits with the rows done and
// the rows to award, from one goroutine at a time. A batch whose offering
// can no longer be awarded stops as Failed (Conflict); a worker whose
// lease was taken over stops with a Conflict and changes nothing more.
func (s *Store) RunBatch(ctx context.Context, c BatchClaim, iss Issuer, progress func(done, total int)) (Batch, error) {
	run, err := s.startBatch(ctx, c, iss)
	if err != nil {
		return Batch{}, err
	}
	run.iss = iss
	total := run.batch.ToAward
	if progress != nil {
		progress(run.batch.Done, total)
	}
	work := make(chan []rowResult, signedAhead)
	stop := make(chan struct{})
	committed := make(chan error, 1)
	go func() {
		var err error
		for chunk := range work {
			if err != nil {
				continue
			}
			var done int
			if done, err = s.commitChunk(ctx, run, chunk); err != nil {
				close(stop)
				continue
			}
			if progress != nil {
				progress(done, total)
			}
		}
		committed <- err
	}()
	signErr := s.signBatch(ctx, run, iss, work, stop)
	close(work)
	if err := <-committed; err != nil {
		return s.stopBatch(ctx, run, err)
	}
	if signErr != nil {
		return Batch{}, signErr
	}
	return s.finishBatch(ctx, run)
}

// signBatch reads the batch's rows after the last committed one, signs
// them chunk by chunk and hands the chunks to the committer, until the
// rows run out, the committer stops or ctx is done.
func (s *Store) signBatch(ctx context.Context, run *batchRun, iss Issuer, work chan<- []rowResult, stop <-chan struct{}) error {
	workers := runtime.GOMAXPROCS(0)
	cursor := run.batch.Done
	for cursor < run.batch.ToAward {
		rows, err := s.pendingRows(ctx, run.batch.ID, cursor, batchChunk)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return fmt.Errorf("batch %d: rows from slot %d are missing", run.batch.ID, cursor)
		}
		results := make([]rowResult, len(rows))
		var next atomic.Int64
		var wg sync.WaitGroup
		var fatal error
		var fatalOnce sync.Once
		for range min(workers, len(rows)) {
			wg.Go(func() {
				for {
					i := int(next.Add(1) - 1)
					if i >= len(rows) {
						return
					}
					res, err := s.signRow(run, iss, rows[i])
					if err != nil {
						fatalOnce.Do(func() { fatal = err })
						return
					}
					results[i] = res
				}
			})
		}
		wg.Wait()
		if fatal != nil {
			return fatal
		}
		select {
		case work <- results:
		case <-stop:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
		cursor = rows[len(rows)-1].slot + 1
	}
	return nil
}

// signRow builds and signs one row's credential. A row the credential
// cannot be built for (Invalid) fails alone; any other error stops the
// batch.
func (s *Store) signRow(run *batchRun, iss Issuer, r pendingRow) (rowResult, error) {
	res := rowResult{row: r}
	slots, err := run.slotPair(r.slot)
	if err != nil {
		return res, err
	}
	issuedAt := s.now()
	if !r.IssuedOn.IsZero() {
		issuedAt = r.IssuedOn
	}
	in, err := awardInput(iss, run.o, slots, r.Email, r.DID, r.Result, r.EvidenceURL, issuedAt)
	if err != nil {
		return res, err
	}
	signed, err := iss.Issue(in)
	var ae *apperror.Error
	if errors.As(err, &ae) && ae.Code == apperror.Invalid {
		res.failed = ae
		return res, nil
	}
	if err != nil {
		return res, err
	}
	res.subject, res.body = iss.Notice(r.Name, run.o)
	res.award = newAward{key: award.Key(r.Email, run.o.ID, run.o.Version, run.batch.RunID), email: r.Email,
		personID: r.PersonID, runID: run.batch.RunID, createdBy: run.batch.ConfirmedBy, slots: slots, in: in, signed: signed}
	return res, nil
}

// pendingRows reads up to n rows to award from slot from on.
func (s *Store) pendingRows(ctx context.Context, batchID int64, from, n int) ([]pendingRow, error) {
	var out []pendingRow
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = list(tx, func(r *sql.Rows) (pendingRow, error) {
			var x pendingRow
			err := r.Scan(&x.Ordinal, &x.Line, &x.slot, &x.Email, &x.Name, &x.Result, &x.EvidenceURL, &x.DID,
				at(&x.IssuedOn), ref(&x.PersonID))
			x.State = award.RowPending
			return x, err
		}, `SELECT ordinal, line, slot, email, name, result, evidence_url, did, issued_on, person_id FROM award_batch_rows
			WHERE batch_id = $1 AND slot >= $2 ORDER BY slot LIMIT $3`, batchID, from, n)
		return err
	})
	return out, err
}

// startBatch checks the claim, fails the batch if its offering can no
// longer be awarded, and reserves the status list indexes of its rows
// unless they are reserved under the same issuer already.
func (s *Store) startBatch(ctx context.Context, c BatchClaim, iss Issuer) (*batchRun, error) {
	run := &batchRun{claim: c}
	var refused error
	err := s.WithTx(ctx, func(tx *Tx) error {
		b, err := tx.batch(c.BatchID, true)
		if err != nil {
			return err
		}
		switch {
		case b.State != award.Running:
			return apperror.New(apperror.Conflict, "batch %d is %s, not running", b.ID, b.State)
		case !tx.holdsClaim(c):
			return errLostClaim(c.BatchID)
		}
		o, inst, err := tx.awardOffering(b.OfferingID, b.Version)
		if err != nil {
			return err
		}
		if refused = o.Awardable(); refused != nil {
			return tx.failBatch(inst.slug, b, refused)
		}
		var reservedBy string
		if err := tx.get("award batch", `SELECT reserved_by FROM award_batches WHERE id = $1`, []any{b.ID}, &reservedBy); err != nil {
			return err
		}
		if reservedBy != iss.IssuerID() && b.Done < b.ToAward {
			// First run, or the issuer changed: the indexes of the rows
			// left are reserved afresh from this issuer's lists.
			if _, err := tx.exec(`DELETE FROM award_batch_ranges WHERE batch_id = $1`, b.ID); err != nil {
				return err
			}
			for _, purpose := range []string{status.PurposeRevocation, status.PurposeSuspension} {
				ranges, err := tx.reserveIndexes(b.InstitutionID, iss.IssuerID(), purpose, b.ToAward-b.Done)
				if err != nil {
					return err
				}
				slot := b.Done
				for _, r := range ranges {
					if _, err := tx.exec(`INSERT INTO award_batch_ranges (batch_id, purpose, first_slot, list_id, first_counter, count)
						VALUES ($1, $2, $3, $4, $5, $6)`, b.ID, purpose, slot, r.listID, r.firstCounter, r.count); err != nil {
						return err
					}
					slot += r.count
				}
			}
			if _, err := tx.exec(`UPDATE award_batches SET reserved_by = $1 WHERE id = $2`, iss.IssuerID(), b.ID); err != nil {
				return err
			}
		}
		run.batch, run.slug, run.o = b, inst.slug, o
		run.stacked = len(o.Stacks) > 0
		return tx.loadRanges(run)
	})
	if err == nil && refused != nil {
		return nil, refused
	}
	return run, err
}

// holdsClaim reports whether c is still the batch's current claim.
func (tx *Tx) holdsClaim(c BatchClaim) bool {
	var n int
	err := tx.get("award batch", `SELECT count(*) FROM award_batches WHERE id = $1 AND state = 'running'
		AND claimed_by = $2 AND claim_no = $3`, []any{c.BatchID, c.Worker, c.ClaimNo}, &n)
	return err == nil && n == 1
}

func (tx *Tx) loadRanges(run *batchRun) error {
	rows, err := tx.query(`SELECT purpose, first_slot, list_id, first_counter, count FROM award_batch_ranges
		WHERE batch_id = $1 ORDER BY purpose, first_slot`, run.batch.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	run.ranges = map[string][]batchRange{}
	var ids []int64
	for rows.Next() {
		var purpose string
		var r batchRange
		if err := rows.Scan(&purpose, &r.firstSlot, &r.listID, &r.firstCounter, &r.count); err != nil {
			return tx.s.translate(err)
		}
		run.ranges[purpose] = append(run.ranges[purpose], r)
		ids = append(ids, r.listID)
	}
	if err := rows.Err(); err != nil {
		return tx.s.translate(err)
	}
	rows.Close()
	run.allocs, err = tx.allocators(ids)
	return err
}

// failBatch stops a batch for good because of err (a Conflict about its
// offering).
func (tx *Tx) failBatch(slug string, b Batch, cause error) error {
	msg := apperror.MessageOf(cause)
	if _, err := tx.exec(`UPDATE award_batches SET state = $1, error = $2, finished_at = $3, updated_at = $3,
		lease_until = NULL, claimed_by = '' WHERE id = $4`, string(award.Failed), msg, tx.ts(tx.now), b.ID); err != nil {
		return err
	}
	return tx.auditBatch(slug, 0, "award.batch.failed", b)
}

// offeringChanged stops a chunk whose credentials were built for an
// offering status that changed meanwhile.
type offeringChanged struct{ err error }

func (e *offeringChanged) Error() string { return e.err.Error() }
func (e *offeringChanged) Unwrap() error { return e.err }

// commitChunk stores one signed chunk: the awards, the rows' states, a
// notice per award issued and the batch's progress, in one transaction
// that first renews the worker's lease, or fails if the worker lost it.
func (s *Store) commitChunk(ctx context.Context, run *batchRun, chunk []rowResult) (done int, err error) {
	c := run.claim
	first, last := chunk[0].row.slot, chunk[len(chunk)-1].row.slot
	err = s.WithTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE award_batches SET lease_until = $1, updated_at = $2
			WHERE id = $3 AND state = 'running' AND claimed_by = $4 AND claim_no = $5 AND next_slot = $6`,
			tx.ts(tx.now.Add(c.Lease)), tx.ts(tx.now), c.BatchID, c.Worker, c.ClaimNo, first)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errLostClaim(c.BatchID)
		}
		var st string
		var approved int
		if err := tx.get("offering", `SELECT status, approved_version FROM offerings WHERE id = $1`, []any{run.o.ID}, &st, &approved); err != nil {
			return err
		}
		now := run.o
		now.Status, now.ApprovedVersion = catalog.Status(st), approved
		if err := now.Awardable(); err != nil {
			return &offeringChanged{err}
		}
		if now.Interim() != run.o.Interim() {
			return &offeringChanged{apperror.New(apperror.Conflict, "offering %d changed credit status while batch %d ran; run it again", run.o.ID, c.BatchID)}
		}
		var awards []newAward
		for _, r := range chunk {
			if r.failed == nil {
				awards = append(awards, r.award)
			}
		}
		ids, err := tx.insertAwards(run.batch.InstitutionID, run.o, c.BatchID, awards)
		if err != nil {
			return err
		}
		var missingKeys []string
		for _, a := range awards {
			if _, ok := ids[a.key]; !ok {
				missingKeys = append(missingKeys, a.key)
			}
		}
		prior, err := tx.awardsByKey(missingKeys)
		if err != nil {
			return err
		}
		var issued, existing, failed int
		updates := make([]rowUpdate, len(chunk))
		notices := make([]*Notification, 0, len(chunk))
		for i, r := range chunk {
			u := rowUpdate{ordinal: r.row.Ordinal}
			switch id, ok := ids[r.award.key]; {
			case r.failed != nil:
				u.state, u.field, u.msg = award.RowFailed, r.failed.Field, r.failed.Message
				failed++
			case ok:
				u.state, u.awardID = award.RowIssued, id
				issued++
				notices = append(notices, awardNotice(run.batch.InstitutionID, id, r.row.Email, r.subject, r.body))
			default:
				u.state, u.awardID, u.msg = award.RowExisting, prior[r.award.key], "already awarded"
				existing++
			}
			updates[i] = u
		}
		if err := tx.updateRows(c.BatchID, updates); err != nil {
			return err
		}
		if run.stacked {
			// The chunk's awards may complete stacks: awarded in this
			// transaction, so a resumed batch never misses one.
			for i, r := range chunk {
				if updates[i].state != award.RowIssued {
					continue
				}
				if _, err := tx.completeStacks(run.iss, award.NormalizeEmail(r.row.Email), run.o.ID, run.batch.ConfirmedBy, 0); err != nil {
					return err
				}
			}
		}
		if err := tx.enqueueNotices(notices); err != nil {
			return err
		}
		if err := tx.execOne("award batch", `UPDATE award_batches SET next_slot = $1, issued = issued + $2,
			existing = existing + $3, failed = failed + $4 WHERE id = $5`, last+1, issued, existing, failed, c.BatchID); err != nil {
			return err
		}
		done = last + 1
		return nil
	})
	return done, err
}

// rowUpdate is the outcome of one row.
type rowUpdate struct {
	ordinal    int
	state      award.RowState
	awardID    int64
	field, msg string
}

// updateRows records the outcome of a chunk's rows in one statement.
func (tx *Tx) updateRows(batchID int64, updates []rowUpdate) error {
	const cols = 5
	var q strings.Builder
	q.WriteString(`UPDATE award_batch_rows SET state = v.column2, award_id = v.column3, error_field = v.column4,
		error = v.column5 FROM (VALUES `)
	args := make([]any, 0, len(updates)*cols+1)
	for i, u := range updates {
		if i > 0 {
			q.WriteByte(',')
		}
		m := strings.Split(tx.bindMarks(i*cols+1, cols), ", ")
		fmt.Fprintf(&q, "(CAST(%s AS bigint), CAST(%s AS text), CAST(%s AS bigint), CAST(%s AS text), CAST(%s AS text))",
			m[0], m[1], m[2], m[3], m[4])
		args = append(args, u.ordinal, string(u.state), nullID(u.awardID), u.field, u.msg)
	}
	// The ordinal range lets the engine visit only the chunk's rows, not
	// every row of the batch for each value.
	lo, hi := updates[0].ordinal, updates[0].ordinal
	for _, u := range updates {
		lo, hi = min(lo, u.ordinal), max(hi, u.ordinal)
	}
	m := strings.Split(tx.bindMarks(len(args)+1, 3), ", ")
	fmt.Fprintf(&q, `) AS v WHERE award_batch_rows.batch_id = %s AND award_batch_rows.ordinal BETWEEN %s AND %s
		AND award_batch_rows.ordinal = v.column1`, m[0], m[1], m[2])
	args = append(args, batchID, lo, hi)
	res, err := tx.exec(q.String(), args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || int(n) != len(updates) {
		return fmt.Errorf("batch %d: updated %d rows of %d", batchID, n, len(updates))
	}
	return nil
}

// stopBatch ends a run that the committer stopped: a batch whose offering
// changed is failed (or left to run again when only its credit status
// changed); any other error is returned as it is.
func (s *Store) stopBatch(ctx context.Context, run *batchRun, cause error) (Batch, error) {
	var oc *offeringChanged
	if !errors.As(cause, &oc) {
		return Batch{}, cause
	}
	err := s.WithTx(ctx, func(tx *Tx) error {
		b, err := tx.batch(run.batch.ID, true)
		if err != nil {
			return err
		}
		if !tx.holdsClaim(run.claim) {
			return nil
		}
		o, _, err := tx.awardOffering(b.OfferingID, b.Version)
		if err != nil {
			return err
		}
		if o.Awardable() != nil {
			return tx.failBatch(run.slug, b, oc.err)
		}
		// Still awardable with another credit status: let the lease run
		// out, so the next claim builds the rest under the new status.
		return nil
	})
	if err != nil {
		return Batch{}, err
	}
	return Batch{}, oc.err
}

// finishBatch marks a batch whose rows are all processed done.
func (s *Store) finishBatch(ctx context.Context, run *batchRun) (Batch, error) {
	var b Batch
	err := s.WithTx(ctx, func(tx *Tx) error {
		cur, err := tx.batch(run.batch.ID, true)
		if err != nil {
			return err
		}
		if !tx.holdsClaim(run.claim) {
			return errLostClaim(run.batch.ID)
		}
		if cur.Done < cur.ToAward {
			return fmt.Errorf("batch %d: %d of %d rows done at the end of the run", cur.ID, cur.Done, cur.ToAward)
		}
		if err := tx.execOne("award batch", `UPDATE award_batches SET state = $1, finished_at = $2, updated_at = $2,
			lease_until = NULL, claimed_by = '' WHERE id = $3`, string(award.Done), tx.ts(tx.now), cur.ID); err != nil {
			return err
		}
		if err := tx.auditBatch(run.slug, cur.ConfirmedBy, "award.batch.done", cur); err != nil {
			return err
		}
		b, err = tx.batch(cur.ID, false)
		return err
	})
	return b, err
}
