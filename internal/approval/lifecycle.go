package approval

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
)

// OfferingActivity is what the annual review and discontinuance rules need
// to know of an offering.
type OfferingActivity struct {
	OfferingID int64
	UnitID     int64
	Title      string
	Kind       catalog.Kind
	Status     catalog.Status
	ApprovedAt time.Time
	// LastRunAt is when a run of it last started; zero when never.
	LastRunAt time.Time
	// LastReviewAt is when its last annual review was completed; zero when
	// never.
	LastReviewAt time.Time
}

// ReviewTask is an annual review due for an offering, for the role (and
// the people holding it in the offering's unit) that reviews it.
type ReviewTask struct {
	OfferingID int64
	UnitID     int64
	Title      string
	Due        time.Time
	By         string
	Assignees  []int64
	Tasks      []string
	Clause     string
}

// AnnualReviewsDue returns the annual reviews due by now: one per offering
// of the rule's kinds that may be offered and whose last review (or, never
// reviewed, approval) is the rule's period ago or more. Profiles without an
// annual review give none.
func (e *Engine) AnnualReviewsDue(offerings []OfferingActivity, r *Roster, now time.Time) []ReviewTask {
	ar := e.profile.Processes.AnnualReview
	if ar == nil {
		return nil
	}
	var out []ReviewTask
	for _, o := range offerings {
		if !ar.Applies(o.Kind) || !o.Status.Offerable() || o.ApprovedAt.IsZero() {
			continue
		}
		last := o.ApprovedAt
		if o.LastReviewAt.After(last) {
			last = o.LastReviewAt
		}
		due := ar.Due(last)
		if now.Before(due) {
			continue
		}
		out = append(out, ReviewTask{OfferingID: o.OfferingID, UnitID: o.UnitID, Title: o.Title, Due: due, By: ar.By,
			Assignees: r.HoldersIn(ar.By, o.UnitID), Tasks: slices.Clone(ar.Tasks), Clause: ar.Clause})
	}
	slices.SortFunc(out, func(a, b ReviewTask) int { return cmp.Compare(a.OfferingID, b.OfferingID) })
	return out
}

// ReviewTaskEvent is the event that hands a review task to its assignees.
func (e *Engine) ReviewTaskEvent(t ReviewTask, now time.Time) Event {
	x := &run{e: e, p: e.profile, c: &Case{}, now: now}
	body := fmt.Sprintf("The annual review of %q is due %s (%s):\n- %s", t.Title, e.cal.DateOf(t.Due), t.Clause, strings.Join(t.Tasks, "\n- "))
	ns := x.notify(t.Assignees, "annual_review_due", "Annual review due: "+t.Title, body)
	for i := range ns {
		ns[i].Key = fmt.Sprintf("offering/%d/annual-review/%s/%d", t.OfferingID, e.cal.DateOf(t.Due), ns[i].To)
	}
	return Event{Action: "offering.annual_review_due", At: now,
		Data:    map[string]any{"offering": t.OfferingID, "due": t.Due, "by": t.By, "clause": t.Clause},
		Notices: ns}
}

// DiscontinuanceStatus is where the consideration of an idle offering for
// discontinuance stands.
type DiscontinuanceStatus string

// The discontinuance statuses.
const (
	// DiscontinuanceFlagged: not offered for the rule's period; the
	// considering role considers it.
	DiscontinuanceFlagged DiscontinuanceStatus = "flagged"
	// DiscontinuanceProposed: the considering role proposes discontinuance;
	// the committee it is sent to acts.
	DiscontinuanceProposed DiscontinuanceStatus = "proposed"
	// DiscontinuanceRetained: kept. Final.
	DiscontinuanceRetained DiscontinuanceStatus = "retained"
	// DiscontinuanceDone: discontinued. Final.
	DiscontinuanceDone DiscontinuanceStatus = "discontinued"
)

// Discontinuance is the consideration of an offering not offered for the
// profile's idle period (AC15 B.1.g as the profile's discontinuance rule
// states it).
type Discontinuance struct {
	ID            int64
	InstitutionID int64
	OfferingID    int64
	UnitID        int64
	Title         string
	Status        DiscontinuanceStatus
	// IdleSince is the last run, or the approval of an offering never run.
	IdleSince time.Time
	FlaggedAt time.Time
	// ProposedBy and the note record the considering role's proposal.
	ProposedBy   int64
	ProposedAt   time.Time
	ProposalNote string
	DecidedBy    int64
	DecidedAt    time.Time
	DecisionNote string
	Revision     int64
}

// OfferingStatus is the status the consideration gives its offering.
func (d *Discontinuance) OfferingStatus() catalog.Status {
	switch d.Status {
	case DiscontinuanceDone:
		return catalog.Discontinued
	case DiscontinuanceRetained:
		return catalog.Approved
	}
	return catalog.UnderReview
}

// IdleOfferings returns a flagged Discontinuance for each offering of the
// rule's kinds that may be offered and has not been offered (run) for the
// rule's idle period by now; never run, the period counts from its
// approval. Profiles without a discontinuance rule give none.
func (e *Engine) IdleOfferings(offerings []OfferingActivity, now time.Time) []Discontinuance {
	dr := e.profile.Processes.Discontinuance
	if dr == nil {
		return nil
	}
	var out []Discontinuance
	for _, o := range offerings {
		if !dr.Applies(o.Kind) || !o.Status.Offerable() || o.ApprovedAt.IsZero() {
			continue
		}
		last := o.ApprovedAt
		if o.LastRunAt.After(last) {
			last = o.LastRunAt
		}
		if !dr.Idle(last, now) {
			continue
		}
		out = append(out, Discontinuance{OfferingID: o.OfferingID, UnitID: o.UnitID, Title: o.Title,
			Status: DiscontinuanceFlagged, IdleSince: last, FlaggedAt: now.UTC().Truncate(time.Microsecond)})
	}
	slices.SortFunc(out, func(a, b Discontinuance) int { return cmp.Compare(a.OfferingID, b.OfferingID) })
	return out
}

// FlagEvent is the event that flags d to the considering role.
func (e *Engine) FlagEvent(d Discontinuance, r *Roster) Event {
	dr := e.profile.Processes.Discontinuance
	x := &run{e: e, p: e.profile, c: &Case{}, r: r, now: d.FlaggedAt}
	var to []int64
	if dr != nil {
		to = x.holdersOf(dr.ConsideredBy)
	}
	clause := ""
	if dr != nil {
		clause = dr.Clause
	}
	return Event{Action: "offering.flagged_for_discontinuance", At: d.FlaggedAt,
		Data: map[string]any{"offering": d.OfferingID, "idle_since": d.IdleSince, "clause": clause},
		Notices: x.notify(to, "discontinuance_flagged", "Not offered for a year: "+d.Title,
			fmt.Sprintf("%q has not been offered since %s. Consider it for discontinuance (%s).", d.Title, e.cal.DateOf(d.IdleSince), clause))}
}

// DiscontinuanceAction is something done to a discontinuance.
type DiscontinuanceAction interface{ discontinuanceAction() string }

// ProposeDiscontinuance is the considering role's proposal, sent to the
// committee for action.
type ProposeDiscontinuance struct{ Note string }

// RetainOffering keeps the offering: the considering role while flagged,
// the committee's chair once proposed.
type RetainOffering struct{ Note string }

// DiscontinueOffering is the committee's action on a proposal.
type DiscontinueOffering struct{ Note string }

func (ProposeDiscontinuance) discontinuanceAction() string { return "propose" }
func (RetainOffering) discontinuanceAction() string        { return "retain" }
func (DiscontinueOffering) discontinuanceAction() string   { return "discontinue" }

// ApplyDiscontinuance is the one transition function of a discontinuance:
// the considering role proposes it (or retains the offering), then the
// chair of the committee it is sent to discontinues or retains it.
func (e *Engine) ApplyDiscontinuance(d *Discontinuance, r *Roster, by int64, a DiscontinuanceAction, now time.Time) ([]Event, error) {
	dr := e.profile.Processes.Discontinuance
	if dr == nil {
		return nil, apperror.New(apperror.NotFound, "profile %s has no discontinuance rule", e.profile.ID)
	}
	if d == nil || a == nil {
		return nil, apperror.New(apperror.Invalid, "apply needs a discontinuance and an action")
	}
	now = now.UTC().Truncate(time.Microsecond)
	x := &run{e: e, p: e.profile, c: &Case{}, r: r, by: by, now: now}
	chair := "chair:" + dr.SentTo
	n := *d
	var ev Event
	switch a := a.(type) {
	case ProposeDiscontinuance:
		if d.Status != DiscontinuanceFlagged {
			return nil, apperror.New(apperror.Conflict, "the offering is %s, not flagged for consideration", orNone(string(d.Status)))
		}
		if !x.holdsCapacity(dr.ConsideredBy, by) {
			return nil, apperror.New(apperror.Forbidden, "only %s proposes a discontinuance (%s)", x.capacityName(dr.ConsideredBy), dr.Clause)
		}
		if err := text("note", a.Note, false); err != nil {
			return nil, err
		}
		n.Status, n.ProposedBy, n.ProposedAt, n.ProposalNote = DiscontinuanceProposed, by, now, a.Note
		ev = Event{Action: "offering.discontinuance_proposed", Data: map[string]any{"note": a.Note, "sent_to": dr.SentTo, "clause": dr.Clause},
			Notices: x.notify(x.holdersOf(chair), "discontinuance_proposed", "Proposed for discontinuance: "+d.Title,
				fmt.Sprintf("%s proposes to discontinue %q, not offered since %s. %s acts as needed (%s).\n\n%s",
					x.capacityName(dr.ConsideredBy), d.Title, e.cal.DateOf(d.IdleSince), committeeName(e, dr.SentTo), dr.Clause, a.Note))}
	case RetainOffering:
		switch d.Status {
		case DiscontinuanceFlagged:
			if !x.holdsCapacity(dr.ConsideredBy, by) {
				return nil, apperror.New(apperror.Forbidden, "only %s considers the offering now", x.capacityName(dr.ConsideredBy))
			}
		case DiscontinuanceProposed:
			if !x.holdsCapacity(chair, by) {
				return nil, apperror.New(apperror.Forbidden, "only %s acts on the proposal", x.capacityName(chair))
			}
		default:
			return nil, apperror.New(apperror.Conflict, "the consideration is %s", orNone(string(d.Status)))
		}
		if err := text("note", a.Note, true); err != nil {
			return nil, err
		}
		n.Status, n.DecidedBy, n.DecidedAt, n.DecisionNote = DiscontinuanceRetained, by, now, a.Note
		ev = Event{Action: "offering.retained", Data: map[string]any{"note": a.Note}}
	case DiscontinueOffering:
		if d.Status != DiscontinuanceProposed {
			return nil, apperror.New(apperror.Conflict, "the offering is %s; %s acts only on a proposal", orNone(string(d.Status)), committeeName(e, dr.SentTo))
		}
		if !x.holdsCapacity(chair, by) {
			return nil, apperror.New(apperror.Forbidden, "only %s discontinues an offering (%s)", x.capacityName(chair), dr.Clause)
		}
		if err := text("note", a.Note, false); err != nil {
			return nil, err
		}
		n.Status, n.DecidedBy, n.DecidedAt, n.DecisionNote = DiscontinuanceDone, by, now, a.Note
		ev = Event{Action: "offering.discontinued", Data: map[string]any{"note": a.Note, "clause": dr.Clause},
			Notices: x.notify(x.holdersOf(dr.ConsideredBy), "discontinued", "Discontinued: "+d.Title, a.Note)}
	default:
		return nil, apperror.New(apperror.Invalid, "unknown discontinuance action %T", a)
	}
	ev.At, ev.By = now, by
	ev.Data["offering"] = d.OfferingID
	*d = n
	return []Event{ev}, nil
}

// PolicyReviewNotices returns the reminders due at now that a policy
// document of the profile is due (or overdue) for review, one per person
// holding the role to remind, each keyed so it is sent once per due date.
func (e *Engine) PolicyReviewNotices(r *Roster, now time.Time) []Notice {
	var out []Notice
	x := &run{e: e, p: e.profile, c: &Case{}, r: r, now: now}
	for _, rem := range e.profile.ReviewsDue(now) {
		state, subject := "due", "Policy review due: "
		if rem.Overdue {
			state, subject = "overdue", "Policy review overdue: "
		}
		ns := x.notify(r.Holders(rem.Notify), "policy_review_"+state, subject+rem.Title,
			fmt.Sprintf("%s is due for review by %s (%s). Record the revision, or the new next-review date, in the profile's document history.",
				rem.Title, rem.Due, rem.Clause))
		for i := range ns {
			ns[i].Key = fmt.Sprintf("policy/%s/%s/%s/%s/%d", e.profile.ID, rem.DocumentID, rem.Due, state, ns[i].To)
		}
		out = append(out, ns...)
	}
	return out
}
