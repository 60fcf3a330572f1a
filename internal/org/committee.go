package org

import (
	"slices"
	"time"

	"cairn/internal/apperror"
)

// Committee is a standing body of an institution that reviews or approves
// proposals, e.g. KPU's Senate Micro-credential Committee ("smc").
type Committee struct {
	ID            int64
	InstitutionID int64
	Key           string // the name policy profiles use, unique per institution, e.g. "smc"
	Name          string

	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate reports the first problem with c as an apperror.Invalid error
// naming the field.
func (c Committee) Validate() error {
	if err := checkRef("institution_id", c.InstitutionID); err != nil {
		return err
	}
	if err := checkSlug("key", c.Key); err != nil {
		return err
	}
	return checkText("name", c.Name, MaxNameLen, true)
}

// MemberCategory is the constituency a committee seat is filled from, as
// policies prescribe a committee's composition by category. A policy
// profile's seat categories are these values (Administrative is AC15
// B.2.b.iii's non-academic administrative representative).
type MemberCategory string

// The member categories.
const (
	FacultyMember      MemberCategory = "faculty"
	ProvostOfficeSeat  MemberCategory = "provost_office"
	ContinuingStudies  MemberCategory = "continuing_studies"
	Decanal            MemberCategory = "decanal"
	Administrative     MemberCategory = "administrative"
	StudentMember      MemberCategory = "student"
	ExternalMember     MemberCategory = "external"
	SecretariatSupport MemberCategory = "secretariat"
)

// MemberCategories lists the member categories, for forms.
func MemberCategories() []MemberCategory {
	return []MemberCategory{
		FacultyMember, ProvostOfficeSeat, ContinuingStudies, Decanal,
		Administrative, StudentMember, ExternalMember, SecretariatSupport,
	}
}

// Valid reports whether c is one of the member categories.
func (c MemberCategory) Valid() bool {
	return slices.Contains(MemberCategories(), c)
}

// Membership is a person's seat on a committee for a term.
type Membership struct {
	ID          int64
	CommitteeID int64
	PersonID    int64
	Category    MemberCategory
	UnitID      int64     // the unit the member represents; 0 for none
	TermStart   time.Time // first day of the term
	TermEnd     time.Time // last day of the term; zero for open-ended

	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate reports the first problem with m as an apperror.Invalid error
// naming the field.
func (m Membership) Validate() error {
	if err := checkRef("committee_id", m.CommitteeID); err != nil {
		return err
	}
	if err := checkRef("person_id", m.PersonID); err != nil {
		return err
	}
	if !m.Category.Valid() {
		return apperror.Field("category", "is not a known member category")
	}
	if err := checkOptionalRef("unit_id", m.UnitID); err != nil {
		return err
	}
	if m.TermStart.IsZero() {
		return apperror.Field("term_start", "is required")
	}
	if !m.TermEnd.IsZero() && Day(m.TermEnd).Before(Day(m.TermStart)) {
		return apperror.Field("term_end", "is before the start of the term")
	}
	return nil
}

// ActiveOn reports whether the term includes the calendar day of t.
func (m Membership) ActiveOn(t time.Time) bool {
	d := Day(t)
	if d.Before(Day(m.TermStart)) {
		return false
	}
	return m.TermEnd.IsZero() || !d.After(Day(m.TermEnd))
}

// ChairVote is one member's vote in a chair election.
type ChairVote struct {
	VoterID     int64
	CandidateID int64
}

// ChairElection records how a committee elected its chair: the candidates,
// the votes and the person elected. With a single candidate and no votes it
// records an acclamation.
type ChairElection struct {
	ID          int64
	CommitteeID int64
	Candidates  []int64 // person IDs
	Votes       []ChairVote
	ElectedID   int64
	At          time.Time
}

// Validate reports the first problem with e as an apperror.Invalid error
// naming the field. That candidates and voters sit on the committee is
// checked by the store, which can see the memberships.
func (e ChairElection) Validate() error {
	if err := checkRef("committee_id", e.CommitteeID); err != nil {
		return err
	}
	if len(e.Candidates) == 0 {
		return apperror.Field("candidates", "at least one candidate is required")
	}
	if len(e.Candidates) > MaxCandidates {
		return apperror.Field("candidates", "more than %d candidates", MaxCandidates)
	}
	if len(e.Votes) > MaxElectionVotes {
		return apperror.Field("votes", "more than %d votes", MaxElectionVotes)
	}
	seen := make(map[int64]bool, len(e.Candidates))
	for _, c := range e.Candidates {
		if c <= 0 {
			return apperror.Field("candidates", "contains an invalid person")
		}
		if seen[c] {
			return apperror.Field("candidates", "lists a person twice")
		}
		seen[c] = true
	}
	voted := make(map[int64]bool, len(e.Votes))
	for _, v := range e.Votes {
		if v.VoterID <= 0 {
			return apperror.Field("votes", "contains an invalid voter")
		}
		if voted[v.VoterID] {
			return apperror.Field("votes", "a member voted twice")
		}
		voted[v.VoterID] = true
		if !seen[v.CandidateID] {
			return apperror.Field("votes", "a vote is for someone who is not a candidate")
		}
	}
	if !seen[e.ElectedID] {
		return apperror.Field("elected_id", "must be one of the candidates")
	}
	if len(e.Votes) == 0 && len(e.Candidates) > 1 {
		return apperror.Field("votes", "are required when there is more than one candidate")
	}
	if len(e.Votes) > 0 && !slices.Contains(e.Leaders(), e.ElectedID) {
		return apperror.Field("elected_id", "did not receive the most votes")
	}
	if e.At.IsZero() {
		return apperror.Field("at", "is required")
	}
	return nil
}

// Tally counts the votes for each candidate; every candidate has an entry.
func (e ChairElection) Tally() map[int64]int {
	counts := make(map[int64]int, len(e.Candidates))
	for _, c := range e.Candidates {
		counts[c] = 0
	}
	for _, v := range e.Votes {
		if _, ok := counts[v.CandidateID]; ok {
			counts[v.CandidateID]++
		}
	}
	return counts
}

// Leaders returns the candidates with the most votes, in candidate order;
// more than one means a tie, which the committee breaks by its own rule
// before recording whom it elected.
func (e ChairElection) Leaders() []int64 {
	counts := e.Tally()
	top := -1
	var leaders []int64
	for _, c := range e.Candidates {
		switch n := counts[c]; {
		case n > top:
			top, leaders = n, []int64{c}
		case n == top:
			leaders = append(leaders, c)
		}
	}
	return leaders
}
