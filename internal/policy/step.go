package policy

import (
	"fmt"
	"strconv"

	"gopkg.in/yaml.v3"

	"cairn/internal/catalog"
)

// StepKind is the type of a track step; the approval engine implements
// each kind. docs/policy-profiles.md describes them in full.
type StepKind string

// The step kinds.
const (
	// StepCompletenessCheck: the committee's chair (or the role) checks the
	// form is complete. complete, incomplete.
	StepCompletenessCheck StepKind = "completeness_check"
	// StepReview: the chair assigns Reviewers members (never the
	// proponent, conflicts honoured, replaceable when late), who answer
	// the Questions. reviewed.
	StepReview StepKind = "review"
	// StepVote: Voters vote under Rule. approved, not_approved.
	StepVote StepKind = "vote"
	// StepMeeting: the chair holds a meeting of Participants and records
	// minutes; a final vote follows. held.
	StepMeeting StepKind = "meeting"
	// StepReturnForRevision: the proposal goes back to the proponent.
	// resubmitted, and optionally appealed.
	StepReturnForRevision StepKind = "return_for_revision"
	// StepAppeal: at the chair's discretion, the whole committee hears an
	// appeal of the decision of the vote step Appeals, voting under Rule.
	// refused, approved, not_approved.
	StepAppeal StepKind = "appeal"
	// StepSign: the role (or the committee's chair) signs, binding the
	// version hash. signed, and optionally declined.
	StepSign StepKind = "sign"
	// StepCommitteeRecommendation: the committee reviews and recommends to
	// the committee To. recommended, not_recommended.
	StepCommitteeRecommendation StepKind = "committee_recommendation"
	// StepBodyDecision: the committee (a governing body) decides; the
	// RecordedBy role records it. approved, not_approved.
	StepBodyDecision StepKind = "body_decision"
	// StepInterimStatus: the offering becomes approved on an interim basis
	// and may be offered as OfferAs while the track goes on. continue.
	StepInterimStatus StepKind = "interim_status"
	// StepApproved ends the track: the version is approved.
	StepApproved StepKind = "approved"
	// StepTerminal ends the track without approval, with Result.
	StepTerminal StepKind = "terminal"
)

// Outcome is the result of a step that picks the next one.
type Outcome string

// The outcomes.
const (
	OutcomeComplete       Outcome = "complete"
	OutcomeIncomplete     Outcome = "incomplete"
	OutcomeReviewed       Outcome = "reviewed"
	OutcomeApproved       Outcome = "approved"
	OutcomeNotApproved    Outcome = "not_approved"
	OutcomeHeld           Outcome = "held"
	OutcomeResubmitted    Outcome = "resubmitted"
	OutcomeAppealed       Outcome = "appealed"
	OutcomeRefused        Outcome = "refused"
	OutcomeSigned         Outcome = "signed"
	OutcomeDeclined       Outcome = "declined"
	OutcomeRecommended    Outcome = "recommended"
	OutcomeNotRecommended Outcome = "not_recommended"
	OutcomeContinue       Outcome = "continue"
	// OutcomeSkipped is taken when a step's When does not hold; every step
	// with a When must name it.
	OutcomeSkipped Outcome = "skipped"
)

// Terminal results.
const (
	ResultNotApproved = "not_approved"
	ResultWithdrawn   = "withdrawn"
	ResultClosed      = "closed"
)

// StepKinds returns every step kind.
func StepKinds() []StepKind {
	return []StepKind{StepCompletenessCheck, StepReview, StepVote, StepMeeting, StepReturnForRevision,
		StepAppeal, StepSign, StepCommitteeRecommendation, StepBodyDecision, StepInterimStatus,
		StepApproved, StepTerminal}
}

// kindSpec is what a step kind takes: its outcomes, the keys it accepts
// beyond the common ones, and whether it takes a deadline.
type kindSpec struct {
	required, optional []Outcome
	keys               []string
	deadline           bool
}

func specOf(k StepKind) (kindSpec, bool) {
	switch k {
	case StepCompletenessCheck:
		return kindSpec{required: []Outcome{OutcomeComplete, OutcomeIncomplete}, keys: []string{"committee", "role"}, deadline: true}, true
	case StepReview:
		return kindSpec{required: []Outcome{OutcomeReviewed},
			keys: []string{"committee", "reviewers", "include_chair", "replace_late", "questions"}, deadline: true}, true
	case StepVote:
		return kindSpec{required: []Outcome{OutcomeApproved, OutcomeNotApproved},
			keys: []string{"committee", "voters", "review_step", "rule", "mode"}, deadline: true}, true
	case StepMeeting:
		return kindSpec{required: []Outcome{OutcomeHeld},
			keys: []string{"committee", "participants", "review_step", "mode"}, deadline: true}, true
	case StepReturnForRevision:
		return kindSpec{required: []Outcome{OutcomeResubmitted}, optional: []Outcome{OutcomeAppealed}, deadline: true}, true
	case StepAppeal:
		return kindSpec{required: []Outcome{OutcomeRefused, OutcomeApproved, OutcomeNotApproved},
			keys: []string{"committee", "appeals", "rule", "mode"}, deadline: true}, true
	case StepSign:
		return kindSpec{required: []Outcome{OutcomeSigned}, optional: []Outcome{OutcomeDeclined},
			keys: []string{"committee", "role", "after"}, deadline: true}, true
	case StepCommitteeRecommendation:
		return kindSpec{required: []Outcome{OutcomeRecommended, OutcomeNotRecommended},
			keys: []string{"committee", "to"}, deadline: true}, true
	case StepBodyDecision:
		return kindSpec{required: []Outcome{OutcomeApproved, OutcomeNotApproved},
			keys: []string{"committee", "recorded_by"}, deadline: true}, true
	case StepInterimStatus:
		return kindSpec{required: []Outcome{OutcomeContinue}, keys: []string{"offer_as"}}, true
	case StepApproved:
		return kindSpec{}, true
	case StepTerminal:
		return kindSpec{keys: []string{"result"}}, true
	}
	return kindSpec{}, false
}

// Outcomes returns the outcomes a step of kind k must map to a next step
// and those it may (an optional outcome left out is not offered). Ending
// kinds have none. A step with a When also maps OutcomeSkipped.
func (k StepKind) Outcomes() (required, optional []Outcome) {
	s, _ := specOf(k)
	return s.required, s.optional
}

// Ends reports whether k ends a track.
func (k StepKind) Ends() bool { return k == StepApproved || k == StepTerminal }

// Electorate is who votes or meets.
type Electorate string

// The electorates.
const (
	// ElectReviewers: the reviewers assigned at the step ReviewStep.
	ElectReviewers Electorate = "reviewers"
	// ElectCommittee: every member of the step's committee.
	ElectCommittee Electorate = "committee"
)

// Meeting and vote modes.
const (
	ModeElectronic = "electronic"
	ModeInPerson   = "in_person"
	ModeAny        = "any"
)

// Step is one step of a track. Which fields apply depends on Kind; Load
// refuses a field a kind does not take.
type Step struct {
	ID     string   `yaml:"id"`
	Kind   StepKind `yaml:"kind"`
	Label  string   `yaml:"label"`
	Clause string   `yaml:"clause"`
	// Role is who acts at the step, for kinds acted on by a role.
	Role string `yaml:"role"`
	// Committee is the committee whose chair acts (completeness_check,
	// sign), whose members review, vote or meet, or which recommends or
	// decides.
	Committee string `yaml:"committee"`
	// DeadlineDays is the time allowed in working days; nil for none.
	DeadlineDays *int `yaml:"deadline_days"`
	// When, if set, must hold for the step to run; otherwise the track
	// follows Next[OutcomeSkipped].
	When *Condition `yaml:"when"`
	// Next maps each outcome to the id of the next step.
	Next map[Outcome]string `yaml:"next"`

	// Reviewers is how many members the chair assigns (review).
	Reviewers Headcount `yaml:"reviewers"`
	// IncludeChair lets the chair assign themself (review).
	IncludeChair bool `yaml:"include_chair"`
	// ReplaceLate lets the chair replace a reviewer who misses the deadline
	// (review).
	ReplaceLate bool `yaml:"replace_late"`
	// Questions are ids of the questions reviewers answer (review).
	Questions []string `yaml:"questions"`

	// Voters is who votes (vote).
	Voters Electorate `yaml:"voters"`
	// Participants is who meets (meeting).
	Participants Electorate `yaml:"participants"`
	// ReviewStep names the review step whose reviewers vote or meet.
	ReviewStep string `yaml:"review_step"`
	// Rule decides a vote (vote, appeal).
	Rule VoteRule `yaml:"rule"`
	// Mode is ModeElectronic, ModeInPerson or ModeAny (vote, meeting,
	// appeal); empty means ModeAny.
	Mode string `yaml:"mode"`
	// Appeals is the id of the vote step whose decision is appealed
	// (appeal).
	Appeals string `yaml:"appeals"`
	// After are sign steps whose signatures must come first (sign).
	After []string `yaml:"after"`
	// To is the committee recommended to (committee_recommendation).
	To string `yaml:"to"`
	// RecordedBy is the role that records the decision (body_decision).
	RecordedBy string `yaml:"recorded_by"`
	// OfferAs is the credit status the offering may be offered as in the
	// meantime (interim_status).
	OfferAs catalog.CreditStatus `yaml:"offer_as"`
	// Result is how the track ended (terminal).
	Result string `yaml:"result"`

	At Pos `yaml:"-"`
}

// NextStep returns the id of the step that follows outcome o.
func (s *Step) NextStep(o Outcome) (string, bool) {
	id, ok := s.Next[o]
	return id, ok
}

// Deadline returns the step's deadline in working days, and false when it
// has none.
func (s *Step) Deadline() (int, bool) {
	if s.DeadlineDays == nil {
		return 0, false
	}
	return *s.DeadlineDays, true
}

// Step returns the track's step with the given id.
func (t *Track) Step(id string) (*Step, bool) {
	for i := range t.Steps {
		if t.Steps[i].ID == id {
			return &t.Steps[i], true
		}
	}
	return nil, false
}

// First returns the track's first step.
func (t *Track) First() *Step {
	s, _ := t.Step(t.Start)
	return s
}

// Headcount is a number of people, or all of a committee. In YAML it is a
// positive integer or "all".
type Headcount struct {
	N   int
	All bool
}

// UnmarshalYAML reads an integer or "all".
func (h *Headcount) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		if n.Value == "all" {
			*h = Headcount{All: true}
			return nil
		}
		if v, err := strconv.Atoi(n.Value); err == nil {
			*h = Headcount{N: v}
			return nil
		}
	}
	return typeError(n, "expected a number of people or \"all\"")
}

// IsZero reports whether no headcount was given.
func (h Headcount) IsZero() bool { return h == Headcount{} }

// String renders h as in YAML: a number or "all".
func (h Headcount) String() string {
	if h.All {
		return "all"
	}
	return strconv.Itoa(h.N)
}

// VoteRuleType names how a vote is decided.
type VoteRuleType string

// The vote rules.
const (
	// RuleUnanimous: every eligible voter approves.
	RuleUnanimous VoteRuleType = "unanimous"
	// RuleMajority: more than half of the eligible voters approve.
	RuleMajority VoteRuleType = "majority"
	// RuleAllOf: all of exactly N voters approve.
	RuleAllOf VoteRuleType = "all_of"
	// RuleAtLeast: at least N voters approve.
	RuleAtLeast VoteRuleType = "at_least"
)

// VoteRule decides a vote. In YAML it is a rule name ("unanimous",
// "majority") or a mapping {type: all_of, n: 3}.
type VoteRule struct {
	Type VoteRuleType `yaml:"type"`
	N    int          `yaml:"n"`
	At   Pos          `yaml:"-"`
}

// UnmarshalYAML reads a rule name or a {type, n} mapping.
func (r *VoteRule) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*r = VoteRule{Type: VoteRuleType(n.Value)}
		return nil
	case yaml.MappingNode:
		type plain VoteRule
		return n.Decode((*plain)(r))
	}
	return typeError(n, "expected a vote rule name or {type, n}")
}

// IsZero reports whether no rule was given.
func (r VoteRule) IsZero() bool { return r.Type == "" && r.N == 0 }

// String renders r as "unanimous", "majority" or "all_of 3".
func (r VoteRule) String() string {
	if r.N > 0 {
		return fmt.Sprintf("%s %d", r.Type, r.N)
	}
	return string(r.Type)
}

// Need returns how many approvals pass the vote among eligible voters.
func (r VoteRule) Need(eligible int) int {
	switch r.Type {
	case RuleUnanimous:
		return eligible
	case RuleMajority:
		return eligible/2 + 1
	case RuleAllOf, RuleAtLeast:
		return r.N
	}
	return eligible + 1 // unknown rule: never passes
}

// Decide reports whether a vote with the given approvals and rejections
// among eligible voters is already decided, and whether it passed. A vote
// is decided as soon as it has enough approvals or can no longer get them;
// a vote closed undecided (the deadline passed) has not passed. An all_of
// vote whose eligible voters are not exactly N cannot pass.
func (r VoteRule) Decide(approvals, rejections, eligible int) (decided, passed bool) {
	need := r.Need(eligible)
	if r.Type == RuleAllOf && eligible != r.N {
		return true, false
	}
	if need < 1 {
		need = 1
	}
	if approvals >= need {
		return true, true
	}
	remaining := eligible - approvals - rejections
	if approvals+max(remaining, 0) < need {
		return true, false
	}
	return false, false
}

// Date is a date written as YYYY, YYYY-MM or YYYY-MM-DD; Month and Day are
// 0 when not given.
type Date struct {
	Year, Month, Day int
}

// UnmarshalYAML reads YYYY, YYYY-MM or YYYY-MM-DD.
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	got, err := ParseDate(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		return typeError(n, "expected a date written YYYY-MM-DD, YYYY-MM or YYYY")
	}
	*d = got
	return nil
}

// IsZero reports whether no date was given.
func (d Date) IsZero() bool { return d == Date{} }

// String renders d as written: YYYY-MM-DD, YYYY-MM or YYYY ("" for none).
func (d Date) String() string {
	switch {
	case d.IsZero():
		return ""
	case d.Month == 0:
		return fmt.Sprintf("%04d", d.Year)
	case d.Day == 0:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

func typeError(n *yaml.Node, msg string) error {
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %s", n.Line, msg)}}
}
