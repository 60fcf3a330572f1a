package sqlstore

import (
	"strconv"
	"testing"

	"cairn/internal/apperror"
	"cairn/internal/approval"
)

func TestWebQueries(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		f := kpu(t, s)
		ctx := t.Context()
		open := f.submit(f.offering("arts", smcForm()))
		other := smcForm()
		other.Title = "Bookkeeping Basics"
		withdrawn := f.submit(f.offering("business", other))
		f.act(withdrawn, "pat", approval.Withdraw{Reason: "not now"})

		t.Run("cases of a proponent, open only", func(t *testing.T) {
			got, err := s.Cases(ctx, CaseQuery{Proponent: f.id("pat"), OpenOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].ID != open.ID || got[0].Title != "Design Thinking for Small Business" || got[0].Status != approval.StatusOpen {
				t.Errorf("got %+v, want only the open case %d", got, open.ID)
			}
			if got[0].Step != "completeness" || !got[0].NextDueAt.IsZero() {
				t.Errorf("got step %q due %v, want completeness, which has no deadline", got[0].Step, got[0].NextDueAt)
			}
		})
		t.Run("cases of an institution, all", func(t *testing.T) {
			got, err := s.Cases(ctx, CaseQuery{InstitutionIDs: []int64{f.inst.ID}})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 {
				t.Errorf("got %d cases, want 2", len(got))
			}
		})
		t.Run("cases of another institution are none", func(t *testing.T) {
			got, err := s.Cases(ctx, CaseQuery{InstitutionIDs: []int64{f.inst.ID + 1000}})
			if err != nil || len(got) != 0 {
				t.Errorf("got %v, %v, want none", got, err)
			}
		})
		t.Run("page too large is invalid", func(t *testing.T) {
			_, err := s.Cases(ctx, CaseQuery{Limit: MaxPageSize + 1})
			if got := apperror.CodeOf(err); got != apperror.Invalid {
				t.Errorf("got %v, want invalid", got)
			}
		})
		t.Run("seats of the chair and a member", func(t *testing.T) {
			seats, err := s.Seats(ctx, f.id("chair"))
			if err != nil {
				t.Fatal(err)
			}
			if len(seats) != 1 || seats[0].Key != "smc" || !seats[0].Chair {
				t.Errorf("chair: got %+v, want the chair of smc", seats)
			}
			seats, err = s.Seats(ctx, f.id("rev1"))
			if err != nil {
				t.Fatal(err)
			}
			if len(seats) != 1 || seats[0].Key != "smc" || seats[0].Chair {
				t.Errorf("member: got %+v, want a plain seat on smc", seats)
			}
			seats, err = s.Seats(ctx, f.id("pat"))
			if err != nil || len(seats) != 0 {
				t.Errorf("non-member: got %+v, %v, want none", seats, err)
			}
		})
		t.Run("audit trail of a case", func(t *testing.T) {
			evs, err := s.AuditTrail(ctx, "case/"+strconv.FormatInt(withdrawn.ID, 10), 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) < 2 || evs[len(evs)-1].Action != "case.withdrawn" || evs[0].Seq > evs[1].Seq {
				var actions []string
				for _, e := range evs {
					actions = append(actions, e.Action)
				}
				t.Errorf("got %v, want oldest first ending with case.withdrawn", actions)
			}
			if _, err := s.AuditTrail(ctx, "case/1", 0); apperror.CodeOf(err) != apperror.Invalid {
				t.Errorf("limit 0: got %v, want invalid", err)
			}
		})
		t.Run("roster names the chair", func(t *testing.T) {
			r, err := f.a.Roster(ctx, f.inst.ID)
			if err != nil {
				t.Fatal(err)
			}
			if chair, ok := r.Chair("smc"); !ok || chair != f.id("chair") {
				t.Errorf("got chair %d, want %d", chair, f.id("chair"))
			}
			if !r.Holds(f.id("provost"), "provost") {
				t.Error("the roster does not hold the provost")
			}
		})
	})
}
