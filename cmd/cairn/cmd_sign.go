package main

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"cairn/internal/did"
	"cairn/internal/keys"
	"cairn/internal/ob"
	"cairn/internal/proof"
)

func cmdSign(_ context.Context, e env, args []string) error {
	fs := newFlagSet(e, "sign")
	keyFile := fs.String("key", "", "private JWK `file` (required)")
	in := fs.String("in", "", "unsigned credential JSON `file`, - for stdin (required)")
	format := fs.String("format", "di", "proof format: di (Data Integrity eddsa-rdfc-2022) or jwt (VC-JOSE)")
	out := fs.String("out", "", "write the signed credential to this `file` instead of stdout")
	issuer := fs.String("issuer", "", "issuer `DID` when it is a did:web (default: the key's did:key)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *keyFile == "" || *in == "" || fs.NArg() != 0 {
		return usageError("usage: cairn sign --key FILE --in FILE [--format di|jwt] [--issuer DID] [--out FILE]")
	}
	if *format != "di" && *format != "jwt" {
		return usageError("--format must be di or jwt, not %q", *format)
	}
	k, err := readKey(*keyFile)
	if err != nil {
		return exitError{code: 2, err: err}
	}
	cred, err := readInput(e, *in)
	if err != nil {
		return exitError{code: 2, err: err}
	}
	vm, err := verificationMethod(k, *issuer)
	if err != nil {
		return usageError("%v", err)
	}
	issuerDID, _, _ := strings.Cut(vm, "#")
	if err := checkUnsigned(cred, issuerDID); err != nil {
		return err
	}
	eng := newEngine(nil, nil)
	var signed []byte
	switch *format {
	case "di":
		if _, ok := k.Public().(ed25519.PublicKey); !ok {
			return usageError("Data Integrity eddsa-rdfc-2022 needs an Ed25519 key; use --format jwt for %s keys", k.Type())
		}
		signed, err = eng.di.Sign(cred, k.Signer(), proof.SignOptions{VerificationMethod: vm, Created: time.Now()})
	case "jwt":
		var tok string
		tok, err = eng.jwt.Sign(cred, k.Signer(), vm)
		signed = []byte(tok)
	}
	if err != nil {
		return err
	}
	signed = append(signed, '\n')
	if *out == "" {
		_, err = e.stdout.Write(signed)
		return err
	}
	if err := os.WriteFile(*out, signed, 0o644); err != nil {
		return exitError{code: 2, err: err}
	}
	return nil
}

// verificationMethod names the key as a DID URL: did:key:z…#z… for the
// key's own did:key, or ISSUER#KID for a did:web issuer.
func verificationMethod(k *keys.Key, issuer string) (string, error) {
	if issuer == "" {
		d, err := did.KeyDID(k.Public())
		if err != nil {
			return "", fmt.Errorf("%v (RSA keys need --issuer with a did:web)", err)
		}
		return d + "#" + strings.TrimPrefix(d, "did:key:"), nil
	}
	if !strings.HasPrefix(issuer, "did:web:") && !strings.HasPrefix(issuer, "did:key:") {
		return "", fmt.Errorf("--issuer must be a did:web or did:key, not %q", issuer)
	}
	if strings.HasPrefix(issuer, "did:key:") {
		d, err := did.KeyDID(k.Public())
		if err != nil || d != issuer {
			return "", fmt.Errorf("--issuer %s is not this key's did:key", issuer)
		}
		return d + "#" + strings.TrimPrefix(d, "did:key:"), nil
	}
	return issuer + "#" + k.KID(), nil
}

// checkUnsigned refuses a credential that is not a JSON object, already has
// a proof, names another issuer, or misses what the specification requires.
func checkUnsigned(cred []byte, issuerDID string) error {
	var doc map[string]any
	dec := json.NewDecoder(strings.NewReader(string(cred)))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("the credential is not a JSON object: %w", err)
	}
	if _, ok := doc["proof"]; ok {
		return errors.New("the credential already has a proof; sign an unsigned credential")
	}
	var got string
	switch is := doc["issuer"].(type) {
	case string:
		got = is
	case map[string]any:
		got, _ = is["id"].(string)
	}
	if got != issuerDID {
		return fmt.Errorf("the credential's issuer is %q but the key signs as %s: set the issuer (or use --issuer)", got, issuerDID)
	}
	if errs := ob.ValidateMap(doc); len(errs) > 0 {
		var b strings.Builder
		b.WriteString("the credential is not valid:")
		for _, e := range errs {
			b.WriteString("\n  " + e.Error())
		}
		return errors.New(b.String())
	}
	return nil
}

// readInput reads a file, or stdin for "-", up to 16 MiB.
func readInput(e env, path string) ([]byte, error) {
	const limit = 16 << 20
	var r io.Reader
	if path == "-" {
		r = e.stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(b) > limit {
		return nil, fmt.Errorf("read %s: larger than %d bytes", path, limit)
	}
	return b, nil
}
