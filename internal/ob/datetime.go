package ob

import (
	"errors"
	"regexp"
	"strconv"
	"time"
)

// dateTimeStamp is the lexical form of an XML Schema dateTimeStamp: a
// dateTime whose timezone is required, which is what VC 2.0 requires of
// validFrom and validUntil and OB 3.0 calls DateTimeZ. Years are limited to
// nine digits so they fit a time.Time.
var dateTimeStamp = regexp.MustCompile(`^(-?(?:[1-9][0-9]{3,8}|0[0-9]{3}))-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])` +
	`T(?:([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])(\.[0-9]+)?|(24:00:00(?:\.0+)?))` +
	`(Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))$`)

// localDateTime is a date, or a date and time, with an optional timezone:
// what OB's activityStartDate and activityEndDate hold (the OB JSON schema
// says date-time, its JSON-LD context says xsd:date).
var localDateTime = regexp.MustCompile(`^-?(?:[1-9][0-9]{3,8}|0[0-9]{3})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])` +
	`(?:T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?)?` +
	`(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?$`)

// ParseDateTime parses an XML Schema dateTimeStamp such as
// "2026-06-19T17:00:00Z" or "2026-06-19T10:00:00.5-07:00": a dateTime
// with a timezone, as VC 2.0 requires of validFrom and validUntil. It
// rejects impossible dates (February 30) and accepts 24:00:00 as the
// first instant of the next day.
func ParseDateTime(s string) (time.Time, error) {
	m := dateTimeStamp.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, errors.New("not an XML Schema dateTime with timezone, such as 2026-06-19T17:00:00Z")
	}
	year, _ := strconv.Atoi(m[1]) // the pattern allows only digits that fit
	month, _ := strconv.Atoi(m[2])
	day, _ := strconv.Atoi(m[3])
	var hour, minute, second, nanos int
	if m[8] == "" {
		hour, _ = strconv.Atoi(m[4])
		minute, _ = strconv.Atoi(m[5])
		second, _ = strconv.Atoi(m[6])
		if frac := m[7]; frac != "" {
			digits := (frac[1:] + "000000000")[:9]
			nanos, _ = strconv.Atoi(digits)
		}
	}
	loc := time.UTC
	if zone := m[9]; zone != "Z" {
		h, _ := strconv.Atoi(zone[1:3])
		mins, _ := strconv.Atoi(zone[4:6])
		offset := h*3600 + mins*60
		if zone[0] == '-' {
			offset = -offset
		}
		loc = time.FixedZone(zone, offset)
	}
	t := time.Date(year, time.Month(month), day, hour, minute, second, nanos, loc)
	if t.Day() != day {
		return time.Time{}, errors.New("not a calendar date")
	}
	if m[8] != "" {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}

// isLocalDateTime reports whether s is a date or date and time with an
// optional timezone, with a real calendar date.
func isLocalDateTime(s string) bool {
	if !localDateTime.MatchString(s) {
		return false
	}
	i := 0
	if s[0] == '-' {
		i = 1
	}
	for i < len(s) && s[i] != '-' {
		i++
	}
	year, _ := strconv.Atoi(s[:i])
	month, _ := strconv.Atoi(s[i+1 : i+3])
	day, _ := strconv.Atoi(s[i+4 : i+6])
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC).Day() == day
}
