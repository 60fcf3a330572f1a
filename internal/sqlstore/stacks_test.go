package sqlstore

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/award"
	"cairn/internal/catalog"
	"cairn/internal/stack"
)

// stackWorld is an award world with three approved 1.5-credit parts and
// an approved larger credential to stack them into.
type stackWorld struct {
	*awardWorld
	parts  []Offering
	larger Offering
}

func newStackWorld(t *testing.T, s *Store, profile string) *stackWorld {
	t.Helper()
	w := &stackWorld{awardWorld: newAwardWorld(t, s)}
	if _, err := s.db.ExecContext(t.Context(), `UPDATE institutions SET policy_profile = $1 WHERE id = $2`, profile, w.inst.ID); err != nil {
		t.Fatal(err)
	}
	for _, title := range []string{"Data Cleaning", "SQL Queries", "Dashboards"} {
		f := analyticsForm()
		f.Title = title
		w.parts = append(w.parts, w.approvedOffering(f, catalog.Approved))
	}
	f := analyticsForm()
	f.Title, f.Kind, f.Credits = "Data Analytics Certificate", catalog.MicroCredential, 4.5
	w.larger = w.approvedOffering(f, catalog.Approved)
	return w
}

func (w *stackWorld) partIDs() []int64 {
	return []int64{w.parts[0].ID, w.parts[1].ID, w.parts[2].ID}
}

func (w *stackWorld) award(offering Offering, email string) (Award, bool) {
	w.t.Helper()
	a, issued, err := w.s.IssueAward(context.Background(), w.p, AwardRequest{OfferingID: offering.ID, Email: email, Result: "Pass"})
	if err != nil {
		w.t.Fatalf("award %s to %s: %v", offering.Draft.Title, email, err)
	}
	return a, issued
}

func (w *stackWorld) stackAwards() int {
	return w.count(`SELECT count(*) FROM awards WHERE offering_id = $1`, w.larger.ID)
}

func TestStackAllOfAwardsTheLargerCredentialOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newStackWorld(t, s, "")
		st, err := s.CreateStack(t.Context(), StackRequest{OfferingID: w.larger.ID, Rule: stack.Rule{Kind: stack.All, Parts: w.partIDs()}})
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Rule.Parts) != 3 || st.Title != "Data Analytics Certificate" {
			t.Errorf("got stack %+v, want the certificate with 3 parts", st)
		}
		w.award(w.parts[0], "ada@example.edu")
		w.award(w.parts[1], "ada@example.edu")
		if n := w.stackAwards(); n != 0 {
			t.Fatalf("after 2 of 3 parts: %d stack awards, want 0", n)
		}
		prog, err := s.StackProgress(t.Context(), "Ada@example.edu")
		if err != nil || len(prog) != 1 || prog[0].Progress.Have != 2 || prog[0].Progress.Need != 3 || prog[0].Progress.Complete {
			t.Fatalf("progress: got %+v, %v; want 2 of 3", prog, err)
		}
		w.award(w.parts[2], "ada@example.edu")
		if n := w.stackAwards(); n != 1 {
			t.Fatalf("after all parts: %d stack awards, want 1", n)
		}
		// Awarding a part again (the same key) or another learner's parts
		// issues no second stack award to Ada.
		if _, issued := w.award(w.parts[2], "ada@example.edu"); issued {
			t.Error("the same part was issued twice")
		}
		w.award(w.parts[0], "bob@example.edu")
		if n := w.stackAwards(); n != 1 {
			t.Errorf("after a retry: %d stack awards, want still 1", n)
		}
		prog, err = s.StackProgress(t.Context(), "ada@example.edu")
		if err != nil || len(prog) != 1 || !prog[0].Progress.Complete || prog[0].AwardID == 0 {
			t.Fatalf("progress: got %+v, %v; want complete with its award", prog, err)
		}
		a, err := s.Award(t.Context(), prog[0].AwardID)
		if err != nil || a.OfferingID != w.larger.ID || a.Credits != 4.5 {
			t.Errorf("stack award: got %+v, %v; want the certificate's 4.5 credits", a, err)
		}
		if rep := w.verifyAward(a); !rep.Verified {
			t.Errorf("the stack award does not verify: %v", rep.Errors)
		}
		got, err := s.Stack(t.Context(), st.ID)
		if err != nil || got.Completed != 1 {
			t.Errorf("stack completions: got %d, %v; want 1", got.Completed, err)
		}
	})
}

func TestStackNOfAndCredits(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newStackWorld(t, s, "")
		if _, err := s.CreateStack(t.Context(), StackRequest{OfferingID: w.larger.ID, Rule: stack.Rule{Kind: stack.NOf, N: 2, Parts: w.partIDs()}}); err != nil {
			t.Fatal(err)
		}
		w.award(w.parts[0], "ada@example.edu")
		if n := w.stackAwards(); n != 0 {
			t.Fatalf("n-of after 1 of 2: %d stack awards, want 0", n)
		}
		w.award(w.parts[2], "ada@example.edu")
		if n := w.stackAwards(); n != 1 {
			t.Fatalf("n-of after 2 of 2: %d stack awards, want 1", n)
		}

		// A credits stack: 1.5 credits a part, 3 needed.
		f := analyticsForm()
		f.Title = "Analytics Diploma"
		diploma := w.approvedOffering(f, catalog.Approved)
		if _, err := s.CreateStack(t.Context(), StackRequest{OfferingID: diploma.ID,
			Rule: stack.Rule{Kind: stack.Credits, MinCredits: 3, Parts: w.partIDs()}}); err != nil {
			t.Fatal(err)
		}
		w.award(w.parts[1], "cy@example.edu")
		prog, err := s.StackProgress(t.Context(), "cy@example.edu")
		if err != nil || len(prog) != 2 {
			t.Fatalf("progress: got %+v, %v", prog, err)
		}
		for _, p := range prog {
			if p.Stack.OfferingID == diploma.ID && (p.Progress.Have != 1.5 || p.Progress.Need != 3 || p.Progress.Complete) {
				t.Errorf("credits progress: got %+v, want 1.5 of 3", p.Progress)
			}
		}
		w.award(w.parts[0], "cy@example.edu")
		if n := w.count(`SELECT count(*) FROM awards WHERE offering_id = $1`, diploma.ID); n != 1 {
			t.Errorf("credits stack after 3 credits: %d awards, want 1", n)
		}
	})
}

func TestStackRulesAreChecked(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newStackWorld(t, s, "")
		for name, r := range map[string]stack.Rule{
			"itself":       {Kind: stack.All, Parts: []int64{w.larger.ID}},
			"n too large":  {Kind: stack.NOf, N: 4, Parts: w.partIDs()},
			"no credits":   {Kind: stack.Credits, Parts: w.partIDs()},
			"unknown part": {Kind: stack.All, Parts: []int64{999999}},
			"no parts":     {Kind: stack.All},
		} {
			_, err := s.CreateStack(t.Context(), StackRequest{OfferingID: w.larger.ID, Rule: r})
			if apperror.CodeOf(err) != apperror.Invalid {
				t.Errorf("%s: got %v, want Invalid", name, err)
			}
		}
		if _, err := s.CreateStack(t.Context(), StackRequest{OfferingID: w.larger.ID, Rule: stack.Rule{Kind: stack.All, Parts: w.partIDs()[:2]}}); err != nil {
			t.Fatal(err)
		}
		// The part that contains the larger credential would make a cycle.
		_, err := s.CreateStack(t.Context(), StackRequest{OfferingID: w.parts[0].ID, Rule: stack.Rule{Kind: stack.All, Parts: []int64{w.larger.ID}}})
		if apperror.CodeOf(err) != apperror.Invalid {
			t.Errorf("cycle: got %v, want Invalid", err)
		}
		_, err = s.CreateStack(t.Context(), StackRequest{OfferingID: w.larger.ID, Rule: stack.Rule{Kind: stack.All, Parts: w.partIDs()}})
		if apperror.CodeOf(err) != apperror.Conflict {
			t.Errorf("second stack of one offering: got %v, want Conflict", err)
		}
	})
}

func TestPLARCountsOnlyWhereTheProfileAllows(t *testing.T) {
	for _, tc := range []struct {
		profile string
		counts  bool
	}{{"yukon", true}, {"kpu-ac15", false}, {"", false}} {
		t.Run("profile "+tc.profile, func(t *testing.T) {
			forEachEngine(t, func(t *testing.T, s *Store) {
				w := newStackWorld(t, s, tc.profile)
				if _, err := s.CreateStack(t.Context(), StackRequest{OfferingID: w.larger.ID, Rule: stack.Rule{Kind: stack.All, Parts: w.partIDs()}}); err != nil {
					t.Fatal(err)
				}
				w.award(w.parts[0], "ada@example.edu")
				w.award(w.parts[1], "ada@example.edu")
				// A denied decision never counts.
				_, made, err := s.RecordPLAR(t.Context(), w.p, PLARRecord{Email: "ada@example.edu", OfferingID: w.parts[2].ID,
					Decision: stack.Denied, DecidedBy: "Dr. Faculty, Computing", DecidedOn: t0})
				if err != nil || len(made) != 0 {
					t.Fatalf("denied PLAR: made %d, %v; want nothing", len(made), err)
				}
				rec, made, err := s.RecordPLAR(t.Context(), w.p, PLARRecord{Email: "ada@example.edu", OfferingID: w.parts[2].ID,
					Decision: stack.Granted, Credits: 1.5, DecidedBy: "Dr. Faculty, Computing", DecidedOn: t0, Note: "portfolio"})
				if err != nil {
					t.Fatal(err)
				}
				if rec.ID == 0 || rec.DecidedBy != "Dr. Faculty, Computing" || !rec.DecidedOn.Equal(time.Date(t0.Year(), t0.Month(), t0.Day(), 0, 0, 0, 0, time.UTC)) {
					t.Errorf("PLAR record: got %+v", rec)
				}
				if got := len(made) == 1 && w.stackAwards() == 1; got != tc.counts {
					t.Errorf("made %d awards (%d in all), want the stack awarded %v", len(made), w.stackAwards(), tc.counts)
				}
				prog, err := s.StackProgress(t.Context(), "ada@example.edu")
				if err != nil || len(prog) != 1 || prog[0].Progress.Complete != tc.counts || prog[0].PLARCounts != tc.counts {
					t.Errorf("progress: got %+v, %v; want complete %v", prog, err, tc.counts)
				}
			})
		})
	}
}

func TestLadderNeverGrants(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newStackWorld(t, s, "yukon")
		l, err := s.CreateLadder(t.Context(), stack.Ladder{OfferingID: w.parts[0].ID, Program: "Diploma in Business Administration",
			CountsToward: "BUSI 1210 (3 credits), with two other data micro-courses"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateLadder(t.Context(), stack.Ladder{OfferingID: w.parts[0].ID}, 0); apperror.CodeOf(err) != apperror.Invalid {
			t.Errorf("a ladder without a program: got %v, want Invalid", err)
		}
		w.award(w.parts[0], "ada@example.edu")
		for name, rec := range map[string]PLARRecord{
			"future day":      {Email: "ada@example.edu", LadderID: l.ID, Decision: stack.Granted, DecidedBy: "x", DecidedOn: t0.AddDate(0, 0, 3)},
			"no one decided":  {Email: "ada@example.edu", LadderID: l.ID, Decision: stack.Granted, DecidedOn: t0},
			"both targets":    {Email: "ada@example.edu", LadderID: l.ID, OfferingID: w.parts[0].ID, Decision: stack.Granted, DecidedBy: "x", DecidedOn: t0},
			"no decision":     {Email: "ada@example.edu", LadderID: l.ID, DecidedBy: "x", DecidedOn: t0},
			"negative credit": {Email: "ada@example.edu", LadderID: l.ID, Decision: stack.Granted, DecidedBy: "x", DecidedOn: t0, Credits: -1},
		} {
			if _, _, err := s.RecordPLAR(t.Context(), w.p, rec); apperror.CodeOf(err) != apperror.Invalid {
				t.Errorf("%s: got %v, want Invalid", name, err)
			}
		}
		before := w.count(`SELECT count(*) FROM awards`)
		_, made, err := s.RecordPLAR(t.Context(), w.p, PLARRecord{Email: "ada@example.edu", LadderID: l.ID, Decision: stack.Granted,
			Credits: 3, DecidedBy: "Business faculty PLAR committee", DecidedOn: t0})
		if err != nil || len(made) != 0 {
			t.Fatalf("ladder PLAR: made %d, %v; want a record and nothing awarded", len(made), err)
		}
		if after := w.count(`SELECT count(*) FROM awards`); after != before {
			t.Errorf("a ladder decision issued %d awards", after-before)
		}
		ls, err := s.LaddersFrom(t.Context(), w.parts[0].ID)
		if err != nil || len(ls) != 1 || ls[0].Program != "Diploma in Business Administration" {
			t.Errorf("ladders: got %+v, %v", ls, err)
		}
		recs, err := s.PLARRecords(t.Context(), "ada@example.edu")
		if err != nil || len(recs) != 1 || recs[0].LadderID != l.ID || recs[0].Decision != stack.Granted {
			t.Errorf("PLAR records: got %+v, %v", recs, err)
		}
	})
}

func TestBulkAwardCompletesStacks(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newStackWorld(t, s, "")
		if _, err := s.CreateStack(t.Context(), StackRequest{OfferingID: w.larger.ID, Rule: stack.Rule{Kind: stack.NOf, N: 2, Parts: w.partIDs()}}); err != nil {
			t.Fatal(err)
		}
		w.award(w.parts[0], "learner1@example.edu")
		w.award(w.parts[0], "learner2@example.edu")
		b := w.createBatch(learnersCSV(3), BatchRequest{OfferingID: w.parts[1].ID})
		if _, err := s.ConfirmBatch(t.Context(), b.ID, 0); err != nil {
			t.Fatal(err)
		}
		c, err := s.ClaimBatchID(t.Context(), b.ID, "w1", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.RunBatch(t.Context(), c, w.p, nil); err != nil {
			t.Fatal(err)
		}
		if n := w.stackAwards(); n != 2 {
			t.Errorf("after the batch: %d stack awards, want 2 (learner1 and learner2)", n)
		}
	})
}

func TestCompleteStacksAfterTheFact(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newStackWorld(t, s, "")
		w.award(w.parts[0], "ada@example.edu")
		w.award(w.parts[1], "ada@example.edu")
		// The stack is set up after Ada earned its parts.
		if _, err := s.CreateStack(t.Context(), StackRequest{OfferingID: w.larger.ID, Rule: stack.Rule{Kind: stack.NOf, N: 2, Parts: w.partIDs()}}); err != nil {
			t.Fatal(err)
		}
		if n := w.stackAwards(); n != 0 {
			t.Fatalf("creating the stack awarded %d", n)
		}
		made, err := s.CompleteStacks(t.Context(), w.p, w.inst.ID, "ada@example.edu", 0)
		if err != nil || len(made) != 1 || made[0].OfferingID != w.larger.ID {
			t.Fatalf("complete: got %+v, %v; want the certificate", made, err)
		}
		made, err = s.CompleteStacks(t.Context(), w.p, w.inst.ID, "ada@example.edu", 0)
		if err != nil || len(made) != 0 || w.stackAwards() != 1 {
			t.Errorf("again: made %d (%d in all), %v; want none more", len(made), w.stackAwards(), err)
		}
		made, err = s.CompleteStacks(t.Context(), w.p, w.inst.ID, "bob@example.edu", 0)
		if err != nil || len(made) != 0 {
			t.Errorf("a learner without parts: got %d, %v", len(made), err)
		}
	})
}

// stacksInto returns the TermStacksInto of an award's Achievement.
func stacksInto(t *testing.T, a Award) []award.StackEntry {
	t.Helper()
	var doc struct {
		CredentialSubject struct {
			Achievement map[string]json.RawMessage `json:"achievement"`
		} `json:"credentialSubject"`
	}
	if err := json.Unmarshal(a.Credential, &doc); err != nil {
		t.Fatal(err)
	}
	var out []award.StackEntry
	if raw, ok := doc.CredentialSubject.Achievement[award.TermStacksInto]; ok {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("stacksInto %s: %v", raw, err)
		}
	}
	return out
}

// TestStackListedByItsParts: an offering that is a part of a stack rule
// names the stack, with its registry page, in its awards' Achievement
// (single awards and bulk ones) and on its registry label, before the
// names its form declares, which are kept but not repeated. Creating or
// deleting the rule queues the parts' registry entries again.
func TestStackListedByItsParts(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newStackWorld(t, s, "")
		f := analyticsForm()
		f.Title, f.StacksInto = "Visual Storytelling", []string{"DATA ANALYTICS CERTIFICATE", "Bachelor of Data Science"}
		declared := w.approvedOffering(f, catalog.Approved)
		if _, err := s.RefreshRegistry(t.Context()); err != nil {
			t.Fatal(err)
		}
		parts := append(w.partIDs(), declared.ID)
		st, err := s.CreateStack(t.Context(), StackRequest{OfferingID: w.larger.ID, Rule: stack.Rule{Kind: stack.NOf, N: 4, Parts: parts}})
		if err != nil {
			t.Fatal(err)
		}
		if n := w.count(`SELECT count(*) FROM registry_queue WHERE offering_id IN ($1, $2, $3, $4)`, parts[0], parts[1], parts[2], parts[3]); n != 4 {
			t.Errorf("after the stack was made, %d of its 4 parts are queued for the registry, want all", n)
		}
		inst, largerSlug, err := s.RegistrySlug(t.Context(), w.larger.ID)
		if err != nil {
			t.Fatal(err)
		}
		page := "https://credentials.kpu.ca/registry/" + inst + "/" + largerSlug
		want := award.StackEntry{Name: "Data Analytics Certificate", URL: page}

		a, _ := w.award(w.parts[0], "ada@example.edu")
		if got := stacksInto(t, a); len(got) != 1 || got[0] != want {
			t.Errorf("the part's award lists stacks %+v, want %+v", got, want)
		}
		if rep := w.verifyAward(a); !rep.Verified {
			t.Errorf("the part's award does not verify: %v", rep.Errors)
		}
		a, _ = w.award(declared, "ada@example.edu")
		if got := stacksInto(t, a); len(got) != 2 || got[0] != want || got[1] != (award.StackEntry{Name: "Bachelor of Data Science"}) {
			t.Errorf("the declaring part's award lists stacks %+v, want the rule's stack then the other declared name", got)
		}

		b := w.createBatch(learnersCSV(3), BatchRequest{OfferingID: w.parts[1].ID})
		if _, err := s.ConfirmBatch(t.Context(), b.ID, 0); err != nil {
			t.Fatal(err)
		}
		c, err := s.ClaimBatchID(t.Context(), b.ID, "w1", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.RunBatch(t.Context(), c, w.p, nil); err != nil {
			t.Fatal(err)
		}
		bulk, err := s.AwardsForOffering(t.Context(), w.parts[1].ID, 0, 10)
		if err != nil || len(bulk) != 3 {
			t.Fatalf("bulk awards: got %d, %v; want 3", len(bulk), err)
		}
		for _, a := range bulk {
			if got := stacksInto(t, a); len(got) != 1 || got[0] != want {
				t.Errorf("bulk award %d lists stacks %+v, want %+v", a.ID, got, want)
			}
		}

		_, partSlug, err := s.RegistrySlug(t.Context(), declared.ID)
		if err != nil {
			t.Fatal(err)
		}
		l, err := s.RegistryLabel(t.Context(), inst, partSlug)
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Stacks) != 2 || l.Stacks[0].Name != "Data Analytics Certificate" || l.Stacks[0].Offering != largerSlug ||
			l.Stacks[1].Name != "Bachelor of Data Science" || l.Stacks[1].Offering != "" {
			t.Errorf("the part's label lists stacks %+v, want the rule's stack linked, then the other declared name", l.Stacks)
		}

		if err := s.DeleteStack(t.Context(), st.ID, 0); err != nil {
			t.Fatal(err)
		}
		l, err = s.RegistryLabel(t.Context(), inst, partSlug)
		if err != nil {
			t.Fatal(err)
		}
		// The form still names the certificate, which is published: it
		// stays, resolved by its title.
		if len(l.Stacks) != 2 || l.Stacks[0].Name != "DATA ANALYTICS CERTIFICATE" || l.Stacks[0].Offering != largerSlug {
			t.Errorf("after the rule was deleted, the label lists stacks %+v, want only the declared names", l.Stacks)
		}
		_, firstSlug, err := s.RegistrySlug(t.Context(), w.parts[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if l, err = s.RegistryLabel(t.Context(), inst, firstSlug); err != nil || len(l.Stacks) != 0 {
			t.Errorf("after the rule was deleted, a part's label lists stacks %+v (%v), want none", l.Stacks, err)
		}
		a, _ = w.award(w.parts[2], "bob@example.edu")
		if got := stacksInto(t, a); len(got) != 0 {
			t.Errorf("after the rule was deleted, a part's award lists stacks %+v, want none", got)
		}
	})
}
