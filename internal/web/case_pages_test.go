package web

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"cairn/internal/approval"
	"cairn/internal/catalog"
	"cairn/internal/org"
	"cairn/internal/sqlstore"
)

// TestAssignFormOffersOnlyEligibleReviewers checks the chair's assign
// form: never the chair, a proponent who sits on the committee, or a
// member who declared a conflict; and the similar-offerings panel with
// its scores beside it.
func TestAssignFormOffersOnlyEligibleReviewers(t *testing.T) {
	w := newWorld(t)
	ctx := t.Context()
	// An existing offering much like the new one, for the panel.
	existing, _ := approveOffering(t, w, draftForm())
	o := w.offering(t, draftForm())
	c, _, err := w.srv.approvals.SubmitProposal(ctx, sqlstore.Proposal{OfferingID: o.ID, By: w.who["pat"], Proponents: []int64{w.who["pat"], w.who["rev2"]}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.srv.approvals.Act(ctx, c.ID, w.who["chair"], approval.CompletenessDecision{Complete: true}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.srv.approvals.Act(ctx, c.ID, w.who["member4"], approval.DeclareConflict{Reason: "I co-wrote it"}); err != nil {
		t.Fatal(err)
	}
	caseURL := "/cases/" + strconv.FormatInt(c.ID, 10)
	page := w.as(t, "chair", "GET", caseURL, nil, nil).Body.String()
	form := section(t, page, `action="`+caseURL+`/actions/assign_reviewers"`, "</form>")
	offered := regexp.MustCompile(`name="reviewers" value="(\d+)"`).FindAllStringSubmatch(form, -1)
	var got []string
	for _, m := range offered {
		got = append(got, m[1])
	}
	want := []string{id(w, "rev1"), id(w, "rev3")}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("offered reviewers %v, want rev1 and rev3 only (not the chair, the proponent rev2, or member4 who declared a conflict)", got)
	}
	panel := section(t, page, `Similar existing offerings`, "</aside>")
	if !strings.Contains(panel, `href="/offerings/`+strconv.FormatInt(existing, 10)+`"`) || !regexp.MustCompile(`<td>\d{1,3}%</td>`).MatchString(panel) {
		t.Errorf("the similar-offerings panel lacks the existing offering with its score: %s", panel)
	}
	if strings.Contains(panel, "<td>0%</td>") {
		t.Errorf("an identical offering scores 0%%: %s", panel)
	}
	// The engine refuses what the form leaves out.
	rec := w.post(t, "chair", caseURL+"/actions/assign_reviewers", url.Values{"reviewers": {id(w, "rev1"), id(w, "rev3"), id(w, "chair")}})
	if rec.Code == 303 || !strings.Contains(rec.Body.String(), `id="action-error"`) {
		t.Errorf("assigning the chair: got %d, want the refusal on the page", rec.Code)
	}
}

// section returns the part of page from the first from to the next to.
func section(t *testing.T, page, from, to string) string {
	t.Helper()
	i := strings.Index(page, from)
	if i < 0 {
		t.Fatalf("the page lacks %q", from)
	}
	j := strings.Index(page[i:], to)
	if j < 0 {
		return page[i:]
	}
	return page[i : i+j]
}

// TestCasePageShowsLabelsAndAuditTrail checks the case page speaks in
// words, not identifiers, and shows the case's audit events with their
// hashes checked.
func TestCasePageShowsLabelsAndAuditTrail(t *testing.T) {
	w := newWorld(t)
	_, c := approveOffering(t, w, draftForm())
	page := w.as(t, "pat", "GET", "/cases/"+strconv.FormatInt(c.ID, 10), nil, nil).Body.String()
	facts := section(t, page, `<dl class="facts">`, "</dl>")
	if !strings.Contains(facts, "<dd>Approved") {
		t.Errorf("the status is not in words: %s", facts)
	}
	form := section(t, page, `id="form-heading"`, "</section>")
	for _, want := range []string{"Non-credit", "Micro-credential", "Blended"} {
		if !strings.Contains(form, want) {
			t.Errorf("the outline form lacks %q: %s", want, form)
		}
	}
	for _, raw := range []string{"non_credit", "micro_credential", ">blended<"} {
		if strings.Contains(form, raw) {
			t.Errorf("the outline form shows the identifier %q", raw)
		}
	}
	if d := section(t, page, `id="decisions-heading"`, "</section>"); !strings.Contains(d, "Review closed: Reviewed by chair") || strings.Contains(d, "review_closed") {
		t.Errorf("the decisions are not in words: %s", d)
	}
	trail := section(t, page, `id="audit-heading"`, "</section>")
	rows := strings.Count(trail, "<tr>")
	if rows < 10 || strings.Count(trail, "<td>matches</td>") != rows-1 {
		t.Errorf("the audit trail has %d rows, %d matching: %.2000s", rows, strings.Count(trail, "<td>matches</td>"), trail)
	}
	for _, want := range []string{"case.submitted", "case.signed", `class="hash"`} {
		if !strings.Contains(trail, want) {
			t.Errorf("the audit trail lacks %q", want)
		}
	}
	if !regexp.MustCompile(`[0-9a-f]{64}`).MatchString(trail) {
		t.Error("the audit trail shows no SHA-256 hash")
	}
	if strings.Contains(trail, "audit-tampered") {
		t.Error("an untouched log is reported tampered")
	}
}

// TestOfferingDiffPage compares two submitted versions, and a version
// with the working draft, field by field.
func TestOfferingDiffPage(t *testing.T) {
	w := newWorld(t)
	ctx := t.Context()
	o := w.offering(t, draftForm())
	c, _, err := w.srv.approvals.SubmitProposal(ctx, proposal(o.ID, w.who["pat"]))
	if err != nil {
		t.Fatal(err)
	}
	oid := strconv.FormatInt(o.ID, 10)
	diff := "/offerings/" + oid + "/diff"

	page := w.as(t, "pat", "GET", diff, nil, nil).Body.String()
	if !strings.Contains(page, "The two are the same") {
		t.Errorf("version 1 against an unchanged draft: %.2000s", page)
	}
	if _, _, err := w.srv.approvals.Act(ctx, c.ID, w.who["chair"], approval.CompletenessDecision{Complete: false, Feedback: "Say more."}); err != nil {
		t.Fatal(err)
	}
	cur, err := w.store.Offering(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	cur.Draft.DurationHours = 45
	cur.Draft.DeliveryMode = catalog.Online
	cur.Draft.LearningOutcomes = append(cur.Draft.LearningOutcomes, "Present a prototype to customers")
	if err := w.store.UpdateDraft(ctx, &cur); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.srv.approvals.Act(ctx, c.ID, w.who["pat"], approval.Resubmit{Note: "More detail."}); err != nil {
		t.Fatal(err)
	}
	page = w.as(t, "rev1", "GET", diff, nil, nil).Body.String()
	table := section(t, page, `id="diff-heading"`, "</section>")
	for _, want := range []string{"Changes from version 1", "to version 2", "Duration (hours)", "<del>30</del>", "<ins>45</ins>", "Blended", "Online", "<ins>Present a prototype to customers</ins>"} {
		if !strings.Contains(table, want) {
			t.Errorf("the diff of versions 1 and 2 lacks %q: %s", want, table)
		}
	}
	if strings.Contains(table, "Title") {
		t.Error("the diff lists an unchanged field")
	}
	page = w.as(t, "rev1", "GET", diff+"?from=2&to=1", nil, nil).Body.String()
	if !strings.Contains(page, "<del>Present a prototype to customers</del>") {
		t.Errorf("the reversed diff does not remove the outcome: %.2000s", section(t, page, `id="diff-heading"`, "</section>"))
	}
	if rec := w.as(t, "rev1", "GET", diff+"?from=1&to=7", nil, nil); rec.Code != 400 || !strings.Contains(rec.Body.String(), "no version") {
		t.Errorf("an unknown version: got %d", rec.Code)
	}
	for _, who := range []string{"learner", ""} {
		if rec := w.as(t, who, "GET", diff, nil, nil); !denied(rec) {
			t.Errorf("%q reached the diff: %d", who, rec.Code)
		}
	}
	if !strings.Contains(w.as(t, "pat", "GET", "/offerings/"+oid, nil, nil).Body.String(), `href="/offerings/`+oid+`/diff"`) {
		t.Error("the offering page does not link to the diff")
	}
}

// TestNewOfferingDefaultsToTheProponentsUnit checks the proposing unit
// starts at the unit of the proponent's role.
func TestNewOfferingDefaultsToTheProponentsUnit(t *testing.T) {
	w := newWorld(t)
	if err := w.store.RevokeRole(t.Context(), org.RoleGrant{PersonID: w.who["quinn"], InstitutionID: w.inst.ID, Role: org.Proponent}); err != nil {
		t.Fatal(err)
	}
	if err := w.store.GrantRole(t.Context(), org.RoleGrant{PersonID: w.who["quinn"], InstitutionID: w.inst.ID, Role: org.Proponent, UnitID: w.units["business"]}); err != nil {
		t.Fatal(err)
	}
	page := w.as(t, "quinn", "GET", "/offerings/new", nil, nil).Body.String()
	sel := section(t, page, `<select id="unit"`, "</select>")
	if !strings.Contains(sel, `value="`+strconv.FormatInt(w.units["business"], 10)+`" selected>business`) {
		t.Errorf("the proposing unit is not quinn's department: %s", sel)
	}
	// Without a unit, none is chosen.
	sel = section(t, w.as(t, "pat", "GET", "/offerings/new", nil, nil).Body.String(), `<select id="unit"`, "</select>")
	if !strings.Contains(sel, `value="" selected>None`) {
		t.Errorf("pat has no unit, yet: %s", sel)
	}
}
