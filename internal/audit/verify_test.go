package audit

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// finding is a problem without its message, for comparing.
type finding struct {
	seq  int64
	kind Kind
}

func findings(ps []Problem) []finding {
	out := make([]finding, len(ps))
	for i, p := range ps {
		out[i] = finding{p.Seq, p.Kind}
	}
	return out
}

// rehash recomputes e's hash, as a tamperer with database access would.
func rehash(e Event) Event {
	e.Hash = Digest(e)
	return e
}

// rebuild re-chains log from index i onwards, as a tamperer who rewrites
// everything after an edit would.
func rebuild(log []Event, i int) []Event {
	out := slices.Clone(log)
	for ; i < len(out); i++ {
		if i > 0 {
			out[i].PrevHash = out[i-1].Hash
		}
		out[i] = rehash(out[i])
	}
	return out
}

func TestVerify(t *testing.T) {
	clean := chain(t, 5)
	head := AnchorOf(clean[4])
	older := AnchorOf(clean[2])
	forged := sample(9)
	forged.Actor = "user/666"
	x, err := Chain(&clean[2], forged)
	if err != nil {
		t.Fatal(err)
	}

	edit := func(i int, f func(*Event)) []Event {
		log := slices.Clone(chain(t, 5))
		f(&log[i])
		return log
	}
	tests := []struct {
		name   string
		log    []Event
		anchor *Anchor
		want   []finding
	}{
		{"clean chain", clean, nil, nil},
		{"clean chain with head anchor", clean, &head, nil},
		{"clean chain with older anchor", clean, &older, nil},
		{"empty log", nil, nil, nil},
		{"empty log with anchor", nil, &head, []finding{{1, Deleted}}},
		{"clean chain read back in another zone", edit(2, func(e *Event) { e.At = e.At.In(time.FixedZone("PDT", -7*3600)) }), nil, nil},

		{"edit data", edit(2, func(e *Event) { e.Data = json.RawMessage(`{"step":3,"note":"approved"}`) }), nil, []finding{{3, Edited}}},
		{"edit data whitespace only", edit(2, func(e *Event) { e.Data = json.RawMessage(`{"step": 3,"note":"é"}`) }), nil, []finding{{3, Edited}}},
		{"edit actor", edit(2, func(e *Event) { e.Actor = "user/1" }), nil, []finding{{3, Edited}}},
		{"edit at by a second", edit(2, func(e *Event) { e.At = e.At.Add(time.Second) }), nil, []finding{{3, Edited}}},
		{"edit at by a microsecond", edit(2, func(e *Event) { e.At = e.At.Add(time.Microsecond) }), nil, []finding{{3, Edited}}},
		{"edit subject", edit(2, func(e *Event) { e.Subject = "case/124" }), nil, []finding{{3, Edited}}},
		{"edit stored hash", edit(2, func(e *Event) { e.Hash[0] ^= 1 }), nil, []finding{{3, Edited}, {4, Deleted}}},
		{"truncated hash", edit(1, func(e *Event) { e.Hash = e.Hash[:8] }), nil, []finding{{2, Edited}, {3, Deleted}}},
		{"genesis with a non-zero previous hash", edit(0, func(e *Event) { e.PrevHash[0] = 1 }), nil, []finding{{1, Edited}, {1, Deleted}}},
		// Rewriting a row and its hash is caught by the next row's link.
		{"edit and rehash one row", edit(2, func(e *Event) { e.Actor = "user/1"; *e = rehash(*e) }), nil, []finding{{4, Deleted}}},
		{"edit number and rehash", edit(0, func(e *Event) { e.Seq = 7; *e = rehash(*e) }), nil, []finding{{2, Inserted}, {7, Edited}}},
		// Rewriting everything after the edit is caught only by an anchor.
		{"rewrite from a row to the head", rebuild(edit(2, func(e *Event) { e.Actor = "user/1" }), 2), nil, nil},
		{"rewrite from a row to the head with anchor", rebuild(edit(2, func(e *Event) { e.Actor = "user/1" }), 2), &head, []finding{{5, Edited}}},

		// A forged row chained after row 3, the rows after it renumbered
		// to make room (Seq is the store's key).
		{"insert", []Event{clean[0], clean[1], clean[2], x, renumber(clean[3], 5), renumber(clean[4], 6)}, nil,
			[]finding{{4, Inserted}, {5, Edited}, {6, Edited}}},
		{"insert a copy of a row", []Event{clean[0], clean[1], clean[2], clean[2], clean[3], clean[4]}, nil, []finding{{3, Inserted}}},

		{"delete middle", []Event{clean[0], clean[1], clean[3], clean[4]}, nil, []finding{{3, Deleted}}},
		{"delete two in the middle", []Event{clean[0], clean[3], clean[4]}, nil, []finding{{2, Deleted}}},
		{"delete middle and renumber", []Event{clean[0], clean[1], renumber(clean[3], 3), renumber(clean[4], 4)}, nil,
			[]finding{{3, Edited}, {3, Deleted}, {4, Edited}}},
		{"delete first", clean[1:], nil, []finding{{1, Deleted}}},
		{"delete first two", clean[2:], nil, []finding{{1, Deleted}}},
		{"delete first and renumber", []Event{renumber(clean[1], 1), renumber(clean[2], 2)}, nil,
			[]finding{{1, Edited}, {1, Deleted}, {2, Edited}}},

		// Rows 3 and 4 read in the wrong order.
		{"reorder rows", []Event{clean[0], clean[1], clean[3], clean[2], clean[4]}, nil,
			[]finding{{3, Deleted}, {3, Inserted}, {4, Inserted}}},
		// The contents of rows 3 and 4 swapped, numbers kept in place.
		{"reorder contents", []Event{clean[0], clean[1], renumber(clean[3], 3), renumber(clean[2], 4), clean[4]}, nil,
			[]finding{{3, Edited}, {3, Deleted}, {3, Inserted}, {4, Edited}, {4, Inserted}}},

		// Deleting the newest rows leaves a valid chain: only the anchor
		// shows it.
		{"truncated tail", clean[:4], nil, nil},
		{"truncated tail with anchor", clean[:4], &head, []finding{{5, Deleted}}},
		{"two rows truncated with anchor", clean[:3], &head, []finding{{4, Deleted}}},
		{"anchored row deleted from the middle", []Event{clean[0], clean[1], clean[3], clean[4]}, &older, []finding{{3, Deleted}, {3, Deleted}}},
		{"truncated and replaced with forged rows", append(slices.Clone(clean[:4]), mustChain(t, &clean[3], forged)), &head, []finding{{5, Edited}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := Verify(tt.log, tt.anchor)
			if got := findings(ps); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
				for _, p := range ps {
					t.Logf("  %d %s", p.Seq, p)
				}
			}
			for _, p := range ps {
				if p.Message == "" || !strings.Contains(p.Message, "row") {
					t.Errorf("problem %v has no plain message", p)
				}
			}
		})
	}
}

func renumber(e Event, seq int64) Event {
	e.Seq = seq
	return e
}

func mustChain(t *testing.T, prev *Event, e Event) Event {
	t.Helper()
	out, err := Chain(prev, e)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestVerifyMessages(t *testing.T) {
	clean := chain(t, 5)
	head := AnchorOf(clean[4])
	tests := []struct {
		name   string
		log    []Event
		anchor *Anchor
		want   string
	}{
		{"gap", []Event{clean[0], clean[1], clean[3]}, nil, "row 3 is missing: the log goes from row 2 to row 4"},
		{"wider gap", []Event{clean[0], clean[4]}, nil, "rows 2 to 4 are missing: the log goes from row 1 to row 5"},
		{"tail", clean[:4], &head, "row 5 is missing from the end of the log: the anchor records it as the head"},
		{"longer tail", clean[:2], &head, "rows 3 to 5 are missing from the end of the log: the anchor records row 5 as the head"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := Verify(tt.log, tt.anchor)
			if len(ps) != 1 || ps[0].Message != tt.want {
				t.Errorf("got %v, want one problem %q", ps, tt.want)
			}
		})
	}
}

func TestVerifyIsBounded(t *testing.T) {
	log := chain(t, 3*MaxProblems)
	for i := range log {
		log[i].Actor = "someone else"
	}
	if got := len(Verify(log, nil)); got != MaxProblems {
		t.Errorf("got %d problems, want the cap %d", got, MaxProblems)
	}
	v := NewVerifier(nil)
	for _, e := range chain(t, 3*lookback) {
		if ps := v.Next(e); len(ps) != 0 {
			t.Fatalf("clean row %d: %v", e.Seq, ps)
		}
	}
	if len(v.recent) > lookback {
		t.Errorf("verifier holds %d rows, want at most %d", len(v.recent), lookback)
	}
	// A row linking further back than the lookback is still reported.
	long := chain(t, lookback+10)
	skip := append([]Event{long[0]}, long[lookback+5:]...)
	skip[1] = rehash(renumber(skip[1], 2))
	if ps := Verify(skip, nil); len(ps) == 0 {
		t.Error("got no problems for a log missing many rows")
	}
}

func TestVerifierStreamsLikeVerify(t *testing.T) {
	clean := chain(t, 6)
	log := []Event{clean[0], clean[2], clean[1], clean[3], clean[5]}
	head := AnchorOf(clean[5])
	want := Verify(log, &head)
	v := NewVerifier(&head)
	var got []Problem
	for _, e := range log {
		got = append(got, v.Next(e)...)
	}
	got = append(got, v.End()...)
	slices.SortStableFunc(got, func(a, b Problem) int { return int(a.Seq - b.Seq) })
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("streamed %v, Verify %v", got, want)
	}
}

func FuzzChainVerify(f *testing.F) {
	f.Add("inst/1", "user/1", "case.created", "case/1", []byte(`{"a":1}`), uint8(0))
	f.Add("", "", "x", "", []byte(``), uint8(3))
	f.Fuzz(func(t *testing.T, inst, actor, action, subject string, data []byte, flip uint8) {
		first, err := Chain(nil, Event{At: t0, Action: "start"})
		if err != nil {
			t.Fatal(err)
		}
		e, err := Chain(&first, Event{At: t0, Institution: inst, Actor: actor, Action: action, Subject: subject, Data: data})
		if err != nil {
			return // rejected input
		}
		log := []Event{first, e}
		if ps := Verify(log, nil); len(ps) != 0 {
			t.Fatalf("fresh chain has problems: %v", ps)
		}
		// Any change to the second row's text is an edit.
		tampered := slices.Clone(log)
		tampered[1].Subject = e.Subject + string(rune('a'+flip%26))
		ps := Verify(tampered, nil)
		if len(ps) != 1 || ps[0].Kind != Edited || ps[0].Seq != 2 {
			t.Fatalf("got %v, want one edit at row 2", ps)
		}
	})
}
