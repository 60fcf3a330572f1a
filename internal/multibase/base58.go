package multibase

import (
	"fmt"
	"strings"
)

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// EncodeBase58 returns data in the Bitcoin base58 alphabet, without a
// multibase prefix. Leading zero bytes become leading '1's.
func EncodeBase58(data []byte) string {
	zeros := 0
	for zeros < len(data) && data[zeros] == 0 {
		zeros++
	}
	// log(256)/log(58) < 1.37: enough digits for the rest of the input.
	digits := make([]byte, (len(data)-zeros)*137/100+1)
	used := 0 // digits[len-used:] hold the number so far, least significant last
	for _, b := range data[zeros:] {
		carry := int(b)
		i := 0
		for j := len(digits) - 1; (carry != 0 || i < used) && j >= 0; j-- {
			carry += 256 * int(digits[j])
			digits[j] = byte(carry % 58)
			carry /= 58
			i++
		}
		used = i
	}
	out := make([]byte, 0, zeros+used)
	for range zeros {
		out = append(out, '1')
	}
	for _, d := range digits[len(digits)-used:] {
		out = append(out, base58Alphabet[d])
	}
	return string(out)
}

// DecodeBase58 decodes s, in the Bitcoin base58 alphabet and without a
// multibase prefix. Input longer than MaxBase58Len is refused.
func DecodeBase58(s string) ([]byte, error) {
	if len(s) > MaxBase58Len {
		return nil, fmt.Errorf("decode base58: %d characters, limit %d: %w", len(s), MaxBase58Len, ErrTooLong)
	}
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	// log(58)/log(256) < 0.74: enough bytes for the rest of the input.
	buf := make([]byte, (len(s)-zeros)*74/100+1)
	used := 0
	for k := zeros; k < len(s); k++ {
		d := strings.IndexByte(base58Alphabet, s[k])
		if d < 0 {
			return nil, fmt.Errorf("decode base58: byte %d (%q): %w", k, s[k], ErrSyntax)
		}
		carry := d
		i := 0
		for j := len(buf) - 1; (carry != 0 || i < used) && j >= 0; j-- {
			carry += 58 * int(buf[j])
			buf[j] = byte(carry)
			carry >>= 8
			i++
		}
		used = i
	}
	out := make([]byte, zeros+used)
	copy(out[zeros:], buf[len(buf)-used:])
	return out, nil
}
