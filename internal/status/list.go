package status

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
)

const (
	// MinLength is the smallest list, in entries (bits), that the
	// specification allows: 131,072 bits, 16 KiB uncompressed. Anything
	// smaller gives holders too small a crowd to hide in.
	MinLength = 131072
	// DefaultLength is the length of a list made by NewList(0).
	DefaultLength = MinLength
	// DefaultMaxBytes is the decompressed size Decode allows when given a
	// limit of zero or less: 2 MiB, a list of 16,777,216 entries.
	DefaultMaxBytes = 2 << 20
)

// Errors that Decode, the List methods and Check wrap. They follow the
// error types of the specification.
var (
	// ErrMalformed is a value that breaks a rule of the data model
	// (MALFORMED_VALUE_ERROR).
	ErrMalformed = errors.New("malformed status value")
	// ErrVerification is a status entry that does not fit the status list
	// credential given for it (STATUS_VERIFICATION_ERROR).
	ErrVerification = errors.New("status verification failed")
	// ErrListLength is a list shorter than MinLength
	// (STATUS_LIST_LENGTH_ERROR).
	ErrListLength = errors.New("status list too short")
	// ErrRange is an index outside the list (RANGE_ERROR).
	ErrRange = errors.New("status index out of range")
	// ErrTooLarge is an encoded list that decompresses past the limit the
	// caller set.
	ErrTooLarge = errors.New("status list exceeds size limit")
)

// List is a bitstring of status entries, one bit each. Bit 0 is the
// left-most (most significant) bit of byte 0. The zero value is not usable;
// make one with NewList or Decode.
type List struct {
	bits []byte
}

// NewList returns a list of n entries, all clear. n must be a multiple of 8
// and at least MinLength; zero means DefaultLength.
func NewList(n int) (*List, error) {
	if n == 0 {
		n = DefaultLength
	}
	if n < MinLength {
		return nil, fmt.Errorf("new list of %d entries: %w (minimum %d)", n, ErrListLength, MinLength)
	}
	if n%8 != 0 {
		return nil, fmt.Errorf("new list of %d entries: length must be a multiple of 8", n)
	}
	return &List{bits: make([]byte, n/8)}, nil
}

// Len returns the number of entries in the list.
func (l *List) Len() int { return len(l.bits) * 8 }

func (l *List) locate(i int) (byteIndex int, mask byte, err error) {
	if i < 0 || i >= l.Len() {
		return 0, 0, fmt.Errorf("index %d of a list of %d: %w", i, l.Len(), ErrRange)
	}
	return i / 8, 0x80 >> (i % 8), nil
}

// Set sets entry i: the credential at i is revoked, suspended, or whatever
// the list's purpose says.
func (l *List) Set(i int) error {
	b, m, err := l.locate(i)
	if err != nil {
		return err
	}
	l.bits[b] |= m
	return nil
}

// Clear clears entry i.
func (l *List) Clear(i int) error {
	b, m, err := l.locate(i)
	if err != nil {
		return err
	}
	l.bits[b] &^= m
	return nil
}

// Get reports whether entry i is set.
func (l *List) Get(i int) (bool, error) {
	b, m, err := l.locate(i)
	if err != nil {
		return false, err
	}
	return l.bits[b]&m != 0, nil
}

// Encode returns the encodedList form of the list: "u" (the multibase
// prefix for base64url without padding) followed by the base64url of the
// GZIP of the bitstring. The output is deterministic: the GZIP header has no
// name and no modification time.
func (l *List) Encode() (string, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return "", fmt.Errorf("encode status list: %w", err)
	}
	if _, err := zw.Write(l.bits); err != nil {
		return "", fmt.Errorf("encode status list: %w", err)
	}
	if err := zw.Close(); err != nil {
		return "", fmt.Errorf("encode status list: %w", err)
	}
	return "u" + base64.RawURLEncoding.EncodeToString(buf.Bytes()), nil
}

// Decode parses an encodedList. The decompressed bitstring may be at most
// maxBytes long (DefaultMaxBytes when maxBytes <= 0); inflation stops at the
// limit, so a hostile input costs at most that much memory and work. A list
// shorter than MinLength is refused with ErrListLength.
func Decode(encoded string, maxBytes int) (*List, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	rest, ok := strings.CutPrefix(encoded, "u")
	if !ok {
		return nil, fmt.Errorf("decode status list: %w: encodedList must start with the multibase prefix \"u\"", ErrMalformed)
	}
	// Deflate cannot grow incompressible data by more than a few bytes per
	// 64 KiB block, so a longer input cannot hold a list within the limit.
	if maxCompressed := maxBytes + maxBytes/64 + 1024; base64.RawURLEncoding.DecodedLen(len(rest)) > maxCompressed {
		return nil, fmt.Errorf("decode status list: %w: %d encoded characters for at most %d bytes", ErrTooLarge, len(encoded), maxBytes)
	}
	compressed, err := base64.RawURLEncoding.Strict().DecodeString(rest)
	if err != nil {
		return nil, fmt.Errorf("decode status list: %w: base64url: %v", ErrMalformed, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(compressed))
	if err != nil {
		return nil, fmt.Errorf("decode status list: %w: gzip: %v", ErrMalformed, err)
	}
	bits, err := io.ReadAll(io.LimitReader(zr, int64(maxBytes)+1))
	if err != nil {
		return nil, fmt.Errorf("decode status list: %w: gzip: %v", ErrMalformed, err)
	}
	if len(bits) > maxBytes {
		return nil, fmt.Errorf("decode status list: %w: more than %d bytes after decompression", ErrTooLarge, maxBytes)
	}
	if len(bits)*8 < MinLength {
		return nil, fmt.Errorf("decode status list: %w: %d entries, minimum %d", ErrListLength, len(bits)*8, MinLength)
	}
	return &List{bits: bits}, nil
}
