package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDemo runs cairn demo as the README says, on a folder of the test's:
// it prints the URL and the sign-ins, writes them to demo.json (readable
// by its owner only), serves the populated database, and stops cleanly.
// A second demo on the same folder is refused rather than overwriting it.
func TestDemo(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--addr", "127.0.0.1:0", "--data", dir}, func(string) string { return "" }, strings.NewReader(""), stdout, stderr)
	}()
	defer func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("cairn demo ended with %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("cairn demo did not stop within 15s of being cancelled")
		}
	}()

	addr := regexp.MustCompile(`serving on (http://127\.0\.0\.1:[0-9]+)`)
	var base string
	for deadline := time.Now().Add(60 * time.Second); base == "" && time.Now().Before(deadline); {
		if m := addr.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case err := <-done:
			done <- err
			t.Fatalf("cairn demo exited early: %v\n%s", err, stderr)
		case <-time.After(50 * time.Millisecond):
		}
	}
	if base == "" {
		t.Fatalf("cairn demo printed no URL within 60s; stdout %q", stdout)
	}
	out := stdout.String()
	for _, want := range []string{"2 institutions", "explore-cairn-demo", "Kwantlen", "Yukon"} {
		if !strings.Contains(out, want) {
			t.Errorf("the printout lacks %q:\n%s", want, out)
		}
	}

	path := filepath.Join(dir, "demo.json")
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("demo.json has mode %v, want 0600: it holds passwords", info.Mode().Perm())
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var sum struct {
		SignIns []struct {
			Email, Password string
			Roles           []string
			Operator        bool
		} `json:"sign_ins"`
		Offerings []json.RawMessage `json:"offerings"`
	}
	if err := json.Unmarshal(raw, &sum); err != nil {
		t.Fatal(err)
	}
	if len(sum.SignIns) < 10 || len(sum.Offerings) < 10 {
		t.Fatalf("demo.json lists %d sign-ins and %d offerings, want a populated demo", len(sum.SignIns), len(sum.Offerings))
	}

	// The first sign-in works against the served database.
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	form := url.Values{"email": {sum.SignIns[0].Email}, "password": {sum.SignIns[0].Password}}.Encode()
	req, _ := http.NewRequest("POST", base+"/signin", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = client.Get(base + "/api/v1/me")
	if err != nil {
		t.Fatal(err)
	}
	me, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(me), sum.SignIns[0].Email) {
		t.Errorf("after signing in as %s, /api/v1/me answers %d %s", sum.SignIns[0].Email, resp.StatusCode, me)
	}

	// The installation operator's sign-in is printed and written, and
	// opens the page that adds institutions.
	operators := 0
	for _, si := range sum.SignIns {
		if !si.Operator {
			continue
		}
		operators++
		if !strings.Contains(out, si.Email) {
			t.Errorf("the printout lacks the operator %s", si.Email)
		}
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
		resp, err := c.PostForm(base+"/signin", url.Values{"email": {si.Email}, "password": {si.Password}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp, err = c.Get(base + "/admin/institutions/new"); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("the operator %s: /admin/institutions/new answers %d, want 200", si.Email, resp.StatusCode)
		}
	}
	if operators != 1 {
		t.Errorf("demo.json lists %d installation operators, want 1", operators)
	}

	// API tokens: a signed-in reviewer makes one with the scopes their
	// roles allow, a machine client uses it, and once revoked it stops
	// working. A learner cannot give a token scopes beyond their roles,
	// and a token cannot make tokens.
	signIn := func(want string) *http.Client {
		t.Helper()
		for _, si := range sum.SignIns {
			if !slices.ContainsFunc(si.Roles, func(r string) bool { return r == want || strings.HasPrefix(r, want+"@") }) {
				continue
			}
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
			resp, err := c.PostForm(base+"/signin", url.Values{"email": {si.Email}, "password": {si.Password}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return c
		}
		t.Fatalf("the demo has no one with the role %s", want)
		return nil
	}
	call := func(c *http.Client, method, path, bearer, body string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", base)
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v map[string]any
		json.NewDecoder(resp.Body).Decode(&v)
		return resp.StatusCode, v
	}
	admin := signIn("administrator")
	code, made := call(admin, "POST", "/api/v1/tokens", "", `{"name":"SIS nightly import","scopes":["cases:read"],"days":30}`)
	secret, _ := made["secret"].(string)
	if code != http.StatusCreated || secret == "" {
		t.Fatalf("making a token: got %d %v", code, made)
	}
	machine := &http.Client{Timeout: 10 * time.Second}
	if code, v := call(machine, "GET", "/api/v1/cases", secret, ""); code != 200 {
		t.Errorf("the token reading cases: got %d %v, want 200", code, v)
	}
	if code, _ := call(machine, "POST", "/api/v1/offerings", secret, `{"institutionId":1}`); code != http.StatusForbidden {
		t.Errorf("a cases:read token proposing: got %d, want 403", code)
	}
	if code, _ := call(machine, "POST", "/api/v1/tokens", secret, `{"name":"again","scopes":["cases:read"]}`); code != http.StatusForbidden {
		t.Errorf("a token making a token: got %d, want 403", code)
	}
	if code, v := call(signIn("learner"), "POST", "/api/v1/tokens", "", `{"name":"mine","scopes":["admin"]}`); code != http.StatusForbidden {
		t.Errorf("a learner asking for the admin scope: got %d %v, want 403", code, v)
	}
	id := int64(made["token"].(map[string]any)["id"].(float64))
	if code, _ := call(admin, "DELETE", "/api/v1/tokens/"+strconv.FormatInt(id, 10), "", ""); code != http.StatusNoContent {
		t.Errorf("revoking the token: got %d, want 204", code)
	}
	if code, _ := call(machine, "GET", "/api/v1/cases", secret, ""); code != http.StatusUnauthorized {
		t.Errorf("the revoked token: got %d, want 401", code)
	}
	if _, list := call(admin, "GET", "/api/v1/tokens", "", ""); strings.Contains(fmt.Sprint(list), secret) {
		t.Error("the token list shows the secret")
	}
	resp, err = admin.Get(base + "/account/tokens")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"SIS nightly import", "revoked", "Create token", `name="scope" value="admin"`} {
		if resp.StatusCode != 200 || !strings.Contains(string(page), want) {
			t.Errorf("the token page (%d) lacks %q", resp.StatusCode, want)
		}
	}
	if strings.Contains(string(page), secret) {
		t.Error("the token page shows a secret it showed before")
	}

	// The demo has a stack, which its registrar sees with its parts.
	resp, err = signIn("registrar").Get(base + "/stacks")
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"Machine Learning Foundations with Python", "Business Intelligence Dashboards with Power BI"} {
		if resp.StatusCode != 200 || !strings.Contains(string(page), want) {
			t.Errorf("the registrar's /stacks (%d) lacks %q", resp.StatusCode, want)
		}
	}
	// A part of the stack lists it on its registry page once, by the
	// rule and as its form names it (linked while the stack is
	// published, which in the demo it is not yet).
	resp, err = http.Get(base + "/registry/kpu/data-analytics-essentials-with-excel-and-power-bi")
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.Count(string(page), "<li>Stacks into ") != 1 ||
		!strings.Contains(string(page), "<li>Stacks into "+demoStackTitle+"</li>") &&
			!strings.Contains(string(page), `<li>Stacks into <a href="/registry/kpu/machine-learning-foundations-with-python">`+demoStackTitle+`</a>`) {
		t.Errorf("the stack's part's registry page (%d) does not list the stack once:\n%s", resp.StatusCode, page)
	}

	err = run(context.Background(), []string{"demo", "--addr", "127.0.0.1:0", "--data", dir}, func(string) string { return "" }, strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "already holds a database") {
		t.Errorf("a second demo on the same folder: got %v, want a refusal", err)
	}
}
