package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"cairn/internal/did"
	"cairn/internal/keys"
)

func cmdKeys(_ context.Context, e env, args []string) error {
	if len(args) == 0 {
		return usageError("usage: cairn keys new [--type ed25519|p256|rsa] --out FILE | cairn keys did [--web DID] FILE...")
	}
	switch args[0] {
	case "new":
		fs := newFlagSet(e, "keys new")
		typ := fs.String("type", "ed25519", "key type: ed25519, p256 or rsa")
		out := fs.String("out", "", "write the private JWK to this `file` (required)")
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		if *out == "" || fs.NArg() != 0 {
			return usageError("usage: cairn keys new [--type ed25519|p256|rsa] --out FILE")
		}
		t, err := keys.ParseType(*typ)
		if err != nil {
			return usageError("%v", err)
		}
		k, err := keys.Generate(t)
		if err != nil {
			return err
		}
		jwk, err := keys.MarshalPrivateJWK(k)
		if err != nil {
			return err
		}
		if err := writeNewFile(*out, append(jwk, '\n'), 0o600); err != nil {
			return exitError{code: 2, err: err}
		}
		fmt.Fprintf(e.stderr, "wrote %s key %s to %s\n", t, k.KID(), *out)
		return nil
	case "did":
		fs := newFlagSet(e, "keys did")
		web := fs.String("web", "", "print the DID document of this did:web, listing every key given (oldest first, so rotated keys stay verifiable)")
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		if fs.NArg() == 0 || (*web == "" && fs.NArg() != 1) {
			return usageError("usage: cairn keys did FILE | cairn keys did --web did:web:HOST[:PATH] FILE...")
		}
		var vks []did.VerificationKey
		for _, path := range fs.Args() {
			k, err := readKey(path)
			if err != nil {
				return exitError{code: 2, err: err}
			}
			if *web == "" {
				d, err := did.KeyDID(k.Public())
				if err != nil {
					return err
				}
				fmt.Fprintln(e.stdout, d)
				return nil
			}
			vks = append(vks, did.VerificationKey{Fragment: k.KID(), Public: k.Public()})
		}
		doc, err := did.WebDocument(*web, vks)
		if err != nil {
			return usageError("%v", err)
		}
		out, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s\n", out)
		return nil
	}
	return usageError("unknown keys command %q", args[0])
}

func readKey(path string) (*keys.Key, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key: %w", err)
	}
	k, err := keys.ParsePrivateJWK(b)
	if err != nil {
		return nil, fmt.Errorf("read key %s: %w", path, err)
	}
	return k, nil
}

// writeNewFile writes data to a file that must not exist yet, so a key is
// never overwritten by mistake.
func writeNewFile(path string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
