package web

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"cairn/internal/approval"
	"cairn/internal/catalog"
)

// TestSecretariatRecordsRecommendationAndDecision takes a credit-bearing
// micro-credential past the Provost's signature and records the SSCC's
// recommendation and the Senate's decision from the agendas page.
func TestSecretariatRecordsRecommendationAndDecision(t *testing.T) {
	w := newWorld(t)
	f := draftForm()
	f.CreditStatus, f.Credits = catalog.CreditBearing, 1.5
	_, c := signOffering(t, w, f)
	id := strconv.FormatInt(c.ID, 10)
	if c.Status.Final() {
		t.Fatalf("the credit-bearing case ended at %s after the Provost signed", c.Step)
	}

	page := w.as(t, "ssccchair", "GET", "/secretariat", nil, nil)
	if page.Code != 200 {
		t.Fatalf("the SSCC chair's agendas: %d", page.Code)
	}
	body := page.Body.String()
	if !strings.Contains(body, `action="/cases/`+id+`/actions/recommend"`) || strings.Contains(body, `/actions/record_decision"`) {
		t.Fatalf("the SSCC chair is not offered the recommendation alone: %.3000s", body)
	}
	if rec := w.post(t, "secretary", "/cases/"+id+"/actions/recommend", url.Values{"approve": {"yes"}}); rec.Code != 403 {
		t.Errorf("the Senate secretariat recommending for the SSCC: got %d, want 403", rec.Code)
	}
	if rec := w.post(t, "ssccchair", "/cases/"+id+"/actions/recommend", url.Values{"approve": {"yes"}, "note": {"SSCC recommends to Senate."}}); rec.Code != 303 {
		t.Fatalf("recommend: got %d %.1000s", rec.Code, rec.Body)
	}

	body = w.as(t, "secretary", "GET", "/secretariat", nil, nil).Body.String()
	if !strings.Contains(body, `action="/cases/`+id+`/actions/record_decision"`) {
		t.Fatalf("the Senate secretariat is not offered the decision: %.3000s", body)
	}
	if !strings.Contains(body, "SSCC recommends to Senate.") || !strings.Contains(body, "Recommended") {
		t.Errorf("the recorded recommendation is not listed: %.3000s", body)
	}
	if rec := w.post(t, "secretary", "/cases/"+id+"/actions/record_decision", url.Values{"approve": {"yes"}, "note": {"Senate approves."}}); rec.Code != 303 {
		t.Fatalf("record the decision: got %d %.1000s", rec.Code, rec.Body)
	}
	c, err := w.srv.approvals.Case(t.Context(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != approval.StatusApproved {
		t.Errorf("after Senate's decision the case is %s at %s", c.Status, c.Step)
	}
	body = w.as(t, "secretary", "GET", "/secretariat", nil, nil).Body.String()
	if !strings.Contains(body, "Senate approves.") || !strings.Contains(body, "Nothing is on the agenda.") {
		t.Errorf("after the decision the page is: %.3000s", body)
	}
	for _, who := range []string{"pat", "rev1", "provost"} {
		if rec := w.as(t, who, "GET", "/secretariat", nil, nil); !denied(rec) {
			t.Errorf("%s reached the agendas: %d", who, rec.Code)
		}
	}
}
