package web

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"cairn/internal/org"
	"cairn/internal/sqlstore"
)

// operator adds an installation operator, who holds no role at any
// institution, signed in as "operator".
func (w *world) operator(t testing.TB) int64 {
	t.Helper()
	p := org.Person{Name: "Olive Operator", Email: "operator@cairn.example"}
	if err := w.store.CreatePerson(t.Context(), &p); err != nil {
		t.Fatal(err)
	}
	if err := w.store.GrantOperator(t.Context(), p.ID, 0); err != nil {
		t.Fatal(err)
	}
	w.who["operator"] = p.ID
	tok, err := w.accounts.StartSession(t.Context(), p.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	w.sessions["operator"] = tok
	return p.ID
}

// auditActions lists the audit log's events as "action subject by".
func (w *world) auditActions(t testing.TB) []string {
	t.Helper()
	evs, err := w.store.AuditLog(t.Context(), 1, sqlstore.MaxAuditPage)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		out = append(out, e.Action+" "+e.Subject+" "+e.Actor)
	}
	return out
}

// fieldError reports whether a page shows an error on the named field,
// tied to its control.
func fieldError(page, field string) bool {
	return strings.Contains(page, `id="e-`+field+`"`) && strings.Contains(page, `aria-describedby="e-`+field)
}

// TestAdminEditsInstitutionDetails: an institution's administrators edit
// its name, jurisdiction, time zone and policy profile; refused values
// come back marked on their fields with nothing lost; the profile cannot
// change while a case is in progress; no one else may edit it.
func TestAdminEditsInstitutionDetails(t *testing.T) {
	w := newWorld(t)
	w.operator(t)
	ctx := t.Context()
	base := institutionPath(w.inst.ID)
	page := w.as(t, "admin", "GET", base, nil, nil).Body.String()
	for _, want := range []string{`action="` + base + `"`, `id="f-time_zone"`, "Save the details", "In progress now: 0", `<option value="yukon"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the institution page lacks %q", want)
		}
	}
	form := func(name, jur, zone, profile string, version int64) url.Values {
		return url.Values{"name": {name}, "jurisdiction": {jur}, "time_zone": {zone}, "policy_profile": {profile}, "version": {strconv.FormatInt(version, 10)}}
	}

	// Refused: every field at fault is marked, every posted value kept.
	rec := w.post(t, "admin", base, form("", "CA-YT", "Mars/Olympus_Mons", "nope", 1))
	body := rec.Body.String()
	if rec.Code != 400 || !strings.Contains(body, `id="action-error"`) {
		t.Fatalf("bad details: got %d; %.800s", rec.Code, body)
	}
	for _, f := range []string{"name", "time_zone", "policy_profile"} {
		if !fieldError(body, f) {
			t.Errorf("the refusal does not mark %s", f)
		}
	}
	if fieldError(body, "jurisdiction") || !strings.Contains(body, `value="CA-YT"`) || !strings.Contains(body, `value="Mars/Olympus_Mons"`) {
		t.Errorf("the posted values are not all kept, or a good one is marked: %.3000s", body)
	}
	if got, _ := w.store.Institution(ctx, w.inst.ID); got.Version != w.inst.Version || got.Name != w.inst.Name {
		t.Errorf("a refused edit changed the institution: %+v", got)
	}

	// Saved, and audited.
	rec = w.post(t, "admin", base, form("Kwantlen Polytechnic", "CA-BC", "America/Edmonton", "kpu-ac15", 1))
	if rec.Code != 303 || rec.Header().Get("Location") != base+"?done=details" {
		t.Fatalf("good details: got %d to %q; %.800s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	got, err := w.store.Institution(ctx, w.inst.ID)
	if err != nil || got.Name != "Kwantlen Polytechnic" || got.TimeZone != "America/Edmonton" || got.Slug != "kpu" {
		t.Fatalf("saved %+v, %v", got, err)
	}
	want := "institution.updated institution/kpu person/" + strconv.FormatInt(w.who["admin"], 10)
	if acts := w.auditActions(t); len(acts) == 0 || acts[len(acts)-1] != want {
		t.Errorf("audit log ends %v, want %q", acts, want)
	}
	if page := w.as(t, "admin", "GET", base+"?done=details", nil, nil).Body.String(); !strings.Contains(page, "details are saved") {
		t.Error("no confirmation after saving")
	}

	// A case in progress keeps the profile; the other values stay.
	o := w.offering(t, draftForm())
	if _, _, err := w.srv.approvals.SubmitProposal(ctx, proposal(o.ID, w.who["pat"])); err != nil {
		t.Fatal(err)
	}
	rec = w.post(t, "admin", base, form("Kwantlen Renamed", "CA-BC", "America/Edmonton", "yukon", got.Version))
	body = rec.Body.String()
	if rec.Code != 409 || !fieldError(body, "policy_profile") || !strings.Contains(body, "in progress") || !strings.Contains(body, `value="Kwantlen Renamed"`) {
		t.Errorf("a profile change with a case open: got %d; %.3000s", rec.Code, body)
	}
	if got2, _ := w.store.Institution(ctx, w.inst.ID); got2.PolicyProfile != "kpu-ac15" || got2.Name != got.Name {
		t.Errorf("the refused profile change saved %+v", got2)
	}

	// No one but its administrators edits it: not the operator, not staff.
	for _, who := range []string{"operator", "pat", ""} {
		rec := w.post(t, who, base, form("Taken Over", "CA-BC", "UTC", "kpu-ac15", got.Version))
		if !denied(rec) {
			t.Errorf("%q editing the institution: got %d, want a denial", who, rec.Code)
		}
	}
	if got3, _ := w.store.Institution(ctx, w.inst.ID); got3.Name == "Taken Over" {
		t.Error("a denied edit was saved")
	}
}

// TestOperatorSetsUpInstitution: an installation operator sees every
// institution and sets up a new one with its first administrator;
// refused values come back marked with nothing lost; institution
// administrators may not, and the operator does not administer an
// institution they hold no role at.
func TestOperatorSetsUpInstitution(t *testing.T) {
	w := newWorld(t)
	op := w.operator(t)
	ctx := t.Context()

	page := w.as(t, "operator", "GET", "/admin", nil, nil)
	if page.Code != 200 || !strings.Contains(page.Body.String(), "Kwantlen Polytechnic University") || !strings.Contains(page.Body.String(), `href="/admin/institutions/new"`) {
		t.Fatalf("the operator's /admin: %d %.1500s", page.Code, page.Body)
	}
	if strings.Contains(page.Body.String(), `href="`+institutionPath(w.inst.ID)+`"`) {
		t.Error("the operator's list links to an institution they do not administer")
	}
	if rec := w.as(t, "operator", "GET", "/admin/institutions/new", nil, nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), `id="f-admin_email"`) {
		t.Fatalf("the new institution form: %d %.1500s", rec.Code, rec.Body)
	}

	form := url.Values{"slug": {"Bad Slug"}, "name": {"Northwind Community College"}, "jurisdiction": {"CA-BC"}, "time_zone": {"America/Vancouver"},
		"policy_profile": {"kpu-ac15"}, "admin_name": {"Robin Ames"}, "admin_email": {"not an address"}}
	rec := w.post(t, "operator", "/admin/institutions", form)
	body := rec.Body.String()
	if rec.Code != 400 || !fieldError(body, "slug") || !fieldError(body, "admin_email") || fieldError(body, "name") {
		t.Fatalf("bad setup: got %d; %.3000s", rec.Code, body)
	}
	for _, kept := range []string{`value="Bad Slug"`, `value="Northwind Community College"`, `value="Robin Ames"`, `value="not an address"`, `<option value="kpu-ac15" selected>`} {
		if !strings.Contains(body, kept) {
			t.Errorf("the refused form lost %s", kept)
		}
	}
	if all, _ := w.store.Institutions(ctx); len(all) != 1 {
		t.Errorf("a refused setup added an institution: %d", len(all))
	}

	form.Set("slug", "nwcc")
	form.Set("admin_email", "registrar@nwcc.example.edu")
	rec = w.post(t, "operator", "/admin/institutions", form)
	if rec.Code != 303 || rec.Header().Get("Location") != "/admin?done=institution" {
		t.Fatalf("setup: got %d to %q; %.1500s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	nwcc, err := w.store.InstitutionBySlug(ctx, "nwcc")
	if err != nil || nwcc.PolicyProfile != "kpu-ac15" || nwcc.TimeZone != "America/Vancouver" {
		t.Fatalf("the new institution: %+v, %v", nwcc, err)
	}
	admin, err := w.store.PersonByEmail(ctx, "registrar@nwcc.example.edu")
	if err != nil || !admin.HasRole(nwcc.ID, org.Administrator) {
		t.Errorf("the first administrator: %+v, %v", admin, err)
	}
	want := "institution.created institution/nwcc person/" + strconv.FormatInt(op, 10)
	if acts := w.auditActions(t); len(acts) == 0 || acts[len(acts)-1] != want {
		t.Errorf("audit log ends %v, want %q", acts, want)
	}
	if ok, _ := w.store.IsOperator(ctx, admin.ID); ok {
		t.Error("the web setup made the administrator an operator")
	}
	if page := w.as(t, "operator", "GET", "/admin?done=institution", nil, nil).Body.String(); !strings.Contains(page, "Northwind") || !strings.Contains(page, "set up with its first administrator") {
		t.Errorf("the list after the setup: %.2000s", page)
	}

	// The same slug again is refused on its field.
	form.Set("admin_email", "someone@nwcc.example.edu")
	rec = w.post(t, "operator", "/admin/institutions", form)
	if rec.Code != 409 || !fieldError(rec.Body.String(), "slug") {
		t.Errorf("a taken slug: got %d; %.1500s", rec.Code, rec.Body)
	}

	// Institution administrators do not set up institutions, and the
	// operator does not administer KPU.
	for _, c := range []struct{ who, method, path string }{
		{"admin", "GET", "/admin/institutions/new"}, {"admin", "POST", "/admin/institutions"}, {"pat", "POST", "/admin/institutions"},
		{"", "POST", "/admin/institutions"}, {"operator", "GET", institutionPath(w.inst.ID)},
	} {
		var rec = w.as(t, c.who, c.method, c.path, nil, nil)
		if c.method == "POST" {
			form.Set("slug", "sneaky")
			rec = w.post(t, c.who, c.path, form)
		}
		if !denied(rec) {
			t.Errorf("%s %s as %q: got %d, want a denial", c.method, c.path, c.who, rec.Code)
		}
	}
	if _, err := w.store.InstitutionBySlug(ctx, "sneaky"); err == nil {
		t.Error("a denied setup added an institution")
	}
}
