package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestInstitutionAdd sets up a new installation from the command line: an
// institution with its first administrator, who can then sign in and
// reach its administration pages. Bad or missing settings are usage
// errors that change nothing.
func TestInstitutionAdd(t *testing.T) {
	data := t.TempDir()
	inst := func(stdin string, args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := run(context.Background(), append([]string{"institution"}, append(args, "--data", data)...), func(string) string { return "" }, strings.NewReader(stdin), &out, &errOut)
		return out.String() + errOut.String(), err
	}
	const password = "a long enough pass phrase 42"
	add := []string{"add", "--slug", "nwcc", "--name", "Northwind Community College", "--jurisdiction", "CA-BC",
		"--timezone", "America/Vancouver", "--profile", "kpu-ac15", "--admin-email", "registrar@nwcc.example.edu",
		"--admin-name", "Robin Ames", "--password-stdin"}

	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"add", "--slug", "x"}, "missing: --name"},
		{append(append([]string{}, add[:9]...), "--profile", "nope", "--admin-email", "a@b.example", "--admin-name", "A"), "not a built-in policy profile"},
		{[]string{"rename"}, "usage"},
	} {
		out, err := inst("", bad.args...)
		var ee exitError
		if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error()+out, bad.want) {
			t.Errorf("%v: got %v (%s), want exit 2 mentioning %q", bad.args, err, out, bad.want)
		}
	}
	if out, err := inst(password+"\n", add...); err != nil || !strings.Contains(out, "added Northwind Community College") {
		t.Fatalf("add: %v\n%s", err, out)
	}
	if out, err := inst(password+"\n", add...); err == nil {
		t.Errorf("adding the same slug twice succeeded:\n%s", out)
	}
	out, err := inst("", "list")
	if err != nil || !strings.Contains(out, "nwcc") || !strings.Contains(out, "kpu-ac15") {
		t.Fatalf("list: %v\n%s", err, out)
	}

	base, stop, _ := startServe(t, nil, "--addr", "127.0.0.1:0", "--data", data, "--allow-outbound=false")
	defer stop()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := c.PostForm(base+"/signin", url.Values{"email": {"registrar@nwcc.example.edu"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = c.Get(base + "/admin")
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	body.ReadFrom(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(body.String(), "Northwind Community College") {
		t.Errorf("the administrator's /admin: %d\n%.400s", resp.StatusCode, body.String())
	}
}

// TestInstitutionAddOperator makes the first administrator an
// installation operator as well (--operator), who can then set up
// institutions on the web; cairn operator grants, lists and revokes the
// role for people already known.
func TestInstitutionAddOperator(t *testing.T) {
	data := t.TempDir()
	cairn := func(stdin string, args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := run(context.Background(), append(args, "--data", data), func(string) string { return "" }, strings.NewReader(stdin), &out, &errOut)
		return out.String() + errOut.String(), err
	}
	const password = "a long enough pass phrase 42"
	out, err := cairn(password+"\n", "institution", "add", "--slug", "nwcc", "--name", "Northwind Community College", "--jurisdiction", "CA-BC",
		"--timezone", "America/Vancouver", "--profile", "kpu-ac15", "--admin-email", "ops@nwcc.example.edu",
		"--admin-name", "Olive Ops", "--password-stdin", "--operator")
	if err != nil || !strings.Contains(out, "added Northwind Community College") || !strings.Contains(out, "installation operator") {
		t.Fatalf("add --operator: %v\n%s", err, out)
	}
	// A time zone the server does not know is refused as a usage error,
	// and leaves no administrator behind.
	out, err = cairn("", "institution", "add", "--slug", "mars", "--name", "Mars College", "--jurisdiction", "CA-BC",
		"--timezone", "Mars/Olympus_Mons", "--profile", "kpu-ac15", "--admin-email", "someone@mars.example.edu", "--admin-name", "Some One")
	var ee exitError
	if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), "time_zone") {
		t.Errorf("unknown time zone: got %v (%s), want exit 2 about time_zone", err, out)
	}
	if out, err := cairn("", "operator", "grant", "someone@mars.example.edu"); !errors.As(err, &ee) || ee.code != 2 {
		t.Errorf("granting an unknown person: got %v (%s), want exit 2", err, out)
	}
	for _, bad := range [][]string{{"operator"}, {"operator", "grant"}, {"operator", "promote", "x@y.example"}} {
		if out, err := cairn("", bad...); !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error()+out, "usage") {
			t.Errorf("%v: got %v (%s), want a usage error", bad, err, out)
		}
	}
	if out, err := cairn("", "operator", "list"); err != nil || !strings.Contains(out, "ops@nwcc.example.edu") {
		t.Errorf("operator list: %v\n%s", err, out)
	}

	base, stop, _ := startServe(t, nil, "--addr", "127.0.0.1:0", "--data", data, "--allow-outbound=false")
	defer stop()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := c.PostForm(base+"/signin", url.Values{"email": {"ops@nwcc.example.edu"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = c.Get(base + "/admin/institutions/new")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("the operator's /admin/institutions/new: %d, want 200", resp.StatusCode)
	}
	stop()

	if out, err := cairn("", "operator", "revoke", "ops@nwcc.example.edu"); err != nil || !strings.Contains(out, "no longer") {
		t.Fatalf("operator revoke: %v\n%s", err, out)
	}
	if out, err := cairn("", "operator", "list"); err != nil || strings.Contains(out, "ops@nwcc.example.edu") {
		t.Errorf("operator list after the revocation: %v\n%s", err, out)
	}
	if out, err := cairn("", "operator", "grant", "ops@nwcc.example.edu"); err != nil || !strings.Contains(out, "is an installation operator") {
		t.Errorf("operator grant: %v\n%s", err, out)
	}
}
