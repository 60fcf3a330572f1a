package status

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"strconv"
	"testing"
	"time"
)

// specExample is the encodedList of Example 3 in Bitstring Status List
// v1.0: a 131,072-entry list with no entry set.
const specExample = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"

func mustList(t testing.TB, n int) *List {
	t.Helper()
	l, err := NewList(n)
	if err != nil {
		t.Fatalf("NewList(%d): %v", n, err)
	}
	return l
}

func TestSetClearRoundTrip(t *testing.T) {
	tests := []struct {
		index     int
		byteIndex int
		byteValue byte
	}{
		{0, 0, 0x80}, // bit 0 is the left-most bit of byte 0
		{7, 0, 0x01},
		{8, 1, 0x80},
		{131071, 16383, 0x01},
	}
	for _, tt := range tests {
		t.Run("index "+strconv.Itoa(tt.index), func(t *testing.T) {
			l := mustList(t, 0)
			if err := l.Set(tt.index); err != nil {
				t.Fatalf("Set: %v", err)
			}
			if got, err := l.Get(tt.index); err != nil || !got {
				t.Errorf("Get after Set: got %v, %v, want true", got, err)
			}
			if got := l.bits[tt.byteIndex]; got != tt.byteValue {
				t.Errorf("byte %d: got %#02x, want %#02x", tt.byteIndex, got, tt.byteValue)
			}
			if n := countSet(l); n != 1 {
				t.Errorf("got %d bits set, want 1", n)
			}
			if err := l.Clear(tt.index); err != nil {
				t.Fatalf("Clear: %v", err)
			}
			if got, err := l.Get(tt.index); err != nil || got {
				t.Errorf("Get after Clear: got %v, %v, want false", got, err)
			}
			if n := countSet(l); n != 0 {
				t.Errorf("got %d bits set after Clear, want 0", n)
			}
		})
	}
}

func TestIndexOutOfRange(t *testing.T) {
	l := mustList(t, 0)
	for _, i := range []int{-1, MinLength, MinLength + 8} {
		if err := l.Set(i); !errors.Is(err, ErrRange) {
			t.Errorf("Set(%d): got %v, want ErrRange", i, err)
		}
		if err := l.Clear(i); !errors.Is(err, ErrRange) {
			t.Errorf("Clear(%d): got %v, want ErrRange", i, err)
		}
		if _, err := l.Get(i); !errors.Is(err, ErrRange) {
			t.Errorf("Get(%d): got %v, want ErrRange", i, err)
		}
	}
}

func TestNewListSize(t *testing.T) {
	tests := []struct {
		name    string
		n       int
		wantLen int
		wantErr error
	}{
		{"zero gives default", 0, DefaultLength, nil},
		{"minimum accepted", MinLength, MinLength, nil},
		{"larger accepted", 2 * MinLength, 2 * MinLength, nil},
		{"below minimum refused", MinLength - 8, 0, ErrListLength},
		{"tiny refused", 8, 0, ErrListLength},
		{"negative refused", -8, 0, ErrListLength},
		{"not whole bytes refused", MinLength + 1, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := NewList(tt.n)
			if tt.wantLen == 0 {
				if err == nil {
					t.Fatalf("NewList(%d): got a list of %d, want an error", tt.n, l.Len())
				}
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Errorf("NewList(%d): got %v, want %v", tt.n, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewList(%d): %v", tt.n, err)
			}
			if got := l.Len(); got != tt.wantLen {
				t.Errorf("Len: got %d, want %d", got, tt.wantLen)
			}
		})
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	l := mustList(t, 2*MinLength)
	set := []int{0, 1, 7, 8, 4242, 131071, 131072, 2*MinLength - 1}
	for _, i := range set {
		if err := l.Set(i); err != nil {
			t.Fatal(err)
		}
	}
	enc, err := l.Encode()
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	if enc[0] != 'u' {
		t.Errorf("got prefix %q, want \"u\"", enc[0])
	}
	again, err := l.Encode()
	if err != nil || again != enc {
		t.Errorf("second Encode: got a different string (%v), want the same", err)
	}
	got, err := Decode(enc, 0)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if !bytes.Equal(got.bits, l.bits) {
		t.Errorf("decoded bits differ from the encoded list")
	}
	if n := countSet(got); n != len(set) {
		t.Errorf("got %d bits set, want %d", n, len(set))
	}
}

func TestDecodeSpecificationExample(t *testing.T) {
	l, err := Decode(specExample, 0)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if l.Len() != 131072 {
		t.Errorf("Len: got %d, want 131072", l.Len())
	}
	if n := countSet(l); n != 0 {
		t.Errorf("got %d bits set, want 0", n)
	}
}

func TestDecodeRefuses(t *testing.T) {
	short := gzipBase64(t, make([]byte, MinLength/8-1))
	tests := []struct {
		name     string
		encoded  string
		maxBytes int
		want     error
	}{
		{"missing multibase prefix", specExample[1:], 0, ErrMalformed},
		{"base64 with padding", specExample + "==", 0, ErrMalformed},
		{"standard base64 alphabet", "u" + base64.RawStdEncoding.EncodeToString(gzipBytes(t, make([]byte, 16384), 0)) + "+/", 0, ErrMalformed},
		{"not gzip", "u" + base64.RawURLEncoding.EncodeToString(make([]byte, 100)), 0, ErrMalformed},
		{"truncated gzip", specExample[:len(specExample)-8], 0, ErrMalformed},
		{"empty", "", 0, ErrMalformed},
		{"list shorter than minimum", "u" + short, 0, ErrListLength},
		{"list longer than limit", specExample, MinLength/8 - 1, ErrTooLarge},
		{"encoded text longer than any list within the limit", "u" + base64.RawURLEncoding.EncodeToString(make([]byte, 40000)), MinLength / 8, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Decode(tt.encoded, tt.maxBytes)
			if !errors.Is(err, tt.want) {
				t.Errorf("got %v, %v, want %v", l, err, tt.want)
			}
		})
	}
}

// TestDecodeStopsGzipBomb feeds 1 GiB of zeros in 1 MiB GZIP members
// (about 1 KiB each): decoding must stop at the limit, quickly.
func TestDecodeStopsGzipBomb(t *testing.T) {
	member := gzipBytes(t, make([]byte, 1<<20), gzip.BestCompression)
	bomb := bytes.Repeat(member, 1024)
	encoded := "u" + base64.RawURLEncoding.EncodeToString(bomb)
	start := time.Now()
	_, err := Decode(encoded, DefaultMaxBytes)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v to refuse the bomb, want well under a second", d)
	}
	// One member that alone inflates past the limit.
	single := "u" + base64.RawURLEncoding.EncodeToString(gzipBytes(t, make([]byte, 8<<20), gzip.BestCompression))
	if _, err := Decode(single, DefaultMaxBytes); !errors.Is(err, ErrTooLarge) {
		t.Errorf("single member: got %v, want ErrTooLarge", err)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(specExample, 0)
	f.Add(specExample, 100)
	f.Add("u", 0)
	f.Add("uH4sIAAAAAAAA", 0)
	l, err := NewList(0)
	if err != nil {
		f.Fatal(err)
	}
	for _, i := range []int{0, 9, 131071} {
		if err := l.Set(i); err != nil {
			f.Fatal(err)
		}
	}
	enc, err := l.Encode()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(enc, 0)
	f.Fuzz(func(t *testing.T, encoded string, maxBytes int) {
		// Keep the limit small so each run is cheap; a negative or zero
		// one means the default.
		maxBytes %= 1 << 18
		l, err := Decode(encoded, maxBytes)
		if err != nil {
			return
		}
		if l.Len() < MinLength {
			t.Fatalf("decoded a list of %d entries, below the minimum", l.Len())
		}
		if maxBytes > 0 && len(l.bits) > maxBytes {
			t.Fatalf("decoded %d bytes, limit %d", len(l.bits), maxBytes)
		}
		again, err := l.Encode()
		if err != nil {
			t.Fatalf("Encode: %v", err)
		}
		back, err := Decode(again, maxBytes)
		if err != nil {
			t.Fatalf("Decode(Encode(list)): %v", err)
		}
		if !bytes.Equal(back.bits, l.bits) {
			t.Fatal("round trip changed the bits")
		}
	})
}

func gzipBytes(t testing.TB, data []byte, level int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if level == 0 {
		level = gzip.DefaultCompression
	}
	zw, err := gzip.NewWriterLevel(&buf, level)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gzipBase64(t testing.TB, data []byte) string {
	return base64.RawURLEncoding.EncodeToString(gzipBytes(t, data, 0))
}

func countSet(l *List) int {
	n := 0
	for i := range l.Len() {
		if b, _ := l.Get(i); b {
			n++
		}
	}
	return n
}
