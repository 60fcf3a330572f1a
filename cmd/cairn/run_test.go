package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cli runs cairn's command line in-process and returns its output and exit
// status as main would set it.
func cli(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(stdin), &out, &errOut)
	code = 0
	if err != nil {
		code = 1
		var e exitError
		if errors.As(err, &e) {
			code = e.code
		}
	}
	return out.String(), errOut.String() + errString(err), code
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func write(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCredentialLifecycle drives the credential commands as a script
// would: make a key, sign in both formats, verify, bake, unbake, tamper.
func TestCredentialLifecycle(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "issuer.jwk")
	if _, stderr, code := cli(t, "", "keys", "new", "--out", keyFile); code != 0 {
		t.Fatalf("keys new: %d %s", code, stderr)
	}
	if info, err := os.Stat(keyFile); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v %v", info, err)
	}
	var jwk map[string]any
	raw, _ := os.ReadFile(keyFile)
	if err := json.Unmarshal(raw, &jwk); err != nil || jwk["kid"] == "" || jwk["d"] == nil {
		t.Fatalf("key file is not a private JWK with a kid: %s", raw)
	}
	if _, _, code := cli(t, "", "keys", "new", "--out", keyFile); code != 2 {
		t.Errorf("keys new over an existing file: exit %d, want 2", code)
	}
	didOut, _, code := cli(t, "", "keys", "did", keyFile)
	issuer := strings.TrimSpace(didOut)
	if code != 0 || !strings.HasPrefix(issuer, "did:key:z6Mk") {
		t.Fatalf("keys did = %q (exit %d)", didOut, code)
	}
	unsigned := bytes.ReplaceAll(benchCredential, []byte("did:key:z6MkPLACEHOLDER"), []byte(issuer))
	credFile := write(t, dir, "credential.json", unsigned)

	for _, format := range []string{"di", "jwt"} {
		t.Run(format, func(t *testing.T) {
			signedFile := filepath.Join(dir, "signed-"+format)
			if _, stderr, code := cli(t, "", "sign", "--key", keyFile, "--in", credFile, "--format", format, "--out", signedFile); code != 0 {
				t.Fatalf("sign: exit %d: %s", code, stderr)
			}
			out, stderr, code := cli(t, "", "verify", signedFile)
			if code != 0 || !strings.HasPrefix(out, "VERIFIED") {
				t.Fatalf("verify: exit %d\n%s%s", code, out, stderr)
			}
			jsonOut, _, code := cli(t, "", "verify", "--json", signedFile)
			var rep struct {
				Verified bool   `json:"verified"`
				Format   string `json:"format"`
			}
			if err := json.Unmarshal([]byte(jsonOut), &rep); err != nil || !rep.Verified || code != 0 {
				t.Fatalf("verify --json: %v %+v exit %d", err, rep, code)
			}
			signed, _ := os.ReadFile(signedFile)
			if _, _, code := cli(t, string(signed), "verify", "-"); code != 0 {
				t.Errorf("verify from stdin: exit %d", code)
			}

			for _, img := range []struct{ name, data string }{
				{"badge.png", string(mustRead(t, "../../internal/verify/testdata/badge.png"))},
				{"badge.svg", `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4" cx="5" cy="5"/></svg>`},
			} {
				in := write(t, dir, img.name, []byte(img.data))
				out := filepath.Join(dir, format+"-baked-"+img.name)
				if _, stderr, code := cli(t, "", "bake", "--in", in, "--credential", signedFile, "--out", out); code != 0 {
					t.Fatalf("bake %s: exit %d %s", img.name, code, stderr)
				}
				got, _, code := cli(t, "", "unbake", out)
				if code != 0 || strings.TrimSpace(got) != strings.TrimSpace(string(signed)) {
					t.Errorf("unbake %s: exit %d, got %q", img.name, code, got)
				}
				if rep, _, code := cli(t, "", "verify", out); code != 0 {
					t.Errorf("verify baked %s: exit %d\n%s", img.name, code, rep)
				}
			}

			tampered := bytes.Replace(signed, []byte("Data Analytics Foundations"), []byte("Data Analytics Mastery"), 1)
			if format == "jwt" {
				tampered = []byte(tamperJWT(t, string(signed)))
			}
			tamperedFile := write(t, dir, "tampered-"+format, tampered)
			if out, _, code := cli(t, "", "verify", tamperedFile); code != 1 || !strings.HasPrefix(out, "NOT VERIFIED") {
				t.Errorf("verify tampered: exit %d, want 1\n%s", code, out)
			}
		})
	}

	t.Run("p256 signs JWT only", func(t *testing.T) {
		p256 := filepath.Join(dir, "p256.jwk")
		if _, stderr, code := cli(t, "", "keys", "new", "--type", "p256", "--out", p256); code != 0 {
			t.Fatal(stderr)
		}
		d, _, _ := cli(t, "", "keys", "did", p256)
		if !strings.HasPrefix(d, "did:key:zDn") {
			t.Fatalf("P-256 did:key = %q", d)
		}
		cred := write(t, dir, "p256-cred.json", bytes.ReplaceAll(benchCredential, []byte("did:key:z6MkPLACEHOLDER"), []byte(strings.TrimSpace(d))))
		if _, _, code := cli(t, "", "sign", "--key", p256, "--in", cred, "--format", "di"); code != 2 {
			t.Errorf("DI with a P-256 key: exit %d, want 2", code)
		}
		jwt, stderr, code := cli(t, "", "sign", "--key", p256, "--in", cred, "--format", "jwt")
		if code != 0 {
			t.Fatal(stderr)
		}
		if out, _, code := cli(t, jwt, "verify", "-"); code != 0 {
			t.Errorf("verify ES256 JWT: exit %d\n%s", code, out)
		}
	})
}

func tamperJWT(t *testing.T, tok string) string {
	t.Helper()
	parts := strings.Split(strings.TrimSpace(tok), ".")
	payload, err := decodeSegment(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	payload = bytes.Replace(payload, []byte("Data Analytics Foundations"), []byte("Data Analytics Mastery"), 1)
	parts[1] = encodeSegment(payload)
	return strings.Join(parts, ".")
}

func encodeSegment(b []byte) string {
	return base64.RawURLEncoding.EncodeToString(b)
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"no command", nil, 2},
		{"unknown command", []string{"frobnicate"}, 2},
		{"sign without key", []string{"sign", "--in", "x.json"}, 2},
		{"sign bad format", []string{"sign", "--key", "k", "--in", "x", "--format", "pdf"}, 2},
		{"verify without file", []string{"verify"}, 2},
		{"verify missing file", []string{"verify", filepath.Join(dir, "missing.json")}, 2},
		{"verify not a credential", []string{"verify", write(t, dir, "note.txt", []byte("hello"))}, 1},
		{"keys new without out", []string{"keys", "new"}, 2},
		{"keys new bad type", []string{"keys", "new", "--type", "dsa", "--out", filepath.Join(dir, "k")}, 2},
		{"keys did missing", []string{"keys", "did", filepath.Join(dir, "none.jwk")}, 2},
		{"bake without args", []string{"bake"}, 2},
		{"unbake without args", []string{"unbake"}, 2},
		{"bench extra args", []string{"bench", "x"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, stderr, code := cli(t, "", tt.args...); code != tt.code {
				t.Errorf("exit %d, want %d (%s)", code, tt.code, stderr)
			}
		})
	}
}

func TestSignRefusesForeignIssuer(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "k.jwk")
	cli(t, "", "keys", "new", "--out", keyFile)
	cred := write(t, dir, "c.json", benchCredential) // issuer is the placeholder DID
	_, stderr, code := cli(t, "", "sign", "--key", keyFile, "--in", cred)
	if code == 0 || !strings.Contains(stderr, "issuer") {
		t.Errorf("signed a credential naming another issuer: exit %d %s", code, stderr)
	}
}

func TestBenchPrintsEveryMeasurement(t *testing.T) {
	if testing.Short() {
		t.Skip("bench runs each measurement")
	}
	out, stderr, code := cli(t, "", "bench", "--seconds", "0.05")
	if code != 0 {
		t.Fatalf("bench: exit %d %s", code, stderr)
	}
	for _, name := range []string{"di-sign", "di-verify", "jwt-sign", "jwt-verify", "png-bake-extract"} {
		found := false
		for _, line := range strings.Split(out, "\n") {
			f := strings.Fields(line)
			if len(f) == 3 && f[0] == name && f[1] != "0" {
				found = true
			}
		}
		if !found {
			t.Errorf("no %q line of NAME OPS ALLOCS in:\n%s", name, out)
		}
	}
}

func TestPolicyCheck(t *testing.T) {
	dir := t.TempDir()
	good := "../../internal/policy/profiles/kpu-ac15.yaml"
	if out, stderr, code := cli(t, "", "policy", "check", good, "../../internal/policy/profiles/yukon.yaml"); code != 0 || strings.Count(out, ": ok:") != 2 {
		t.Fatalf("check shipped profiles: exit %d\n%s%s", code, out, stderr)
	}
	src := string(mustRead(t, good))
	broken := write(t, dir, "broken.yaml", []byte(strings.Replace(src, "kind: vote", "kind: ballot", 1)))
	out, _, code := cli(t, "", "policy", "check", broken)
	if code != 1 || !strings.Contains(out, "broken.yaml:") {
		t.Errorf("broken profile: exit %d, want 1 with a line number\n%s", code, out)
	}
	if _, _, code := cli(t, "", "policy", "check", filepath.Join(dir, "missing.yaml")); code != 2 {
		t.Errorf("missing file: exit %d, want 2", code)
	}
	if out, _, code := cli(t, "", "policy", "list"); code != 0 || !strings.Contains(out, "kpu-ac15") || !strings.Contains(out, "yukon") {
		t.Errorf("policy list: exit %d\n%s", code, out)
	}
}

// TestDIDWebOffline signs as a did:web issuer with two keys in its DID
// document (a rotation) and verifies offline with the document as a file.
func TestDIDWebOffline(t *testing.T) {
	dir := t.TempDir()
	const issuer = "did:web:badges.example.edu:issuers:registrar"
	oldKey, newKey := filepath.Join(dir, "old.jwk"), filepath.Join(dir, "new.jwk")
	for _, k := range []string{oldKey, newKey} {
		if _, stderr, code := cli(t, "", "keys", "new", "--out", k); code != 0 {
			t.Fatal(stderr)
		}
	}
	doc, stderr, code := cli(t, "", "keys", "did", "--web", issuer, oldKey, newKey)
	if code != 0 {
		t.Fatalf("keys did --web: exit %d %s", code, stderr)
	}
	docFile := write(t, dir, "did.json", []byte(doc))
	cred := write(t, dir, "c.json", bytes.ReplaceAll(benchCredential, []byte("did:key:z6MkPLACEHOLDER"), []byte(issuer)))
	for _, k := range []string{oldKey, newKey} {
		for _, format := range []string{"di", "jwt"} {
			signed, stderr, code := cli(t, "", "sign", "--key", k, "--issuer", issuer, "--format", format, "--in", cred)
			if code != 0 {
				t.Fatalf("sign as did:web: exit %d %s", code, stderr)
			}
			in := write(t, dir, "signed", []byte(signed))
			if out, _, code := cli(t, "", "verify", "--offline", "--did-doc", docFile, in); code != 0 {
				t.Errorf("%s %s: verify with the DID document: exit %d\n%s", filepath.Base(k), format, code, out)
			}
			if out, _, code := cli(t, "", "verify", "--offline", in); code != 1 || !strings.Contains(out, "FAIL") {
				t.Errorf("%s %s: verify offline without the DID document: exit %d, want 1\n%s", filepath.Base(k), format, code, out)
			}
		}
	}
	stranger := filepath.Join(dir, "stranger.jwk")
	cli(t, "", "keys", "new", "--out", stranger)
	signed, _, _ := cli(t, "", "sign", "--key", stranger, "--issuer", issuer, "--in", cred)
	in := write(t, dir, "forged", []byte(signed))
	if out, _, code := cli(t, "", "verify", "--offline", "--did-doc", docFile, in); code != 1 {
		t.Errorf("a key not in the issuer's DID document verified: exit %d\n%s", code, out)
	}
}
