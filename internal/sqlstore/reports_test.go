package sqlstore

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
	"cairn/internal/ob"
	"cairn/internal/org"
	"cairn/internal/stack"
)

// reportWorld is a stack world at KPU (profile kpu-ac15) with a known
// history: awards in March and April 2026, one stack completed in April,
// verifications over two days and approval visits with known working
// days.
func reportWorld(t *testing.T, s *Store) *stackWorld {
	t.Helper()
	w := newStackWorld(t, s, "kpu-ac15")
	if _, err := s.CreateStack(t.Context(), StackRequest{OfferingID: w.larger.ID, Rule: stack.Rule{Kind: stack.NOf, N: 2, Parts: w.partIDs()}}); err != nil {
		t.Fatal(err)
	}
	// March (t0 is 2 March 2026): three awards of part 0, one of part 1.
	for _, e := range []string{"ada@example.edu", "bob@example.edu", "cy@example.edu"} {
		w.award(w.parts[0], e)
	}
	w.award(w.parts[1], "dee@example.edu")
	// April: Ada's part 1 completes the stack (two awards that month).
	w.clock.Advance(31 * 24 * time.Hour)
	w.award(w.parts[1], "ada@example.edu")
	return w
}

func TestReportsCountAKnownHistory(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := reportWorld(t, s)
		r := ReportRange{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), Period: PeriodMonth}
		counts, err := s.AwardsPerOffering(t.Context(), w.inst.ID, r)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range counts {
			got = append(got, c.Period+" "+c.Title+" "+itoa(c.Count))
		}
		want := []string{"2026-03 Data Cleaning 3", "2026-03 SQL Queries 1", "2026-04 Data Analytics Certificate 1", "2026-04 SQL Queries 1"}
		if !slices.Equal(got, want) {
			t.Errorf("awards per offering: got %q, want %q", got, want)
		}
		r.Period = PeriodYear
		counts, err = s.AwardsPerOffering(t.Context(), w.inst.ID, r)
		if err != nil || len(counts) != 3 || counts[0].Period != "2026" || counts[2].Title != "SQL Queries" || counts[2].Count != 2 {
			t.Errorf("awards per year: got %+v, %v", counts, err)
		}
		april := ReportRange{From: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), Period: PeriodMonth}
		counts, err = s.AwardsPerOffering(t.Context(), w.inst.ID, april)
		if err != nil || len(counts) != 2 {
			t.Errorf("April only: got %+v, %v; want 2 offerings", counts, err)
		}

		stacks, err := s.StacksCompleted(t.Context(), w.inst.ID, r)
		if err != nil || len(stacks) != 1 || stacks[0].Count != 1 || stacks[0].Title != "Data Analytics Certificate" || stacks[0].Period != "2026" {
			t.Errorf("stacks completed: got %+v, %v; want one in 2026", stacks, err)
		}

		for _, v := range []struct{ endpoint, outcome string }{
			{VerifyPage, VerifyVerified}, {VerifyPage, VerifyVerified}, {VerifyAPI, VerifyFailed},
		} {
			if err := s.CountVerification(t.Context(), v.endpoint, v.outcome); err != nil {
				t.Fatal(err)
			}
		}
		w.clock.Advance(24 * time.Hour)
		if err := s.CountVerification(t.Context(), VerifyPage, VerifyVerified); err != nil {
			t.Fatal(err)
		}
		if err := s.CountVerification(t.Context(), "ftp", VerifyVerified); apperror.CodeOf(err) != apperror.Invalid {
			t.Errorf("unknown endpoint: got %v, want Invalid", err)
		}
		vs, err := s.Verifications(t.Context(), r)
		if err != nil {
			t.Fatal(err)
		}
		got = nil
		for _, v := range vs {
			got = append(got, v.Period+" "+v.Endpoint+" "+v.Outcome+" "+itoa(v.Count))
		}
		if want := []string{"2026 api failed 1", "2026 page verified 3"}; !slices.Equal(got, want) {
			t.Errorf("verifications: got %q, want %q", got, want)
		}

		if _, err := s.AwardsPerOffering(t.Context(), w.inst.ID, ReportRange{From: r.To, To: r.From, Period: PeriodMonth}); apperror.CodeOf(err) != apperror.Invalid {
			t.Errorf("reversed range: got %v, want Invalid", err)
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestCycleTimesInWorkingDays(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newStackWorld(t, s, "kpu-ac15")
		ctx := context.Background()
		at := func(s string) time.Time {
			v, err := time.Parse(time.RFC3339, s)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		err := s.WithTx(ctx, func(tx *Tx) error {
			var id int64
			if err := tx.get("case", `INSERT INTO approval_cases (institution_id, offering_id, track, status, step, visit, opened_at,
				created_at, updated_at) VALUES ($1, $2, 'credit', 'open', 'smc', 3, $3, $3, $3) RETURNING id`,
				[]any{w.inst.ID, w.parts[0].ID, tx.ts(at("2026-03-02T18:00:00Z"))}, &id); err != nil {
				return err
			}
			for i, v := range []struct{ step, kind, in, out string }{
				{"completeness", "completeness_check", "2026-03-02T18:00:00Z", "2026-03-05T18:00:00Z"}, // Mon to Thu: 3
				{"completeness", "completeness_check", "2026-03-06T18:00:00Z", "2026-03-09T18:00:00Z"}, // Fri to Mon: 1
				{"smc", "vote", "2026-04-01T18:00:00Z", "2026-04-07T18:00:00Z"},                        // Good Friday off: 3
				{"approved", "approved", "2026-04-07T18:00:00Z", "2026-04-07T18:00:00Z"},               // an end state: left out
				{"smc", "vote", "2026-04-07T18:00:00Z", ""},                                            // still open: not counted
			} {
				var left any
				if v.out != "" {
					left = tx.ts(at(v.out))
				}
				if _, err := tx.exec(`INSERT INTO case_visits (case_id, no, step, kind, version, entered_at, left_at)
					VALUES ($1, $2, $3, $6, 1, $4, $5)`, id, i+1, v.step, tx.ts(at(v.in)), left, v.kind); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		r := ReportRange{From: at("2026-03-01T00:00:00Z"), To: at("2026-06-01T00:00:00Z"), Period: PeriodMonth}
		got, err := s.Approvals(nil).CycleTimes(ctx, w.inst.ID, r)
		if err != nil {
			t.Fatal(err)
		}
		want := []StepCycleTime{
			{Step: "completeness", Visits: 2, Mean: 2, Median: 2, Max: 3},
			{Step: "smc", Visits: 1, Mean: 3, Median: 3, Max: 3},
		}
		if len(got) != len(want) {
			t.Fatalf("got %+v, want %+v", got, want)
		}
		for i := range want {
			g := got[i]
			g.Label = ""
			if g != want[i] {
				t.Errorf("step %d: got %+v, want %+v", i, got[i], want[i])
			}
		}
	})
}

func TestBadgeReportNowDoesNotSend(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newStackWorld(t, s, "kpu-ac15")
		rep, err := s.Approvals(nil).BadgeReportNow(t.Context(), w.inst.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rep.To == "" || len(rep.Items) != 0 {
			t.Errorf("got %+v, want an empty report to its committee (no cases approved)", rep)
		}
		if n := w.count(`SELECT count(*) FROM notifications WHERE kind <> 'award_issued'`); n != 0 {
			t.Errorf("previewing the report queued %d notices", n)
		}
	})
}

func TestLearnerRecordVerifies(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := reportWorld(t, s)
		ada := org.Person{Name: "Ada", Email: "ada@example.edu"}
		if err := s.CreatePerson(t.Context(), &ada); err != nil {
			t.Fatal(err)
		}
		rec, err := s.LearnerRecord(t.Context(), w.p, w.inst.ID, "Ada@Example.edu", "")
		if err != nil {
			t.Fatal(err)
		}
		if rec.Awards != 3 || rec.Partial {
			t.Errorf("got %d awards (partial %v), want Ada's 3 (two parts and the stack)", rec.Awards, rec.Partial)
		}
		rep := w.v.Verify(t.Context(), []byte(rec.JWT))
		if !rep.Verified || rep.Kind != ob.KindCLR {
			t.Fatalf("the record does not verify as a CLR: kind %q, errors %v", rep.Kind, rep.Errors)
		}
		var clr ob.ClrCredential
		if err := json.Unmarshal(rec.JSON, &clr); err != nil {
			t.Fatal(err)
		}
		subj := clr.CredentialSubject
		if len(subj.VerifiableCredential) != 3 || len(subj.Achievement) != 3 || len(subj.Identifier) != 1 ||
			!subj.Identifier[0].Matches("ada@example.edu") {
			t.Errorf("subject: %d credentials, %d achievements, identifiers %+v", len(subj.VerifiableCredential), len(subj.Achievement), subj.Identifier)
		}
		if len(subj.Association) != 2 || subj.Association[0].AssociationType != "isPartOf" {
			t.Errorf("associations: got %+v, want the two parts isPartOf the certificate", subj.Association)
		}
		// Every embedded award still verifies on its own.
		for i, c := range subj.VerifiableCredential {
			raw, _ := json.Marshal(c)
			if r := w.v.Verify(t.Context(), raw); !r.Verified {
				t.Errorf("embedded credential %d: %v", i, r.Errors)
			}
		}
		// A revoked award leaves the record partial.
		if _, err := s.Revoke(t.Context(), w.p, rec1(t, s, "ada@example.edu", w.parts[0].ID), 0, "issued in error"); err != nil {
			t.Fatal(err)
		}
		rec, err = s.LearnerRecord(t.Context(), w.p, w.inst.ID, "ada@example.edu", "")
		if err != nil || rec.Awards != 2 || !rec.Partial {
			t.Errorf("after a revocation: got %d awards partial %v, %v; want 2, partial", rec.Awards, rec.Partial, err)
		}
		if _, err := s.LearnerRecord(t.Context(), w.p, w.inst.ID, "nobody@example.edu", ""); apperror.CodeOf(err) != apperror.NotFound {
			t.Errorf("a learner without awards: got %v, want NotFound", err)
		}

		// Transcript entries: credit-bearing awards with the learner's
		// address where known.
		var entries []TranscriptEntry
		if err := s.EachTranscriptEntry(t.Context(), w.inst.ID, func(e TranscriptEntry) error {
			entries = append(entries, e)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(entries) != 6 {
			t.Fatalf("got %d transcript entries, want 6", len(entries))
		}
		e := entries[0]
		row := e.Row()
		if len(row) != len(TranscriptColumns) || row[2] != "offering-"+itoa64(w.parts[0].ID)+"-v1" || row[3] != "Data Cleaning" ||
			row[4] != "1.5" || row[5] != string(catalog.CreditBearing) || row[6] != "2026-03-02" || row[7] != "revoked" {
			t.Errorf("first entry: got %q", row)
		}
		if e.Email != "" {
			t.Errorf("Ada's first award predates her account: got email %q, want only the hash", e.Email)
		}
	})
}

func rec1(t *testing.T, s *Store, email string, offeringID int64) int64 {
	t.Helper()
	as, err := s.AwardsForLearner(t.Context(), email)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if a.OfferingID == offeringID {
			return a.ID
		}
	}
	t.Fatalf("%s holds no award of %d", email, offeringID)
	return 0
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
