package approval

import (
	"fmt"
	"slices"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
	"cairn/internal/policy"
)

// ChallengeStatus is where a challenge of an approved offering stands.
type ChallengeStatus string

// The challenge statuses.
const (
	// ChallengeAwaitingExplanation: the committee found the offering may
	// have been created erroneously; the explaining role is to explain it
	// in more detail at the committee's next meeting.
	ChallengeAwaitingExplanation ChallengeStatus = "awaiting_explanation"
	// ChallengeExplained: the explanation is in; the committee considers it.
	ChallengeExplained ChallengeStatus = "explained"
	// ChallengeReferred: the committee remains dissatisfied; the deciding
	// body decides.
	ChallengeReferred ChallengeStatus = "referred"
	// ChallengeResolved: the committee is satisfied. Final.
	ChallengeResolved ChallengeStatus = "resolved"
	// ChallengeUpheld: the deciding body let the offering stand. Final.
	ChallengeUpheld ChallengeStatus = "upheld"
	// ChallengeOverturned: the deciding body found the offering should
	// have gone through another approval process; it is taken under
	// review. Final.
	ChallengeOverturned ChallengeStatus = "overturned"
)

// Final reports whether the challenge is over.
func (s ChallengeStatus) Final() bool {
	return s == ChallengeResolved || s == ChallengeUpheld || s == ChallengeOverturned
}

// Challenge is a committee's challenge of an approved offering (a digital
// badge SSCC believes should have gone through the micro-credential or
// another Senate approval process).
type Challenge struct {
	ID            int64
	InstitutionID int64
	OfferingID    int64
	Title         string
	Kind          catalog.Kind
	Status        ChallengeStatus
	RaisedBy      int64
	RaisedAt      time.Time
	Reason        string
	// ExplainAt is the raising committee's next meeting, when known.
	ExplainAt   time.Time
	Explanation string
	ExplainedBy int64
	ExplainedAt time.Time
	// ConcludedBy records the committee's view of the explanation.
	ConcludedBy    int64
	ConcludedAt    time.Time
	ConclusionNote string
	DecidedBy      int64
	DecidedAt      time.Time
	DecisionNote   string
	Revision       int64
}

// OfferingStatus returns the status the challenge gives its offering, and
// false when it leaves the offering as it is.
func (ch *Challenge) OfferingStatus() (catalog.Status, bool) {
	if ch.Status == ChallengeOverturned {
		return catalog.UnderReview, true
	}
	return "", false
}

// ChallengeAction is something done to a challenge.
type ChallengeAction interface{ challengeAction() string }

// RaiseChallenge opens a challenge of an approved offering.
type RaiseChallenge struct {
	OfferingID  int64
	Title       string
	Kind        catalog.Kind
	Reason      string
	NextMeeting time.Time
}

// ExplainOffering is the explaining role's more detailed explanation.
type ExplainOffering struct{ Explanation string }

// ConcludeChallenge records whether the committee is satisfied with the
// explanation; if not, the challenge goes to the deciding body.
type ConcludeChallenge struct {
	Satisfied bool
	Note      string
}

// DecideChallenge records the deciding body's final decision.
type DecideChallenge struct {
	UpholdOffering bool
	Note           string
}

func (RaiseChallenge) challengeAction() string    { return "raise" }
func (ExplainOffering) challengeAction() string   { return "explain" }
func (ConcludeChallenge) challengeAction() string { return "conclude" }
func (DecideChallenge) challengeAction() string   { return "decide" }

// recorders returns the capacities that record a committee's decisions:
// its chair, and any role a body_decision step names to record them.
func (e *Engine) recorders(committee string) []string {
	out := []string{"chair:" + committee}
	for _, t := range e.profile.Tracks {
		for _, s := range t.Steps {
			if s.Kind == policy.StepBodyDecision && s.Committee == committee && s.RecordedBy != "" && !slices.Contains(out, s.RecordedBy) {
				out = append(out, s.RecordedBy)
			}
		}
	}
	return out
}

// ApplyChallenge is the one transition function of a challenge (AC15
// B.2.d-e as the profile's badge_challenge process states it): the raising
// committee's chair raises it, the explaining role explains, the chair
// records whether the committee is satisfied, and if not the deciding
// body's recorder records its decision. A zero Challenge takes
// RaiseChallenge.
func (e *Engine) ApplyChallenge(ch *Challenge, r *Roster, by int64, a ChallengeAction, now time.Time) ([]Event, error) {
	bc := e.profile.Processes.BadgeChallenge
	if bc == nil {
		return nil, apperror.New(apperror.NotFound, "profile %s has no challenge process", e.profile.ID)
	}
	if ch == nil || a == nil {
		return nil, apperror.New(apperror.Invalid, "apply needs a challenge and an action")
	}
	now = now.UTC().Truncate(time.Microsecond)
	x := &run{e: e, p: e.profile, c: &Case{}, r: r, by: by, now: now}
	n := *ch
	chair := "chair:" + bc.RaisedBy
	var ev Event
	switch a := a.(type) {
	case RaiseChallenge:
		switch {
		case ch.Status != "":
			return nil, apperror.New(apperror.Conflict, "the challenge is already raised")
		case !x.holdsCapacity(chair, by):
			return nil, apperror.New(apperror.Forbidden, "only %s raises a challenge (%s)", x.capacityName(chair), bc.Clause)
		case len(bc.Kinds) > 0 && !slices.Contains(bc.Kinds, a.Kind):
			return nil, apperror.New(apperror.Invalid, "only a %v can be challenged this way (%s)", bc.Kinds, bc.Clause)
		case a.OfferingID == 0:
			return nil, apperror.Field("offering_id", "name the offering challenged")
		}
		if err := text("reason", a.Reason, true); err != nil {
			return nil, err
		}
		n = Challenge{ID: ch.ID, InstitutionID: ch.InstitutionID, OfferingID: a.OfferingID, Title: a.Title, Kind: a.Kind,
			Status: ChallengeAwaitingExplanation, RaisedBy: by, RaisedAt: now, Reason: a.Reason, ExplainAt: a.NextMeeting.UTC().Truncate(time.Microsecond), Revision: ch.Revision}
		when := "at its next meeting"
		if !a.NextMeeting.IsZero() {
			when = "at its next meeting, on " + e.cal.DateOf(a.NextMeeting).String()
		}
		ev = Event{Action: "challenge.raised", Data: map[string]any{"offering": a.OfferingID, "reason": a.Reason, "explain_at": a.NextMeeting, "clause": bc.Clause},
			Notices: x.notify(x.holdersOf(bc.ExplainedBy), "challenge_raised", fmt.Sprintf("%s asks about %q", committeeName(e, bc.RaisedBy), a.Title),
				fmt.Sprintf("%s believes %q may have been created erroneously and should have gone through another approval process:\n\n%s\n\nPlease explain it in more detail %s (%s).",
					committeeName(e, bc.RaisedBy), a.Title, a.Reason, when, bc.Clause))}
	case ExplainOffering:
		switch {
		case ch.Status != ChallengeAwaitingExplanation:
			return nil, apperror.New(apperror.Conflict, "the challenge is %s, not awaiting an explanation", orNone(string(ch.Status)))
		case !x.holdsCapacity(bc.ExplainedBy, by):
			return nil, apperror.New(apperror.Forbidden, "only %s explains (%s)", x.capacityName(bc.ExplainedBy), bc.Clause)
		}
		if err := text("explanation", a.Explanation, true); err != nil {
			return nil, err
		}
		n.Status, n.Explanation, n.ExplainedBy, n.ExplainedAt = ChallengeExplained, a.Explanation, by, now
		ev = Event{Action: "challenge.explained", Data: map[string]any{"explanation": a.Explanation},
			Notices: x.notify(x.holdersOf(chair), "challenge_explained", fmt.Sprintf("Explanation of %q", ch.Title), a.Explanation)}
	case ConcludeChallenge:
		switch {
		case ch.Status != ChallengeExplained:
			return nil, apperror.New(apperror.Conflict, "the challenge is %s; the committee concludes after the explanation", orNone(string(ch.Status)))
		case !x.holdsCapacity(chair, by):
			return nil, apperror.New(apperror.Forbidden, "only %s records the committee's conclusion", x.capacityName(chair))
		}
		if err := text("note", a.Note, !a.Satisfied); err != nil {
			return nil, err
		}
		n.ConcludedBy, n.ConcludedAt, n.ConclusionNote = by, now, a.Note
		if a.Satisfied {
			n.Status = ChallengeResolved
			ev = Event{Action: "challenge.resolved", Data: map[string]any{"note": a.Note},
				Notices: x.notify(x.holdersOf(bc.ExplainedBy), "challenge_resolved", fmt.Sprintf("%q: challenge resolved", ch.Title), a.Note)}
			break
		}
		n.Status = ChallengeReferred
		var to []int64
		for _, capa := range e.recorders(bc.DecidedBy) {
			to = append(to, x.holdersOf(capa)...)
		}
		ev = Event{Action: "challenge.referred", Data: map[string]any{"note": a.Note, "to": bc.DecidedBy, "clause": bc.Clause},
			Notices: x.notify(append(to, x.holdersOf(bc.ExplainedBy)...), "challenge_referred",
				fmt.Sprintf("%q goes to %s for a final decision", ch.Title, committeeName(e, bc.DecidedBy)),
				fmt.Sprintf("%s remains dissatisfied with %q:\n\n%s\n\n%s decides (%s).", committeeName(e, bc.RaisedBy), ch.Title, a.Note, committeeName(e, bc.DecidedBy), bc.Clause))}
	case DecideChallenge:
		if ch.Status != ChallengeReferred {
			return nil, apperror.New(apperror.Conflict, "the challenge is %s; %s decides only a referred challenge", orNone(string(ch.Status)), committeeName(e, bc.DecidedBy))
		}
		ok := false
		for _, capa := range e.recorders(bc.DecidedBy) {
			ok = ok || x.holdsCapacity(capa, by)
		}
		if !ok {
			return nil, apperror.New(apperror.Forbidden, "only the recorder of %s's decisions records this one", committeeName(e, bc.DecidedBy))
		}
		if err := text("note", a.Note, true); err != nil {
			return nil, err
		}
		n.Status, n.DecidedBy, n.DecidedAt, n.DecisionNote = ChallengeOverturned, by, now, a.Note
		if a.UpholdOffering {
			n.Status = ChallengeUpheld
		}
		ev = Event{Action: "challenge.decided", Data: map[string]any{"outcome": string(n.Status), "note": a.Note, "by_body": bc.DecidedBy, "clause": bc.Clause},
			Notices: x.notify(append(x.holdersOf(chair), x.holdersOf(bc.ExplainedBy)...), "challenge_decided",
				fmt.Sprintf("%s decided on %q: %s", committeeName(e, bc.DecidedBy), ch.Title, n.Status), a.Note)}
	default:
		return nil, apperror.New(apperror.Invalid, "unknown challenge action %T", a)
	}
	ev.At, ev.By = now, by
	ev.Data["challenge"] = ch.ID
	*ch = n
	return []Event{ev}, nil
}

func orNone(s string) string {
	if s == "" {
		return "not raised"
	}
	return s
}
