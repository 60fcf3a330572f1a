package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/approval"
	"cairn/internal/org"
	"cairn/internal/policy"
	"cairn/internal/sqlstore"
)

// agendaLine is an open case at a step of one of the actor's committees
// or roles, with who it waits on.
type agendaLine struct {
	CaseID    int64
	Title     string
	Committee string
	Step      string
	StepKind  string
	WaitingOn []string
	Due       *dueView
	// Yours are the actor's duties on the case now, by action name.
	Yours map[string]bool
}

// agenda lists the open cases, among those the actor can see, whose
// current step keep(step) selects.
func (s *Server) agenda(ctx context.Context, a *actor, keep func(inst int64, st *policy.Step) bool) ([]agendaLine, error) {
	lines, err := s.listCases(ctx, a, true, maxTaskCases, 0)
	if err != nil {
		return nil, err
	}
	n := s.names(ctx)
	out := []agendaLine{}
	for _, l := range lines {
		c, err := s.approvals.Case(ctx, l.ID)
		if err != nil {
			return nil, err
		}
		e, err := s.approvals.Engine(ctx, c.InstitutionID)
		if err != nil {
			return nil, err
		}
		t, ok := e.Profile().Track(c.Track)
		if !ok {
			continue
		}
		st, ok := t.Step(c.Step)
		if !ok || !keep(c.InstitutionID, st) {
			continue
		}
		r, err := s.approvals.Roster(ctx, c.InstitutionID)
		if err != nil {
			return nil, err
		}
		al := agendaLine{CaseID: c.ID, Title: c.Current().Title, Committee: st.Committee, Step: st.Label, StepKind: humanize(string(st.Kind)),
			Due: dueOf(e, openDeadline(c, approval.DeadlineStep, 0, 0), s.now())}
		if al.Step == "" {
			al.Step = st.ID
		}
		if cm, ok := e.Profile().Committee(st.Committee); ok {
			al.Committee = cm.Name
		}
		al.Yours = map[string]bool{}
		for _, d := range duties(e.Profile(), r, c) {
			al.WaitingOn = append(al.WaitingOn, n.of(d.Person)+": "+d.Label)
			if d.Person == a.person.ID {
				al.Yours[d.Action] = true
			}
		}
		out = append(out, al)
	}
	return out, nil
}

// committeePage is the chairs' page: the open cases at steps of the
// committees they chair.
func (s *Server) committeePage(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r.Context())
	lines, err := s.agenda(r.Context(), a, func(inst int64, st *policy.Step) bool {
		return slices.ContainsFunc(a.seats, func(x sqlstore.Seat) bool { return x.InstitutionID == inst && x.Key == st.Committee && x.Chair })
	})
	if err != nil {
		return err
	}
	var chaired []string
	for _, st := range a.seats {
		if st.Chair {
			chaired = append(chaired, st.Name)
		}
	}
	s.render(w, r, http.StatusOK, "secretariat", "Committee business", struct {
		Heading   string
		Intro     string
		Lines     []agendaLine
		Decisions bool
		Recorded  []recordedDecision
	}{"Committee business", "Proposals at a step of a committee you chair: " + joinWords(chaired) + ".", lines, false, nil})
	return nil
}

// secretariatPage shows the SSCC's and the Senate's agendas: cases at
// recommendation and decision steps.
func (s *Server) secretariatPage(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r.Context())
	lines, err := s.agenda(r.Context(), a, func(inst int64, st *policy.Step) bool {
		return st.Kind == policy.StepCommitteeRecommendation || st.Kind == policy.StepBodyDecision
	})
	if err != nil {
		return err
	}
	recorded, err := s.recordedDecisions(r.Context(), a)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "secretariat", "Agendas and decisions", struct {
		Heading   string
		Intro     string
		Lines     []agendaLine
		Decisions bool
		Recorded  []recordedDecision
	}{"Agendas and decisions", "Proposals awaiting a committee's recommendation or a governing body's decision. Record each here or on the case's page.", lines, true, recorded})
	return nil
}

// provostView is the Provost's page.
type provostView struct {
	Queue        []task
	Institutions []choiceView
	Report       *approval.BadgeReport
	ReportTo     string
	Error        string
}

func (s *Server) provostPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.provostView(r.Context(), actorOf(r.Context()))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "provost", "Provost", v)
	return nil
}

func (s *Server) provostView(ctx context.Context, a *actor) (*provostView, error) {
	ts, err := s.tasksOf(ctx, a)
	if err != nil {
		return nil, err
	}
	v := &provostView{}
	for _, t := range ts {
		if t.Action == "sign" {
			v.Queue = append(v.Queue, t)
		}
	}
	for _, id := range a.institutions() {
		if a.hasRole(id, org.Provost, org.ProvostOffice) {
			v.Institutions = append(v.Institutions, choiceView{Value: strconv.FormatInt(id, 10), Label: s.institutionName(ctx, id)})
		}
	}
	return v, nil
}

// badgeReportPage sends the digital-badge report of one institution to
// its committee and shows what was sent.
func (s *Server) badgeReportPage(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return formError(err)
	}
	a := actorOf(r.Context())
	inst, err := strconv.ParseInt(r.PostForm.Get("institution"), 10, 64)
	if err != nil {
		return apperror.Field("institution", "choose an institution")
	}
	if err := authorize(a, actProvost, target{institution: inst}); err != nil {
		return err
	}
	v, err := s.provostView(r.Context(), a)
	if err != nil {
		return err
	}
	rep, err := s.approvals.SendBadgeReport(r.Context(), inst, a.person.ID)
	status := http.StatusOK
	switch code := apperror.CodeOf(err); code {
	case "":
		v.Report = &rep
		if e, err := s.approvals.Engine(r.Context(), inst); err == nil {
			if cm, ok := e.Profile().Committee(rep.To); ok {
				v.ReportTo = cm.Name
			}
		}
	case apperror.Forbidden, apperror.NotFound, apperror.Conflict, apperror.Invalid:
		v.Error, status = apperror.MessageOf(err), statusOf(code)
	default:
		return err
	}
	s.render(w, r, status, "provost", "Provost", v)
	return nil
}

func joinWords(ws []string) string {
	switch len(ws) {
	case 0:
		return "none"
	case 1:
		return ws[0]
	}
	out := ""
	for i, w := range ws {
		switch {
		case i == 0:
			out = w
		case i == len(ws)-1:
			out += " and " + w
		default:
			out += ", " + w
		}
	}
	return out
}

// recordedDecision is a committee's recommendation or a governing body's
// decision on a case.
type recordedDecision struct {
	CaseID  int64
	Title   string
	Step    string
	Kind    string
	Outcome string
	By      string
	Note    string
	At      time.Time
}

// maxRecordedDecisions bounds the decisions the secretariat page lists.
const maxRecordedDecisions = 50

// recordedDecisions lists the recommendations and governing bodies'
// decisions recorded on the cases the actor can see, newest first.
func (s *Server) recordedDecisions(ctx context.Context, a *actor) ([]recordedDecision, error) {
	lines, err := s.listCases(ctx, a, false, maxTaskCases, 0)
	if err != nil {
		return nil, err
	}
	n := s.names(ctx)
	var out []recordedDecision
	for _, l := range lines {
		c, err := s.approvals.Case(ctx, l.ID)
		if err != nil {
			return nil, err
		}
		var p *policy.Profile
		for _, d := range c.Decisions {
			if d.Kind != approval.DecisionRecommendation && d.Kind != approval.DecisionBody {
				continue
			}
			if p == nil {
				e, err := s.approvals.Engine(ctx, c.InstitutionID)
				if err != nil {
					return nil, err
				}
				p = e.Profile()
			}
			step := d.Step
			if t, ok := p.Track(c.Track); ok {
				if st, ok := t.Step(d.Step); ok && st.Label != "" {
					step = st.Label
				}
			}
			out = append(out, recordedDecision{CaseID: c.ID, Title: c.Current().Title, Step: step, Kind: string(d.Kind), Outcome: d.Outcome,
				By: n.of(d.By), Note: d.Note, At: d.At})
		}
	}
	slices.SortFunc(out, func(x, y recordedDecision) int { return y.At.Compare(x.At) })
	if len(out) > maxRecordedDecisions {
		out = out[:maxRecordedDecisions]
	}
	return out, nil
}
