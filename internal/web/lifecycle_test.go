package web

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"cairn/internal/approval"
	"cairn/internal/catalog"
	"cairn/internal/org"
)

// approveOffering takes a new offering through the KPU non-credit track
// by the engine's actions and returns it and its case.
func approveOffering(t *testing.T, w *world, f catalog.Form) (int64, *approval.Case) {
	t.Helper()
	o, c := signOffering(t, w, f)
	if c.Status != approval.StatusApproved {
		t.Fatalf("case %d is %s at %s, want approved", c.ID, c.Status, c.Step)
	}
	return o, c
}

// signOffering takes a new offering through the KPU SMC's review and
// vote to the Provost's signature by the engine's actions and returns it
// and its case.
func signOffering(t *testing.T, w *world, f catalog.Form) (int64, *approval.Case) {
	t.Helper()
	ctx := t.Context()
	o := w.offering(t, f)
	c, _, err := w.srv.approvals.SubmitProposal(ctx, proposal(o.ID, w.who["pat"]))
	if err != nil {
		t.Fatal(err)
	}
	act := func(who string, a approval.Action) {
		t.Helper()
		if c, _, err = w.srv.approvals.Act(ctx, c.ID, w.who[who], a); err != nil {
			t.Fatalf("%s: %T: %v", who, a, err)
		}
	}
	act("chair", approval.CompletenessDecision{Complete: true})
	act("chair", approval.AssignReviewers{Reviewers: []int64{w.who["rev1"], w.who["rev2"], w.who["rev3"]}})
	for _, r := range []string{"rev1", "rev2", "rev3"} {
		act(r, approval.SubmitReview{Answers: []approval.Answer{{Question: "duplication", Value: "no"}, {Question: "competency_based", Value: "yes"}, {Question: "credit_bearing", Value: creditAnswer(f)}}})
	}
	act("chair", approval.CloseReview{})
	for _, r := range []string{"rev1", "rev2", "rev3"} {
		act(r, approval.CastBallot{Approve: true})
	}
	act("chair", approval.Sign{VersionHash: c.Current().Hash})
	act("provost", approval.Sign{VersionHash: c.Current().Hash})
	return o.ID, c
}

// TestAnnualReviewAndDiscontinuancePages runs the annual review and the
// discontinuance of an offering never run through the lifecycle page: the
// program area completes the review, the Provost proposes discontinuance,
// the SMC chair discontinues it; each refusal is shown.
func TestAnnualReviewAndDiscontinuancePages(t *testing.T) {
	w := newWorld(t)
	if err := w.store.GrantRole(t.Context(), org.RoleGrant{PersonID: w.who["quinn"], InstitutionID: w.inst.ID, Role: org.ProgramAreaStaff, UnitID: w.units["arts"]}); err != nil {
		t.Fatal(err)
	}
	offering, _ := approveOffering(t, w, draftForm())
	oid := strconv.FormatInt(offering, 10)
	check := "/lifecycle/institutions/" + strconv.FormatInt(w.inst.ID, 10) + "/check"

	// A month on nothing is due.
	w.now = testNow.AddDate(0, 1, 0)
	if rec := w.post(t, "provost", check, nil); rec.Code != 303 {
		t.Fatalf("check: got %d: %.500s", rec.Code, rec.Body)
	}
	page := w.as(t, "quinn", "GET", "/lifecycle", nil, nil).Body.String()
	for _, want := range []string{"No annual review is due.", "No offering is under consideration.", "Every 12 months", "AC15 B.1.g"} {
		if !strings.Contains(page, want) {
			t.Errorf("after a month the page lacks %q", want)
		}
	}

	// A year and a month on, the review is due and the offering, never
	// run, is idle.
	w.now = testNow.AddDate(1, 1, 0)
	page = w.as(t, "provost", "GET", "/lifecycle", nil, nil).Body.String()
	if !strings.Contains(page, "not offered since") || !strings.Contains(page, "Design Thinking") {
		t.Errorf("the idle offering is not listed before the check: %.3000s", page)
	}
	if rec := w.post(t, "provost", check, nil); rec.Code != 303 {
		t.Fatalf("check: got %d: %.500s", rec.Code, rec.Body)
	}
	page = w.as(t, "quinn", "GET", "/lifecycle", nil, nil).Body.String()
	if !strings.Contains(page, `action="/lifecycle/reviews/`+oid+`/complete"`) {
		t.Fatalf("the program area is not offered the annual review: %.3000s", page)
	}
	if tasks := w.as(t, "quinn", "GET", "/tasks", nil, nil).Body.String(); !strings.Contains(tasks, "1 annual review or discontinuance decision waits on you") {
		t.Errorf("the program area's tasks do not point to the review: %.2000s", tasks)
	}
	if tasks := w.as(t, "provost", "GET", "/tasks", nil, nil).Body.String(); !strings.Contains(tasks, `id="lifecycle-tasks"`) {
		t.Errorf("the Provost's tasks do not point to the flagged offering")
	}
	if tasks := w.as(t, "pat", "GET", "/tasks", nil, nil).Body.String(); strings.Contains(tasks, `id="lifecycle-tasks"`) {
		t.Errorf("the proponent is pointed to lifecycle tasks")
	}
	if strings.Contains(page, "/propose\"") {
		t.Error("the program area is offered the Provost's proposal")
	}
	// Only the program area of the offering's unit completes the review.
	rec := w.post(t, "provost", "/lifecycle/reviews/"+oid+"/complete", url.Values{"notes": {"fine"}})
	if rec.Code != 403 || !strings.Contains(rec.Body.String(), "completes its annual review") {
		t.Errorf("the Provost completing the review: got %d %.600s, want 403 with the engine's reason", rec.Code, rec.Body)
	}
	if rec := w.post(t, "quinn", "/lifecycle/reviews/"+oid+"/complete", url.Values{"notes": {"Content current; demand steady."}}); rec.Code != 303 {
		t.Fatalf("complete: got %d %.600s", rec.Code, rec.Body)
	}
	page = w.as(t, "quinn", "GET", "/lifecycle?done=review", nil, nil).Body.String()
	for _, want := range []string{"The annual review is recorded as completed.", "annual review completed", "Content current; demand steady."} {
		if !strings.Contains(page, want) {
			t.Errorf("after the review the page lacks %q", want)
		}
	}

	// The Provost proposes; the chair, not the Provost, discontinues.
	page = w.as(t, "provost", "GET", "/lifecycle", nil, nil).Body.String()
	m := strings.Index(page, `/propose"`)
	if m < 0 {
		t.Fatalf("the Provost is not offered the proposal: %.3000s", page)
	}
	start := strings.LastIndex(page[:m], "/lifecycle/discontinuances/")
	dpath := page[start:m]
	if rec := w.post(t, "provost", dpath+"/discontinue", url.Values{"note": {"no"}}); rec.Code != 409 {
		t.Errorf("discontinuing before the proposal: got %d, want 409", rec.Code)
	}
	if rec := w.post(t, "provost", dpath+"/propose", url.Values{"note": {"No demand since approval."}}); rec.Code != 303 {
		t.Fatalf("propose: got %d %.600s", rec.Code, rec.Body)
	}
	rec = w.post(t, "provost", dpath+"/discontinue", url.Values{"note": {"Discontinued."}})
	if rec.Code != 403 || !strings.Contains(rec.Body.String(), "id=\"action-error\"") {
		t.Errorf("the Provost discontinuing: got %d %.600s, want 403 shown on the page", rec.Code, rec.Body)
	}
	if rec := w.post(t, "pat", dpath+"/discontinue", url.Values{"note": {"x"}}); !denied(rec) {
		t.Errorf("the proponent reached the discontinuance: %d", rec.Code)
	}
	page = w.as(t, "chair", "GET", "/lifecycle", nil, nil).Body.String()
	if !strings.Contains(page, dpath+"/discontinue") || !strings.Contains(page, "No demand since approval.") {
		t.Fatalf("the chair is not offered the decision: %.3000s", page)
	}
	if rec := w.post(t, "chair", dpath+"/discontinue", url.Values{"note": {"SMC agrees."}}); rec.Code != 303 {
		t.Fatalf("discontinue: got %d %.600s", rec.Code, rec.Body)
	}
	o, err := w.store.Offering(t.Context(), offering)
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != catalog.Discontinued {
		t.Errorf("offering status %s, want discontinued", o.Status)
	}
	page = w.as(t, "chair", "GET", "/lifecycle", nil, nil).Body.String()
	if !strings.Contains(page, "Discontinued by chair") {
		t.Errorf("the decision is not in the past decisions: %.3000s", page)
	}
	if rec := w.post(t, "chair", dpath+"/bogus", nil); rec.Code != 404 {
		t.Errorf("an unknown action: got %d, want 404", rec.Code)
	}
}

func creditAnswer(f catalog.Form) string {
	if f.CreditStatus == catalog.NonCredit {
		return "no"
	}
	return "yes"
}
