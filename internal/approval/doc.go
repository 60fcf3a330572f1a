// Package approval is cairn's approval engine: it runs one proposal (a
// submitted version of an offering's outline form, and its revisions)
// through the track a policy profile chooses for it, step by step, and
// decides what happens next the way the profile says.
//
// A Case holds everything that happened in the run: the versions
// submitted, each step visited, reviewers assigned and replaced, declared
// conflicts, reviews against the profile's questions, duplication
// consultations, ballots, meetings and their minutes, appeals, decisions and
// signatures bound to the SHA-256 of the exact version signed, and the
// working-day deadlines of the people the case waits on. Engine.Apply is the
// one place a case changes: it takes an Action by a person at an instant,
// checks who may do it and when, and returns the Events to record (each
// carries the notices to send). An illegal move is an apperror Conflict or
// Forbidden with a message for the person who tried it, and leaves the case
// unchanged.
//
// The engine interprets the profile's step kinds and next transitions; it
// knows no institution. Who sits on which committee and who holds which role
// comes from a Roster the caller loads; working days come from a
// workday.Calendar. The package does no I/O: package sqlstore loads a case
// and its roster, applies an action and saves the result with its audit
// events and notifications in one transaction.
//
// Beside the tracks, the package implements the profile's processes: the
// report of digital badges approved since a committee's last meeting, a
// committee's challenge of an approved badge (explanation, then a decision
// by a higher body), annual review tasks and the flagging of offerings not
// offered for a period for discontinuance, disputes escalated along the
// profile's problem-solving chain, and reminders that a policy document is
// due for review.
package approval
