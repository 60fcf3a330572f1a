package bake

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
)

const (
	jsonCredential = `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential","OpenBadgeCredential"],"name":"Teamwork ]]> & <b>"}`
	jwsCredential  = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6d2ViOmV4YW1wbGUuZWR1In0.c2lnbmF0dXJl"
)

// testPNG encodes a small image with a gradient, so its pixels can be
// compared after baking.
func testPNG(t testing.TB) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 16, 16))
	for y := range 16 {
		for x := range 16 {
			img.Set(x, y, color.NRGBA{R: uint8(x * 16), G: uint8(y * 16), B: 128, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mustBakePNG(t testing.TB, img, cred []byte) []byte {
	t.Helper()
	out, err := BakePNG(img, cred)
	if err != nil {
		t.Fatalf("BakePNG: %v", err)
	}
	return out
}

// chunkTypes lists the chunk types of a PNG that parsePNG accepts.
func chunkTypes(t *testing.T, img []byte) []string {
	t.Helper()
	chunks, err := parsePNG(img)
	if err != nil {
		t.Fatalf("parse baked png: %v", err)
	}
	var types []string
	for _, c := range chunks {
		types = append(types, c.typ)
	}
	return types
}

// withChunk inserts a chunk before IEND (the last 12 bytes of img).
func withChunk(img []byte, typ string, data []byte) []byte {
	iend := len(img) - 12
	out := append([]byte{}, img[:iend]...)
	out = appendChunk(out, typ, data)
	return append(out, img[iend:]...)
}

func TestBakePNGRoundTrip(t *testing.T) {
	orig := testPNG(t)
	want, err := png.Decode(bytes.NewReader(orig))
	if err != nil {
		t.Fatal(err)
	}
	for name, cred := range map[string]string{"json": jsonCredential, "jws": jwsCredential} {
		t.Run(name, func(t *testing.T) {
			baked := mustBakePNG(t, orig, []byte(cred))
			got, err := ExtractPNG(baked)
			if err != nil {
				t.Fatalf("ExtractPNG: %v", err)
			}
			if string(got) != cred {
				t.Errorf("got %q, want %q", got, cred)
			}
			img, err := png.Decode(bytes.NewReader(baked))
			if err != nil {
				t.Fatalf("baked image does not decode: %v", err)
			}
			if img.Bounds() != want.Bounds() {
				t.Fatalf("bounds: got %v, want %v", img.Bounds(), want.Bounds())
			}
			for y := range 16 {
				for x := range 16 {
					if g, w := img.At(x, y), want.At(x, y); g != w {
						t.Fatalf("pixel %d,%d: got %v, want %v", x, y, g, w)
					}
				}
			}
			types := chunkTypes(t, baked)
			if n := len(types); types[n-2] != "iTXt" || types[n-1] != "IEND" {
				t.Errorf("got chunks %v, want iTXt just before IEND", types)
			}
		})
	}
}

func TestBakePNGChunkLayout(t *testing.T) {
	baked := mustBakePNG(t, testPNG(t), []byte(jwsCredential))
	chunks, err := parsePNG(baked)
	if err != nil {
		t.Fatal(err)
	}
	c := chunks[len(chunks)-2]
	want := "openbadgecredential\x00\x00\x00\x00\x00" + jwsCredential
	if string(c.data) != want {
		t.Errorf("iTXt data: got %q, want %q", c.data, want)
	}
}

func TestBakePNGReplaces(t *testing.T) {
	first := mustBakePNG(t, testPNG(t), []byte(jsonCredential))
	second := mustBakePNG(t, first, []byte(jwsCredential))
	got, err := ExtractPNG(second)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != jwsCredential {
		t.Errorf("got %q, want the second credential", got)
	}
	n := 0
	for _, typ := range chunkTypes(t, second) {
		if typ == "iTXt" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("got %d iTXt chunks, want 1", n)
	}
	if third := mustBakePNG(t, second, []byte(jwsCredential)); !bytes.Equal(third, second) {
		t.Error("baking the same credential again changed the image")
	}
}

func TestBakePNGKeepsOtherText(t *testing.T) {
	img := withChunk(testPNG(t), "tEXt", []byte("Comment\x00made by hand"))
	img = withChunk(img, "iTXt", []byte("openbadges\x00\x00\x00\x00\x00{}")) // an Open Badges 2.0 assertion
	baked := mustBakePNG(t, img, []byte(jwsCredential))
	types := chunkTypes(t, baked)
	if got := strings.Join(types[len(types)-4:], " "); got != "tEXt iTXt iTXt IEND" {
		t.Errorf("got chunks ending %q, want other text chunks kept", got)
	}
}

func TestBakePNGDropsTrailingBytes(t *testing.T) {
	img := append(testPNG(t), "hidden"...)
	baked := mustBakePNG(t, img, []byte(jwsCredential))
	if !bytes.HasSuffix(baked, []byte("IEND\xae\x42\x60\x82")) {
		t.Error("baked image does not end with IEND")
	}
	if _, err := ExtractPNG(append(baked, "junk"...)); err != nil {
		t.Errorf("bytes after IEND: got %v, want them ignored", err)
	}
}

func TestExtractPNGNotBaked(t *testing.T) {
	if _, err := ExtractPNG(testPNG(t)); !errors.Is(err, ErrNotBaked) {
		t.Errorf("got %v, want ErrNotBaked", err)
	}
}

func TestPNGRefused(t *testing.T) {
	orig := testPNG(t)
	baked := mustBakePNG(t, orig, []byte(jsonCredential))
	corruptCRC := bytes.Clone(baked)
	corruptCRC[len(pngSignature)+8+5]++ // a byte of IHDR data
	corruptData := bytes.Clone(baked)
	corruptData[len(corruptData)-20]++ // a byte of the credential text
	badLength := bytes.Clone(orig)
	binary.BigEndian.PutUint32(badLength[len(pngSignature):], 1<<30)
	notIHDR := append(append([]byte{}, pngSignature...), orig[len(pngSignature)+25:]...)
	badType := bytes.Clone(orig)
	copy(badType[len(pngSignature)+4:], "IH1R")
	fixCRC(badType, len(pngSignature))
	twice := withChunk(baked, "iTXt", []byte("openbadgecredential\x00\x00\x00\x00\x00"+jwsCredential))
	compressed := withChunk(orig, "iTXt", []byte("openbadgecredential\x00\x01\x00\x00\x00x"))
	truncatedITXt := withChunk(orig, "iTXt", []byte("openbadgecredential\x00\x00\x00"))
	empty := withChunk(orig, "iTXt", []byte("openbadgecredential\x00\x00\x00\x00\x00"))
	notUTF8 := withChunk(orig, "iTXt", []byte("openbadgecredential\x00\x00\x00\x00\x00\xff\xfe"))
	many := bytes.Clone(orig[:len(orig)-12])
	for range maxPNGChunks {
		many = appendChunk(many, "tEXt", []byte("a\x00b"))
	}
	many = append(many, orig[len(orig)-12:]...)

	tests := []struct {
		name string
		img  []byte
		want error
	}{
		{"corrupt crc", corruptCRC, ErrInvalidImage},
		{"corrupt chunk data", corruptData, ErrInvalidImage},
		{"no signature", orig[1:], ErrInvalidImage},
		{"empty", nil, ErrInvalidImage},
		{"truncated", orig[:len(orig)-6], ErrInvalidImage},
		{"no IEND", orig[:len(orig)-12], ErrInvalidImage},
		{"length past the end", badLength, ErrInvalidImage},
		{"first chunk not IHDR", notIHDR, ErrInvalidImage},
		{"invalid chunk type", badType, ErrInvalidImage},
		{"two credentials", twice, ErrInvalidImage},
		{"compressed credential", compressed, ErrInvalidImage},
		{"truncated credential chunk", truncatedITXt, ErrInvalidImage},
		{"empty credential", empty, ErrInvalidImage},
		{"credential not utf-8", notUTF8, ErrInvalidImage},
		{"too many chunks", many, ErrTooLarge},
		{"too large", append(bytes.Clone(orig), make([]byte, MaxImageBytes)...), ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := ExtractPNG(tt.img); !errors.Is(err, tt.want) {
				t.Errorf("ExtractPNG: got %.40q, %v, want %v", got, err, tt.want)
			}
		})
	}
	for _, name := range []string{"corrupt crc", "no signature", "first chunk not IHDR", "too many chunks"} {
		for _, tt := range tests {
			if tt.name == name {
				if _, err := BakePNG(tt.img, []byte(jwsCredential)); !errors.Is(err, tt.want) {
					t.Errorf("BakePNG %s: got %v, want %v", name, err, tt.want)
				}
			}
		}
	}
}

func fixCRC(img []byte, pos int) {
	length := int(binary.BigEndian.Uint32(img[pos:]))
	end := pos + 12 + length
	binary.BigEndian.PutUint32(img[end-4:], crc32.ChecksumIEEE(img[pos+4:end-4]))
}

func TestBakeRefusesCredential(t *testing.T) {
	tests := []struct {
		name string
		cred string
		want error
	}{
		{"empty", "", ErrInvalidCredential},
		{"plain text", "hello", ErrInvalidCredential},
		{"invalid json", `{"a":`, ErrInvalidCredential},
		{"json array", `[1]`, ErrInvalidCredential},
		{"jws with two parts", "eyJhbGciOiJFZERTQSJ9.eyJ9", ErrInvalidCredential},
		{"jws with an empty part", "eyJhbGciOiJFZERTQSJ9..c2ln", ErrInvalidCredential},
		{"jws with padding", "eyJhbGciOiJFZERTQSJ9.eyJ9.c2ln==", ErrInvalidCredential},
		{"not utf-8", "{\"a\":\"\xff\"}", ErrInvalidCredential},
		{"too large", `{"a":"` + strings.Repeat("x", MaxCredentialBytes) + `"}`, ErrTooLarge},
	}
	img := testPNG(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := BakePNG(img, []byte(tt.cred)); !errors.Is(err, tt.want) {
				t.Errorf("BakePNG: got %v, want %v", err, tt.want)
			}
			if _, err := BakeSVG([]byte(testSVG), []byte(tt.cred)); !errors.Is(err, tt.want) {
				t.Errorf("BakeSVG: got %v, want %v", err, tt.want)
			}
		})
	}
}

func FuzzExtractPNG(f *testing.F) {
	orig := testPNG(f)
	f.Add(orig)
	f.Add(mustBakePNG(f, orig, []byte(jsonCredential)))
	f.Add(mustBakePNG(f, orig, []byte(jwsCredential)))
	f.Add(withChunk(orig, "iTXt", []byte("openbadgecredential\x00\x01\x00\x00\x00x")))
	f.Add(pngSignature)
	f.Fuzz(func(t *testing.T, img []byte) {
		cred, err := ExtractPNG(img)
		if err != nil {
			if cred != nil {
				t.Fatal("got a credential with an error")
			}
			return
		}
		if len(cred) == 0 {
			t.Fatal("extracted an empty credential")
		}
		// Whatever is extracted from a valid image can be baked back.
		if _, err := classify(cred); err != nil {
			return
		}
		rebaked, err := BakePNG(img, cred)
		if err != nil {
			t.Fatalf("BakePNG of an image ExtractPNG accepted: %v", err)
		}
		again, err := ExtractPNG(rebaked)
		if err != nil || !bytes.Equal(again, cred) {
			t.Fatalf("re-baked image gives %q, %v, want %q", again, err, cred)
		}
	})
}
