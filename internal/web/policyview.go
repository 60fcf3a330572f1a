package web

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"cairn/internal/catalog"
	"cairn/internal/policy"
)

// profileView is a policy profile in sentences, for the administration
// pages: who acts at each step of each track, within what deadline, by
// what rule and where each outcome leads, each with its clause.
type profileView struct {
	ID, Name   string
	Source     string
	Roles      []ruleLine
	Committees []committeeRuleView
	Options    []ruleLine
	Form       []ruleLine
	Validation []ruleLine
	Questions  []ruleLine
	Tracks     []trackView
	Processes  []ruleLine
	Exclusions []ruleLine
}

// ruleLine is one rule in words with the clause it comes from.
type ruleLine struct {
	Text   string
	Clause string
}

type committeeRuleView struct {
	Name, Key string
	Clause    string
	Seats     []ruleLine
	Chair     string
}

type trackView struct {
	ID, Label string
	Clause    string
	Applies   string
	Steps     []stepView
}

type stepView struct {
	ID     string
	Label  string
	Kind   string
	Who    string
	Rules  []string
	Next   []string
	Clause string
}

func (s *Server) profileView(p *policy.Profile) *profileView {
	v := &profileView{ID: p.ID, Name: p.Name, Source: p.Source()}
	roleName := func(id string) string {
		for _, r := range p.Roles {
			if r.ID == id && r.Name != "" {
				return r.Name
			}
		}
		return strings.ToLower(wordFor(id))
	}
	committee := func(key string) string { return committeeLabel(p, key) }
	for _, r := range p.Roles {
		v.Roles = append(v.Roles, ruleLine{r.Name + " (" + r.ID + ")", r.Clause})
	}
	for _, c := range p.Committees {
		cv := committeeRuleView{Name: c.Name, Key: c.ID, Clause: c.Clause}
		if c.Parent != "" {
			cv.Name += ", a subcommittee of " + committee(c.Parent)
		}
		if comp := c.Composition; comp != nil {
			for _, seat := range comp.Seats {
				t := strconv.Itoa(seat.Count) + " " + categoryName(p, seat.Category)
				if seat.PerFaculty {
					t += " from each faculty"
				}
				cv.Seats = append(cv.Seats, ruleLine{t, seat.Clause})
			}
			switch comp.Chair {
			case policy.ChairElected:
				cv.Chair = "The committee elects its chair from among its members."
			case policy.ChairAppointed:
				cv.Chair = "The chair is appointed."
			}
		}
		v.Committees = append(v.Committees, cv)
	}
	for _, o := range p.Options {
		state := "off"
		if o.Enabled {
			state = "on"
		}
		v.Options = append(v.Options, ruleLine{o.Description + " (" + state + ")", o.Clause})
	}
	for _, f := range p.Form.Fields {
		t := f.Label
		if t == "" {
			if def, ok := catalog.LookupField(f.Key); ok {
				t = def.Label
			} else {
				t = f.Key
			}
		}
		if f.Required {
			t += " (required)"
		}
		if f.When != nil {
			t += ", " + conditionText(f.When)
		}
		clause := f.Clause
		if clause == "" {
			clause = p.Form.Clause
		}
		v.Form = append(v.Form, ruleLine{t, clause})
	}
	for _, r := range p.Validation {
		v.Validation = append(v.Validation, ruleLine{ruleText(r), r.Clause})
	}
	for _, q := range p.Questions {
		t := q.Text + " — answered " + answerText(q.Answer)
		if c := q.Consultation; c != nil {
			t += fmt.Sprintf("; when answered %q, the %s of the %s is consulted", c.WhenAnswer, roleName(c.Role), strings.ReplaceAll(c.Of, "_", " "))
			if c.DeadlineDays != nil {
				t += " within " + days(*c.DeadlineDays)
			}
		}
		v.Questions = append(v.Questions, ruleLine{t, q.Clause})
	}
	for _, t := range p.Tracks {
		tv := trackView{ID: t.ID, Label: t.Label, Clause: t.Clause}
		if tv.Label == "" {
			tv.Label = t.ID
		}
		var when []string
		for i := range t.Select {
			when = append(when, conditionText(&t.Select[i]))
		}
		tv.Applies = strings.Join(when, "; or ")
		for i := range t.Steps {
			tv.Steps = append(tv.Steps, stepText(p, &t, &t.Steps[i], roleName, committee))
		}
		v.Tracks = append(v.Tracks, tv)
	}
	pr := p.Processes
	if ar := pr.AnnualReview; ar != nil {
		v.Processes = append(v.Processes, ruleLine{fmt.Sprintf("Annual review of %s every %d months by the offering's %s: %s",
			kindsText(ar.Kinds), ar.EveryMonths, roleName(ar.By), strings.Join(ar.Tasks, " ")), ar.Clause})
	}
	if dr := pr.Discontinuance; dr != nil {
		v.Processes = append(v.Processes, ruleLine{fmt.Sprintf("%s not offered for %d months are flagged to the %s, who may propose discontinuance to %s.",
			capitalize(kindsText(dr.Kinds)), dr.IdleMonths, roleName(dr.ConsideredBy), committee(dr.SentTo)), dr.Clause})
	}
	if br := pr.BadgeReport; br != nil {
		v.Processes = append(v.Processes, ruleLine{fmt.Sprintf("The %s reports the %s approved since its last meeting to %s.",
			roleName(br.From), kindsText(br.Kinds), committee(br.To)), br.Clause})
	}
	if bc := pr.BadgeChallenge; bc != nil {
		v.Processes = append(v.Processes, ruleLine{fmt.Sprintf("%s may challenge %s; the %s explains; %s decides a referred challenge.",
			capitalize(committee(bc.RaisedBy)), kindsText(bc.Kinds), roleName(bc.ExplainedBy), committee(bc.DecidedBy)), bc.Clause})
	}
	if ps := pr.ProblemSolving; ps != nil {
		var chain []string
		for _, r := range ps.Escalation {
			chain = append(chain, roleName(r))
		}
		v.Processes = append(v.Processes, ruleLine{"Disputes go in turn to: " + strings.Join(chain, ", then ") + ".", ps.Clause})
	}
	if rv := pr.PolicyReview; rv != nil {
		v.Processes = append(v.Processes, ruleLine{fmt.Sprintf("The %s is reminded %d days before a policy document is due for review.",
			roleName(rv.Notify), rv.RemindDaysBefore), rv.Clause})
	}
	for _, x := range p.Exclusions {
		v.Exclusions = append(v.Exclusions, ruleLine{x.Message + " (" + conditionText(&x.When) + ")", x.Clause})
	}
	return v
}

func stepText(p *policy.Profile, t *policy.Track, st *policy.Step, roleName, committee func(string) string) stepView {
	sv := stepView{ID: st.ID, Label: st.Label, Kind: wordFor(string(st.Kind)), Clause: st.Clause}
	if sv.Label == "" {
		sv.Label = st.ID
	}
	switch {
	case st.Committee != "" && st.Role != "":
		sv.Who = "the " + roleName(st.Role) + " of " + committee(st.Committee)
	case st.Committee != "":
		sv.Who = committee(st.Committee)
	case st.Role != "":
		sv.Who = "the " + roleName(st.Role)
	}
	if d, ok := st.Deadline(); ok {
		sv.Rules = append(sv.Rules, "within "+days(d))
	}
	if !st.Reviewers.IsZero() {
		if st.Reviewers.All {
			sv.Rules = append(sv.Rules, "every member reviews")
		} else {
			r := strconv.Itoa(st.Reviewers.N) + " reviewers assigned by the chair"
			if st.IncludeChair {
				r += ", the chair among them if assigned"
			}
			sv.Rules = append(sv.Rules, r)
		}
	}
	if st.ReplaceLate {
		sv.Rules = append(sv.Rules, "a late reviewer may be replaced")
	}
	for _, id := range st.Questions {
		if q, ok := p.Question(id); ok {
			sv.Rules = append(sv.Rules, "asks: "+q.Text)
		}
	}
	if st.Voters != "" {
		sv.Rules = append(sv.Rules, "voters: "+electorateText(st.Voters))
	}
	if st.Participants != "" {
		sv.Rules = append(sv.Rules, "participants: "+electorateText(st.Participants))
	}
	if !st.Rule.IsZero() {
		sv.Rules = append(sv.Rules, "passes by "+voteRuleText(st.Rule))
	}
	switch st.Mode {
	case "":
	case policy.ModeElectronic:
		sv.Rules = append(sv.Rules, "held electronically")
	case policy.ModeInPerson:
		sv.Rules = append(sv.Rules, "held in person")
	case policy.ModeAny:
		sv.Rules = append(sv.Rules, "held electronically or in person")
	default:
		sv.Rules = append(sv.Rules, "held "+strings.ReplaceAll(st.Mode, "_", " "))
	}
	if st.To != "" {
		sv.Rules = append(sv.Rules, "to "+committee(st.To))
	}
	if st.RecordedBy != "" {
		sv.Rules = append(sv.Rules, "recorded by the "+roleName(st.RecordedBy))
	}
	if st.OfferAs != "" {
		sv.Rules = append(sv.Rules, "offered meanwhile as "+strings.ToLower(wordFor(string(st.OfferAs))))
	}
	if st.When != nil {
		sv.Rules = append(sv.Rules, "only "+conditionText(st.When))
	}
	outcomes := make([]string, 0, len(st.Next))
	for o := range st.Next {
		outcomes = append(outcomes, string(o))
	}
	slices.Sort(outcomes)
	for _, o := range outcomes {
		to := st.Next[policy.Outcome(o)]
		if ns, ok := t.Step(to); ok && ns.Label != "" {
			to = ns.Label
		}
		sv.Next = append(sv.Next, wordFor(o)+" → "+to)
	}
	return sv
}

func days(n int) string {
	if n == 1 {
		return "1 working day"
	}
	return strconv.Itoa(n) + " working days"
}

func categoryName(p *policy.Profile, id string) string {
	for _, c := range p.Categories {
		if c.ID == id && c.Name != "" {
			return c.Name
		}
	}
	return wordFor(id)
}

func electorateText(e policy.Electorate) string {
	if e == policy.ElectReviewers {
		return "the assigned reviewers"
	}
	return "every member of the committee"
}

func voteRuleText(r policy.VoteRule) string {
	switch r.Type {
	case policy.RuleUnanimous:
		return "unanimity"
	case policy.RuleMajority:
		return "a majority"
	case policy.RuleAllOf:
		return "the approval of all " + strconv.Itoa(r.N)
	case policy.RuleAtLeast:
		return "at least " + strconv.Itoa(r.N) + " approvals"
	}
	return string(r.Type)
}

func answerText(a policy.AnswerType) string {
	switch a {
	case policy.AnswerYesNo:
		return "yes or no"
	case policy.AnswerChecklist:
		return "met, not met or not applicable"
	}
	return "in words"
}

func kindsText(ks []catalog.Kind) string {
	if len(ks) == 0 {
		return "offerings of every kind"
	}
	var out []string
	for _, k := range ks {
		out = append(out, strings.ToLower(wordFor(string(k)))+"s")
	}
	return joinWords(out)
}

func conditionText(c *policy.Condition) string {
	if c == nil {
		return ""
	}
	var parts []string
	if len(c.Kinds) > 0 {
		parts = append(parts, "for "+kindsText(c.Kinds))
	}
	if len(c.CreditStatuses) > 0 {
		var cs []string
		for _, s := range c.CreditStatuses {
			cs = append(cs, strings.ToLower(wordFor(string(s))))
		}
		parts = append(parts, "when "+strings.Join(cs, " or "))
	}
	if c.Requisite != nil {
		if *c.Requisite {
			parts = append(parts, "when a requisite for a credit course")
		} else {
			parts = append(parts, "when not a requisite for a credit course")
		}
	}
	if len(c.UnitCategories) > 0 {
		parts = append(parts, "from "+strings.ReplaceAll(strings.Join(c.UnitCategories, " or "), "_", " "))
	}
	if c.Option != "" {
		parts = append(parts, "with the option "+c.Option)
	}
	if len(parts) == 0 {
		return "always"
	}
	return strings.Join(parts, ", ")
}

func ruleText(r policy.Rule) string {
	field := r.Field
	if def, ok := catalog.LookupField(r.Field); ok {
		field = def.Label
	}
	num := ""
	if r.Value != nil {
		num = strconv.FormatFloat(*r.Value, 'f', -1, 64)
	}
	var t string
	switch r.Check {
	case policy.CheckRequired:
		t = field + " is required"
	case policy.CheckNonEmpty:
		t = field + " has at least one entry"
	case policy.CheckMin:
		t = field + " is at least " + num
	case policy.CheckMax:
		t = field + " is at most " + num
	case policy.CheckMinExclusive:
		t = field + " is more than " + num
	case policy.CheckMaxExclusive:
		t = field + " is less than " + num
	case policy.CheckOneOf:
		var vs []string
		for _, v := range r.Values {
			vs = append(vs, wordFor(v))
		}
		t = field + " is one of: " + strings.Join(vs, ", ")
	default:
		t = field + ": " + string(r.Check)
	}
	if r.When != nil {
		t += ", " + conditionText(r.When)
	}
	if r.Message != "" {
		t += ". " + r.Message
	}
	return t
}
