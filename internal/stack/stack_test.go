package stack

import (
	"testing"

	"cairn/internal/apperror"
)

func TestEvaluate(t *testing.T) {
	parts := []int64{1, 2, 3}
	award := func(o int64, c float64) Evidence {
		return Evidence{OfferingID: o, Credits: c, Source: FromAward, Ref: o}
	}
	plar := func(o int64, c float64) Evidence {
		return Evidence{OfferingID: o, Credits: c, Source: FromPLAR, Ref: 100 + o}
	}
	tests := []struct {
		name       string
		rule       Rule
		held       []Evidence
		plar       bool
		have, need float64
		complete   bool
	}{
		{"all: two of three", Rule{Kind: All, Parts: parts}, []Evidence{award(1, 1), award(2, 1)}, false, 2, 3, false},
		{"all: every part", Rule{Kind: All, Parts: parts}, []Evidence{award(1, 1), award(2, 1), award(3, 1)}, false, 3, 3, true},
		{"all: a second award of one part counts once", Rule{Kind: All, Parts: parts}, []Evidence{award(1, 1), award(1, 1), award(2, 1)}, false, 2, 3, false},
		{"all: other offerings do not count", Rule{Kind: All, Parts: parts}, []Evidence{award(1, 1), award(2, 1), award(9, 1)}, false, 2, 3, false},
		{"n of: enough", Rule{Kind: NOf, N: 2, Parts: parts}, []Evidence{award(3, 0), award(1, 0)}, false, 2, 2, true},
		{"n of: short", Rule{Kind: NOf, N: 2, Parts: parts}, []Evidence{award(3, 0)}, false, 1, 2, false},
		{"credits: enough", Rule{Kind: Credits, MinCredits: 3, Parts: parts}, []Evidence{award(1, 1.5), award(2, 1.5)}, false, 3, 3, true},
		{"credits: short", Rule{Kind: Credits, MinCredits: 3, Parts: parts}, []Evidence{award(1, 1.5), award(2, 1)}, false, 2.5, 3, false},
		{"PLAR ignored when not allowed", Rule{Kind: All, Parts: parts}, []Evidence{award(1, 1), award(2, 1), plar(3, 1)}, false, 2, 3, false},
		{"PLAR counted when allowed", Rule{Kind: All, Parts: parts}, []Evidence{award(1, 1), award(2, 1), plar(3, 1)}, true, 3, 3, true},
		{"PLAR credits counted when allowed", Rule{Kind: Credits, MinCredits: 2, Parts: parts}, []Evidence{award(1, 1), plar(2, 1)}, true, 2, 2, true},
		{"an award beats PLAR for one part", Rule{Kind: Credits, MinCredits: 5, Parts: parts}, []Evidence{plar(1, 3), award(1, 1)}, true, 1, 5, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.rule.Check(); err != nil {
				t.Fatal(err)
			}
			p := Evaluate(tt.rule, tt.held, tt.plar)
			if p.Have != tt.have || p.Need != tt.need || p.Complete != tt.complete {
				t.Errorf("got have %v need %v complete %v, want %v %v %v", p.Have, p.Need, p.Complete, tt.have, tt.need, tt.complete)
			}
			if len(p.Counted)+len(p.Missing) != len(tt.rule.Parts) {
				t.Errorf("counted %d and missing %d of %d parts", len(p.Counted), len(p.Missing), len(tt.rule.Parts))
			}
		})
	}
}

func TestRuleCheck(t *testing.T) {
	for name, r := range map[string]Rule{
		"no parts":        {Kind: All},
		"repeated part":   {Kind: All, Parts: []int64{1, 1}},
		"bad part":        {Kind: All, Parts: []int64{0}},
		"n zero":          {Kind: NOf, Parts: []int64{1, 2}},
		"n above parts":   {Kind: NOf, N: 3, Parts: []int64{1, 2}},
		"credits zero":    {Kind: Credits, Parts: []int64{1}},
		"credits too big": {Kind: Credits, MinCredits: MaxCredits + 1, Parts: []int64{1}},
		"unknown kind":    {Kind: "most", Parts: []int64{1}},
	} {
		if err := r.Check(); apperror.CodeOf(err) != apperror.Invalid {
			t.Errorf("%s: got %v, want Invalid", name, err)
		}
	}
	if got := (Rule{Kind: Credits, MinCredits: 4.5, Parts: []int64{1, 2, 3}}).Describe(); got != "at least 4.5 credits from the 3 parts" {
		t.Errorf("Describe: got %q", got)
	}
}

func TestLadderCheck(t *testing.T) {
	if err := (Ladder{OfferingID: 1, Program: "BBA", CountsToward: "BUSI 1210"}).Check(); err != nil {
		t.Error(err)
	}
	for _, l := range []Ladder{{Program: "BBA", CountsToward: "x"}, {OfferingID: 1, CountsToward: "x"}, {OfferingID: 1, Program: "BBA"}} {
		if err := l.Check(); apperror.CodeOf(err) != apperror.Invalid {
			t.Errorf("%+v: got %v, want Invalid", l, err)
		}
	}
	if CheckDecision("maybe") == nil || CheckDecision(Granted) != nil {
		t.Error("CheckDecision accepts only granted and denied")
	}
}
