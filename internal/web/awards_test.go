package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"cairn/internal/award"
	"cairn/internal/org"
	"cairn/internal/sqlstore"
)

// pipelineIssuers is the Issuers stand-in of the tests: one fresh did:key
// Ed25519 identity signing every institution's awards.
type pipelineIssuers struct{ p *award.Pipeline }

func (pi pipelineIssuers) Issuer(ctx context.Context, institutionID int64) (sqlstore.Issuer, error) {
	return pi.p, nil
}

// issueWith sets the test world up to sign every institution's awards
// in the format with one pipeline of a fresh identity, and returns it.
func issueWith(t *testing.T, w *world, format award.Format) *award.Pipeline {
	t.Helper()
	id := newIdentity(t)
	p := &award.Pipeline{Issuer: award.Issuer{ID: id.did, Name: "Kwantlen Polytechnic University", URL: "https://www.kpu.ca"},
		BaseURL: "https://credentials.kpu.example", Signer: id.key.Signer(), VerificationMethod: id.vm, Format: format,
		DI: w.di, Clock: func() time.Time { return testNow }}
	if err := p.Check(); err != nil {
		t.Fatal(err)
	}
	w.srv.issuers = pipelineIssuers{p}
	return p
}

// awardWorld is the test world with issuing set up: a registrar (the
// central office), the arts department's chair, and an approved offering
// of the arts department.
type awardWorld struct {
	*world
	p        *award.Pipeline
	offering int64
}

func newAwardWorld(t *testing.T) *awardWorld {
	t.Helper()
	w := newWorld(t)
	p := issueWith(t, w, award.FormatDI)
	for name, g := range map[string]org.RoleGrant{
		"registrar": {Role: org.Registrar},
		"artschair": {Role: org.DepartmentChair, UnitID: w.units["arts"]},
	} {
		pp := org.Person{Name: name, Email: name + "@kpu.example.edu"}
		if err := w.store.CreatePerson(t.Context(), &pp); err != nil {
			t.Fatal(err)
		}
		g.PersonID, g.InstitutionID = pp.ID, w.inst.ID
		if err := w.store.GrantRole(t.Context(), g); err != nil {
			t.Fatal(err)
		}
		w.who[name] = pp.ID
		w.sessions[name], _ = w.accounts.StartSession(t.Context(), pp.ID, "test")
	}
	o, _ := approveOffering(t, w, draftForm())
	return &awardWorld{world: w, p: p, offering: o}
}

// runBatch runs a confirmed batch in-process as the server's worker would.
func (w *awardWorld) runBatch(t *testing.T, id int64) sqlstore.Batch {
	t.Helper()
	c, err := w.store.ClaimBatchID(t.Context(), id, "test-worker", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	b, err := w.store.RunBatch(t.Context(), c, w.p, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (w *awardWorld) awardCount(t *testing.T) int {
	t.Helper()
	as, err := w.store.AwardsForOffering(t.Context(), w.offering, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(as)
}

// csvUpload is the awards page's upload form.
func csvUpload(t *testing.T, requireKnown bool, csv string) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if requireKnown {
		mw.WriteField("require_known", "1")
	}
	fw, err := mw.CreateFormFile("csv", "cohort-3.csv")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(csv))
	mw.Close()
	return &b, mw.FormDataContentType()
}

var idInLocation = regexp.MustCompile(`/(\d+)(\?|$)`)

func locationID(t *testing.T, rec *httptest.ResponseRecorder, prefix string) int64 {
	t.Helper()
	loc := rec.Header().Get("Location")
	if rec.Code != 303 || !strings.HasPrefix(loc, prefix) {
		t.Fatalf("got %d to %q, want 303 to %s…; body %.500s", rec.Code, loc, prefix, rec.Body)
	}
	m := idInLocation.FindStringSubmatch(loc)
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// wantBody checks an answer's status and that its body says each text.
func wantBody(t *testing.T, rec *httptest.ResponseRecorder, status int, texts ...string) {
	t.Helper()
	if rec.Code != status {
		t.Errorf("status: got %d, want %d; body %.800s", rec.Code, status, rec.Body)
	}
	for _, s := range texts {
		if !strings.Contains(rec.Body.String(), s) {
			t.Errorf("the page lacks %q: %.1500s", s, rec.Body)
		}
	}
}

// TestAwardingThroughPages: the arts department nominates an issuer, who
// awards one learner and then a CSV file (preview with per-row problems,
// nothing issued until confirmed, progress, done); the award is
// suspended, reinstated and corrected; the nomination is withdrawn and
// with it the right to award.
func TestAwardingThroughPages(t *testing.T) {
	w := newAwardWorld(t)
	oid := strconv.FormatInt(w.offering, 10)
	page := "/offerings/" + oid + "/awards"

	wantBody(t, w.as(t, "registrar", "GET", "/offerings/"+oid, nil, nil), 200, `href="`+page+`"`)

	// Nobody but the central office, the department and its nominees.
	wantBody(t, w.as(t, "quinn", "GET", page, nil, nil), 403, "only the central office")
	wantBody(t, w.post(t, "quinn", page, url.Values{"email": {"ada@example.edu"}, "name": {"Ada"}}), 403, "you may not award offering")
	wantBody(t, w.as(t, "registrar", "GET", page, nil, nil), 200, "Award one learner", "Nominate someone", "No awards yet")
	// The department chair nominates but does not award.
	chairPage := w.as(t, "artschair", "GET", page, nil, nil)
	wantBody(t, chairPage, 200, "Nominate someone")
	if strings.Contains(chairPage.Body.String(), "Award one learner") {
		t.Error("the department chair, not nominated, is offered the award form")
	}
	wantBody(t, w.post(t, "artschair", page, url.Values{"email": {"ada@example.edu"}, "name": {"Ada"}}), 403, "you may not award")
	wantBody(t, w.post(t, "pat", "/offerings/"+oid+"/issuers", url.Values{"email": {"quinn@kpu.example.edu"}}), 403, "only the central office")
	wantBody(t, w.post(t, "artschair", "/offerings/"+oid+"/issuers", url.Values{"email": {"nobody@kpu.example.edu"}}), 422, "no one at cairn has the address")
	rec := w.post(t, "artschair", "/offerings/"+oid+"/issuers", url.Values{"email": {"quinn@kpu.example.edu"}})
	if rec.Code != 303 || rec.Header().Get("Location") != page+"?done=nominated" {
		t.Fatalf("nominate: got %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	wantBody(t, w.as(t, "quinn", "GET", page+"?done=nominated", nil, nil), 200, "quinn &lt;quinn@kpu.example.edu&gt;", "Award one learner")

	// One award; the same again issues nothing new.
	wantBody(t, w.post(t, "quinn", page, url.Values{"email": {"not-an-email"}, "name": {"Ada"}}), 422, "The award was refused", "email")
	form := url.Values{"email": {"ada@example.edu"}, "name": {"Ada Lovelace"}, "result": {"A"}, "evidence_url": {"https://portfolio.example.edu/ada"}}
	first := locationID(t, w.post(t, "quinn", page, form), "/awards/")
	rec = w.post(t, "quinn", page, form)
	if again := locationID(t, rec, "/awards/"); again != first || !strings.HasSuffix(rec.Header().Get("Location"), "done=existing") {
		t.Errorf("award again: got %q, want award %d as existing", rec.Header().Get("Location"), first)
	}
	awardPage := "/awards/" + strconv.FormatInt(first, 10)
	wantBody(t, w.as(t, "quinn", "GET", awardPage+"?done=issued", nil, nil), 200, "The award was issued", "Active", "OpenBadgeCredential", "Valid until</dt><dd>does not expire")

	// A CSV file: previewed with its problems; nothing issued until
	// confirmed.
	csv := "email,name,result\n" +
		"ada@example.edu,Ada Lovelace,A\n" +
		"bob@example.edu,Bob,B+\n" +
		"not-an-email,Nobody,C\n" +
		"carol@example.edu,Carol,A-\n" +
		"BOB@example.edu,Bob again,B\n"
	body, ct := csvUpload(t, false, csv)
	batch := locationID(t, w.as(t, "quinn", "POST", "/offerings/"+oid+"/batches", body, map[string]string{"Content-Type": ct}), "/batches/")
	batchPage := "/batches/" + strconv.FormatInt(batch, 10)
	rec = w.as(t, "quinn", "GET", batchPage, nil, nil)
	wantBody(t, rec, 200, "Nothing has been issued yet", "Confirm: award 2 learners", "already awarded", "duplicate", "not-an-email")
	if strings.Contains(rec.Body.String(), `http-equiv="refresh"`) {
		t.Error("the preview reloads itself")
	}
	if n := w.awardCount(t); n != 1 {
		t.Fatalf("after the upload: %d awards, want 1 (nothing issued before confirming)", n)
	}
	wantBody(t, w.as(t, "registrar", "GET", page, nil, nil), 200, "cohort-3.csv")
	if rec := w.post(t, "quinn", batchPage+"/confirm", nil); rec.Code != 303 || rec.Header().Get("Location") != batchPage+"?done=confirmed" {
		t.Fatalf("confirm: got %d to %q; %.300s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	wantBody(t, w.as(t, "quinn", "GET", batchPage, nil, nil), 200, `<meta http-equiv="refresh" content="2">`, "<progress", "0 of 2")
	if b := w.runBatch(t, batch); b.State != award.Done || b.Issued != 2 {
		t.Fatalf("run: got %+v, want done with 2 issued", b)
	}
	rec = w.as(t, "quinn", "GET", batchPage, nil, nil)
	wantBody(t, rec, 200, "Done")
	if strings.Contains(rec.Body.String(), `http-equiv="refresh"`) {
		t.Error("a finished batch's page still reloads itself")
	}
	if n := w.awardCount(t); n != 3 {
		t.Errorf("after the batch: %d awards, want 3", n)
	}
	wantBody(t, w.post(t, "quinn", batchPage+"/confirm", nil), 409, "cannot be confirmed")

	// Suspend (a reason is required), reinstate, correct.
	wantBody(t, w.post(t, "quinn", awardPage+"/status", url.Values{"action": {"suspend"}, "reason": {""}}), 422, "was refused")
	wantBody(t, w.post(t, "pat", awardPage+"/status", url.Values{"action": {"suspend"}, "reason": {"x"}}), 403, "you may not award")
	rec = w.post(t, "quinn", awardPage+"/status", url.Values{"action": {"suspend"}, "reason": {"Academic integrity inquiry"}})
	if rec.Code != 303 {
		t.Fatalf("suspend: got %d %.300s", rec.Code, rec.Body)
	}
	wantBody(t, w.as(t, "quinn", "GET", awardPage, nil, nil), 200, "Suspended: Academic integrity inquiry", `value="reinstate"`)
	if rec := w.post(t, "quinn", awardPage+"/status", url.Values{"action": {"reinstate"}, "reason": {"Inquiry closed"}}); rec.Code != 303 {
		t.Fatalf("reinstate: got %d %.300s", rec.Code, rec.Body)
	}
	wantBody(t, w.post(t, "quinn", awardPage+"/correct", url.Values{"email": {"someone@example.edu"}, "name": {"Ada"}, "reason": {"grade"}}), 422, "not the address this award was issued to")
	corrected := locationID(t, w.post(t, "quinn", awardPage+"/correct", url.Values{"email": {"ada@example.edu"}, "name": {"Ada Lovelace"},
		"result": {"A+"}, "reason": {"Grade changed on appeal"}}), "/awards/")
	wantBody(t, w.as(t, "quinn", "GET", "/awards/"+strconv.FormatInt(corrected, 10)+"?done=corrected", nil, nil), 200,
		"replaces the previous one", `href="/awards/`+strconv.FormatInt(first, 10)+`"`)
	wantBody(t, w.as(t, "quinn", "GET", awardPage, nil, nil), 200, "Revoked: corrected: Grade changed on appeal")

	// Withdrawn, the nominee may award no more.
	if rec := w.post(t, "artschair", "/offerings/"+oid+"/issuers/withdraw", url.Values{"person_id": {strconv.FormatInt(w.who["quinn"], 10)}}); rec.Code != 303 {
		t.Fatalf("withdraw: got %d %.300s", rec.Code, rec.Body)
	}
	wantBody(t, w.post(t, "quinn", page, url.Values{"email": {"dan@example.edu"}, "name": {"Dan"}}), 403, "you may not award")
}

// TestAwardingRefusals: an offering that is not approved cannot be
// awarded and says why; without issuing identities nothing is signed.
func TestAwardingRefusals(t *testing.T) {
	w := newAwardWorld(t)
	draft := w.world.offering(t, draftForm())
	page := "/offerings/" + strconv.FormatInt(draft.ID, 10) + "/awards"
	wantBody(t, w.as(t, "registrar", "GET", page, nil, nil), 200, "cannot be awarded now", "not approved")
	wantBody(t, w.post(t, "registrar", page, url.Values{"email": {"ada@example.edu"}, "name": {"Ada"}}), 422, "not approved, and cannot be awarded")
	body, ct := csvUpload(t, false, "email\nada@example.edu\n")
	wantBody(t, w.as(t, "registrar", "POST", "/offerings/"+strconv.FormatInt(draft.ID, 10)+"/batches", body, map[string]string{"Content-Type": ct}), 422, "not approved")

	// A file without rows, or with a broken header, is refused whole.
	okPage := "/offerings/" + strconv.FormatInt(w.offering, 10)
	body, ct = csvUpload(t, false, "email\n")
	wantBody(t, w.as(t, "registrar", "POST", okPage+"/batches", body, map[string]string{"Content-Type": ct}), 422, "csv: the file has a header but no rows")
	// A learner without an account is a row error when required.
	body, ct = csvUpload(t, true, "email\nstranger@example.edu\n")
	batch := locationID(t, w.as(t, "registrar", "POST", okPage+"/batches", body, map[string]string{"Content-Type": ct}), "/batches/")
	wantBody(t, w.as(t, "registrar", "GET", "/batches/"+strconv.FormatInt(batch, 10), nil, nil), 200, "unknown learner")

	w.srv.issuers = nil
	wantBody(t, w.post(t, "registrar", okPage+"/awards", url.Values{"email": {"ada@example.edu"}, "name": {"Ada"}}), 503, "no issuing identity")
}

// TestAwardingThroughAPI runs the same through /api/v1 with a token.
func TestAwardingThroughAPI(t *testing.T) {
	w := newAwardWorld(t)
	tok := map[string]string{"Authorization": "Bearer " + w.token("registrar", ScopeAwardsWrite), "Content-Type": "application/json"}
	base := "/api/v1/offerings/" + strconv.FormatInt(w.offering, 10)
	send := func(method, target, body string, header map[string]string) *httptest.ResponseRecorder {
		t.Helper()
		return w.fixture.do(t, method, target, strings.NewReader(body), header)
	}

	rec := send("POST", base+"/awards", `{"email":"ada@example.edu","name":"Ada","result":"A"}`, tok)
	wantStatus(t, rec, 201, "application/json")
	a := decode[awardJSON](t, rec)
	if a.ID == 0 || a.State != "active" || a.OfferingID != w.offering || len(a.Credential) == 0 || rec.Header().Get("Location") != "/api/v1/awards/"+strconv.FormatInt(a.ID, 10) {
		t.Fatalf("award: got %+v at %q", a, rec.Header().Get("Location"))
	}
	rec = send("POST", base+"/awards", `{"email":"ada@example.edu","name":"Ada","result":"A"}`, tok)
	wantStatus(t, rec, 200, "application/json")
	if again := decode[awardJSON](t, rec); again.ID != a.ID {
		t.Errorf("again: got award %d, want %d", again.ID, a.ID)
	}
	wantStatus(t, send("POST", base+"/awards", `{"email":"ada@example.edu","nmae":"Ada"}`, tok), 400, "application/problem+json")
	casesTok := map[string]string{"Authorization": "Bearer " + w.token("registrar", ScopeCasesWrite), "Content-Type": "application/json"}
	wantStatus(t, send("POST", base+"/awards", `{"email":"ada@example.edu","name":"Ada"}`, casesTok), 403, "application/problem+json")
	patTok := map[string]string{"Authorization": "Bearer " + w.token("pat", ScopeAwardsWrite), "Content-Type": "application/json"}
	wantStatus(t, send("POST", base+"/awards", `{"email":"ada@example.edu","name":"Ada"}`, patTok), 403, "application/problem+json")

	// A batch: preview, confirm, run, done.
	csvTok := map[string]string{"Authorization": tok["Authorization"], "Content-Type": "text/csv"}
	wantStatus(t, send("POST", base+"/batches", "email\nx@example.edu\n", tok), 400, "application/problem+json")
	rec = send("POST", base+"/batches?source=cohort.csv", "email,name\nada@example.edu,Ada\nbob@example.edu,Bob\nbad,Bad\n", csvTok)
	wantStatus(t, rec, 201, "application/json")
	b := decode[batchJSON](t, rec)
	if b.State != "preview" || b.Total != 3 || b.Invalid != 1 || b.Existing != 1 || b.ToAward != 1 || len(b.Problems) != 2 || b.Links["confirm"] == "" || b.Source != "cohort.csv" {
		t.Fatalf("batch: got %+v", b)
	}
	if p := b.Problems[1]; p.Line != 4 || p.Field != "email" || p.State != "invalid" {
		t.Errorf("problem: got %+v, want line 4's bad email", p)
	}
	self := "/api/v1/batches/" + strconv.FormatInt(b.ID, 10)
	rec = send("POST", self+"/confirm", "", tok)
	wantStatus(t, rec, 200, "application/json")
	if got := decode[batchJSON](t, rec); got.State != "queued" {
		t.Errorf("confirm: got %s, want queued", got.State)
	}
	w.runBatch(t, b.ID)
	rec = send("GET", self, "", tok)
	if got := decode[batchJSON](t, rec); got.State != "done" || got.Issued != 1 || got.Done != 1 {
		t.Errorf("after the run: got %+v", got)
	}
	wantStatus(t, send("POST", self+"/confirm", "", tok), 409, "application/problem+json")
	rec = send("GET", base+"/awards", "", tok)
	list := decode[struct {
		Awards []awardJSON `json:"awards"`
		Next   string      `json:"next"`
	}](t, rec)
	if rec.Code != 200 || len(list.Awards) != 2 || list.Awards[0].ID != a.ID || list.Awards[1].BatchID != b.ID || list.Awards[0].Credential != nil || list.Next != "" {
		t.Fatalf("list: got %d %+v", rec.Code, list)
	}
	bob := list.Awards[1].ID
	// A batch cancelled before confirming issues nothing.
	rec = send("POST", base+"/batches", "email\ncarol@example.edu\n", csvTok)
	cancelled := decode[batchJSON](t, rec)
	rec = send("POST", "/api/v1/batches/"+strconv.FormatInt(cancelled.ID, 10)+"/cancel", "", tok)
	if got := decode[batchJSON](t, rec); rec.Code != 200 || got.State != "cancelled" {
		t.Errorf("cancel: got %d %+v", rec.Code, got)
	}
	wantStatus(t, send("POST", "/api/v1/batches/"+strconv.FormatInt(cancelled.ID, 10)+"/confirm", "", tok), 409, "application/problem+json")
	// A correction re-issues, linked to the award it replaces.
	bobURL := "/api/v1/awards/" + strconv.FormatInt(bob, 10)
	wantStatus(t, send("POST", bobURL+"/correct", `{"email":"eve@example.edu","name":"Bob","reason":"grade"}`, tok), 400, "application/problem+json")
	rec = send("POST", bobURL+"/correct", `{"email":"bob@example.edu","name":"Bob","result":"A","reason":"Grade changed on appeal"}`, tok)
	wantStatus(t, rec, 201, "application/json")
	if got := decode[awardJSON](t, rec); got.ReplacesID != bob || got.State != "active" || got.ID == bob {
		t.Errorf("correct: got %+v, want a new active award replacing %d", got, bob)
	}
	if got := decode[awardJSON](t, send("GET", bobURL, "", tok)); got.State != "revoked" || !strings.HasPrefix(got.StatusReason, "corrected: ") {
		t.Errorf("the corrected award: got %+v, want revoked as corrected", got)
	}

	// Over the upload limit: 413 with the limit.
	line := "someone.with.a.rather.long.address.for.this.test@example.edu\n"
	big := "email\n" + strings.Repeat(line, int(w.srv.cfg.MaxUploadBytes)/len(line)+1)
	rec = send("POST", base+"/batches", big, csvTok)
	wantStatus(t, rec, 413, "application/problem+json")
	if !strings.Contains(rec.Body.String(), "8 MiB") {
		t.Errorf("too large: %.300s, want the limit named", rec.Body)
	}

	// Status changes.
	aid := "/api/v1/awards/" + strconv.FormatInt(a.ID, 10)
	wantStatus(t, send("POST", aid+"/suspend", `{"reason":""}`, tok), 400, "application/problem+json")
	rec = send("POST", aid+"/suspend", `{"reason":"Inquiry"}`, tok)
	if got := decode[awardJSON](t, rec); rec.Code != 200 || got.State != "suspended" || got.StatusReason != "Inquiry" {
		t.Errorf("suspend: got %d %+v", rec.Code, got)
	}
	rec = send("POST", aid+"/reinstate", `{"reason":"Cleared"}`, tok)
	if got := decode[awardJSON](t, rec); got.State != "active" {
		t.Errorf("reinstate: got %+v", got)
	}
	rec = send("POST", aid+"/revoke", `{"reason":"Issued in error"}`, tok)
	if got := decode[awardJSON](t, rec); got.State != "revoked" {
		t.Errorf("revoke: got %+v", got)
	}
	wantStatus(t, send("POST", aid+"/revoke", `{"reason":"again"}`, tok), 409, "application/problem+json")
	readTok := map[string]string{"Authorization": "Bearer " + w.token("registrar", ScopeCredentialsRead)}
	rec = send("GET", aid, "", readTok)
	if got := decode[awardJSON](t, rec); rec.Code != 200 || got.Status != "revoked" {
		t.Errorf("read: got %d %+v", rec.Code, got)
	}
	wantStatus(t, send("POST", aid+"/suspend", `{"reason":"x"}`, readTok), 403, "application/problem+json")
}
