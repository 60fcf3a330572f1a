package demo

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/approval"
	"cairn/internal/catalog"
	"cairn/internal/org"
	"cairn/internal/sqlstore"
	"cairn/internal/workday"
)

// DefaultPassword is every demo person's password unless
// Options.Password sets another. It meets account.CheckPassword.
const DefaultPassword = "explore-cairn-demo"

// Options configure Populate.
type Options struct {
	// Now is the demo's present: every demo action happens before it, at
	// working-day times up to about fifteen months earlier. Zero means the
	// Clock's reading.
	Now time.Time
	// Clock is the clock the store was opened with
	// (sqlstore.Options{Clock: clock.Now}); required. Populate sets it
	// to the time of each action and leaves it running from Now.
	Clock *Clock
	// Password is every demo person's password; empty means
	// DefaultPassword.
	Password string
	// SetPassword, when set, is called once for each demo person with
	// Password, as (*account.Service).SetPassword takes it. Without it the
	// people exist but cannot sign in with a password.
	SetPassword func(ctx context.Context, personID int64, password string) error
	// Awards, when set, is called once the approvals are done, with the
	// store's clock stopped at Now and the ids of every offering that may
	// be offered (approved, approved on an interim basis, or active), in
	// id order. It issues the demo's awards (learners are the people with
	// the learner role; a revoked and an expired one belong in the demo)
	// and returns them for the Summary. It may Set the Clock to issue in
	// the past; Populate sets it back to Now afterwards.
	Awards func(ctx context.Context, st *sqlstore.Store, approvedOfferings []int64) ([]AwardInfo, error)
}

// Scenario names what a demo offering shows, so that tests, the browser
// tests and cairn demo's printout can find it (Summary.Offering).
type Scenario string

// The scenarios. Each institution has one offering per scenario it shows.
const (
	// ScenarioDraft: a draft never submitted.
	ScenarioDraft Scenario = "draft"
	// ScenarioShortCourse and ScenarioMicroCourse: drafts of kinds the
	// institution's profile excludes (they cannot be submitted).
	ScenarioShortCourse Scenario = "short-course-out-of-scope"
	ScenarioMicroCourse Scenario = "micro-course-out-of-scope"
	// ScenarioAwaitingCompleteness: submitted; the chair has not yet
	// checked it.
	ScenarioAwaitingCompleteness Scenario = "awaiting-completeness"
	// ScenarioIncomplete: returned to the proponent as incomplete.
	ScenarioIncomplete Scenario = "incomplete"
	// ScenarioInReview: reviewers assigned, some reviews in.
	ScenarioInReview Scenario = "in-review"
	// ScenarioReviewLate: under review, one reviewer past the deadline
	// (and a duplication consultation answered).
	ScenarioReviewLate Scenario = "review-late"
	// ScenarioAwaitingVote: the question called, a ballot outstanding; the
	// case went back once as incomplete, so it has two versions.
	ScenarioAwaitingVote Scenario = "awaiting-vote"
	// ScenarioMeeting: the vote failed; a meeting is scheduled.
	ScenarioMeeting Scenario = "meeting-scheduled"
	// ScenarioReturned: the final vote after the meeting failed; returned
	// for revisions.
	ScenarioReturned Scenario = "returned-for-revision"
	// ScenarioAppealed: returned, then appealed; the appeal awaits the
	// chair's discretion.
	ScenarioAppealed Scenario = "appealed"
	// ScenarioAwaitingProvost: approved by the committee, signed by its
	// chair, awaiting the Provost's signature.
	ScenarioAwaitingProvost Scenario = "awaiting-provost"
	// ScenarioApproved: approved at the end of its track.
	ScenarioApproved Scenario = "approved"
	// ScenarioInterimAtSSCC: credit-bearing, signed, offered as non-credit
	// on an interim basis while SSCC reviews it.
	ScenarioInterimAtSSCC Scenario = "interim-at-sscc"
	// ScenarioAtSenate: recommended to Senate, awaiting its decision.
	ScenarioAtSenate Scenario = "at-senate"
	// ScenarioApprovedBySenate: credit-bearing, approved by Senate.
	ScenarioApprovedBySenate Scenario = "approved-by-senate"
	// ScenarioBadgeInReview, ScenarioBadgeApproved, ScenarioBadgeChallenged:
	// digital badges under review, approved, and approved then challenged.
	ScenarioBadgeInReview   Scenario = "badge-in-review"
	ScenarioBadgeApproved   Scenario = "badge-approved"
	ScenarioBadgeChallenged Scenario = "badge-challenged"
	// ScenarioActive: approved and running, its annual review done.
	ScenarioActive Scenario = "active"
	// ScenarioAnnualReviewDue: running, its annual review due.
	ScenarioAnnualReviewDue Scenario = "annual-review-due"
	// ScenarioFlagged: not run for a year, flagged for discontinuance.
	ScenarioFlagged Scenario = "flagged-for-discontinuance"
	// ScenarioDiscontinued: flagged, proposed and discontinued.
	ScenarioDiscontinued Scenario = "discontinued"
	// ScenarioWithdrawn: withdrawn by its proponent during review.
	ScenarioWithdrawn Scenario = "withdrawn"
)

// Populate fills an empty store with the demo (see the package comment)
// and returns its Summary. The store must have been opened with
// opts.Clock; a store that already holds an institution is refused with a
// Conflict.
func Populate(ctx context.Context, st *sqlstore.Store, opts Options) (Summary, error) {
	if st == nil || opts.Clock == nil {
		return Summary{}, apperror.New(apperror.Invalid, "demo: a store and the clock it was opened with are required")
	}
	now := opts.Now
	if now.IsZero() {
		now = opts.Clock.Now()
	}
	now = now.UTC().Truncate(time.Microsecond)
	password := opts.Password
	if password == "" {
		password = DefaultPassword
	}
	have, err := st.Institutions(ctx)
	if err != nil {
		return Summary{}, fmt.Errorf("demo: %w", err)
	}
	if len(have) > 0 {
		return Summary{}, apperror.New(apperror.Conflict, "demo: the store already holds %d institutions; the demo fills an empty one", len(have))
	}
	p := &populator{st: st, a: st.Approvals(nil), clk: opts.Clock, now: now, password: password, opts: opts}
	if err := p.run(ctx); err != nil {
		return Summary{}, err
	}
	return p.summary, nil
}

// populator carries one Populate call.
type populator struct {
	st       *sqlstore.Store
	a        *sqlstore.Approvals
	clk      *Clock
	now      time.Time
	password string
	opts     Options

	sites   []*site
	offers  []*offer
	events  []event
	summary Summary
}

func (p *populator) run(ctx context.Context) error {
	// Committees sit from the 1 September before the earliest demo action
	// (about fifteen months back), so every action finds them seated.
	base := p.now.AddDate(0, 0, -520)
	termStart := time.Date(base.Year(), time.September, 1, 0, 0, 0, 0, time.UTC)
	if termStart.After(base) {
		termStart = termStart.AddDate(-1, 0, 0)
	}
	for _, spec := range []siteSpec{kpuSpec(), yukonSpec()} {
		s, err := p.setup(ctx, spec, termStart)
		if err != nil {
			return fmt.Errorf("demo: set up %s: %w", spec.inst.Slug, err)
		}
		p.sites = append(p.sites, s)
	}
	if err := p.setupOperator(ctx); err != nil {
		return fmt.Errorf("demo: installation operator: %w", err)
	}
	p.planKPU(p.sites[0])
	p.planYukon(p.sites[1])
	if err := p.play(ctx); err != nil {
		return err
	}
	p.clk.Set(p.now)
	for _, s := range p.sites {
		if _, err := p.a.CheckDeadlines(ctx, s.inst.ID); err != nil {
			return fmt.Errorf("demo: %s deadlines: %w", s.inst.Slug, err)
		}
		if _, err := p.a.SendPolicyReviewReminders(ctx, s.inst.ID); err != nil {
			return fmt.Errorf("demo: %s policy review reminders: %w", s.inst.Slug, err)
		}
	}
	var awards []AwardInfo
	if p.opts.Awards != nil {
		ids, err := p.offerable(ctx)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if awards, err = p.opts.Awards(ctx, p.st, ids); err != nil {
			return fmt.Errorf("demo: awards: %w", err)
		}
		p.clk.Set(p.now)
	}
	if err := p.summarize(ctx, awards); err != nil {
		return fmt.Errorf("demo: summary: %w", err)
	}
	p.clk.Run()
	return nil
}

// The demo's installation operator: someone who runs the installation and
// sets up institutions, holding no role at either demo institution.
const (
	operatorName  = "Morgan Tremblay"
	operatorEmail = "operator@cairn-demo.example"
	operatorTitle = "Installation operator"
	operatorTry   = "add an institution with its first administrator at /admin/institutions/new"
)

// setupOperator adds the installation operator with the demo password.
func (p *populator) setupOperator(ctx context.Context) error {
	person := org.Person{Name: operatorName, Email: operatorEmail}
	if err := p.st.CreatePerson(ctx, &person); err != nil {
		return err
	}
	if err := p.st.GrantOperator(ctx, person.ID, 0); err != nil {
		return err
	}
	if p.opts.SetPassword != nil {
		return p.opts.SetPassword(ctx, person.ID, p.password)
	}
	return nil
}

// operatorSignIns are the sign-ins of the installation's operators.
func (p *populator) operatorSignIns(ctx context.Context) ([]SignIn, error) {
	ops, err := p.st.Operators(ctx)
	if err != nil {
		return nil, err
	}
	var out []SignIn
	for _, o := range ops {
		si := SignIn{PersonID: o.ID, Name: o.Name, Email: o.Email, Password: p.password, Title: operatorTitle, Operator: true}
		if o.Email == operatorEmail {
			si.Try = operatorTry
		}
		out = append(out, si)
	}
	return out, nil
}

// offerable returns the ids of the offerings that may be offered.
func (p *populator) offerable(ctx context.Context) ([]int64, error) {
	var ids []int64
	for _, s := range p.sites {
		os, err := p.st.Offerings(ctx, s.inst.ID)
		if err != nil {
			return nil, err
		}
		for _, o := range os {
			if o.Status.Offerable() {
				ids = append(ids, o.ID)
			}
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// event is one demo action at its time.
type event struct {
	at   time.Time
	seq  int
	what string
	do   func(context.Context) error
}

// at schedules fn at t.
func (p *populator) at(t time.Time, what string, fn func(context.Context) error) {
	p.events = append(p.events, event{at: t, seq: len(p.events), what: what, do: fn})
}

// play runs the scheduled actions in time order, each with the store's
// clock stopped at its time, so the audit log reads in order.
func (p *populator) play(ctx context.Context) error {
	slices.SortStableFunc(p.events, func(a, b event) int {
		return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.seq, b.seq))
	})
	for _, ev := range p.events {
		if !ev.at.Before(p.now) {
			return fmt.Errorf("demo: %s is planned at %s, not before the demo's present %s", ev.what, ev.at, p.now)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		p.clk.Set(ev.at)
		if err := ev.do(ctx); err != nil {
			return fmt.Errorf("demo: %s at %s: %w", ev.what, ev.at.Format(time.RFC3339), err)
		}
	}
	return nil
}

// siteSpec is what one demo institution is made of.
type siteSpec struct {
	inst       org.Institution
	units      []unitSpec
	partners   []org.Partner
	closure    closureSpec
	people     []personSpec
	committees []committeeSpec
}

// unitSpec is an org unit; parent and code name units by code. category
// is the unit's category in the profile's terms, given with proposals.
type unitSpec struct {
	code, name, parent string
	kind               org.UnitKind
	category           string
}

// closureSpec is a closure the institution observes every year from a
// day in December to a day in January.
type closureSpec struct {
	fromDec, toJan int
	reason         string
}

// personSpec is a demo person; key names them in the plans. roles are
// "role" or "role@UNITCODE".
type personSpec struct {
	key, name, email, title string
	roles                   []string
}

// committeeSpec is a committee, its seats and how its chair was elected:
// votes maps each voting member to the candidate they chose.
type committeeSpec struct {
	key, name  string
	seats      []seatSpec
	candidates []string
	votes      map[string]string
}

// seatSpec is one member's seat; unit is a unit code or "".
type seatSpec struct {
	person   string
	category org.MemberCategory
	unit     string
}

// site is a demo institution as set up.
type site struct {
	spec  siteSpec
	inst  org.Institution
	cal   *workday.Calendar
	loc   *time.Location
	now   time.Time
	units map[string]int64
	cats  map[string]string // unit code → category
	who   map[string]int64  // person key → id
	names map[string]string // person key → name
	chair map[string]string // committee key → chair's person key
	seats map[string][]string
	try   map[string][]string // person key → what waits for them

	back, ahead []workday.Date // working days before and after now's date
	termStart   time.Time
}

// setup creates the institution with its units, partners, closures,
// people, role grants and committees.
func (p *populator) setup(ctx context.Context, spec siteSpec, termStart time.Time) (*site, error) {
	loc, err := time.LoadLocation(spec.inst.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("time zone: %w", err)
	}
	s := &site{spec: spec, loc: loc, now: p.now, units: map[string]int64{}, cats: map[string]string{},
		who: map[string]int64{}, names: map[string]string{}, chair: map[string]string{}, seats: map[string][]string{},
		try: map[string][]string{}, termStart: termStart}
	p.clk.Set(time.Date(termStart.Year(), termStart.Month(), termStart.Day()-14, 10, 0, 0, 0, loc))
	s.inst = spec.inst
	if err := p.st.CreateInstitution(ctx, &s.inst); err != nil {
		return nil, err
	}
	for _, u := range spec.units {
		ou := org.OrgUnit{InstitutionID: s.inst.ID, ParentID: s.units[u.parent], Kind: u.kind, Name: u.name, Code: u.code}
		if err := p.st.CreateOrgUnit(ctx, &ou); err != nil {
			return nil, fmt.Errorf("unit %s: %w", u.code, err)
		}
		s.units[u.code], s.cats[u.code] = ou.ID, u.category
	}
	for _, pa := range spec.partners {
		pa.InstitutionID = s.inst.ID
		if err := p.st.CreatePartner(ctx, &pa); err != nil {
			return nil, fmt.Errorf("partner %s: %w", pa.Name, err)
		}
	}
	for y := termStart.Year(); y <= p.now.Year(); y++ {
		c := org.Closure{InstitutionID: s.inst.ID, From: time.Date(y, time.December, spec.closure.fromDec, 0, 0, 0, 0, time.UTC),
			To: time.Date(y+1, time.January, spec.closure.toJan, 0, 0, 0, 0, time.UTC), Reason: spec.closure.reason}
		if err := p.st.AddClosure(ctx, &c); err != nil {
			return nil, fmt.Errorf("closure %d: %w", y, err)
		}
	}
	for _, ps := range spec.people {
		person := org.Person{Name: ps.name, Email: ps.email}
		if err := p.st.CreatePerson(ctx, &person); err != nil {
			return nil, fmt.Errorf("person %s: %w", ps.key, err)
		}
		s.who[ps.key], s.names[ps.key] = person.ID, ps.name
		for _, r := range ps.roles {
			role, unit, _ := strings.Cut(r, "@")
			if err := s.grant(ctx, p.st, person.ID, org.Role(role), unit); err != nil {
				return nil, fmt.Errorf("person %s role %s: %w", ps.key, r, err)
			}
		}
		if p.opts.SetPassword != nil {
			if err := p.opts.SetPassword(ctx, person.ID, p.password); err != nil {
				return nil, fmt.Errorf("person %s password: %w", ps.key, err)
			}
		}
	}
	termEnd := termStart.AddDate(4, 0, -1)
	for _, cs := range spec.committees {
		if err := p.committee(ctx, s, cs, termStart, termEnd); err != nil {
			return nil, fmt.Errorf("committee %s: %w", cs.key, err)
		}
	}
	e, err := p.a.Engine(ctx, s.inst.ID)
	if err != nil {
		return nil, err
	}
	s.cal = e.Calendar()
	s.back, s.ahead = s.workingDays(-1, 400), s.workingDays(1, 40)
	return s, nil
}

func (s *site) grant(ctx context.Context, st *sqlstore.Store, person int64, role org.Role, unit string) error {
	var unitID int64
	if unit != "" {
		id, ok := s.units[unit]
		if !ok {
			return fmt.Errorf("no unit %s", unit)
		}
		unitID = id
	}
	return st.GrantRole(ctx, org.RoleGrant{PersonID: person, InstitutionID: s.inst.ID, Role: role, UnitID: unitID})
}

// committee creates a committee, seats its members for the term and
// records the election of its chair two weeks into the term.
func (p *populator) committee(ctx context.Context, s *site, cs committeeSpec, termStart, termEnd time.Time) error {
	c := org.Committee{InstitutionID: s.inst.ID, Key: cs.key, Name: cs.name}
	if err := p.st.CreateCommittee(ctx, &c); err != nil {
		return err
	}
	for _, seat := range cs.seats {
		m := org.Membership{CommitteeID: c.ID, PersonID: s.who[seat.person], Category: seat.category,
			UnitID: s.units[seat.unit], TermStart: termStart, TermEnd: termEnd}
		if err := p.st.AddMembership(ctx, &m); err != nil {
			return fmt.Errorf("seat %s: %w", seat.person, err)
		}
		if err := s.grant(ctx, p.st, m.PersonID, org.CommitteeMember, ""); err != nil {
			return err
		}
		s.seats[seat.person] = append(s.seats[seat.person], cs.key)
	}
	e := org.ChairElection{CommitteeID: c.ID,
		At: time.Date(termStart.Year(), termStart.Month(), termStart.Day()+14, 12, 30, 0, 0, s.loc)}
	for _, k := range cs.candidates {
		e.Candidates = append(e.Candidates, s.who[k])
	}
	for _, seat := range cs.seats {
		if choice, ok := cs.votes[seat.person]; ok {
			e.Votes = append(e.Votes, org.ChairVote{VoterID: s.who[seat.person], CandidateID: s.who[choice]})
		}
	}
	e.ElectedID = e.Leaders()[0]
	if err := p.st.RecordChairElection(ctx, &e); err != nil {
		return err
	}
	for k, id := range s.who {
		if id == e.ElectedID {
			s.chair[cs.key] = k
		}
	}
	return s.grant(ctx, p.st, e.ElectedID, org.CommitteeChair, "")
}

// workingDays lists n working days from now's date in direction dir
// (-1 back, +1 ahead), nearest first, now's own date excluded.
func (s *site) workingDays(dir, n int) []workday.Date {
	var out []workday.Date
	for d := s.cal.DateOf(s.now); len(out) < n; {
		d = d.AddDays(dir)
		if _, off := s.cal.DayOff(d); !off {
			out = append(out, d)
		}
	}
	return out
}

// ago is the local time hhmm on the working day n working days before
// the demo's present (n >= 1).
func (s *site) ago(n int, hhmm string) time.Time { return s.atTime(s.back[n-1], hhmm) }

// later is the local time hhmm on the working day n working days after
// the demo's present (n >= 1).
func (s *site) later(n int, hhmm string) time.Time { return s.atTime(s.ahead[n-1], hhmm) }

func (s *site) atTime(d workday.Date, hhmm string) time.Time {
	h, m, _ := strings.Cut(hhmm, ":")
	hh, _ := strconv.Atoi(h)
	mm, _ := strconv.Atoi(m)
	return time.Date(d.Year, d.Month, d.Day, hh, mm, 0, 0, s.loc)
}

// id returns the id of the person with key. The plans are fixed data
// that name only people of the spec, so an unknown key is a bug in them
// (which every test run would show), not a condition to handle.
func (s *site) id(key string) int64 {
	id, ok := s.who[key]
	if !ok {
		panic("demo: no person " + key + " at " + s.inst.Slug)
	}
	return id
}

func (s *site) ids(keys ...string) []int64 {
	out := make([]int64, len(keys))
	for i, k := range keys {
		out[i] = s.id(k)
	}
	return out
}

// tell records what waits for a person, for their sign-in.
func (s *site) tell(key, format string, args ...any) {
	s.id(key)
	s.try[key] = append(s.try[key], fmt.Sprintf(format, args...))
}

// offer is one demo offering and its case.
type offer struct {
	site     *site
	scenario Scenario
	unit     string
	id       int64
	c        *approval.Case
}

// step is one action on an offer's case: by (a person key; "" for the
// system) does do, an approval.Action or one of the demo's own below, n
// working days before the present at local time hhmm.
type step struct {
	ago int
	at  string
	by  string
	do  any
}

func on(ago int, at, by string, do any) step { return step{ago: ago, at: at, by: by, do: do} }

// The demo's own steps, which need what only exists once earlier steps
// ran.
type (
	// submit submits the draft, by the step's person with co-proponents.
	submit struct{ with []string }
	// edit changes the draft, as a proponent revising it.
	edit func(*catalog.Form)
	// sign signs the version under review.
	sign struct{}
	// consult confirms a flagged duplication of an existing demo offering
	// and asks the consultee to respond.
	consult struct {
		existing  *offer
		consultee string
	}
	// offeringRun records a run of the approved offering.
	offeringRun struct{ starts, ends time.Time }
)

// propose creates the offering three working days before its first step
// (or at created when there are no steps) and schedules the steps.
func (p *populator) propose(s *site, sc Scenario, unit, proponent string, f catalog.Form, created int, steps ...step) *offer {
	o := &offer{site: s, scenario: sc, unit: unit}
	p.offers = append(p.offers, o)
	if len(steps) > 0 {
		created = steps[0].ago + 3
	}
	p.at(s.ago(created, "09:10"), fmt.Sprintf("%s: %s drafts %q", s.inst.Slug, proponent, f.Title), func(ctx context.Context) error {
		so := sqlstore.Offering{InstitutionID: s.inst.ID, UnitID: s.units[unit], Draft: f}
		if err := p.st.CreateOffering(ctx, &so); err != nil {
			return err
		}
		o.id = so.ID
		return nil
	})
	for _, st := range steps {
		what := fmt.Sprintf("%s %q: %s by %s", s.inst.Slug, f.Title, stepName(st.do), cmp.Or(st.by, "system"))
		p.at(s.ago(st.ago, st.at), what, func(ctx context.Context) error { return p.apply(ctx, o, st) })
	}
	return o
}

func stepName(do any) string {
	switch a := do.(type) {
	case submit:
		return "submit"
	case edit:
		return "edit draft"
	case sign:
		return "sign"
	case consult:
		return "confirm duplication"
	case offeringRun:
		return "record run"
	case approval.Action:
		return approval.NameOf(a)
	}
	return fmt.Sprintf("%T", do)
}

// apply does one step.
func (p *populator) apply(ctx context.Context, o *offer, st step) error {
	s := o.site
	var by int64
	if st.by != "" {
		by = s.id(st.by)
	}
	var action approval.Action
	switch a := st.do.(type) {
	case submit:
		prop := sqlstore.Proposal{OfferingID: o.id, By: by, Proponents: append([]int64{by}, s.ids(a.with...)...),
			UnitCategory: s.cats[o.unit]}
		c, _, err := p.a.SubmitProposal(ctx, prop)
		if err != nil {
			return err
		}
		o.c = c
		return nil
	case edit:
		so, err := p.st.Offering(ctx, o.id)
		if err != nil {
			return err
		}
		a(&so.Draft)
		return p.st.UpdateDraft(ctx, &so)
	case offeringRun:
		return p.st.RecordRun(ctx, &sqlstore.OfferingRun{OfferingID: o.id, StartsOn: a.starts, EndsOn: a.ends})
	case sign:
		action = approval.Sign{VersionHash: o.c.Current().Hash}
	case consult:
		action = approval.ConfirmDuplication{ExistingOffering: a.existing.id, Consultee: s.id(a.consultee)}
	case approval.Action:
		action = a
	default:
		return fmt.Errorf("unknown demo step %T", st.do)
	}
	if o.c == nil {
		return fmt.Errorf("%s before the proposal was submitted", approval.NameOf(action))
	}
	c, _, err := p.a.Act(ctx, o.c.ID, by, action)
	if err != nil {
		return err
	}
	o.c = c
	return nil
}

// summarize reads back what the demo made.
func (p *populator) summarize(ctx context.Context, awards []AwardInfo) error {
	sum := Summary{Now: p.now, OfferingStatuses: map[catalog.Status]int{}, Awards: awards}
	far := p.now.AddDate(5, 0, 0)
	for _, s := range p.sites {
		info, err := p.institutionInfo(ctx, s, far)
		if err != nil {
			return err
		}
		sum.Institutions = append(sum.Institutions, info)
		signIns, err := p.signIns(ctx, s)
		if err != nil {
			return err
		}
		sum.SignIns = append(sum.SignIns, signIns...)
		cases, err := p.st.Cases(ctx, sqlstore.CaseQuery{InstitutionIDs: []int64{s.inst.ID}, Limit: sqlstore.MaxPageSize})
		if err != nil {
			return err
		}
		counts := map[StepCount]int{}
		for _, c := range cases {
			counts[StepCount{Institution: s.inst.Slug, Track: c.Track, Step: c.Step, Status: c.Status}]++
		}
		for k, n := range counts {
			k.Count = n
			sum.CaseSteps = append(sum.CaseSteps, k)
		}
		all, err := p.st.Offerings(ctx, s.inst.ID)
		if err != nil {
			return err
		}
		for _, o := range all {
			sum.OfferingStatuses[o.Status]++
		}
	}
	ops, err := p.operatorSignIns(ctx)
	if err != nil {
		return err
	}
	sum.SignIns = append(sum.SignIns, ops...)
	slices.SortFunc(sum.CaseSteps, func(a, b StepCount) int {
		return cmp.Or(cmp.Compare(a.Institution, b.Institution), cmp.Compare(a.Track, b.Track),
			cmp.Compare(a.Step, b.Step), cmp.Compare(a.Status, b.Status))
	})
	for _, o := range p.offers {
		info, err := p.offeringInfo(ctx, o)
		if err != nil {
			return err
		}
		sum.Offerings = append(sum.Offerings, info)
	}
	slices.SortFunc(sum.Offerings, func(a, b OfferingInfo) int { return cmp.Compare(a.ID, b.ID) })
	p.summary = sum
	return nil
}

func (p *populator) institutionInfo(ctx context.Context, s *site, far time.Time) (InstitutionInfo, error) {
	info := InstitutionInfo{ID: s.inst.ID, Slug: s.inst.Slug, Name: s.inst.Name, Profile: s.inst.PolicyProfile, People: len(s.spec.people)}
	units, err := p.st.OrgUnits(ctx, s.inst.ID)
	if err != nil {
		return info, err
	}
	partners, err := p.st.Partners(ctx, s.inst.ID)
	if err != nil {
		return info, err
	}
	closures, err := p.st.Closures(ctx, s.inst.ID, s.termStart.AddDate(-1, 0, 0), far)
	if err != nil {
		return info, err
	}
	info.Units, info.Partners, info.Closures = len(units), len(partners), len(closures)
	committees, err := p.st.Committees(ctx, s.inst.ID)
	if err != nil {
		return info, err
	}
	for _, c := range committees {
		ms, err := p.st.Memberships(ctx, c.ID)
		if err != nil {
			return info, err
		}
		e, err := p.st.LatestChairElection(ctx, c.ID)
		if err != nil {
			return info, err
		}
		chair, err := p.st.Person(ctx, e.ElectedID)
		if err != nil {
			return info, err
		}
		n := 0
		for _, m := range ms {
			if m.ActiveOn(p.now) {
				n++
			}
		}
		info.Committees = append(info.Committees, CommitteeInfo{ID: c.ID, Key: c.Key, Name: c.Name, Chair: chair.Name,
			ChairEmail: chair.Email, Members: n})
	}
	return info, nil
}

func (p *populator) signIns(ctx context.Context, s *site) ([]SignIn, error) {
	codes := map[int64]string{}
	for code, id := range s.units {
		codes[id] = code
	}
	var out []SignIn
	for _, ps := range s.spec.people {
		person, err := p.st.Person(ctx, s.who[ps.key])
		if err != nil {
			return nil, err
		}
		si := SignIn{Institution: s.inst.Slug, PersonID: person.ID, Name: person.Name, Email: person.Email,
			Password: p.password, Title: ps.title, Try: strings.Join(s.try[ps.key], " ")}
		for _, g := range person.Roles {
			r := string(g.Role)
			if g.UnitID != 0 {
				r += "@" + codes[g.UnitID]
			}
			si.Roles = append(si.Roles, r)
		}
		slices.Sort(si.Roles)
		for _, key := range s.seats[ps.key] {
			if s.chair[key] == ps.key {
				key += " (chair)"
			}
			si.Committees = append(si.Committees, key)
		}
		out = append(out, si)
	}
	return out, nil
}

func (p *populator) offeringInfo(ctx context.Context, o *offer) (OfferingInfo, error) {
	so, err := p.st.Offering(ctx, o.id)
	if err != nil {
		return OfferingInfo{}, err
	}
	info := OfferingInfo{ID: so.ID, Institution: o.site.inst.Slug, Scenario: o.scenario, Title: so.Draft.Title,
		Kind: so.Draft.Kind, Credit: so.Draft.CreditStatus, Status: so.Status, Unit: o.unit}
	ids, err := p.a.OfferingCases(ctx, so.ID)
	if err != nil || len(ids) == 0 {
		return info, err
	}
	c, err := p.a.Case(ctx, ids[len(ids)-1])
	if err != nil {
		return info, err
	}
	info.CaseID, info.Track, info.Step, info.CaseStatus = c.ID, c.Track, c.Step, c.Status
	return info, nil
}

// meeting records that a committee met.
func (p *populator) meeting(s *site, committee string, at time.Time, notes string) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := p.st.RecordCommitteeMeeting(ctx, s.inst.ID, committee, at, notes)
		return err
	}
}
