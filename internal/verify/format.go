package verify

import (
	"bytes"
	"errors"
	"fmt"

	"cairn/internal/bake"
)

// Format is how a credential arrived.
type Format string

// The formats Verify reads.
const (
	FormatJSON Format = "json"
	FormatJWT  Format = "jwt"
	FormatPNG  Format = "png"
	FormatSVG  Format = "svg"
)

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// detect tells the format of data and returns the credential it carries
// (the JSON or the compact JWT) with that inner format.
func detect(data []byte) (outer, inner Format, cred []byte, err error) {
	trimmed := bytes.TrimSpace(data)
	switch {
	case bytes.HasPrefix(data, pngSignature):
		cred, err := bake.ExtractPNG(data)
		if err != nil {
			return FormatPNG, "", nil, describeBakeError("PNG", err)
		}
		in, c, err := sniff(cred)
		return FormatPNG, in, c, err
	case looksLikeSVG(trimmed):
		cred, err := bake.ExtractSVG(data)
		if err != nil {
			return FormatSVG, "", nil, describeBakeError("SVG", err)
		}
		in, c, err := sniff(cred)
		return FormatSVG, in, c, err
	}
	in, c, err := sniff(trimmed)
	return in, in, c, err
}

func describeBakeError(kind string, err error) error {
	if errors.Is(err, bake.ErrNotBaked) {
		return fmt.Errorf("the %s image carries no Open Badges credential", kind)
	}
	return fmt.Errorf("read the credential baked into the %s image: %w", kind, err)
}

// sniff tells JSON from a compact JWT.
func sniff(b []byte) (Format, []byte, error) {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return "", nil, errors.New("no credential: the input is empty")
	case b[0] == '{':
		return FormatJSON, b, nil
	case bytes.Count(b, []byte(".")) == 2 && isJWTChars(b):
		return FormatJWT, b, nil
	}
	return "", nil, errors.New("not a credential: expected JSON, a compact JWT, or a PNG or SVG badge")
}

func isJWTChars(b []byte) bool {
	for _, c := range b {
		ok := c == '.' || c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !ok {
			return false
		}
	}
	return true
}

func looksLikeSVG(b []byte) bool {
	if len(b) == 0 || b[0] != '<' {
		return false
	}
	head := b
	if len(head) > 4096 {
		head = head[:4096]
	}
	return bytes.Contains(head, []byte("<svg"))
}
