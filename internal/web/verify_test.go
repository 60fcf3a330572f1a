package web

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"cairn/internal/bake"
	"cairn/internal/config"
	"cairn/internal/proof"
	"cairn/internal/verify"
)

func TestAPIVerify(t *testing.T) {
	f := newFixture(t, nil)
	signed := f.signed(t)
	tests := []struct {
		name        string
		body        []byte
		contentType string
		verified    bool
		failedCheck string
	}{
		{"signed JSON", signed, "application/json", true, ""},
		{"signed JSON sent as octets", signed, "application/octet-stream", true, ""},
		{"JWT", []byte(f.signedJWT(t)), "text/plain", true, ""},
		{"tampered JSON", tamper(t, signed), "application/json", false, "proof"},
		{"unsigned JSON", f.credential(t), "application/json", false, "proof"},
		{"not a credential", []byte("hello"), "text/plain", false, "format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := f.do(t, "POST", "/api/v1/verify", bytes.NewReader(tt.body), map[string]string{"Content-Type": tt.contentType})
			wantStatus(t, rec, 200, "application/json")
			rep := decode[verify.Report](t, rec)
			if rep.Verified != tt.verified {
				t.Errorf("verified: got %v, want %v; errors %v", rep.Verified, tt.verified, rep.Errors)
			}
			if tt.verified && rep.Issuer.ID != f.issuer.did {
				t.Errorf("issuer: got %q, want %q", rep.Issuer.ID, f.issuer.did)
			}
			if tt.failedCheck != "" && !slices.ContainsFunc(rep.Checks, func(c verify.Check) bool { return c.ID == tt.failedCheck && c.Outcome == verify.Fail }) {
				t.Errorf("check %s did not fail: %+v", tt.failedCheck, rep.Checks)
			}
		})
	}
}

func TestAPIVerifyBodyLimit(t *testing.T) {
	f := newFixture(t, func(c *config.Config) { c.MaxUploadBytes = 16 << 10 })
	rec := f.do(t, "POST", "/api/v1/verify", bytes.NewReader(bytes.Repeat([]byte("x"), 32<<10)), nil)
	wantStatus(t, rec, 413, "application/problem+json")
	p := decode[problem](t, rec)
	if p.Status != 413 || !strings.Contains(p.Detail, "16 KiB") {
		t.Errorf("problem: got %+v, want 413 naming the 16 KiB limit", p)
	}
	// The limit is the upload limit, not the smaller general one.
	ok := f.do(t, "POST", "/api/v1/verify", bytes.NewReader(f.signed(t)), nil)
	wantStatus(t, ok, 200, "application/json")
}

func TestCredentialsVerify(t *testing.T) {
	f := newFixture(t, nil)
	signed := f.signed(t)
	tok := f.signedJWT(t)
	tests := []struct {
		name   string
		body   string
		status int
	}{
		{"valid credential", `{"verifiableCredential":` + string(signed) + `,"options":{}}`, 200},
		{"valid JWT as a string", `{"verifiableCredential":"` + tok + `"}`, 200},
		{"valid enveloped JWT", `{"verifiableCredential":{"@context":"https://www.w3.org/ns/credentials/v2","type":"EnvelopedVerifiableCredential","id":"data:application/vc+jwt,` + tok + `"}}`, 200},
		{"tampered credential", `{"verifiableCredential":` + string(tamper(t, signed)) + `}`, 422},
		{"unsigned credential", `{"verifiableCredential":` + string(f.credential(t)) + `}`, 422},
		{"not JSON", `verifiableCredential=1`, 400},
		{"JSON array", `[]`, 400},
		{"no credential", `{"options":{}}`, 400},
		{"null credential", `{"verifiableCredential":null}`, 400},
		{"credential is a number", `{"verifiableCredential":42}`, 400},
		{"credential string is not a JWT", `{"verifiableCredential":"hello"}`, 400},
		{"credential lacks required fields", `{"verifiableCredential":{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"]}}`, 400},
		{"options not an object", `{"verifiableCredential":` + string(signed) + `,"options":[1]}`, 400},
		{"data after the object", `{"verifiableCredential":` + string(signed) + `} {}`, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := f.do(t, "POST", "/credentials/verify", strings.NewReader(tt.body), map[string]string{"Content-Type": "application/json"})
			switch tt.status {
			case 400:
				wantStatus(t, rec, 400, "application/problem+json")
				if p := decode[problem](t, rec); p.Detail == "" {
					t.Errorf("problem says nothing: %+v", p)
				}
				return
			default:
				wantStatus(t, rec, tt.status, "application/json")
			}
			res := decode[vcResult](t, rec)
			if res.Verified != (tt.status == 200) {
				t.Errorf("verified: got %v with status %d", res.Verified, rec.Code)
			}
			if res.Checks == nil || res.Warnings == nil || res.Errors == nil {
				t.Errorf("checks, warnings and errors must be lists: %s", rec.Body)
			}
			if tt.status == 200 && (!slices.Contains(res.Checks, "proof") || len(res.Errors) != 0) {
				t.Errorf("got %+v, want the proof check and no errors", res)
			}
			if tt.status == 422 && len(res.Errors) == 0 {
				t.Errorf("not verified, but no errors listed: %s", rec.Body)
			}
		})
	}
}

func TestCredentialsVerifyListsMalformedReasons(t *testing.T) {
	f := newFixture(t, nil)
	rec := f.do(t, "POST", "/credentials/verify", strings.NewReader(`{"verifiableCredential":"hello"}`), nil)
	p := decode[problem](t, rec)
	if p.Field != "verifiableCredential" || len(p.Errors) == 0 {
		t.Errorf("got %+v, want the field and the reasons", p)
	}
}

// presentation wraps credentials in a presentation held by holder and
// signs it for authentication with the challenge and domain.
func (f *fixture) presentation(t *testing.T, signer identity, challenge, domain string, creds ...json.RawMessage) []byte {
	t.Helper()
	vp := map[string]any{
		"@context":             []string{"https://www.w3.org/ns/credentials/v2"},
		"type":                 []string{"VerifiablePresentation"},
		"holder":               f.holder.did,
		"verifiableCredential": creds,
	}
	raw, err := json.Marshal(vp)
	if err != nil {
		t.Fatal(err)
	}
	out, err := f.di.Sign(raw, signer.key.Signer(), proof.SignOptions{
		VerificationMethod: signer.vm,
		Purpose:            proof.Authentication,
		Challenge:          challenge,
		Domain:             domain,
		Created:            testNow.Add(-time.Minute),
	})
	if err != nil {
		t.Fatalf("sign presentation: %v", err)
	}
	return out
}

func TestPresentationsVerify(t *testing.T) {
	f := newFixture(t, nil)
	signed := f.signed(t)
	good := f.presentation(t, f.holder, "challenge-1", "verifier.example", signed)
	enveloped := mustJSON(t, map[string]any{
		"@context": "https://www.w3.org/ns/credentials/v2",
		"type":     "EnvelopedVerifiableCredential",
		"id":       "data:application/vc+jwt," + f.signedJWT(t),
	})
	request := func(vp []byte, challenge, domain string) string {
		opts, _ := json.Marshal(map[string]string{"challenge": challenge, "domain": domain})
		return `{"verifiablePresentation":` + string(vp) + `,"options":` + string(opts) + `}`
	}
	tests := []struct {
		name      string
		body      string
		status    int
		wantCheck string // in checks when 200; in errors when 422
	}{
		{"right challenge and domain", request(good, "challenge-1", "verifier.example"), 200, "challenge"},
		{"two credentials, one an enveloped JWT", request(f.presentation(t, f.holder, "c2", "verifier.example", signed, enveloped), "c2", "verifier.example"), 200, "credentials"},
		{"wrong challenge", request(good, "challenge-2", "verifier.example"), 422, "challenge"},
		{"wrong domain", request(good, "challenge-1", "other.example"), 422, "domain"},
		{"tampered credential inside", request(f.presentation(t, f.holder, "c3", "verifier.example", tamper(t, signed)), "c3", "verifier.example"), 422, "credential 0"},
		{"signed by someone other than the holder", request(f.presentation(t, f.issuer, "c4", "verifier.example", signed), "c4", "verifier.example"), 422, "holder"},
		{"presentation altered after signing", request(bytes.Replace(good, []byte(f.holder.did+`"`), []byte(f.issuer.did+`"`), 1), "challenge-1", "verifier.example"), 422, "presentation"},
		{"no proof", request([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"]}`), "c", "d"), 422, "no proof"},
		{"not a presentation", request([]byte(`{"type":["VerifiableCredential"]}`), "c", "d"), 400, ""},
		{"JWT presentation", `{"verifiablePresentation":"a.b.c"}`, 400, ""},
		{"no presentation", `{"options":{"challenge":"c"}}`, 400, ""},
		{"challenge not a string", `{"verifiablePresentation":` + string(good) + `,"options":{"challenge":7}}`, 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := f.do(t, "POST", "/presentations/verify", strings.NewReader(tt.body), map[string]string{"Content-Type": "application/json"})
			if tt.status == 400 {
				wantStatus(t, rec, 400, "application/problem+json")
				return
			}
			wantStatus(t, rec, tt.status, "application/json")
			res := decode[vpResult](t, rec)
			if res.Verified != (tt.status == 200) {
				t.Errorf("verified: got %v with status %d", res.Verified, rec.Code)
			}
			if tt.status == 200 && !slices.Contains(res.Checks, tt.wantCheck) {
				t.Errorf("checks %v lack %q", res.Checks, tt.wantCheck)
			}
			if tt.status == 422 && !strings.Contains(strings.Join(res.Errors, "\n"), tt.wantCheck) {
				t.Errorf("errors %q do not mention %q", res.Errors, tt.wantCheck)
			}
		})
	}
}

func TestPresentationWithoutChallengeWarns(t *testing.T) {
	f := newFixture(t, nil)
	vp := f.presentation(t, f.holder, "", "", f.signed(t))
	rec := f.postJSON(t, "/presentations/verify", map[string]any{"verifiablePresentation": json.RawMessage(vp)})
	wantStatus(t, rec, 200, "application/json")
	res := decode[vpResult](t, rec)
	if len(res.Warnings) == 0 || !strings.Contains(res.Warnings[0], "challenge") {
		t.Errorf("warnings: got %q, want one about the missing challenge", res.Warnings)
	}
	if len(res.CredentialResults) != 1 || !res.CredentialResults[0].Verified {
		t.Errorf("credential results: got %+v", res.CredentialResults)
	}
}

func TestPresentationCredentialCountIsBounded(t *testing.T) {
	f := newFixture(t, nil)
	creds := make([]json.RawMessage, MaxPresentedCredentials+1)
	for i := range creds {
		creds[i] = json.RawMessage(`{}`)
	}
	vp, _ := json.Marshal(map[string]any{"type": "VerifiablePresentation", "verifiableCredential": creds})
	rec := f.postJSON(t, "/presentations/verify", map[string]any{"verifiablePresentation": json.RawMessage(vp)})
	wantStatus(t, rec, 400, "application/problem+json")
}

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVerifyPageForm(t *testing.T) {
	f := newFixture(t, nil)
	rec := f.do(t, "GET", "/verify", nil, nil)
	wantStatus(t, rec, 200, "text/html")
	html := rec.Body.String()
	for _, want := range []string{
		`<form method="post" action="/verify" enctype="multipart/form-data"`,
		`<label for="file">`, `id="file" name="file"`,
		`<label for="text">`, `id="text" name="text"`,
		`<button type="submit">Verify</button>`,
		`<nav aria-label="Main">`,
		"8 MiB",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("form page lacks %q", want)
		}
	}
	if strings.Contains(html, `id="result-heading"`) {
		t.Error("the empty form shows a report")
	}
}

func TestVerifyPageReportsBakedPNG(t *testing.T) {
	f := newFixture(t, nil)
	img, err := os.ReadFile("../verify/testdata/badge.png")
	if err != nil {
		t.Fatal(err)
	}
	baked, err := bake.BakePNG(img, f.signed(t))
	if err != nil {
		t.Fatal(err)
	}
	body, ctype := multipartForm(t, "badge.png", baked, "")
	rec := f.do(t, "POST", "/verify", body, map[string]string{"Content-Type": ctype})
	wantStatus(t, rec, 200, "text/html")
	html := rec.Body.String()
	for _, want := range []string{
		`<title>Verified · Verify a credential · cairn</title>`,
		`<h2 id="result-heading"><span class="mark" aria-hidden="true">✓</span> Verified: Data Analytics Foundations</h2>`,
		"<dt>Issued by</dt><dd>Kwantlen Polytechnic University (" + f.issuer.did + ")</dd>",
		"<dt>Achievement</dt><dd>Data Analytics Foundations (https://credentials.kpu.ca/achievements/data-analytics-foundations)</dd>",
		"<dt>Issued to</dt>",
		"<dt>Validity</dt><dd>Valid from 19 June 2026 until 19 June 2031</dd>",
		"<dt>Received as</dt><dd>a PNG badge image carrying JSON with an embedded proof</dd>",
		`<li class="check check-pass">`,
		"<strong>Signed by the issuer</strong>: <span class=\"outcome\">Passed</span>",
		"<strong>Key belongs to the issuer</strong>: <span class=\"outcome\">Passed</span>",
		"<strong>Within its validity period</strong>: <span class=\"outcome\">Passed</span>",
		"<strong>Not revoked or suspended</strong>: <span class=\"outcome\">Not applicable</span>",
		"Check another credential",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("report page lacks %q", want)
		}
	}
}

func TestVerifyPageReportsFailures(t *testing.T) {
	f := newFixture(t, nil)
	tampered := string(tamper(t, f.signed(t)))
	body, ctype := multipartForm(t, "", nil, tampered)
	rec := f.do(t, "POST", "/verify", body, map[string]string{"Content-Type": ctype})
	wantStatus(t, rec, 200, "text/html")
	html := rec.Body.String()
	for _, want := range []string{
		"Not verified: Data Analytics Mastery",
		`<li class="check check-fail">`,
		"<strong>Signed by the issuer</strong>: <span class=\"outcome\">Failed</span>",
		"signature does not match the document",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("report page lacks %q", want)
		}
	}
	// The pasted text comes back, escaped, for another try.
	if !strings.Contains(html, "&#34;name&#34;:&#34;Data Analytics Mastery&#34;") {
		t.Error("the pasted credential is not shown back in the text area")
	}
}

func TestVerifyPageURLEncodedForm(t *testing.T) {
	f := newFixture(t, nil)
	form := url.Values{"text": {f.signedJWT(t)}}.Encode()
	rec := f.do(t, "POST", "/verify", strings.NewReader(form), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	wantStatus(t, rec, 200, "text/html")
	if !strings.Contains(rec.Body.String(), "Verified: Data Analytics Foundations") {
		t.Errorf("JWT pasted in a plain form was not verified: %.2000s", rec.Body)
	}
}

func TestVerifyPageInputErrors(t *testing.T) {
	f := newFixture(t, func(c *config.Config) { c.MaxUploadBytes = 16 << 10 })
	empty, emptyType := multipartForm(t, "", nil, "  ")
	big, bigType := multipartForm(t, "big.png", bytes.Repeat([]byte("x"), 32<<10), "")
	tests := []struct {
		name        string
		body        *strings.Reader
		contentType string
		status      int
		message     string
	}{
		{"nothing given", strings.NewReader(readAll(t, empty)), emptyType, 400, "Choose a file or paste a credential"},
		{"file too large", strings.NewReader(readAll(t, big)), bigType, 413, "The file is too large: the limit is 16 KiB."},
		{"not a form", strings.NewReader("{}"), "application/json", 400, "multipart/form-data"},
		{"broken multipart", strings.NewReader("--x\r\nnot a part"), "multipart/form-data; boundary=x", 400, "could not be read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := f.do(t, "POST", "/verify", tt.body, map[string]string{"Content-Type": tt.contentType})
			wantStatus(t, rec, tt.status, "text/html")
			html := rec.Body.String()
			if !strings.Contains(html, `role="alert"`) || !strings.Contains(html, tt.message) {
				t.Errorf("page does not show %q in an alert: %.3000s", tt.message, html)
			}
			if !strings.Contains(html, `aria-describedby="file-hint form-error"`) {
				t.Error("the file input is not described by the error")
			}
		})
	}
}

func readAll(t *testing.T, r interface{ Read([]byte) (int, error) }) string {
	t.Helper()
	var b bytes.Buffer
	if _, err := b.ReadFrom(r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestCrossOriginProtection(t *testing.T) {
	f := newFixture(t, nil)
	signed := f.signed(t)
	tests := []struct {
		name   string
		target string
		header map[string]string
		status int
	}{
		{"cross-site form post refused", "/verify", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"foreign origin form post refused", "/verify", map[string]string{"Origin": "https://evil.example"}, 403},
		{"same-origin form post allowed", "/verify", map[string]string{"Sec-Fetch-Site": "same-origin"}, 200},
		{"non-browser form post allowed", "/verify", nil, 200},
		{"cross-site API call is exempt", "/api/v1/verify", map[string]string{"Sec-Fetch-Site": "cross-site"}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body *strings.Reader
			header := map[string]string{}
			for k, v := range tt.header {
				header[k] = v
			}
			if tt.target == "/verify" {
				r, ctype := multipartForm(t, "c.json", signed, "")
				body = strings.NewReader(readAll(t, r))
				header["Content-Type"] = ctype
			} else {
				body = strings.NewReader(string(signed))
			}
			rec := f.do(t, "POST", tt.target, body, header)
			if rec.Code != tt.status {
				t.Errorf("status: got %d, want %d", rec.Code, tt.status)
			}
			if tt.status == 403 && !strings.Contains(rec.Body.String(), "sent from another site") {
				t.Errorf("refusal does not explain itself: %.2000s", rec.Body)
			}
		})
	}
}

func TestTrustedOriginFromBaseURL(t *testing.T) {
	f := newFixture(t, func(c *config.Config) { c.BaseURL = "https://cairn.example.edu/base" })
	r, ctype := multipartForm(t, "c.json", f.signed(t), "")
	rec := f.do(t, "POST", "/verify", r, map[string]string{"Content-Type": ctype, "Origin": "https://cairn.example.edu", "Sec-Fetch-Site": "cross-site"})
	if rec.Code != 200 {
		t.Errorf("status: got %d, want 200 for the configured public origin", rec.Code)
	}
}
