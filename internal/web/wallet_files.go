package web

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"

	"cairn/internal/award"
	"cairn/internal/bake"
	"cairn/internal/sqlstore"
)

// Downloads of a wallet award: the credential as JSON and (when issued
// so) as a JWT, a badge image with the credential baked in (PNG and SVG),
// and a printable one-page PDF certificate. The badge images are drawn
// here, since offerings carry no artwork; the PDF is written by hand
// (PDF 1.4, the standard Helvetica fonts), so that no PDF library is
// needed. The certificate prints the verification address as text and as
// a QR code (qrcode.go), drawn as vector squares.

// download sends body as a file to save.
func download(w http.ResponseWriter, contentType, filename string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

// fileSlug makes a title into a file name: lower-case letters and digits
// joined by hyphens, at most 60 bytes, "credential" when nothing is left.
func fileSlug(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	if b.Len() == 0 {
		return "credential"
	}
	return b.String()
}

// bakeable is what a badge image carries: the JSON when it holds its own
// proof, else the JWT.
func bakeable(aw sqlstore.Award) []byte {
	if !hasProof(aw.Credential) && aw.JWT != "" {
		return []byte(aw.JWT)
	}
	return []byte(aw.Credential)
}

func (s *Server) walletDownload(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := actorOf(r.Context())
	aw, err := s.walletAward(r.Context(), a, id)
	if err != nil {
		return err
	}
	c := credentialOf(aw)
	title := c.CredentialSubject.Achievement.Name
	issuer, _ := profileName(c.Issuer)
	name := fileSlug(title)
	switch r.PathValue("file") {
	case "credential.json":
		download(w, "application/vc+ld+json", name+".json", aw.Credential)
	case "credential.jwt":
		if aw.JWT == "" {
			return statusError{http.StatusNotFound, "This award was issued with a Data Integrity proof only, so there is no JWT of it; download the JSON."}
		}
		download(w, "application/vc+jwt", name+".jwt", []byte(aw.JWT))
	case "badge.png":
		img, err := bake.BakePNG(badgePNG(), bakeable(aw))
		if err != nil {
			return fmt.Errorf("bake award %d as PNG: %w", aw.ID, err)
		}
		download(w, "image/png", name+".png", img)
	case "badge.svg":
		img, err := bake.BakeSVG(badgeSVG(title, issuer), bakeable(aw))
		if err != nil {
			return fmt.Errorf("bake award %d as SVG: %w", aw.ID, err)
		}
		download(w, "image/svg+xml", name+".svg", img)
	case "certificate.pdf":
		shares, err := s.store.ActiveShares(r.Context(), a.person.ID)
		if err != nil {
			return err
		}
		e := s.walletEntry(r, aw, c, shares)
		download(w, "application/pdf", name+".pdf", certificatePDF(certificateOf(e, a.person.Name, c.CredentialSubject.Achievement.AchievementType,
			c.CredentialSubject.CreditsEarned.String(), s.publicBase(r), s.clock())))
	default:
		return errNothingHere
	}
	return nil
}

// badgeSVG draws a round badge with the title and issuer.
func badgeSVG(title, issuer string) []byte {
	esc := func(s string) string {
		var b bytes.Buffer
		xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	lines := wrapWords(title, 20, 4)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400" role="img" aria-label="%s">`, esc(title))
	fmt.Fprintf(&b, `<title>%s</title>`, esc(title))
	b.WriteString(`<circle cx="200" cy="200" r="196" fill="#1d4f6e"/>`)
	b.WriteString(`<circle cx="200" cy="200" r="176" fill="none" stroke="#f2c14e" stroke-width="8"/>`)
	y := 200 - 16*(len(lines)-1)
	for _, l := range lines {
		fmt.Fprintf(&b, `<text x="200" y="%d" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-size="26" font-weight="bold" fill="#ffffff">%s</text>`, y, esc(l))
		y += 32
	}
	if issuer != "" {
		fmt.Fprintf(&b, `<text x="200" y="300" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-size="14" fill="#f2c14e">%s</text>`, esc(clip(issuer, 36)))
	}
	b.WriteString(`</svg>`)
	return []byte(b.String())
}

// badgePNG draws a round badge, 256 pixels square: a blue disc in a gold
// ring on a transparent ground.
func badgePNG() []byte {
	const size = 256
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	blue := color.NRGBA{0x1d, 0x4f, 0x6e, 0xff}
	gold := color.NRGBA{0xf2, 0xc1, 0x4e, 0xff}
	for y := range size {
		for x := range size {
			dx, dy := float64(x)-127.5, float64(y)-127.5
			d := dx*dx + dy*dy
			switch {
			case d <= 112*112 && d >= 102*102:
				img.SetNRGBA(x, y, gold)
			case d <= 126*126:
				img.SetNRGBA(x, y, blue)
			}
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img) // encoding to memory does not fail
	return b.Bytes()
}

// wrapWords breaks s into lines of at most width runes (a longer word is
// cut), at most max lines, the last ending in an ellipsis when cut short.
func wrapWords(s string, width, max int) []string {
	var lines []string
	cur := ""
	for _, word := range strings.Fields(s) {
		for len([]rune(word)) > width {
			r := []rune(word)
			if cur != "" {
				lines, cur = append(lines, cur), ""
			}
			lines, word = append(lines, string(r[:width])), string(r[width:])
		}
		switch {
		case cur == "":
			cur = word
		case len([]rune(cur))+1+len([]rune(word)) <= width:
			cur += " " + word
		default:
			lines, cur = append(lines, cur), word
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	if len(lines) > max {
		lines = lines[:max]
		lines[max-1] += "…"
	}
	return lines
}

// certificate is what the PDF certificate says.
type certificate struct {
	Title, Learner, Issuer, Kind, Credits string
	Issued, ValidUntil                    time.Time
	State, CredentialID, VerifyURL        string
	Shared                                bool
	Printed                               time.Time
}

func certificateOf(e walletEntry, learner, kind, credits, base string, now time.Time) certificate {
	c := certificate{Title: e.Title, Learner: learner, Issuer: e.Issuer, Kind: achievementKind(kind), Credits: credits,
		Issued: e.Issued, ValidUntil: e.ValidUntil, State: e.State, CredentialID: e.CredentialID, Printed: now}
	c.VerifyURL, c.Shared = e.PublicURL, e.PublicURL != ""
	if !c.Shared {
		c.VerifyURL = base + "/verify"
	}
	return c
}

// The certificate's layout, in points on the A4-landscape page (842 by
// 595, the origin at the bottom left). The QR code's square, its quiet
// zone included, sits in the bottom-right corner inside the frame; the
// text starts at pdfTextLeft, and the closing lines, level with the QR
// code, are wrapped to end at pdfTextRight, short of it.
const (
	pdfTextLeft  = 72.0
	qrBoxSize    = 100.0
	qrBoxLeft    = 682.0
	qrBoxBottom  = 66.0
	pdfTextRight = qrBoxLeft - 14
)

// pdfLine is one line of text in the PDF: a font (F1 Helvetica, F2
// Helvetica-Bold), its size in points and the text.
type pdfLine struct {
	font string
	size float64
	text string
}

// certificatePDF writes the certificate as a one-page PDF 1.4 document, A4
// landscape.
func certificatePDF(c certificate) []byte {
	var content strings.Builder
	// A double frame.
	content.WriteString("q 0.114 0.310 0.431 RG 6 w 28 28 786 539 re S 0.949 0.757 0.306 RG 2 w 40 40 762 515 re S Q\n")
	y := 500.0
	text := func(font string, size float64, s string) {
		fmt.Fprintf(&content, "BT /%s %.0f Tf 1 0 0 1 %.0f %.1f Tm (%s) Tj ET\n", font, size, pdfTextLeft, y, pdfString(s))
		y -= size * 1.5
	}
	text("F1", 14, "CERTIFICATE OF ACHIEVEMENT")
	y -= 14
	for _, l := range wrapWords(c.Title, 46, 2) {
		text("F2", 28, l)
	}
	y -= 4
	if c.Learner != "" {
		text("F1", 14, "awarded to")
		text("F2", 20, c.Learner)
	}
	text("F1", 14, "by "+c.Issuer+", on "+c.Issued.UTC().Format("2 January 2006"))
	y -= 6
	facts := []string{}
	if c.Kind != "" {
		facts = append(facts, c.Kind)
	}
	if c.Credits != "" && c.Credits != "0" {
		facts = append(facts, c.Credits+" credits")
	}
	if !c.ValidUntil.IsZero() {
		facts = append(facts, "valid until "+c.ValidUntil.UTC().Format("2 January 2006"))
	}
	if len(facts) > 0 {
		text("F1", 12, strings.Join(facts, " · "))
	}
	if c.State != string(award.Active) {
		text("F2", 14, "Status on "+c.Printed.UTC().Format("2 January 2006")+": "+strings.ToUpper(c.State))
	}
	closing := closingLines(c)
	// The closing lines start at 150 points, higher when long addresses
	// would take them below 52.
	y = 52
	for _, l := range closing[:len(closing)-1] {
		y += l.size * 1.5
	}
	y = max(y, 150)
	for _, l := range closing {
		text(l.font, l.size, l.text)
	}
	// An address too long for a QR code is only printed.
	if modules, err := qrModules(c.VerifyURL); err == nil {
		content.WriteString(qrDrawing(modules, qrBoxLeft, qrBoxBottom, qrBoxSize))
		const caption = "Scan to verify"
		x := qrBoxLeft + (qrBoxSize-textWidth("F1", 8, caption))/2
		fmt.Fprintf(&content, "BT /F1 8 Tf 1 0 0 1 %.2f %.1f Tm (%s) Tj ET\n", x, qrBoxBottom-10, caption)
	}

	stream := content.String()
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
		// The stream ends in a newline already; the one before endstream
		// is the end-of-line marker, not counted in /Length.
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
		fmt.Sprintf("<< /Title %s /Producer (cairn) /CreationDate (D:%s) >>", pdfTextString(c.Title), c.Printed.UTC().Format("20060102150405Z")),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, len(objects), xref)
	return b.Bytes()
}

// closingLines are the certificate's last lines, where to verify it,
// wrapped to end at pdfTextRight.
func closingLines(c certificate) []pdfLine {
	var lines []pdfLine
	add := func(font string, size float64, s string, max int) {
		for _, l := range wrapWidth(s, font, size, pdfTextRight-pdfTextLeft, max) {
			lines = append(lines, pdfLine{font, size, l})
		}
	}
	add("F1", 10, "This certificate is a printed copy of an Open Badges 3.0 credential. The credential is what counts:", 2)
	if c.Shared {
		add("F1", 10, "see and verify it at this address:", 1)
		add("F2", 11, c.VerifyURL, 6)
	} else {
		add("F1", 10, "ask the holder for the credential file and check it at "+c.VerifyURL, 5)
	}
	add("F1", 9, "Credential "+c.CredentialID, 2)
	return lines
}

// qrDrawing draws a QR code's dark modules as one path of filled squares,
// black, in the square of side size whose bottom-left corner is at (left,
// bottom); the square holds the code and its quiet zone of four modules.
func qrDrawing(modules [][]bool, left, bottom, size float64) string {
	var b strings.Builder
	n := len(modules)
	// A module's side is rounded to what the page says, so that
	// neighbouring squares meet exactly.
	side := math.Floor(size/float64(n+8)*1000) / 1000
	b.WriteString("q 0 g\n")
	for r, row := range modules {
		for c, dark := range row {
			if dark {
				fmt.Fprintf(&b, "%.3f %.3f %.3f %.3f re\n", left+float64(4+c)*side, bottom+float64(4+n-1-r)*side, side, side)
			}
		}
	}
	b.WriteString("f\nQ\n")
	return b.String()
}

// Advance widths of the printable ASCII characters (space to tilde) in
// thousandths of the font size, from Adobe's metrics of the standard
// fonts Helvetica and Helvetica-Bold.
var (
	helveticaWidths = [95]int{278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
		556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
		1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
		667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
		333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
		556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584}
	helveticaBoldWidths = [95]int{278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
		556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
		975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
		667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
		333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
		611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584}
)

// textWidth is the width in points of s in font F1 or F2 at size. A
// character beyond ASCII counts as wide as the widest one, so that a line
// measured here is never longer on paper.
func textWidth(font string, size float64, s string) float64 {
	widths := &helveticaWidths
	if font == "F2" {
		widths = &helveticaBoldWidths
	}
	w := 0
	for _, r := range s {
		if r >= ' ' && r <= '~' {
			w += widths[r-' ']
		} else {
			w += 1015
		}
	}
	return float64(w) * size / 1000
}

// wrapWidth breaks s into lines at most width points wide in font at
// size, between words, or within a word (an address) too wide for a line;
// at most max lines, the last ending in an ellipsis when cut short.
func wrapWidth(s, font string, size, width float64, max int) []string {
	fits := func(l string) bool { return textWidth(font, size, l) <= width }
	var lines []string
	cur := ""
	for _, word := range strings.Fields(s) {
		if cur != "" && fits(cur+" "+word) {
			cur += " " + word
			continue
		}
		if cur != "" {
			lines = append(lines, cur)
		}
		cur = ""
		for _, r := range word {
			if cur != "" && !fits(cur+string(r)) {
				lines, cur = append(lines, cur), ""
			}
			cur += string(r)
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	if len(lines) > max {
		lines = lines[:max]
		last := []rune(lines[max-1])
		for len(last) > 0 && !fits(string(last)+"…") {
			last = last[:len(last)-1]
		}
		lines[max-1] = string(last) + "…"
	}
	return lines
}

// pdfTextString encodes s as a PDF text string for the document
// information: UTF-16BE with a byte order mark, in hex.
func pdfTextString(s string) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

// winAnsi are the characters outside Latin-1 that WinAnsiEncoding has.
var winAnsi = map[rune]byte{'€': 0x80, '‚': 0x82, '„': 0x84, '…': 0x85, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94,
	'•': 0x95, '–': 0x96, '—': 0x97, '™': 0x99, '·': 0xb7}

// pdfString encodes s as the inside of a PDF literal string in
// WinAnsiEncoding: what it cannot show becomes '?', and the delimiters
// and backslash are escaped.
func pdfString(s string) string {
	var b strings.Builder
	for _, r := range s {
		var c byte
		if x, ok := winAnsi[r]; ok {
			c = x
		} else if r >= 0x20 && r < 0x7f || r >= 0xa0 && r <= 0xff {
			c = byte(r)
		} else {
			c = '?'
		}
		if c == '(' || c == ')' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}
