package org

import (
	"strings"
	"time"
	"unicode/utf8"

	"cairn/internal/apperror"
)

// Limits on the size of values, so that hostile input does bounded work.
const (
	MaxNameLen       = 200  // bytes in a name
	MaxTextLen       = 2000 // bytes in a free-text field (reasons, notes)
	MaxSlugLen       = 63   // bytes in a slug or key
	MaxEmailLen      = 254  // bytes in an email address
	MaxURLLen        = 2000 // bytes in a URL or DID
	MaxCandidates    = 100  // candidates in one chair election
	MaxElectionVotes = 2000 // votes in one chair election
)

// Day returns the calendar day of t (in t's own location) as midnight UTC,
// the form cairn uses for dates.
func Day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// checkText reports an error unless s is a trimmed, printable
// UTF-8 string of at most limit bytes, non-empty when required.
func checkText(field, s string, limit int, required bool) error {
	if s == "" {
		if required {
			return apperror.Field(field, "is required")
		}
		return nil
	}
	if len(s) > limit {
		return apperror.Field(field, "is longer than %d bytes", limit)
	}
	if !utf8.ValidString(s) {
		return apperror.Field(field, "is not valid UTF-8")
	}
	if strings.TrimSpace(s) != s {
		return apperror.Field(field, "has leading or trailing spaces")
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return apperror.Field(field, "contains a control character")
		}
	}
	return nil
}

// checkSlug reports an error unless s is 1 to MaxSlugLen characters of
// lower-case ASCII letters, digits, '-' and '_', starting with a letter or
// digit.
func checkSlug(field, s string) error {
	if s == "" {
		return apperror.Field(field, "is required")
	}
	if len(s) > MaxSlugLen {
		return apperror.Field(field, "is longer than %d characters", MaxSlugLen)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case (c == '-' || c == '_') && i > 0:
		default:
			return apperror.Field(field, "must be lower-case letters, digits, '-' or '_', starting with a letter or digit")
		}
	}
	return nil
}

// checkRef reports an error unless id refers to a stored row.
func checkRef(field string, id int64) error {
	if id <= 0 {
		return apperror.Field(field, "is required")
	}
	return nil
}

// checkOptionalRef reports an error if id is negative; zero means none.
func checkOptionalRef(field string, id int64) error {
	if id < 0 {
		return apperror.Field(field, "is not a valid reference")
	}
	return nil
}
