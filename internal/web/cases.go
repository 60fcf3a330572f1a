package web

import (
	"bytes"
	"context"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/approval"
	"cairn/internal/audit"
	"cairn/internal/catalog"
	"cairn/internal/policy"
	"cairn/internal/sqlstore"
)

// minLikeness is the least likeness of a similar offering the case page
// shows; below it the offerings share next to nothing.
const minLikeness = 0.01

// maxHistory bounds the audit events a case page shows.
const maxHistory = 500

// caseView is a case as its page and the API show it to one actor.
type caseView struct {
	ID            int64       `json:"id"`
	InstitutionID int64       `json:"institutionId"`
	Institution   string      `json:"institution"`
	OfferingID    int64       `json:"offeringId"`
	Title         string      `json:"title"`
	Track         string      `json:"track"`
	TrackLabel    string      `json:"trackLabel"`
	Status        string      `json:"status"`
	Result        string      `json:"result,omitempty"`
	Step          string      `json:"step"`
	StepLabel     string      `json:"stepLabel"`
	StepKind      string      `json:"stepKind"`
	Clause        string      `json:"clause,omitempty"`
	Version       int         `json:"version"`
	VersionHash   string      `json:"versionHash"`
	Interim       bool        `json:"interim"`
	Proponents    []personRef `json:"proponents"`
	Due           *dueView    `json:"due,omitempty"`
	WaitingOn     []dutyView  `json:"waitingOn"`
	// Can lists the actions the actor may take now, by name.
	Can     []string           `json:"can"`
	Similar []approval.Similar `json:"similar"`

	Reviews       []reviewView          `json:"reviews"`
	Consultations []consultView         `json:"consultations"`
	Ballots       []ballotView          `json:"ballots"`
	Meetings      []meetingView         `json:"meetings"`
	Appeals       []appealView          `json:"appeals"`
	Decisions     []decisionView        `json:"decisions"`
	Signatures    []signatureView       `json:"signatures"`
	Versions      []versionView         `json:"versions"`
	Diff          []catalog.FieldChange `json:"diff,omitempty"`
	DiffFrom      int                   `json:"diffFrom,omitempty"`
	DiffTo        int                   `json:"diffTo,omitempty"`
	History       []historyView         `json:"history"`
	// Tampered counts the history's events whose hash does not match.
	Tampered int `json:"tampered"`

	// What the action forms need; not part of the API answer.
	Members []personRef `json:"-"`
	// Alike are the similar offerings worth showing: likeness of 1% or
	// more.
	Alike []approval.Similar `json:"-"`
	// Eligible are the members the chair may assign as reviewers now.
	Eligible  []personRef     `json:"-"`
	Questions []questionView  `json:"-"`
	Error     string          `json:"-"`
	ErrorOf   string          `json:"-"`
	Done      string          `json:"-"`
	Yours     map[string]bool `json:"-"`
	Form      []formValueView `json:"-"`
}

type dutyView struct {
	Person personRef `json:"person"`
	Action string    `json:"action"`
	Label  string    `json:"label"`
	Due    *dueView  `json:"due,omitempty"`
}

type reviewView struct {
	Reviewer    personRef         `json:"reviewer"`
	Version     int               `json:"version"`
	Answers     []approval.Answer `json:"answers"`
	Comment     string            `json:"comment,omitempty"`
	SubmittedAt time.Time         `json:"submittedAt"`
	Late        bool              `json:"late"`
}

type consultView struct {
	No          int       `json:"no"`
	Question    string    `json:"question"`
	Consultee   personRef `json:"consultee"`
	Offering    int64     `json:"existingOffering"`
	Response    string    `json:"response,omitempty"`
	RespondedAt time.Time `json:"respondedAt,omitzero"`
	Late        bool      `json:"late"`
}

type ballotView struct {
	Voter   personRef `json:"voter"`
	Approve bool      `json:"approve"`
	Comment string    `json:"comment,omitempty"`
	CastAt  time.Time `json:"castAt"`
}

type meetingView struct {
	ScheduledFor time.Time   `json:"scheduledFor,omitzero"`
	Place        string      `json:"place,omitempty"`
	Minutes      string      `json:"minutes,omitempty"`
	Attendees    []personRef `json:"attendees,omitempty"`
	RecordedAt   time.Time   `json:"recordedAt,omitzero"`
}

type appealView struct {
	FiledBy personRef `json:"filedBy"`
	Grounds string    `json:"grounds"`
	FiledAt time.Time `json:"filedAt"`
	Status  string    `json:"status"`
	Note    string    `json:"note,omitempty"`
}

type decisionView struct {
	Step    string    `json:"step"`
	Kind    string    `json:"kind"`
	Outcome string    `json:"outcome"`
	By      personRef `json:"by"`
	Note    string    `json:"note,omitempty"`
	At      time.Time `json:"at"`
}

type signatureView struct {
	Signer   personRef `json:"signer"`
	Role     string    `json:"role"`
	Version  int       `json:"version"`
	Hash     string    `json:"hash"`
	SignedAt time.Time `json:"signedAt"`
	Valid    bool      `json:"valid"`
}

type versionView struct {
	Number      int       `json:"number"`
	Hash        string    `json:"hash"`
	Title       string    `json:"title"`
	SubmittedAt time.Time `json:"submittedAt"`
}

type historyView struct {
	Seq    int64     `json:"seq"`
	At     time.Time `json:"at"`
	Who    string    `json:"who"`
	Action string    `json:"action"`
	What   string    `json:"what"`
	// Hash and PrevHash are the event's link in the hash-chained audit
	// log, hex; Intact is whether the event's hash, recomputed from what
	// the log holds, matches it.
	Hash     string `json:"hash"`
	PrevHash string `json:"prevHash"`
	Intact   bool   `json:"intact"`
}

type questionView struct {
	ID      string
	Text    string
	Clause  string
	Answers []string
}

type formValueView struct {
	Label string
	Value string
}

// caseContext is a loaded case with what reading it needs.
type caseContext struct {
	c      *approval.Case
	engine *approval.Engine
	roster *approval.Roster
}

// loadCase loads a case the actor may do act to.
func (s *Server) loadCase(ctx context.Context, a *actor, id int64, act action) (*caseContext, error) {
	c, err := s.approvals.Case(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := authorize(a, act, onCase(c)); err != nil {
		return nil, err
	}
	e, err := s.approvals.Engine(ctx, c.InstitutionID)
	if err != nil {
		return nil, err
	}
	r, err := s.approvals.Roster(ctx, c.InstitutionID)
	if err != nil {
		return nil, err
	}
	return &caseContext{c: c, engine: e, roster: r}, nil
}

// view builds the case's view for the actor. diffFrom and diffTo choose
// the versions compared (0: the previous and the current one).
func (s *Server) caseView(ctx context.Context, a *actor, cc *caseContext, diffFrom, diffTo int) (*caseView, error) {
	c, p := cc.c, cc.engine.Profile()
	n := s.names(ctx)
	now := s.now()
	cur := c.Current()
	v := &caseView{
		ID: c.ID, InstitutionID: c.InstitutionID, Institution: s.institutionName(ctx, c.InstitutionID),
		OfferingID: c.OfferingID, Title: cur.Title, Track: c.Track, TrackLabel: c.Track,
		Status: string(c.Status), Result: c.Result, Step: c.Step, StepLabel: c.Step,
		Version: cur.Number, VersionHash: cur.Hash, Interim: c.Interim, Similar: c.Similar,
		Yours: map[string]bool{},
	}
	if t, ok := p.Track(c.Track); ok {
		if t.Label != "" {
			v.TrackLabel = t.Label
		}
		if st, ok := t.Step(c.Step); ok {
			v.StepKind, v.Clause = string(st.Kind), st.Clause
			if st.Label != "" {
				v.StepLabel = st.Label
			}
			v.Questions = questionsOf(p, st)
			if st.Committee != "" {
				for _, id := range cc.roster.Members(st.Committee) {
					v.Members = append(v.Members, n.ref(id))
				}
				for _, id := range eligibleReviewers(c, cc.roster, st) {
					v.Eligible = append(v.Eligible, n.ref(id))
				}
			}
		}
	}
	for _, id := range c.Proponents {
		v.Proponents = append(v.Proponents, n.ref(id))
	}
	for _, sm := range c.Similar {
		if sm.Score >= minLikeness {
			v.Alike = append(v.Alike, sm)
		}
	}
	v.Due = dueOf(cc.engine, openDeadline(c, approval.DeadlineStep, 0, 0), now)
	for _, d := range duties(p, cc.roster, c) {
		v.WaitingOn = append(v.WaitingOn, dutyView{Person: n.ref(d.Person), Action: d.Action, Label: d.Label, Due: dueOf(cc.engine, d.Deadline, now)})
		if d.Person == a.person.ID {
			v.Yours[d.Action] = true
		}
	}
	s.extraActions(a, cc, v)
	for _, name := range actionNames {
		if v.Yours[name] {
			v.Can = append(v.Can, name)
		}
	}
	for _, r := range c.Reviews {
		v.Reviews = append(v.Reviews, reviewView{Reviewer: n.ref(r.Reviewer), Version: r.Version, Answers: r.Answers, Comment: r.Comment, SubmittedAt: r.SubmittedAt, Late: r.Late})
	}
	for _, k := range c.Consultations {
		v.Consultations = append(v.Consultations, consultView{No: k.No, Question: k.Question, Consultee: n.ref(k.Consultee), Offering: k.ExistingOffering,
			Response: k.Response, RespondedAt: k.RespondedAt, Late: k.Late})
	}
	for _, b := range c.Ballots {
		v.Ballots = append(v.Ballots, ballotView{Voter: n.ref(b.Voter), Approve: b.Approve, Comment: b.Comment, CastAt: b.CastAt})
	}
	for _, m := range c.Meetings {
		mv := meetingView{ScheduledFor: m.ScheduledFor, Place: m.Place, Minutes: m.Minutes, RecordedAt: m.RecordedAt}
		for _, id := range m.Attendees {
			mv.Attendees = append(mv.Attendees, n.ref(id))
		}
		v.Meetings = append(v.Meetings, mv)
	}
	for _, ap := range c.Appeals {
		v.Appeals = append(v.Appeals, appealView{FiledBy: n.ref(ap.FiledBy), Grounds: ap.Grounds, FiledAt: ap.FiledAt, Status: string(ap.Status), Note: ap.Note})
	}
	for _, d := range c.Decisions {
		v.Decisions = append(v.Decisions, decisionView{Step: d.Step, Kind: string(d.Kind), Outcome: d.Outcome, By: n.ref(d.By), Note: d.Note, At: d.At})
	}
	valid := c.ValidSignatures()
	for _, sg := range c.Signatures {
		v.Signatures = append(v.Signatures, signatureView{Signer: n.ref(sg.Signer), Role: sg.Role, Version: sg.Version, Hash: sg.Hash, SignedAt: sg.SignedAt,
			Valid: slices.ContainsFunc(valid, func(x approval.Signature) bool { return x.No == sg.No })})
	}
	for _, vr := range c.Versions {
		v.Versions = append(v.Versions, versionView{Number: vr.Number, Hash: vr.Hash, Title: vr.Title, SubmittedAt: vr.SubmittedAt})
	}
	if err := s.caseDiff(ctx, c, v, diffFrom, diffTo); err != nil {
		return nil, err
	}
	trail, err := s.store.AuditTrail(ctx, "case/"+strconv.FormatInt(c.ID, 10), maxHistory)
	if err != nil {
		return nil, err
	}
	for _, e := range trail {
		who := e.Actor
		if id, ok := strings.CutPrefix(e.Actor, "person/"); ok {
			if pid, err := strconv.ParseInt(id, 10, 64); err == nil {
				who = n.of(pid)
			}
		}
		v.History = append(v.History, historyView{Seq: e.Seq, At: e.At, Who: who, Action: e.Action, What: humanize(strings.TrimPrefix(e.Action, "case.")),
			Hash: hex.EncodeToString(e.Hash), PrevHash: hex.EncodeToString(e.PrevHash), Intact: bytes.Equal(audit.Digest(e), e.Hash)})
		if !v.History[len(v.History)-1].Intact {
			v.Tampered++
		}
	}
	return v, nil
}

// extraActions adds the actions that are open to the actor without being
// what the case waits on: a chair's clarification request and vote
// closing, a member's conflict declaration, the proponent's withdrawal and
// appeal, declining to sign.
func (s *Server) extraActions(a *actor, cc *caseContext, v *caseView) {
	c, me := cc.c, a.person.ID
	if c.Status.Final() || me == 0 {
		return
	}
	t, ok := cc.engine.Profile().Track(c.Track)
	if !ok {
		return
	}
	st, ok := t.Step(c.Step)
	if !ok {
		return
	}
	chair, _ := cc.roster.Chair(st.Committee)
	isChair := chair == me && st.Committee != ""
	if c.IsProponent(me) {
		v.Yours["withdraw"] = true
		if st.Kind == policy.StepReturnForRevision {
			if _, ok := st.NextStep(policy.OutcomeAppealed); ok {
				v.Yours["file_appeal"] = true
			}
		}
		return
	}
	if c.Status == approval.StatusWithProponent {
		return
	}
	switch st.Kind {
	case policy.StepCompletenessCheck:
		if v.Yours["completeness_decision"] {
			v.Yours["request_clarification"] = true
		}
	case policy.StepReview:
		if isChair {
			v.Yours["request_clarification"] = true
			v.Yours["confirm_duplication"] = len(c.ActiveAssignments(c.Visit)) > 0
			if st.ReplaceLate {
				v.Yours["replace_reviewer"] = true
			}
		}
		if cc.roster.IsMember(st.Committee, me) {
			v.Yours["declare_conflict"] = true
		}
	case policy.StepVote:
		if isChair {
			v.Yours["close_vote"] = true
		}
		if cc.roster.IsMember(st.Committee, me) {
			v.Yours["declare_conflict"] = true
		}
	case policy.StepMeeting:
		if isChair && meetingScheduled(c) {
			v.Yours["record_minutes"] = true
		}
	case policy.StepAppeal:
		if v.Yours["allow_appeal"] {
			v.Yours["refuse_appeal"] = true
		}
		if isChair {
			v.Yours["close_vote"] = true
		}
	case policy.StepSign:
		if v.Yours["sign"] {
			if _, ok := st.NextStep(policy.OutcomeDeclined); ok {
				v.Yours["decline_to_sign"] = true
			}
		}
	}
}

// eligibleReviewers are the members of the step's committee the chair may
// assign: never a proponent, nor a member who declared a conflict, nor the
// chair unless the step includes the chair, nor anyone already assigned
// (or replaced or recused) at this visit. The engine checks the same when
// the form is sent.
func eligibleReviewers(c *approval.Case, r *approval.Roster, st *policy.Step) []int64 {
	chair, hasChair := r.Chair(st.Committee)
	var out []int64
	for _, id := range r.Members(st.Committee) {
		switch {
		case c.IsProponent(id),
			hasChair && id == chair && !st.IncludeChair,
			slices.ContainsFunc(c.Conflicts, func(x approval.Conflict) bool { return x.Person == id }),
			slices.ContainsFunc(c.Assignments, func(x approval.Assignment) bool { return x.Visit == c.Visit && x.Reviewer == id }):
			continue
		}
		out = append(out, id)
	}
	return out
}

func questionsOf(p *policy.Profile, st *policy.Step) []questionView {
	var out []questionView
	for _, id := range st.Questions {
		if q, ok := p.Question(id); ok {
			out = append(out, questionView{ID: q.ID, Text: q.Text, Clause: q.Clause, Answers: q.Answer.Answers()})
		}
	}
	return out
}

// caseDiff fills in the changes between two of the case's versions and
// the current version's form.
func (s *Server) caseDiff(ctx context.Context, c *approval.Case, v *caseView, from, to int) error {
	versions, err := s.store.OfferingVersions(ctx, c.OfferingID)
	if err != nil {
		return err
	}
	byNumber := map[int]catalog.Version{}
	for _, x := range versions {
		byNumber[x.Number()] = x
	}
	cur := c.Current().Number
	if x, ok := byNumber[cur]; ok {
		f := x.Form()
		for _, def := range catalog.Fields() {
			if val, _ := f.Value(def.Key); !val.Empty() {
				v.Form = append(v.Form, formValueView{Label: def.Label, Value: fieldValueText(def, val)})
			}
		}
	}
	if to == 0 {
		to = cur
	}
	if from == 0 && len(c.Versions) > 1 {
		from = c.Versions[len(c.Versions)-2].Number
	}
	a, okA := byNumber[from]
	b, okB := byNumber[to]
	if from == 0 || !okA || !okB || from == to {
		return nil
	}
	v.DiffFrom, v.DiffTo = from, to
	for _, ch := range catalog.Diff(a.Form(), b.Form()) {
		v.Diff = append(v.Diff, changeText(ch))
	}
	return nil
}

func (s *Server) casePage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := actorOf(r.Context())
	cc, err := s.loadCase(r.Context(), a, id, actViewCase)
	if err != nil {
		return err
	}
	from, _ := strconv.Atoi(r.URL.Query().Get("from"))
	to, _ := strconv.Atoi(r.URL.Query().Get("to"))
	v, err := s.caseView(r.Context(), a, cc, from, to)
	if err != nil {
		return err
	}
	if done := r.URL.Query().Get("done"); done == "submit" || slices.Contains(actionNames, done) {
		v.Done = humanize(done)
	}
	s.render(w, r, http.StatusOK, "case", v.Title+" · Case "+strconv.FormatInt(v.ID, 10), v)
	return nil
}

// actPage takes an action from a case page's form. A refused action is
// shown on the case page with the engine's reason.
func (s *Server) actPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	name := r.PathValue("action")
	in, err := readActionForm(r)
	if err == nil {
		_, err = s.act(r.Context(), actorOf(r.Context()), id, name, in)
	}
	if err == nil {
		http.Redirect(w, r, "/cases/"+strconv.FormatInt(id, 10)+"?done="+name, http.StatusSeeOther)
		return nil
	}
	code := apperror.CodeOf(err)
	if code != apperror.Invalid && code != apperror.Conflict && code != apperror.Forbidden {
		return err
	}
	a := actorOf(r.Context())
	cc, lerr := s.loadCase(r.Context(), a, id, actViewCase)
	if lerr != nil {
		return err
	}
	v, lerr := s.caseView(r.Context(), a, cc, 0, 0)
	if lerr != nil {
		return lerr
	}
	v.Error, v.ErrorOf = apperror.MessageOf(err), humanize(name)
	s.render(w, r, statusOf(code), "case", v.Title+" · Case "+strconv.FormatInt(v.ID, 10), v)
	return nil
}

// act applies a named action with its input to a case, as the actor.
func (s *Server) act(ctx context.Context, a *actor, id int64, name string, in actionInput) (*approval.Case, error) {
	if _, err := s.loadCase(ctx, a, id, actActOnCase); err != nil {
		return nil, err
	}
	action, err := in.build(name)
	if err != nil {
		return nil, err
	}
	c, _, err := s.approvals.Act(ctx, id, a.person.ID, action)
	return c, err
}

// caseLine is one case in a list.
type caseLine struct {
	ID          int64     `json:"id"`
	Institution string    `json:"institution"`
	OfferingID  int64     `json:"offeringId"`
	Title       string    `json:"title"`
	Track       string    `json:"track"`
	Step        string    `json:"step"`
	Status      string    `json:"status"`
	UpdatedAt   time.Time `json:"updatedAt"`
	NextDueAt   time.Time `json:"nextDueAt,omitzero"`
}

// listCases lists the cases the actor may see: at the institutions where
// they work, and those they propose.
func (s *Server) listCases(ctx context.Context, a *actor, openOnly bool, limit, offset int) ([]caseLine, error) {
	var sums []sqlstore.CaseSummary
	var insts []int64
	for _, id := range a.institutions() {
		if a.staff(id) {
			insts = append(insts, id)
		}
	}
	if len(insts) > 0 {
		got, err := s.store.Cases(ctx, sqlstore.CaseQuery{InstitutionIDs: insts, OpenOnly: openOnly, Limit: limit, Offset: offset})
		if err != nil {
			return nil, err
		}
		sums = got
	}
	own, err := s.store.Cases(ctx, sqlstore.CaseQuery{Proponent: a.person.ID, OpenOnly: openOnly, Limit: limit})
	if err != nil {
		return nil, err
	}
	for _, o := range own {
		if !slices.ContainsFunc(sums, func(x sqlstore.CaseSummary) bool { return x.ID == o.ID }) {
			sums = append(sums, o)
		}
	}
	out := []caseLine{}
	for _, c := range sums {
		out = append(out, caseLine{ID: c.ID, Institution: s.institutionName(ctx, c.InstitutionID), OfferingID: c.OfferingID, Title: c.Title,
			Track: c.Track, Step: c.Step, Status: string(c.Status), UpdatedAt: c.UpdatedAt, NextDueAt: c.NextDueAt})
	}
	return out, nil
}

func (s *Server) casesPage(w http.ResponseWriter, r *http.Request) error {
	limit, offset, err := pageQuery(r)
	if err != nil {
		return err
	}
	openOnly := r.URL.Query().Get("all") == ""
	lines, err := s.listCases(r.Context(), actorOf(r.Context()), openOnly, limit, offset)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "cases", "Cases", struct {
		Cases    []caseLine
		OpenOnly bool
	}{lines, openOnly})
	return nil
}
