package approval

import (
	"time"
)

// Event is one thing that happened to a case, for the audit log, with the
// notices it sends.
type Event struct {
	// Action names what happened, e.g. "case.ballot_cast".
	Action string
	At     time.Time
	// By is the person who acted; 0 for the system.
	By    int64
	Step  string
	Visit int
	// Data holds the event's details; encoding/json writes its keys in
	// order, so the audit digest is stable.
	Data    map[string]any
	Notices []Notice
}

// Notice is a message to one person about a case.
type Notice struct {
	To      int64
	Kind    string
	Subject string
	Body    string
	// Key, when set, makes the notice unique: a store sends it once even
	// if the action producing it runs twice.
	Key string
}
