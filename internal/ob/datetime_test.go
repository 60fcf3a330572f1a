package ob

import (
	"testing"
	"time"
)

func TestParseDateTime(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339 in UTC
	}{
		{"2026-06-19T17:00:00Z", "2026-06-19T17:00:00Z"},
		{"2026-06-19T10:00:00-07:00", "2026-06-19T17:00:00Z"},
		{"2026-06-19T17:00:00.5Z", "2026-06-19T17:00:00.5Z"},
		{"2026-06-19T17:00:00.123456789123Z", "2026-06-19T17:00:00.123456789Z"},
		{"2024-02-29T00:00:00+14:00", "2024-02-28T10:00:00Z"},
		{"2026-12-31T24:00:00Z", "2027-01-01T00:00:00Z"},
		{"0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"},
		{"12026-01-01T00:00:00Z", "12026-01-01T00:00:00Z"},
	}
	for _, tt := range tests {
		got, err := ParseDateTime(tt.in)
		if err != nil {
			t.Errorf("ParseDateTime(%q): %v", tt.in, err)
			continue
		}
		if s := got.UTC().Format(time.RFC3339Nano); s != tt.want {
			t.Errorf("ParseDateTime(%q): got %s, want %s", tt.in, s, tt.want)
		}
	}
}

func TestParseDateTimeRejects(t *testing.T) {
	for _, in := range []string{
		"",
		"2026-06-19",
		"2026-06-19T17:00:00",       // no timezone
		"2026-06-19t17:00:00z",      // lower case
		"2026-06-19 17:00:00Z",      // space
		"2026-02-29T00:00:00Z",      // not a leap year
		"2026-04-31T00:00:00Z",      // April has 30 days
		"2026-13-01T00:00:00Z",      // month
		"2026-06-19T24:00:01Z",      // past 24:00:00
		"2026-06-19T17:60:00Z",      // minute
		"2026-06-19T17:00:00+14:30", // offset beyond 14:00
		"2026-06-19T17:00:00+0700",  // offset without colon
		"26-06-19T17:00:00Z",        // two-digit year
		"02026-06-19T17:00:00Z",     // leading zero on a long year
	} {
		if _, err := ParseDateTime(in); err == nil {
			t.Errorf("ParseDateTime(%q): got no error", in)
		}
	}
}

func TestIsLocalDateTime(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"2026-03-02", true},
		{"2026-04-24T17:00:00", true},
		{"2026-04-24T17:00:00Z", true},
		{"2026-04-24Z", true},
		{"2026-02-30", false},
		{"2026-4-24", false},
		{"April 2026", false},
	}
	for _, tt := range tests {
		if got := isLocalDateTime(tt.in); got != tt.want {
			t.Errorf("isLocalDateTime(%q): got %v, want %v", tt.in, got, tt.want)
		}
	}
}
