package catalog

import (
	"testing"
	"time"

	"cairn/internal/apperror"
)

func TestTransition(t *testing.T) {
	tests := []struct {
		from, to Status
		want     apperror.Code // "" for a legal move
	}{
		{Draft, InReview, ""},
		{InReview, Draft, ""},
		{InReview, Approved, ""},
		{InReview, ApprovedInterimNonCredit, ""},
		{ApprovedInterimNonCredit, Approved, ""},
		{ApprovedInterimNonCredit, Draft, ""},
		{Approved, Active, ""},
		{Approved, UnderReview, ""},
		{Active, UnderReview, ""},
		{UnderReview, Active, ""},
		{UnderReview, InReview, ""},
		{UnderReview, Discontinued, ""},
		{Draft, Approved, apperror.Conflict},
		{Draft, Active, apperror.Conflict},
		{InReview, Active, apperror.Conflict},
		{Active, Discontinued, apperror.Conflict},
		{Discontinued, Active, apperror.Conflict},
		{Discontinued, Draft, apperror.Conflict},
		{Approved, Approved, apperror.Conflict},
		{Draft, "archived", apperror.Invalid},
	}
	for _, tt := range tests {
		name := string(tt.from) + "_to_" + string(tt.to)
		t.Run(name, func(t *testing.T) {
			o := &Offering{Status: tt.from}
			err := o.Transition(tt.to)
			if got := apperror.CodeOf(err); got != tt.want {
				t.Fatalf("Transition(%s -> %s) code = %q (%v), want %q", tt.from, tt.to, got, err, tt.want)
			}
			wantStatus := tt.to
			if tt.want != "" {
				wantStatus = tt.from
			}
			if o.Status != wantStatus {
				t.Errorf("status after = %s, want %s", o.Status, wantStatus)
			}
		})
	}
}

func TestOfferable(t *testing.T) {
	for _, s := range Statuses() {
		want := s == Approved || s == ApprovedInterimNonCredit || s == Active
		if got := s.Offerable(); got != want {
			t.Errorf("%s.Offerable() = %v, want %v", s, got, want)
		}
	}
}

func TestOfferingSubmit(t *testing.T) {
	at := time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)
	o := &Offering{ID: "o1", Status: Draft, Draft: Form{Kind: MicroCredential, Title: "GIS basics"}}
	v, err := o.Submit(at)
	if err != nil {
		t.Fatal(err)
	}
	if v.Number() != 1 || o.Status != InReview || len(o.Versions) != 1 {
		t.Errorf("after submit: version %d, status %s, %d versions; want 1, in_review, 1", v.Number(), o.Status, len(o.Versions))
	}
	if _, err := o.Submit(at); apperror.CodeOf(err) != apperror.Conflict {
		t.Errorf("second submit while in review: code %q, want conflict", apperror.CodeOf(err))
	}
	if err := o.Transition(Draft); err != nil {
		t.Fatal(err)
	}
	o.Draft.Title = "GIS fundamentals"
	v2, err := o.Submit(at.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if v2.Number() != 2 || v2.Hash() == v.Hash() {
		t.Errorf("resubmission: number %d, same hash %v; want 2 and a new hash", v2.Number(), v2.Hash() == v.Hash())
	}
	if got := o.Current().Title; got != "GIS fundamentals" {
		t.Errorf("Current().Title = %q, want latest version's", got)
	}
	o.ApprovedVersion = 1
	if got := o.Current().Title; got != "GIS basics" {
		t.Errorf("Current().Title with v1 approved = %q, want approved version's", got)
	}
	bad := &Offering{Status: Draft, Draft: Form{Kind: "diploma"}}
	if _, err := bad.Submit(at); apperror.CodeOf(err) != apperror.Invalid || bad.Status != Draft {
		t.Errorf("submitting a malformed form: code %q status %s, want invalid and still draft", apperror.CodeOf(err), bad.Status)
	}
}
