package main

// Browser tests: cairn started the way users start it, driven through real
// Chromium with chromedp. Each test saves a screenshot of every page it
// visits under test-output/browser/<TestName>/ at the repository root.
//
// Chromium is optional on a developer's machine (the tests skip, saying
// so) and required when the environment variable CI is set. .ci/run
// installs it.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// browserTimeout bounds one browser test, Chromium's start included. It
// is generous because CI runs the other packages' tests beside it on two
// cores; a hang still ends.
const browserTimeout = 4 * time.Minute

// chromiumNames are the commands Chromium is installed as: Debian's
// package first.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome-stable", "google-chrome"}

// browserSession is one test's Chromium. Each tab it opens has a browser
// context of its own, so tabs are different users: they share no cookies.
type browserSession struct {
	path  string          // Chromium's executable
	root  context.Context // the browser; cancelled when the test ends
	shots string          // the test's screenshot folder

	mu      sync.Mutex
	started bool
	n       int // screenshots taken so far, for their numbers
}

// browser returns t's Chromium, headless, or skips t when Chromium is not
// installed, unless CI is set: there its absence fails t. Chromium starts
// with the first tab, so a test can still skip cheaply after this.
func browser(t *testing.T) *browserSession {
	t.Helper()
	path := findChromium()
	if path == "" {
		msg := fmt.Sprintf("Chromium is not installed (looked for %s on PATH); install the Debian package chromium to run the browser tests", strings.Join(chromiumNames, ", "))
		if os.Getenv("CI") != "" {
			t.Fatal(msg + "; CI is set, so the browser tests are required")
		}
		t.Skip(msg)
	}
	ctx, cancelTimeout := context.WithTimeout(context.Background(), browserTimeout)
	output := &syncBuffer{}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), // headless, as the defaults have it
		chromedp.NoSandbox,      // CI runs as root, where Chromium's sandbox cannot start
		chromedp.DisableGPU,
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("lang", "en-CA"),
		chromedp.CombinedOutput(output),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	root, cancelRoot := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelRoot()
		cancelAlloc()
		cancelTimeout()
		if out := chromiumLog(output.String()); t.Failed() && out != "" {
			t.Logf("Chromium's output (last 4 KB):\n%s", lastBytes(out, 4<<10))
		}
	})
	return &browserSession{path: path, root: root, shots: filepath.Join(repoRoot(t), "test-output", "browser", t.Name())}
}

// start starts Chromium, once, and empties the test's screenshot folder.
func (b *browserSession) start(t *testing.T) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.started {
		return
	}
	b.started = true
	if err := os.RemoveAll(b.shots); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(b.shots, 0o755); err != nil {
		t.Fatal(err)
	}
	// Started on the root context, so that each tab can have a browser
	// context of its own; a broken install fails here, saying so.
	if err := chromedp.Do(b.root); err != nil {
		t.Fatalf("start Chromium (%s): %v", b.path, err)
	}
}

// findChromium returns the path of the installed Chromium, or "".
func findChromium() string {
	for _, name := range chromiumNames {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// repoRoot is the folder that holds go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's folder")
		}
		dir = parent
	}
}

// chromiumLog is Chromium's output without its complaints that there is
// no D-Bus, which headless machines lack and which mean nothing here.
func chromiumLog(out string) string {
	var keep []string
	for _, line := range strings.Split(out, "\n") {
		if line != "" && !strings.Contains(line, "dbus/") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n")
}

func lastBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// browserTab is one browser tab, signed in as who ("" for a visitor). It
// records the page's uncaught JavaScript errors; the test fails on any.
type browserTab struct {
	b   *browserSession
	ctx context.Context
	who string

	mu       sync.Mutex
	jsErrors []string
}

// tab opens a tab in a fresh browser context: no cookies, no session.
func (b *browserSession) tab(t *testing.T, who string) *browserTab {
	t.Helper()
	b.start(t)
	ctx, cancel := chromedp.NewContext(b.root, chromedp.WithNewBrowserContext())
	p := &browserTab{b: b, ctx: ctx, who: who}
	console := chromedp.Console(ctx)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for msg, err := range console {
			if err != nil {
				return
			}
			if msg.IsException() {
				p.mu.Lock()
				p.jsErrors = append(p.jsErrors, msg.String())
				p.mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-watched
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, e := range p.jsErrors {
			t.Errorf("JavaScript error in %s's tab: %s", p.name(), e)
		}
	})
	return p
}

func (p *browserTab) name() string {
	if p.who == "" {
		return "the visitor"
	}
	return p.who
}

// open navigates to url, checks the answer's status and saves a
// screenshot named page.
func (p *browserTab) open(t *testing.T, url string, wantStatus int, page string) {
	t.Helper()
	resp, err := chromedp.Run(p.ctx, chromedp.NavigateResponse(url))
	if err != nil {
		t.Fatalf("%s opens %s: %v", p.name(), url, err)
	}
	if resp.Status != int64(wantStatus) {
		p.shot(t, page)
		t.Fatalf("%s opens %s: got status %d, want %d", p.name(), url, resp.Status, wantStatus)
	}
	p.shot(t, page)
}

// follow runs steps that load a new page (a click, a submit, a drop),
// waits for it, checks its status and saves a screenshot named page.
func (p *browserTab) follow(t *testing.T, page string, wantStatus int, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if status, url := p.load(t, page, steps...); status != wantStatus {
		t.Fatalf("%s, going to the %s page (%s): got status %d, want %d", p.name(), page, url, status, wantStatus)
	}
}

// load runs steps that load a new page, waits for it, saves a screenshot
// named page and returns the page's status and URL.
func (p *browserTab) load(t *testing.T, page string, steps ...chromedp.Action[chromedp.Void]) (int, string) {
	t.Helper()
	resp, err := chromedp.RunResponse(p.ctx, steps...)
	if err != nil {
		t.Fatalf("%s, going to the %s page: %v", p.name(), page, err)
	}
	if resp == nil {
		t.Fatalf("%s, going to the %s page: no page was loaded", p.name(), page)
	}
	p.shot(t, page)
	return int(resp.Status), resp.URL
}

// do runs steps that stay on the page.
func (p *browserTab) do(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(p.ctx, steps...); err != nil {
		t.Fatalf("%s: %s: %v", p.name(), what, err)
	}
}

// shot saves a full-page PNG screenshot as NN-[who-]page.png.
func (p *browserTab) shot(t *testing.T, page string) {
	t.Helper()
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot of %s: %v", page, err)
		return
	}
	p.b.mu.Lock()
	p.b.n++
	n := p.b.n
	p.b.mu.Unlock()
	name := page
	if p.who != "" {
		name = p.who + "-" + page
	}
	file := filepath.Join(p.b.shots, fmt.Sprintf("%02d-%s.png", n, fileSafe(name)))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Errorf("save screenshot: %v", err)
	}
}

var unsafeChars = regexp.MustCompile(`[^a-z0-9]+`)

func fileSafe(s string) string {
	return strings.Trim(unsafeChars.ReplaceAllString(strings.ToLower(s), "-"), "-")
}

// text is the visible text of the first element sel matches.
func (p *browserTab) text(t *testing.T, sel string) string {
	t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("%s reads %s: %v", p.name(), sel, err)
	}
	return strings.TrimSpace(s)
}

// evalJS evaluates a JavaScript expression in p's page and decodes its
// value.
func evalJS[T any](t *testing.T, p *browserTab, expr string) T {
	t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s evaluates %.60q: %v", p.name(), expr, err)
	}
	return v
}

// dropFiles drops files from outside the browser onto the element sel
// matches, the way a user drags them from a file manager: Chromium sends
// the page dragenter, dragover and drop, with the files in the
// DataTransfer.
func dropFiles(sel string, files ...string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		center, err := chromedp.Evaluate[struct{ X, Y float64 }](fmt.Sprintf(`(() => {
			const el = document.querySelector(%s);
			if (!el) { throw new Error("nothing matches " + %[1]s); }
			el.scrollIntoView({block: "center"});
			const r = el.getBoundingClientRect();
			return {X: r.left + r.width / 2, Y: r.top + r.height / 2};
		})()`, jsString(sel)))(ctx, tgt)
		if err != nil {
			return fmt.Errorf("find the drop target: %w", err)
		}
		data := &input.DragData{Items: []*input.DragDataItem{}, Files: files, DragOperationsMask: 1} // copy
		for _, typ := range []input.DispatchDragEventType{
			input.DispatchDragEventTypeDragEnter, input.DispatchDragEventTypeDragOver, input.DispatchDragEventTypeDrop,
		} {
			if _, err := cdp.Call(ctx, tgt, input.DispatchDragEvent, input.DispatchDragEventParams{Type: typ, X: center.X, Y: center.Y, Data: data}); err != nil {
				return fmt.Errorf("%s: %w", typ, err)
			}
		}
		return nil
	})
}

// scriptedDrop builds a File from data in the page and dispatches
// dragenter, dragover and drop on the element sel matches, with the file
// in a script-made DataTransfer: what a drag from another web page looks
// like to the page's script.
func scriptedDrop(sel, name, mediaType string, data []byte) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
		const el = document.querySelector(%s);
		if (!el) { throw new Error("nothing matches " + %[1]s); }
		const bytes = Uint8Array.from(atob(%s), c => c.charCodeAt(0));
		const transfer = new DataTransfer();
		transfer.items.add(new File([bytes], %s, {type: %s}));
		for (const type of ["dragenter", "dragover", "drop"]) {
			el.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: transfer}));
		}
	})()`, jsString(sel), jsString(base64.StdEncoding.EncodeToString(data)), jsString(name), jsString(mediaType)))
}

// jsString is s as a JavaScript string literal.
func jsString(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // a Go string always marshals
	}
	return string(b)
}

// serveForBrowser starts `cairn serve` on a loopback port with an empty
// data folder and returns its URL.
func serveForBrowser(t *testing.T) string {
	t.Helper()
	url, _, _ := startServe(t, nil, "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--allow-outbound=false")
	return url
}

// checkRow is one line of the verification page's list of checks. As a
// test's want, Detail is text the reason must contain.
type checkRow struct {
	Label   string `json:"label"`
	Outcome string `json:"outcome"`
	Detail  string `json:"detail"`
}

// readChecks returns the checks the verification page shows.
func readChecks(t *testing.T, p *browserTab) []checkRow {
	t.Helper()
	return evalJS[[]checkRow](t, p, `[...document.querySelectorAll(".report .checks > li")].map(li => ({
		label: (li.querySelector("strong")?.textContent ?? "").trim(),
		outcome: (li.querySelector(".outcome")?.textContent ?? "").trim(),
		detail: (li.querySelector(".detail")?.textContent ?? "").trim(),
	}))`)
}

// TestBrowserVerifyDroppedBadge bakes a signed credential into a PNG and
// has a visitor verify it on the verification page: chosen with the file
// field, dropped from outside the browser, dropped by a script, and
// pasted; and a badge whose credential was altered after signing.
func TestBrowserVerifyDroppedBadge(t *testing.T) {
	b := browser(t)
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "issuer.jwk")
	if _, stderr, code := cli(t, "", "keys", "new", "--out", keyFile); code != 0 {
		t.Fatalf("keys new: exit %d: %s", code, stderr)
	}
	didOut, stderr, code := cli(t, "", "keys", "did", keyFile)
	if code != 0 {
		t.Fatalf("keys did: exit %d: %s", code, stderr)
	}
	unsigned := bytes.ReplaceAll(benchCredential, []byte("did:key:z6MkPLACEHOLDER"), []byte(strings.TrimSpace(didOut)))
	credFile := write(t, dir, "credential.json", unsigned)
	signedFile := filepath.Join(dir, "signed.json")
	if _, stderr, code := cli(t, "", "sign", "--key", keyFile, "--in", credFile, "--format", "di", "--out", signedFile); code != 0 {
		t.Fatalf("sign: exit %d: %s", code, stderr)
	}
	signed := mustRead(t, signedFile)
	tamperedFile := write(t, dir, "tampered.json", bytes.Replace(signed, []byte("Data Analytics Foundations"), []byte("Data Analytics Mastery"), 1))
	image := "../../internal/verify/testdata/badge.png"
	badge, tampered := filepath.Join(dir, "badge.png"), filepath.Join(dir, "tampered-badge.png")
	for _, bk := range []struct{ cred, out string }{{signedFile, badge}, {tamperedFile, tampered}} {
		if _, stderr, code := cli(t, "", "bake", "--in", image, "--credential", bk.cred, "--out", bk.out); code != 0 {
			t.Fatalf("bake %s: exit %d: %s", bk.out, code, stderr)
		}
	}

	base := serveForBrowser(t)
	visitor := b.tab(t, "")
	visitor.open(t, base+"/verify", 200, "verify-form")
	if hint := evalJS[bool](t, visitor, `!document.querySelector("[data-drop-hint]").hidden`); !hint {
		t.Error("the drop hint is hidden: the page's script did not run")
	}

	const form, zone = "form[data-drop-form]", "[data-drop-zone]"
	genuine := []checkRow{
		{Label: "Readable credential", Outcome: "Passed"},
		{Label: "Required information present", Outcome: "Passed"},
		{Label: "Signed by the issuer", Outcome: "Passed"},
		{Label: "Key belongs to the issuer", Outcome: "Passed"},
		{Label: "Within its validity period", Outcome: "Passed"},
		{Label: "Not revoked or suspended", Outcome: "Not applicable"},
	}
	tests := []struct {
		name         string
		submit       []chromedp.Action[chromedp.Void]
		wantVerified bool
		wantReceived string
		wantChecks   []checkRow
	}{
		{
			name: "badge chosen with the file field verifies",
			submit: []chromedp.Action[chromedp.Void]{
				chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{badge}),
				pressButton(form, `^Verify$`),
			},
			wantVerified: true,
			wantReceived: "a PNG badge image carrying JSON with an embedded proof",
			wantChecks:   genuine,
		},
		{
			name:         "badge dropped from the desktop verifies",
			submit:       []chromedp.Action[chromedp.Void]{dropFiles(zone, badge)},
			wantVerified: true,
			wantReceived: "a PNG badge image carrying JSON with an embedded proof",
			wantChecks:   genuine,
		},
		{
			name:         "badge dropped by a script verifies",
			submit:       []chromedp.Action[chromedp.Void]{scriptedDrop(zone, "badge.png", "image/png", mustRead(t, badge))},
			wantVerified: true,
			wantReceived: "a PNG badge image carrying JSON with an embedded proof",
			wantChecks:   genuine,
		},
		{
			name: "pasted credential verifies",
			submit: []chromedp.Action[chromedp.Void]{
				fillField(form, "Or paste the credential", string(signed)),
				pressButton(form, `^Verify$`),
			},
			wantVerified: true,
			wantReceived: "JSON with an embedded proof",
			wantChecks:   genuine,
		},
		{
			name:         "tampered badge dropped is not verified",
			submit:       []chromedp.Action[chromedp.Void]{dropFiles(zone, tampered)},
			wantVerified: false,
			wantReceived: "a PNG badge image carrying JSON with an embedded proof",
			wantChecks: []checkRow{
				{Label: "Readable credential", Outcome: "Passed"},
				{Label: "Required information present", Outcome: "Passed"},
				{Label: "Signed by the issuer", Outcome: "Failed", Detail: "signature does not match the document"},
				{Label: "Within its validity period", Outcome: "Passed"},
				{Label: "Not revoked or suspended", Outcome: "Not applicable"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			visitor.open(t, base+"/verify", 200, "verify-form")
			visitor.follow(t, "verify-report-"+fileSafe(tt.name), 200, tt.submit...)

			heading := visitor.text(t, "#result-heading")
			if got := strings.HasPrefix(heading, "✓ Verified"); got != tt.wantVerified {
				t.Errorf("heading %q: verified %v, want %v", heading, got, tt.wantVerified)
			}
			if tt.wantVerified && !strings.Contains(heading, "Data Analytics Foundations") {
				t.Errorf("heading %q does not name the credential", heading)
			}
			verdict := visitor.text(t, ".report .verdict")
			wantVerdict := "At least one check failed"
			if tt.wantVerified {
				wantVerdict = "Every check passed"
			}
			if !strings.HasPrefix(verdict, wantVerdict) {
				t.Errorf("verdict %q, want it to start %q", verdict, wantVerdict)
			}
			facts := evalJS[map[string]string](t, visitor, `Object.fromEntries([...document.querySelectorAll(".report .facts dt")].map(dt => [dt.textContent.trim(), dt.nextElementSibling.textContent.trim()]))`)
			if got := facts["Received as"]; got != tt.wantReceived {
				t.Errorf("received as %q, want %q", got, tt.wantReceived)
			}
			if got := facts["Issued by"]; !strings.HasPrefix(got, "Kwantlen Polytechnic University (did:key:") {
				t.Errorf("issued by %q, want Kwantlen Polytechnic University and its did:key", got)
			}

			got := readChecks(t, visitor)
			if len(got) != len(tt.wantChecks) {
				t.Fatalf("got %d checks %+v, want %d", len(got), got, len(tt.wantChecks))
			}
			for i, want := range tt.wantChecks {
				if got[i].Label != want.Label || got[i].Outcome != want.Outcome {
					t.Errorf("check %d: got %q %s, want %q %s", i+1, got[i].Label, got[i].Outcome, want.Label, want.Outcome)
				}
				if got[i].Detail == "" || !strings.Contains(got[i].Detail, want.Detail) {
					t.Errorf("check %q explains %q, want a reason in plain language (containing %q)", got[i].Label, got[i].Detail, want.Detail)
				}
			}
		})
	}
}

// The tests below drive the signed-in web UI and the public registry over
// the demo data. They were written against the page structure the UI is
// expected to have, which the assumptions in each say; each skips with
// "waiting for the UI" while a page it needs answers 404.

// waitingForUI skips t when any of the pages answers 404 at base: the
// UI that the test drives is not built yet. Signed out, an existing page
// answers or redirects to the sign-in page; only a missing one is 404.
func waitingForUI(t *testing.T, base string, pages ...string) {
	t.Helper()
	client := &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	var missing []string
	for _, p := range pages {
		resp, err := client.Get(base + p)
		if err != nil {
			t.Fatalf("GET %s: %v", p, err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusNotFound {
			missing = append(missing, "GET "+p)
		}
	}
	if len(missing) > 0 {
		t.Skipf("waiting for the UI: %s answer 404", strings.Join(missing, ", "))
	}
}

// demoFile is what the tests read of DATA/demo.json, which `cairn demo`
// writes for its users: the institutions and the sign-ins.
type demoFile struct {
	Institutions []struct {
		Slug    string `json:"slug"`
		Profile string `json:"policy_profile"`
	} `json:"institutions"`
	SignIns []signInAs `json:"sign_ins"`
}

// signInAs is a demo person and how to sign in as them.
type signInAs struct {
	Institution string   `json:"institution"` // its slug
	Name        string   `json:"name"`
	Email       string   `json:"email"`
	Password    string   `json:"password"`
	Roles       []string `json:"roles"`      // "role" or "role@UNIT"
	Committees  []string `json:"committees"` // "key" or "key (chair)"
}

// is reports whether the person holds the role, or the committee seat
// ("smc", "smc (chair)"), at the institution.
func (s signInAs) is(institution, roleOrSeat string) bool {
	if s.Institution != institution {
		return false
	}
	for _, r := range s.Roles {
		if r == roleOrSeat || strings.HasPrefix(r, roleOrSeat+"@") {
			return true
		}
	}
	return slices.Contains(s.Committees, roleOrSeat)
}

// kpu returns the slug of the institution under KPU's policy profile.
func (d demoFile) kpu(t *testing.T) string {
	t.Helper()
	for _, in := range d.Institutions {
		if in.Profile == "kpu-ac15" {
			return in.Slug
		}
	}
	t.Fatalf("demo.json lists no institution under the kpu-ac15 profile: %+v", d.Institutions)
	return ""
}

// signInAs returns the first demo person, by email, who holds the role or
// seat at the institution.
func (d demoFile) signInAs(t *testing.T, institution, roleOrSeat string) signInAs {
	t.Helper()
	for _, s := range d.SignIns {
		if s.is(institution, roleOrSeat) && s.Password != "" {
			return s
		}
	}
	t.Fatalf("demo.json has no sign-in for %s at %s", roleOrSeat, institution)
	return signInAs{}
}

// named returns the demo person a page names.
func (d demoFile) named(name string) (signInAs, bool) {
	for _, s := range d.SignIns {
		if s.Name == name && s.Password != "" {
			return s, true
		}
	}
	return signInAs{}, false
}

// startDemo runs `cairn demo` on a loopback port with a fresh data folder
// and returns its URL and what it wrote to demo.json, or skips t while
// cairn has no demo command.
func startDemo(t *testing.T) (string, demoFile) {
	t.Helper()
	if _, ok := commands()["demo"]; !ok {
		t.Skip("waiting for the UI: cairn has no demo command to populate the data these pages need")
	}
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--addr", "127.0.0.1:0", "--data", dir}, func(string) string { return "" }, strings.NewReader(""), stdout, stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("cairn demo did not stop within 15s of being cancelled")
		}
	})
	addr := regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+`)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		// The URL is printed and demo.json written once the demo is ready.
		raw, err := os.ReadFile(filepath.Join(dir, "demo.json"))
		if u := addr.FindString(stdout.String()); u != "" && err == nil && json.Valid(raw) {
			var d demoFile
			if err := json.Unmarshal(raw, &d); err != nil {
				t.Fatalf("demo.json: %v", err)
			}
			slices.SortFunc(d.SignIns, func(a, b signInAs) int { return strings.Compare(a.Email, b.Email) })
			return u, d
		}
		select {
		case err := <-done:
			t.Fatalf("cairn demo exited early: %v\n%s", err, stderr)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("cairn demo printed no URL or wrote no demo.json within 30s; stdout %q, stderr %q", stdout, stderr)
	return "", demoFile{}
}

// signIn opens a tab of its own for who and signs in there with the
// sign-in form.
func (b *browserSession) signIn(t *testing.T, base, who string, as signInAs) *browserTab {
	t.Helper()
	p := b.tab(t, who)
	p.open(t, base+"/signin", 200, "sign-in")
	const form = `form[action="/signin"]`
	p.fill(t, form, "Email", as.Email)
	p.fill(t, form, "Password", as.Password)
	p.press(t, form, "tasks", 200, `^Sign in$`)
	if path := evalJS[string](t, p, `location.pathname`); path == "/signin" {
		t.Fatalf("%s (%s) is still on the sign-in page: %s", who, as.Email, p.text(t, "main"))
	}
	return p
}

// fill sets the form control labelled label inside scope; see fillField.
func (p *browserTab) fill(t *testing.T, scope, label, value string) {
	t.Helper()
	p.do(t, fmt.Sprintf("fill %q", label), fillField(scope, label, value))
}

// press clicks the submit button inside scope whose text matches the
// regular expression, and waits for the page it loads.
func (p *browserTab) press(t *testing.T, scope, page string, wantStatus int, button string) {
	t.Helper()
	p.follow(t, page, wantStatus, pressButton(scope, button))
}

// fillField sets the form control labelled label (the label's text starts
// with it, case and spacing aside) inside scope, as a user would find it.
// A select takes the option whose value or text is value; a checkbox or a
// radio button is checked when value is "checked".
func fillField(scope, label, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`((scope, label, value) => {
		const norm = s => s.replace(/\s+/g, " ").trim().toLowerCase();
		const root = document.querySelector(scope);
		if (!root) { throw new Error("nothing matches " + scope); }
		const l = [...root.querySelectorAll("label")].find(l => norm(l.textContent).startsWith(norm(label)));
		if (!l || !l.control) { throw new Error("no form control labelled " + JSON.stringify(label) + " in " + scope); }
		const el = l.control;
		if (el.type === "checkbox" || el.type === "radio") {
			el.checked = value === "checked";
		} else if (el.tagName === "SELECT") {
			const o = [...el.options].find(o => norm(o.value) === norm(value) || norm(o.textContent) === norm(value));
			if (!o) { throw new Error(JSON.stringify(label) + " offers no " + JSON.stringify(value)); }
			el.value = o.value;
		} else {
			el.value = value;
		}
		el.dispatchEvent(new Event("input", {bubbles: true}));
		el.dispatchEvent(new Event("change", {bubbles: true}));
	})(%s, %s, %s)`, jsString(scope), jsString(label), jsString(value)))
}

// pressButton clicks, with the mouse, the button inside scope whose text
// matches the regular expression button (case aside).
func pressButton(scope, button string) chromedp.Action[chromedp.Void] {
	const mark = "data-browser-test-press"
	find := chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`((scope, button, mark) => {
		document.querySelectorAll("[" + mark + "]").forEach(el => el.removeAttribute(mark));
		const re = new RegExp(button, "i");
		const buttons = [...document.querySelectorAll(scope)].flatMap(s => [...s.querySelectorAll("button, input[type=submit]")]);
		const b = buttons.find(b => re.test((b.textContent || b.value || "").replace(/\s+/g, " ").trim()));
		if (!b) { throw new Error("no button matching /" + button + "/ in " + scope + "; there are " + buttons.map(b => JSON.stringify((b.textContent || b.value).trim())).join(", ")); }
		b.setAttribute(mark, "");
	})(%s, %s, %s)`, jsString(scope), jsString(button), jsString(mark)))
	return chromedp.Steps(find, chromedp.Click(chromedp.CSS("["+mark+"]")))
}

// caseForm is the selector of the form on a case page that takes an
// approval action: it posts to /cases/{id}/actions/{action}.
func caseForm(action string) string {
	return fmt.Sprintf(`form[action$="/actions/%s"]`, action)
}

// TestBrowserProposalThroughKPUTrack takes a non credit-bearing
// micro-credential from draft through KPU's SMC track (AC15 B.1.d-e) to
// the Provost's signature, each step taken by the person whose step it is,
// each signed in in a browser context of their own.
//
// It follows the pages as internal/web/templates has them: the sign-in
// form (/signin); the outline-form editor (/offerings/new, fields found by
// their labels, "Save the draft", then "Submit for approval"); the case
// page (/cases/{id}) with one form per action the viewer may take, posting
// to /cases/{id}/actions/{action}, and the case's facts ("Status",
// "Current step") in dl.facts; and the Provost's signing queue
// (/provost). The people come from the sign-ins in DATA/demo.json.
func TestBrowserProposalThroughKPUTrack(t *testing.T) {
	b := browser(t)
	base, demo := startDemo(t)
	waitingForUI(t, base, "/signin", "/tasks", "/offerings/new", "/provost")
	const title = "Field Safety for Environmental Technicians"
	kpu := demo.kpu(t)
	proponentSignIn, chairSignIn := demo.signInAs(t, kpu, "proponent"), demo.signInAs(t, kpu, "smc (chair)")

	proponent := b.signIn(t, base, "proponent", proponentSignIn)
	proponent.open(t, base+"/offerings/new", 200, "outline-form")
	// The form asks for competencies and an assessment method once it
	// knows the offering is a micro-credential: after the first save.
	const editor = "form.outline-form"
	for i, fields := range [][]struct{ label, value string }{
		{
			{"Type of offering", "micro_credential"},
			{"Title", title},
			{"Description", "Plan and run safe field work at remote sites, for working technicians."},
			{"Learning outcomes", "Write a field safety plan\nLead a tailgate safety meeting"},
			{"Length (hours)", "30"},
			{"Credit status", "non_credit"},
		},
		{
			{"Competencies", "Assess field hazards\nPlan a safe field day"},
			{"Assessment method", "A field safety plan, assessed against a rubric, and an observed tailgate meeting."},
		},
	} {
		for _, f := range fields {
			proponent.fill(t, editor, f.label, f.value)
		}
		proponent.press(t, editor, fmt.Sprintf("draft-saved-%d", i+1), 200, `^Save the draft$`)
		if errs := proponent.count(t, "#form-errors li"); errs != 0 {
			t.Fatalf("saving the draft shows %d problems: %s", errs, proponent.text(t, "#form-errors"))
		}
	}
	proponent.press(t, `form[action$="/submit"]`, "submitted", 200, `^Submit for approval$`)
	caseURL := evalJS[string](t, proponent, `location.origin + location.pathname`)
	if !regexp.MustCompile(`/cases/[0-9]+$`).MatchString(caseURL) {
		t.Fatalf("submitting led to %s, want the case page /cases/{id}; the page says: %s", caseURL, proponent.text(t, "main"))
	}
	proponent.wantStep(t, "SMC Chair checks the outline form is complete")

	chair := b.signIn(t, base, "smc-chair", chairSignIn)
	chair.open(t, caseURL, 200, "case-completeness")
	chair.fill(t, caseForm("completeness_decision"), "Complete", "checked")
	chair.act(t, "completeness_decision", "complete", `^Record the completeness check$`)
	chair.wantStep(t, "Three SMC members review")

	// The chair assigns the first three members offered, leaving out
	// themselves and the proponent should the form offer them.
	members := evalJS[[]struct{ ID, Name string }](t, chair, fmt.Sprintf(`[...document.querySelectorAll(%s)].map(c => ({ID: c.id, Name: c.labels[0].textContent.trim()}))`,
		jsString(caseForm("assign_reviewers")+` input[type=checkbox]`)))
	var reviewerSignIns []signInAs
	for _, m := range members {
		as, ok := demo.named(m.Name)
		if !ok || as.Email == chairSignIn.Email || as.Email == proponentSignIn.Email || len(reviewerSignIns) == 3 {
			continue
		}
		reviewerSignIns = append(reviewerSignIns, as)
		chair.do(t, "check "+m.Name, chromedp.Click(chromedp.CSS("#"+m.ID)))
	}
	if len(reviewerSignIns) != 3 {
		t.Fatalf("the chair is offered %d members with demo sign-ins to assign (%+v), want at least 3", len(reviewerSignIns), members)
	}
	chair.act(t, "assign_reviewers", "reviewers-assigned", `^Assign$`)

	var reviewers []*browserTab
	for i, as := range reviewerSignIns {
		r := b.signIn(t, base, fmt.Sprintf("reviewer-%d", i+1), as)
		r.open(t, caseURL, 200, "case-review")
		for _, q := range []struct{ question, answer string }{
			{"Does the Micro-credential represent a duplication", "No"},
			{"Is the Micro-credential competency-based", "Yes"},
			{"Will the Micro-credential be credit-bearing", "No"},
		} {
			r.answer(t, caseForm("submit_review"), q.question, q.answer)
		}
		r.act(t, "submit_review", "reviewed", `^Submit the review$`)
		reviewers = append(reviewers, r)
	}

	chair.open(t, caseURL, 200, "case-reviewed")
	chair.act(t, "close_review", "vote-called", `^Close the review and call the vote$`)
	chair.wantStep(t, "The Chair electronically calls the question")
	for _, r := range reviewers {
		r.open(t, caseURL, 200, "case-ballot")
		r.fill(t, caseForm("cast_ballot"), "Approve", "checked")
		r.act(t, "cast_ballot", "voted", `^Cast the ballot$`)
	}

	chair.open(t, caseURL, 200, "case-to-sign")
	chair.wantStep(t, "SMC Chair signs")
	chair.act(t, "sign", "chair-signed", `^Sign$`)
	chair.wantStep(t, "Provost signs")

	provost := b.signIn(t, base, "provost", demo.signInAs(t, kpu, "provost"))
	provost.open(t, base+"/provost", 200, "signing-queue")
	if !strings.Contains(provost.text(t, "#queue-heading + table"), title) {
		t.Errorf("the Provost's signing queue does not list %q", title)
	}
	provost.follow(t, "case-to-sign", 200, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#queue-heading + table a[href=%s]`, jsString(strings.TrimPrefix(caseURL, base))))))
	provost.act(t, "sign", "provost-signed", `^Sign$`)

	proponent.open(t, caseURL, 200, "case-approved")
	if status := proponent.facts(t)["Status"]; !strings.Contains(strings.ToLower(status), "approved") {
		t.Errorf("after the Provost signs, the proponent sees the status %q, want approved", status)
	}
	signatures := proponent.text(t, "#signatures-heading + ul")
	if n := strings.Count(signatures, "version 1"); n != 2 {
		t.Errorf("the case shows %d signatures of version 1, want the chair's and the Provost's:\n%s", n, signatures)
	}
}

// act presses the button of the case page's form for the approval action
// and checks that the action was done, not refused.
func (p *browserTab) act(t *testing.T, action, page, button string) {
	t.Helper()
	status, url := p.load(t, page, pressButton(caseForm(action), button))
	if p.count(t, "#action-error") > 0 {
		t.Fatalf("%s: %s was refused (status %d): %s", p.name(), action, status, p.text(t, "#action-error"))
	}
	if status != 200 {
		t.Fatalf("%s: %s led to %s with status %d, want 200", p.name(), action, url, status)
	}
}

// wantStep checks the case page's current step.
func (p *browserTab) wantStep(t *testing.T, want string) {
	t.Helper()
	if got := p.facts(t)["Current step"]; !strings.HasPrefix(got, want) {
		t.Errorf("%s sees the current step %q, want %q", p.name(), got, want)
	}
}

// facts reads the page's first dl.facts as a map from each term to its
// description.
func (p *browserTab) facts(t *testing.T) map[string]string {
	t.Helper()
	return evalJS[map[string]string](t, p, `Object.fromEntries([...(document.querySelector("main dl.facts")?.querySelectorAll("dt") ?? [])].map(dt => [dt.textContent.trim(), (dt.nextElementSibling?.textContent ?? "").replace(/\s+/g, " ").trim()]))`)
}

// count is how many elements sel matches.
func (p *browserTab) count(t *testing.T, sel string) int {
	t.Helper()
	return evalJS[int](t, p, fmt.Sprintf(`document.querySelectorAll(%s).length`, jsString(sel)))
}

// answer checks the radio button labelled answer in the fieldset whose
// legend starts with question.
func (p *browserTab) answer(t *testing.T, scope, question, answer string) {
	t.Helper()
	p.do(t, fmt.Sprintf("answer %q", question), chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`((scope, question, answer) => {
		const norm = s => s.replace(/\s+/g, " ").trim().toLowerCase();
		const set = [...document.querySelectorAll(scope + " fieldset")].find(f => f.querySelector("legend") && norm(f.querySelector("legend").textContent).startsWith(norm(question)));
		if (!set) { throw new Error("no question " + JSON.stringify(question) + " in " + scope); }
		const radio = [...set.querySelectorAll("input[type=radio]")].find(r => r.labels.length && norm(r.labels[0].textContent) === norm(answer));
		if (!radio) { throw new Error(JSON.stringify(question) + " has no answer " + JSON.stringify(answer)); }
		radio.checked = true;
	})(%s, %s, %s)`, jsString(scope), jsString(question), jsString(answer))))
}

// TestBrowserRegistrySearch has a visitor search the public registry,
// narrow the results with a filter, and open an offering's page: its food
// label and the CTDL and Achievement documents it links to.
//
// It assumes these pages and this structure:
//   - /registry: a search form (method get, so the search is in the URL)
//     with a field labelled "Search", filters including a select labelled
//     "Credit status" whose "any" option has the value "", and a "Search"
//     button; the results in an element with the class results, each a
//     link to its offering's page whose text is the offering's title; the
//     number of results in an element with the class result-count.
//   - the offering page: the food label as a dl with the class
//     food-label, whose dt texts start with "Credit status", "Duration",
//     "Delivery", "Competencies", "Learning outcomes", "Assessment",
//     "Fees", "Stacks into", "Transfer", "PLAR", "Partners" and "Next
//     review"; links whose text contains "CTDL" and "Achievement" to the
//     CTDL JSON-LD (with ceterms: terms) and the OB 3.0 Achievement JSON.
func TestBrowserRegistrySearch(t *testing.T) {
	b := browser(t)
	base, _ := startDemo(t)
	waitingForUI(t, base, "/registry")

	visitor := b.tab(t, "")
	visitor.open(t, base+"/registry", 200, "registry")
	all := resultCount(t, visitor)
	if all == 0 {
		t.Fatal("the registry lists no offerings")
	}

	// Search for the longest word of the first offering's title: it must
	// be among what is found.
	title := visitor.text(t, ".results a")
	word := ""
	for _, w := range strings.FieldsFunc(title, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if len(w) > len(word) {
			word = w
		}
	}
	const search = "main form"
	visitor.fill(t, search, "Search", word)
	visitor.press(t, search, "registry-search", 200, `^Search$`)
	if q := evalJS[string](t, visitor, `location.search`); !strings.Contains(q, url.QueryEscape(word)) {
		t.Errorf("the search is not in the URL (%q), so it cannot be shared or bookmarked", q)
	}
	found := resultCount(t, visitor)
	if found == 0 || found > all {
		t.Fatalf("searching for %q finds %d of %d offerings, want from 1 to %d", word, found, all, all)
	}
	if titles := visitor.text(t, ".results"); !strings.Contains(titles, title) {
		t.Errorf("searching for %q does not find %q; it finds:\n%s", word, title, titles)
	}

	// Narrow the results to the first credit status offered.
	status := evalJS[string](t, visitor, `(() => {
		const l = [...document.querySelectorAll("main form label")].find(l => /^credit status/i.test(l.textContent.trim()));
		const o = l && l.control && [...l.control.options].find(o => o.value !== "");
		if (!o) { throw new Error("no credit status to filter by"); }
		return o.value;
	})()`)
	visitor.fill(t, search, "Credit status", status)
	visitor.press(t, search, "registry-filtered", 200, `^Search$`)
	if filtered := resultCount(t, visitor); filtered > found {
		t.Errorf("filtering by credit status %q widened the results from %d to %d", status, found, filtered)
	}
	visitor.fill(t, search, "Credit status", "")
	visitor.press(t, search, "registry-search", 200, `^Search$`)

	visitor.follow(t, "offering", 200, chromedp.Click(chromedp.CSS(`.results a`)))
	label := evalJS[map[string]string](t, visitor, `Object.fromEntries([...document.querySelectorAll("dl.food-label dt")].map(dt => [dt.textContent.trim(), (dt.nextElementSibling?.textContent ?? "").trim()]))`)
	for _, want := range []string{"Credit status", "Duration", "Delivery", "Competencies", "Learning outcomes", "Assessment", "Fees", "Stacks into", "Transfer", "PLAR", "Partners", "Next review"} {
		found := false
		for dt := range label {
			found = found || strings.HasPrefix(dt, want)
		}
		if !found {
			t.Errorf("the food label lacks %q; it has %v", want, label)
		}
	}

	client := &http.Client{Timeout: 10 * time.Second}
	links := evalJS[map[string]string](t, visitor, `Object.fromEntries([...document.querySelectorAll("main a[href]")].filter(a => /CTDL|Achievement/.test(a.textContent)).map(a => [/CTDL/.test(a.textContent) ? "ctdl" : "achievement", a.href]))`)
	for _, l := range []struct{ name, want string }{
		{"ctdl", `"ceterms:`},
		{"achievement", `"Achievement"`},
	} {
		href := links[l.name]
		if href == "" {
			t.Errorf("the offering page has no %s link", l.name)
			continue
		}
		resp, err := client.Get(href)
		if err != nil {
			t.Errorf("GET %s: %v", href, err)
			continue
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || !json.Valid(body) || !strings.Contains(string(body), l.want) {
			t.Errorf("%s link %s: got %d %q (%v), want 200 JSON with %s", l.name, href, resp.StatusCode, lastBytes(string(body), 300), err, l.want)
		}
		visitor.open(t, href, 200, l.name)
	}
}

// resultCount reads how many offerings the registry page says it found.
func resultCount(t *testing.T, p *browserTab) int {
	t.Helper()
	return evalJS[int](t, p, `(() => {
		const c = document.querySelector(".result-count");
		if (!c) { throw new Error("no .result-count on the page"); }
		const m = c.textContent.replace(/,/g, "").match(/\d+/);
		return m ? Number(m[0]) : 0;
	})()`)
}
