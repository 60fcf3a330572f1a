package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"cairn/internal/apperror"
)

// HashSize is the length of Hash and PrevHash.
const HashSize = sha256.Size

// Limits on what Chain accepts, so a row stays small and a hostile caller
// cannot make hashing or storage unbounded.
const (
	// MaxFieldBytes bounds Institution, Actor, Action and Subject.
	MaxFieldBytes = 1024
	// MaxDataBytes bounds Data.
	MaxDataBytes = 1 << 20
)

// timeLayout writes At in UTC with all nine fractional digits, so one instant
// has exactly one spelling.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// domain tags the encoding; a new encoding gets a new tag.
const domain = "cairn/audit/v1"

// Event is one row of the audit log.
type Event struct {
	Seq         int64           `json:"seq"` // 1 for the first event, then consecutive
	At          time.Time       `json:"at"`
	Institution string          `json:"institution"`
	Actor       string          `json:"actor"`   // who acted, e.g. user/42 or system
	Action      string          `json:"action"`  // what happened, e.g. review.submitted
	Subject     string          `json:"subject"` // what it happened to, e.g. case/123
	Data        json.RawMessage `json:"data,omitempty"`
	PrevHash    []byte          `json:"prevHash"`
	Hash        []byte          `json:"hash"`
}

// Chain returns e appended after prev (nil for the first event): Seq is
// prev.Seq+1 (or 1), PrevHash is prev.Hash (or 32 zero bytes), At is in UTC
// truncated to microseconds, Data is compacted, and Hash is computed. Values
// the caller put in e's Seq, PrevHash and Hash are ignored. The store must
// persist the returned event exactly.
func Chain(prev *Event, e Event) (Event, error) {
	e.Seq, e.PrevHash = 1, make([]byte, HashSize)
	if prev != nil {
		if len(prev.Hash) != HashSize {
			return Event{}, apperror.New(apperror.Invalid, "previous event %d has a %d-byte hash, want %d", prev.Seq, len(prev.Hash), HashSize)
		}
		if prev.Seq < 1 || prev.Seq == math.MaxInt64 {
			return Event{}, apperror.New(apperror.Invalid, "previous event has sequence number %d", prev.Seq)
		}
		e.Seq, e.PrevHash = prev.Seq+1, bytes.Clone(prev.Hash)
	}
	if e.At.IsZero() {
		return Event{}, apperror.Field("at", "an audit event needs a time")
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	for _, f := range []struct{ name, value string }{
		{"institution", e.Institution}, {"actor", e.Actor}, {"action", e.Action}, {"subject", e.Subject},
	} {
		if err := checkField(f.name, f.value); err != nil {
			return Event{}, err
		}
	}
	if e.Action == "" {
		return Event{}, apperror.Field("action", "an audit event needs an action")
	}
	if len(e.Data) > MaxDataBytes {
		return Event{}, apperror.Field("data", "data is %d bytes, at most %d", len(e.Data), MaxDataBytes)
	}
	if len(e.Data) > 0 {
		var buf bytes.Buffer
		if err := json.Compact(&buf, e.Data); err != nil {
			return Event{}, apperror.Field("data", "data is not JSON: %v", err)
		}
		e.Data = json.RawMessage(buf.Bytes())
	} else {
		e.Data = nil
	}
	e.Hash = Digest(e)
	return e, nil
}

// checkField keeps text fields storable in both SQLite and PostgreSQL text
// columns, which reject invalid UTF-8 or NUL.
func checkField(name, v string) error {
	switch {
	case len(v) > MaxFieldBytes:
		return apperror.Field(name, "%s is %d bytes, at most %d", name, len(v), MaxFieldBytes)
	case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
		return apperror.Field(name, "%s must be UTF-8 text without NUL", name)
	}
	return nil
}

// Digest returns the SHA-256 hash of e's fields and PrevHash in the encoding
// described in the package documentation. It ignores e.Hash.
func Digest(e Event) []byte {
	h := sha256.New()
	field(h, []byte(domain))
	var seq [8]byte
	binary.BigEndian.PutUint64(seq[:], uint64(e.Seq))
	h.Write(seq[:])
	field(h, []byte(e.At.UTC().Format(timeLayout)))
	field(h, []byte(e.Institution))
	field(h, []byte(e.Actor))
	field(h, []byte(e.Action))
	field(h, []byte(e.Subject))
	field(h, e.Data)
	field(h, e.PrevHash)
	return h.Sum(nil)
}

func field(h hash.Hash, b []byte) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(b)))
	h.Write(n[:])
	h.Write(b)
}

// Anchor is the head of the log as recorded outside the database: the
// newest event's Seq and Hash at some moment. Verify checks the log still
// reaches that row and that the row is unchanged.
type Anchor struct {
	Seq  int64  `json:"seq"`
	Hash []byte `json:"hash"`
}

// AnchorOf returns the anchor for e, normally the newest event.
func AnchorOf(e Event) Anchor { return Anchor{Seq: e.Seq, Hash: bytes.Clone(e.Hash)} }

// String formats the anchor as seq:hex, for an operator to write down.
func (a Anchor) String() string { return fmt.Sprintf("%d:%x", a.Seq, a.Hash) }

// ParseAnchor parses the seq:hex form that Anchor.String writes.
func ParseAnchor(s string) (Anchor, error) {
	seqText, hexText, ok := strings.Cut(s, ":")
	seq, err := strconv.ParseInt(seqText, 10, 64)
	if !ok || err != nil || seq < 1 || strconv.FormatInt(seq, 10) != seqText {
		return Anchor{}, apperror.New(apperror.Invalid, "anchor %q is not seq:hash with a sequence number from 1", s)
	}
	h, err := hex.DecodeString(hexText)
	if err != nil || len(h) != HashSize {
		return Anchor{}, apperror.New(apperror.Invalid, "anchor %q needs a %d-byte hex hash", s, HashSize)
	}
	return Anchor{Seq: seq, Hash: h}, nil
}
