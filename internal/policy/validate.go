package policy

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"cairn/internal/catalog"
)

var (
	idRE           = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
	profileIDRE    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)
	documentIDRE   = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)
	jurisdictionRE = regexp.MustCompile(`^[A-Z]{2}(-[A-Z0-9]{1,3})?$`)
	timeZoneRE     = regexp.MustCompile(`^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$`)
)

// checker collects the semantic problems of a decoded profile.
type checker struct {
	p          *Profile
	probs      []Problem
	roles      map[string]bool
	categories map[string]bool
	committees map[string]bool
	options    map[string]bool
	questions  map[string]bool
	formKeys   map[string]bool
}

func (c *checker) add(line int, format string, args ...any) {
	c.probs = append(c.probs, Problem{Line: line, Message: fmt.Sprintf(format, args...)})
}

// validate checks what decoding cannot: references between parts of the
// profile, that every rule cites a clause, and that tracks are sound.
func validate(p *Profile) []Problem {
	c := &checker{p: p, roles: map[string]bool{}, categories: map[string]bool{}, committees: map[string]bool{},
		options: map[string]bool{}, questions: map[string]bool{}, formKeys: map[string]bool{}}
	if c.tooLarge() {
		return c.probs
	}
	c.header()
	c.declarations()
	c.documents()
	c.committeeRules()
	c.form()
	c.validationRules()
	c.questionRules()
	c.recognition()
	for i := range p.Tracks {
		c.track(&p.Tracks[i])
	}
	if len(p.Tracks) == 0 {
		c.add(p.At.KeyLine("tracks"), "profile has no tracks")
	}
	c.exclusions()
	c.coverage()
	c.processes()
	return c.probs
}

// Limits on the parts of a profile, so validation does bounded work.
const (
	maxListed = 500 // entries in any one top-level list
	maxSteps  = 200 // steps in one track
)

// tooLarge reports lists over the limits; the rest of validation is
// skipped for such a profile.
func (c *checker) tooLarge() bool {
	p := c.p
	for key, n := range map[string]int{
		"documents": len(p.Documents), "roles": len(p.Roles), "categories": len(p.Categories),
		"committees": len(p.Committees), "options": len(p.Options), "validation": len(p.Validation),
		"questions": len(p.Questions), "tracks": len(p.Tracks), "exclusions": len(p.Exclusions),
	} {
		if n > maxListed {
			c.add(p.At.KeyLine(key), "%s has %d entries; the limit is %d", key, n, maxListed)
		}
	}
	if n := len(p.Form.Fields); n > maxListed {
		c.add(p.Form.At.KeyLine("fields"), "form has %d fields; the limit is %d", n, maxListed)
	}
	if n := len(p.Recognition.Entries); n > maxListed {
		c.add(p.Recognition.At.KeyLine("entries"), "recognition chart has %d entries; the limit is %d", n, maxListed)
	}
	for _, t := range p.Tracks {
		if len(t.Steps) > maxSteps {
			c.add(t.At.KeyLine("steps"), "track %q has %d steps; the limit is %d", t.ID, len(t.Steps), maxSteps)
		}
	}
	return len(c.probs) > 0
}

func (c *checker) clause(at Pos, clause, what string) {
	if strings.TrimSpace(clause) == "" {
		c.add(at.Line, "%s has no clause: every rule cites the clause of the policy it comes from", what)
	}
}

func (c *checker) header() {
	p := c.p
	switch {
	case p.Format == "":
		c.add(1, "profile has no format (want %q)", Format)
	case p.Format != Format:
		c.add(p.At.KeyLine("format"), "format %q is not %q", p.Format, Format)
	}
	if !profileIDRE.MatchString(p.ID) {
		c.add(p.At.KeyLine("id"), "profile id %q must be lower-case letters, digits and hyphens", p.ID)
	}
	if strings.TrimSpace(p.Name) == "" {
		c.add(p.At.KeyLine("name"), "profile has no name")
	}
	in := p.Institution
	if strings.TrimSpace(in.Name) == "" {
		c.add(p.At.KeyLine("institution"), "institution has no name")
	}
	if !jurisdictionRE.MatchString(in.Jurisdiction) {
		c.add(in.At.KeyLine("jurisdiction"), "institution jurisdiction %q is not an ISO 3166-2 code such as \"CA-BC\"", in.Jurisdiction)
	}
	if in.TimeZone != "" && !timeZoneRE.MatchString(in.TimeZone) {
		c.add(in.At.KeyLine("time_zone"), "institution time_zone %q is not an IANA zone name such as \"America/Vancouver\"", in.TimeZone)
	}
}

// declare records an id in its namespace, reporting a missing, malformed
// or repeated one.
func (c *checker) declare(ns map[string]bool, kind, id string, at Pos) {
	switch {
	case id == "":
		c.add(at.Line, "%s has no id", kind)
	case !idRE.MatchString(id):
		c.add(at.KeyLine("id"), "%s id %q must be snake_case (lower-case letters, digits, underscores)", kind, id)
	case ns[id]:
		c.add(at.KeyLine("id"), "%s id %q is used twice", kind, id)
	}
	ns[id] = true
}

func (c *checker) declarations() {
	p := c.p
	for _, r := range p.Roles {
		c.declare(c.roles, "role", r.ID, r.At)
		c.clause(r.At, r.Clause, fmt.Sprintf("role %q", r.ID))
	}
	for _, cat := range p.Categories {
		c.declare(c.categories, "category", cat.ID, cat.At)
		c.clause(cat.At, cat.Clause, fmt.Sprintf("category %q", cat.ID))
	}
	for _, cm := range p.Committees {
		c.declare(c.committees, "committee", cm.ID, cm.At)
		if c.roles[cm.ID] {
			c.add(cm.At.KeyLine("id"), "committee id %q is also a role id; approving bodies name either, so ids must differ", cm.ID)
		}
	}
	for _, o := range p.Options {
		c.declare(c.options, "option", o.ID, o.At)
		c.clause(o.At, o.Clause, fmt.Sprintf("option %q", o.ID))
	}
	for _, q := range p.Questions {
		c.declare(c.questions, "question", q.ID, q.At)
	}
}

func (c *checker) role(id string, line int, what string) {
	if id != "" && !c.roles[id] {
		c.add(line, "%s names unknown role %q", what, id)
	}
}

func (c *checker) committee(id string, line int, what string) {
	if id != "" && !c.committees[id] {
		c.add(line, "%s names unknown committee %q", what, id)
	}
}

func (c *checker) documents() {
	seen := map[string]bool{}
	for _, d := range c.p.Documents {
		what := fmt.Sprintf("document %q", d.ID)
		switch {
		case !documentIDRE.MatchString(d.ID):
			c.add(d.At.KeyLine("id"), "document id %q must be lower-case letters, digits, hyphens and underscores", d.ID)
		case seen[d.ID]:
			c.add(d.At.KeyLine("id"), "document id %q is used twice", d.ID)
		}
		seen[d.ID] = true
		if strings.TrimSpace(d.Title) == "" {
			c.add(d.At.Line, "%s has no title", what)
		}
		c.role(d.HolderRole, d.At.KeyLine("holder_role"), what)
		for _, r := range d.History {
			if r.Date.IsZero() {
				c.add(r.At.Line, "%s: history entry has no date", what)
			}
			if strings.TrimSpace(r.Change) == "" {
				c.add(r.At.Line, "%s: history entry has no change", what)
			}
		}
	}
}

func (c *checker) committeeRules() {
	for _, cm := range c.p.Committees {
		what := fmt.Sprintf("committee %q", cm.ID)
		if strings.TrimSpace(cm.Name) == "" {
			c.add(cm.At.Line, "%s has no name", what)
		}
		c.clause(cm.At, cm.Clause, what)
		if cm.Parent != "" {
			if cm.Parent == cm.ID {
				c.add(cm.At.KeyLine("parent"), "%s cannot be its own parent", what)
			}
			c.committee(cm.Parent, cm.At.KeyLine("parent"), what)
		}
		if cm.CreatedBy != "" && !c.roles[cm.CreatedBy] && !c.committees[cm.CreatedBy] {
			c.add(cm.At.KeyLine("created_by"), "%s: created_by names no role or committee %q", what, cm.CreatedBy)
		}
		comp := cm.Composition
		if comp == nil {
			continue
		}
		c.clause(comp.At, comp.Clause, what+" composition")
		if comp.Chair != "" && comp.Chair != ChairElected && comp.Chair != ChairAppointed {
			c.add(comp.At.KeyLine("chair"), "%s: chair %q is not %q or %q", what, comp.Chair, ChairElected, ChairAppointed)
		}
		if len(comp.Seats) == 0 {
			c.add(comp.At.Line, "%s composition has no seats", what)
		}
		cats := map[string]bool{}
		for _, s := range comp.Seats {
			if !c.categories[s.Category] {
				c.add(s.At.KeyLine("category"), "%s: seat names unknown category %q", what, s.Category)
			}
			if cats[s.Category] {
				c.add(s.At.KeyLine("category"), "%s: two seats for category %q", what, s.Category)
			}
			cats[s.Category] = true
			if s.Count < 1 {
				c.add(s.At.KeyLine("count"), "%s: seat %q needs a count of at least 1", what, s.Category)
			}
		}
	}
}

func (c *checker) condition(cond *Condition, what string) {
	if cond == nil {
		return
	}
	for _, k := range cond.Kinds {
		if !k.Valid() {
			c.add(cond.At.KeyLine("kinds"), "%s: unknown kind %q", what, k)
		}
	}
	for _, cs := range cond.CreditStatuses {
		if !cs.Valid() {
			c.add(cond.At.KeyLine("credit_statuses"), "%s: unknown credit status %q", what, cs)
		}
	}
	for _, u := range cond.UnitCategories {
		if !c.categories[u] {
			c.add(cond.At.KeyLine("unit_categories"), "%s: unknown category %q", what, u)
		}
	}
	if cond.Option != "" && !c.options[cond.Option] {
		c.add(cond.At.KeyLine("option"), "%s: unknown option %q", what, cond.Option)
	}
}

func (c *checker) form() {
	f := c.p.Form
	c.clause(f.At, f.Clause, "form")
	if len(f.Fields) == 0 {
		c.add(c.p.At.KeyLine("form"), "form has no fields")
	}
	for _, ff := range f.Fields {
		what := fmt.Sprintf("form field %q", ff.Key)
		if _, ok := catalog.LookupField(ff.Key); !ok {
			c.add(ff.At.KeyLine("key"), "form field %q is neither a catalog field nor \"%sNAME\" (NAME snake_case)", ff.Key, catalog.CustomPrefix)
		}
		if strings.HasPrefix(ff.Key, catalog.CustomPrefix) && strings.TrimSpace(ff.Label) == "" {
			c.add(ff.At.Line, "%s: a custom field needs a label", what)
		}
		if c.formKeys[ff.Key] {
			c.add(ff.At.KeyLine("key"), "form field %q appears twice", ff.Key)
		}
		c.formKeys[ff.Key] = true
		c.condition(ff.When, what)
	}
}

func (c *checker) validationRules() {
	for _, r := range c.p.Validation {
		what := fmt.Sprintf("validation rule on %q", r.Field)
		c.clause(r.At, r.Clause, what)
		c.condition(r.When, what)
		def, ok := catalog.LookupField(r.Field)
		if !ok || !c.formKeys[r.Field] {
			c.add(r.At.KeyLine("field"), "validation rule names field %q, which is not on the form", r.Field)
			continue
		}
		switch r.Check {
		case CheckRequired:
		case CheckNonEmpty:
			if def.Type != catalog.TypeList {
				c.add(r.At.KeyLine("check"), "%s: non_empty applies to list fields; %q is %s", what, r.Field, def.Type)
			}
		case CheckMin, CheckMax, CheckMinExclusive, CheckMaxExclusive:
			if def.Type != catalog.TypeNumber {
				c.add(r.At.KeyLine("check"), "%s: %s applies to number fields; %q is %s", what, r.Check, r.Field, def.Type)
			}
			if r.Value == nil {
				c.add(r.At.Line, "%s: %s needs a value", what, r.Check)
			}
		case CheckOneOf:
			if def.Type == catalog.TypeList || def.Type == catalog.TypeNumber {
				c.add(r.At.KeyLine("check"), "%s: one_of applies to text and choice fields; %q is %s", what, r.Field, def.Type)
			}
			if len(r.Values) == 0 {
				c.add(r.At.Line, "%s: one_of needs values", what)
			}
			for _, v := range r.Values {
				if def.Type == catalog.TypeChoice && !slices.Contains(def.Choices, v) {
					c.add(r.At.KeyLine("values"), "%s: %q is not a choice of %q (%s)", what, v, r.Field, strings.Join(def.Choices, ", "))
				}
			}
		default:
			c.add(r.At.KeyLine("check"), "%s: unknown check %q (want required, non_empty, min, max, min_exclusive, max_exclusive or one_of)", what, r.Check)
		}
	}
}

func (c *checker) questionRules() {
	for _, q := range c.p.Questions {
		what := fmt.Sprintf("question %q", q.ID)
		if strings.TrimSpace(q.Text) == "" {
			c.add(q.At.Line, "%s has no text", what)
		}
		c.clause(q.At, q.Clause, what)
		if q.Answer != AnswerYesNo && q.Answer != AnswerChecklist && q.Answer != AnswerText {
			c.add(q.At.KeyLine("answer"), "%s: answer %q is not yes_no, checklist or text", what, q.Answer)
		}
		cons := q.Consultation
		if cons == nil {
			continue
		}
		cw := what + " consultation"
		c.clause(cons.At, cons.Clause, cw)
		if cons.Role == "" {
			c.add(cons.At.Line, "%s names no role to consult", cw)
		}
		c.role(cons.Role, cons.At.KeyLine("role"), cw)
		if cons.Of != ConsultExistingOffering {
			c.add(cons.At.KeyLine("of"), "%s: of must be %q", cw, ConsultExistingOffering)
		}
		if cons.RespondTo != RespondToChair {
			c.add(cons.At.KeyLine("respond_to"), "%s: respond_to must be %q", cw, RespondToChair)
		}
		switch {
		case cons.DeadlineDays == nil:
			c.add(cons.At.Line, "%s has no deadline_days", cw)
		case *cons.DeadlineDays < 0:
			c.add(cons.At.KeyLine("deadline_days"), "%s: deadline_days must not be negative", cw)
		}
		if !slices.Contains(q.Answer.Answers(), cons.WhenAnswer) {
			c.add(cons.At.KeyLine("when_answer"), "%s: when_answer %q is not an answer to a %s question", cw, cons.WhenAnswer, q.Answer)
		}
	}
}

func (c *checker) recognition() {
	r := c.p.Recognition
	c.clause(r.At, r.Clause, "recognition chart")
	if len(r.Entries) == 0 {
		c.add(c.p.At.KeyLine("recognition"), "recognition chart has no entries")
	}
	cells := map[string]int{}
	for _, e := range r.Entries {
		what := "recognition entry"
		if e.Basis != "completion" && e.Basis != "competency" {
			c.add(e.At.KeyLine("basis"), "%s: basis %q is not completion or competency", what, e.Basis)
		}
		if len(e.Kinds) == 0 || len(e.CreditStatuses) == 0 {
			c.add(e.At.Line, "%s needs kinds and credit_statuses", what)
		}
		cond := Condition{Kinds: e.Kinds, CreditStatuses: e.CreditStatuses, At: e.At}
		c.condition(&cond, what)
		for _, k := range e.Kinds {
			for _, cs := range e.CreditStatuses {
				cell := string(k) + "/" + string(cs)
				if line, ok := cells[cell]; ok {
					c.add(e.At.Line, "%s: %s is already charted at line %d", what, cell, line)
				}
				cells[cell] = e.At.Line
			}
		}
		if e.NotApplicable {
			continue
		}
		if strings.TrimSpace(e.Recognition) == "" {
			c.add(e.At.Line, "%s has no recognition", what)
		}
		if e.ApprovingBody == "" {
			c.add(e.At.Line, "%s has no approving_body", what)
		} else if !c.roles[e.ApprovingBody] && !c.committees[e.ApprovingBody] {
			c.add(e.At.KeyLine("approving_body"), "%s: approving_body names no committee or role %q", what, e.ApprovingBody)
		}
	}
}

var commonStepKeys = []string{"id", "kind", "label", "clause", "deadline_days", "when", "next"}

func (c *checker) track(t *Track) {
	what := fmt.Sprintf("track %q", t.ID)
	before := len(c.probs)
	if !idRE.MatchString(t.ID) {
		c.add(t.At.KeyLine("id"), "track id %q must be snake_case", t.ID)
	}
	for _, o := range c.p.Tracks {
		if o.ID == t.ID && o.At.Line < t.At.Line {
			c.add(t.At.KeyLine("id"), "track id %q is used twice", t.ID)
			break
		}
	}
	c.clause(t.At, t.Clause, what)
	if len(t.Select) == 0 {
		c.add(t.At.Line, "%s has no select conditions", what)
	}
	for i := range t.Select {
		c.condition(&t.Select[i], what+" select")
	}
	steps := map[string]*Step{}
	for i := range t.Steps {
		s := &t.Steps[i]
		switch {
		case s.ID == "":
			c.add(s.At.Line, "%s: step has no id", what)
		case !idRE.MatchString(s.ID):
			c.add(s.At.KeyLine("id"), "%s: step id %q must be snake_case", what, s.ID)
		case steps[s.ID] != nil:
			c.add(s.At.KeyLine("id"), "%s: step id %q is used twice", what, s.ID)
		}
		steps[s.ID] = s
	}
	if len(t.Steps) == 0 {
		c.add(t.At.Line, "%s has no steps", what)
		return
	}
	for i := range t.Steps {
		c.step(&t.Steps[i], steps)
	}
	switch {
	case t.Start == "":
		c.add(t.At.Line, "%s has no start step", what)
	case steps[t.Start] == nil:
		c.add(t.At.KeyLine("start"), "%s: start names unknown step %q", what, t.Start)
	}
	if len(c.probs) > before {
		return // flow checks on a broken track would only repeat the problems
	}
	c.flow(t, steps)
}

func (c *checker) step(s *Step, steps map[string]*Step) {
	what := fmt.Sprintf("step %q", s.ID)
	spec, ok := specOf(s.Kind)
	if !ok {
		var kinds []string
		for _, k := range StepKinds() {
			kinds = append(kinds, string(k))
		}
		c.add(s.At.KeyLine("kind"), "%s: unknown kind %q (want one of %s)", what, s.Kind, strings.Join(kinds, ", "))
		return
	}
	c.clause(s.At, s.Clause, what)

	// Keys the kind does not take.
	allowed := append(slices.Clone(commonStepKeys), spec.keys...)
	for _, key := range slices.Sorted(maps.Keys(s.At.keys)) {
		if strings.Contains(key, ".") {
			continue
		}
		if !slices.Contains(allowed, key) || (key == "deadline_days" && !spec.deadline) {
			c.add(s.At.KeyLine(key), "%s: %q does not apply to %s steps", what, key, s.Kind)
		}
	}
	if s.DeadlineDays != nil && *s.DeadlineDays < 0 {
		c.add(s.At.KeyLine("deadline_days"), "%s: deadline_days must not be negative", what)
	}
	c.condition(s.When, what+" when")

	// Outcomes.
	if s.Kind.Ends() {
		if len(s.Next) > 0 {
			c.add(s.At.KeyLine("next"), "%s: %s steps end the track and take no next", what, s.Kind)
		}
	} else {
		required := slices.Clone(spec.required)
		if s.When != nil {
			required = append(required, OutcomeSkipped)
		}
		for _, o := range required {
			if _, ok := s.Next[o]; !ok {
				c.add(s.At.KeyLine("next"), "%s: no next step for outcome %q", what, o)
			}
		}
		valid := append(slices.Clone(required), spec.optional...)
		for _, o := range slices.Sorted(maps.Keys(s.Next)) {
			line := s.At.KeyLine("next." + string(o))
			switch {
			case o == OutcomeSkipped && s.When == nil:
				c.add(line, "%s: outcome \"skipped\" needs a when condition", what)
			case !slices.Contains(valid, o):
				c.add(line, "%s: %s steps have no outcome %q (their outcomes: %s)", what, s.Kind, o, outcomeList(valid))
			case steps[s.Next[o]] == nil:
				c.add(line, "%s: next outcome %q names unknown step %q", what, o, s.Next[o])
			case s.Next[o] == s.ID:
				c.add(line, "%s: next outcome %q leads back to the same step", what, o)
			}
		}
	}

	committeeLine := s.At.KeyLine("committee")
	needCommittee := func() {
		if s.Committee == "" {
			c.add(s.At.Line, "%s: %s steps need a committee", what, s.Kind)
		}
	}
	c.committee(s.Committee, committeeLine, what)
	c.role(s.Role, s.At.KeyLine("role"), what)
	if s.Mode != "" && s.Mode != ModeElectronic && s.Mode != ModeInPerson && s.Mode != ModeAny {
		c.add(s.At.KeyLine("mode"), "%s: mode %q is not electronic, in_person or any", what, s.Mode)
	}
	reviewStep := func(electorate Electorate, key string) {
		switch electorate {
		case ElectCommittee:
		case ElectReviewers:
			rs := steps[s.ReviewStep]
			switch {
			case s.ReviewStep == "":
				c.add(s.At.KeyLine(key), "%s: %s \"reviewers\" needs a review_step", what, key)
			case rs == nil:
				c.add(s.At.KeyLine("review_step"), "%s: review_step names unknown step %q", what, s.ReviewStep)
			case rs.Kind != StepReview:
				c.add(s.At.KeyLine("review_step"), "%s: review_step %q is a %s step, not a review", what, s.ReviewStep, rs.Kind)
			}
		case "":
			c.add(s.At.Line, "%s: %s steps need %s (reviewers or committee)", what, s.Kind, key)
		default:
			c.add(s.At.KeyLine(key), "%s: %s %q is not reviewers or committee", what, key, electorate)
		}
	}

	switch s.Kind {
	case StepCompletenessCheck, StepSign:
		if (s.Committee == "") == (s.Role == "") {
			c.add(s.At.Line, "%s: %s steps name exactly one of committee (its chair acts) or role", what, s.Kind)
		}
	case StepReview:
		needCommittee()
		switch {
		case s.Reviewers.IsZero():
			c.add(s.At.Line, "%s: review steps need reviewers (a number or \"all\")", what)
		case !s.Reviewers.All && s.Reviewers.N < 1:
			c.add(s.At.KeyLine("reviewers"), "%s: reviewers must be at least 1", what)
		}
		for _, q := range s.Questions {
			if !c.questions[q] {
				c.add(s.At.KeyLine("questions"), "%s names unknown question %q", what, q)
			}
		}
	case StepVote:
		needCommittee()
		reviewStep(s.Voters, "voters")
		c.voteRule(s, what)
		if rs := steps[s.ReviewStep]; s.Voters == ElectReviewers && rs != nil && rs.Kind == StepReview &&
			s.Rule.Type == RuleAllOf && s.Rule.N >= 1 && !rs.Reviewers.All && rs.Reviewers.N != s.Rule.N {
			c.add(s.At.KeyLine("rule"), "%s: rule all_of %d, but review step %q assigns %d reviewers", what, s.Rule.N, rs.ID, rs.Reviewers.N)
		}
	case StepMeeting:
		needCommittee()
		reviewStep(s.Participants, "participants")
		if next := steps[s.Next[OutcomeHeld]]; next != nil && next.Kind != StepVote {
			c.add(s.At.KeyLine("next."+string(OutcomeHeld)), "%s: a meeting is followed by a final vote, but %q is a %s step", what, next.ID, next.Kind)
		}
	case StepAppeal:
		needCommittee()
		c.voteRule(s, what)
		switch target := steps[s.Appeals]; {
		case s.Appeals == "":
			c.add(s.At.Line, "%s: appeal steps name the vote they appeal (appeals)", what)
		case target == nil:
			c.add(s.At.KeyLine("appeals"), "%s: appeals names unknown step %q", what, s.Appeals)
		case target.Kind != StepVote:
			c.add(s.At.KeyLine("appeals"), "%s: appeals %q, a %s step; only a vote's decision can be appealed", what, s.Appeals, target.Kind)
		}
	case StepCommitteeRecommendation:
		needCommittee()
		if s.To == "" {
			c.add(s.At.Line, "%s: committee_recommendation steps name the committee they recommend to (to)", what)
		}
		c.committee(s.To, s.At.KeyLine("to"), what)
	case StepBodyDecision:
		needCommittee()
		c.role(s.RecordedBy, s.At.KeyLine("recorded_by"), what)
	case StepInterimStatus:
		if !s.OfferAs.Valid() {
			c.add(s.At.KeyLine("offer_as"), "%s: offer_as %q is not a credit status", what, s.OfferAs)
		}
	case StepTerminal:
		if s.Result != ResultNotApproved && s.Result != ResultWithdrawn && s.Result != ResultClosed {
			c.add(s.At.KeyLine("result"), "%s: result %q is not not_approved, withdrawn or closed", what, s.Result)
		}
	}
	if s.Kind == StepSign {
		for _, a := range s.After {
			switch target := steps[a]; {
			case target == nil:
				c.add(s.At.KeyLine("after"), "%s: after names unknown step %q", what, a)
			case target.Kind != StepSign || a == s.ID:
				c.add(s.At.KeyLine("after"), "%s: after names %q, which is not another sign step", what, a)
			}
		}
	}
}

func (c *checker) voteRule(s *Step, what string) {
	r := s.Rule
	line := s.At.KeyLine("rule")
	switch r.Type {
	case "":
		c.add(s.At.Line, "%s: %s steps need a rule (unanimous, majority, {type: all_of, n: N} or {type: at_least, n: N})", what, s.Kind)
	case RuleUnanimous, RuleMajority:
		if r.N != 0 {
			c.add(line, "%s: rule %s takes no n", what, r.Type)
		}
	case RuleAllOf, RuleAtLeast:
		if r.N < 1 {
			c.add(line, "%s: rule %s needs n of at least 1", what, r.Type)
		}
	default:
		c.add(line, "%s: unknown vote rule %q (want unanimous, majority, all_of or at_least)", what, r.Type)
	}
}

// flow checks a well-formed track: every step reachable from the start,
// every reachable step able to reach an end, and every sign step's after
// steps passed on every way to it.
func (c *checker) flow(t *Track, steps map[string]*Step) {
	reach := reachable(t.Start, steps, "")
	for _, s := range t.Steps {
		if !reach[s.ID] {
			c.add(s.At.Line, "step %q is not reachable from the start of track %q", s.ID, t.ID)
		}
	}
	ends := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, s := range t.Steps {
			if ends[s.ID] {
				continue
			}
			ok := s.Kind.Ends()
			for _, next := range s.Next {
				ok = ok || ends[next]
			}
			if ok {
				ends[s.ID], changed = true, true
			}
		}
	}
	for _, s := range t.Steps {
		if reach[s.ID] && !ends[s.ID] {
			c.add(s.At.Line, "step %q cannot reach an approved or terminal step", s.ID)
		}
	}
	for _, s := range t.Steps {
		for _, a := range s.After {
			if reachable(t.Start, steps, a)[s.ID] {
				c.add(s.At.KeyLine("after"), "step %q can be reached without passing sign step %q first", s.ID, a)
			}
		}
	}
}

// reachable returns the steps reachable from start without entering avoid.
func reachable(start string, steps map[string]*Step, avoid string) map[string]bool {
	seen := map[string]bool{}
	queue := []string{start}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if seen[id] || id == avoid || steps[id] == nil {
			continue
		}
		seen[id] = true
		for _, o := range slices.Sorted(maps.Keys(steps[id].Next)) {
			queue = append(queue, steps[id].Next[o])
		}
	}
	return seen
}

func outcomeList(os []Outcome) string {
	var s []string
	for _, o := range os {
		s = append(s, string(o))
	}
	return strings.Join(s, ", ")
}

func (c *checker) exclusions() {
	for _, e := range c.p.Exclusions {
		c.clause(e.At, e.Clause, "exclusion")
		if strings.TrimSpace(e.Message) == "" {
			c.add(e.At.Line, "exclusion has no message")
		}
		c.condition(&e.When, "exclusion")
	}
}

// coverage checks that every combination the recognition chart allows has
// a track or an exclusion.
func (c *checker) coverage() {
	if len(c.probs) > 0 {
		return
	}
	for _, e := range c.p.Recognition.Entries {
		if e.NotApplicable {
			continue
		}
		for _, k := range e.Kinds {
			for _, cs := range e.CreditStatuses {
				if _, err := c.p.TrackFor(Facts{Kind: k, CreditStatus: cs}); err != nil {
					c.add(e.At.Line, "recognition chart allows a %s that is %s, but no track or exclusion takes it", k, cs)
				}
			}
		}
	}
}

func (c *checker) processes() {
	pr := c.p.Processes
	kinds := func(ks []catalog.Kind, at Pos, what string) {
		for _, k := range ks {
			if !k.Valid() {
				c.add(at.KeyLine("kinds"), "%s: unknown kind %q", what, k)
			}
		}
	}
	if a := pr.AnnualReview; a != nil {
		c.clause(a.At, a.Clause, "annual_review")
		kinds(a.Kinds, a.At, "annual_review")
		if a.EveryMonths < 1 {
			c.add(a.At.KeyLine("every_months"), "annual_review: every_months must be at least 1")
		}
		if a.By == "" {
			c.add(a.At.Line, "annual_review names no role (by)")
		}
		c.role(a.By, a.At.KeyLine("by"), "annual_review")
	}
	if d := pr.Discontinuance; d != nil {
		c.clause(d.At, d.Clause, "discontinuance")
		kinds(d.Kinds, d.At, "discontinuance")
		if d.IdleMonths < 1 {
			c.add(d.At.KeyLine("idle_months"), "discontinuance: idle_months must be at least 1")
		}
		if d.ConsideredBy == "" || d.SentTo == "" {
			c.add(d.At.Line, "discontinuance needs considered_by (a role) and sent_to (a committee)")
		}
		c.role(d.ConsideredBy, d.At.KeyLine("considered_by"), "discontinuance")
		c.committee(d.SentTo, d.At.KeyLine("sent_to"), "discontinuance")
	}
	if b := pr.BadgeReport; b != nil {
		c.clause(b.At, b.Clause, "badge_report")
		kinds(b.Kinds, b.At, "badge_report")
		if b.From == "" || b.To == "" {
			c.add(b.At.Line, "badge_report needs from (a role) and to (a committee)")
		}
		c.role(b.From, b.At.KeyLine("from"), "badge_report")
		c.committee(b.To, b.At.KeyLine("to"), "badge_report")
	}
	if b := pr.BadgeChallenge; b != nil {
		c.clause(b.At, b.Clause, "badge_challenge")
		kinds(b.Kinds, b.At, "badge_challenge")
		if b.RaisedBy == "" || b.ExplainedBy == "" || b.DecidedBy == "" {
			c.add(b.At.Line, "badge_challenge needs raised_by (a committee), explained_by (a role) and decided_by (a committee)")
		}
		c.committee(b.RaisedBy, b.At.KeyLine("raised_by"), "badge_challenge")
		c.role(b.ExplainedBy, b.At.KeyLine("explained_by"), "badge_challenge")
		c.committee(b.DecidedBy, b.At.KeyLine("decided_by"), "badge_challenge")
	}
	if ps := pr.ProblemSolving; ps != nil {
		c.clause(ps.At, ps.Clause, "problem_solving")
		if len(ps.Escalation) == 0 {
			c.add(ps.At.Line, "problem_solving has no escalation roles")
		}
		for _, r := range ps.Escalation {
			c.role(r, ps.At.KeyLine("escalation"), "problem_solving")
		}
	}
	if rv := pr.PolicyReview; rv != nil {
		c.clause(rv.At, rv.Clause, "policy_review")
		if rv.RemindDaysBefore < 0 {
			c.add(rv.At.KeyLine("remind_days_before"), "policy_review: remind_days_before must not be negative")
		}
		c.role(rv.Notify, rv.At.KeyLine("notify"), "policy_review")
	}
}
