package issuer

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// KEKSize is the size of the key-encryption key: AES-256.
const KEKSize = 32

// sealVersion is the first byte of a sealed key, naming the format:
// version, 12-byte nonce, AES-256-GCM ciphertext and tag.
const sealVersion = 1

// LoadKEK reads the key-encryption key from path: 32 bytes, or 64 hex
// digits. When the file does not exist it is created with 32 bytes from
// crypto/rand, readable by its owner only (mode 0600); created reports
// that. A file of another size is an error naming it.
func LoadKEK(path string) (kek []byte, created bool, err error) {
	data, err := readSmall(path)
	if errors.Is(err, fs.ErrNotExist) {
		kek = make([]byte, KEKSize)
		if _, err := rand.Read(kek); err != nil {
			return nil, false, fmt.Errorf("key file %s: %w", path, err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, false, fmt.Errorf("create key file: %w", err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, false, fmt.Errorf("create key file: %w", err)
		}
		if _, err := f.Write(kek); err != nil {
			f.Close()
			return nil, false, fmt.Errorf("write key file %s: %w", path, err)
		}
		if err := f.Close(); err != nil {
			return nil, false, fmt.Errorf("write key file %s: %w", path, err)
		}
		return kek, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read key file: %w", err)
	}
	if len(data) == KEKSize {
		return data, false, nil
	}
	if h := bytes.TrimSpace(data); len(h) == 2*KEKSize {
		kek = make([]byte, KEKSize)
		if _, err := hex.Decode(kek, h); err == nil {
			return kek, false, nil
		}
	}
	return nil, false, fmt.Errorf("key file %s: holds %d bytes; want a key of %d bytes (or %d hex digits)", path, len(data), KEKSize, 2*KEKSize)
}

func readSmall(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, 4*KEKSize+1))
}

// kekID names a key-encryption key without revealing it: the first 16
// hex digits of a domain-separated SHA-256 of the key.
func kekID(kek []byte) string {
	h := sha256.New()
	h.Write([]byte("cairn issuer key-encryption key\x00"))
	h.Write(kek)
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// sealer seals and opens private keys under one KEK. The additional data
// binds each sealed key to its verification method, so a sealed key moved
// to another row does not open.
type sealer struct {
	aead cipher.AEAD
	id   string
	file string // where the KEK came from, for messages
}

func newSealer(kek []byte, file string) (*sealer, error) {
	if len(kek) != KEKSize {
		return nil, fmt.Errorf("issuer: the key-encryption key has %d bytes, want %d", len(kek), KEKSize)
	}
	block, err := aes.NewCipher(kek)
	if err != nil {
		return nil, fmt.Errorf("issuer: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("issuer: %w", err)
	}
	if file == "" {
		file = "the configured key file"
	}
	return &sealer{aead: aead, id: kekID(kek), file: file}, nil
}

func aad(verificationMethod string) []byte {
	return []byte("cairn issuer key\x00" + verificationMethod)
}

func (s *sealer) seal(plain []byte, verificationMethod string) ([]byte, error) {
	out := make([]byte, 1+s.aead.NonceSize(), 1+s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	out[0] = sealVersion
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, fmt.Errorf("seal key: %w", err)
	}
	return s.aead.Seal(out, out[1:], plain, aad(verificationMethod)), nil
}

// errWrongKEK is the error of a key sealed under another KEK.
func (s *sealer) errWrongKEK(verificationMethod, kekID string) error {
	return fmt.Errorf("issuer key %s was sealed with another key-encryption key (id %s) than the one in %s (id %s): start cairn with the key file it was sealed with",
		verificationMethod, kekID, s.file, s.id)
}

func (s *sealer) open(sealed []byte, verificationMethod, kekID string) ([]byte, error) {
	if kekID != s.id {
		return nil, s.errWrongKEK(verificationMethod, kekID)
	}
	n := s.aead.NonceSize()
	if len(sealed) < 1+n+s.aead.Overhead() || sealed[0] != sealVersion {
		return nil, fmt.Errorf("issuer key %s: the sealed key is not in a format cairn reads", verificationMethod)
	}
	plain, err := s.aead.Open(nil, sealed[1:1+n], sealed[1+n:], aad(verificationMethod))
	if err != nil {
		return nil, fmt.Errorf("issuer key %s does not open with the key-encryption key in %s: the key file or the database was altered", verificationMethod, s.file)
	}
	return plain, nil
}
