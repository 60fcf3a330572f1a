package main

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"runtime"
	"strings"
	"time"

	"cairn/internal/bake"
	"cairn/internal/did"
	"cairn/internal/keys"
	"cairn/internal/proof"
)

// benchCredential is a realistic unsigned micro-credential of about 3 KB.
//
//go:embed testdata/microcredential.json
var benchCredential []byte

func cmdBench(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "bench")
	seconds := fs.Float64("seconds", 2, "how long to run each measurement")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 || *seconds <= 0 {
		return usageError("usage: cairn bench [--seconds N]")
	}
	b, err := newBench()
	if err != nil {
		return err
	}
	dur := time.Duration(*seconds * float64(time.Second))
	for _, m := range b.measurements(ctx) {
		ops, allocs, err := measure(dur, m.op)
		if err != nil {
			return fmt.Errorf("%s: %w", m.name, err)
		}
		if m.per > 1 {
			ops, allocs = ops*float64(m.per), allocs/float64(m.per)
		}
		fmt.Fprintf(e.stdout, "%s %.0f %.0f\n", m.name, ops, allocs)
	}
	return nil
}

type bench struct {
	eng       *engine
	key       *keys.Key
	vm        string
	cred      []byte
	signedDI  []byte
	signedJWT []byte
	image     []byte
	batch     [][]byte
	signOpts  proof.SignOptions
}

type measurement struct {
	name string
	op   func() error
	per  int // operations one call of op performs; 0 means 1
}

func newBench() (*bench, error) {
	k, err := keys.Generate(keys.Ed25519)
	if err != nil {
		return nil, err
	}
	d, err := did.KeyDID(k.Public())
	if err != nil {
		return nil, err
	}
	cred := bytes.ReplaceAll(benchCredential, []byte("did:key:z6MkPLACEHOLDER"), []byte(d))
	b := &bench{eng: newEngine(nil, nil), key: k, vm: d + "#" + strings.TrimPrefix(d, "did:key:"), cred: cred}
	b.signOpts = proof.SignOptions{VerificationMethod: b.vm, Created: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	if b.signedDI, err = b.eng.di.Sign(cred, k.Signer(), b.signOpts); err != nil {
		return nil, fmt.Errorf("sign the bench credential: %w", err)
	}
	tok, err := b.eng.jwt.Sign(cred, k.Signer(), b.vm)
	if err != nil {
		return nil, err
	}
	b.signedJWT = []byte(tok)
	if rep := b.eng.verifier.Verify(context.Background(), b.signedDI); !rep.Verified {
		return nil, fmt.Errorf("the bench credential does not verify: %v", rep.Errors)
	}
	img := image.NewNRGBA(image.Rect(0, 0, 128, 128))
	for y := range 128 {
		for x := range 128 {
			img.Set(x, y, color.NRGBA{uint8(x * 2), uint8(y * 2), 160, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	b.image = buf.Bytes()
	b.batch = make([][]byte, 256)
	for i := range b.batch {
		b.batch[i] = b.signedDI
	}
	return b, nil
}

func (b *bench) measurements(ctx context.Context) []measurement {
	verified := func(ok bool, what string) error {
		if !ok {
			return fmt.Errorf("%s failed", what)
		}
		return nil
	}
	return []measurement{
		{"di-sign", func() error {
			_, err := b.eng.di.Sign(b.cred, b.key.Signer(), b.signOpts)
			return err
		}, 1},
		{"di-verify", func() error {
			return verified(b.eng.verifier.Verify(ctx, b.signedDI).Verified, "verify")
		}, 1},
		{"jwt-sign", func() error {
			_, err := b.eng.jwt.Sign(b.cred, b.key.Signer(), b.vm)
			return err
		}, 1},
		{"jwt-verify", func() error {
			return verified(b.eng.verifier.Verify(ctx, b.signedJWT).Verified, "verify")
		}, 1},
		{"png-bake-extract", func() error {
			baked, err := bake.BakePNG(b.image, b.signedDI)
			if err != nil {
				return err
			}
			got, err := bake.ExtractPNG(baked)
			if err != nil {
				return err
			}
			return verified(len(got) == len(b.signedDI), "extract")
		}, 1},
		{fmt.Sprintf("di-verify-batch-%dcpu", runtime.GOMAXPROCS(0)), func() error {
			for _, r := range b.eng.verifier.VerifyBatch(ctx, b.batch) {
				if !r.Verified {
					return fmt.Errorf("batch verify failed")
				}
			}
			return nil
		}, len(b.batch)},
	}
}

// measure runs op repeatedly for about d and returns operations per second
// and heap allocations per operation. Batch operations count each item.
func measure(d time.Duration, op func() error) (opsPerSec, allocsPerOp float64, err error) {
	if err := op(); err != nil { // warm caches
		return 0, 0, err
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	n := 0
	for time.Since(start) < d {
		if err := op(); err != nil {
			return 0, 0, err
		}
		n++
	}
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	return float64(n) / elapsed.Seconds(), float64(after.Mallocs-before.Mallocs) / float64(n), nil
}
