package main

import (
	"cairn/internal/config"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// exitError carries a process exit status out of run. A nil err exits
// quietly with code.
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e exitError) Unwrap() error { return e.err }

// usageError reports a bad command line; cairn exits with status 2.
func usageError(format string, args ...any) error {
	return exitError{code: 2, err: fmt.Errorf(format, args...)}
}

// env is how cairn reads its environment, so tests can supply their own.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

type command struct {
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

func commands() map[string]command {
	return map[string]command{
		"keys":        {"create a signing key or print its did:key", cmdKeys},
		"sign":        {"sign a credential (Data Integrity or JWT)", cmdSign},
		"verify":      {"verify a credential: JSON, JWT, PNG or SVG", cmdVerify},
		"bake":        {"bake a credential into a PNG or SVG badge", cmdBake},
		"unbake":      {"print the credential baked into a badge image", cmdUnbake},
		"bench":       {"measure signing, verification and baking speed", cmdBench},
		"load":        {"load a server on loopback: verify or registry requests per second", cmdLoad},
		"serve":       {"serve the web pages, the JSON API and the VC API", cmdServe},
		"institution": {"add an institution and its first administrator, or list them", cmdInstitution},
		"operator":    {"make a person an installation operator, who adds institutions on the web", cmdOperator},
		"demo":        {"create a populated demo database and serve it", cmdDemo},
		"policy":      {"check policy profile files, or list the built-in ones", cmdPolicy},
		"audit":       {"verify the hash-chained audit log in the database", cmdAudit},
		"award":       {"award an offering to the learners of a CSV file, with a progress bar", cmdAward},
		"report":      {"write a report (awards, stacks, verifications, cycle times, badges, transcripts) as CSV", cmdReport},
		"version": {"print the version", func(_ context.Context, e env, _ []string) error {
			fmt.Fprintln(e.stdout, "cairn", version)
			return nil
		}},
	}
}

const version = "0.1.0-dev"

// run is cairn's whole command line: main calls it, and so do end-to-end
// tests.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(stderr, cmds)
		if len(args) == 0 {
			return exitError{code: 2}
		}
		return nil
	}
	c, ok := cmds[args[0]]
	if !ok {
		printUsage(stderr, cmds)
		return usageError("unknown command %q", args[0])
	}
	err := c.run(ctx, e, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

func printUsage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("usage: cairn COMMAND [ARGS]\n\ncommands:\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  %-10s %s\n", n, cmds[n].summary)
	}
	io.WriteString(w, b.String())
}

// newFlagSet returns a flag set whose errors go to e.stderr and are returned,
// never exiting the process.
func newFlagSet(e env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("cairn "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// loadConfig loads the configuration with the command's flags in fs
// (defaults, file, CAIRN_* environment, then args), turning a bad setting
// into a usage error; -h gives flag.ErrHelp.
func loadConfig(e env, fs *flag.FlagSet, args []string) (config.Config, error) {
	cfg, err := config.Load(fs, args, e.getenv)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		err = exitError{code: 2, err: err}
	}
	return cfg, err
}

// parseFlags parses args and turns a flag error into a usage error.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return exitError{code: 2, err: err}
	}
	return nil
}
