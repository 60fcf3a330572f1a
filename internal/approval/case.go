package approval

import (
	"slices"
	"time"

	"cairn/internal/catalog"
	"cairn/internal/policy"
	"cairn/internal/workday"
)

// Status is where a case stands as a whole; Case.Step says at which step.
type Status string

// The case statuses.
const (
	// StatusNew is a case not yet submitted (the zero Case).
	StatusNew Status = ""
	// StatusOpen: the case is at a step where someone other than the
	// proponent acts.
	StatusOpen Status = "open"
	// StatusWithProponent: the case waits on the proponent, to revise and
	// resubmit or to answer a request for clarification. Deadlines running
	// for others are paused meanwhile.
	StatusWithProponent Status = "with_proponent"
	// StatusApproved: the track ended approved. Final.
	StatusApproved Status = "approved"
	// StatusClosed: the track ended at a terminal step without approval.
	// Final.
	StatusClosed Status = "closed"
	// StatusWithdrawn: the proponent withdrew the proposal. Final.
	StatusWithdrawn Status = "withdrawn"
)

// Final reports whether no action can change a case in status s.
func (s Status) Final() bool {
	return s == StatusApproved || s == StatusClosed || s == StatusWithdrawn
}

// Statuses returns every status of a submitted case.
func Statuses() []Status {
	return []Status{StatusOpen, StatusWithProponent, StatusApproved, StatusClosed, StatusWithdrawn}
}

// Case is one proposal's run through an approval track: the versions
// submitted (a resubmission after a return adds one) and every record the
// steps produce. Records are numbered from 1 in order of creation (No) and
// never removed, so a store can save a case by appending new records and
// updating the few that change (an assignment replaced, a consultation
// answered, a deadline paused).
type Case struct {
	ID            int64
	InstitutionID int64
	OfferingID    int64
	// UnitID is the org unit proposing the offering, and UnitCategory its
	// category, which a step's condition may test.
	UnitID       int64
	UnitCategory string
	// Proponents are the people proposing; none of them may review, vote
	// on, recommend, decide or sign their own proposal.
	Proponents []int64
	Track      string
	Status     Status
	// Result is how a closed case ended (the terminal step's result) or
	// policy.ResultWithdrawn.
	Result string
	// Step is the id of the current step and Visit the number of its
	// visit (visits are numbered from 1 across the case).
	Step  string
	Visit int
	// Interim is set once an interim_status step is passed: the offering
	// may be offered as OfferAs while the track goes on. A return to the
	// proponent clears it.
	Interim bool
	OfferAs catalog.CreditStatus
	// Similar are existing offerings ranked by likeness to the proposal
	// when it was last submitted, for the reviewers' duplication question.
	Similar []Similar

	Versions      []VersionRef
	Visits        []Visit
	Assignments   []Assignment
	Conflicts     []Conflict
	Reviews       []Review
	Consultations []Consultation
	Ballots       []Ballot
	Meetings      []Meeting
	Appeals       []Appeal
	Decisions     []Decision
	Signatures    []Signature
	Deadlines     []Deadline

	OpenedAt time.Time
	ClosedAt time.Time
	// Revision is the store's optimistic version of the case row.
	Revision int64
}

// VersionRef is what the engine keeps of a submitted version: its number,
// the SHA-256 of its form (catalog.Version.Hash) and the facts a track and
// its conditions test.
type VersionRef struct {
	Number      int
	Hash        string
	Title       string
	SubmittedAt time.Time
	Facts       policy.Facts
}

// Similar is an existing offering ranked against the proposal (see
// catalog.RankSimilar).
type Similar struct {
	OfferingID int64
	UnitID     int64
	Title      string
	Score      float64
	Why        string
}

// Visit is one time the case entered a step.
type Visit struct {
	No        int
	Step      string
	Kind      policy.StepKind
	Version   int
	EnteredAt time.Time
	// LeftAt and Outcome are set when the case moves on.
	LeftAt  time.Time
	Outcome policy.Outcome
}

// AssignmentStatus is where a reviewer's assignment stands.
type AssignmentStatus string

// The assignment statuses.
const (
	AssignmentActive   AssignmentStatus = "active"
	AssignmentReplaced AssignmentStatus = "replaced" // late, and replaced by the chair
	AssignmentRecused  AssignmentStatus = "recused"  // the reviewer declared a conflict
)

// Assignment is a committee member assigned to review at a review step.
type Assignment struct {
	No         int
	Visit      int
	Reviewer   int64
	AssignedBy int64
	AssignedAt time.Time
	// Deadline is the No of the reviewer's deadline.
	Deadline int
	Status   AssignmentStatus
	EndedAt  time.Time
	// ReplacedBy is the reviewer who took over a replaced assignment.
	ReplacedBy int64
}

// Conflict is a conflict of interest a committee member declared: they are
// not assigned to review, and do not vote, on this case.
type Conflict struct {
	No         int
	Person     int64
	Reason     string
	DeclaredAt time.Time
}

// Answer is a reviewer's answer to one review question: for yes/no and
// checklist questions one of the question type's answers, with an optional
// comment; for a text question only the comment.
type Answer struct {
	Question string `json:"question"`
	Value    string `json:"value,omitempty"`
	Comment  string `json:"comment,omitempty"`
}

// Review is an assigned reviewer's answers at a review step.
type Review struct {
	No          int
	Visit       int
	Version     int
	Reviewer    int64
	Answers     []Answer
	Comment     string
	SubmittedAt time.Time
	// Late is set when the review came after the reviewer's deadline.
	Late bool
}

// Consultation asks someone outside the committee, such as the department
// chair responsible for an existing offering a proposal may duplicate, for
// a response to the committee's chair within a deadline.
type Consultation struct {
	No       int
	Visit    int
	Question string
	// ExistingOffering and ExistingUnit name the offering duplicated and
	// the org unit that owns it.
	ExistingOffering int64
	ExistingUnit     int64
	Consultee        int64
	RequestedBy      int64
	RequestedAt      time.Time
	Deadline         int
	Response         string
	RespondedAt      time.Time
	// Late is set when the response came after the deadline.
	Late bool
}

// Answered reports whether the consultee has responded.
func (c Consultation) Answered() bool { return !c.RespondedAt.IsZero() }

// Ballot is one voter's vote at a vote step or an allowed appeal.
type Ballot struct {
	No      int
	Visit   int
	Voter   int64
	Approve bool
	Comment string
	CastAt  time.Time
}

// Meeting is a meeting held at a meeting step.
type Meeting struct {
	No           int
	Visit        int
	ScheduledBy  int64
	ScheduledFor time.Time
	Place        string
	Minutes      string
	Attendees    []int64
	RecordedAt   time.Time
}

// AppealStatus is where an appeal stands.
type AppealStatus string

// The appeal statuses.
const (
	AppealFiled   AppealStatus = "filed"   // awaiting the chair's discretion
	AppealAllowed AppealStatus = "allowed" // the whole committee is voting
	AppealRefused AppealStatus = "refused"
	AppealDecided AppealStatus = "decided"
)

// Appeal is the proponent's appeal of a vote's decision.
type Appeal struct {
	No      int
	FiledBy int64
	Grounds string
	FiledAt time.Time
	// Appeals and AppealsVisit name the vote step, and its visit, whose
	// decision is appealed.
	Appeals      string
	AppealsVisit int
	// Visit is the visit of the appeal step that hears it.
	Visit     int
	Status    AppealStatus
	DecidedBy int64
	DecidedAt time.Time
	Note      string
	Outcome   policy.Outcome
}

// DecisionKind names what a Decision records.
type DecisionKind string

// The decision kinds.
const (
	DecisionCompleteness   DecisionKind = "completeness"
	DecisionVote           DecisionKind = "vote"
	DecisionReviewClosed   DecisionKind = "review_closed"
	DecisionRecommendation DecisionKind = "recommendation"
	DecisionBody           DecisionKind = "body_decision"
	DecisionSignDeclined   DecisionKind = "sign_declined"
	DecisionClarifyAsked   DecisionKind = "clarification_requested"
	DecisionClarified      DecisionKind = "clarified"
	DecisionResubmitted    DecisionKind = "resubmitted"
	DecisionWithdrawn      DecisionKind = "withdrawn"
)

// Decision records a decision or exchange at a step: a completeness check
// and its feedback, the result of a vote, a recommendation, a body's
// decision, a declined signature, a request for clarification and its
// answer, a resubmission or withdrawal.
type Decision struct {
	No      int
	Visit   int
	Step    string
	Kind    DecisionKind
	Outcome string
	By      int64
	Note    string
	At      time.Time
}

// Signature binds a signer, in a role, at an instant, to the SHA-256 of the
// exact version signed. It counts only while that version is the case's
// current one: a new version leaves earlier signatures standing in the
// record but no longer valid.
type Signature struct {
	No     int
	Visit  int
	Step   string
	Signer int64
	// Role is the capacity signed in: a profile role id, or "chair:" and
	// a committee id.
	Role     string
	Version  int
	Hash     string
	SignedAt time.Time
}

// DeadlineKind names what a deadline is for.
type DeadlineKind string

// The deadline kinds.
const (
	DeadlineStep         DeadlineKind = "step"         // the step's own deadline
	DeadlineReview       DeadlineKind = "review"       // one reviewer's review
	DeadlineConsultation DeadlineKind = "consultation" // a consultee's response
)

// Deadline is a working-day deadline someone owes the case. Its clock is a
// workday.Deadline, paused while the case waits on the proponent.
type Deadline struct {
	No    int
	Visit int
	Kind  DeadlineKind
	// Owner is who owes it; 0 when a step's actors do.
	Owner int64
	// Ref is the No of the assignment or consultation it belongs to.
	Ref   int
	Clock workday.Deadline
	// MetAt is when it was met or no longer applied (the step ended).
	MetAt time.Time
	// RemindedAt and EscalatedAt record the one reminder and the one
	// escalation sent.
	RemindedAt  time.Time
	EscalatedAt time.Time
}

// Open reports whether the deadline is still running or paused.
func (d Deadline) Open() bool { return d.MetAt.IsZero() }

// Current returns the version under review.
func (c *Case) Current() VersionRef {
	if len(c.Versions) == 0 {
		return VersionRef{}
	}
	return c.Versions[len(c.Versions)-1]
}

// ValidSignatures returns the signatures bound to the current version.
func (c *Case) ValidSignatures() []Signature {
	cur := c.Current()
	var out []Signature
	for _, s := range c.Signatures {
		if s.Version == cur.Number && s.Hash == cur.Hash {
			out = append(out, s)
		}
	}
	return out
}

// ApprovedVersion returns the number of the approved version, or 0 when the
// case is not approved.
func (c *Case) ApprovedVersion() int {
	if c.Status != StatusApproved {
		return 0
	}
	return c.Current().Number
}

// OfferingStatus is the status the case gives its offering: in review while
// the track runs, back to draft while the proponent revises or after the
// case ends unapproved, approved on an interim basis after an interim step,
// approved at the end.
func (c *Case) OfferingStatus() catalog.Status {
	switch {
	case c.Status == StatusApproved:
		return catalog.Approved
	case c.Status == StatusClosed || c.Status == StatusWithdrawn:
		return catalog.Draft
	case c.Status == StatusWithProponent && c.currentKind() == policy.StepReturnForRevision:
		return catalog.Draft
	case c.Interim:
		return catalog.ApprovedInterimNonCredit
	}
	return catalog.InReview
}

func (c *Case) currentKind() policy.StepKind {
	if c.Visit < 1 || c.Visit > len(c.Visits) {
		return ""
	}
	return c.Visits[c.Visit-1].Kind
}

// lastVisit returns the number of the latest visit of step, 0 for none.
func (c *Case) lastVisit(step string) int {
	for i := len(c.Visits) - 1; i >= 0; i-- {
		if c.Visits[i].Step == step {
			return c.Visits[i].No
		}
	}
	return 0
}

// ActiveAssignments returns the active assignments of a visit.
func (c *Case) ActiveAssignments(visit int) []Assignment {
	var out []Assignment
	for _, a := range c.Assignments {
		if a.Visit == visit && a.Status == AssignmentActive {
			out = append(out, a)
		}
	}
	return out
}

// BallotsOf returns the ballots cast at a visit.
func (c *Case) BallotsOf(visit int) []Ballot {
	var out []Ballot
	for _, b := range c.Ballots {
		if b.Visit == visit {
			out = append(out, b)
		}
	}
	return out
}

func (c *Case) reviewOf(visit int, reviewer int64) (Review, bool) {
	for _, r := range c.Reviews {
		if r.Visit == visit && r.Reviewer == reviewer {
			return r, true
		}
	}
	return Review{}, false
}

func (c *Case) conflicted(person int64) bool {
	return slices.ContainsFunc(c.Conflicts, func(x Conflict) bool { return x.Person == person })
}

// IsProponent reports whether person proposes the case.
func (c *Case) IsProponent(person int64) bool { return slices.Contains(c.Proponents, person) }

// Clone returns a deep copy of c.
func (c *Case) Clone() *Case {
	n := *c
	n.Proponents = slices.Clone(c.Proponents)
	n.Similar = slices.Clone(c.Similar)
	n.Versions = slices.Clone(c.Versions)
	n.Visits = slices.Clone(c.Visits)
	n.Assignments = slices.Clone(c.Assignments)
	n.Conflicts = slices.Clone(c.Conflicts)
	n.Reviews = slices.Clone(c.Reviews)
	for i := range n.Reviews {
		n.Reviews[i].Answers = slices.Clone(c.Reviews[i].Answers)
	}
	n.Consultations = slices.Clone(c.Consultations)
	n.Ballots = slices.Clone(c.Ballots)
	n.Meetings = slices.Clone(c.Meetings)
	for i := range n.Meetings {
		n.Meetings[i].Attendees = slices.Clone(c.Meetings[i].Attendees)
	}
	n.Appeals = slices.Clone(c.Appeals)
	n.Decisions = slices.Clone(c.Decisions)
	n.Signatures = slices.Clone(c.Signatures)
	n.Deadlines = slices.Clone(c.Deadlines)
	for i := range n.Deadlines {
		n.Deadlines[i].Clock.Pauses = slices.Clone(c.Deadlines[i].Clock.Pauses)
	}
	return &n
}
