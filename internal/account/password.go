package account

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"cairn/internal/apperror"
	"cairn/internal/org"
)

// Bounds on passwords. The maximum bounds the work one sign-in costs.
const (
	MinPasswordChars = 12
	MaxPasswordBytes = 1024
)

// Bounds on argon2id parameters, checked both in configuration and when a
// stored hash is parsed, so a damaged row cannot make one sign-in use
// unbounded memory or time.
const (
	maxArgonMemoryKiB = 1 << 20 // 1 GiB
	maxArgonTime      = 64
	maxArgonThreads   = 64
	minSaltLen        = 8
	maxSaltLen        = 64
	minKeyLen         = 16
	maxKeyLen         = 128
	maxHashLen        = 512 // bytes of an encoded hash
)

// PasswordParams are the argon2id parameters new password hashes use.
type PasswordParams struct {
	Time      uint32 // passes over memory
	MemoryKiB uint32
	Threads   uint8
	SaltLen   uint32 // bytes
	KeyLen    uint32 // bytes
}

// DefaultPasswordParams are RFC 9106's second recommended option (t=3,
// 64 MiB, 4 lanes) with a 16-byte salt and a 32-byte key.
var DefaultPasswordParams = PasswordParams{Time: 3, MemoryKiB: 64 << 10, Threads: 4, SaltLen: 16, KeyLen: 32}

// Validate reports parameters outside argon2id's and cairn's bounds.
func (p PasswordParams) Validate() error {
	switch {
	case p.Time < 1 || p.Time > maxArgonTime:
		return fmt.Errorf("argon2id time must be between 1 and %d", maxArgonTime)
	case p.Threads < 1 || p.Threads > maxArgonThreads:
		return fmt.Errorf("argon2id threads must be between 1 and %d", maxArgonThreads)
	case p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > maxArgonMemoryKiB:
		return fmt.Errorf("argon2id memory must be between 8 KiB per thread and %d KiB", maxArgonMemoryKiB)
	case p.SaltLen < minSaltLen || p.SaltLen > maxSaltLen:
		return fmt.Errorf("argon2id salt length must be between %d and %d bytes", minSaltLen, maxSaltLen)
	case p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen:
		return fmt.Errorf("argon2id key length must be between %d and %d bytes", minKeyLen, maxKeyLen)
	}
	return nil
}

// CheckPassword reports why password may not be set for a person with the
// given email address, as an apperror.Invalid about field "password". It
// follows NIST SP 800-63B: a minimum length and no composition rules.
func CheckPassword(password, email string) error {
	switch {
	case len(password) > MaxPasswordBytes:
		return apperror.Field("password", "is longer than %d bytes", MaxPasswordBytes)
	case !utf8.ValidString(password) || strings.ContainsRune(password, 0):
		return apperror.Field("password", "must be UTF-8 text without NUL")
	case utf8.RuneCountInString(password) < MinPasswordChars:
		return apperror.Field("password", "must be at least %d characters long", MinPasswordChars)
	case strings.TrimSpace(password) == "":
		return apperror.Field("password", "must not be only spaces")
	case email != "" && org.NormalizeEmail(password) == org.NormalizeEmail(email):
		return apperror.Field("password", "must not be your email address")
	}
	return nil
}

// hashPassword returns the PHC string of password under p with a fresh
// salt: $argon2id$v=19$m=MEMORY,t=TIME,p=THREADS$SALT$KEY, salt and key in
// unpadded standard base64.
func hashPassword(password string, p PasswordParams) string {
	salt := make([]byte, p.SaltLen)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, p.KeyLen)
	return encodeHash(p, salt, key)
}

func encodeHash(p PasswordParams, salt, key []byte) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.MemoryKiB, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// errBadHash reports a stored hash that is not one this package writes.
var errBadHash = errors.New("stored password hash is not a valid argon2id PHC string")

// parseHash decodes a PHC string written by hashPassword, refusing
// parameters outside the bounds.
func parseHash(encoded string) (p PasswordParams, salt, key []byte, err error) {
	if len(encoded) > maxHashLen {
		return p, nil, nil, errBadHash
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, errBadHash
	}
	var m, t, th uint64
	for i, kv := range strings.Split(parts[3], ",") {
		name, value, ok := strings.Cut(kv, "=")
		n, perr := strconv.ParseUint(value, 10, 32)
		if !ok || perr != nil || i > 2 || name != "mtp"[i:i+1] {
			return p, nil, nil, errBadHash
		}
		switch name {
		case "m":
			m = n
		case "t":
			t = n
		case "p":
			th = n
		}
	}
	b64 := base64.RawStdEncoding
	if salt, err = b64.DecodeString(parts[4]); err != nil {
		return p, nil, nil, errBadHash
	}
	if key, err = b64.DecodeString(parts[5]); err != nil {
		return p, nil, nil, errBadHash
	}
	if th > maxArgonThreads {
		return p, nil, nil, errBadHash
	}
	p = PasswordParams{Time: uint32(t), MemoryKiB: uint32(m), Threads: uint8(th), SaltLen: uint32(len(salt)), KeyLen: uint32(len(key))}
	if p.Validate() != nil {
		return p, nil, nil, errBadHash
	}
	return p, salt, key, nil
}

// verifyPassword reports whether password matches the encoded hash, in time
// that does not depend on how much of it matches, and whether the hash
// should be redone under want.
func verifyPassword(encoded, password string, want PasswordParams) (ok, rehash bool, err error) {
	p, salt, key, err := parseHash(encoded)
	if err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, p.KeyLen)
	ok = subtle.ConstantTimeCompare(got, key) == 1
	return ok, p != want, nil
}
