package sqlstore

import (
	"strings"
	"testing"
	"time"

	"cairn/internal/approval"
)

// A case that cannot be ticked (its track is gone from the profile) does
// not hold up the deadlines of the institution's other cases: they are
// escalated, and the error names the case that failed.
func TestStoreCheckDeadlinesGoesOnPastAFailingCase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		f := kpu(t, s)
		var cases []*approval.Case
		for _, title := range []string{"Broken Case", "Healthy Case"} {
			form := smcForm()
			form.Title = title
			c := f.submit(f.offering("arts", form))
			f.act(c, "chair", approval.CompletenessDecision{Complete: true})
			f.act(c, "chair", approval.AssignReviewers{Reviewers: []int64{f.id("rev1"), f.id("rev2"), f.id("rev3")}})
			cases = append(cases, c)
		}
		if err := s.WithTx(t.Context(), func(tx *Tx) error {
			_, err := tx.exec(`UPDATE approval_cases SET track = 'withdrawn_track' WHERE id = $1`, cases[0].ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		f.workingDays(11)
		f.clk.Advance(time.Hour)
		changed, err := f.a.CheckDeadlines(t.Context(), f.inst.ID)
		if err == nil || !strings.Contains(err.Error(), "1 of 2 cases failed") {
			t.Errorf("got error %v, want one naming 1 of 2 cases failed", err)
		}
		if changed != 1 {
			t.Errorf("got %d cases changed, want 1 (the healthy case)", changed)
		}
		if n := f.mailTo("chair", "deadline_escalated"); len(n) != 3 || !strings.Contains(n[0].Subject, "Healthy Case") {
			t.Errorf("the chair has %d escalations, want the healthy case's three reviewers'", len(n))
		}
	})
}
