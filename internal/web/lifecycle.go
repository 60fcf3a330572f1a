package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/approval"
	"cairn/internal/catalog"
	"cairn/internal/policy"
	"cairn/internal/sqlstore"
)

// lifecycleView is the annual reviews and discontinuance page.
type lifecycleView struct {
	Institutions []lifecycleInstitution
	Done         string
	Error        string
}

// lifecycleInstitution is one institution's annual reviews and
// discontinuances, as one actor may act on them.
type lifecycleInstitution struct {
	ID              int64
	Name            string
	ReviewRule      string
	DiscontinueRule string
	Reviews         []annualReviewView
	Completed       []annualReviewView
	Idle            []idleView
	Open            []discontinuanceView
	Closed          []discontinuanceView
}

type annualReviewView struct {
	OfferingID  int64
	Title       string
	Unit        string
	Due         time.Time
	Overdue     bool
	CanComplete bool
	CompletedAt time.Time
	CompletedBy string
	Notes       string
}

type idleView struct {
	OfferingID int64
	Title      string
	IdleSince  time.Time
}

type discontinuanceView struct {
	ID           int64
	OfferingID   int64
	Title        string
	Status       string
	IdleSince    time.Time
	FlaggedAt    time.Time
	ProposedBy   string
	ProposalNote string
	DecidedBy    string
	DecisionNote string
	// CanPropose: the considering role may propose it or retain it;
	// CanDecide: the committee's chair may discontinue or retain it.
	CanPropose bool
	CanDecide  bool
}

// maxCompletedShown bounds the completed annual reviews the page lists.
const maxCompletedShown = 50

func (s *Server) lifecyclePage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.lifecycleView(r.Context(), actorOf(r.Context()))
	if err != nil {
		return err
	}
	if done := r.URL.Query().Get("done"); done != "" {
		v.Done = lifecycleDone[done]
	}
	s.render(w, r, http.StatusOK, "lifecycle", "Annual reviews and discontinuance", v)
	return nil
}

// lifecycleDone are the confirmations the page shows after an action.
var lifecycleDone = map[string]string{
	"check":       "Checked for annual reviews due and offerings not offered for the rule's period.",
	"review":      "The annual review is recorded as completed.",
	"propose":     "Discontinuance proposed; the committee acts on it.",
	"retain":      "The offering is retained.",
	"discontinue": "The offering is discontinued.",
}

func (s *Server) lifecycleView(ctx context.Context, a *actor) (*lifecycleView, error) {
	return s.lifecycleOf(ctx, a, true)
}

// lifecycleTasks counts the annual reviews and discontinuance decisions
// waiting on the actor, for their tasks page.
func (s *Server) lifecycleTasks(ctx context.Context, a *actor) (int, error) {
	if authorize(a, actLifecycle, target{}) != nil {
		return 0, nil
	}
	v, err := s.lifecycleOf(ctx, a, false)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, li := range v.Institutions {
		for _, r := range li.Reviews {
			if r.CanComplete {
				n++
			}
		}
		for _, d := range li.Open {
			if d.CanPropose || d.CanDecide {
				n++
			}
		}
	}
	return n, nil
}

// lifecycleOf builds the lifecycle page's view; withIdle adds the
// offerings not offered for the rule's period, not yet flagged.
func (s *Server) lifecycleOf(ctx context.Context, a *actor, withIdle bool) (*lifecycleView, error) {
	v := &lifecycleView{}
	n := s.names(ctx)
	now := s.now()
	for _, inst := range a.institutions() {
		if authorize(a, actLifecycle, target{institution: inst}) != nil {
			continue
		}
		e, err := s.approvals.Engine(ctx, inst)
		if err != nil {
			return nil, err
		}
		roster, err := s.approvals.Roster(ctx, inst)
		if err != nil {
			return nil, err
		}
		p := e.Profile()
		li := lifecycleInstitution{ID: inst, Name: s.institutionName(ctx, inst)}
		ar, dr := p.Processes.AnnualReview, p.Processes.Discontinuance
		if ar != nil {
			li.ReviewRule = "Every " + strconv.Itoa(ar.EveryMonths) + " months, by the offering's " + wordFor(ar.By) + " (" + ar.Clause + ")."
		}
		if dr != nil {
			li.DiscontinueRule = "Not offered for " + strconv.Itoa(dr.IdleMonths) + " months: considered by the " + wordFor(dr.ConsideredBy) +
				", then sent to " + committeeLabel(p, dr.SentTo) + " (" + dr.Clause + ")."
		}
		offerings := map[int64]sqlstore.Offering{}
		offering := func(id int64) sqlstore.Offering {
			if o, ok := offerings[id]; ok {
				return o
			}
			o, err := s.store.Offering(ctx, id)
			if err != nil {
				o = sqlstore.Offering{ID: id}
			}
			offerings[id] = o
			return o
		}
		title := func(id int64) string {
			if t := offering(id).Draft.Title; t != "" {
				return t
			}
			return "Offering " + strconv.FormatInt(id, 10)
		}
		units := map[int64]string{}
		if us, err := s.store.OrgUnits(ctx, inst); err == nil {
			for _, u := range us {
				units[u.ID] = u.Name
			}
		}
		reviews, err := s.store.AnnualReviews(ctx, inst)
		if err != nil {
			return nil, err
		}
		for _, rv := range reviews {
			av := annualReviewView{OfferingID: rv.OfferingID, Title: title(rv.OfferingID), Unit: units[rv.UnitID], Due: rv.Due}
			if rv.CompletedAt.IsZero() {
				if offering(rv.OfferingID).Status == catalog.Discontinued {
					// Discontinued since the review fell due: nothing to review.
					continue
				}
				av.Overdue = rv.Due.Before(now)
				av.CanComplete = ar != nil && roster.HoldsIn(a.person.ID, ar.By, rv.UnitID)
				li.Reviews = append(li.Reviews, av)
				continue
			}
			if len(li.Completed) < maxCompletedShown {
				av.CompletedAt, av.CompletedBy, av.Notes = rv.CompletedAt, n.of(rv.CompletedBy), rv.Notes
				li.Completed = append(li.Completed, av)
			}
		}
		ds, err := s.approvals.Discontinuances(ctx, inst)
		if err != nil {
			return nil, err
		}
		open := map[int64]bool{}
		for _, d := range ds {
			dv := discontinuanceView{ID: d.ID, OfferingID: d.OfferingID, Title: title(d.OfferingID), Status: string(d.Status),
				IdleSince: d.IdleSince, FlaggedAt: d.FlaggedAt, ProposalNote: d.ProposalNote, DecisionNote: d.DecisionNote}
			if d.ProposedBy != 0 {
				dv.ProposedBy = n.of(d.ProposedBy)
			}
			if d.DecidedBy != 0 {
				dv.DecidedBy = n.of(d.DecidedBy)
			}
			switch d.Status {
			case approval.DiscontinuanceFlagged, approval.DiscontinuanceProposed:
				open[d.OfferingID] = true
				if dr != nil {
					chair, ok := roster.Chair(dr.SentTo)
					dv.CanPropose = d.Status == approval.DiscontinuanceFlagged && roster.Holds(a.person.ID, dr.ConsideredBy)
					dv.CanDecide = d.Status == approval.DiscontinuanceProposed && ok && chair == a.person.ID
				}
				li.Open = append(li.Open, dv)
			default:
				li.Closed = append(li.Closed, dv)
			}
		}
		var idle []approval.Discontinuance
		if withIdle {
			if idle, err = s.approvals.IdleOfferings(ctx, inst); err != nil {
				return nil, err
			}
		}
		for _, d := range idle {
			if !open[d.OfferingID] {
				li.Idle = append(li.Idle, idleView{OfferingID: d.OfferingID, Title: title(d.OfferingID), IdleSince: d.IdleSince})
			}
		}
		v.Institutions = append(v.Institutions, li)
	}
	return v, nil
}

// committeeLabel names a committee of a profile by its name.
func committeeLabel(p *policy.Profile, key string) string {
	if c, ok := p.Committee(key); ok && c.Name != "" {
		return c.Name
	}
	return key
}

// lifecycleFail shows the page again with a refused action's reason, or
// returns the error when it is not the actor's to fix.
func (s *Server) lifecycleFail(w http.ResponseWriter, r *http.Request, err error) error {
	code := apperror.CodeOf(err)
	if code != apperror.Invalid && code != apperror.Conflict && code != apperror.Forbidden && code != apperror.NotFound {
		return err
	}
	v, lerr := s.lifecycleView(r.Context(), actorOf(r.Context()))
	if lerr != nil {
		return lerr
	}
	v.Error = apperror.MessageOf(err)
	s.render(w, r, statusOf(code), "lifecycle", "Annual reviews and discontinuance", v)
	return nil
}

func lifecycleRedirect(w http.ResponseWriter, r *http.Request, done string) {
	http.Redirect(w, r, "/lifecycle?done="+url.QueryEscape(done), http.StatusSeeOther)
}

// lifecycleCheckPage schedules the annual reviews due at an institution
// and flags its offerings not offered for the discontinuance rule's
// period, as the scheduler does daily.
func (s *Server) lifecycleCheckPage(w http.ResponseWriter, r *http.Request) error {
	inst, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := authorize(actorOf(r.Context()), actLifecycle, target{institution: inst}); err != nil {
		return err
	}
	if _, err := s.approvals.ScheduleAnnualReviews(r.Context(), inst); err != nil {
		return s.lifecycleFail(w, r, err)
	}
	if _, err := s.approvals.FlagIdleOfferings(r.Context(), inst); err != nil {
		return s.lifecycleFail(w, r, err)
	}
	lifecycleRedirect(w, r, "check")
	return nil
}

// reviewOffering loads an offering whose annual review the actor may
// record (the page and the API record the same).
func (s *Server) reviewOffering(ctx context.Context, a *actor, id int64) (sqlstore.Offering, error) {
	o, err := s.store.Offering(ctx, id)
	if err != nil {
		return o, err
	}
	if err := authorize(a, actLifecycle, target{institution: o.InstitutionID}); err != nil {
		return o, err
	}
	return o, nil
}

// completeReviewPage records an offering's open annual review as done.
func (s *Server) completeReviewPage(w http.ResponseWriter, r *http.Request) error {
	id, err := postedPathID(r, "id")
	if err != nil {
		return err
	}
	a := actorOf(r.Context())
	o, err := s.reviewOffering(r.Context(), a, id)
	if err != nil {
		return err
	}
	if err := s.approvals.CompleteAnnualReview(r.Context(), o.ID, a.person.ID, r.PostForm.Get("notes")); err != nil {
		return s.lifecycleFail(w, r, err)
	}
	lifecycleRedirect(w, r, "review")
	return nil
}

// discontinuanceOf loads an offering's discontinuance consideration
// that the actor may act on (the page and the API act on the same).
func (s *Server) discontinuanceOf(ctx context.Context, a *actor, id int64) (*approval.Discontinuance, error) {
	d, err := s.approvals.Discontinuance(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := authorize(a, actLifecycle, target{institution: d.InstitutionID}); err != nil {
		return nil, err
	}
	return d, nil
}

// discontinuanceAction is the action a discontinuance's path names
// (propose, retain or discontinue) with its note; false for any other.
func discontinuanceAction(name, note string) (approval.DiscontinuanceAction, bool) {
	switch name {
	case "propose":
		return approval.ProposeDiscontinuance{Note: note}, true
	case "retain":
		return approval.RetainOffering{Note: note}, true
	case "discontinue":
		return approval.DiscontinueOffering{Note: note}, true
	}
	return nil, false
}

// discontinuancePage proposes, retains or discontinues an offering under
// consideration; the approval engine decides who may do which.
func (s *Server) discontinuancePage(w http.ResponseWriter, r *http.Request) error {
	id, err := postedPathID(r, "id")
	if err != nil {
		return err
	}
	a := actorOf(r.Context())
	d, err := s.discontinuanceOf(r.Context(), a, id)
	if err != nil {
		return err
	}
	name := r.PathValue("action")
	act, ok := discontinuanceAction(name, r.PostForm.Get("note"))
	if !ok {
		return apperror.New(apperror.NotFound, "there is no discontinuance action %q", name)
	}
	if _, err := s.approvals.ActOnDiscontinuance(r.Context(), d.ID, a.person.ID, act); err != nil {
		return s.lifecycleFail(w, r, err)
	}
	lifecycleRedirect(w, r, name)
	return nil
}
