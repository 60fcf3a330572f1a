package audit

import (
	"bytes"
	"fmt"
	"math"
	"sort"
)

// Kind classifies a problem in the log.
type Kind string

// The kinds of problem Verify reports.
const (
	// Edited: a row's contents do not match its hash, or the row an anchor
	// names has a different hash.
	Edited Kind = "edited"
	// Inserted: a row is not part of the chain (a later row links past it)
	// or is out of sequence.
	Inserted Kind = "inserted"
	// Deleted: rows are missing: a gap in Seq, a link to a row that is not
	// there, or a log that ends before its anchor.
	Deleted Kind = "deleted"
)

// Problem is one finding. Seq is the row it concerns: for missing rows, the
// first missing Seq.
type Problem struct {
	Seq     int64  `json:"seq"`
	Kind    Kind   `json:"kind"`
	Message string `json:"message"`
}

// String formats the problem as "kind: message".
func (p Problem) String() string { return fmt.Sprintf("%s: %s", p.Kind, p.Message) }

// MaxProblems bounds what Verify returns; a log that bad needs a person, not
// a longer list. Verify stops reading once it has this many.
const MaxProblems = 1000

// lookback is how many recent rows a Verifier remembers to recognise a row
// that links past inserted rows. Longer insertions are still reported, as a
// broken link (Deleted) rather than as Inserted rows.
const lookback = 64

// Verify checks events, given in the order the store holds them (ascending
// Seq), against the chain and, when anchor is not nil, against the anchor.
// A clean log gives no problems. Problems come sorted by Seq; at most
// MaxProblems.
func Verify(events []Event, anchor *Anchor) []Problem {
	v := NewVerifier(anchor)
	var ps []Problem
	for _, e := range events {
		ps = append(ps, v.Next(e)...)
		if len(ps) >= MaxProblems {
			break
		}
	}
	if len(ps) < MaxProblems {
		ps = append(ps, v.End()...)
	}
	if len(ps) > MaxProblems {
		ps = ps[:MaxProblems]
	}
	sort.SliceStable(ps, func(a, b int) bool { return ps[a].Seq < ps[b].Seq })
	return ps
}

// Verifier checks a log one row at a time, so a store can stream a log of
// any length in bounded memory: call Next for each row in Seq order, then
// End.
type Verifier struct {
	anchor      *Anchor
	anchorSeen  bool // a row with the anchor's Seq was read
	anchorMatch bool // and one such row had the anchor's hash
	recent      []link
	read        bool
}

// link is what the Verifier remembers of a row it has read.
type link struct {
	seq  int64
	hash []byte
}

// NewVerifier returns a Verifier; anchor may be nil.
func NewVerifier(anchor *Anchor) *Verifier {
	return &Verifier{anchor: anchor}
}

// Next checks one row against itself and the rows before it.
func (v *Verifier) Next(e Event) []Problem {
	var ps []Problem
	add := func(seq int64, k Kind, format string, args ...any) {
		ps = append(ps, Problem{Seq: seq, Kind: k, Message: fmt.Sprintf(format, args...)})
	}

	selfOK := len(e.Hash) == HashSize && bytes.Equal(Digest(e), e.Hash)
	if !selfOK {
		add(e.Seq, Edited, "row %d was changed after it was written: its contents do not match its hash", e.Seq)
	}

	expected, prevHash := int64(1), make([]byte, HashSize)
	var prev link
	if v.read {
		prev = v.recent[len(v.recent)-1]
		expected, prevHash = prev.seq+1, prev.hash
		if prev.seq == math.MaxInt64 {
			expected = prev.seq
		}
	}

	switch back := v.linksBack(e.PrevHash); {
	case bytes.Equal(e.PrevHash, prevHash):
		switch {
		case e.Seq == expected || !selfOK:
		case !v.read:
			add(e.Seq, Edited, "row %d starts the chain but is not numbered 1: its number was changed", e.Seq)
		default:
			add(e.Seq, Edited, "row %d follows row %d in the chain but is numbered %d: its number was changed", e.Seq, prev.seq, e.Seq)
		}
	case back >= 0:
		p := v.recent[back]
		for _, r := range v.recent[back+1:] {
			add(r.seq, Inserted, "row %d is not part of the chain: row %d links past it to row %d", r.seq, e.Seq, p.seq)
		}
	case e.Seq > expected:
		if e.Seq-expected == 1 {
			add(expected, Deleted, "row %d is missing: the log goes from row %d to row %d", expected, expected-1, e.Seq)
		} else {
			add(expected, Deleted, "rows %d to %d are missing: the log goes from row %d to row %d", expected, e.Seq-1, expected-1, e.Seq)
		}
	case e.Seq < expected:
		add(e.Seq, Inserted, "row %d is out of sequence after row %d: it was inserted or moved", e.Seq, expected-1)
	case !v.read:
		add(e.Seq, Deleted, "row %d does not start the chain (its previous hash is not zero): earlier rows were deleted and the log renumbered", e.Seq)
	default:
		add(e.Seq, Deleted, "row %d does not link to row %d: rows between them were deleted and the log renumbered, or row %d was rewritten with a new hash", e.Seq, prev.seq, prev.seq)
	}

	if v.anchor != nil && e.Seq == v.anchor.Seq {
		v.anchorSeen = true
		if bytes.Equal(e.Hash, v.anchor.Hash) {
			v.anchorMatch = true
		}
	}
	v.read = true
	v.recent = append(v.recent, link{seq: e.Seq, hash: bytes.Clone(e.Hash)})
	if len(v.recent) > lookback {
		v.recent = append(v.recent[:0], v.recent[len(v.recent)-lookback:]...)
	}
	return ps
}

// linksBack returns the index in recent of the newest row, other than the
// last one read, whose hash is h; -1 if none.
func (v *Verifier) linksBack(h []byte) int {
	if len(h) != HashSize {
		return -1
	}
	for i := len(v.recent) - 2; i >= 0; i-- {
		if bytes.Equal(v.recent[i].hash, h) {
			return i
		}
	}
	return -1
}

// End finishes the check against the anchor, if any: the log must reach the
// anchor's row and that row must carry the anchor's hash. Rows after the
// anchor are appends made since it was taken and are not questioned.
func (v *Verifier) End() []Problem {
	a := v.anchor
	if a == nil {
		return nil
	}
	var last int64
	if v.read {
		last = v.recent[len(v.recent)-1].seq
	}
	switch {
	case v.anchorMatch:
		return nil
	case v.anchorSeen:
		return []Problem{{Seq: a.Seq, Kind: Edited, Message: fmt.Sprintf(
			"row %d does not match the anchor: the log was rewritten at or before this row", a.Seq)}}
	case a.Seq > last:
		from := last + 1
		msg := fmt.Sprintf("rows %d to %d are missing from the end of the log: the anchor records row %d as the head", from, a.Seq, a.Seq)
		if from == a.Seq {
			msg = fmt.Sprintf("row %d is missing from the end of the log: the anchor records it as the head", a.Seq)
		}
		return []Problem{{Seq: from, Kind: Deleted, Message: msg}}
	default:
		return []Problem{{Seq: a.Seq, Kind: Deleted, Message: fmt.Sprintf(
			"row %d, which the anchor records, is missing", a.Seq)}}
	}
}
