package sqlstore

import (
	"testing"
	"time"

	"cairn/internal/approval"
)

// TestStoreListsAnnualReviewsAndDiscontinuances checks the lists the
// lifecycle page reads: annual reviews open first then completed, the
// idle offerings before and after they are flagged, and the
// considerations for discontinuance open first.
func TestStoreListsAnnualReviewsAndDiscontinuances(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		f := kpu(t, s)
		ctx := t.Context()
		a := f.offering("arts", smcForm())
		f.approveKPU(a)
		bForm := smcForm()
		bForm.Title = "Bookkeeping Basics"
		b := f.offering("arts", bForm)
		f.approveKPU(b)

		if idle, err := f.a.IdleOfferings(ctx, f.inst.ID); err != nil || len(idle) != 0 {
			t.Fatalf("idle right after approval: %+v %v", idle, err)
		}
		f.setNow(time.Date(2027, 3, 10, 17, 0, 0, 0, time.UTC))
		idle, err := f.a.IdleOfferings(ctx, f.inst.ID)
		if err != nil || len(idle) != 2 || idle[0].OfferingID != a.ID || idle[1].OfferingID != b.ID {
			t.Fatalf("idle a year on: %+v %v, want both", idle, err)
		}
		if ds, err := f.a.Discontinuances(ctx, f.inst.ID); err != nil || len(ds) != 0 {
			t.Fatalf("previewing idle offerings flagged them: %+v %v", ds, err)
		}
		if _, err := f.a.ScheduleAnnualReviews(ctx, f.inst.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.a.CompleteAnnualReview(ctx, a.ID, f.id("programlead"), "Current."); err != nil {
			t.Fatal(err)
		}
		reviews, err := s.AnnualReviews(ctx, f.inst.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(reviews) != 2 || reviews[0].OfferingID != b.ID || !reviews[0].CompletedAt.IsZero() ||
			reviews[1].OfferingID != a.ID || reviews[1].CompletedBy != f.id("programlead") || reviews[1].Notes != "Current." {
			t.Fatalf("annual reviews %+v, want b's open one first, then a's completed", reviews)
		}
		if reviews[0].UnitID != f.units["arts"] || reviews[0].Due.IsZero() {
			t.Errorf("review %+v lacks its unit or due date", reviews[0])
		}

		flags, err := f.a.FlagIdleOfferings(ctx, f.inst.ID)
		if err != nil || len(flags) != 2 {
			t.Fatalf("flags %+v %v", flags, err)
		}
		if _, err := f.a.ActOnDiscontinuance(ctx, flags[0].ID, f.id("provost"), approval.RetainOffering{Note: "Runs next term."}); err != nil {
			t.Fatal(err)
		}
		ds, err := f.a.Discontinuances(ctx, f.inst.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 2 || ds[0].ID != flags[1].ID || ds[0].Status != approval.DiscontinuanceFlagged ||
			ds[1].ID != flags[0].ID || ds[1].Status != approval.DiscontinuanceRetained || ds[1].DecisionNote != "Runs next term." {
			t.Fatalf("discontinuances %+v, want the open one first", ds)
		}
		if ds[0].InstitutionID != f.inst.ID || ds[0].Revision == 0 {
			t.Errorf("discontinuance %+v lacks its institution or revision", ds[0])
		}
		one, err := f.a.Discontinuance(ctx, flags[1].ID)
		if err != nil || one.OfferingID != flags[1].OfferingID || one.InstitutionID != f.inst.ID {
			t.Errorf("one discontinuance: %+v %v", one, err)
		}
		if _, err := f.a.Discontinuance(ctx, 999999); err == nil {
			t.Error("an unknown discontinuance was found")
		}
		if idle, err := f.a.IdleOfferings(ctx, f.inst.ID); err != nil || len(idle) != 1 {
			t.Errorf("idle after one was retained: %+v %v, want the retained one again", idle, err)
		}
	})
}
