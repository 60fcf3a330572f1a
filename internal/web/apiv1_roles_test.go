package web

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"cairn/internal/catalog"
)

// TestRoleAPIs checks the API routes that mirror the version diff, the
// committee composition report and the lifecycle actions.
func TestRoleAPIs(t *testing.T) {
	w := newWorld(t)
	offering, _ := approveOffering(t, w, draftForm())
	oid := strconv.FormatInt(offering, 10)
	jsonHeader := map[string]string{"Content-Type": "application/json"}

	// The diff: an offering with one version names what to compare.
	tok := w.token("pat", ScopeCasesRead)
	auth := map[string]string{"Authorization": "Bearer " + tok}
	rec := w.fixture.do(t, "GET", "/api/v1/offerings/"+oid+"/diff", nil, auth)
	if rec.Code != 400 {
		t.Errorf("diff without versions to compare: got %d, want 400", rec.Code)
	}
	o, _ := w.store.Offering(t.Context(), offering)
	o.Draft.Title = "Design Thinking for Small Firms"
	o.Draft.DeliveryMode = catalog.Online
	if err := w.store.UpdateDraft(t.Context(), &o); err != nil {
		t.Fatal(err)
	}
	rec = w.fixture.do(t, "GET", "/api/v1/offerings/"+oid+"/diff?from=1&to=draft", nil, auth)
	var diff struct {
		From, To string
		Changes  []changeView
	}
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &diff) != nil {
		t.Fatalf("diff: got %d %.500s", rec.Code, rec.Body)
	}
	if len(diff.Changes) != 2 || diff.Changes[0].Field != "title" || diff.Changes[1].Old != "blended" || diff.Changes[1].New != "online" {
		t.Errorf("diff changes: %+v", diff.Changes)
	}
	if rec := w.fixture.do(t, "GET", "/api/v1/offerings/"+oid+"/diff?from=1&to=9", nil, auth); rec.Code != 400 {
		t.Errorf("diff with an unknown version: got %d", rec.Code)
	}

	// The composition report, for administrators only.
	rec = w.as(t, "admin", "GET", "/api/v1/institutions/"+strconv.FormatInt(w.inst.ID, 10)+"/composition", nil, nil)
	var comp struct {
		Committees []struct {
			Key        string
			Keeps      bool
			Violations []struct{ Message, Clause string }
		}
	}
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &comp) != nil {
		t.Fatalf("composition: got %d %.500s", rec.Code, rec.Body)
	}
	found := false
	for _, c := range comp.Committees {
		if c.Key == "smc" {
			found = true
			if c.Keeps || len(c.Violations) == 0 || !strings.HasPrefix(c.Violations[0].Clause, "AC15 B.1.b") {
				t.Errorf("SMC of the test world (faculty members only) keeps its rule? %+v", c)
			}
		}
	}
	if !found {
		t.Errorf("no SMC in the report: %.500s", rec.Body)
	}
	if rec := w.as(t, "chair", "GET", "/api/v1/institutions/"+strconv.FormatInt(w.inst.ID, 10)+"/composition", nil, nil); !denied(rec) {
		t.Errorf("the chair reached the composition report: %d", rec.Code)
	}

	// Closures: added, listed, refused when backwards, removed.
	closures := "/api/v1/institutions/" + strconv.FormatInt(w.inst.ID, 10) + "/closures"
	rec = w.as(t, "admin", "POST", closures, strings.NewReader(`{"from":"2026-12-24","to":"2027-01-01","reason":"Winter closure"}`), jsonHeader)
	var added closureJSON
	if rec.Code != 201 || json.Unmarshal(rec.Body.Bytes(), &added) != nil || added.ID == 0 || added.To != "2027-01-01" {
		t.Fatalf("add a closure: got %d %.300s", rec.Code, rec.Body)
	}
	if rec := w.as(t, "admin", "POST", closures, strings.NewReader(`{"from":"2027-01-01","to":"2026-12-24","reason":"x"}`), jsonHeader); rec.Code != 400 {
		t.Errorf("a backwards closure: got %d", rec.Code)
	}
	if rec := w.as(t, "chair", "POST", closures, strings.NewReader(`{"from":"2027-01-01","reason":"x"}`), jsonHeader); !denied(rec) {
		t.Errorf("the chair adding a closure: got %d", rec.Code)
	}
	rec = w.as(t, "admin", "GET", closures, nil, nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"reason":"Winter closure"`) {
		t.Errorf("list closures: got %d %.300s", rec.Code, rec.Body)
	}
	if rec := w.as(t, "admin", "DELETE", closures+"/"+strconv.FormatInt(added.ID, 10), nil, nil); rec.Code != 204 {
		t.Errorf("remove the closure: got %d", rec.Code)
	}
	if rec := w.as(t, "admin", "DELETE", closures+"/"+strconv.FormatInt(added.ID, 10), nil, nil); rec.Code != 404 {
		t.Errorf("remove it again: got %d", rec.Code)
	}

	// Lifecycle actions: a read-only token may not act; the engine
	// decides who may.
	w.now = testNow.AddDate(1, 1, 0)
	if _, err := w.srv.approvals.FlagIdleOfferings(t.Context(), w.inst.ID); err != nil {
		t.Fatal(err)
	}
	ds, err := w.srv.approvals.Discontinuances(t.Context(), w.inst.ID)
	if err != nil || len(ds) != 1 {
		t.Fatalf("discontinuances: %v %+v", err, ds)
	}
	path := "/api/v1/discontinuances/" + strconv.FormatInt(ds[0].ID, 10) + "/propose"
	read := w.token("provost", ScopeCasesRead)
	rec = w.fixture.do(t, "POST", path, strings.NewReader(`{"note":"idle"}`), map[string]string{"Authorization": "Bearer " + read, "Content-Type": "application/json"})
	if rec.Code != 403 || !strings.Contains(rec.Body.String(), "cases:write") {
		t.Errorf("proposing with a read-only token: got %d %.300s", rec.Code, rec.Body)
	}
	rec = w.as(t, "chair", "POST", path, strings.NewReader(`{"note":"idle"}`), jsonHeader)
	if rec.Code != 403 || !strings.Contains(rec.Body.String(), "only") {
		t.Errorf("the chair proposing: got %d %.300s, want the engine's refusal", rec.Code, rec.Body)
	}
	rec = w.as(t, "provost", "POST", path, strings.NewReader(`{"note":"Not offered in a year."}`), jsonHeader)
	var d discontinuanceJSON
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &d) != nil || d.Status != "proposed" || d.ProposalNote != "Not offered in a year." {
		t.Errorf("the Provost proposing: got %d %.300s", rec.Code, rec.Body)
	}
	if rec := w.as(t, "provost", "POST", path, strings.NewReader(`{"bogus":1}`), jsonHeader); rec.Code != 400 {
		t.Errorf("an unknown field: got %d", rec.Code)
	}
	rec = w.as(t, "provost", "POST", "/api/v1/offerings/"+oid+"/annual-review", strings.NewReader(`{"notes":"x"}`), jsonHeader)
	if rec.Code != 403 && rec.Code != 409 {
		t.Errorf("the Provost completing an annual review: got %d %.300s", rec.Code, rec.Body)
	}
}
