package sqlstore

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/award"
	"cairn/internal/catalog"
	"cairn/internal/keys"
	"cairn/internal/ob"
	"cairn/internal/org"
)

func TestIssueAward(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newAwardWorld(t, s)
		ada := org.Person{Name: "Ada", Email: "ada@example.edu"}
		if err := s.CreatePerson(t.Context(), &ada); err != nil {
			t.Fatal(err)
		}
		a, issued, err := s.IssueAward(t.Context(), w.p, AwardRequest{OfferingID: w.offering.ID, Email: " Ada@Example.edu ",
			Name: "Ada Lovelace", Result: "A-", EvidenceURL: "https://portfolio.example.edu/ada", By: ada.ID})
		if err != nil || !issued {
			t.Fatalf("got issued %v, %v; want a new award", issued, err)
		}
		if a.PersonID != ada.ID || a.EmailHash != award.EmailHash("ada@example.edu") || a.Status != award.Active || a.Credits != 1.5 {
			t.Errorf("got award %+v, want Ada's active award of 1.5 credits", a)
		}
		if want := t0.Truncate(time.Second).AddDate(5, 0, 0); !a.ValidUntil.Equal(want) {
			t.Errorf("got valid until %v, want %v (P5Y)", a.ValidUntil, want)
		}
		rep := w.verifyAward(a)
		if !rep.Verified || reportedStatus(rep, "revocation") != "active" || reportedStatus(rep, "suspension") != "active" {
			t.Fatalf("got verified %v, status %+v, errors %v; want verified and active", rep.Verified, rep.Status, rep.Errors)
		}
		doc, _ := ob.DecodeMap(a.Credential)
		if doc["id"] != a.CredentialID {
			t.Errorf("credential id %v, award says %s", doc["id"], a.CredentialID)
		}

		again, issued, err := s.IssueAward(t.Context(), w.p, AwardRequest{OfferingID: w.offering.ID, Email: "ada@example.edu"})
		if err != nil || issued || again.ID != a.ID {
			t.Errorf("issuing again: got award %d issued %v (%v), want award %d unchanged", again.ID, issued, err, a.ID)
		}
		mine, err := s.AwardsForLearner(t.Context(), "ADA@example.edu")
		if err != nil || len(mine) != 1 || mine[0].ID != a.ID {
			t.Errorf("AwardsForLearner: got %d awards (%v), want Ada's one", len(mine), err)
		}
		if got := w.count(`SELECT count(*) FROM notifications WHERE kind = 'award_issued' AND recipient = 'ada@example.edu'`); got != 1 {
			t.Errorf("got %d notices to Ada, want 1", got)
		}
		if got := w.count(`SELECT count(*) FROM audit_log WHERE action = 'award.issued' AND actor = $1`, actor(ada.ID)); got != 1 {
			t.Errorf("got %d audit events, want 1", got)
		}
		byID, err := s.AwardByCredentialID(t.Context(), a.CredentialID)
		if err != nil || byID.ID != a.ID {
			t.Errorf("AwardByCredentialID: got %d, %v", byID.ID, err)
		}
	})
}

func TestIssueAwardChecksTheLearner(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newAwardWorld(t, s)
		tests := []struct {
			name  string
			req   AwardRequest
			field string
		}{
			{"bad email", AwardRequest{Email: "not an address"}, "email"},
			{"unknown learner when required", AwardRequest{Email: "nobody@example.edu", RequireKnown: true}, "email"},
			{"evidence not http", AwardRequest{Email: "ada@example.edu", EvidenceURL: "ftp://x.example/y"}, "evidence_url"},
			{"issued in the future", AwardRequest{Email: "ada@example.edu", IssuedOn: t0.AddDate(0, 0, 2)}, "issued_on"},
			{"no such run", AwardRequest{Email: "ada@example.edu", RunID: 999}, "run_id"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tt.req.OfferingID = w.offering.ID
				_, _, err := s.IssueAward(t.Context(), w.p, tt.req)
				wantField(t, err, apperror.Invalid, tt.field)
			})
		}
		if got := w.count(`SELECT count(*) FROM awards`); got != 0 {
			t.Errorf("got %d awards after refusals, want 0", got)
		}
	})
}

func TestOnlyApprovedOfferingsAreAwarded(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newAwardWorld(t, s)
		tests := []struct {
			name    string
			status  catalog.Status
			want    apperror.Code
			credits float64
		}{
			{"approved awards credit", catalog.Approved, "", 1.5},
			{"active awards credit", catalog.Active, "", 1.5},
			{"interim non-credit awards without credit", catalog.ApprovedInterimNonCredit, "", 0},
			{"under review refused", catalog.UnderReview, apperror.Conflict, 0},
			{"discontinued refused", catalog.Discontinued, apperror.Conflict, 0},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				o := w.approvedOffering(analyticsForm(), tt.status)
				a, _, err := s.IssueAward(t.Context(), w.p, AwardRequest{OfferingID: o.ID, Email: "ada@example.edu"})
				wantCode(t, err, tt.want)
				if err != nil {
					return
				}
				if a.Credits != tt.credits {
					t.Errorf("got %v credits, want %v", a.Credits, tt.credits)
				}
				doc, _ := ob.DecodeMap(a.Credential)
				subject := doc["credentialSubject"].(map[string]any)
				if _, has := subject["creditsEarned"]; has != (tt.credits > 0) {
					t.Errorf("creditsEarned present %v, want %v", has, tt.credits > 0)
				}
				if rep := w.verifyAward(a); !rep.Verified {
					t.Errorf("got errors %v, want verified", rep.Errors)
				}
			})
		}
		draft := Offering{InstitutionID: w.inst.ID, Draft: analyticsForm()}
		if err := s.CreateOffering(t.Context(), &draft); err != nil {
			t.Fatal(err)
		}
		_, _, err := s.IssueAward(t.Context(), w.p, AwardRequest{OfferingID: draft.ID, Email: "ada@example.edu"})
		wantCode(t, err, apperror.Conflict)
		_, err = s.CreateBatch(t.Context(), BatchRequest{OfferingID: draft.ID}, &award.Sheet{Rows: []award.Row{{Line: 2, Email: "ada@example.edu"}}})
		wantCode(t, err, apperror.Conflict)
	})
}

func TestRevokeSuspendReinstate(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newAwardWorld(t, s)
		a := w.issue("ada@example.edu")
		bob := w.issue("bob@example.edu")
		staff := newPerson(t, s, "registrar")

		wantCode(t, func() error { _, err := s.Reinstate(t.Context(), w.p, a.ID, staff.ID, "nothing to lift"); return err }(), apperror.Conflict)
		_, err := s.Suspend(t.Context(), w.p, a.ID, staff.ID, "  ")
		wantField(t, err, apperror.Invalid, "reason")

		steps := []struct {
			name                   string
			change                 func() (Award, error)
			status                 award.Status
			revocation, suspension string
		}{
			{"suspended", func() (Award, error) { return s.Suspend(t.Context(), w.p, a.ID, staff.ID, "academic integrity review") },
				award.Suspended, "active", "suspended"},
			{"reinstated", func() (Award, error) { return s.Reinstate(t.Context(), w.p, a.ID, staff.ID, "review cleared") },
				award.Active, "active", "active"},
			{"suspended again", func() (Award, error) { return s.Suspend(t.Context(), w.p, a.ID, staff.ID, "second review") },
				award.Suspended, "active", "suspended"},
			{"revoked", func() (Award, error) { return s.Revoke(t.Context(), w.p, a.ID, staff.ID, "awarded in error") },
				award.Revoked, "revoked", "active"},
		}
		for _, st := range steps {
			w.clock.Advance(time.Minute)
			got, err := st.change()
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if got.Status != st.status || got.StatusBy != staff.ID || got.StatusReason == "" || !got.StatusAt.Equal(w.clock.Now().Truncate(time.Microsecond)) {
				t.Errorf("%s: got %+v, want status %s by %d now", st.name, got, st.status, staff.ID)
			}
			rep := w.verifyAward(got)
			if reportedStatus(rep, "revocation") != st.revocation || reportedStatus(rep, "suspension") != st.suspension {
				t.Errorf("%s: verifier says revocation %s, suspension %s; want %s, %s (errors %v)", st.name,
					reportedStatus(rep, "revocation"), reportedStatus(rep, "suspension"), st.revocation, st.suspension, rep.Errors)
			}
			if wantVerified := st.status == award.Active; rep.Verified != wantVerified {
				t.Errorf("%s: got verified %v, want %v", st.name, rep.Verified, wantVerified)
			}
			// Another learner on the same lists is not affected.
			if rep := w.verifyAward(bob); !rep.Verified {
				t.Errorf("%s: Bob's award: got errors %v, want verified", st.name, rep.Errors)
			}
		}
		_, err = s.Revoke(t.Context(), w.p, a.ID, staff.ID, "again")
		wantCode(t, err, apperror.Conflict)
		_, err = s.Suspend(t.Context(), w.p, a.ID, staff.ID, "after revocation")
		wantCode(t, err, apperror.Conflict)
		if got := w.count(`SELECT count(*) FROM audit_log WHERE subject = $1`, "award/"+idText(a.ID)); got != 5 {
			t.Errorf("got %d audit events for the award, want 5 (issued and four changes)", got)
		}
		if a, _ := s.Award(t.Context(), a.ID); a.State(w.clock.Now()) != "revoked" {
			t.Errorf("got state %s, want revoked", a.State(w.clock.Now()))
		}
		if got := bob.State(bob.ValidUntil.Add(time.Second)); got != "expired" {
			t.Errorf("after validUntil got state %s, want expired", got)
		}
	})
}

func TestStatusListIsPublishedAtOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newAwardWorld(t, s)
		a := w.issue("ada@example.edu")
		before, err := s.StatusListCredential(t.Context(), w.p, a.Revocation.ListID)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := s.StatusListCredential(t.Context(), w.p, a.Revocation.ListID)
		if string(again) != string(before) {
			t.Errorf("an unchanged list was signed again")
		}
		w.clock.Advance(time.Hour)
		if _, err := s.Revoke(t.Context(), w.p, a.ID, 0, "fraud"); err != nil {
			t.Fatal(err)
		}
		var stale bool
		var stored string
		err = s.ReadTx(t.Context(), func(tx *Tx) error {
			return tx.get("list", `SELECT stale, credential FROM status_lists WHERE id = $1`, []any{a.Revocation.ListID}, &stale, &stored)
		})
		if err != nil || stale || stored == string(before) {
			t.Fatalf("after revoking: got stale %v, changed %v (%v); want the list re-signed in the same transaction", stale, stored != string(before), err)
		}
		var vc map[string]any
		if err := json.Unmarshal([]byte(stored), &vc); err != nil {
			t.Fatal(err)
		}
		if vc["validFrom"] != w.clock.Now().UTC().Format(time.RFC3339) {
			t.Errorf("got validFrom %v, want the time of the revocation", vc["validFrom"])
		}
		other := newAwardPipeline(t, newIssuerKey(t), award.FormatDI, w.clock.Now)
		_, err = s.Suspend(t.Context(), other, w.issue("bob@example.edu").ID, 0, "wrong issuer")
		wantCode(t, err, apperror.Conflict)
	})
}

func TestBulkAwardPreviewAndRun(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newAwardWorld(t, s)
		known := newPerson(t, s, "learner1")
		csv := learnersCSV(600) +
			"not-an-email,Bad,A,\n" +
			"learner3@example.edu,Duplicate,A,\n" +
			"learner700@example.edu,Bad evidence,A,javascript:alert(1)\n" +
			"learner701@example.edu,Too,many,fields,here\n"
		b := w.createBatch(csv, BatchRequest{Source: "grades.csv", By: known.ID})
		if b.State != award.Preview || b.Total != 604 || b.Invalid != 4 || b.ToAward != 600 || b.Done != 0 {
			t.Fatalf("got batch %+v, want a preview of 604 rows, 4 invalid, 600 to award", b)
		}
		problems, err := s.BatchRows(t.Context(), b.ID, -1, 100, true)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range problems {
			got = append(got, idText(int64(p.Line))+":"+p.ErrorField+":"+string(p.State))
		}
		if want := "602:email:invalid 603:email:invalid 604:evidence_url:invalid 605:csv:invalid"; strings.Join(got, " ") != want {
			t.Errorf("got problems %q, want %q", strings.Join(got, " "), want)
		}
		if !strings.Contains(problems[1].Error, "line 5") {
			t.Errorf("duplicate row: got error %q, want it to name the first line", problems[1].Error)
		}
		first, _ := s.BatchRows(t.Context(), b.ID, -1, 3, false)
		if len(first) != 3 || first[1].PersonID != known.ID || first[0].PersonID != 0 || first[0].State != award.RowPending {
			t.Errorf("got first rows %+v, want learner1 linked to their account", first)
		}
		if got := w.count(`SELECT count(*) FROM awards`); got != 0 {
			t.Fatalf("got %d awards before confirmation, want none", got)
		}
		if _, ok, _ := s.ClaimBatch(t.Context(), "w1", time.Minute); ok {
			t.Fatalf("claimed a batch in preview")
		}

		b, err = s.ConfirmBatch(t.Context(), b.ID, known.ID)
		if err != nil || b.State != award.Queued {
			t.Fatalf("confirm: got %s, %v", b.State, err)
		}
		_, err = s.ConfirmBatch(t.Context(), b.ID, known.ID)
		wantCode(t, err, apperror.Conflict)
		c, ok, err := s.ClaimBatch(t.Context(), "w1", time.Minute)
		if err != nil || !ok || c.BatchID != b.ID {
			t.Fatalf("claim: got %+v %v %v", c, ok, err)
		}
		var calls []int
		b, err = s.RunBatch(t.Context(), c, w.p, func(done, total int) {
			if total != 600 {
				t.Errorf("progress total %d, want 600", total)
			}
			calls = append(calls, done)
		})
		if err != nil {
			t.Fatal(err)
		}
		if b.State != award.Done || b.Issued != 600 || b.Done != 600 || b.Existing != 0 || b.Failed != 0 || b.FinishedAt.IsZero() {
			t.Errorf("got batch %+v, want done with 600 issued", b)
		}
		if want := []int{0, 256, 512, 600}; !slices.Equal(calls, want) {
			t.Errorf("got progress %v, want %v", calls, want)
		}
		w.checkExactlyOnce(b)
		awards, err := s.AwardsForOffering(t.Context(), w.offering.ID, 0, 1000)
		if err != nil || len(awards) != 600 {
			t.Fatalf("got %d awards (%v), want 600", len(awards), err)
		}
		for _, i := range []int{0, 299, 599} {
			if rep := w.verifyAward(awards[i]); !rep.Verified {
				t.Errorf("award %d: got errors %v, want verified", i, rep.Errors)
			}
		}
		if awards[1].PersonID != known.ID || awards[1].BatchID != b.ID || awards[1].CreatedBy != known.ID {
			t.Errorf("got award %+v, want learner1's, from the batch, by its confirmer", awards[1])
		}
		_, err = s.RunBatch(t.Context(), c, w.p, nil)
		wantCode(t, err, apperror.Conflict)
	})
}

func TestBulkAwardIssuesNothingTwice(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newAwardWorld(t, s)
		run := func(b Batch) Batch {
			t.Helper()
			b, err := s.ConfirmBatch(t.Context(), b.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			if b.State == award.Done {
				return b
			}
			c, err := s.ClaimBatchID(t.Context(), b.ID, "w1", time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			b, err = s.RunBatch(t.Context(), c, w.p, nil)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		w.issue("learner7@example.edu") // awarded singly before the upload
		first := run(w.createBatch(learnersCSV(300), BatchRequest{}))
		if first.Issued != 299 || first.Existing != 1 {
			t.Errorf("first batch: got %d issued, %d existing; want 299 and 1", first.Issued, first.Existing)
		}

		// The same file again: every learner already has the award.
		again := w.createBatch(learnersCSV(300), BatchRequest{})
		if again.ToAward != 0 || again.Existing != 300 {
			t.Errorf("preview of the same file: got %d to award, %d existing; want 0 and 300", again.ToAward, again.Existing)
		}
		again = run(again)
		if again.State != award.Done || again.Issued != 0 {
			t.Errorf("got %+v, want done with nothing issued", again)
		}

		// Awarded between preview and run: the row is found at run time.
		late := w.createBatch(learnersCSV(310), BatchRequest{})
		if late.ToAward != 10 {
			t.Fatalf("got %d to award, want 10", late.ToAward)
		}
		w.issue("learner305@example.edu")
		late = run(late)
		if late.Issued != 9 || late.Existing != 301 {
			t.Errorf("got %d issued, %d existing; want 9 and 301", late.Issued, late.Existing)
		}
		rows, _ := s.BatchRows(t.Context(), late.ID, 304, 1, false)
		if len(rows) != 1 || rows[0].State != award.RowExisting || rows[0].AwardID == 0 {
			t.Errorf("got row %+v, want learner305 existing with the award id", rows)
		}
		if got := w.count(`SELECT count(*) FROM awards`); got != 310 {
			t.Errorf("got %d awards, want 310 (one per learner)", got)
		}
		if got := w.count(`SELECT count(*) FROM notifications WHERE kind = 'award_issued'`); got != 310 {
			t.Errorf("got %d notices, want 310", got)
		}
	})
}

func TestBatchClaimedByOneWorker(t *testing.T) {
	forEachShared(t, func(t *testing.T, open func() (*Store, error)) {
		stores := openN(t, 2, open)
		w := newAwardWorld(t, stores[0])
		stores[1].clock = w.clock.Now
		b := w.createBatch(learnersCSV(400), BatchRequest{})
		if _, err := stores[0].ConfirmBatch(t.Context(), b.ID, 0); err != nil {
			t.Fatal(err)
		}
		type claim struct {
			c   BatchClaim
			ok  bool
			err error
		}
		results := make([]claim, 2)
		start := make(chan struct{})
		done := make(chan int)
		for i := range 2 {
			go func() {
				<-start
				var r claim
				r.c, r.ok, r.err = stores[i].ClaimBatch(t.Context(), "worker"+idText(int64(i)), time.Minute)
				for r.err != nil && IsRetryable(r.err) {
					r.c, r.ok, r.err = stores[i].ClaimBatch(t.Context(), "worker"+idText(int64(i)), time.Minute)
				}
				results[i] = r
				done <- i
			}()
		}
		close(start)
		<-done
		<-done
		var winners []int
		for i, r := range results {
			if r.err != nil {
				t.Fatalf("worker %d: %v", i, r.err)
			}
			if r.ok {
				winners = append(winners, i)
			}
		}
		if len(winners) != 1 {
			t.Fatalf("got %d workers holding the batch, want exactly 1", len(winners))
		}
		loser := 1 - winners[0]
		_, err := stores[loser].ClaimBatchID(t.Context(), b.ID, "worker"+idText(int64(loser)), time.Minute)
		wantCode(t, err, apperror.Conflict)
		b, err = stores[winners[0]].RunBatch(t.Context(), results[winners[0]].c, w.p, nil)
		if err != nil || b.State != award.Done || b.Issued != 400 {
			t.Fatalf("run: got %+v, %v", b, err)
		}
		w.checkExactlyOnce(b)
	})
}

func TestBatchTakenOverAfterLease(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newAwardWorld(t, s)
		b := w.createBatch(learnersCSV(700), BatchRequest{})
		if _, err := s.ConfirmBatch(t.Context(), b.ID, 0); err != nil {
			t.Fatal(err)
		}
		slow, err := s.ClaimBatchID(t.Context(), b.ID, "slow", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		// The slow worker stalls after its first chunk: cancel it there.
		ctx, cancel := context.WithCancel(t.Context())
		_, err = s.RunBatch(ctx, slow, w.p, func(done, total int) {
			if done > 0 {
				cancel()
			}
		})
		if err == nil {
			t.Fatalf("the cancelled run returned no error")
		}
		mid, _ := s.BatchProgress(t.Context(), b.ID)
		if mid.State != award.Running || mid.Done == 0 || mid.Done == 700 {
			t.Fatalf("after the stall got %+v, want running part-way", mid)
		}
		if _, ok, _ := s.ClaimBatch(t.Context(), "fast", time.Minute); ok {
			t.Fatalf("claimed a batch whose lease holds")
		}
		w.clock.Advance(2 * time.Minute)
		fast, ok, err := s.ClaimBatch(t.Context(), "fast", time.Minute)
		if err != nil || !ok || fast.BatchID != b.ID {
			t.Fatalf("takeover: got %+v %v %v", fast, ok, err)
		}
		// The slow worker wakes up: its claim is fenced off.
		_, err = s.RunBatch(t.Context(), slow, w.p, nil)
		wantCode(t, err, apperror.Conflict)
		b, err = s.RunBatch(t.Context(), fast, w.p, nil)
		if err != nil || b.State != award.Done || b.Issued != 700 {
			t.Fatalf("got %+v, %v; want done with 700 issued", b, err)
		}
		w.checkExactlyOnce(b)
	})
}

func TestBatchStopsWhenOfferingDiscontinued(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newAwardWorld(t, s)
		b := w.createBatch(learnersCSV(10), BatchRequest{})
		if _, err := s.ConfirmBatch(t.Context(), b.ID, 0); err != nil {
			t.Fatal(err)
		}
		w.move(w.offering.ID, catalog.Discontinued)
		c, err := s.ClaimBatchID(t.Context(), b.ID, "w", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.RunBatch(t.Context(), c, w.p, nil)
		wantCode(t, err, apperror.Conflict)
		b, _ = s.BatchProgress(t.Context(), b.ID)
		if b.State != award.Failed || !strings.Contains(b.Error, "discontinued") || b.Issued != 0 {
			t.Errorf("got %+v, want failed because discontinued, nothing issued", b)
		}
	})
}

func TestCancelBatch(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newAwardWorld(t, s)
		b := w.createBatch(learnersCSV(5), BatchRequest{})
		b, err := s.CancelBatch(t.Context(), b.ID, 0)
		if err != nil || b.State != award.Cancelled {
			t.Fatalf("got %s, %v; want cancelled", b.State, err)
		}
		_, err = s.ConfirmBatch(t.Context(), b.ID, 0)
		wantCode(t, err, apperror.Conflict)
		_, err = s.ClaimBatchID(t.Context(), b.ID, "w", time.Minute)
		wantCode(t, err, apperror.Conflict)
		if got := w.count(`SELECT count(*) FROM awards`); got != 0 {
			t.Errorf("got %d awards from a cancelled batch, want 0", got)
		}
	})
}

func idText(n int64) string { return strconv.FormatInt(n, 10) }

func newIssuerKey(t testing.TB) *keys.Key {
	t.Helper()
	k, err := keys.Generate(keys.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestCorrectAwardReissuesAndLinks(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newAwardWorld(t, s)
		old := w.issue("ada@example.edu")
		staff := newPerson(t, s, "registrar")
		_, err := s.CorrectAward(t.Context(), w.p, old.ID, Correction{Email: "bob@example.edu", Result: "A", Reason: "grade changed", By: staff.ID})
		wantField(t, err, apperror.Invalid, "email")
		_, err = s.CorrectAward(t.Context(), w.p, old.ID, Correction{Email: "ada@example.edu", Result: "A"})
		wantField(t, err, apperror.Invalid, "reason")

		w.clock.Advance(time.Hour)
		fixed, err := s.CorrectAward(t.Context(), w.p, old.ID, Correction{Email: "ada@example.edu", Name: "Ada", Result: "A",
			Reason: "grade changed on appeal", By: staff.ID})
		if err != nil {
			t.Fatal(err)
		}
		if fixed.ReplacesID != old.ID || fixed.Key != old.Key || fixed.Status != award.Active || fixed.CredentialID == old.CredentialID {
			t.Errorf("got %+v, want a new active award replacing %d under its key", fixed, old.ID)
		}
		doc, _ := ob.DecodeMap(fixed.Credential)
		if doc[award.TermReplaces] != old.CredentialID {
			t.Errorf("got replaces %v, want %s", doc[award.TermReplaces], old.CredentialID)
		}
		if got := doc["credentialSubject"].(map[string]any)["result"].([]any)[0].(map[string]any)["value"]; got != "A" {
			t.Errorf("got result %v, want the corrected A", got)
		}
		if rep := w.verifyAward(fixed); !rep.Verified {
			t.Errorf("correction: got errors %v, want verified", rep.Errors)
		}
		before, _ := s.Award(t.Context(), old.ID)
		if before.Status != award.Revoked || !strings.HasPrefix(before.StatusReason, "corrected: ") || before.Key == old.Key {
			t.Errorf("got old award %+v, want revoked as corrected under another key", before)
		}
		if rep := w.verifyAward(before); rep.Verified || reportedStatus(rep, "revocation") != "revoked" {
			t.Errorf("old award: got verified %v, revocation %s; want revoked", rep.Verified, reportedStatus(rep, "revocation"))
		}
		again, issued, err := s.IssueAward(t.Context(), w.p, AwardRequest{OfferingID: w.offering.ID, Email: "ada@example.edu"})
		if err != nil || issued || again.ID != fixed.ID {
			t.Errorf("awarding Ada again: got %d issued %v (%v), want the correction %d", again.ID, issued, err, fixed.ID)
		}
		_, err = s.CorrectAward(t.Context(), w.p, old.ID, Correction{Email: "ada@example.edu", Reason: "twice"})
		wantCode(t, err, apperror.Conflict)
		if got := w.count(`SELECT count(*) FROM audit_log WHERE action = 'award.corrected'`); got != 1 {
			t.Errorf("got %d correction events, want 1", got)
		}
	})
}

func TestCredentialIDsAreTimeOrdered(t *testing.T) {
	a, err := newCredentialID(t0)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := newCredentialID(t0.Add(time.Millisecond))
	c, _ := newCredentialID(t0.Add(time.Millisecond))
	if len(a) != len("urn:uuid:")+36 || a[len("urn:uuid:")+14] != '7' || !strings.ContainsAny(a[len("urn:uuid:")+19:][:1], "89ab") {
		t.Errorf("got %s, want a version 7 RFC 9562 UUID", a)
	}
	if !(a < b) || b == c || b[:len("urn:uuid:")+13] != c[:len("urn:uuid:")+13] {
		t.Errorf("got %s, %s, %s; want ordered by time, distinct within a millisecond", a, b, c)
	}
}
