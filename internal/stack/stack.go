// Package stack holds the rules by which micro-credentials stack into a
// larger credential, and the record of ladders into programs.
//
// A stack is a larger credential (one of the institution's offerings) and
// a rule over a set of parts (other offerings): all of them, n of them, or
// at least a number of credits from them. Evaluate says, from what a
// learner holds (awards and prior learning assessment and recognition
// decisions), whether the stack is complete and what is still needed.
//
// A ladder is different: it records that a micro-credential may count
// toward a program, which the program's faculty decide case by case
// through PLAR (KPU consultation record: "Earning and stacking
// micro-credentials does not overrule program/graduation requirements";
// "every pathway from micro-credentials to existing credit-bearing programs
// will be controlled by faculty"). Nothing in this package grants a place
// or credit in a program.
package stack

import (
	"fmt"
	"math"
	"slices"

	"cairn/internal/apperror"
)

// Kind is the kind of a stack's rule.
type Kind string

// The rule kinds.
const (
	// All needs every part.
	All Kind = "all"
	// NOf needs N of the parts.
	NOf Kind = "n_of"
	// Credits needs at least MinCredits credits earned in the parts.
	Credits Kind = "credits"
)

// Limits on rules.
const (
	MaxParts   = 100
	MaxCredits = 1000
)

// Rule is what completes a stack.
type Rule struct {
	Kind Kind
	// Parts are the offerings that count, by id.
	Parts []int64
	// N is how many parts an NOf rule needs.
	N int
	// MinCredits is how many credits a Credits rule needs.
	MinCredits float64
}

// Check reports a rule that cannot be met or makes no sense: no parts,
// too many, a repeated part, an N outside 1..len(parts), or credits that
// are not positive.
func (r Rule) Check() error {
	switch {
	case len(r.Parts) == 0:
		return apperror.Field("parts", "name at least one offering that stacks into this one")
	case len(r.Parts) > MaxParts:
		return apperror.Field("parts", "at most %d offerings", MaxParts)
	}
	seen := map[int64]bool{}
	for _, p := range r.Parts {
		if p <= 0 {
			return apperror.Field("parts", "%d is not an offering id", p)
		}
		if seen[p] {
			return apperror.Field("parts", "offering %d is named twice", p)
		}
		seen[p] = true
	}
	switch r.Kind {
	case All:
	case NOf:
		if r.N < 1 || r.N > len(r.Parts) {
			return apperror.Field("n", "must be between 1 and the number of parts (%d)", len(r.Parts))
		}
	case Credits:
		if math.IsNaN(r.MinCredits) || r.MinCredits <= 0 || r.MinCredits > MaxCredits {
			return apperror.Field("min_credits", "must be more than 0 and at most %d", MaxCredits)
		}
	default:
		return apperror.Field("rule", "must be all, n_of or credits, not %q", r.Kind)
	}
	return nil
}

// Describe words the rule for people.
func (r Rule) Describe() string {
	switch r.Kind {
	case All:
		return fmt.Sprintf("all %d of the parts", len(r.Parts))
	case NOf:
		return fmt.Sprintf("%d of the %d parts", r.N, len(r.Parts))
	case Credits:
		return fmt.Sprintf("at least %s credits from the %d parts", FormatCredits(r.MinCredits), len(r.Parts))
	}
	return string(r.Kind)
}

// FormatCredits writes a number of credits without needless decimals.
func FormatCredits(c float64) string {
	return fmt.Sprintf("%g", math.Round(c*100)/100)
}

// Source is where a piece of evidence comes from.
type Source string

// The sources.
const (
	FromAward Source = "award"
	FromPLAR  Source = "plar"
)

// Evidence is one thing a learner holds toward a part: an active award of
// the offering, or a granted PLAR decision that their prior learning
// stands for it.
type Evidence struct {
	OfferingID int64
	Credits    float64
	Source     Source
	// Ref identifies the award or PLAR record.
	Ref int64
}

// Progress is how far a learner is toward a stack.
type Progress struct {
	// Have and Need are in the rule's unit: parts (All, NOf) or credits.
	Have, Need float64
	Complete   bool
	// Counted are the evidence the rule counted, one per part; Missing
	// the parts with nothing counted.
	Counted []Evidence
	Missing []int64
}

// Evaluate measures held against the rule. PLAR evidence counts only when
// plarCounts (the institution's policy profile allows it); of several
// pieces for one part the award is preferred, then the most credits. The
// rule must be valid (Check).
func Evaluate(r Rule, held []Evidence, plarCounts bool) Progress {
	best := map[int64]Evidence{}
	for _, e := range held {
		if !slices.Contains(r.Parts, e.OfferingID) || (e.Source == FromPLAR && !plarCounts) {
			continue
		}
		cur, ok := best[e.OfferingID]
		if !ok || better(e, cur) {
			best[e.OfferingID] = e
		}
	}
	var p Progress
	credits := 0.0
	for _, part := range r.Parts {
		e, ok := best[part]
		if !ok {
			p.Missing = append(p.Missing, part)
			continue
		}
		p.Counted = append(p.Counted, e)
		credits += e.Credits
	}
	switch r.Kind {
	case All:
		p.Have, p.Need = float64(len(p.Counted)), float64(len(r.Parts))
	case NOf:
		p.Have, p.Need = float64(len(p.Counted)), float64(r.N)
	case Credits:
		p.Have, p.Need = math.Round(credits*100)/100, r.MinCredits
	}
	p.Complete = p.Need > 0 && p.Have >= p.Need
	return p
}

func better(e, cur Evidence) bool {
	if (e.Source == FromAward) != (cur.Source == FromAward) {
		return e.Source == FromAward
	}
	if e.Credits != cur.Credits {
		return e.Credits > cur.Credits
	}
	return e.Ref < cur.Ref
}

// Decision is a PLAR decision.
type Decision string

// The decisions.
const (
	Granted Decision = "granted"
	Denied  Decision = "denied"
)

// CheckDecision reports a decision that is neither granted nor denied.
func CheckDecision(d Decision) error {
	if d != Granted && d != Denied {
		return apperror.Field("decision", "must be granted or denied")
	}
	return nil
}

// Ladder is a pathway from a micro-credential into a program: what it may
// count toward, decided by the program's faculty through PLAR. It never
// grants anything by itself.
type Ladder struct {
	OfferingID int64
	// Program is the program's name; CountsToward what the credential may
	// count toward in it (a course, an elective, an entry requirement).
	Program      string
	CountsToward string
}

// Limits on ladders and PLAR records.
const (
	MaxProgramBytes = 200
	MaxTextBytes    = 2000
)

// Check reports a ladder without a program or what it counts toward.
func (l Ladder) Check() error {
	switch {
	case l.OfferingID <= 0:
		return apperror.Field("offering", "choose the micro-credential")
	case l.Program == "" || len(l.Program) > MaxProgramBytes:
		return apperror.Field("program", "name the program (at most %d bytes)", MaxProgramBytes)
	case l.CountsToward == "" || len(l.CountsToward) > MaxTextBytes:
		return apperror.Field("counts_toward", "say what it may count toward (at most %d bytes)", MaxTextBytes)
	}
	return nil
}
