package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"cairn/internal/approval"
	"cairn/internal/catalog"
)

// TestProposalThroughPages takes a proposal from draft to the Provost's
// signature on the KPU non-credit track, each step by a different
// signed-in person using the HTML forms.
func TestProposalThroughPages(t *testing.T) {
	w := newWorld(t)
	form := url.Values{
		"institution":             {strconv.FormatInt(w.inst.ID, 10)},
		"unit":                    {strconv.FormatInt(w.units["arts"], 10)},
		"field.kind":              {"micro_credential"},
		"field.credit_status":     {"non_credit"},
		"field.title":             {"Design Thinking for Small Business"},
		"field.description":       {"Apply design thinking to the products and services of a small business."},
		"field.competencies":      {"Frame a design problem from customer interviews"},
		"field.learning_outcomes": {"Run a design sprint with a small team"},
		"field.assessment_method": {"Portfolio of a completed design sprint"},
		"field.duration_hours":    {"30"},
		"field.delivery_mode":     {"blended"},
		"field.need_evidence":     {"Local chambers of commerce report demand."},
	}
	rec := w.post(t, "pat", "/offerings", form)
	if rec.Code != 303 {
		t.Fatalf("create: got %d, want 303; body %.800s", rec.Code, rec.Body)
	}
	m := regexp.MustCompile(`^/offerings/(\d+)/edit`).FindStringSubmatch(rec.Header().Get("Location"))
	if m == nil {
		t.Fatalf("create redirected to %q", rec.Header().Get("Location"))
	}
	offering := m[1]

	rec = w.post(t, "pat", "/offerings/"+offering+"/submit", nil)
	if rec.Code != 303 {
		t.Fatalf("submit: got %d, want 303; body %.2000s", rec.Code, rec.Body)
	}
	m = regexp.MustCompile(`^/cases/(\d+)`).FindStringSubmatch(rec.Header().Get("Location"))
	if m == nil {
		t.Fatalf("submit redirected to %q", rec.Header().Get("Location"))
	}
	casePath := "/cases/" + m[1]
	caseID, _ := strconv.ParseInt(m[1], 10, 64)

	step := func(who, action string, form url.Values) {
		t.Helper()
		rec := w.post(t, who, casePath+"/actions/"+action, form)
		if rec.Code != 303 {
			t.Fatalf("%s by %s: got %d, want 303; body %.3000s", action, who, rec.Code, rec.Body)
		}
	}
	wantTask := func(who, label string) {
		t.Helper()
		rec := w.as(t, who, "GET", "/tasks", nil, nil)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), label) {
			t.Errorf("%s's tasks lack %q: %d %.1500s", who, label, rec.Code, rec.Body)
		}
	}

	wantTask("chair", "Check the outline form is complete")
	step("chair", "completeness_decision", url.Values{"complete": {"yes"}})
	wantTask("chair", "Assign reviewers")
	page := w.as(t, "chair", "GET", casePath, nil, nil).Body.String()
	if !strings.Contains(page, `action="`+casePath+`/actions/assign_reviewers"`) {
		t.Fatalf("the chair's case page has no assign form: %.3000s", page)
	}
	step("chair", "assign_reviewers", url.Values{"reviewers": {id(w, "rev1"), id(w, "rev2"), id(w, "rev3")}})
	for _, r := range []string{"rev1", "rev2", "rev3"} {
		wantTask(r, "Review the proposal")
		step(r, "submit_review", url.Values{"answer.duplication": {"no"}, "answer.competency_based": {"yes"}, "answer.credit_bearing": {"no"}})
	}
	step("chair", "close_review", nil)
	for _, r := range []string{"rev1", "rev2", "rev3"} {
		wantTask(r, "Vote on the proposal")
		step(r, "cast_ballot", url.Values{"approve": {"yes"}})
	}
	wantTask("chair", "Sign the approved version")
	c, err := w.srv.approvals.Case(context.Background(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	step("chair", "sign", url.Values{"version_hash": {c.Current().Hash}})
	wantTask("provost", "Sign the approved version")
	prov := w.as(t, "provost", "GET", "/provost", nil, nil)
	if prov.Code != 200 || !strings.Contains(prov.Body.String(), casePath) {
		t.Errorf("the Provost's queue lacks the case: %d %.1500s", prov.Code, prov.Body)
	}
	step("provost", "sign", url.Values{"version_hash": {c.Current().Hash}})

	c, err = w.srv.approvals.Case(context.Background(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != approval.StatusApproved {
		t.Fatalf("case status: got %s at step %s, want approved", c.Status, c.Step)
	}
	page = w.as(t, "pat", "GET", casePath, nil, nil).Body.String()
	for _, want := range []string{"Approved", "History", "Reviewers assigned", "Signatures"} {
		if !strings.Contains(page, want) {
			t.Errorf("the approved case page lacks %q", want)
		}
	}
}

func id(w *world, name string) string { return strconv.FormatInt(w.who[name], 10) }

func TestRefusedActionShowsTheEnginesReason(t *testing.T) {
	w := newWorld(t)
	o := w.offering(t, draftForm())
	rec := w.post(t, "pat", "/offerings/"+strconv.FormatInt(o.ID, 10)+"/submit", nil)
	casePath := rec.Header().Get("Location")
	casePath = casePath[:strings.Index(casePath, "?")]
	tests := []struct {
		name, who, action string
		form              url.Values
		status            int
		says              string
	}{
		{"proponent cannot check their own proposal", "pat", "completeness_decision", url.Values{"complete": {"yes"}}, 403, "proponent"},
		{"a member is not the chair", "rev1", "completeness_decision", url.Values{"complete": {"yes"}}, 403, "only"},
		{"a vote cannot be cast before review", "rev1", "cast_ballot", url.Values{"approve": {"yes"}}, 409, "cannot"},
		{"an unknown action is not found", "chair", "approve_everything", nil, 404, "no action"},
		{"a learner may not act on cases", "learner", "completeness_decision", url.Values{"complete": {"yes"}}, 403, "roles"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := w.post(t, tt.who, casePath+"/actions/"+tt.action, tt.form)
			if rec.Code != tt.status {
				t.Errorf("got %d, want %d; body %.1000s", rec.Code, tt.status, rec.Body)
			}
			if !strings.Contains(strings.ToLower(rec.Body.String()), tt.says) {
				t.Errorf("body does not say %q: %.2000s", tt.says, rec.Body)
			}
		})
	}
}

func TestOutlineFormValidationMessages(t *testing.T) {
	w := newWorld(t)
	tooLong := draftForm()
	tooLong.DurationHours = 0
	tooLong.LearningOutcomes = nil
	o := w.offering(t, tooLong)
	rec := w.post(t, "pat", "/offerings/"+strconv.FormatInt(o.ID, 10)+"/submit", nil)
	if rec.Code != 422 {
		t.Fatalf("got %d, want 422; %.1000s", rec.Code, rec.Body)
	}
	body := rec.Body.String()
	for _, want := range []string{`id="e-duration_hours"`, `id="e-learning_outcomes"`, `aria-invalid="true"`, "required"} {
		if !strings.Contains(body, want) {
			t.Errorf("the editor lacks %q", want)
		}
	}
	t.Run("malformed number is refused on save", func(t *testing.T) {
		rec := w.post(t, "pat", "/offerings/"+strconv.FormatInt(o.ID, 10)+"/edit", url.Values{"version": {"1"}, "field.duration_hours": {"thirty"}})
		if rec.Code != 422 || !strings.Contains(rec.Body.String(), "must be a number") {
			t.Errorf("got %d, want 422 saying it must be a number; %.800s", rec.Code, rec.Body)
		}
	})
}

// TestProposalThroughAPI drives the same path through /api/v1 with API
// tokens.
func TestProposalThroughAPI(t *testing.T) {
	w := newWorld(t)
	api := func(name, method, target string, body any, want int, scopes ...string) map[string]any {
		t.Helper()
		var b []byte
		if body != nil {
			var err error
			if b, err = json.Marshal(body); err != nil {
				t.Fatal(err)
			}
		}
		h := map[string]string{"Authorization": "Bearer " + w.token(name, scopes...), "Content-Type": "application/json"}
		rec := w.fixture.do(t, method, target, bytes.NewReader(b), h)
		if rec.Code != want {
			t.Fatalf("%s %s by %s: got %d, want %d: %.1500s", method, target, name, rec.Code, want, rec.Body)
		}
		var out map[string]any
		json.Unmarshal(rec.Body.Bytes(), &out)
		return out
	}
	o := api("pat", "POST", "/api/v1/offerings", map[string]any{"institutionId": w.inst.ID, "unitId": w.units["arts"], "draft": draftForm()}, 201, ScopeCasesWrite)
	oid := strconv.FormatFloat(o["id"].(float64), 'f', 0, 64)
	bad := draftForm()
	bad.Kind = catalog.Kind("nonsense")
	api("pat", "PUT", "/api/v1/offerings/"+oid+"/draft", map[string]any{"version": 1, "draft": bad}, 400, ScopeCasesWrite)
	api("pat", "POST", "/api/v1/offerings/"+oid+"/submit", nil, 403, ScopeCasesRead)
	c := api("pat", "POST", "/api/v1/offerings/"+oid+"/submit", nil, 201, ScopeCasesWrite)
	cid := strconv.FormatFloat(c["id"].(float64), 'f', 0, 64)
	act := "/api/v1/cases/" + cid + "/actions/"
	api("chair", "POST", act+"completeness_decision", map[string]any{"complete": true}, 200, ScopeCasesWrite)
	got := api("chair", "POST", act+"assign_reviewers", map[string]any{"reviewers": []int64{w.who["rev1"], w.who["rev2"], w.who["rev3"]}}, 200, ScopeCasesWrite)
	if got["step"] != "review" {
		t.Errorf("step: got %v, want review", got["step"])
	}
	for _, r := range []string{"rev1", "rev2", "rev3"} {
		api(r, "POST", act+"submit_review", map[string]any{"answers": kpuAnswers()}, 200, ScopeCasesWrite)
	}
	api("chair", "POST", act+"close_review", nil, 200, ScopeCasesWrite)
	api("rev1", "POST", act+"cast_ballot", map[string]any{"approve": true}, 403, ScopeCasesRead)
	mine := api("rev1", "GET", "/api/v1/tasks", nil, 200)
	if tasks, _ := mine["tasks"].([]any); len(tasks) != 1 {
		t.Errorf("rev1's tasks: got %v, want the vote", mine)
	}
	api("rev1", "POST", act+"cast_ballot", map[string]any{"approve": true, "bogus": 1}, 400, ScopeCasesWrite)
	for _, r := range []string{"rev1", "rev2", "rev3"} {
		api(r, "POST", act+"cast_ballot", map[string]any{"approve": true}, 200, ScopeCasesWrite)
	}
	view := api("chair", "GET", "/api/v1/cases/"+cid, nil, 200, ScopeCasesRead)
	hash := view["versionHash"].(string)
	api("provost", "POST", act+"sign", map[string]any{"versionHash": hash}, 409, ScopeCasesWrite)
	api("chair", "POST", act+"sign", map[string]any{"versionHash": hash}, 200, ScopeCasesWrite)
	done := api("provost", "POST", act+"sign", map[string]any{"versionHash": hash}, 200, ScopeCasesWrite)
	if done["status"] != "approved" {
		t.Errorf("status: got %v, want approved", done["status"])
	}
}

func kpuAnswers() []approval.Answer {
	return []approval.Answer{{Question: "duplication", Value: "no"}, {Question: "competency_based", Value: "yes"}, {Question: "credit_bearing", Value: "no"}}
}
