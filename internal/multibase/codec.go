package multibase

import (
	"errors"
	"fmt"
)

// Codec is a multicodec code: the unsigned varint that prefixes a key's
// bytes in a Multikey value.
type Codec uint64

// The multicodec codes cairn uses.
const (
	Ed25519Pub  Codec = 0xed
	P256Pub     Codec = 0x1200
	Ed25519Priv Codec = 0x1300
)

// maxVarintLen is the longest varint the multiformats spec allows (63 bits).
const maxVarintLen = 9

// ErrVarint is returned for a missing, overlong or non-minimal varint prefix.
var ErrVarint = errors.New("invalid multicodec varint")

// AppendCodec appends c as an unsigned varint prefix, then data.
func AppendCodec(dst []byte, c Codec, data []byte) []byte {
	v := uint64(c)
	for v >= 0x80 {
		dst = append(dst, byte(v)|0x80)
		v >>= 7
	}
	dst = append(dst, byte(v))
	return append(dst, data...)
}

// ReadCodec splits b into its varint multicodec prefix and the rest. It
// refuses non-minimal encodings, which would let one key have two spellings.
func ReadCodec(b []byte) (Codec, []byte, error) {
	var v uint64
	for i := 0; i < len(b) && i < maxVarintLen; i++ {
		v |= uint64(b[i]&0x7f) << (7 * i)
		if b[i]&0x80 == 0 {
			if i > 0 && b[i] == 0 {
				return 0, nil, fmt.Errorf("read multicodec: non-minimal varint: %w", ErrVarint)
			}
			return Codec(v), b[i+1:], nil
		}
	}
	if len(b) >= maxVarintLen {
		return 0, nil, fmt.Errorf("read multicodec: varint longer than %d bytes: %w", maxVarintLen, ErrVarint)
	}
	return 0, nil, fmt.Errorf("read multicodec: truncated varint: %w", ErrVarint)
}
