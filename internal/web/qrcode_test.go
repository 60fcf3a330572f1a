package web

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// zbarimg returns the path of Debian's zbarimg (package zbar-tools), or
// skips t when it is not installed, unless CI is set: there its absence
// fails t, as .ci/run installs it.
func zbarimg(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("zbarimg")
	if err != nil {
		msg := "zbarimg is not installed; install the Debian package zbar-tools to decode the QR codes"
		if os.Getenv("CI") != "" {
			t.Fatal(msg + "; CI is set, so the decoding tests are required")
		}
		t.Skip(msg)
	}
	return path
}

// decodeQR draws modules as a PNG (4 pixels a module, a quiet zone of
// four modules) and returns what zbarimg reads from it.
func decodeQR(t *testing.T, zbar string, modules [][]bool) string {
	t.Helper()
	const scale, quiet = 4, 4
	side := (len(modules) + 2*quiet) * scale
	img := image.NewGray(image.Rect(0, 0, side, side))
	for y := range side {
		for x := range side {
			r, c := y/scale-quiet, x/scale-quiet
			dark := r >= 0 && c >= 0 && r < len(modules) && c < len(modules) && modules[r][c]
			if dark {
				img.SetGray(x, y, color.Gray{0})
			} else {
				img.SetGray(x, y, color.Gray{255})
			}
		}
	}
	file := filepath.Join(t.TempDir(), "qr.png")
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(zbar, "--raw", "-q", file)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("zbarimg: %v (%s)", err, stderr.String())
	}
	return strings.TrimSuffix(string(out), "\n")
}

// qrTestURLs are addresses of the lengths a certificate prints.
var qrTestURLs = map[string]string{
	"short":      "https://example.com/verify",
	"with query": "https://credentials.kpu.example.edu/c/Zx8rT2mQ4vLp9sWnB3kHy7dFj6gCa1eR?utm_source=certificate&utm_medium=print&lang=en-CA&ref=qr",
	"non-ASCII":  "https://cairn.example.edu/c/%C3%A9tudiante-na%C3%AFve/%E6%97%A5%E6%9C%AC%E8%AA%9E?q=caf%C3%A9", // percent-encoded
	"long":       "https://credentials.kpu.example.edu/c/" + strings.Repeat("AbCdEfGhIj", 17),
}

func TestQRModulesDecode(t *testing.T) {
	zbar := zbarimg(t)
	for name, u := range qrTestURLs {
		t.Run(name, func(t *testing.T) {
			m, err := qrModules(u)
			if err != nil {
				t.Fatalf("qrModules(%d bytes): %v", len(u), err)
			}
			if n := len(m); n < 21 || n > 17+4*qrMaxVersion || (n-17)%4 != 0 {
				t.Errorf("the code is %d modules a side, not a version from 1 to %d", n, qrMaxVersion)
			}
			if got := decodeQR(t, zbar, m); got != u {
				t.Errorf("decoded %q, want %q", got, u)
			}
		})
	}
}

// TestQRMasksDecode checks every mask, as the penalty picks only some of
// them for the addresses above.
func TestQRMasksDecode(t *testing.T) {
	zbar := zbarimg(t)
	u := qrTestURLs["with query"]
	v, err := qrVersion(u)
	if err != nil {
		t.Fatal(err)
	}
	for mask := range 8 {
		t.Run(fmt.Sprint("mask ", mask), func(t *testing.T) {
			m, err := qrMasked(u, v, mask)
			if err != nil {
				t.Fatal(err)
			}
			if got := decodeQR(t, zbar, m); got != u {
				t.Errorf("decoded %q, want %q", got, u)
			}
		})
	}
}

func TestQRModulesSize(t *testing.T) {
	for _, tc := range []struct {
		bytes, side int
	}{
		{14, 21}, // version 1 holds 14 bytes at M
		{15, 25},
		{213, 57}, // version 10 holds 213
	} {
		m, err := qrModules(strings.Repeat("a", tc.bytes))
		if err != nil {
			t.Errorf("%d bytes: %v", tc.bytes, err)
			continue
		}
		if len(m) != tc.side {
			t.Errorf("%d bytes: got %d modules a side, want %d", tc.bytes, len(m), tc.side)
		}
		for _, row := range m {
			if len(row) != tc.side {
				t.Fatalf("%d bytes: a row of %d modules in a code of %d", tc.bytes, len(row), tc.side)
			}
		}
	}
	if _, err := qrModules(strings.Repeat("a", 214)); err == nil {
		t.Error("214 bytes: got a code, want an error (beyond version 10)")
	}
}

func TestQRModulesLowestPenalty(t *testing.T) {
	u := qrTestURLs["short"]
	m, err := qrModules(u)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := qrVersion(u)
	got, scores := qrPenalty(m), []int{}
	for mask := range 8 {
		mm, err := qrMasked(u, v, mask)
		if err != nil {
			t.Fatal(err)
		}
		scores = append(scores, qrPenalty(mm))
	}
	for _, s := range scores {
		if s < got {
			t.Fatalf("the chosen code scores %d, but the masks score %v", got, scores)
		}
	}
}

func TestQRPenalty(t *testing.T) {
	grid := func(rows ...string) [][]bool {
		m := make([][]bool, len(rows))
		for r, row := range rows {
			for _, c := range row {
				m[r] = append(m[r], c == '#')
			}
		}
		return m
	}
	transpose := func(m [][]bool) [][]bool {
		out := make([][]bool, len(m))
		for r := range m {
			for c := range m {
				out[r] = append(out[r], m[c][r])
			}
		}
		return out
	}
	// checkered is an 11×11 checkerboard under a first row of first.
	checkered := func(first string) [][]bool {
		rows := []string{first}
		for r := 1; r < 11; r++ {
			row := ""
			for c := range 11 {
				row += map[bool]string{true: "#", false: "."}[(r+c)%2 == 0]
			}
			rows = append(rows, row)
		}
		return grid(rows...)
	}
	for _, tc := range []struct {
		name string
		m    [][]bool
		want int
	}{
		// Rows and columns: 5 runs of 5, 3 points each, twice; 16
		// blocks of 3; 100% dark is 10 steps of 5% from half.
		{"all dark", grid("#####", "#####", "#####", "#####", "#####"), 30 + 48 + 100},
		// No runs, no blocks; 12 of 25 dark is within 5% of half.
		{"checkerboard", grid(".#.#.", "#.#.#", ".#.#.", "#.#.#", ".#.#."), 0},
		// A run of 7: 3 + 2; 28 of 49 dark is one step from half.
		{"run of seven", grid("#######", "#.#.#.#", ".#.#.#.", "#.#.#.#", ".#.#.#.", "#.#.#.#", ".#.#.#."), 5 + 10},
		// The finder pattern and four light modules, either way round,
		// in a row or a column; 60 of 121 dark.
		{"finder then light", checkered("#.###.#...."), 40},
		{"light then finder", checkered("....#.###.#"), 40},
		{"finder in a column", transpose(checkered("#.###.#....")), 40},
		{"no finder", checkered("#.##..#...#"), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := qrPenalty(tc.m); got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
}
