package multibase

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
)

func TestBase58KnownValues(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, ""},
		{"one zero byte", []byte{0}, "1"},
		{"leading zeros", []byte{0, 0, 1}, "112"},
		{"hello world", []byte("Hello World!"), "2NEpo7TZRRrLZSi2U"},
		{"fox", []byte("The quick brown fox jumps over the lazy dog."), "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z"},
		{"max byte", []byte{0xff}, "5Q"},
		{"two hundred fifty six", []byte{1, 0}, "5R"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EncodeBase58(tt.data); got != tt.want {
				t.Errorf("EncodeBase58 = %q, want %q", got, tt.want)
			}
			got, err := DecodeBase58(tt.want)
			if err != nil {
				t.Fatalf("DecodeBase58: %v", err)
			}
			if !bytes.Equal(got, tt.data) {
				t.Errorf("DecodeBase58 = %x, want %x", got, tt.data)
			}
		})
	}
}

func TestBase58RoundTripRandom(t *testing.T) {
	for n := range 200 {
		data := make([]byte, n%70)
		rand.Read(data)
		if n%3 == 0 && len(data) > 2 {
			data[0], data[1] = 0, 0
		}
		s := EncodeBase58(data)
		got, err := DecodeBase58(s)
		if err != nil {
			t.Fatalf("decode %q: %v", s, err)
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("round trip of %x gave %x", data, got)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"empty", "", ErrSyntax},
		{"unknown prefix", "f00ff", ErrEncoding},
		{"base58 zero digit", "z0abc", ErrSyntax},
		{"base58 capital O", "zOabc", ErrSyntax},
		{"base58 lower l", "zlabc", ErrSyntax},
		{"base58 non ascii", "zé", ErrSyntax},
		{"base58 too long", "z" + strings.Repeat("2", MaxBase58Len+1), ErrTooLong},
		{"base64 padding", "uAQ==", ErrSyntax},
		{"base64 std alphabet", "u+/8", ErrSyntax},
		{"base64 non-canonical trailing bits", "uAR", ErrSyntax},
		{"base64 too long", "u" + strings.Repeat("A", MaxBase64Len+1), ErrTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Decode(tt.in)
			if !errors.Is(err, tt.want) {
				t.Errorf("Decode(%.20q) error = %v, want %v", tt.in, err, tt.want)
			}
		})
	}
}

func TestEncodeDecode(t *testing.T) {
	data := []byte{0, 1, 2, 0xfe, 0xff}
	for _, enc := range []Encoding{Base58BTC, Base64URL} {
		s, err := Encode(enc, data)
		if err != nil {
			t.Fatalf("Encode(%c): %v", enc, err)
		}
		if s[0] != byte(enc) {
			t.Errorf("Encode(%c) = %q, want prefix %c", enc, s, enc)
		}
		gotEnc, got, err := Decode(s)
		if err != nil {
			t.Fatalf("Decode(%q): %v", s, err)
		}
		if gotEnc != enc || !bytes.Equal(got, data) {
			t.Errorf("Decode(%q) = %c %x, want %c %x", s, gotEnc, got, enc, data)
		}
	}
	if _, err := Encode('f', data); !errors.Is(err, ErrEncoding) {
		t.Errorf("Encode('f') error = %v, want %v", err, ErrEncoding)
	}
	if _, err := DecodeBase58BTC("uAQ"); !errors.Is(err, ErrEncoding) {
		t.Errorf("DecodeBase58BTC(base64) error = %v, want %v", err, ErrEncoding)
	}
}

func TestDecodeBase58AtLimitIsFast(t *testing.T) {
	// The cap keeps worst-case work small; this must finish well within the
	// test timeout on a loaded machine.
	s := strings.Repeat("z", MaxBase58Len)
	got, err := DecodeBase58(s)
	if err != nil {
		t.Fatalf("DecodeBase58 at limit: %v", err)
	}
	if back := EncodeBase58(got); back != s {
		t.Errorf("round trip at limit differs")
	}
}

func TestCodec(t *testing.T) {
	tests := []struct {
		name   string
		codec  Codec
		prefix []byte
	}{
		{"ed25519-pub", Ed25519Pub, []byte{0xed, 0x01}},
		{"p256-pub", P256Pub, []byte{0x80, 0x24}},
		{"ed25519-priv", Ed25519Priv, []byte{0x80, 0x26}},
		{"one byte", 0x12, []byte{0x12}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := AppendCodec(nil, tt.codec, []byte{7, 8})
			want := append(append([]byte{}, tt.prefix...), 7, 8)
			if !bytes.Equal(b, want) {
				t.Errorf("AppendCodec = %x, want %x", b, want)
			}
			c, rest, err := ReadCodec(b)
			if err != nil {
				t.Fatalf("ReadCodec: %v", err)
			}
			if c != tt.codec || !bytes.Equal(rest, []byte{7, 8}) {
				t.Errorf("ReadCodec = %#x %x, want %#x 0708", c, rest, tt.codec)
			}
		})
	}
}

func TestReadCodecRejects(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"truncated", []byte{0x80}},
		{"non-minimal", []byte{0xed, 0x00}},
		{"overlong", bytes.Repeat([]byte{0xff}, 10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := ReadCodec(tt.in); !errors.Is(err, ErrVarint) {
				t.Errorf("ReadCodec(%x) error = %v, want %v", tt.in, err, ErrVarint)
			}
		})
	}
}

func TestVectorKeyPrefixes(t *testing.T) {
	// From the W3C vc-di-eddsa key pair: the public key carries 0xed, the
	// secret key 0x1300.
	for _, tt := range []struct {
		s     string
		codec Codec
	}{
		{"z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", Ed25519Pub},
		{"z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq", Ed25519Priv},
	} {
		b, err := DecodeBase58BTC(tt.s)
		if err != nil {
			t.Fatalf("decode %s: %v", tt.s, err)
		}
		c, rest, err := ReadCodec(b)
		if err != nil {
			t.Fatalf("read codec of %s: %v", tt.s, err)
		}
		if c != tt.codec || len(rest) != 32 {
			t.Errorf("%s: codec %#x with %d bytes, want %#x with 32", tt.s, c, len(rest), tt.codec)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add("z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
	f.Add("uAQID")
	f.Add("z111")
	f.Fuzz(func(t *testing.T, s string) {
		enc, b, err := Decode(s)
		if err != nil {
			return
		}
		back, err := Encode(enc, b)
		if err != nil {
			t.Fatalf("Encode after Decode: %v", err)
		}
		if back != s {
			t.Fatalf("Decode then Encode of %q gave %q", s, back)
		}
	})
}
