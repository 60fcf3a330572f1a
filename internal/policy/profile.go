package policy

import (
	"cairn/internal/catalog"
)

// Format is the value of the format key of the profiles this package reads.
const Format = "cairn.policy/v1"

// Profile is one institution's policy, as cairn applies it.
type Profile struct {
	Format      string         `yaml:"format"`
	ID          string         `yaml:"id"`
	Name        string         `yaml:"name"`
	Institution Institution    `yaml:"institution"`
	Documents   []Document     `yaml:"documents"`
	Roles       []Role         `yaml:"roles"`
	Categories  []Category     `yaml:"categories"`
	Committees  []Committee    `yaml:"committees"`
	Options     []Option       `yaml:"options"`
	Form        FormDef        `yaml:"form"`
	Validation  []Rule         `yaml:"validation"`
	Questions   []Question     `yaml:"questions"`
	Recognition RecognitionDef `yaml:"recognition"`
	Tracks      []Track        `yaml:"tracks"`
	Exclusions  []Exclusion    `yaml:"exclusions"`
	Processes   Processes      `yaml:"processes"`
	At          Pos            `yaml:"-"`

	// source is the file name the profile was loaded from.
	source string
}

// Source is the name the profile was loaded under (a file name).
func (p *Profile) Source() string { return p.source }

// Pos records where in the profile file a value was written, so problems
// found after parsing can name the line.
type Pos struct {
	// Line is the line of the value (1-based; 0 when unknown).
	Line int
	keys map[string]int
}

// KeyLine returns the line of the given key within the value (for a map
// value, "key.subkey"), or the value's own line when the key is absent.
func (p Pos) KeyLine(key string) int {
	if l, ok := p.keys[key]; ok {
		return l
	}
	return p.Line
}

// Has reports whether the key was written.
func (p Pos) Has(key string) bool {
	_, ok := p.keys[key]
	return ok
}

// Institution describes the institution the profile is for.
type Institution struct {
	Name      string `yaml:"name"`
	ShortName string `yaml:"short_name"`
	// Jurisdiction is an ISO 3166-2 code (such as "CA-BC") naming whose
	// statutory holidays the working-day calendar observes.
	Jurisdiction string `yaml:"jurisdiction"`
	// TimeZone is an IANA time zone name.
	TimeZone string `yaml:"time_zone"`
	At       Pos    `yaml:"-"`
}

// Document is one of the institution's policy documents the profile
// implements, with its own approval, history and next review.
type Document struct {
	ID                    string `yaml:"id"`
	Title                 string `yaml:"title"`
	AssociatedPolicy      string `yaml:"associated_policy"`
	ApprovingJurisdiction string `yaml:"approving_jurisdiction"`
	// Holder is who holds (is administratively responsible for) the
	// document; HolderRole is the role cairn reminds of reviews.
	Holder        string     `yaml:"holder"`
	HolderRole    string     `yaml:"holder_role"`
	ExecutiveLead string     `yaml:"executive_lead"`
	Approved      Date       `yaml:"approved"`
	ApprovedBy    string     `yaml:"approved_by"`
	LastRevised   Date       `yaml:"last_revised"`
	NextReview    Date       `yaml:"next_review"`
	History       []Revision `yaml:"history"`
	At            Pos        `yaml:"-"`
}

// Revision is one entry of a document's history.
type Revision struct {
	Date     Date   `yaml:"date"`
	Approver string `yaml:"approver"`
	Change   string `yaml:"change"`
	// Source cites where the revision is recorded.
	Source string `yaml:"source"`
	At     Pos    `yaml:"-"`
}

// Role is a role people hold at the institution that a step, process or
// consultation names (proponent, provost, department chair, ...). People
// are granted roles from a fixed set (package org's Role), so the ids are
// those roles.
// Committee chairs and members are not roles: a step names the committee.
type Role struct {
	ID     string `yaml:"id"`
	Name   string `yaml:"name"`
	Clause string `yaml:"clause"`
	At     Pos    `yaml:"-"`
}

// Category classifies committee members and org units (a faculty member,
// the provost's office, continuing studies, ...). The institution's records
// give each committee member one of a fixed set of categories (package
// org's MemberCategory), so a category that seats members uses one of
// those ids.
type Category struct {
	ID     string `yaml:"id"`
	Name   string `yaml:"name"`
	Clause string `yaml:"clause"`
	At     Pos    `yaml:"-"`
}

// Committee is a committee or governing body that reviews, votes,
// recommends or decides.
type Committee struct {
	ID     string `yaml:"id"`
	Name   string `yaml:"name"`
	Clause string `yaml:"clause"`
	// Parent is the committee this one is a subcommittee of.
	Parent string `yaml:"parent"`
	// CreatedBy is the role or committee that creates it.
	CreatedBy   string       `yaml:"created_by"`
	Composition *Composition `yaml:"composition"`
	At          Pos          `yaml:"-"`
}

// Chair rules of a composition.
const (
	// ChairElected: the committee elects its chair from among its members.
	ChairElected = "elected_from_members"
	// ChairAppointed: the chair is appointed; it need not be a member.
	ChairAppointed = "appointed"
)

// Composition is the rule a committee's membership must follow.
type Composition struct {
	Clause string `yaml:"clause"`
	// Chair is ChairElected, ChairAppointed or empty (no rule).
	Chair string `yaml:"chair"`
	Seats []Seat `yaml:"seats"`
	At    Pos    `yaml:"-"`
}

// Seat is a number of members of one category, or that number from each
// faculty when PerFaculty is set.
type Seat struct {
	Category   string `yaml:"category"`
	Count      int    `yaml:"count"`
	PerFaculty bool   `yaml:"per_faculty"`
	Clause     string `yaml:"clause"`
	At         Pos    `yaml:"-"`
}

// Option is a switchable part of the profile, such as an optional step.
type Option struct {
	ID          string `yaml:"id"`
	Description string `yaml:"description"`
	Enabled     bool   `yaml:"enabled"`
	Clause      string `yaml:"clause"`
	At          Pos    `yaml:"-"`
}

// FormDef is the outline form as the institution defines it: which catalog
// fields appear, in what order, how they are labelled and explained, which
// are required, and the custom fields it adds.
type FormDef struct {
	Clause string      `yaml:"clause"`
	Fields []FormField `yaml:"fields"`
	At     Pos         `yaml:"-"`
}

// FormField is one field on the form. Key is a catalog field key or, for
// a field the profile adds, "custom.NAME".
type FormField struct {
	Key      string `yaml:"key"`
	Label    string `yaml:"label"`
	Help     string `yaml:"help"`
	Required bool   `yaml:"required"`
	// When limits the field to proposals it holds for.
	When *Condition `yaml:"when"`
	// Clause defaults to the form's clause.
	Clause string `yaml:"clause"`
	At     Pos    `yaml:"-"`
}

// Check is the kind of a validation rule.
type Check string

// The validation checks.
const (
	CheckRequired     Check = "required"      // a value is given
	CheckNonEmpty     Check = "non_empty"     // a list has at least one entry
	CheckMin          Check = "min"           // number >= value
	CheckMax          Check = "max"           // number <= value
	CheckMinExclusive Check = "min_exclusive" // number > value
	CheckMaxExclusive Check = "max_exclusive" // number < value
	CheckOneOf        Check = "one_of"        // the value is one of values
)

// Rule is a validation rule on one form field.
type Rule struct {
	Field  string   `yaml:"field"`
	Check  Check    `yaml:"check"`
	Value  *float64 `yaml:"value"`
	Values []string `yaml:"values"`
	// When limits the rule to proposals it holds for.
	When *Condition `yaml:"when"`
	// Message explains the rule to the proponent.
	Message string `yaml:"message"`
	Clause  string `yaml:"clause"`
	At      Pos    `yaml:"-"`
}

// AnswerType is how a review question is answered.
type AnswerType string

// The answer types and their answers.
const (
	AnswerYesNo     AnswerType = "yes_no"    // "yes" or "no", with a comment
	AnswerChecklist AnswerType = "checklist" // "met", "not_met" or "not_applicable", with a comment
	AnswerText      AnswerType = "text"      // a comment only
)

// Answers returns the answers a question of type a accepts (none for
// free text).
func (a AnswerType) Answers() []string {
	switch a {
	case AnswerYesNo:
		return []string{"yes", "no"}
	case AnswerChecklist:
		return []string{"met", "not_met", "not_applicable"}
	}
	return nil
}

// Question is a question every reviewer answers at a review step.
type Question struct {
	ID     string     `yaml:"id"`
	Text   string     `yaml:"text"`
	Answer AnswerType `yaml:"answer"`
	Clause string     `yaml:"clause"`
	// Consultation, when set, is triggered by a reviewer's answer.
	Consultation *Consultation `yaml:"consultation"`
	At           Pos           `yaml:"-"`
}

// ConsultExistingOffering is the only Consultation.Of: the holder of the
// role in the org unit that owns the existing offering the reviewer names
// (for a duplication, the department chair of that department).
const ConsultExistingOffering = "existing_offering"

// RespondToChair is the only Consultation.RespondTo: the reply goes to the
// chair of the committee running the review.
const RespondToChair = "chair"

// Consultation asks someone outside the committee for a response within a
// deadline when a reviewer gives a certain answer to a question.
type Consultation struct {
	WhenAnswer   string `yaml:"when_answer"`
	Role         string `yaml:"role"`
	Of           string `yaml:"of"`
	DeadlineDays *int   `yaml:"deadline_days"`
	RespondTo    string `yaml:"respond_to"`
	Clause       string `yaml:"clause"`
	At           Pos    `yaml:"-"`
}

// RecognitionDef is the recognition chart as the profile writes it; see
// Profile.Chart for the catalog form.
type RecognitionDef struct {
	Clause  string             `yaml:"clause"`
	Entries []RecognitionEntry `yaml:"entries"`
	At      Pos                `yaml:"-"`
}

// RecognitionEntry is one cell of the recognition chart.
type RecognitionEntry struct {
	// Basis is "completion" or "competency".
	Basis          string                 `yaml:"basis"`
	Kinds          []catalog.Kind         `yaml:"kinds"`
	CreditStatuses []catalog.CreditStatus `yaml:"credit_statuses"`
	Recognition    string                 `yaml:"recognition"`
	// ApprovingBody is a committee or role id.
	ApprovingBody string `yaml:"approving_body"`
	Example       string `yaml:"example"`
	NotApplicable bool   `yaml:"not_applicable"`
	Clause        string `yaml:"clause"`
	At            Pos    `yaml:"-"`
}

// Condition is a test on a proposal: every constraint given must hold
// (an empty condition holds for every proposal).
type Condition struct {
	Kinds          []catalog.Kind         `yaml:"kinds"`
	CreditStatuses []catalog.CreditStatus `yaml:"credit_statuses"`
	// Requisite, when set, requires the proposal to ask (true) or not ask
	// (false) to be recognized as a requisite.
	Requisite *bool `yaml:"requisite"`
	// UnitCategories are categories of the proposing org unit.
	UnitCategories []string `yaml:"unit_categories"`
	// Option names a profile option that must be enabled.
	Option string `yaml:"option"`
	At     Pos    `yaml:"-"`
}

// Exclusion rules a kind of proposal out of the profile's tracks, with a
// message saying where it belongs instead.
type Exclusion struct {
	When    Condition `yaml:"when"`
	Message string    `yaml:"message"`
	Clause  string    `yaml:"clause"`
	At      Pos       `yaml:"-"`
}

// Track is an approval path: the steps one proposal goes through, chosen
// by what is proposed.
type Track struct {
	ID     string `yaml:"id"`
	Label  string `yaml:"label"`
	Clause string `yaml:"clause"`
	// Select chooses the track: it is taken for a proposal any of these
	// conditions holds for (tracks are tried in order).
	Select []Condition `yaml:"select"`
	// Start is the id of the first step.
	Start string `yaml:"start"`
	Steps []Step `yaml:"steps"`
	At    Pos    `yaml:"-"`
}

// Processes are the profile's rules outside the approval tracks.
type Processes struct {
	AnnualReview   *AnnualReview   `yaml:"annual_review"`
	Discontinuance *Discontinuance `yaml:"discontinuance"`
	BadgeReport    *BadgeReport    `yaml:"badge_report"`
	BadgeChallenge *BadgeChallenge `yaml:"badge_challenge"`
	ProblemSolving *ProblemSolving `yaml:"problem_solving"`
	PolicyReview   *PolicyReview   `yaml:"policy_review"`
	At             Pos             `yaml:"-"`
}

// AnnualReview: each offering of the given kinds is reviewed by the given
// role every EveryMonths months, working through Tasks.
type AnnualReview struct {
	Kinds       []catalog.Kind `yaml:"kinds"`
	EveryMonths int            `yaml:"every_months"`
	By          string         `yaml:"by"`
	Tasks       []string       `yaml:"tasks"`
	Clause      string         `yaml:"clause"`
	At          Pos            `yaml:"-"`
}

// Discontinuance: an offering of the given kinds not offered for
// IdleMonths months is flagged to ConsideredBy (a role), who may propose
// its discontinuance, which is sent to SentTo (a committee) for action.
type Discontinuance struct {
	Kinds        []catalog.Kind `yaml:"kinds"`
	IdleMonths   int            `yaml:"idle_months"`
	ConsideredBy string         `yaml:"considered_by"`
	SentTo       string         `yaml:"sent_to"`
	Clause       string         `yaml:"clause"`
	At           Pos            `yaml:"-"`
}

// BadgeReport: From (a role) sends To (a committee) a regular report
// listing every offering of the given kinds approved since To's last
// meeting.
type BadgeReport struct {
	Kinds  []catalog.Kind `yaml:"kinds"`
	From   string         `yaml:"from"`
	To     string         `yaml:"to"`
	Clause string         `yaml:"clause"`
	At     Pos            `yaml:"-"`
}

// BadgeChallenge: RaisedBy (a committee) may find that an approved offering
// of the given kinds should have gone through another approval process;
// ExplainedBy (a role) then explains it in more detail at RaisedBy's next
// meeting; if RaisedBy remains dissatisfied, DecidedBy (a committee)
// decides.
type BadgeChallenge struct {
	Kinds       []catalog.Kind `yaml:"kinds"`
	RaisedBy    string         `yaml:"raised_by"`
	ExplainedBy string         `yaml:"explained_by"`
	DecidedBy   string         `yaml:"decided_by"`
	Clause      string         `yaml:"clause"`
	At          Pos            `yaml:"-"`
}

// ProblemSolving: a question about the policy or a dispute over a decision
// goes to the first role of Escalation, and to the next when it is not
// resolved.
type ProblemSolving struct {
	Escalation []string `yaml:"escalation"`
	Clause     string   `yaml:"clause"`
	At         Pos      `yaml:"-"`
}

// PolicyReview: Notify (a role) is reminded RemindDaysBefore days before a
// document's next review is due. A document's own HolderRole, when set, is
// reminded instead.
type PolicyReview struct {
	RemindDaysBefore int    `yaml:"remind_days_before"`
	Notify           string `yaml:"notify"`
	Clause           string `yaml:"clause"`
	At               Pos    `yaml:"-"`
}
