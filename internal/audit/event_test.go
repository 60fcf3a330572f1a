package audit

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cairn/internal/apperror"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

var t0 = time.Date(2025, 3, 3, 17, 4, 5, 123456789, time.UTC)

// sample returns the i-th event of a small, fixed history (i from 1).
func sample(i int) Event {
	actions := []string{"case.created", "review.assigned", "review.submitted", "vote.cast", "case.approved"}
	return Event{
		At:          t0.Add(time.Duration(i) * time.Hour),
		Institution: "inst/1",
		Actor:       fmt.Sprintf("user/%d", 10+i),
		Action:      actions[(i-1)%len(actions)],
		Subject:     "case/123",
		Data:        json.RawMessage(fmt.Sprintf(`{"step": %d, "note": "é"}`, i)),
	}
}

// chain returns a clean log of n events.
func chain(t testing.TB, n int) []Event {
	t.Helper()
	var log []Event
	for i := 1; i <= n; i++ {
		var prev *Event
		if len(log) > 0 {
			prev = &log[len(log)-1]
		}
		e, err := Chain(prev, sample(i))
		if err != nil {
			t.Fatalf("Chain(%d): %v", i, err)
		}
		log = append(log, e)
	}
	return log
}

func TestChainFillsLinks(t *testing.T) {
	log := chain(t, 3)
	if log[0].Seq != 1 || !bytes.Equal(log[0].PrevHash, make([]byte, HashSize)) {
		t.Errorf("genesis: got seq %d prev %x, want 1 and zeros", log[0].Seq, log[0].PrevHash)
	}
	for i, e := range log {
		if e.Seq != int64(i+1) {
			t.Errorf("event %d: got seq %d", i, e.Seq)
		}
		if !bytes.Equal(e.Hash, Digest(e)) || len(e.Hash) != HashSize {
			t.Errorf("event %d: hash %x is not its digest", i, e.Hash)
		}
		if i > 0 && !bytes.Equal(e.PrevHash, log[i-1].Hash) {
			t.Errorf("event %d: prev %x, want %x", i, e.PrevHash, log[i-1].Hash)
		}
	}
}

func TestChainNormalizes(t *testing.T) {
	van, err := time.LoadLocation("America/Vancouver")
	if err != nil {
		t.Fatal(err)
	}
	in := sample(1)
	in.Seq, in.Hash, in.PrevHash = 99, []byte("junk"), []byte("junk")
	in.At = time.Date(2025, 3, 3, 9, 4, 5, 123456789, van)
	in.Data = json.RawMessage("{ \"b\" : [1, 2 ],\n \"a\": 1.50 }")
	e, err := Chain(nil, in)
	if err != nil {
		t.Fatalf("Chain: %v", err)
	}
	if e.Seq != 1 || bytes.Equal(e.Hash, []byte("junk")) || bytes.Equal(e.PrevHash, []byte("junk")) {
		t.Errorf("caller's seq and hashes were kept: %d %x %x", e.Seq, e.PrevHash, e.Hash)
	}
	if want := time.Date(2025, 3, 3, 17, 4, 5, 123456000, time.UTC); !e.At.Equal(want) || e.At.Location() != time.UTC {
		t.Errorf("got At %s, want %s (UTC, microseconds)", e.At, want)
	}
	// Key order and number spelling are kept; only whitespace goes.
	if got, want := string(e.Data), `{"b":[1,2],"a":1.50}`; got != want {
		t.Errorf("got Data %s, want %s", got, want)
	}
	empty, err := Chain(nil, Event{At: t0, Action: "x", Data: json.RawMessage{}})
	if err != nil || empty.Data != nil {
		t.Errorf("empty Data: got %q, %v; want nil", empty.Data, err)
	}
	// A store may hand empty Data back as nil or as empty bytes: same hash.
	empty.Data = json.RawMessage{}
	if !bytes.Equal(Digest(empty), empty.Hash) {
		t.Error("empty and nil Data hash differently")
	}
}

func TestChainRejects(t *testing.T) {
	good := chain(t, 1)[0]
	long := strings.Repeat("x", MaxFieldBytes+1)
	tests := []struct {
		name string
		prev *Event
		e    func(e Event) Event
	}{
		{"zero time", nil, func(e Event) Event { e.At = time.Time{}; return e }},
		{"no action", nil, func(e Event) Event { e.Action = ""; return e }},
		{"long actor", nil, func(e Event) Event { e.Actor = long; return e }},
		{"invalid utf-8 subject", nil, func(e Event) Event { e.Subject = "case/\xff"; return e }},
		{"nul in institution", nil, func(e Event) Event { e.Institution = "a\x00b"; return e }},
		{"data not json", nil, func(e Event) Event { e.Data = json.RawMessage(`{"a":`); return e }},
		{"data too big", nil, func(e Event) Event {
			e.Data = json.RawMessage(`"` + strings.Repeat("a", MaxDataBytes) + `"`)
			return e
		}},
		{"previous without hash", &Event{Seq: 1}, func(e Event) Event { return e }},
		{"previous with bad seq", &Event{Seq: 0, Hash: good.Hash}, func(e Event) Event { return e }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Chain(tt.prev, tt.e(sample(2))); apperror.CodeOf(err) != apperror.Invalid {
				t.Errorf("got %v, want an invalid error", err)
			}
		})
	}
}

// TestDigestEncoding rebuilds the documented encoding byte by byte, so a
// change to Digest that would orphan stored hashes fails here.
func TestDigestEncoding(t *testing.T) {
	e := chain(t, 2)[1]
	var b bytes.Buffer
	put := func(p []byte) {
		binary.Write(&b, binary.BigEndian, uint64(len(p)))
		b.Write(p)
	}
	put([]byte("cairn/audit/v1"))
	binary.Write(&b, binary.BigEndian, uint64(2))
	put([]byte("2025-03-03T19:04:05.123456000Z"))
	put([]byte("inst/1"))
	put([]byte("user/12"))
	put([]byte("review.assigned"))
	put([]byte("case/123"))
	put([]byte(`{"step":2,"note":"é"}`))
	put(e.PrevHash)
	want := sha256.Sum256(b.Bytes())
	if !bytes.Equal(e.Hash, want[:]) {
		t.Errorf("got %x, want %x", e.Hash, want)
	}
}

func TestDigestSeparatesFields(t *testing.T) {
	a := Event{At: t0, Actor: "ab", Action: "c"}
	b := Event{At: t0, Actor: "a", Action: "bc"}
	if bytes.Equal(Digest(a), Digest(b)) {
		t.Error("moving a byte between fields left the digest unchanged")
	}
	c := a
	c.At = a.At.In(time.FixedZone("x", 3600))
	if !bytes.Equal(Digest(a), Digest(c)) {
		t.Error("the same instant in another zone changed the digest")
	}
}

// TestGoldenChain pins the hashes of a fixed history in testdata. Run with
// -update to regenerate after a deliberate change to the encoding (which
// needs a new domain tag, since stored logs keep their hashes).
func TestGoldenChain(t *testing.T) {
	var got bytes.Buffer
	for _, e := range chain(t, 5) {
		fmt.Fprintf(&got, "%d %x\n", e.Seq, e.Hash)
	}
	path := filepath.Join("testdata", "chain.golden")
	if *update {
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("hashes changed:\ngot\n%s\nwant\n%s", got.Bytes(), want)
	}
	sc := bufio.NewScanner(bytes.NewReader(want))
	lines := 0
	for sc.Scan() {
		lines++
	}
	if lines != 5 {
		t.Errorf("golden file has %d lines, want 5", lines)
	}
}

func TestAnchorText(t *testing.T) {
	log := chain(t, 2)
	a := AnchorOf(log[1])
	back, err := ParseAnchor(a.String())
	if err != nil {
		t.Fatalf("ParseAnchor(%s): %v", a, err)
	}
	if back.Seq != a.Seq || !bytes.Equal(back.Hash, a.Hash) {
		t.Errorf("got %s, want %s", back, a)
	}
	for _, bad := range []string{"", "2", "x:00", "0:" + strings.Repeat("00", 32), "2:abcd", "2:" + strings.Repeat("zz", 32), "+2:" + strings.Repeat("00", 32)} {
		if _, err := ParseAnchor(bad); apperror.CodeOf(err) != apperror.Invalid {
			t.Errorf("ParseAnchor(%q): got %v, want invalid", bad, err)
		}
	}
}
