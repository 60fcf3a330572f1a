package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"cairn/internal/did"
	"cairn/internal/keys"
	"cairn/internal/proof"
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
	const secret = "s3cret-db-password"
	env := map[string]string{
		"CAIRN_DSN":        "postgres://cairn:" + secret + "@db.example.edu/cairn",
		"CAIRN_LOG_FORMAT": "json",
	}
	url, stop, stderr := startServe(t, env, "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--allow-outbound=false")
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

	if err := stop(); err != nil {
		t.Fatalf("run returned %v after cancellation, want nil", err)
	}
	if _, err := client.Get(url + "/healthz"); err == nil {
		t.Error("the server still answers after shutdown")
	}

	logs := stderr.String()
	if strings.Contains(logs, secret) {
		t.Errorf("the logs show the database password:\n%s", logs)
	}
	for _, want := range []string{`"msg":"serving"`, `xxxxx@db.example.edu`, `"route":"POST /api/v1/verify"`, `"msg":"stopped"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
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
	err = run(context.Background(), []string{"serve", "--addr", ln.Addr().String(), "--allow-outbound=false"}, func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "listen") {
		t.Errorf("got %v, want a listen error", err)
	}
}
