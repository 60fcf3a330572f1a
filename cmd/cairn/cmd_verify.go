package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"cairn/internal/did"
	"cairn/internal/verify"
)

// repeated collects a flag given several times.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

func cmdVerify(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "verify")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	offline := fs.Bool("offline", false, "never use the network: did:web documents and status lists only from files")
	var didDocs, lists repeated
	fs.Var(&didDocs, "did-doc", "a DID document `file` to resolve offline (repeatable)")
	fs.Var(&lists, "status-list", "a status list credential `file`, served for its own id (repeatable)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("usage: cairn verify [--json] [--did-doc FILE]... [--status-list FILE]... [--offline] FILE")
	}
	data, err := readInput(e, fs.Arg(0))
	if err != nil {
		return exitError{code: 2, err: err}
	}
	var fetcher did.Fetcher
	if !*offline {
		fetcher = did.HTTPFetcher{MaxBytes: 1 << 20}
	}
	sf := &statusFiles{byURL: map[string][]byte{}, net: fetcher}
	for _, path := range lists {
		b, err := os.ReadFile(path)
		if err != nil {
			return exitError{code: 2, err: err}
		}
		id, err := documentID(b)
		if err != nil {
			return exitError{code: 2, err: fmt.Errorf("status list %s: %w", path, err)}
		}
		sf.byURL[id] = b
	}
	eng := newEngine(fetcher, sf)
	for _, path := range didDocs {
		b, err := os.ReadFile(path)
		if err != nil {
			return exitError{code: 2, err: err}
		}
		if err := eng.resolver.AddDocument(b); err != nil {
			return exitError{code: 2, err: fmt.Errorf("DID document %s: %w", path, err)}
		}
	}
	rep := eng.verifier.Verify(ctx, data)
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		printReport(e, rep)
	}
	if !rep.Verified {
		return exitError{code: 1}
	}
	return nil
}

func printReport(e env, r *verify.Report) {
	w := e.stdout
	verdict := "NOT VERIFIED"
	if r.Verified {
		verdict = "VERIFIED"
	}
	fmt.Fprintf(w, "%s", verdict)
	if r.Name != "" {
		fmt.Fprintf(w, ": %s", r.Name)
	}
	fmt.Fprintln(w)
	if r.Issuer.ID != "" {
		fmt.Fprintf(w, "  issuer:   %s\n", party(r.Issuer))
	}
	if r.Subject.ID != "" || r.Subject.Name != "" {
		fmt.Fprintf(w, "  subject:  %s\n", party(r.Subject))
	}
	if r.Achievement.Name != "" {
		fmt.Fprintf(w, "  achievement: %s\n", party(r.Achievement))
	}
	marks := map[verify.Outcome]string{verify.Pass: "ok  ", verify.Fail: "FAIL", verify.Warn: "warn", verify.Skip: "-   "}
	for _, c := range r.Checks {
		fmt.Fprintf(w, "  [%s] %s", marks[c.Outcome], c.Label)
		if c.Detail != "" {
			fmt.Fprintf(w, ": %s", c.Detail)
		}
		fmt.Fprintln(w)
	}
}

func party(p verify.Party) string {
	switch {
	case p.Name != "" && p.ID != "":
		return p.Name + " (" + p.ID + ")"
	case p.Name != "":
		return p.Name
	}
	return p.ID
}

// statusFiles serves status list credentials given as files, and fetches
// others over the network when allowed.
type statusFiles struct {
	byURL map[string][]byte
	net   did.Fetcher
}

func (s *statusFiles) FetchStatusList(ctx context.Context, url string) ([]byte, error) {
	if b, ok := s.byURL[url]; ok {
		return b, nil
	}
	if s.net == nil {
		return nil, fmt.Errorf("offline, and no status list file for %s", url)
	}
	return s.net.Fetch(ctx, url)
}

// documentID returns the id of a JSON credential, or of the credential in a
// JWT's payload.
func documentID(b []byte) (string, error) {
	var doc struct {
		ID string `json:"id"`
	}
	s := strings.TrimSpace(string(b))
	if !strings.HasPrefix(s, "{") {
		parts := strings.Split(s, ".")
		if len(parts) != 3 {
			return "", fmt.Errorf("neither JSON nor a compact JWT")
		}
		p, err := decodeSegment(parts[1])
		if err != nil {
			return "", err
		}
		s = string(p)
	}
	if err := json.Unmarshal([]byte(s), &doc); err != nil || doc.ID == "" {
		return "", fmt.Errorf("no id")
	}
	return doc.ID, nil
}
