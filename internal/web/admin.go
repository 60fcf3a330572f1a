package web

import (
	"net/http"
	"strconv"
	"time"

	"cairn/internal/org"
	"cairn/internal/policy"
	"cairn/internal/sqlstore"
)

func (s *Server) adminPage(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r.Context())
	all, err := s.store.Institutions(r.Context())
	if err != nil {
		return err
	}
	var mine []org.Institution
	for _, i := range all {
		if a.hasRole(i.ID, org.Administrator) {
			mine = append(mine, i)
		}
	}
	s.render(w, r, http.StatusOK, "admin", "Administration", struct{ Institutions []org.Institution }{mine})
	return nil
}

// committeeAdminView is a committee with its members and chair.
type committeeAdminView struct {
	Key, Name string
	Chair     string
	Members   []string
}

// maxAdminPeople bounds the people the administration page lists.
const maxAdminPeople = sqlstore.MaxPageSize

func (s *Server) adminInstitutionPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := actorOf(r.Context())
	if err := authorize(a, actAdmin, target{institution: id}); err != nil {
		return err
	}
	ctx := r.Context()
	inst, err := s.store.Institution(ctx, id)
	if err != nil {
		return err
	}
	units, err := s.store.OrgUnits(ctx, id)
	if err != nil {
		return err
	}
	n := s.names(ctx)
	committees, err := s.store.Committees(ctx, id)
	if err != nil {
		return err
	}
	roster, err := s.approvals.Roster(ctx, id)
	if err != nil {
		return err
	}
	var cviews []committeeAdminView
	for _, c := range committees {
		cv := committeeAdminView{Key: c.Key, Name: c.Name, Chair: "none elected"}
		if chair, ok := roster.Chair(c.Key); ok {
			cv.Chair = n.of(chair)
		}
		for _, m := range roster.Members(c.Key) {
			cv.Members = append(cv.Members, n.of(m))
		}
		cviews = append(cviews, cv)
	}
	people, err := s.store.People(ctx, sqlstore.PeopleQuery{InstitutionID: id, Limit: maxAdminPeople})
	if err != nil {
		return err
	}
	now := s.now()
	closures, err := s.store.Closures(ctx, id, now.AddDate(-1, 0, 0), now.AddDate(2, 0, 0))
	if err != nil {
		return err
	}
	e, err := s.approvals.Engine(ctx, id)
	if err != nil {
		return err
	}
	var peopleViews []personAdminView
	for _, p := range people {
		pv := personAdminView{ID: p.ID, Name: p.Name, Email: p.Email}
		for _, g := range p.Roles {
			if g.InstitutionID == id {
				role := humanize(string(g.Role))
				if g.UnitID != 0 {
					role += " (unit " + strconv.FormatInt(g.UnitID, 10) + ")"
				}
				pv.Roles = append(pv.Roles, role)
			}
		}
		peopleViews = append(peopleViews, pv)
	}
	s.render(w, r, http.StatusOK, "admin_institution", inst.Name, struct {
		Institution org.Institution
		Units       []org.OrgUnit
		Committees  []committeeAdminView
		People      []personAdminView
		Closures    []org.Closure
		Profile     *policy.Profile
		Now         time.Time
	}{inst, units, cviews, peopleViews, closures, e.Profile(), now})
	return nil
}

type personAdminView struct {
	ID    int64
	Name  string
	Email string
	Roles []string
}
