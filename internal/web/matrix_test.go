package web

import (
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// personas are who the access matrix sends each request as: people by
// session cookie (the installation operator holds no role at the
// institution), and API tokens of the proponent with and without the
// cases scopes.
var personas = []string{"anonymous", "learner", "pat", "rev1", "chair", "provost", "secretary", "admin", "operator", "token:cases", "token:other"}

// allowedBy says, independently of authorize, who may use a route that
// needs act. Tokens act as the proponent pat, within their scopes, and
// only on API routes.
func allowedBy(act action, persona string, isAPI bool) bool {
	staff := []string{"pat", "rev1", "chair", "provost", "secretary", "admin"}
	switch persona {
	case "token:cases":
		if !isAPI {
			return act == actPublic
		}
		if act == actAward || act == actReadAwards || act == actWallet {
			return false // the cases scopes do not grant awarding, nor reading one's wallet
		}
		persona = "pat"
	case "token:other":
		if !isAPI {
			return act == actPublic
		}
		// awards:write lets the proponent, who is staff, reach the
		// awarding routes; whether they may award is the handlers'.
		return act == actPublic || act == actSignedIn || act == actAward || act == actReadAwards
	}
	switch act {
	case actPublic:
		return true
	case actSignedIn, actWallet:
		// Everyone signed in has a wallet; a learner finds their own
		// awards in it (another's award is 404: TestWalletIsPrivate).
		return persona != "anonymous"
	case actReadOfferings, actViewCase, actActOnCase, actReadPeople:
		return slices.Contains(staff, persona)
	case actPropose:
		return persona == "pat"
	case actChair:
		return persona == "chair"
	case actProvost:
		return persona == "provost"
	case actSecretariat:
		return persona == "secretary"
	case actAdmin:
		return persona == "admin"
	case actAdministration:
		return persona == "admin" || persona == "operator"
	case actOperate:
		// An installation operator, who holds no role at any institution.
		return persona == "operator"
	case actAward, actReadAwards:
		return slices.Contains(staff, persona)
	case actLifecycle:
		return persona == "provost" || persona == "chair"
	case actIssueCredentials:
		// Only an API token whose person has an issuing role; no
		// persona's token is one (the issuing tests cover those that are).
		return false
	}
	return false
}

// denied reports whether an answer refuses the actor for who they are:
// 401, a redirect to the sign-in page, or a 403 from the role or scope
// check (a 403 from the approval engine, about the case, is not one).
func denied(rec *httptest.ResponseRecorder) bool {
	switch {
	case rec.Code == 401:
		return true
	case rec.Code == 303 && (strings.HasPrefix(rec.Header().Get("Location"), "/signin") || strings.HasPrefix(rec.Header().Get("Location"), "/wallet/signin")):
		return true
	case rec.Code == 403:
		b := rec.Body.String()
		return strings.Contains(b, "your roles do not allow this") || strings.Contains(b, "does not grant")
	}
	return false
}

// TestAccessMatrix sends every route as every persona and checks each is
// allowed or denied as allowedBy says.
func TestAccessMatrix(t *testing.T) {
	w := newWorld(t)
	w.operator(t)
	o := w.offering(t, draftForm())
	c, _, err := w.srv.approvals.SubmitProposal(t.Context(), proposal(o.ID, w.who["pat"]))
	if err != nil {
		t.Fatal(err)
	}
	other := w.offering(t, draftForm())
	smc, err := w.store.CommitteeByKey(t.Context(), w.inst.ID, "smc")
	if err != nil {
		t.Fatal(err)
	}
	fill := strings.NewReplacer(
		"{name}", "style.css",
		"{action}", "declare_conflict",
		"{institution}", "kpu",
		"{offering}", "no-such-offering",
		"{$}", "",
		"{file}", "credential.json",
		"{token}", "no-such-link",
		"{endorsement}", "1",
		"{public}", "no-such-public-link",
		"{person}", strconv.FormatInt(w.who["pat"], 10),
		"{unit}", strconv.FormatInt(w.units["arts"], 10),
		"{committee}", strconv.FormatInt(smc.ID, 10),
	)
	tokens := map[string]string{
		"token:cases": w.token("pat", ScopeCasesRead, ScopeCasesWrite),
		"token:other": w.token("pat", "awards:write"),
	}
	for _, rt := range w.srv.routes() {
		path := fill.Replace(rt.pattern)
		switch {
		case strings.HasPrefix(path, "/cases/{id}"), strings.HasPrefix(path, "/api/v1/cases/{id}"):
			path = strings.Replace(path, "{id}", strconv.FormatInt(c.ID, 10), 1)
		case strings.Contains(path, "/offerings/{id}"):
			path = strings.Replace(path, "{id}", strconv.FormatInt(other.ID, 10), 1)
		case strings.Contains(path, "/institutions/{id}"):
			path = strings.Replace(path, "{id}", strconv.FormatInt(w.inst.ID, 10), 1)
		}
		if path == "/api/v1/people" {
			path += "?institution=" + strconv.FormatInt(w.inst.ID, 10)
		}
		for _, who := range personas {
			want := allowedBy(rt.allow, who, rt.kind == api)
			t.Run(rt.name()+" as "+who, func(t *testing.T) {
				header := map[string]string{}
				name := who
				if tok, ok := tokens[who]; ok {
					header["Authorization"] = "Bearer " + tok
					name = ""
				} else if who == "anonymous" {
					name = ""
				} else if rt.pattern == "/signout" {
					// Signing out ends the session; later requests need theirs.
					tok, _ := w.accounts.StartSession(t.Context(), w.who[who], "test")
					w.sessions[who+"-out"] = tok
					name = who + "-out"
				}
				if rt.kind == api && rt.method != "GET" {
					header["Content-Type"] = "application/json"
				}
				rec := w.as(t, name, rt.method, path, nil, header)
				if got := !denied(rec); got != want {
					t.Errorf("%s %s: allowed %v, want %v (status %d, location %q, body %.300s)", rt.method, path, got, want, rec.Code, rec.Header().Get("Location"), rec.Body)
				}
				if !want && rt.kind == api && rec.Code == 401 && rec.Header().Get("WWW-Authenticate") == "" {
					t.Error("a 401 without WWW-Authenticate")
				}
			})
		}
	}
}

func TestBadBearerTokenIsUnauthorized(t *testing.T) {
	w := newWorld(t)
	for name, h := range map[string]string{
		"unknown token":  "Bearer nope",
		"wrong scheme":   "Basic dXNlcjpwYXNz",
		"empty token":    "Bearer ",
		"overlong token": "Bearer " + strings.Repeat("a", maxTokenBytes+1),
	} {
		t.Run(name, func(t *testing.T) {
			rec := w.fixture.do(t, "GET", "/api/v1/me", nil, map[string]string{"Authorization": h})
			wantStatus(t, rec, 401, "application/problem+json")
		})
	}
}

func TestCookieAuthenticatedAPIIsGuardedAgainstCrossSiteRequests(t *testing.T) {
	w := newWorld(t)
	rec := w.as(t, "pat", "POST", "/api/v1/offerings", strings.NewReader(`{}`), map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site", "Content-Type": "application/json"})
	if rec.Code != 403 || !strings.Contains(rec.Body.String(), "another site") {
		t.Errorf("got %d %.300s, want 403 refusing the cross-site request", rec.Code, rec.Body)
	}
	tok := w.token("pat", ScopeCasesWrite)
	rec = w.fixture.do(t, "POST", "/api/v1/offerings", strings.NewReader(`{}`), map[string]string{"Authorization": "Bearer " + tok, "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site", "Content-Type": "application/json"})
	if rec.Code == 403 {
		t.Errorf("a bearer-token request was refused as cross-site: %.300s", rec.Body)
	}
}

func TestSignInAndOut(t *testing.T) {
	w := newWorld(t)
	rec := w.post(t, "", "/signin", map[string][]string{"email": {"pat@kpu.example.edu"}, "password": {"wrong"}})
	if rec.Code != 401 || !strings.Contains(rec.Body.String(), "not right") {
		t.Errorf("wrong password: got %d, want 401 saying so", rec.Code)
	}
	rec = w.post(t, "", "/signin", map[string][]string{"email": {"pat@kpu.example.edu"}, "password": {"pw-pat"}, "next": {"//evil.example/"}})
	if rec.Code != 303 || rec.Header().Get("Location") != "/tasks" {
		t.Fatalf("sign in: got %d to %q, want 303 to /tasks (never another site)", rec.Code, rec.Header().Get("Location"))
	}
	cookie := rec.Result().Cookies()[0]
	if cookie.Name != SessionCookie || !cookie.HttpOnly || cookie.SameSite == 0 || cookie.Value == "" {
		t.Errorf("cookie: got %+v, want an HttpOnly SameSite session cookie", cookie)
	}
	w.sessions["fresh"] = cookie.Value
	if got := w.as(t, "fresh", "GET", "/tasks", nil, nil); got.Code != 200 || got.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("tasks: got %d, cache %q, want 200 no-store", got.Code, got.Header().Get("Cache-Control"))
	}
	if got := w.post(t, "fresh", "/signout", nil); got.Code != 303 {
		t.Errorf("sign out: got %d, want 303", got.Code)
	}
	if got := w.as(t, "fresh", "GET", "/tasks", nil, nil); got.Code != 303 || !strings.HasPrefix(got.Header().Get("Location"), "/signin?next=%2Ftasks") {
		t.Errorf("after signing out: got %d to %q, want the sign-in page", got.Code, got.Header().Get("Location"))
	}
}
