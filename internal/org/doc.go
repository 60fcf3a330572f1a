// Package org holds cairn's organisational domain: institutions and their
// org units, people and the roles they hold at each institution, partners,
// committees with their memberships and chair elections, and holiday
// closures. The types do no I/O; each has a Validate method that returns an
// apperror.Invalid error naming the offending field.
//
// Identifiers are int64 values assigned by the store; zero means "not yet
// stored" (or, for an optional reference, "none"). Calendar days (terms,
// closures) are time.Time values at midnight UTC; Day converts any instant
// to that form.
package org
