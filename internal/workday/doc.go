// Package workday counts working days for an institution: weekends, the
// statutory holidays of its jurisdiction (computed by rule for any year) and
// the closures its administrators add, in the institution's time zone. It
// turns policy deadlines such as "ten working days" into instants, and keeps
// pausable deadlines whose clock stops while a case waits on its proponent.
//
// The package does no I/O: a Calendar is built from a jurisdiction code, a
// time zone and a list of closures that the caller loads from wherever it
// keeps them. Time zone data is embedded (time/tzdata), so calendars work on
// machines without a zoneinfo database.
//
// # Conventions
//
// Counting follows the rule of the interpretation statutes: the day of the
// event that starts a period is excluded and the last day is included. A
// deadline of n working days from an instant falls due at the end of the
// n-th working day after that instant's day, in the calendar's zone: at
// 23:59:59.999999999 local time of that day (see [Calendar.EndOfDay] for why
// that instant rather than the start of the next working day).
package workday
