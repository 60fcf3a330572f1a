package web

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestSignedInPagesAreAccessible checks the pages each role works in:
// they render, run no inline script or style, have the landmarks and a
// skip link, and label every form control.
func TestSignedInPagesAreAccessible(t *testing.T) {
	w := newWorld(t)
	o := w.offering(t, draftForm())
	c, _, err := w.srv.approvals.SubmitProposal(t.Context(), proposal(o.ID, w.who["pat"]))
	if err != nil {
		t.Fatal(err)
	}
	caseURL := "/cases/" + strconv.FormatInt(c.ID, 10)
	smc, err := w.store.CommitteeByKey(t.Context(), w.inst.ID, "smc")
	if err != nil {
		t.Fatal(err)
	}
	pages := []struct{ who, path, want string }{
		{"", "/signin", "Sign in"},
		{"chair", "/tasks", "Check the outline form is complete"},
		{"chair", caseURL, "Is the outline form complete?"},
		{"chair", "/committee", "Committee business"},
		{"pat", caseURL, "Withdraw the proposal"},
		{"pat", "/offerings", "Propose a new offering"},
		{"pat", "/offerings/new", "Length (hours)"},
		{"pat", "/offerings/" + strconv.FormatInt(o.ID, 10), "Working draft"},
		{"provost", "/provost", "Signing queue"},
		{"secretary", "/secretariat", "Agendas and decisions"},
		{"admin", "/admin", "Kwantlen"},
		{"admin", "/admin/institutions/" + strconv.FormatInt(w.inst.ID, 10), "Policy profile"},
		{"rev1", "/cases", "Design Thinking"},
		{"pat", "/offerings/" + strconv.FormatInt(o.ID, 10) + "/diff", "Compare versions"},
		{"provost", "/lifecycle", "Annual reviews and discontinuance"},
		{"admin", "/admin/institutions/" + strconv.FormatInt(w.inst.ID, 10) + "/policy", "Approval tracks"},
		{"admin", "/admin/institutions/" + strconv.FormatInt(w.inst.ID, 10) + "/people/" + id(w, "pat"), "Grant a role"},
		{"admin", "/admin/institutions/" + strconv.FormatInt(w.inst.ID, 10) + "/committees/" + strconv.FormatInt(smc.ID, 10), "Record a chair election"},
	}
	inline := regexp.MustCompile(`(?i)\sstyle=|\son[a-z]+=|<style|<script>`)
	control := regexp.MustCompile(`<(input|select|textarea)\b[^>]*\bid="([^"]+)"`)
	for _, p := range pages {
		t.Run(p.who+" "+p.path, func(t *testing.T) {
			rec := w.as(t, p.who, "GET", p.path, nil, nil)
			if rec.Code != 200 {
				t.Fatalf("got %d, want 200: %.800s", rec.Code, rec.Body)
			}
			html := rec.Body.String()
			if !strings.Contains(html, p.want) {
				t.Errorf("page lacks %q", p.want)
			}
			if m := inline.FindString(html); m != "" {
				t.Errorf("inline script, style or handler %q", m)
			}
			for _, want := range []string{`<html lang="en">`, `<main id="main"`, `<h1>`, `href="#main"`, `<nav aria-label="Main">`} {
				if !strings.Contains(html, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			for _, m := range control.FindAllStringSubmatch(html, -1) {
				if !strings.Contains(html, `for="`+m[2]+`"`) {
					t.Errorf("the %s #%s has no label", m[1], m[2])
				}
			}
		})
	}
}
