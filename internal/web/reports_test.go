package web

import (
	"encoding/csv"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"cairn/internal/catalog"
	"cairn/internal/sqlstore"
)

// stackedWorld is the award world with a credit-bearing second part and a
// certificate that stacks the two, set up by the registrar on /stacks.
type stackedWorld struct {
	*awardWorld
	partB, certificate int64
}

func newStackedWorld(t *testing.T) *stackedWorld {
	t.Helper()
	w := &stackedWorld{awardWorld: newAwardWorld(t)}
	credit := draftForm()
	credit.Title, credit.CreditStatus, credit.Credits = "Prototyping for Small Business", catalog.CreditBearing, 1
	w.partB = approveCreditBearing(t, w.world, credit)
	cert := draftForm()
	cert.Title = "Small Business Design Certificate"
	w.certificate, _ = approveOffering(t, w.world, cert)
	form := url.Values{"institution": {strconv.FormatInt(w.inst.ID, 10)}, "offering": {strconv.FormatInt(w.certificate, 10)},
		"part": {strconv.FormatInt(w.offering, 10), strconv.FormatInt(w.partB, 10)}, "rule": {"all"}}
	if rec := w.post(t, "pat", "/stacks", form); rec.Code != 403 || !strings.Contains(rec.Body.String(), "registrar") {
		t.Errorf("a proponent creating a stack: got %d %.200s, want 403 naming the registrar's office", rec.Code, rec.Body)
	}
	if rec := w.post(t, "registrar", "/stacks", form); rec.Code != 303 {
		t.Fatalf("create stack: got %d %.300s", rec.Code, rec.Body)
	}
	return w
}

// approveCreditBearing takes a credit-bearing offering past the Provost,
// the SSCC's recommendation and the Senate's decision.
func approveCreditBearing(t *testing.T, w *world, f catalog.Form) int64 {
	t.Helper()
	o, c := signOffering(t, w, f)
	id := strconv.FormatInt(c.ID, 10)
	if rec := w.post(t, "ssccchair", "/cases/"+id+"/actions/recommend", url.Values{"approve": {"yes"}}); rec.Code != 303 {
		t.Fatalf("recommend: got %d %.500s", rec.Code, rec.Body)
	}
	if rec := w.post(t, "secretary", "/cases/"+id+"/actions/record_decision", url.Values{"approve": {"yes"}}); rec.Code != 303 {
		t.Fatalf("decide: got %d %.500s", rec.Code, rec.Body)
	}
	return o
}

func (w *stackedWorld) award(t *testing.T, offering int64, email string) {
	t.Helper()
	if _, _, err := w.store.IssueAward(t.Context(), w.p, sqlstore.AwardRequest{OfferingID: offering, Email: email, Result: "Pass"}); err != nil {
		t.Fatal(err)
	}
}

func TestStacksPageAndAutomaticAward(t *testing.T) {
	w := newStackedWorld(t)
	rec := w.as(t, "registrar", "GET", "/stacks", nil, nil)
	wantBody(t, rec, 200, "Small Business Design Certificate", "all 2 of the parts", "Prototyping for Small Business", "New ladder")
	if rec := w.as(t, "pat", "GET", "/stacks", nil, nil); rec.Code != 200 || strings.Contains(rec.Body.String(), "New stack") {
		t.Errorf("staff see the stacks but not the forms: got %d", rec.Code)
	}
	w.award(t, w.offering, "learner@kpu.example.edu")
	w.award(t, w.partB, "learner@kpu.example.edu")
	prog, err := w.store.StackProgress(t.Context(), "learner@kpu.example.edu")
	if err != nil || len(prog) != 1 || !prog[0].Progress.Complete || prog[0].AwardID == 0 {
		t.Fatalf("progress: got %+v, %v; want the certificate awarded", prog, err)
	}

	// Checking again awards nothing more.
	inst := strconv.FormatInt(w.inst.ID, 10)
	rec = w.post(t, "registrar", "/stacks/check", url.Values{"institution": {inst}, "email": {"learner@kpu.example.edu"}})
	if loc := rec.Header().Get("Location"); rec.Code != 303 || !strings.HasSuffix(loc, "done=check&made=0") {
		t.Fatalf("check: got %d to %q", rec.Code, loc)
	}
	wantBody(t, w.as(t, "registrar", "GET", rec.Header().Get("Location"), nil, nil), 200, "No stack to award")
	if rec := w.post(t, "registrar", "/stacks/check", url.Values{"institution": {inst}, "email": {"not an address"}}); rec.Code != 400 {
		t.Errorf("check a bad address: got %d, want 400", rec.Code)
	}

	// A ladder and a faculty PLAR decision on it: recorded, nothing awarded.
	rec = w.post(t, "registrar", "/stacks/ladders", url.Values{"institution": {inst}, "offering": {strconv.FormatInt(w.partB, 10)},
		"program": {"Diploma in Business"}, "counts_toward": {"ENTR 1100 (3 credits), with two other micro-courses"}})
	if rec.Code != 303 {
		t.Fatalf("ladder: got %d %.300s", rec.Code, rec.Body)
	}
	ls, err := w.store.Ladders(t.Context(), w.inst.ID)
	if err != nil || len(ls) != 1 {
		t.Fatalf("ladders: %+v, %v", ls, err)
	}
	before, _ := w.store.AwardsForLearner(t.Context(), "learner@kpu.example.edu")
	rec = w.post(t, "registrar", "/stacks/plar", url.Values{"institution": {inst}, "email": {"learner@kpu.example.edu"},
		"about": {"ladder:" + strconv.FormatInt(ls[0].ID, 10)}, "decision": {"granted"}, "credits": {"3"},
		"decided_by": {"Business faculty"}, "decided_on": {"2026-03-01"}})
	if rec.Code != 303 {
		t.Fatalf("PLAR: got %d %.300s", rec.Code, rec.Body)
	}
	after, _ := w.store.AwardsForLearner(t.Context(), "learner@kpu.example.edu")
	if len(after) != len(before) || len(before) != 3 {
		t.Errorf("awards before and after the ladder decision: %d and %d, want 3 and 3", len(before), len(after))
	}
	rec = w.post(t, "registrar", "/stacks/plar", url.Values{"institution": {inst}, "email": {"learner@kpu.example.edu"},
		"about": {"ladder:999"}, "decision": {"granted"}, "decided_by": {"x"}, "decided_on": {"2026-03-01"}})
	if rec.Code != 400 {
		t.Errorf("a ladder of no institution: got %d, want 400", rec.Code)
	}
}

func TestLearnerRecordDownloadVerifies(t *testing.T) {
	w := newStackedWorld(t)
	w.award(t, w.offering, "learner@kpu.example.edu")
	w.award(t, w.partB, "learner@kpu.example.edu")
	rec := w.as(t, "learner", "GET", "/record/clr.json", nil, nil)
	if rec.Code != 200 {
		t.Fatalf("record: got %d %.300s", rec.Code, rec.Body)
	}
	var env struct {
		Type string `json:"type"`
		ID   string `json:"id"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || env.Type != "EnvelopedVerifiableCredential" || !strings.HasPrefix(env.ID, "data:application/vc+jwt,") {
		t.Fatalf("record: got %.300s, want an enveloped VC-JOSE credential", rec.Body)
	}
	body := `{"verifiableCredential": ` + rec.Body.String() + `}`
	vr := w.as(t, "", "POST", "/credentials/verify", strings.NewReader(body), map[string]string{"Content-Type": "application/json"})
	if vr.Code != 200 {
		t.Fatalf("the record does not verify: %d %.600s", vr.Code, vr.Body)
	}
	jwt := w.as(t, "learner", "GET", "/record/clr.json?format=jwt", nil, nil)
	rep := w.srv.verifier.Verify(t.Context(), jwt.Body.Bytes())
	if !rep.Verified || rep.Kind != "ClrCredential" || !strings.Contains(string(rep.Credential), "Small Business Design Certificate") {
		t.Errorf("JWT record: verified %v, kind %q, errors %v", rep.Verified, rep.Kind, rep.Errors)
	}
	if rec := w.as(t, "pat", "GET", "/record/clr.json", nil, nil); rec.Code != 404 {
		t.Errorf("someone without awards: got %d, want 404", rec.Code)
	}

	// The verification was counted, by endpoint and outcome.
	rec = w.as(t, "registrar", "GET", "/api/v1/reports/verifications", nil, nil)
	wantBody(t, rec, 200, `["`, `"credentials","verified","1"]`)
}

func TestReportsPagesCSVAndAPI(t *testing.T) {
	w := newStackedWorld(t)
	w.award(t, w.offering, "learner@kpu.example.edu")
	w.award(t, w.partB, "learner@kpu.example.edu")
	w.award(t, w.partB, "quinn@kpu.example.edu")

	rec := w.as(t, "registrar", "GET", "/reports", nil, nil)
	wantBody(t, rec, 200, "<svg", "Awards per offering and period", "Prototyping for Small Business", "Stacks completed",
		"Small Business Design Certificate", "transcripts.csv", "Approval cycle time per step")
	if rec := w.as(t, "pat", "GET", "/reports", nil, nil); rec.Code != 200 || strings.Contains(rec.Body.String(), "transcripts.csv") {
		t.Errorf("staff see reports but not the transcript export: got %d", rec.Code)
	}

	rows := csvOf(t, w.as(t, "registrar", "GET", "/reports/awards.csv?period=year", nil, nil).Body.String())
	if strings.Join(rows[0], ",") != "period,offering_id,title,awards" || len(rows) != 4 {
		t.Fatalf("awards.csv: got %q", rows)
	}
	for _, r := range rows[1:] {
		if r[2] == "Prototyping for Small Business" && r[3] != "2" {
			t.Errorf("awards of the credit-bearing part: got %s, want 2", r[3])
		}
	}

	rec = w.as(t, "registrar", "GET", "/reports/transcripts.csv", nil, nil)
	rows = csvOf(t, rec.Body.String())
	if rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" || strings.Join(rows[0], ",") !=
		"student_email,email_hash,offering_code,title,credits,credit_status,award_date,status" {
		t.Fatalf("transcripts.csv: %q, %q", rec.Header().Get("Content-Type"), rows)
	}
	if len(rows) != 3 || rows[1][0] != "learner@kpu.example.edu" || rows[1][3] != "Prototyping for Small Business" || rows[1][4] != "1" ||
		rows[1][5] != "credit_bearing" || rows[1][7] != "active" || rows[2][0] != "quinn@kpu.example.edu" || len(rows[1][1]) != 64 {
		t.Errorf("transcript entries: got %q, want the two credit-bearing awards", rows)
	}
	if rec := w.as(t, "pat", "GET", "/reports/transcripts.csv", nil, nil); rec.Code != 403 {
		t.Errorf("a proponent exporting transcripts: got %d, want 403", rec.Code)
	}
	if rec := w.as(t, "registrar", "GET", "/reports/nothing.csv", nil, nil); rec.Code != 404 {
		t.Errorf("unknown report: got %d, want 404", rec.Code)
	}
	if rec := w.as(t, "registrar", "GET", "/reports/awards.csv?from=2026-13-01", nil, nil); rec.Code != 400 {
		t.Errorf("bad date: got %d, want 400", rec.Code)
	}

	tok := w.token("registrar", "awards:write")
	rec = w.as(t, "", "GET", "/api/v1/reports/stacks?period=year", nil, map[string]string{"Authorization": "Bearer " + tok})
	var got struct {
		Columns []string   `json:"columns"`
		Rows    [][]string `json:"rows"`
		Period  string     `json:"period"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != 200 {
		t.Fatalf("API: %d %.300s", rec.Code, rec.Body)
	}
	if len(got.Rows) != 1 || got.Rows[0][2] != "Small Business Design Certificate" || got.Rows[0][3] != "1" || got.Period != "year" {
		t.Errorf("API stacks report: got %+v", got)
	}
}

func csvOf(t *testing.T, s string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("CSV %q: %v", s, err)
	}
	return rows
}
