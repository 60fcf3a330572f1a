package web

import (
	"fmt"

	"rsc.io/qr/coding"
)

// The PDF certificate carries a QR code of its verification address.
// rsc.io/qr encodes it; this file keeps the library's types to itself, so
// the certificate sees only a matrix of modules. The library always uses
// mask 0, so the mask is chosen here, by the standard penalty score.

// qrMaxVersion is the largest QR version the certificate prints: 57
// modules a side, which still scan at about 1.5 points a module. At
// error correction level M it holds 213 bytes, more than a verification
// address needs.
const qrMaxVersion = 10

// qrModules encodes text as a QR code in byte mode at error correction
// level M: the smallest version that holds it, with the mask of lowest
// penalty. It returns the modules row by row from the top, true for dark,
// without the quiet zone, or an error when text needs a version above
// qrMaxVersion.
func qrModules(text string) ([][]bool, error) {
	version, err := qrVersion(text)
	if err != nil {
		return nil, err
	}
	var best [][]bool
	bestScore := 0
	for mask := range 8 {
		m, err := qrMasked(text, version, mask)
		if err != nil {
			return nil, err
		}
		if score := qrPenalty(m); best == nil || score < bestScore {
			best, bestScore = m, score
		}
	}
	return best, nil
}

// qrVersion is the smallest version that holds text in byte mode at
// level M.
func qrVersion(text string) (coding.Version, error) {
	enc := coding.String(text)
	for v := coding.Version(coding.MinVersion); v <= qrMaxVersion; v++ {
		if enc.Bits(v) <= v.DataBytes(coding.M)*8 {
			return v, nil
		}
	}
	return 0, fmt.Errorf("qr code: %d bytes do not fit in version %d at level M", len(text), qrMaxVersion)
}

// qrMasked encodes text in byte mode at level M in the given version
// with the given mask (0 to 7).
func qrMasked(text string, version coding.Version, mask int) ([][]bool, error) {
	plan, err := coding.NewPlan(version, coding.M, coding.Mask(mask))
	if err != nil {
		return nil, fmt.Errorf("qr code plan: %w", err)
	}
	code, err := plan.Encode(coding.String(text))
	if err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	m := make([][]bool, code.Size)
	for y := range m {
		m[y] = make([]bool, code.Size)
		for x := range m[y] {
			m[y][x] = code.Black(x, y)
		}
	}
	return m, nil
}

// qrPenalty scores a symbol by the four rules of ISO/IEC 18004's
// evaluation of masking results: runs of five or more modules of one colour in a row or column,
// 2×2 blocks of one colour, finder-like 1:1:3:1:1 patterns with four
// light modules on one side, and the distance of the dark proportion from
// half. The mask with the lowest score is the one to print.
func qrPenalty(m [][]bool) int {
	n := len(m)
	at := func(r, c int, transpose bool) bool {
		if transpose {
			return m[c][r]
		}
		return m[r][c]
	}
	score := 0
	finder := [11]bool{true, false, true, true, true, false, true, false, false, false, false}
	for _, transpose := range []bool{false, true} {
		for r := range n {
			// Rule 1: runs.
			run := 1
			for c := 1; c <= n; c++ {
				if c < n && at(r, c, transpose) == at(r, c-1, transpose) {
					run++
					continue
				}
				if run >= 5 {
					score += 3 + run - 5
				}
				run = 1
			}
			// Rule 3: the finder pattern, followed or preceded by
			// four light modules.
			for c := 0; c+11 <= n; c++ {
				forward, backward := true, true
				for k := range 11 {
					v := at(r, c+k, transpose)
					forward = forward && v == finder[k]
					backward = backward && v == finder[10-k]
				}
				if forward {
					score += 40
				}
				if backward {
					score += 40
				}
			}
		}
	}
	dark := 0
	for r := range n {
		for c := range n {
			if m[r][c] {
				dark++
			}
			// Rule 2: blocks.
			if r+1 < n && c+1 < n && m[r][c] == m[r][c+1] && m[r][c] == m[r+1][c] && m[r][c] == m[r+1][c+1] {
				score += 3
			}
		}
	}
	// Rule 4: 10 points for each whole 5% step away from 50% dark.
	if total := n * n; total > 0 {
		diff := dark*2 - total
		if diff < 0 {
			diff = -diff
		}
		score += 10 * (diff * 10 / total)
	}
	return score
}
