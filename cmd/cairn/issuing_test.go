package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cairn/internal/issuer"
	"cairn/internal/org"
	"cairn/internal/sqlstore"
)

// TestServeKeepsIssuingKeysUnderTheKeyFile checks the key-encryption key
// of cairn serve: created (0600) in the data folder when absent, used to
// serve a did:web document, and a clear error naming the file when it is
// not the key the stored keys were sealed with.
func TestServeKeepsIssuingKeysUnderTheKeyFile(t *testing.T) {
	data := t.TempDir()
	kekPath := filepath.Join(data, "issuer-keys.secret")
	dbPath := filepath.Join(data, "cairn.db")

	// An institution with a did:web identity sealed under the key file.
	kek, created, err := issuer.LoadKEK(kekPath)
	if err != nil || !created {
		t.Fatalf("key file: created %v, %v", created, err)
	}
	if fi, err := os.Stat(kekPath); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v %v, want 0600", fi.Mode().Perm(), err)
	}
	ctx := context.Background()
	store, err := sqlstore.Open(ctx, dbPath, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	inst := org.Institution{Slug: "kpu", Name: "Kwantlen Polytechnic University", Jurisdiction: "CA-BC", TimeZone: "America/Vancouver"}
	if err := store.CreateInstitution(ctx, &inst); err != nil {
		t.Fatal(err)
	}
	svc, err := issuer.New(store, issuer.Config{BaseURL: "https://credentials.kpu.example", KEK: kek})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Ensure(ctx, inst.ID, issuer.Settings{}); err != nil {
		t.Fatal(err)
	}
	store.Close()

	url, stop, _ := startServe(t, nil, "--addr", "127.0.0.1:0", "--data", data, "--allow-outbound=false", "--base-url", "https://credentials.kpu.example")
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(url + "/institutions/kpu/did.json")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"did:web:credentials.kpu.example:institutions:kpu"`) {
		t.Errorf("did.json: got %d %s", resp.StatusCode, body)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	// Another key in the key file: refused at start, naming the file.
	other := filepath.Join(t.TempDir(), "other.secret")
	if err := os.WriteFile(other, bytes.Repeat([]byte{5}, issuer.KEKSize), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	err = run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data, "--allow-outbound=false", "--key-file", other},
		func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(err.Error()+errOut.String(), other) {
		t.Errorf("serve with the wrong key file: got %v (stderr %q), want an error naming %s", err, errOut.String(), other)
	}
}

func TestOwnDocumentsAreThisServers(t *testing.T) {
	o := &ownDocuments{}
	if err := o.bind(&issuer.Service{}, "http://127.0.0.1:8080"); err != nil {
		t.Fatal(err)
	}
	for url, want := range map[string]string{
		"http://127.0.0.1:8080/status/1":                  "/status/1",
		"http://localhost:8080/institutions/kpu/did.json": "/institutions/kpu/did.json",
		"http://127.0.0.1:9999/status/1":                  "", // another local server
		"https://credentials.example.edu/status/1":        "",
		"http://127.0.0.1:8080/status/1?x=1":              "",
	} {
		if _, got := o.local(url); got != want {
			t.Errorf("%s: got %q, want %q", url, got, want)
		}
	}
	if err := o.bind(&issuer.Service{}, "https://kpu.example/cairn"); err != nil {
		t.Fatal(err)
	}
	if _, got := o.local("https://kpu.example/cairn/status/7"); got != "/status/7" {
		t.Errorf("under a base path: got %q, want /status/7", got)
	}
}
