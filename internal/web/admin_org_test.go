package web

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"cairn/internal/org"
)

// TestAdministrationPages sets up an institution through the
// administration pages: an org unit, a person with roles, a committee with
// a member and an elected chair, a closure; each refusal is shown on the
// page, and an administrator of one institution cannot touch another's.
func TestAdministrationPages(t *testing.T) {
	w := newWorld(t)
	ctx := t.Context()
	base := institutionPath(w.inst.ID)
	post := func(who, path string, form url.Values, want int) string {
		t.Helper()
		rec := w.post(t, who, path, form)
		if rec.Code != want {
			t.Fatalf("POST %s as %s: got %d, want %d; %.1500s", path, who, rec.Code, want, rec.Body)
		}
		if want == 303 {
			return rec.Header().Get("Location")
		}
		return rec.Body.String()
	}
	get := func(who, path string) string {
		t.Helper()
		rec := w.as(t, who, "GET", path, nil, nil)
		if rec.Code != 200 {
			t.Fatalf("GET %s as %s: got %d; %.1500s", path, who, rec.Code, rec.Body)
		}
		return rec.Body.String()
	}

	// The institution page shows the committees' composition problems
	// and the profile in brief.
	page := get("admin", base)
	for _, want := range []string{"Composition problems:", "AC15 B.1.b", "Read the whole policy profile", "Add an org unit", "Add a closure"} {
		if !strings.Contains(page, want) {
			t.Errorf("the institution page lacks %q", want)
		}
	}

	// Org units.
	if loc := post("admin", base+"/units", url.Values{"name": {"Faculty of Science"}, "code": {"FSCI"}, "kind": {"faculty"}}, 303); loc != base+"?done=unit" {
		t.Errorf("created a unit, redirected to %q", loc)
	}
	units, err := w.store.OrgUnits(ctx, w.inst.ID)
	if err != nil {
		t.Fatal(err)
	}
	var science org.OrgUnit
	for _, u := range units {
		if u.Name == "Faculty of Science" {
			science = u
		}
	}
	if science.ID == 0 || science.Code != "FSCI" || science.Kind != org.Faculty {
		t.Fatalf("the new unit is %+v", science)
	}
	body := post("admin", base+"/units", url.Values{"name": {""}, "kind": {"faculty"}}, 400)
	if !strings.Contains(body, `id="action-error"`) || !strings.Contains(body, "name") {
		t.Errorf("a unit without a name: the refusal is not shown: %.1500s", body)
	}
	arts := strconv.FormatInt(w.units["arts"], 10)
	post("admin", base+"/units/"+arts, url.Values{"name": {"Arts"}, "kind": {"department"}, "parent": {strconv.FormatInt(science.ID, 10)}, "version": {"1"}}, 303)
	if u, _ := w.store.OrgUnit(ctx, w.units["arts"]); u.Name != "Arts" || u.ParentID != science.ID {
		t.Errorf("the edited unit is %+v", u)
	}
	post("admin", base+"/units/"+arts, url.Values{"name": {"Arts"}, "kind": {"department"}, "parent": {arts}}, 400)

	// People and roles.
	loc := post("admin", base+"/people", url.Values{"name": {"Robin Reyes"}, "email": {"robin@kpu.example.edu"}, "role": {"program_area"}, "unit": {arts}}, 303)
	m := regexp.MustCompile(`/people/(\d+)\?done=person$`).FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("creating a person redirected to %q", loc)
	}
	robin, _ := strconv.ParseInt(m[1], 10, 64)
	personPage := base + "/people/" + m[1]
	page = get("admin", personPage)
	if !strings.Contains(page, "Program area in Arts") {
		t.Errorf("the person page lacks the role: %.2000s", page)
	}
	post("admin", base+"/people", url.Values{"name": {"Robin Again"}, "email": {"robin@kpu.example.edu"}, "role": {"proponent"}}, 409)
	post("admin", base+"/people", url.Values{"name": {"Nobody"}, "email": {"nobody@kpu.example.edu"}, "role": {"superuser"}}, 400)
	post("admin", personPage+"/roles", url.Values{"role": {"proponent"}, "unit": {arts}}, 303)
	post("admin", personPage+"/roles/revoke", url.Values{"role": {"program_area"}, "unit": {arts}}, 303)
	p, err := w.store.Person(ctx, robin)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Roles) != 1 || p.Roles[0].Role != org.Proponent || p.Roles[0].UnitID != w.units["arts"] {
		t.Errorf("after granting and revoking, the roles are %+v", p.Roles)
	}
	post("admin", personPage, url.Values{"name": {"Robin Q. Reyes"}, "email": {"robin@kpu.example.edu"}, "version": {strconv.FormatInt(p.Version, 10)}}, 303)
	if p, _ := w.store.Person(ctx, robin); p.Name != "Robin Q. Reyes" {
		t.Errorf("the renamed person is %q", p.Name)
	}
	body = post("admin", base+"/people/"+strconv.FormatInt(w.who["admin"], 10)+"/roles/revoke", url.Values{"role": {"administrator"}}, 409)
	if !strings.Contains(body, "your own administrator role") {
		t.Errorf("revoking one's own administrator role: %.1000s", body)
	}

	// Committees, members and an election.
	loc = post("admin", base+"/committees", url.Values{"key": {"qa"}, "name": {"Quality Assurance Committee"}}, 303)
	m = regexp.MustCompile(`/committees/(\d+)\?done=committee$`).FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("creating a committee redirected to %q", loc)
	}
	committee := base + "/committees/" + m[1]
	post("admin", committee+"/members", url.Values{"person": {m2s(robin)}, "category": {"faculty"}, "unit": {arts}, "term_start": {"2026-09-01"}}, 303)
	post("admin", committee+"/members", url.Values{"person": {m2s(w.who["quinn"])}, "category": {"faculty"}, "term_start": {"2026-09-01"}, "term_end": {"2027-08-31"}}, 303)
	body = post("admin", committee+"/members", url.Values{"person": {m2s(w.who["quinn"])}, "category": {"faculty"}, "term_start": {"2026-10-01"}}, 409)
	if !strings.Contains(body, `id="action-error"`) {
		t.Errorf("an overlapping term: the refusal is not shown: %.1000s", body)
	}
	post("admin", committee+"/members", url.Values{"person": {m2s(robin)}, "category": {"faculty"}, "term_start": {"someday"}}, 400)
	post("admin", committee+"/elections", url.Values{"at": {"2026-10-01"}, "candidates": {m2s(robin), m2s(w.who["quinn"])},
		"vote." + m2s(robin): {m2s(robin)}, "vote." + m2s(w.who["quinn"]): {m2s(robin)}, "elected": {m2s(robin)}}, 303)
	body = post("admin", committee+"/elections", url.Values{"at": {"2026-10-01"}, "candidates": {m2s(robin), m2s(w.who["quinn"])}, "elected": {m2s(robin)}}, 400)
	if !strings.Contains(body, "votes") {
		t.Errorf("a contested election without votes: %.1000s", body)
	}
	page = get("admin", committee)
	for _, want := range []string{"chair: Robin Q. Reyes", "Robin Q. Reyes elected from Robin Q. Reyes, quinn", "quinn for Robin Q. Reyes", "Term starts", "no composition rule"} {
		if !strings.Contains(page, want) {
			t.Errorf("the committee page lacks %q", want)
		}
	}
	ms, err := w.store.Memberships(ctx, mustID(t, m[1]))
	if err != nil || len(ms) != 2 {
		t.Fatalf("memberships: %v %+v", err, ms)
	}
	post("admin", committee+"/members/"+m2s(ms[1].ID), url.Values{"category": {"faculty"}, "term_start": {"2026-09-01"}, "term_end": {"2026-12-31"}, "version": {m2s(ms[1].Version)}}, 303)
	if got, _ := w.store.Membership(ctx, ms[1].ID); got.TermEnd.Format("2006-01-02") != "2026-12-31" {
		t.Errorf("the term end is %v", got.TermEnd)
	}
	smc, err := w.store.CommitteeByKey(ctx, w.inst.ID, "smc")
	if err != nil {
		t.Fatal(err)
	}
	page = get("admin", base+"/committees/"+m2s(smc.ID))
	if !strings.Contains(page, `id="composition-problems"`) || !strings.Contains(page, "AC15 B.1.b") {
		t.Errorf("the SMC page does not show its composition problems: %.2000s", page)
	}

	// Closures.
	post("admin", base+"/closures", url.Values{"from": {"2026-12-24"}, "to": {"2027-01-02"}, "reason": {"Winter closure"}}, 303)
	post("admin", base+"/closures", url.Values{"from": {"2027-01-02"}, "to": {"2026-12-24"}, "reason": {"Backwards"}}, 400)
	page = get("admin", base)
	if !strings.Contains(page, "24 Dec 2026 to 2 Jan 2027: Winter closure") {
		t.Errorf("the closure is not listed: %.3000s", page)
	}
	cm := regexp.MustCompile(`/closures/(\d+)/remove`).FindStringSubmatch(page)
	if cm == nil {
		t.Fatal("no remove form for the closure")
	}
	post("admin", base+"/closures/"+cm[1]+"/remove", nil, 303)
	if strings.Contains(get("admin", base), "Winter closure") {
		t.Error("the removed closure is still listed")
	}

	// The policy profile, in words.
	page = get("admin", base+"/policy")
	for _, want := range []string{"within 10 working days", "3 reviewers assigned by the chair", "passes by", "Then:", "AC15 B.1.g", "is more than 0", "Credit status is one of: Non-credit, for digital badges"} {
		if !strings.Contains(page, want) {
			t.Errorf("the policy page lacks %q", want)
		}
	}
	for _, raw := range []string{"deadline_days", "per_faculty", "max_exclusive"} {
		if strings.Contains(page, raw) {
			t.Errorf("the policy page shows the raw %q", raw)
		}
	}

	// Another institution's administration is out of reach.
	other := org.Institution{Slug: "yukon", Name: "Yukon University", Jurisdiction: "CA-YT", TimeZone: "America/Whitehorse", PolicyProfile: "yukon"}
	if err := w.store.CreateInstitution(ctx, &other); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{institutionPath(other.ID), institutionPath(other.ID) + "/policy"} {
		if rec := w.as(t, "admin", "GET", path, nil, nil); !denied(rec) {
			t.Errorf("GET %s as KPU's administrator: %d, want denied", path, rec.Code)
		}
	}
	if rec := w.post(t, "admin", institutionPath(other.ID)+"/units", url.Values{"name": {"X"}, "kind": {"faculty"}}); !denied(rec) {
		t.Errorf("adding a unit to another institution: %d, want denied", rec.Code)
	}
	// A person or a committee of another institution is not found through
	// this one's pages.
	yp := org.Person{Name: "Yukon Person", Email: "y@yukon.example.ca"}
	if err := w.store.CreatePerson(ctx, &yp); err != nil {
		t.Fatal(err)
	}
	if err := w.store.GrantRole(ctx, org.RoleGrant{PersonID: yp.ID, InstitutionID: other.ID, Role: org.Proponent}); err != nil {
		t.Fatal(err)
	}
	if rec := w.as(t, "admin", "GET", base+"/people/"+m2s(yp.ID), nil, nil); rec.Code != 404 {
		t.Errorf("another institution's person through this one: %d, want 404", rec.Code)
	}
	if rec := w.post(t, "admin", base+"/people/"+m2s(yp.ID)+"/roles", url.Values{"role": {"administrator"}}); rec.Code != 404 {
		t.Errorf("granting a role to another institution's person: %d, want 404", rec.Code)
	}
	// Granted administration there, its pages render under its own
	// profile.
	if err := w.store.GrantRole(ctx, org.RoleGrant{PersonID: w.who["admin"], InstitutionID: other.ID, Role: org.Administrator}); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{institutionPath(other.ID): "Yukon University", institutionPath(other.ID) + "/policy": "Yukon 4.4"} {
		if page := get("admin", path); !strings.Contains(page, want) {
			t.Errorf("%s lacks %q", path, want)
		}
	}
	for _, who := range []string{"pat", "chair", "provost"} {
		if rec := w.post(t, who, base+"/people", url.Values{"name": {"X"}, "email": {"x@kpu.example.edu"}, "role": {"administrator"}}); !denied(rec) {
			t.Errorf("%s adding a person: %d, want denied", who, rec.Code)
		}
	}
}

func m2s(id int64) string { return strconv.FormatInt(id, 10) }

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
