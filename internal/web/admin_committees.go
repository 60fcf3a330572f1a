package web

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/org"
	"cairn/internal/sqlstore"
)

// committeePageView is a committee's administration page: its members
// and their terms, its chair elections, and how it stands against its
// composition rule.
type committeePageView struct {
	Institution org.Institution
	Committee   org.Committee
	Members     []membershipView
	People      []choiceView
	Units       []choiceView
	Categories  []choiceView
	Elections   []electionView
	Sitting     []personRef
	Composition *sqlstore.CommitteeComposition
	Problems    []ruleLine
	Rule        []ruleLine
	Chair       string
	Today       string
	Done        string
	Error       string
}

type membershipView struct {
	org.Membership
	Name       string
	Category   string
	Categories []choiceView
	Units      []choiceView
	Unit       string
	Active     bool
}

type electionView struct {
	At         time.Time
	Elected    string
	Candidates []string
	Votes      []string
}

// maxCommitteePeople bounds the people offered as new members.
const maxCommitteePeople = sqlstore.MaxPageSize

func committeePath(inst, committee int64) string {
	return institutionPath(inst) + "/committees/" + strconv.FormatInt(committee, 10)
}

// adminCommittee loads a committee of the institution.
func (s *Server) adminCommittee(r *http.Request, inst org.Institution) (org.Committee, error) {
	cid, err := pathID(r, "committee")
	if err != nil {
		return org.Committee{}, err
	}
	c, err := s.store.Committee(r.Context(), cid)
	if err != nil {
		return c, err
	}
	if c.InstitutionID != inst.ID {
		return c, apperror.New(apperror.NotFound, "there is no committee %d at %s", cid, inst.Name)
	}
	return c, nil
}

// committeeForm loads an institution the actor administers, reads the
// posted form and loads the path's committee there.
func (s *Server) committeeForm(r *http.Request) (org.Institution, org.Committee, error) {
	inst, err := s.adminForm(r)
	if err != nil {
		return inst, org.Committee{}, err
	}
	c, err := s.adminCommittee(r, inst)
	return inst, c, err
}

func (s *Server) committeePageView(ctx context.Context, inst org.Institution, c org.Committee) (*committeePageView, error) {
	now := s.now()
	v := &committeePageView{Institution: inst, Committee: c, Today: now.UTC().Format(time.DateOnly)}
	n := s.names(ctx)
	units, err := s.store.OrgUnits(ctx, inst.ID)
	if err != nil {
		return nil, err
	}
	unitNames := map[int64]string{}
	v.Units = []choiceView{{Value: "", Label: "None"}}
	for _, u := range units {
		unitNames[u.ID] = u.Name
		v.Units = append(v.Units, choiceView{Value: strconv.FormatInt(u.ID, 10), Label: u.Name})
	}
	e, err := s.approvals.Engine(ctx, inst.ID)
	if err != nil {
		return nil, err
	}
	p := e.Profile()
	for _, cat := range org.MemberCategories() {
		v.Categories = append(v.Categories, choiceView{Value: string(cat), Label: categoryName(p, string(cat))})
	}
	ms, err := s.store.Memberships(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		mv := membershipView{Membership: m, Name: n.of(m.PersonID), Category: categoryName(p, string(m.Category)), Unit: unitNames[m.UnitID], Active: m.ActiveOn(now)}
		for _, cat := range org.MemberCategories() {
			mv.Categories = append(mv.Categories, choiceView{Value: string(cat), Label: categoryName(p, string(cat)), Selected: cat == m.Category})
		}
		for _, u := range v.Units {
			u.Selected = u.Value == strconv.FormatInt(m.UnitID, 10) || (u.Value == "" && m.UnitID == 0)
			mv.Units = append(mv.Units, u)
		}
		if mv.Active {
			v.Sitting = append(v.Sitting, n.ref(m.PersonID))
		}
		v.Members = append(v.Members, mv)
	}
	people, err := s.store.People(ctx, sqlstore.PeopleQuery{InstitutionID: inst.ID, Limit: maxCommitteePeople})
	if err != nil {
		return nil, err
	}
	for _, pp := range people {
		v.People = append(v.People, choiceView{Value: strconv.FormatInt(pp.ID, 10), Label: pp.Name + " (" + pp.Email + ")"})
	}
	els, err := s.store.ChairElections(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, el := range els {
		ev := electionView{At: el.At, Elected: n.of(el.ElectedID)}
		for _, id := range el.Candidates {
			ev.Candidates = append(ev.Candidates, n.of(id))
		}
		for _, vote := range el.Votes {
			ev.Votes = append(ev.Votes, n.of(vote.VoterID)+" for "+n.of(vote.CandidateID))
		}
		v.Elections = append(v.Elections, ev)
	}
	report, err := s.approvals.CompositionReport(ctx, inst.ID)
	if err != nil {
		return nil, err
	}
	v.Chair = "none elected"
	for i := range report {
		if report[i].CommitteeID != c.ID {
			continue
		}
		v.Composition = &report[i]
		if report[i].ChairID != 0 {
			v.Chair = n.of(report[i].ChairID)
		}
		for _, pb := range report[i].Violations {
			v.Problems = append(v.Problems, ruleLine{pb.Message, pb.Clause})
		}
	}
	if pc, ok := p.Committee(c.Key); ok && pc.Composition != nil {
		for _, seat := range pc.Composition.Seats {
			t := strconv.Itoa(seat.Count) + " " + categoryName(p, seat.Category)
			if seat.PerFaculty {
				t += " from each faculty"
			}
			v.Rule = append(v.Rule, ruleLine{t, seat.Clause})
		}
	}
	return v, nil
}

func (s *Server) committeeAdminPage(w http.ResponseWriter, r *http.Request) error {
	inst, err := s.adminInstitution(r)
	if err != nil {
		return err
	}
	c, err := s.adminCommittee(r, inst)
	if err != nil {
		return err
	}
	v, err := s.committeePageView(r.Context(), inst, c)
	if err != nil {
		return err
	}
	v.Done = adminDone[r.URL.Query().Get("done")]
	s.render(w, r, http.StatusOK, "admin_committee", c.Name+" · "+inst.Name, v)
	return nil
}

// committeeRefused shows the committee's page again with a refusal.
func (s *Server) committeeRefused(w http.ResponseWriter, r *http.Request, inst org.Institution, c org.Committee, err error) error {
	code, ok := adminFixable(err)
	if !ok {
		return err
	}
	if fresh, ferr := s.store.Committee(r.Context(), c.ID); ferr == nil {
		c = fresh
	}
	v, lerr := s.committeePageView(r.Context(), inst, c)
	if lerr != nil {
		return lerr
	}
	v.Error = refusal(err)
	s.render(w, r, statusOf(code), "admin_committee", c.Name+" · "+inst.Name, v)
	return nil
}

// createCommitteePage sets up a committee at the institution.
func (s *Server) createCommitteePage(w http.ResponseWriter, r *http.Request) error {
	inst, err := s.adminForm(r)
	if err != nil {
		return err
	}
	c := org.Committee{InstitutionID: inst.ID, Key: strings.TrimSpace(r.PostForm.Get("key")), Name: strings.TrimSpace(r.PostForm.Get("name"))}
	if err := s.store.CreateCommittee(r.Context(), &c); err != nil {
		return s.adminRefused(w, r, inst, err)
	}
	adminRedirect(w, r, committeePath(inst.ID, c.ID), "committee")
	return nil
}

// updateCommitteePage renames a committee.
func (s *Server) updateCommitteePage(w http.ResponseWriter, r *http.Request) error {
	inst, c, err := s.committeeForm(r)
	if err != nil {
		return err
	}
	c.Name = strings.TrimSpace(r.PostForm.Get("name"))
	if v, err := strconv.ParseInt(r.PostForm.Get("version"), 10, 64); err == nil {
		c.Version = v
	}
	if err := s.store.UpdateCommittee(r.Context(), &c); err != nil {
		return s.committeeRefused(w, r, inst, c, err)
	}
	adminRedirect(w, r, committeePath(inst.ID, c.ID), "committee")
	return nil
}

// readMembership reads a membership's category, unit and term from a
// form.
func (s *Server) readMembership(ctx context.Context, inst org.Institution, r *http.Request, m *org.Membership) error {
	f := r.PostForm
	m.Category = org.MemberCategory(f.Get("category"))
	var err error
	if m.UnitID, err = formID(f, "unit"); err != nil {
		return err
	}
	if err := s.checkUnit(ctx, inst.ID, m.UnitID, "unit"); err != nil {
		return err
	}
	if m.TermStart, err = formDay(f, "term_start", true); err != nil {
		return err
	}
	m.TermEnd, err = formDay(f, "term_end", false)
	return err
}

// addMemberPage seats a person of the institution on a committee for a
// term.
func (s *Server) addMemberPage(w http.ResponseWriter, r *http.Request) error {
	inst, c, err := s.committeeForm(r)
	if err != nil {
		return err
	}
	m := org.Membership{CommitteeID: c.ID}
	err = s.readMembership(r.Context(), inst, r, &m)
	if err == nil {
		m.PersonID, err = formID(r.PostForm, "person")
	}
	if err == nil {
		err = s.checkPersonAt(r.Context(), inst, m.PersonID)
	}
	if err == nil {
		err = s.store.AddMembership(r.Context(), &m)
	}
	if err != nil {
		return s.committeeRefused(w, r, inst, c, err)
	}
	adminRedirect(w, r, committeePath(inst.ID, c.ID), "member")
	return nil
}

// checkPersonAt reports whether a person holds a role at the institution.
func (s *Server) checkPersonAt(ctx context.Context, inst org.Institution, id int64) error {
	if id == 0 {
		return apperror.Field("person", "choose a person")
	}
	p, err := s.store.Person(ctx, id)
	if apperror.CodeOf(err) == apperror.NotFound {
		return apperror.Field("person", "no such person")
	}
	if err != nil {
		return err
	}
	for _, g := range p.Roles {
		if g.InstitutionID == inst.ID {
			return nil
		}
	}
	return apperror.Field("person", "%s holds no role at %s; grant one first", p.Name, inst.Name)
}

// updateMemberPage changes a membership's category, unit or term (ending
// a term sets its last day).
func (s *Server) updateMemberPage(w http.ResponseWriter, r *http.Request) error {
	inst, c, err := s.committeeForm(r)
	if err != nil {
		return err
	}
	mid, err := pathID(r, "membership")
	if err != nil {
		return err
	}
	m, err := s.store.Membership(r.Context(), mid)
	if err != nil {
		return err
	}
	if m.CommitteeID != c.ID {
		return apperror.New(apperror.NotFound, "there is no membership %d of %s", mid, c.Name)
	}
	if v, err := strconv.ParseInt(r.PostForm.Get("version"), 10, 64); err == nil {
		m.Version = v
	}
	err = s.readMembership(r.Context(), inst, r, &m)
	if err == nil {
		err = s.store.UpdateMembership(r.Context(), &m)
	}
	if err != nil {
		return s.committeeRefused(w, r, inst, c, err)
	}
	adminRedirect(w, r, committeePath(inst.ID, c.ID), "member")
	return nil
}

// electionPage records a chair election: the candidates, each member's
// vote, and who was elected, on a day.
func (s *Server) electionPage(w http.ResponseWriter, r *http.Request) error {
	inst, c, err := s.committeeForm(r)
	if err != nil {
		return err
	}
	e := org.ChairElection{CommitteeID: c.ID}
	f := r.PostForm
	if len(f["candidates"]) > org.MaxCandidates {
		return s.committeeRefused(w, r, inst, c, apperror.Field("candidates", "more than %d candidates", org.MaxCandidates))
	}
	for _, x := range f["candidates"] {
		id, err := strconv.ParseInt(x, 10, 64)
		if err != nil {
			return s.committeeRefused(w, r, inst, c, apperror.Field("candidates", "choose candidates from the list"))
		}
		e.Candidates = append(e.Candidates, id)
	}
	for key, vals := range f {
		voter, ok := strings.CutPrefix(key, "vote.")
		if !ok || len(vals) == 0 || vals[0] == "" {
			continue
		}
		if len(e.Votes) >= org.MaxElectionVotes {
			return s.committeeRefused(w, r, inst, c, apperror.Field("votes", "more than %d votes", org.MaxElectionVotes))
		}
		vid, err1 := strconv.ParseInt(voter, 10, 64)
		cid, err2 := strconv.ParseInt(vals[0], 10, 64)
		if err1 != nil || err2 != nil {
			return s.committeeRefused(w, r, inst, c, apperror.Field("votes", "choose each vote from the list"))
		}
		e.Votes = append(e.Votes, org.ChairVote{VoterID: vid, CandidateID: cid})
	}
	slices.SortFunc(e.Votes, func(a, b org.ChairVote) int { return cmp.Compare(a.VoterID, b.VoterID) })
	if e.ElectedID, err = formID(f, "elected"); err == nil {
		var day time.Time
		if day, err = formDay(f, "at", true); err == nil {
			e.At = day.Add(12 * time.Hour)
		}
	}
	if err == nil {
		err = s.store.RecordChairElection(r.Context(), &e)
	}
	if err != nil {
		return s.committeeRefused(w, r, inst, c, err)
	}
	adminRedirect(w, r, committeePath(inst.ID, c.ID), "election")
	return nil
}
