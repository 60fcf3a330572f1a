package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"cairn/internal/did"
	"cairn/internal/issuer"
	"cairn/internal/org"
	"cairn/internal/sqlstore"
	"cairn/internal/status"
	"cairn/internal/verify"
)

// issuingBase is the public URL of the issuing tests' server.
const issuingBase = "https://credentials.kpu.example"

// issuingWorld is the award world with the real issuer service: KPU
// issues as did:web under issuingBase, and the verifier fetches DID
// documents and status lists from the server itself.
type issuingWorld struct {
	*awardWorld
	svc    *issuer.Service
	kpuDID string
	tokens map[string]scopedToken
}

// scopedToken is an API token with the account package's semantics of an
// issuer restriction.
type scopedToken struct {
	person    int64
	scopes    []string
	issuerDID string
}

func (t scopedToken) Allows(scope, issuerDID string) bool {
	if t.issuerDID != "" && issuerDID != t.issuerDID && (issuerDID != "" || scope == ScopeCredentialsIssue) {
		return false
	}
	for _, s := range t.scopes {
		if s == scope {
			return true
		}
	}
	return false
}

// issuingAccounts adds scoped tokens to the fake accounts.
type issuingAccounts struct {
	*fakeAccounts
	tokens map[string]scopedToken
}

func (a issuingAccounts) APIToken(ctx context.Context, secret string) (APIToken, org.Person, error) {
	if t, ok := a.tokens[secret]; ok {
		p, err := a.store.Person(ctx, t.person)
		return t, p, err
	}
	return a.fakeAccounts.APIToken(ctx, secret)
}

// selfFetcher serves issuingBase URLs from the server's own handler.
type selfFetcher struct{ w *issuingWorld }

func (f selfFetcher) Fetch(ctx context.Context, url string) ([]byte, error) {
	path, ok := strings.CutPrefix(url, issuingBase)
	if !ok {
		return nil, fmt.Errorf("not fetching %s", url)
	}
	rec := httptest.NewRecorder()
	f.w.handler.ServeHTTP(rec, httptest.NewRequestWithContext(ctx, "GET", path, nil))
	if rec.Code != 200 {
		return nil, fmt.Errorf("GET %s: %d", path, rec.Code)
	}
	return rec.Body.Bytes(), nil
}

func (f selfFetcher) FetchStatusList(ctx context.Context, url string) ([]byte, error) {
	return f.Fetch(ctx, url)
}

func newIssuingWorld(t *testing.T) *issuingWorld {
	t.Helper()
	aw := newAwardWorld(t)
	svc, err := issuer.New(aw.store, issuer.Config{BaseURL: issuingBase, KEK: bytes.Repeat([]byte{1}, issuer.KEKSize),
		DI: aw.di, Clock: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	w := &issuingWorld{awardWorld: aw, svc: svc, tokens: map[string]scopedToken{}}
	id, err := svc.Ensure(t.Context(), w.inst.ID, issuer.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	w.kpuDID = id.DID
	w.srv.issuers = svc
	w.srv.accounts = issuingAccounts{w.accounts, w.tokens}
	sf := selfFetcher{w}
	w.srv.verifier = &verify.Verifier{DI: w.di, JWT: w.jwt, Keys: did.NewResolver(did.ResolverConfig{Fetcher: sf}), Statuses: sf,
		Now: func() time.Time { return testNow.Add(time.Hour) }}
	return w
}

// scoped issues a token for the named person.
func (w *issuingWorld) scoped(name, issuerDID string, scopes ...string) string {
	secret := "scoped-" + name + "-" + issuerDID + "-" + strings.Join(scopes, "+")
	w.tokens[secret] = scopedToken{person: w.who[name], scopes: scopes, issuerDID: issuerDID}
	return secret
}

func (w *issuingWorld) issue(t *testing.T, token string, body any) *httptest.ResponseRecorder {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	h := map[string]string{"Content-Type": "application/json"}
	if token != "" {
		h["Authorization"] = "Bearer " + token
	}
	return w.fixture.do(t, "POST", "/credentials/issue", bytes.NewReader(b), h)
}

// credentialV2 is a minimal VC 2.0 credential issued by issuerDID.
func credentialV2(issuerDID string) map[string]any {
	return map[string]any{
		"@context":          []any{"https://www.w3.org/ns/credentials/v2"},
		"id":                "urn:uuid:2f0d5b7e-3c1a-4b8e-9f6d-7a2c1e4b5d60",
		"type":              []any{"VerifiableCredential"},
		"issuer":            issuerDID,
		"validFrom":         "2026-11-01T00:00:00Z",
		"credentialSubject": map[string]any{"id": "did:example:learner", "name": "Ada Lovelace"},
	}
}

func TestDIDDocumentIsServed(t *testing.T) {
	w := newIssuingWorld(t)
	if w.kpuDID != "did:web:credentials.kpu.example:institutions:kpu" {
		t.Fatalf("KPU's DID: got %s", w.kpuDID)
	}
	rec := w.fixture.do(t, "GET", "/institutions/kpu/did.json", nil, nil)
	wantStatus(t, rec, 200, "application/did+json")
	if got := rec.Header().Get("Cache-Control"); got != "public, max-age=300" {
		t.Errorf("Cache-Control: got %q", got)
	}
	doc, err := did.ParseDocument(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("document: %v", err)
	}
	id, _ := w.svc.Identity(t.Context(), w.inst.ID)
	if doc.ID != w.kpuDID || !doc.Authorizes(did.AssertionMethod, id.VerificationMethod) {
		t.Errorf("document: got %+v, want %s listing %s", doc, w.kpuDID, id.VerificationMethod)
	}
	etag := rec.Header().Get("ETag")
	again := w.fixture.do(t, "GET", "/institutions/kpu/did.json", nil, map[string]string{"If-None-Match": etag})
	if again.Code != 304 || again.Body.Len() != 0 {
		t.Errorf("revalidation: got %d with %d bytes, want an empty 304", again.Code, again.Body.Len())
	}

	// A rotation lists both keys and changes the ETag.
	if _, err := w.svc.Rotate(t.Context(), w.inst.ID, 0); err != nil {
		t.Fatal(err)
	}
	rec = w.fixture.do(t, "GET", "/institutions/kpu/did.json", nil, map[string]string{"If-None-Match": etag})
	wantStatus(t, rec, 200, "application/did+json")
	if doc, _ := did.ParseDocument(rec.Body.Bytes()); doc == nil || len(doc.VerificationMethod) != 2 {
		t.Errorf("after rotation: got %s, want two keys", rec.Body)
	}

	yukon := org.Institution{Slug: "yukon", Name: "Yukon University", Jurisdiction: "CA-YT", TimeZone: "America/Whitehorse"}
	if err := w.store.CreateInstitution(t.Context(), &yukon); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Ensure(t.Context(), yukon.ID, issuer.Settings{Method: issuer.MethodKey}); err != nil {
		t.Fatal(err)
	}
	for path, code := range map[string]int{
		"/institutions/yukon/did.json":   404, // did:key: nothing to serve
		"/institutions/nowhere/did.json": 404,
		"/institutions/KPU!/did.json":    400,
	} {
		if rec := w.fixture.do(t, "GET", path, nil, nil); rec.Code != code {
			t.Errorf("%s: got %d, want %d", path, rec.Code, code)
		}
	}
}

// statusBit fetches status list id and returns its bit at index.
func statusBit(t *testing.T, w *issuingWorld, id int64, index int, header map[string]string) (bool, *httptest.ResponseRecorder) {
	t.Helper()
	rec := w.fixture.do(t, "GET", "/status/"+strconv.FormatInt(id, 10), nil, header)
	if rec.Code != 200 {
		return false, rec
	}
	var vc struct {
		Proof             map[string]any `json:"proof"`
		CredentialSubject struct {
			EncodedList string `json:"encodedList"`
		} `json:"credentialSubject"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &vc); err != nil || vc.Proof == nil {
		t.Fatalf("status list: %v %s, want a signed credential", err, rec.Body)
	}
	l, err := status.Decode(vc.CredentialSubject.EncodedList, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	set, err := l.Get(index)
	if err != nil {
		t.Fatal(err)
	}
	return set, rec
}

func TestStatusListReflectsARevocationAtOnce(t *testing.T) {
	w := newIssuingWorld(t)
	ctx := t.Context()
	p, err := w.svc.Pipeline(ctx, w.inst.ID)
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := w.store.IssueAward(ctx, p, sqlstore.AwardRequest{OfferingID: w.offering, Email: "ada@example.edu", Name: "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	list, index := a.Revocation.ListID, a.Revocation.Index
	set, rec := statusBit(t, w, list, index, nil)
	wantStatus(t, rec, 200, "application/vc+ld+json")
	if set {
		t.Fatal("the bit of an active award is set")
	}
	if got := rec.Header().Get("Cache-Control"); got != "public, max-age=300" {
		t.Errorf("Cache-Control: got %q", got)
	}
	etag := rec.Header().Get("ETag")
	if again := w.fixture.do(t, "GET", "/status/"+strconv.FormatInt(list, 10), nil, map[string]string{"If-None-Match": etag}); again.Code != 304 {
		t.Errorf("revalidation: got %d, want 304", again.Code)
	}
	rep := w.srv.verify(ctx, a.Credential)
	if !rep.Verified {
		t.Fatalf("the award does not verify against the served DID document and status list: %v", rep.Errors)
	}

	if _, err := w.store.Revoke(ctx, p, a.ID, w.who["registrar"], "issued in error"); err != nil {
		t.Fatal(err)
	}
	set, rec = statusBit(t, w, list, index, map[string]string{"If-None-Match": etag})
	if rec.Code != 200 || !set {
		t.Fatalf("after revocation: got %d, bit %v; want 200 with the bit set", rec.Code, set)
	}
	if rec.Header().Get("ETag") == etag {
		t.Error("the ETag did not change with the list")
	}
	if rep := w.srv.verify(ctx, a.Credential); rep.Verified {
		t.Error("a revoked award still verifies")
	}
	for path, code := range map[string]int{"/status/99999": 404, "/status/abc": 400, "/status/0": 400} {
		if rec := w.fixture.do(t, "GET", path, nil, nil); rec.Code != code {
			t.Errorf("%s: got %d, want %d", path, rec.Code, code)
		}
	}
}

func TestIssueCredential(t *testing.T) {
	w := newIssuingWorld(t)
	tok := w.scoped("registrar", w.kpuDID, ScopeCredentialsIssue)

	t.Run("VC 2.0 issued and verified", func(t *testing.T) {
		rec := w.issue(t, tok, map[string]any{"credential": credentialV2(w.kpuDID), "options": map[string]any{}})
		wantStatus(t, rec, 201, "application/json")
		out := decode[struct {
			VerifiableCredential map[string]any `json:"verifiableCredential"`
		}](t, rec)
		proof, _ := out.VerifiableCredential["proof"].(map[string]any)
		if proof["cryptosuite"] != "eddsa-rdfc-2022" || !strings.HasPrefix(fmt.Sprint(proof["verificationMethod"]), w.kpuDID+"#") {
			t.Fatalf("proof: got %v", proof)
		}
		v := w.postJSON(t, "/credentials/verify", map[string]any{"verifiableCredential": out.VerifiableCredential})
		wantStatus(t, v, 200, "application/json")
		if res := decode[vcResult](t, v); !res.Verified {
			t.Errorf("verify: got %+v", res)
		}
	})

	t.Run("with a status list entry", func(t *testing.T) {
		rec := w.issue(t, tok, map[string]any{"credential": without(credentialV2(w.kpuDID), "id"),
			"options": map[string]any{"credentialStatus": map[string]any{"type": "BitstringStatusListEntry"}}})
		wantStatus(t, rec, 201, "application/json")
		out := decode[struct {
			VerifiableCredential map[string]any `json:"verifiableCredential"`
		}](t, rec)
		if id := fmt.Sprint(out.VerifiableCredential["id"]); !strings.HasPrefix(id, "urn:uuid:") {
			t.Errorf("id: got %q, want a urn:uuid given to a credential without one", id)
		}
		cs, _ := out.VerifiableCredential["credentialStatus"].(map[string]any)
		if cs["type"] != "BitstringStatusListEntry" || cs["statusPurpose"] != "revocation" ||
			!strings.HasPrefix(fmt.Sprint(cs["statusListCredential"]), issuingBase+"/status/") {
			t.Fatalf("credentialStatus: got %v", cs)
		}
		v := w.postJSON(t, "/credentials/verify", map[string]any{"verifiableCredential": out.VerifiableCredential})
		res := decode[vcResult](t, v)
		if v.Code != 200 || !res.Verified || !strings.Contains(strings.Join(res.Checks, " "), "status") {
			t.Errorf("verify: got %d %+v, want verified with the status checked", v.Code, res)
		}
	})

	t.Run("VC 1.1 issued and verified", func(t *testing.T) {
		// The repository's micro-credential as Open Badges 3.0 wrote it
		// on VC 1.1.
		var c map[string]any
		if err := json.Unmarshal(bytes.ReplaceAll(w.credential(t), []byte(w.issuer.did), []byte(w.kpuDID)), &c); err != nil {
			t.Fatal(err)
		}
		c["@context"] = []any{"https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"}
		c["expirationDate"] = c["validUntil"]
		delete(c, "validFrom")
		delete(c, "validUntil")
		delete(c, "credentialSchema") // its type is a VC 2.0 term
		rec := w.issue(t, tok, map[string]any{"credential": c,
			"options": map[string]any{"credentialStatus": map[string]any{"type": "BitstringStatusListEntry", "statusPurpose": "suspension"}}})
		wantStatus(t, rec, 201, "application/json")
		out := decode[struct {
			VerifiableCredential map[string]any `json:"verifiableCredential"`
		}](t, rec)
		if out.VerifiableCredential["issuanceDate"] == nil {
			t.Error("no issuanceDate was added")
		}
		v := w.postJSON(t, "/credentials/verify", map[string]any{"verifiableCredential": out.VerifiableCredential})
		if res := decode[vcResult](t, v); v.Code != 200 || !res.Verified {
			t.Errorf("verify: got %d %+v", v.Code, res)
		}
	})

	t.Run("refused", func(t *testing.T) {
		wrongScope := w.scoped("registrar", "", ScopeCasesRead)
		otherIssuer := w.scoped("registrar", "did:web:elsewhere.example", ScopeCredentialsIssue)
		proponent := w.scoped("pat", "", ScopeCredentialsIssue)
		good := map[string]any{"credential": credentialV2(w.kpuDID)}
		for _, c := range []struct {
			name   string
			token  string
			body   any
			status int
			says   string
		}{
			{"no token", "", good, 401, ""},
			{"unknown token", "nope", good, 401, ""},
			{"a token without the issue scope", wrongScope, good, 403, "does not grant"},
			{"a token for another issuer", otherIssuer, good, 403, "does not grant"},
			{"a token of someone who does not issue", proponent, good, 403, "your roles do not allow this"},
			{"an issuer cairn does not hold", w.scoped("registrar", "", ScopeCredentialsIssue), map[string]any{"credential": credentialV2("did:web:elsewhere.example")}, 403, "no issuing key"},
			{"no credential", tok, map[string]any{"options": map[string]any{}}, 400, "credential"},
			{"no @context", tok, map[string]any{"credential": without(credentialV2(w.kpuDID), "@context")}, 400, "@context"},
			{"no credentialSubject", tok, map[string]any{"credential": without(credentialV2(w.kpuDID), "credentialSubject")}, 400, "credentialSubject"},
			{"no VerifiableCredential type", tok, map[string]any{"credential": with(credentialV2(w.kpuDID), "type", []any{"Badge"})}, 400, "VerifiableCredential"},
			{"a proof already", tok, map[string]any{"credential": with(credentialV2(w.kpuDID), "proof", map[string]any{"type": "DataIntegrityProof"})}, 400, "proof"},
			{"another status type", tok, map[string]any{"credential": credentialV2(w.kpuDID), "options": map[string]any{"credentialStatus": map[string]any{"type": "StatusList2021Entry"}}}, 400, "BitstringStatusListEntry"},
			{"valid until before valid from", tok, map[string]any{"credential": with(credentialV2(w.kpuDID), "validUntil", "2026-01-01T00:00:00Z")}, 422, "validUntil"},
			{"a term no context defines", tok, map[string]any{"credential": with(with(credentialV2(w.kpuDID), "@context", []any{"https://www.w3.org/2018/credentials/v1"}), "credentialSubject", map[string]any{"favouriteColour": "teal"})}, 422, "cannot be signed"},
		} {
			t.Run(c.name, func(t *testing.T) {
				rec := w.issue(t, c.token, c.body)
				wantStatus(t, rec, c.status, "application/problem+json")
				if !strings.Contains(rec.Body.String(), c.says) {
					t.Errorf("body: got %s, want it to say %q", rec.Body, c.says)
				}
			})
		}
		// A session, even an administrator's, does not issue.
		rec := w.as(t, "admin", "POST", "/credentials/issue", strings.NewReader(`{}`), map[string]string{"Content-Type": "application/json"})
		if rec.Code != 403 {
			t.Errorf("by session: got %d, want 403", rec.Code)
		}
	})
}

func without(m map[string]any, key string) map[string]any {
	delete(m, key)
	return m
}

func with(m map[string]any, key string, v any) map[string]any {
	m[key] = v
	return m
}

func TestAdministerIssuingIdentity(t *testing.T) {
	w := newIssuingWorld(t)
	page := "/admin/institutions/" + strconv.FormatInt(w.inst.ID, 10) + "/issuing"
	rec := w.as(t, "admin", "GET", page, nil, nil)
	wantBody(t, rec, 200, w.kpuDID, "Rotate the signing key", "Change the proof format")

	rec = w.post(t, "admin", page, map[string][]string{"action": {"rotate"}})
	if rec.Code != 303 || !strings.HasSuffix(rec.Header().Get("Location"), "done=rotated") {
		t.Fatalf("rotate: got %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	if id, _ := w.svc.Identity(t.Context(), w.inst.ID); len(id.Keys) != 2 || id.Keys[0].RetiredAt.IsZero() {
		t.Errorf("after rotation: got %+v, want the first key retired and a second", id.Keys)
	}
	rec = w.post(t, "admin", page, map[string][]string{"action": {"format"}, "format": {"both"}})
	if rec.Code != 303 {
		t.Fatalf("format: got %d %s", rec.Code, rec.Body)
	}
	if id, _ := w.svc.Identity(t.Context(), w.inst.ID); id.Format != "both" {
		t.Errorf("format: got %s, want both", id.Format)
	}
	rec = w.post(t, "admin", page, map[string][]string{"action": {"format"}, "format": {"pdf"}})
	wantBody(t, rec, 400, "must be di, jwt or both")
	if rec := w.post(t, "pat", page, map[string][]string{"action": {"rotate"}}); rec.Code != 403 {
		t.Errorf("rotate by a proponent: got %d, want 403", rec.Code)
	}

	// The API: read, refuse a change of method, rotate, and set up a new
	// institution's identity.
	tok := w.token("admin", ScopeAdmin)
	api := "/api/v1/institutions/" + strconv.FormatInt(w.inst.ID, 10) + "/issuer"
	auth := map[string]string{"Authorization": "Bearer " + tok, "Content-Type": "application/json"}
	rec = w.fixture.do(t, "GET", api, nil, auth)
	wantStatus(t, rec, 200, "application/json")
	got := decode[issuerJSON](t, rec)
	if got.DID != w.kpuDID || got.Method != issuer.MethodWeb || len(got.Keys) != 2 || got.DocumentURL != issuingBase+"/institutions/kpu/did.json" {
		t.Errorf("identity: got %+v", got)
	}
	rec = w.fixture.do(t, "PUT", api, strings.NewReader(`{"method":"did:key"}`), auth)
	wantStatus(t, rec, 400, "application/problem+json")
	rec = w.fixture.do(t, "POST", api+"/rotate", nil, auth)
	if rec.Code != 200 || len(decode[issuerJSON](t, rec).Keys) != 3 {
		t.Errorf("rotate: got %d %s, want 200 with three keys", rec.Code, rec.Body)
	}

	yukon := org.Institution{Slug: "yukon", Name: "Yukon University", Jurisdiction: "CA-YT", TimeZone: "America/Whitehorse"}
	if err := w.store.CreateInstitution(t.Context(), &yukon); err != nil {
		t.Fatal(err)
	}
	if err := w.store.GrantRole(t.Context(), org.RoleGrant{PersonID: w.who["admin"], InstitutionID: yukon.ID, Role: org.Administrator}); err != nil {
		t.Fatal(err)
	}
	yapi := "/api/v1/institutions/" + strconv.FormatInt(yukon.ID, 10) + "/issuer"
	if rec := w.fixture.do(t, "GET", yapi, nil, auth); rec.Code != 404 {
		t.Errorf("before set-up: got %d, want 404", rec.Code)
	}
	rec = w.fixture.do(t, "PUT", yapi, strings.NewReader(`{"method":"did:key","format":"jwt"}`), auth)
	wantStatus(t, rec, 201, "application/json")
	if got := decode[issuerJSON](t, rec); got.Method != issuer.MethodKey || got.Format != "jwt" || !strings.HasPrefix(got.DID, "did:key:") {
		t.Errorf("set up: got %+v", got)
	}
}
