package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"cairn/internal/account"
	"cairn/internal/did"
	"cairn/internal/keys"
	"cairn/internal/org"
	"cairn/internal/proof"
	"cairn/internal/sqlstore"
)

// syncBuffer is an output that the server and the test can share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServe runs `cairn serve` with args in the background and returns
// its URL, a function that stops it and returns run's error, and its
// standard error.
func startServe(t *testing.T, env map[string]string, args ...string) (url string, stop func() error, stderr *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve"}, args...), func(k string) string { return env[k] }, strings.NewReader(""), stdout, stderr)
	}()
	stopped := false
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(15 * time.Second):
			t.Fatal("cairn serve did not stop within 15s of being cancelled")
			return nil
		}
	}
	t.Cleanup(func() { stop() })

	addr := regexp.MustCompile(`serving on (http://\S+)`)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := addr.FindStringSubmatch(stdout.String()); m != nil {
			return m[1], stop, stderr
		}
		select {
		case err := <-done:
			t.Fatalf("cairn serve exited early: %v\n%s", err, stderr)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("cairn serve printed no URL; stdout %q, stderr %q", stdout, stderr)
	return "", nil, nil
}

func TestServe(t *testing.T) {
	data := t.TempDir()
	seedPerson(t, filepath.Join(data, "cairn.db"), "ada@example.edu", "correct horse battery staple")
	env := map[string]string{"CAIRN_LOG_FORMAT": "json"}
	url, stop, stderr := startServe(t, env, "--addr", "127.0.0.1:0", "--data", data, "--allow-outbound=false")
	if strings.HasSuffix(url, ":0") {
		t.Fatalf("printed %s, want the actual port", url)
	}
	client := &http.Client{Timeout: 10 * time.Second}

	resp, err := client.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"ok"`) {
		t.Errorf("healthz: got %d %s, want 200 ok", resp.StatusCode, body)
	}

	// A credential signed here verifies through the wired engine.
	k, err := keys.Generate(keys.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	issuer, err := did.KeyDID(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	eng := newEngine(nil, nil)
	signed, err := eng.di.Sign(bytes.ReplaceAll(benchCredential, []byte("did:key:z6MkPLACEHOLDER"), []byte(issuer)), k.Signer(),
		proof.SignOptions{VerificationMethod: issuer + "#" + strings.TrimPrefix(issuer, "did:key:"), Created: time.Now().Add(-time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	resp, err = client.Post(url+"/api/v1/verify", "application/json", bytes.NewReader(signed))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Verified bool     `json:"verified"`
		Errors   []string `json:"errors"`
	}
	err = json.NewDecoder(resp.Body).Decode(&rep)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || !rep.Verified {
		t.Errorf("verify: got %d %+v (%v), want 200 verified", resp.StatusCode, rep, err)
	}

	// Signing in with the seeded account opens a session that the
	// store-backed pages recognize.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Timeout: 10 * time.Second, Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("POST", url+"/signin", strings.NewReader("email=ada%40example.edu&password=correct+horse+battery+staple&next=%2Ftasks"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", url)
	resp, err = browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/tasks" {
		t.Fatalf("sign in: got %d to %q, want 303 to /tasks", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, err = browser.Get(url + "/tasks")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "Ada") {
		t.Errorf("tasks after signing in: got %d, want 200 naming Ada: %.500s", resp.StatusCode, body)
	}

	if err := stop(); err != nil {
		t.Fatalf("run returned %v after cancellation, want nil", err)
	}
	if _, err := client.Get(url + "/healthz"); err == nil {
		t.Error("the server still answers after shutdown")
	}

	logs := stderr.String()
	if strings.Contains(logs, "correct horse") {
		t.Errorf("the logs show the password:\n%s", logs)
	}
	for _, want := range []string{`"msg":"serving"`, `"route":"POST /api/v1/verify"`, `"route":"POST /signin"`, `"msg":"stopped"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
	}
}

// seedPerson creates a person with a password in the SQLite database at
// path, as an administrator would before the server starts.
func seedPerson(t *testing.T, path, email, password string) {
	t.Helper()
	ctx := context.Background()
	store, err := sqlstore.Open(ctx, path, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	p := org.Person{Name: "Ada", Email: email}
	if err := store.CreatePerson(ctx, &p); err != nil {
		t.Fatal(err)
	}
	svc, err := account.New(store, account.Config{Password: account.PasswordParams{Time: 1, MemoryKiB: 8 << 10, Threads: 1, KeyLen: 32, SaltLen: 16}})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.SetPassword(ctx, p.ID, password); err != nil {
		t.Fatal(err)
	}
}

// TestServeKeepsTheDatabasePasswordSecret starts cairn against a
// PostgreSQL URL with a password that cannot be reached: it fails to open
// the store, saying so, and shows the password nowhere.
func TestServeKeepsTheDatabasePasswordSecret(t *testing.T) {
	const secret = "s3cret-db-password"
	var out, errOut bytes.Buffer
	env := map[string]string{"CAIRN_DSN": "postgres://cairn:" + secret + "@127.0.0.1:1/cairn?connect_timeout=2", "CAIRN_LOG_FORMAT": "json"}
	err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--allow-outbound=false"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "open store") {
		t.Fatalf("got %v, want an open store error", err)
	}
	if strings.Contains(err.Error()+out.String()+errOut.String(), secret) {
		t.Errorf("the password is shown: %v\n%s%s", err, out.String(), errOut.String())
	}
}

func TestServeConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"bad flag value", nil, []string{"--max-body", "lots"}, "max-body"},
		{"invalid setting", map[string]string{"CAIRN_LOG_FORMAT": "xml"}, nil, "log_format"},
		{"unknown flag", nil, []string{"--nope"}, "nope"},
		{"stray argument", nil, []string{"now"}, "unexpected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), append([]string{"serve"}, tt.args...), func(k string) string { return tt.env[k] }, strings.NewReader(""), &out, &errOut)
			var ee exitError
			if !errors.As(err, &ee) || ee.code != 2 {
				t.Fatalf("got %v, want exit status 2", err)
			}
			if !strings.Contains(err.Error()+errOut.String(), tt.want) {
				t.Errorf("error %q (stderr %q) does not mention %q", err, errOut.String(), tt.want)
			}
		})
	}
}

func TestServeReportsBusyAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var out, errOut bytes.Buffer
	err = run(context.Background(), []string{"serve", "--addr", ln.Addr().String(), "--data", t.TempDir(), "--allow-outbound=false"}, func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "listen") {
		t.Errorf("got %v, want a listen error", err)
	}
}
