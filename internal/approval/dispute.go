package approval

import (
	"fmt"
	"time"

	"cairn/internal/apperror"
)

// DisputeStatus is where a question or dispute stands.
type DisputeStatus string

// The dispute statuses.
const (
	DisputeOpen     DisputeStatus = "open"
	DisputeResolved DisputeStatus = "resolved" // final
)

// Dispute is a question about the policy, or a dispute over a decision
// made under it, taken up the profile's problem-solving chain: the first
// role endeavours to resolve it with all stakeholders; failing that, it is
// reported to the next.
type Dispute struct {
	ID            int64
	InstitutionID int64
	// CaseID and OfferingID name what it is about, when it is about one.
	CaseID     int64
	OfferingID int64
	About      string
	RaisedBy   int64
	RaisedAt   time.Time
	// Level is the index in the escalation chain of the role now holding
	// it.
	Level   int
	Status  DisputeStatus
	History []DisputeEntry
	// Revision is the store's optimistic version.
	Revision int64
}

// DisputeEntry is one step of a dispute's history.
type DisputeEntry struct {
	At    time.Time `json:"at"`
	By    int64     `json:"by"`
	Level int       `json:"level"`
	Role  string    `json:"role"`
	// Action is "raised", "escalated" or "resolved".
	Action string `json:"action"`
	Note   string `json:"note"`
}

// DisputeAction is something done to a dispute.
type DisputeAction interface{ disputeAction() string }

// RaiseDispute reports a question or dispute to the first role of the
// chain.
type RaiseDispute struct {
	CaseID     int64
	OfferingID int64
	About      string
	Text       string
}

// ResolveDispute records the resolution found by the role holding it.
type ResolveDispute struct{ Note string }

// EscalateDispute reports an unresolved dispute to the next role of the
// chain.
type EscalateDispute struct{ Note string }

func (RaiseDispute) disputeAction() string    { return "raise" }
func (ResolveDispute) disputeAction() string  { return "resolve" }
func (EscalateDispute) disputeAction() string { return "escalate" }

// ApplyDispute is the one transition function of a dispute (Yukon 6 as
// the profile's problem_solving process states it). Anyone raises one; the
// holder of the current level's role resolves it or, failing a
// resolution, escalates it (so may the person who raised it); the last
// level cannot escalate further. A zero Dispute takes RaiseDispute.
func (e *Engine) ApplyDispute(d *Dispute, r *Roster, by int64, a DisputeAction, now time.Time) ([]Event, error) {
	ps := e.profile.Processes.ProblemSolving
	if ps == nil || len(ps.Escalation) == 0 {
		return nil, apperror.New(apperror.NotFound, "profile %s has no problem-solving process", e.profile.ID)
	}
	if d == nil || a == nil {
		return nil, apperror.New(apperror.Invalid, "apply needs a dispute and an action")
	}
	if by == 0 {
		return nil, apperror.New(apperror.Forbidden, "a dispute is raised and handled by people")
	}
	now = now.UTC().Truncate(time.Microsecond)
	x := &run{e: e, p: e.profile, c: &Case{}, r: r, by: by, now: now}
	n := *d
	n.History = append([]DisputeEntry(nil), d.History...)
	var ev Event
	switch a := a.(type) {
	case RaiseDispute:
		if d.Status != "" {
			return nil, apperror.New(apperror.Conflict, "the dispute is already raised")
		}
		if err := text("about", a.About, true); err != nil {
			return nil, err
		}
		if err := text("text", a.Text, true); err != nil {
			return nil, err
		}
		role := ps.Escalation[0]
		n = Dispute{ID: d.ID, InstitutionID: d.InstitutionID, CaseID: a.CaseID, OfferingID: a.OfferingID, About: a.About,
			RaisedBy: by, RaisedAt: now, Status: DisputeOpen, Revision: d.Revision,
			History: []DisputeEntry{{At: now, By: by, Level: 0, Role: role, Action: "raised", Note: a.Text}}}
		ev = Event{Action: "dispute.raised", Data: map[string]any{"case": a.CaseID, "offering": a.OfferingID, "about": a.About, "to": role, "clause": ps.Clause},
			Notices: x.notify(x.holdersOf(role), "dispute_raised", "Question or dispute: "+a.About,
				fmt.Sprintf("%s reports:\n\n%s\n\nAs %s, please endeavour to find a resolution with all stakeholders (%s).",
					x.name(by), a.Text, roleName(e, role), ps.Clause))}
	case ResolveDispute, EscalateDispute:
		if d.Status != DisputeOpen {
			return nil, apperror.New(apperror.Conflict, "the dispute is %s", orNone(string(d.Status)))
		}
		role := ps.Escalation[d.Level]
		holder := x.holdsCapacity(role, by)
		note := ""
		switch a := a.(type) {
		case ResolveDispute:
			note = a.Note
			if !holder {
				return nil, apperror.New(apperror.Forbidden, "only the %s, who holds the dispute, records its resolution", roleName(e, role))
			}
			if err := text("note", note, true); err != nil {
				return nil, err
			}
			n.Status = DisputeResolved
			n.History = append(n.History, DisputeEntry{At: now, By: by, Level: d.Level, Role: role, Action: "resolved", Note: note})
			ev = Event{Action: "dispute.resolved", Data: map[string]any{"level": d.Level, "role": role, "note": note},
				Notices: x.notify([]int64{d.RaisedBy}, "dispute_resolved", "Resolved: "+d.About, note)}
		case EscalateDispute:
			note = a.Note
			if !holder && by != d.RaisedBy {
				return nil, apperror.New(apperror.Forbidden, "only the %s or the person who raised the dispute reports it onward", roleName(e, role))
			}
			if d.Level+1 >= len(ps.Escalation) {
				return nil, apperror.New(apperror.Conflict, "the dispute is already with the %s, the last in the chain (%s)", roleName(e, role), ps.Clause)
			}
			if err := text("note", note, true); err != nil {
				return nil, err
			}
			next := ps.Escalation[d.Level+1]
			n.Level = d.Level + 1
			n.History = append(n.History, DisputeEntry{At: now, By: by, Level: n.Level, Role: next, Action: "escalated", Note: note})
			ev = Event{Action: "dispute.escalated", Data: map[string]any{"level": n.Level, "from": role, "to": next, "note": note, "clause": ps.Clause},
				Notices: x.notify(append(x.holdersOf(next), d.RaisedBy), "dispute_escalated", "Unresolved: "+d.About,
					fmt.Sprintf("The %s could not resolve %q:\n\n%s\n\nIt is now reported to the %s (%s).", roleName(e, role), d.About, note, roleName(e, next), ps.Clause))}
		}
	default:
		return nil, apperror.New(apperror.Invalid, "unknown dispute action %T", a)
	}
	ev.At, ev.By = now, by
	ev.Data["dispute"] = d.ID
	*d = n
	return []Event{ev}, nil
}
