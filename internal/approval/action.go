package approval

import (
	"time"

	"cairn/internal/catalog"
)

// Action is something a person (or the system, for Tick) does to a case.
// Engine.Apply takes one at a time. The set is closed: the action types
// below are all there is.
type Action interface {
	name() string
}

// NameOf returns the action's name, as audit events and errors show it.
func NameOf(a Action) string {
	if a == nil {
		return ""
	}
	return a.name()
}

// Limits on what actions carry, so hostile input does bounded work.
const (
	MaxNoteBytes   = 20000 // feedback, comments, minutes, grounds, responses
	MaxReviewers   = 100   // reviewers assigned in one action
	MaxAttendees   = 500   // attendees in one meeting's minutes
	MaxSimilar     = 20    // similar offerings attached to a case
	MaxProponents  = 20    // proponents of one case
	MaxAnswers     = 100   // answers in one review
	maxStepsPerHop = 64    // steps the engine may pass through in one action
)

// Submit opens a case for the first version of a proposal. The proponents
// (By when empty) must include the person submitting.
type Submit struct {
	Version      catalog.Version
	OfferingID   int64
	UnitID       int64
	UnitCategory string
	Proponents   []int64
	Similar      []Similar
}

// Resubmit answers a return for revision with a new version. A version
// whose kind or credit status changed may take another track, from its
// start.
type Resubmit struct {
	Version catalog.Version
	Note    string
	Similar []Similar
}

// Withdraw ends the case at the proponent's request.
type Withdraw struct{ Reason string }

// CompletenessDecision is the chair's check that the form is complete;
// Feedback is required when it is not.
type CompletenessDecision struct {
	Complete bool
	Feedback string
}

// RequestClarification asks the proponent a question during a step; the
// case waits on the proponent, and its deadlines pause, until Clarify.
type RequestClarification struct{ Question string }

// Clarify is the proponent's answer to a request for clarification.
type Clarify struct{ Answer string }

// AssignReviewers assigns committee members to the review: as many as the
// open places (all of them at first), never the proponent, the chair
// (unless the step includes the chair) or a member who declared a
// conflict.
type AssignReviewers struct{ Reviewers []int64 }

// DeclareConflict records a member's conflict of interest. An assigned
// reviewer who declares one is recused and the chair assigns another.
type DeclareConflict struct{ Reason string }

// ReplaceReviewer replaces a reviewer who missed their deadline without
// reviewing, where the step allows it.
type ReplaceReviewer struct {
	Reviewer    int64
	Replacement int64
}

// SubmitReview is an assigned reviewer's answers to the step's questions.
type SubmitReview struct {
	Answers []Answer
	Comment string
}

// ConfirmDuplication is the chair's confirmation that the proposal
// duplicates an existing offering: the person holding the question's
// consultation role in the unit that owns it is asked to respond within the
// consultation's deadline. Question may be empty when the step has one
// question with a consultation.
type ConfirmDuplication struct {
	Question         string
	ExistingOffering int64
	ExistingUnit     int64
	Consultee        int64
}

// RespondToConsultation is the consultee's response.
type RespondToConsultation struct {
	Consultation int
	Response     string
}

// CloseReview ends a review step once every assigned reviewer has reviewed
// or is past their deadline, and no consultation is still within its
// deadline. When the next step is a vote the chair so calls the question.
type CloseReview struct{}

// CastBallot is a voter's vote at a vote step or an allowed appeal.
type CastBallot struct {
	Approve bool
	Comment string
}

// CloseVote ends a vote whose deadline has passed (or, for a vote with no
// deadline, at the chair's call), counting missing ballots as not
// approving.
type CloseVote struct{}

// ScheduleMeeting sets when and where a meeting step's meeting is held.
type ScheduleMeeting struct {
	At    time.Time
	Place string
}

// RecordMinutes records the meeting's minutes and attendees once it has
// been held; the step then moves on (to the final vote).
type RecordMinutes struct {
	Minutes   string
	Attendees []int64
}

// FileAppeal is the proponent's appeal of the decision that returned the
// proposal, where the step offers one.
type FileAppeal struct{ Grounds string }

// AllowAppeal is the chair's discretion to hear an appeal: the whole
// committee votes under the appeal step's rule.
type AllowAppeal struct{ Note string }

// RefuseAppeal is the chair's refusal to hear an appeal.
type RefuseAppeal struct{ Reason string }

// Sign signs the current version at a sign step. Role is the capacity the
// signer claims (a profile role id, or "chair:" and a committee id; empty
// means the step's); VersionHash must be the current version's hash.
type Sign struct {
	Role        string
	VersionHash string
}

// DeclineToSign declines to sign, where the step allows it.
type DeclineToSign struct{ Reason string }

// Recommend is a committee's recommendation, recorded by its chair.
type Recommend struct {
	Recommend bool
	Note      string
}

// RecordDecision records a governing body's decision.
type RecordDecision struct {
	Approved bool
	Note     string
}

// Tick is the system's periodic look at a case's deadlines: a reminder to
// whoever owes a deadline a few working days before it, and one escalation
// once it has passed.
type Tick struct{}

func (Submit) name() string                { return "submit" }
func (Resubmit) name() string              { return "resubmit" }
func (Withdraw) name() string              { return "withdraw" }
func (CompletenessDecision) name() string  { return "completeness_decision" }
func (RequestClarification) name() string  { return "request_clarification" }
func (Clarify) name() string               { return "clarify" }
func (AssignReviewers) name() string       { return "assign_reviewers" }
func (DeclareConflict) name() string       { return "declare_conflict" }
func (ReplaceReviewer) name() string       { return "replace_reviewer" }
func (SubmitReview) name() string          { return "submit_review" }
func (ConfirmDuplication) name() string    { return "confirm_duplication" }
func (RespondToConsultation) name() string { return "respond_to_consultation" }
func (CloseReview) name() string           { return "close_review" }
func (CastBallot) name() string            { return "cast_ballot" }
func (CloseVote) name() string             { return "close_vote" }
func (ScheduleMeeting) name() string       { return "schedule_meeting" }
func (RecordMinutes) name() string         { return "record_minutes" }
func (FileAppeal) name() string            { return "file_appeal" }
func (AllowAppeal) name() string           { return "allow_appeal" }
func (RefuseAppeal) name() string          { return "refuse_appeal" }
func (Sign) name() string                  { return "sign" }
func (DeclineToSign) name() string         { return "decline_to_sign" }
func (Recommend) name() string             { return "recommend" }
func (RecordDecision) name() string        { return "record_decision" }
func (Tick) name() string                  { return "tick" }
