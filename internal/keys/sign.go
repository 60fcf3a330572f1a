package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/asn1"
	"fmt"
	"math/big"
)

// The JOSE algorithm names (RFC 7518, RFC 8037) cairn signs with.
const (
	EdDSA = "EdDSA"
	ES256 = "ES256"
	RS256 = "RS256"
)

// p256ScalarSize is the byte length of R and S in a raw ES256 signature.
const p256ScalarSize = 32

// AlgorithmFor returns the JOSE algorithm for a public key, or an error
// for a key cairn does not sign with.
func AlgorithmFor(pub crypto.PublicKey) (string, error) {
	switch p := pub.(type) {
	case ed25519.PublicKey:
		return EdDSA, nil
	case *ecdsa.PublicKey:
		if p != nil && p.Curve == elliptic.P256() {
			return ES256, nil
		}
	case *rsa.PublicKey:
		if p != nil && p.N != nil {
			return RS256, nil
		}
	}
	return "", fmt.Errorf("public key of type %T: %w", pub, ErrUnsupported)
}

// checkAlg reports whether alg is the algorithm for pub, with ErrMismatch
// when both are supported but disagree.
func checkAlg(pub crypto.PublicKey, alg string) error {
	want, err := AlgorithmFor(pub)
	if err != nil {
		return err
	}
	switch alg {
	case EdDSA, ES256, RS256:
	default:
		return fmt.Errorf("algorithm %q: %w", alg, ErrUnsupported)
	}
	if alg != want {
		return fmt.Errorf("algorithm %s with a %s key: %w", alg, want, ErrMismatch)
	}
	return nil
}

// Sign signs msg with s under the JOSE algorithm alg: EdDSA signs msg
// itself, ES256 returns the 64-byte R||S of RFC 7518 (not ASN.1), RS256 is
// PKCS #1 v1.5 over SHA-256. An algorithm that does not fit the key is
// refused.
func Sign(s crypto.Signer, alg string, msg []byte) ([]byte, error) {
	pub := s.Public()
	if err := checkAlg(pub, alg); err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	switch alg {
	case EdDSA:
		sig, err := s.Sign(nil, msg, crypto.Hash(0))
		if err != nil {
			return nil, fmt.Errorf("sign %s: %w", alg, err)
		}
		return sig, nil
	case ES256:
		digest := sha256.Sum256(msg)
		der, err := s.Sign(rand.Reader, digest[:], crypto.SHA256)
		if err != nil {
			return nil, fmt.Errorf("sign %s: %w", alg, err)
		}
		return rawECDSA(der)
	default: // RS256
		if err := checkRSASize(pub.(*rsa.PublicKey)); err != nil {
			return nil, fmt.Errorf("sign: %w", err)
		}
		digest := sha256.Sum256(msg)
		sig, err := s.Sign(rand.Reader, digest[:], crypto.SHA256)
		if err != nil {
			return nil, fmt.Errorf("sign %s: %w", alg, err)
		}
		return sig, nil
	}
}

type ecdsaSignature struct{ R, S *big.Int }

// rawECDSA converts the ASN.1 signature that ecdsa's Signer returns into
// the fixed-size R||S form JOSE uses.
func rawECDSA(der []byte) ([]byte, error) {
	var sig ecdsaSignature
	rest, err := asn1.Unmarshal(der, &sig)
	if err != nil || len(rest) != 0 || sig.R == nil || sig.S == nil || sig.R.Sign() <= 0 || sig.S.Sign() <= 0 ||
		sig.R.BitLen() > 8*p256ScalarSize || sig.S.BitLen() > 8*p256ScalarSize {
		return nil, fmt.Errorf("sign ES256: signer returned a malformed signature")
	}
	out := make([]byte, 2*p256ScalarSize)
	sig.R.FillBytes(out[:p256ScalarSize])
	sig.S.FillBytes(out[p256ScalarSize:])
	return out, nil
}

// Verify checks sig over msg with pub under the JOSE algorithm alg, with
// the same encodings as Sign. It returns an error wrapping ErrMismatch when
// alg does not fit the key, ErrWeakKey for an RSA key below MinRSABits and
// ErrSignature when the signature does not verify.
func Verify(pub crypto.PublicKey, alg string, msg, sig []byte) error {
	if err := checkAlg(pub, alg); err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	switch alg {
	case EdDSA:
		p := pub.(ed25519.PublicKey)
		if len(p) != ed25519.PublicKeySize || len(sig) != ed25519.SignatureSize || !ed25519.Verify(p, msg, sig) {
			return fmt.Errorf("verify %s: %w", alg, ErrSignature)
		}
	case ES256:
		if len(sig) != 2*p256ScalarSize {
			return fmt.Errorf("verify %s: signature of %d bytes, want %d: %w", alg, len(sig), 2*p256ScalarSize, ErrSignature)
		}
		r := new(big.Int).SetBytes(sig[:p256ScalarSize])
		s := new(big.Int).SetBytes(sig[p256ScalarSize:])
		digest := sha256.Sum256(msg)
		if !ecdsa.Verify(pub.(*ecdsa.PublicKey), digest[:], r, s) {
			return fmt.Errorf("verify %s: %w", alg, ErrSignature)
		}
	default: // RS256
		p := pub.(*rsa.PublicKey)
		if err := checkRSASize(p); err != nil {
			return fmt.Errorf("verify: %w", err)
		}
		digest := sha256.Sum256(msg)
		if err := rsa.VerifyPKCS1v15(p, crypto.SHA256, digest[:], sig); err != nil {
			return fmt.Errorf("verify %s: %w", alg, ErrSignature)
		}
	}
	return nil
}
