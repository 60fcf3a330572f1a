package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"cairn/internal/award"
	"cairn/internal/catalog"
	"cairn/internal/contexts"
	"cairn/internal/did"
	"cairn/internal/jsonld"
	"cairn/internal/keys"
	"cairn/internal/org"
	"cairn/internal/proof"
	"cairn/internal/verify"
)

// awardWorld is an institution with an approved credit-bearing
// micro-credential, a signing pipeline for it and a verifier that reads
// status lists from the store.
type awardWorld struct {
	t        testing.TB
	s        *Store
	clock    *testClock
	inst     org.Institution
	offering Offering
	p        *award.Pipeline
	v        *verify.Verifier
}

// engine is the credential engine shared by the tests: building it once
// keeps the JSON-LD context cache warm.
var (
	awardLD = jsonld.NewProcessor(contexts.New())
	awardDI = proof.DataIntegrity{Canon: proof.RDFC{LD: awardLD}}
)

// newAwardPipeline returns a pipeline signing as the did:key of k.
func newAwardPipeline(t testing.TB, k *keys.Key, f award.Format, clock func() time.Time) *award.Pipeline {
	t.Helper()
	d, err := did.KeyDID(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	p := &award.Pipeline{
		Issuer:             award.Issuer{ID: d, Name: "Kwantlen Polytechnic University", URL: "https://www.kpu.ca"},
		BaseURL:            "https://credentials.kpu.ca",
		Signer:             k.Signer(),
		VerificationMethod: d + "#" + strings.TrimPrefix(d, "did:key:"),
		Format:             f,
		DI:                 awardDI,
		Clock:              clock,
	}
	if err := p.Check(); err != nil {
		t.Fatal(err)
	}
	return p
}

func analyticsForm() catalog.Form {
	return catalog.Form{
		Kind:             catalog.MicroCredential,
		Title:            "Data Analytics Foundations",
		Description:      "Learners clean, query and visualize real-world data.",
		Competencies:     []catalog.Competency{{Name: "Prepare data for analysis", Code: "DAF-C1"}},
		LearningOutcomes: []string{"Clean a raw dataset", "Query it with SQL"},
		AssessmentMethod: "Capstone project graded C or better",
		DurationHours:    36,
		DeliveryMode:     catalog.Online,
		CreditStatus:     catalog.CreditBearing,
		Credits:          1.5,
		AwardExpiry:      "P5Y",
	}
}

func newAwardWorld(t testing.TB, s *Store) *awardWorld {
	t.Helper()
	w := &awardWorld{t: t, s: s, clock: &testClock{t: t0}}
	s.clock = w.clock.Now
	w.inst = org.Institution{Slug: "kpu", Name: "KPU", Jurisdiction: "CA-BC", TimeZone: "America/Vancouver"}
	if err := s.CreateInstitution(context.Background(), &w.inst); err != nil {
		t.Fatal(err)
	}
	w.offering = w.approvedOffering(analyticsForm(), catalog.Approved)
	k, err := keys.Generate(keys.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	w.p = newAwardPipeline(t, k, award.FormatDI, w.clock.Now)
	w.v = &verify.Verifier{DI: awardDI, Keys: did.NewResolver(did.ResolverConfig{}), Statuses: w,
		Now: func() time.Time { return w.clock.Now().Add(time.Minute) }}
	return w
}

// approvedOffering creates an offering with form and takes it to status
// (approved, interim non-credit, …) with its first version approved.
func (w *awardWorld) approvedOffering(form catalog.Form, st catalog.Status) Offering {
	w.t.Helper()
	o := Offering{InstitutionID: w.inst.ID, Draft: form}
	if err := w.s.CreateOffering(context.Background(), &o); err != nil {
		w.t.Fatal(err)
	}
	err := w.s.WithTx(context.Background(), func(tx *Tx) error {
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
		approved := catalog.Approved
		if st == catalog.ApprovedInterimNonCredit {
			approved = st
		}
		return tx.setOfferingStatus(o.ID, approved, v.Number())
	})
	if err != nil {
		w.t.Fatal(err)
	}
	if st != catalog.Approved && st != catalog.ApprovedInterimNonCredit {
		w.move(o.ID, st)
	}
	o, err = w.s.Offering(context.Background(), o.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	return o
}

// move takes an offering to status st along the legal path from approved.
func (w *awardWorld) move(offeringID int64, st catalog.Status) {
	w.t.Helper()
	path := map[catalog.Status][]catalog.Status{
		catalog.Active:       {catalog.Active},
		catalog.UnderReview:  {catalog.Active, catalog.UnderReview},
		catalog.Discontinued: {catalog.Active, catalog.UnderReview, catalog.Discontinued},
	}[st]
	err := w.s.WithTx(context.Background(), func(tx *Tx) error {
		for _, to := range path {
			o, err := tx.offering(offeringID, false)
			if err != nil {
				return err
			}
			if o.Status == to {
				continue
			}
			if err := tx.setOfferingStatus(offeringID, to, 0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		w.t.Fatalf("move offering to %s: %v", st, err)
	}
}

// FetchStatusList serves the verifier the store's status lists.
func (w *awardWorld) FetchStatusList(ctx context.Context, url string) ([]byte, error) {
	rest, ok := strings.CutPrefix(url, w.p.BaseURL+"/status/")
	id, err := strconv.ParseInt(rest, 10, 64)
	if !ok || err != nil {
		return nil, fmt.Errorf("no status list at %s", url)
	}
	return w.s.StatusListCredential(ctx, w.p, id)
}

// issue awards the world's offering to the learner, which must succeed.
func (w *awardWorld) issue(email string) Award {
	w.t.Helper()
	a, _, err := w.s.IssueAward(context.Background(), w.p, AwardRequest{OfferingID: w.offering.ID, Email: email, Result: "A-"})
	if err != nil {
		w.t.Fatalf("issue to %s: %v", email, err)
	}
	return a
}

// verifyAward verifies the award's credential and returns the report.
func (w *awardWorld) verifyAward(a Award) *verify.Report {
	w.t.Helper()
	return w.v.Verify(context.Background(), a.Credential)
}

// reportedStatus returns the state the verifier reports for purpose.
func reportedStatus(rep *verify.Report, purpose string) string {
	for _, s := range rep.Status {
		if s.Purpose == purpose {
			return s.State
		}
	}
	return "none"
}

// learnersCSV returns a bulk-award CSV of n learners learner0@… learnerN-1@….
func learnersCSV(n int) string {
	var b strings.Builder
	b.WriteString("email,name,result,evidence_url\n")
	for i := range n {
		fmt.Fprintf(&b, "learner%d@example.edu,Learner %d,B+,https://portfolio.example.edu/%d\n", i, i, i)
	}
	return b.String()
}

// createBatch parses csv and records it as a batch of the world's offering.
func (w *awardWorld) createBatch(csv string, req BatchRequest) Batch {
	w.t.Helper()
	sheet, err := award.ParseCSV(strings.NewReader(csv), award.CSVOptions{Now: w.clock.Now()})
	if err != nil {
		w.t.Fatalf("parse CSV: %v", err)
	}
	if req.OfferingID == 0 {
		req.OfferingID = w.offering.ID
	}
	b, err := w.s.CreateBatch(context.Background(), req, sheet)
	if err != nil {
		w.t.Fatalf("create batch: %v", err)
	}
	return b
}

// count returns the result of a count(*) query.
func (w *awardWorld) count(query string, args ...any) int {
	w.t.Helper()
	var n int
	err := w.s.ReadTx(context.Background(), func(tx *Tx) error { return tx.get("count", query, args, &n) })
	if err != nil {
		w.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// checkExactlyOnce checks that every row of the batch to award has exactly
// one award, each with its own status entries and one notice.
func (w *awardWorld) checkExactlyOnce(b Batch) {
	w.t.Helper()
	rows := w.count(`SELECT count(*) FROM award_batch_rows WHERE batch_id = $1 AND slot IS NOT NULL`, b.ID)
	if got := w.count(`SELECT count(*) FROM awards WHERE batch_id = $1`, b.ID); got != rows {
		w.t.Errorf("got %d awards for batch %d, want one per row to award (%d)", got, b.ID, rows)
	}
	if got := w.count(`SELECT count(DISTINCT award_id) FROM award_batch_rows WHERE batch_id = $1 AND state = 'issued'`, b.ID); got != rows {
		w.t.Errorf("got %d distinct issued rows, want %d", got, rows)
	}
	if got := w.count(`SELECT count(*) FROM award_batch_rows WHERE batch_id = $1 AND slot IS NOT NULL AND state <> 'issued'`, b.ID); got != 0 {
		w.t.Errorf("got %d rows to award not issued, want 0", got)
	}
	if got := w.count(`SELECT count(*) FROM notifications WHERE kind = 'award_issued' AND dedupe_key IN
		(SELECT 'award/' || CAST(id AS text) || '/issued' FROM awards WHERE batch_id = $1)`, b.ID); got != rows {
		w.t.Errorf("got %d notices, want one per award (%d)", got, rows)
	}
	if got := w.count(`SELECT count(DISTINCT CAST(revocation_list AS text) || ':' || CAST(revocation_index AS text)) FROM awards`); got != w.count(`SELECT count(*) FROM awards`) {
		w.t.Errorf("got %d distinct revocation entries, want one per award", got)
	}
}
