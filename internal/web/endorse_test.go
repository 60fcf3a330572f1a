package web

import (
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"cairn/internal/org"
	"cairn/internal/sqlstore"
)

var endorseLink = regexp.MustCompile(`value="https?://[^/"]+(/endorse/[A-Za-z0-9_-]{43})"`)

// TestEndorsementThroughInvitation: the registrar invites an endorsement;
// the partner endorses through the link, once; the registry page and
// achievement.json show it, and the EndorsementCredential verifies.
func TestEndorsementThroughInvitation(t *testing.T) {
	w := newIssuingWorld(t)
	oid := strconv.FormatInt(w.offering, 10)
	page := "/offerings/" + oid + "/endorsements"
	partner := org.Partner{InstitutionID: w.inst.ID, Kind: org.Employer, Name: "Fraser Health", Website: "https://fraserhealth.example"}
	if err := w.store.CreatePartner(t.Context(), &partner); err != nil {
		t.Fatal(err)
	}

	// Only those who may award the offering invite.
	wantBody(t, w.as(t, "registrar", "GET", "/offerings/"+oid+"/awards", nil, nil), 200, `href="`+page+`"`)
	wantBody(t, w.as(t, "quinn", "GET", page, nil, nil), 403, "only the central office")
	wantBody(t, w.post(t, "quinn", page, url.Values{}), 403, "you may not award")
	wantBody(t, w.post(t, "artschair", page, url.Values{}), 403, "you may not award")
	if rec := w.post(t, "", page, url.Values{}); rec.Code != 401 && (rec.Code != 303 || !strings.HasPrefix(rec.Header().Get("Location"), "/signin")) {
		t.Errorf("anonymous invite: got %d to %q, want it refused", rec.Code, rec.Header().Get("Location"))
	}
	wantBody(t, w.as(t, "registrar", "GET", page, nil, nil), 200, "Invite an endorsement", "No endorsements yet", "Fraser Health")
	wantBody(t, w.post(t, "registrar", page, url.Values{"partner_id": {"999999"}}), 404)

	rec := w.post(t, "registrar", page, url.Values{"partner_id": {strconv.FormatInt(partner.ID, 10)}})
	wantBody(t, rec, 201, "Invitation link created", "shown this once")
	m := endorseLink.FindStringSubmatch(rec.Body.String())
	if m == nil {
		t.Fatalf("no invitation link on the page: %.2000s", rec.Body)
	}
	link := m[1]
	if again := w.as(t, "registrar", "GET", page, nil, nil); strings.Contains(again.Body.String(), link) {
		t.Error("the invitation link is shown again")
	}

	// The partner's form: the food label's summary, the partner named.
	form := w.as(t, "", "GET", link, nil, nil)
	wantBody(t, form, 200, "Fraser Health", "What you are endorsing", "Credit status", `name="affirm"`, `value="https://fraserhealth.example"`)
	if form.Header().Get("Cache-Control") != "no-store" || form.Header().Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("headers: %v, want no-store and no-referrer", form.Header())
	}
	wantLabelled(t, form.Body.String())
	wantLabelled(t, w.as(t, "registrar", "GET", page, nil, nil).Body.String())
	endorse := url.Values{"name": {"Dana Okafor"}, "organisation": {"Fraser Health"}, "url": {"https://fraserhealth.example"},
		"email": {"dana@fraserhealth.example"}, "comment": {"Graduates of this course are ready for our wards."}}
	wantBody(t, w.post(t, "", link, endorse), 422, "you must affirm")
	bad := url.Values{"name": {"Dana"}, "organisation": {"FH"}, "url": {"javascript:alert(1)"}, "comment": {"x"}, "affirm": {"1"}}
	wantBody(t, w.post(t, "", link, bad), 422, "http or https")
	endorse.Set("affirm", "1")
	wantBody(t, w.post(t, "", link, endorse), 201, "Thank you", "signed endorsement credential")

	// Used up.
	wantBody(t, w.as(t, "", "GET", link, nil, nil), 409, "used or has expired")
	wantBody(t, w.post(t, "", link, endorse), 409, "used or has expired")
	wantBody(t, w.as(t, "", "GET", "/endorse/"+strings.Repeat("A", 43), nil, nil), 404, "not known")
	wantBody(t, w.as(t, "", "GET", "/endorse/short", nil, nil), 404)

	// The staff page lists it, with the email; the registry without.
	wantBody(t, w.as(t, "registrar", "GET", page, nil, nil), 200, "Dana Okafor", "dana@fraserhealth.example", "ready for our wards")
	inst, off, err := w.store.RegistrySlug(t.Context(), w.offering)
	if err != nil {
		t.Fatal(err)
	}
	regPage := "/registry/" + inst + "/" + off
	reg := w.as(t, "", "GET", regPage, nil, nil)
	wantBody(t, reg, 200, "Endorsed by", "Fraser Health", "Dana Okafor", "ready for our wards")
	if strings.Contains(reg.Body.String(), "dana@fraserhealth.example") {
		t.Error("the registry page shows the endorser's email")
	}

	// achievement.json carries the signed credential, which verifies.
	doc := w.as(t, "", "GET", regPage+"/achievement.json", nil, nil)
	wantStatus(t, doc, 200, "")
	var a struct {
		ID          string           `json:"id"`
		Endorsement []map[string]any `json:"endorsement"`
	}
	if err := json.Unmarshal(doc.Body.Bytes(), &a); err != nil || len(a.Endorsement) != 1 {
		t.Fatalf("achievement.json: %v %.1500s", err, doc.Body)
	}
	ec := a.Endorsement[0]
	subj, _ := ec["credentialSubject"].(map[string]any)
	iss, _ := ec["issuer"].(map[string]any)
	if subj["id"] != a.ID || subj["endorsementComment"] != "Graduates of this course are ready for our wards." || iss["id"] != w.kpuDID {
		t.Errorf("endorsement credential: subject %v issuer %v, want about %s issued by %s", subj, iss, a.ID, w.kpuDID)
	}
	if strings.Contains(doc.Body.String(), "dana@fraserhealth.example") {
		t.Error("achievement.json carries the endorser's email")
	}
	v := w.postJSON(t, "/credentials/verify", map[string]any{"verifiableCredential": ec})
	wantStatus(t, v, 200, "application/json")
	if res := decode[vcResult](t, v); !res.Verified {
		t.Errorf("verify: got %+v", res)
	}
	ec["credentialSubject"].(map[string]any)["endorsementComment"] = "Tampered."
	v = w.postJSON(t, "/credentials/verify", map[string]any{"verifiableCredential": ec})
	if res := decode[vcResult](t, v); res.Verified {
		t.Error("a tampered endorsement verifies")
	}

	// Later awards embed it in their Achievement, and still verify.
	awardID := locationID(t, w.post(t, "registrar", "/offerings/"+oid+"/awards",
		url.Values{"email": {"ada@example.edu"}, "name": {"Ada Lovelace"}}), "/awards/")
	aw, err := w.store.Award(t.Context(), awardID)
	if err != nil {
		t.Fatal(err)
	}
	var cred struct {
		CredentialSubject struct {
			Achievement struct {
				Endorsement []map[string]any `json:"endorsement"`
			} `json:"achievement"`
		} `json:"credentialSubject"`
	}
	if err := json.Unmarshal(aw.Credential, &cred); err != nil {
		t.Fatal(err)
	}
	if es := cred.CredentialSubject.Achievement.Endorsement; len(es) != 1 || es[0]["proof"] == nil {
		t.Fatalf("the award's achievement embeds %d endorsements, want the signed one: %.1500s", len(es), aw.Credential)
	}
	v = w.postJSON(t, "/credentials/verify", map[string]any{"verifiableCredential": json.RawMessage(aw.Credential)})
	if res := decode[vcResult](t, v); v.Code != 200 || !res.Verified {
		t.Errorf("verify the award: got %d %+v", v.Code, res)
	}

	// An expired link is refused.
	rec = w.post(t, "registrar", page, url.Values{})
	wantBody(t, rec, 201, "Invitation link created")
	late := endorseLink.FindStringSubmatch(rec.Body.String())[1]
	w.srv.now = func() time.Time { return time.Now().Add(31 * 24 * time.Hour) }
	wantBody(t, w.as(t, "", "GET", late, nil, nil), 409, "used or has expired")
}

// wantLabelled checks that every form control on a page has a label.
func wantLabelled(t *testing.T, body string) {
	t.Helper()
	control := regexp.MustCompile(`<(input|select|textarea)\b[^>]*\bid="([^"]+)"`)
	n := 0
	for _, m := range control.FindAllStringSubmatch(body, -1) {
		n++
		if !strings.Contains(body, `<label for="`+m[2]+`"`) {
			t.Errorf("the %s %q has no label", m[1], m[2])
		}
	}
	if n == 0 || !strings.Contains(body, `<main id="main"`) {
		t.Errorf("the page has %d form controls and main landmark %v", n, strings.Contains(body, `<main id="main"`))
	}
}

// TestEndorsementWithdrawal: whoever may invite endorsements withdraws
// one, for a reason that is required (without it the page says so, keeps
// the endorsement and loses nothing typed); others are refused. A
// withdrawn endorsement leaves the registry page, achievement.json and
// later awards, and the withdrawal is in the audit trail. Its credential
// carries a revocation entry, and verifies until the withdrawal, after
// which the status list the server publishes has its bit set and the same
// credential fails verification as revoked.
func TestEndorsementWithdrawal(t *testing.T) {
	w := newIssuingWorld(t)
	oid := strconv.FormatInt(w.offering, 10)
	page := "/offerings/" + oid + "/endorsements"
	rec := w.post(t, "registrar", page, url.Values{})
	wantBody(t, rec, 201, "Invitation link created")
	link := endorseLink.FindStringSubmatch(rec.Body.String())[1]
	wantBody(t, w.post(t, "", link, url.Values{"name": {"Dana Okafor"}, "organisation": {"Fraser Health"},
		"comment": {"Graduates of this course are ready for our wards."}, "affirm": {"1"}}), 201, "Thank you")
	es, err := w.store.Endorsements(t.Context(), w.offering)
	if err != nil || len(es) != 1 {
		t.Fatalf("endorsements: %d, %v", len(es), err)
	}
	withdraw := page + "/" + strconv.FormatInt(es[0].ID, 10) + "/withdraw"
	cred := es[0].Credential
	var entry struct {
		CredentialStatus struct {
			Type, StatusPurpose, StatusListIndex, StatusListCredential string
		} `json:"credentialStatus"`
	}
	if err := json.Unmarshal(cred, &entry); err != nil {
		t.Fatal(err)
	}
	slot := es[0].Revocation
	listURL := issuingBase + "/status/" + strconv.FormatInt(slot.ListID, 10)
	if cs := entry.CredentialStatus; slot.ListID == 0 || cs.Type != "BitstringStatusListEntry" || cs.StatusPurpose != "revocation" ||
		cs.StatusListCredential != listURL || cs.StatusListIndex != strconv.Itoa(slot.Index) {
		t.Fatalf("credentialStatus %+v, entry %+v: want the revocation entry recorded, in %s", cs, slot, listURL)
	}
	// The verify endpoint answers 200 for a credential it verifies, 422
	// for one it refuses.
	verified := func() vcResult {
		t.Helper()
		v := w.postJSON(t, "/credentials/verify", map[string]any{"verifiableCredential": json.RawMessage(cred)})
		res := decode[vcResult](t, v)
		if want := map[bool]int{true: 200, false: 422}[res.Verified]; v.Code != want {
			t.Errorf("verify: got %d for verified %v, want %d", v.Code, res.Verified, want)
		}
		return res
	}
	if res := verified(); !res.Verified || !slices.Contains(res.Checks, "status-revocation") {
		t.Fatalf("before withdrawal: got %+v, want verified with its revocation status checked", res)
	}
	if set, rec := statusBit(t, w, slot.ListID, slot.Index, nil); rec.Code != 200 || set {
		t.Fatalf("before withdrawal: /status/%d answers %d, bit %v", slot.ListID, rec.Code, set)
	}
	staff := w.as(t, "registrar", "GET", page, nil, nil)
	wantBody(t, staff, 200, `action="`+withdraw+`"`, "Reason for withdrawing")
	wantLabelled(t, staff.Body.String())

	inst, off, err := w.store.RegistrySlug(t.Context(), w.offering)
	if err != nil {
		t.Fatal(err)
	}
	regPage := "/registry/" + inst + "/" + off
	shown := func() (onPage, inJSON bool) {
		t.Helper()
		reg := w.as(t, "", "GET", regPage, nil, nil)
		wantStatus(t, reg, 200, "")
		doc := w.as(t, "", "GET", regPage+"/achievement.json", nil, nil)
		wantStatus(t, doc, 200, "")
		return strings.Contains(reg.Body.String(), "ready for our wards"), strings.Contains(doc.Body.String(), `"endorsement"`)
	}
	if onPage, inJSON := shown(); !onPage || !inJSON {
		t.Fatalf("before withdrawal: on the registry page %v, in achievement.json %v; want both", onPage, inJSON)
	}

	// Refused: those who may not award the offering, and anyone signed out.
	reason := url.Values{"reason": {"Fraser Health asked us to withdraw it."}}
	wantBody(t, w.post(t, "quinn", withdraw, reason), 403, "you may not award")
	wantBody(t, w.post(t, "artschair", withdraw, reason), 403, "you may not award")
	if rec := w.post(t, "", withdraw, reason); rec.Code != 401 && (rec.Code != 303 || !strings.HasPrefix(rec.Header().Get("Location"), "/signin")) {
		t.Errorf("anonymous withdrawal: got %d to %q, want it refused", rec.Code, rec.Header().Get("Location"))
	}
	// No reason: a clear error, the endorsement kept.
	rec = w.post(t, "registrar", withdraw, url.Values{"reason": {"  "}})
	wantBody(t, rec, 422, "The endorsement was not withdrawn", "reason: is required", "Dana Okafor")
	if es, _ := w.store.Endorsements(t.Context(), w.offering); len(es) != 1 {
		t.Fatalf("after a withdrawal without a reason: %d endorsements, want 1", len(es))
	}
	// A reason too long is refused, and what was typed is shown again.
	long := strings.Repeat("x", 1001)
	wantBody(t, w.post(t, "registrar", withdraw, url.Values{"reason": {long}}), 422, "at most 1000 characters", `value="`+long+`"`)
	wantBody(t, w.post(t, "registrar", page+"/999999/withdraw", reason), 404)
	if onPage, inJSON := shown(); !onPage || !inJSON {
		t.Fatalf("after refused withdrawals: on the registry page %v, in achievement.json %v; want both", onPage, inJSON)
	}

	rec = w.post(t, "registrar", withdraw, reason)
	if rec.Code != 303 || rec.Header().Get("Location") != page+"?done=withdrawn" {
		t.Fatalf("withdraw: got %d to %q, want a redirect to the endorsements page", rec.Code, rec.Header().Get("Location"))
	}
	after := w.as(t, "registrar", "GET", page+"?done=withdrawn", nil, nil)
	wantBody(t, after, 200, "The endorsement was withdrawn", "No endorsements yet")
	if onPage, inJSON := shown(); onPage || inJSON {
		t.Errorf("after withdrawal: on the registry page %v, in achievement.json %v; want neither", onPage, inJSON)
	}
	wantBody(t, w.post(t, "registrar", withdraw, reason), 404)
	if set, rec := statusBit(t, w, slot.ListID, slot.Index, nil); rec.Code != 200 || !set {
		t.Errorf("after withdrawal: /status/%d answers %d, bit %v; want the bit set", slot.ListID, rec.Code, set)
	}
	if res := verified(); res.Verified || !strings.Contains(strings.Join(res.Errors, " "), "revoked") {
		t.Errorf("after withdrawal: got %+v, want the credential refused as revoked", res)
	}

	awardID := locationID(t, w.post(t, "registrar", "/offerings/"+oid+"/awards",
		url.Values{"email": {"ada@example.edu"}, "name": {"Ada Lovelace"}}), "/awards/")
	aw, err := w.store.Award(t.Context(), awardID)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(aw.Credential), "ready for our wards") || strings.Contains(string(aw.Credential), `"endorsement"`) {
		t.Errorf("an award made after the withdrawal embeds the endorsement: %.1500s", aw.Credential)
	}

	events, err := w.store.AuditLog(t.Context(), 1, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var logged bool
	for _, e := range events {
		logged = logged || (e.Action == "endorsement.withdrawn" && strings.Contains(string(e.Data), "Fraser Health asked us to withdraw it."))
	}
	if !logged {
		t.Error("the audit trail lacks the withdrawal and its reason")
	}
}

// TestEndorsementWithdrawalWithoutStatus: an endorsement made before
// endorsement credentials carried a status entry is withdrawn as before,
// with no status list to publish.
func TestEndorsementWithdrawalWithoutStatus(t *testing.T) {
	w := newIssuingWorld(t)
	token, _, err := w.store.InviteEndorsement(t.Context(), w.offering, 0, w.who["registrar"])
	if err != nil {
		t.Fatal(err)
	}
	e := sqlstore.Endorsement{Version: 1, EndorserName: "Dana Okafor", Organisation: "Fraser Health",
		Comment: "Graduates of this course are ready for our wards.", Credential: []byte(`{"type":["VerifiableCredential","EndorsementCredential"]}`)}
	if err := w.store.Endorse(t.Context(), token, &e); err != nil {
		t.Fatal(err)
	}
	page := "/offerings/" + strconv.FormatInt(w.offering, 10) + "/endorsements"
	rec := w.post(t, "registrar", page+"/"+strconv.FormatInt(e.ID, 10)+"/withdraw", url.Values{"reason": {"Asked to."}})
	if rec.Code != 303 || rec.Header().Get("Location") != page+"?done=withdrawn" {
		t.Fatalf("withdraw: got %d to %q, want a redirect to the endorsements page", rec.Code, rec.Header().Get("Location"))
	}
	if es, err := w.store.Endorsements(t.Context(), w.offering); err != nil || len(es) != 0 {
		t.Errorf("after withdrawal: %d endorsements shown (%v), want none", len(es), err)
	}
}
