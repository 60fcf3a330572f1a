package org

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"cairn/internal/apperror"
)

// Institution is a university or college using cairn. One installation may
// serve several, sharing one public registry.
type Institution struct {
	ID   int64
	Slug string // short URL-safe name, unique in the installation, e.g. "kpu"
	Name string
	// Jurisdiction is an ISO 3166-2 code, e.g. "CA-BC", that decides the
	// statutory holidays of the institution's working-day calendar.
	Jurisdiction string
	// TimeZone is an IANA time zone name, e.g. "America/Vancouver", in which
	// deadlines fall due.
	TimeZone string
	// PolicyProfile names the policy profile that governs approvals, e.g.
	// "kpu-ac15"; empty until one is chosen.
	PolicyProfile string
	// IssuerDID is the DID credentials are issued under, e.g.
	// "did:web:credentials.kpu.ca"; empty until keys are set up.
	IssuerDID string

	Version   int64 // optimistic concurrency: the version the caller last read
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate reports the first problem with i as an apperror.Invalid error
// naming the field.
func (i Institution) Validate() error {
	if ps := i.Problems(); len(ps) > 0 {
		return ps[0]
	}
	return nil
}

// Problems reports every problem with i, one Invalid error per field in
// the order of the struct, so a form can show them all at once.
func (i Institution) Problems() []*apperror.Error {
	var out []*apperror.Error
	add := func(err error) {
		var e *apperror.Error
		if errors.As(err, &e) {
			out = append(out, e)
		}
	}
	add(checkSlug("slug", i.Slug))
	add(checkText("name", i.Name, MaxNameLen, true))
	if !validJurisdiction(i.Jurisdiction) {
		add(apperror.Field("jurisdiction", "must be an ISO 3166-2 code such as CA-BC"))
	}
	if !validTimeZoneName(i.TimeZone) {
		add(apperror.Field("time_zone", "must be an IANA time zone name such as America/Vancouver"))
	}
	if i.PolicyProfile != "" {
		add(checkSlug("policy_profile", i.PolicyProfile))
	}
	if i.IssuerDID != "" && !validDID(i.IssuerDID) {
		add(apperror.Field("issuer_did", "must be a DID such as did:web:example.edu"))
	}
	return out
}

// validJurisdiction reports whether s looks like an ISO 3166-1 alpha-2
// country code, optionally followed by an ISO 3166-2 subdivision.
func validJurisdiction(s string) bool {
	country, sub, hasSub := strings.Cut(s, "-")
	if len(country) != 2 || !isUpperAlnum(country, false) {
		return false
	}
	if !hasSub {
		return true
	}
	return len(sub) >= 1 && len(sub) <= 3 && isUpperAlnum(sub, true)
}

func isUpperAlnum(s string, digits bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || digits && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// validTimeZoneName checks the syntax of an IANA zone name, e.g.
// "America/Vancouver" or "UTC". Whether the zone exists is for whoever loads
// it: loading reads the time zone database, which this package does not do.
func validTimeZoneName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, part := range strings.Split(s, "/") {
		if part == "" || part == "." || part == ".." {
			return false
		}
		for i := 0; i < len(part); i++ {
			c := part[i]
			if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '+') {
				return false
			}
		}
	}
	return true
}

// validDID checks the generic DID syntax: "did:" method ":" method-specific-id.
func validDID(s string) bool {
	if len(s) > MaxURLLen {
		return false
	}
	rest, ok := strings.CutPrefix(s, "did:")
	if !ok {
		return false
	}
	method, id, ok := strings.Cut(rest, ":")
	if !ok || method == "" || id == "" {
		return false
	}
	for i := 0; i < len(method); i++ {
		c := method[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return false
		}
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

// validWebURL reports whether s is an absolute http or https URL.
func validWebURL(s string) bool {
	if len(s) > MaxURLLen {
		return false
	}
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	return (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
