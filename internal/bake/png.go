package bake

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"unicode/utf8"
)

// pngKeyword is the iTXt keyword of a baked Open Badges 3.0 credential.
const pngKeyword = "openbadgecredential"

// maxPNGChunks bounds the chunks read from one PNG. Encoders split image
// data into chunks of 8 KiB or more, so a real badge has far fewer.
const maxPNGChunks = 10000

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// chunk is one PNG chunk located in its image.
type chunk struct {
	typ        string
	data       []byte
	start, end int // the whole chunk: length, type, data and CRC
}

// parsePNG checks the signature and every chunk up to IEND (lengths,
// types, CRCs, IHDR first) and returns the chunks, IEND last. Bytes after
// IEND are ignored.
func parsePNG(img []byte) ([]chunk, error) {
	if len(img) > MaxImageBytes {
		return nil, fmt.Errorf("%w: png of %d bytes, limit %d", ErrTooLarge, len(img), MaxImageBytes)
	}
	if !bytes.HasPrefix(img, pngSignature) {
		return nil, fmt.Errorf("%w: no png signature", ErrInvalidImage)
	}
	var chunks []chunk
	pos := len(pngSignature)
	for {
		if len(chunks) == maxPNGChunks {
			return nil, fmt.Errorf("%w: more than %d png chunks", ErrTooLarge, maxPNGChunks)
		}
		if len(img)-pos < 12 {
			return nil, fmt.Errorf("%w: png ends without IEND", ErrInvalidImage)
		}
		length := binary.BigEndian.Uint32(img[pos:])
		if length > 1<<31-1 || int64(length) > int64(len(img)-pos-12) {
			return nil, fmt.Errorf("%w: png chunk at byte %d has length %d past the end", ErrInvalidImage, pos, length)
		}
		end := pos + 12 + int(length)
		typ := img[pos+4 : pos+8]
		for _, c := range typ {
			if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
				return nil, fmt.Errorf("%w: png chunk at byte %d has invalid type %q", ErrInvalidImage, pos, typ)
			}
		}
		data := img[pos+8 : end-4]
		if got, want := crc32.ChecksumIEEE(img[pos+4:end-4]), binary.BigEndian.Uint32(img[end-4:]); got != want {
			return nil, fmt.Errorf("%w: png chunk %s at byte %d has crc %08x, want %08x", ErrInvalidImage, typ, pos, want, got)
		}
		c := chunk{typ: string(typ), data: data, start: pos, end: end}
		if len(chunks) == 0 && c.typ != "IHDR" {
			return nil, fmt.Errorf("%w: first png chunk is %s, want IHDR", ErrInvalidImage, c.typ)
		}
		chunks = append(chunks, c)
		if c.typ == "IEND" {
			return chunks, nil
		}
		pos = end
	}
}

// credentialText returns the text of c when it is an openbadgecredential
// iTXt chunk, and ok false for any other chunk.
func credentialText(c chunk) (text []byte, ok bool, err error) {
	if c.typ != "iTXt" {
		return nil, false, nil
	}
	keyword, rest, found := bytes.Cut(c.data, []byte{0})
	if !found || string(keyword) != pngKeyword {
		return nil, false, nil
	}
	// compression flag, compression method, language tag\0, translated keyword\0, text
	if len(rest) < 2 {
		return nil, true, fmt.Errorf("%w: truncated %s iTXt chunk", ErrInvalidImage, pngKeyword)
	}
	if rest[0] != 0 {
		return nil, true, fmt.Errorf("%w: %s iTXt chunk is compressed; the specification forbids compression", ErrInvalidImage, pngKeyword)
	}
	_, rest, found = bytes.Cut(rest[2:], []byte{0}) // language tag
	if found {
		_, rest, found = bytes.Cut(rest, []byte{0}) // translated keyword
	}
	if !found {
		return nil, true, fmt.Errorf("%w: truncated %s iTXt chunk", ErrInvalidImage, pngKeyword)
	}
	return rest, true, nil
}

// ExtractPNG returns the credential baked into a PNG: the JSON or compact
// JWS text of its openbadgecredential iTXt chunk. The whole image up to
// IEND is checked first. An image without the chunk gives ErrNotBaked; one
// with two is refused, since the specification allows only one.
func ExtractPNG(png []byte) ([]byte, error) {
	chunks, err := parsePNG(png)
	if err != nil {
		return nil, fmt.Errorf("extract png: %w", err)
	}
	var found []byte
	for _, c := range chunks {
		text, ok, err := credentialText(c)
		if err != nil {
			return nil, fmt.Errorf("extract png: %w", err)
		}
		if !ok {
			continue
		}
		if found != nil {
			return nil, fmt.Errorf("extract png: %w: more than one %s chunk", ErrInvalidImage, pngKeyword)
		}
		if len(text) == 0 {
			return nil, fmt.Errorf("extract png: %w: empty %s chunk", ErrInvalidImage, pngKeyword)
		}
		found = text
	}
	if found == nil {
		return nil, fmt.Errorf("extract png: %w", ErrNotBaked)
	}
	if len(found) > MaxCredentialBytes {
		return nil, fmt.Errorf("extract png: %w: credential of %d bytes", ErrTooLarge, len(found))
	}
	if !utf8.Valid(found) {
		return nil, fmt.Errorf("extract png: %w: credential text is not utf-8", ErrInvalidImage)
	}
	return bytes.Clone(found), nil
}

// BakePNG returns a copy of png with credential (its JSON, or a compact JWS)
// in an uncompressed openbadgecredential iTXt chunk placed just before
// IEND. Any openbadgecredential chunk already there is removed, so baking
// again replaces the credential; bytes after IEND are dropped.
func BakePNG(png []byte, credential []byte) ([]byte, error) {
	if _, err := classify(credential); err != nil {
		return nil, fmt.Errorf("bake png: %w", err)
	}
	chunks, err := parsePNG(png)
	if err != nil {
		return nil, fmt.Errorf("bake png: %w", err)
	}
	// keyword\0, compression flag 0, method 0, empty language tag\0,
	// empty translated keyword\0, text.
	data := make([]byte, 0, len(pngKeyword)+5+len(credential))
	data = append(data, pngKeyword...)
	data = append(data, 0, 0, 0, 0, 0)
	data = append(data, credential...)

	out := make([]byte, 0, len(png)+len(data)+12)
	out = append(out, pngSignature...)
	for _, c := range chunks {
		if _, ok, _ := credentialText(c); ok {
			continue // replaced, even if it was malformed
		}
		if c.typ == "IEND" {
			out = appendChunk(out, "iTXt", data)
		}
		out = append(out, png[c.start:c.end]...)
	}
	if len(out) > MaxImageBytes {
		return nil, fmt.Errorf("bake png: %w: baked image of %d bytes", ErrTooLarge, len(out))
	}
	return out, nil
}

func appendChunk(out []byte, typ string, data []byte) []byte {
	out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
	start := len(out)
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[start:]))
}
