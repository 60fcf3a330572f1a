package web

import (
	"math"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// pdfRect is a rectangle a PDF draws: its bottom-left corner, width and
// height in points.
type pdfRect struct{ x, y, w, h float64 }

// pdfTextLine is a line of text a PDF shows: font, size, position and
// the text (decoded from the PDF string, WinAnsi bytes left as they are).
type pdfTextLine struct {
	font       string
	size, x, y float64
	text       string
}

var (
	pdfStream   = regexp.MustCompile(`(?s)<< /Length (\d+) >>\nstream\n(.*)\nendstream`)
	pdfQRPath   = regexp.MustCompile(`q 0 g\n((?:[\d.]+ [\d.]+ [\d.]+ [\d.]+ re\n)*)f\nQ\n`)
	pdfRe       = regexp.MustCompile(`([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) re\b`)
	pdfTextOp   = regexp.MustCompile(`BT /(F\d) (\d+) Tf 1 0 0 1 ([\d.]+) ([\d.]+) Tm \(((?:[^\\()]|\\.)*)\) Tj ET\n`)
	pdfUnescape = regexp.MustCompile(`\\(.)`)
)

// certificateDrawing returns what a certificate's content stream draws:
// the squares of its filled path (the QR code), the number of rectangles
// drawn in all, and its lines of text.
func certificateDrawing(t *testing.T, pdf []byte) (squares []pdfRect, allRects int, lines []pdfTextLine) {
	t.Helper()
	m := pdfStream.FindSubmatch(pdf)
	if m == nil {
		t.Fatal("no content stream")
	}
	content := string(m[2])
	paths := pdfQRPath.FindAllStringSubmatch(content, -1)
	if len(paths) > 1 {
		t.Fatalf("%d filled paths, want one", len(paths))
	}
	num := func(s string) float64 {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	if len(paths) == 1 {
		for _, r := range pdfRe.FindAllStringSubmatch(paths[0][1], -1) {
			squares = append(squares, pdfRect{num(r[1]), num(r[2]), num(r[3]), num(r[4])})
		}
	}
	allRects = len(pdfRe.FindAllString(content, -1))
	for _, l := range pdfTextOp.FindAllStringSubmatch(content, -1) {
		lines = append(lines, pdfTextLine{l[1], num(l[2]), num(l[3]), num(l[4]), pdfUnescape.ReplaceAllString(l[5], "$1")})
	}
	return squares, allRects, lines
}

// checkCertificateQR checks that pdf draws the QR code of target: one
// filled square per dark module, in the bottom-right of the page inside
// the frame, about 100 points square with its quiet zone, the modules
// where the code has them, and no text over the code or its quiet zone,
// but a caption under it. It returns the modules read back from the
// squares.
func checkCertificateQR(t *testing.T, pdf []byte, target string) [][]bool {
	t.Helper()
	want, err := qrModules(target)
	if err != nil {
		t.Fatal(err)
	}
	dark := 0
	for _, row := range want {
		for _, d := range row {
			if d {
				dark++
			}
		}
	}
	squares, allRects, lines := certificateDrawing(t, pdf)
	if len(squares) != dark {
		t.Fatalf("the QR code has %d squares, want %d, one per dark module", len(squares), dark)
	}
	if allRects != dark+2 {
		t.Errorf("the page draws %d rectangles, want the 2 of the frame and the %d of the QR code", allRects, dark)
	}
	side := squares[0].w
	left, right, bottom, top := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, s := range squares {
		if math.Abs(s.w-side) > 0.001 || math.Abs(s.h-side) > 0.001 {
			t.Fatalf("a module is %g×%g points, another %g wide", s.w, s.h, side)
		}
		left, right = min(left, s.x), max(right, s.x+s.w)
		bottom, top = min(bottom, s.y), max(top, s.y+s.h)
	}
	n := len(want)
	if math.Abs(right-left-float64(n)*side) > 0.01 || math.Abs(top-bottom-float64(n)*side) > 0.01 {
		t.Fatalf("the squares span %g×%g points, want %d modules of %g", right-left, top-bottom, n, side)
	}
	// The box of the code with its quiet zone.
	box := pdfRect{left - 4*side, bottom - 4*side, right - left + 8*side, top - bottom + 8*side}
	if box.w < 90 || box.w > 110 {
		t.Errorf("the QR code is %.1f points square with its quiet zone, want about 100", box.w)
	}
	if box.x < 40 || box.y < 40 || box.x+box.w > 802 || box.y+box.h > 555 {
		t.Errorf("the QR code %+v is not inside the frame (40 to 802, 40 to 555)", box)
	}
	if box.x < 842/2 || box.y > 595/2 {
		t.Errorf("the QR code %+v is not in the bottom right of the page", box)
	}
	// Read the modules back, top row first.
	got := make([][]bool, n)
	for r := range got {
		got[r] = make([]bool, n)
	}
	for _, s := range squares {
		r, c := int(math.Round((top-s.y-s.h)/side)), int(math.Round((s.x-left)/side))
		got[r][c] = true
	}
	for r := range want {
		for c := range want[r] {
			if got[r][c] != want[r][c] {
				t.Fatalf("module (%d, %d): dark %v, want %v", r, c, got[r][c], want[r][c])
			}
		}
	}
	caption := false
	for _, l := range lines {
		// Generous bounds: descenders reach a quarter of the size
		// below the baseline, nothing reaches above the size.
		x0, x1 := l.x, l.x+textWidth(l.font, l.size, l.text)
		y0, y1 := l.y-l.size/4, l.y+l.size
		if x1 > 802 {
			t.Errorf("%q ends at %.0f, beyond the frame", l.text, x1)
		}
		if x0 < box.x+box.w && x1 > box.x && y0 < box.y+box.h && y1 > box.y {
			t.Errorf("%q (%.0f to %.0f, %.0f to %.0f) overlaps the QR code %+v", l.text, x0, x1, y0, y1, box)
		}
		if l.text == "Scan to verify" {
			caption = x0 >= box.x && x1 <= box.x+box.w && y1 <= box.y && y0 >= 40
		}
	}
	if !caption {
		t.Error("no caption under the QR code")
	}
	return got
}

// certificateText is the text of the lines of pdf in font at size,
// joined as they were wrapped.
func certificateText(t *testing.T, pdf []byte, font string, size float64) string {
	t.Helper()
	_, _, lines := certificateDrawing(t, pdf)
	var b strings.Builder
	for _, l := range lines {
		if l.font == font && l.size == size {
			b.WriteString(l.text)
		}
	}
	return b.String()
}

func TestWalletCertificateQR(t *testing.T) {
	w := newWalletWorld(t)
	aw := w.award(t, "learner@kpu.example.edu")
	page := "/wallet/awards/" + strconv.FormatInt(aw.ID, 10)
	certificate := func() []byte {
		t.Helper()
		rec := w.as(t, "learner", "GET", page+"/certificate.pdf", nil, nil)
		wantStatus(t, rec, 200, "application/pdf")
		return rec.Body.Bytes()
	}

	// Not shared: the code leads to the verifier.
	verify := w.srv.publicBase(httptest.NewRequest("GET", "/", nil)) + "/verify"
	pdf := certificate()
	checkPDF(t, pdf, walletTitle, verify, "Scan to verify")
	checkCertificateQR(t, pdf, verify)

	// Shared: to the public link.
	shared := decode[shareJSON](t, w.as(t, "learner", "PUT", "/api/v1"+page+"/share", nil, nil))
	if !strings.Contains(shared.URL, "/c/") {
		t.Fatalf("shared at %q", shared.URL)
	}
	pdf = certificate()
	checkPDF(t, pdf, walletTitle, "Scan to verify")
	if got := certificateText(t, pdf, "F2", 11); got != shared.URL {
		t.Errorf("the printed address is %q, want %q", got, shared.URL)
	}
	modules := checkCertificateQR(t, pdf, shared.URL)
	if got := decodeQR(t, zbarimg(t), modules); got != shared.URL {
		t.Errorf("the certificate's QR code reads %q, want %q", got, shared.URL)
	}
}

func TestCertificatePDFLongAddresses(t *testing.T) {
	base := certificate{Title: walletTitle, Learner: "A Learner", Issuer: "Kwantlen Polytechnic University", Kind: "Micro-credential",
		Issued: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), State: "active", Printed: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		CredentialID: "urn:uuid:0b6f3c3e-5d1c-4b8e-9a43-6f1f0c1d2e3f"}
	long := "https://credentials.kpu.example.edu/c/" + strings.Repeat("WmWmWmWmWm", 17) // 208 bytes, wide letters
	t.Run("shared, long", func(t *testing.T) {
		c := base
		c.Shared, c.VerifyURL = true, long
		pdf := certificatePDF(c)
		checkPDF(t, pdf, walletTitle, c.CredentialID)
		checkCertificateQR(t, pdf, long)
		if got := certificateText(t, pdf, "F2", 11); got != long {
			t.Errorf("the printed address is %q, want %q", got, long)
		}
	})
	t.Run("not shared, long base", func(t *testing.T) {
		c := base
		c.VerifyURL = "https://credentials.kwantlen-polytechnic-university.example.edu/cairn/credentials/verify"
		pdf := certificatePDF(c)
		checkPDF(t, pdf, c.CredentialID, "Scan to verify")
		checkCertificateQR(t, pdf, c.VerifyURL)
		if got := certificateText(t, pdf, "F1", 10); !strings.Contains(got, c.VerifyURL) {
			t.Errorf("the closing lines %q do not name %q", got, c.VerifyURL)
		}
	})
	t.Run("too long for a QR code", func(t *testing.T) {
		c := base
		c.Shared, c.VerifyURL = true, long+strings.Repeat("x", 100)
		pdf := certificatePDF(c)
		checkPDF(t, pdf, walletTitle, c.CredentialID)
		squares, rects, lines := certificateDrawing(t, pdf)
		if len(squares) != 0 || rects != 2 {
			t.Errorf("got %d squares of %d rectangles, want no QR code, only the frame's 2", len(squares), rects)
		}
		for _, l := range lines {
			if l.text == "Scan to verify" {
				t.Error("a caption without a QR code")
			}
			if end := l.x + textWidth(l.font, l.size, l.text); l.y < 200 && (end > pdfTextRight || l.y < 48) {
				t.Errorf("%q at (%.0f, %.0f) to %.0f runs out of its place", l.text, l.x, l.y, end)
			}
		}
		if got := certificateText(t, pdf, "F2", 11); got != c.VerifyURL {
			t.Errorf("the printed address is %q, want %q", got, c.VerifyURL)
		}
	})
}
