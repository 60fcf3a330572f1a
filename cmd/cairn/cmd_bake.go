package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"

	"cairn/internal/bake"
)

func cmdBake(_ context.Context, e env, args []string) error {
	fs := newFlagSet(e, "bake")
	in := fs.String("in", "", "PNG or SVG badge `image` (required)")
	cred := fs.String("credential", "", "signed credential `file`: JSON or compact JWT (required)")
	out := fs.String("out", "", "baked image `file` to write (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *in == "" || *cred == "" || *out == "" || fs.NArg() != 0 {
		return usageError("usage: cairn bake --in IMAGE --credential FILE --out IMAGE")
	}
	img, err := readInput(e, *in)
	if err != nil {
		return exitError{code: 2, err: err}
	}
	c, err := readInput(e, *cred)
	if err != nil {
		return exitError{code: 2, err: err}
	}
	c = bytes.TrimSpace(c)
	var baked []byte
	if bytes.HasPrefix(img, []byte("\x89PNG")) {
		baked, err = bake.BakePNG(img, c)
	} else {
		baked, err = bake.BakeSVG(img, c)
	}
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, baked, 0o644); err != nil {
		return exitError{code: 2, err: err}
	}
	return nil
}

func cmdUnbake(_ context.Context, e env, args []string) error {
	if len(args) != 1 {
		return usageError("usage: cairn unbake IMAGE")
	}
	img, err := readInput(e, args[0])
	if err != nil {
		return exitError{code: 2, err: err}
	}
	var c []byte
	if bytes.HasPrefix(img, []byte("\x89PNG")) {
		c, err = bake.ExtractPNG(img)
	} else {
		c, err = bake.ExtractSVG(img)
	}
	if err != nil {
		return err
	}
	_, err = e.stdout.Write(append(c, '\n'))
	return err
}

func decodeSegment(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(s)
}
