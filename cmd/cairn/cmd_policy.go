package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"cairn/internal/policy"
)

func cmdPolicy(_ context.Context, e env, args []string) error {
	if len(args) == 0 {
		return usageError("usage: cairn policy check FILE... | cairn policy list")
	}
	switch args[0] {
	case "check":
		if len(args) < 2 {
			return usageError("usage: cairn policy check FILE...")
		}
		bad := 0
		for _, path := range args[1:] {
			data, err := os.ReadFile(path)
			if err != nil {
				return exitError{code: 2, err: err}
			}
			p, err := policy.Load(data, filepath.Base(path))
			if err != nil {
				bad++
				fmt.Fprintln(e.stdout, err)
				continue
			}
			fmt.Fprintf(e.stdout, "%s: ok: %s (%s), %d tracks, %d committees\n", path, p.Name, p.ID, len(p.Tracks), len(p.Committees))
		}
		if bad > 0 {
			return exitError{code: 1}
		}
		return nil
	case "list":
		for _, name := range policy.Builtins() {
			p, err := policy.Builtin(name)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s\t%s\n", name, p.Name)
		}
		return nil
	}
	return usageError("unknown policy command %q", args[0])
}
