package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/org"
	"cairn/internal/sqlstore"
)

// adminInstitutionView is an institution's administration page: its org
// units, people and their roles, committees with their composition,
// closures, and the policy profile in brief.
type adminInstitutionView struct {
	Institution org.Institution
	// Details is the form of the institution's own details.
	Details     institutionForm
	Units       []unitAdminView
	UnitChoices []choiceView
	UnitKinds   []choiceView
	Roles       []choiceView
	Committees  []committeeAdminView
	People      []personAdminView
	Closures    []org.Closure
	Profile     *profileView
	Problems    int
	Done        string
	Error       string
	Now         time.Time
}

type unitAdminView struct {
	org.OrgUnit
	Parent  string
	Parents []choiceView
	Kinds   []choiceView
}

// adminDone are the confirmations the administration pages show.
var adminDone = map[string]string{
	"details":   "The institution's details are saved.",
	"unit":      "The org unit is saved.",
	"person":    "The person is saved.",
	"role":      "The role is granted.",
	"revoked":   "The role is revoked.",
	"committee": "The committee is saved.",
	"member":    "The membership is saved.",
	"election":  "The chair election is recorded.",
	"closure":   "The closure is added to the working-day calendar.",
	"reopened":  "The closure is removed from the working-day calendar.",
}

// adminInstitution loads an institution the actor administers.
func (s *Server) adminInstitution(r *http.Request) (org.Institution, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return org.Institution{}, err
	}
	if err := authorize(actorOf(r.Context()), actAdmin, target{institution: id}); err != nil {
		return org.Institution{}, err
	}
	return s.store.Institution(r.Context(), id)
}

// adminForm loads an institution the actor administers and reads the
// posted form (the shape of every administration form's handler).
func (s *Server) adminForm(r *http.Request) (org.Institution, error) {
	inst, err := s.adminInstitution(r)
	if err != nil {
		return inst, err
	}
	if err := r.ParseForm(); err != nil {
		return inst, formError(err)
	}
	return inst, nil
}

func (s *Server) adminInstitutionView(ctx context.Context, inst org.Institution) (*adminInstitutionView, error) {
	id := inst.ID
	v := &adminInstitutionView{Institution: inst, Now: s.now()}
	var err error
	if v.Details, err = s.detailsForm(ctx, inst); err != nil {
		return nil, err
	}
	units, err := s.store.OrgUnits(ctx, id)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, u := range units {
		names[u.ID] = u.Name
	}
	v.UnitChoices = []choiceView{{Value: "", Label: "None (the whole institution)"}}
	for _, u := range units {
		v.UnitChoices = append(v.UnitChoices, choiceView{Value: strconv.FormatInt(u.ID, 10), Label: u.Name})
	}
	for _, k := range org.UnitKinds() {
		v.UnitKinds = append(v.UnitKinds, choiceView{Value: string(k), Label: wordFor(string(k))})
	}
	for _, u := range units {
		uv := unitAdminView{OrgUnit: u, Parent: names[u.ParentID]}
		uv.Parents = []choiceView{{Value: "", Label: "None (top level)", Selected: u.ParentID == 0}}
		for _, p := range units {
			if p.ID != u.ID {
				uv.Parents = append(uv.Parents, choiceView{Value: strconv.FormatInt(p.ID, 10), Label: p.Name, Selected: p.ID == u.ParentID})
			}
		}
		for _, k := range org.UnitKinds() {
			uv.Kinds = append(uv.Kinds, choiceView{Value: string(k), Label: wordFor(string(k)), Selected: k == u.Kind})
		}
		v.Units = append(v.Units, uv)
	}
	for _, role := range org.Roles() {
		v.Roles = append(v.Roles, choiceView{Value: string(role), Label: wordFor(string(role))})
	}
	n := s.names(ctx)
	report, err := s.approvals.CompositionReport(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, c := range report {
		cv := committeeAdminView{ID: c.CommitteeID, Key: c.Key, Name: c.Name, Chair: "none elected"}
		if c.ChairID != 0 {
			cv.Chair = n.of(c.ChairID)
		}
		for _, m := range c.Members {
			cv.Members = append(cv.Members, m.Name)
		}
		for _, p := range c.Violations {
			cv.Problems = append(cv.Problems, ruleLine{p.Message, p.Clause})
		}
		cv.HasRule = c.Rule != nil
		v.Problems += len(cv.Problems)
		v.Committees = append(v.Committees, cv)
	}
	people, err := s.store.People(ctx, sqlstore.PeopleQuery{InstitutionID: id, Limit: maxAdminPeople})
	if err != nil {
		return nil, err
	}
	for _, p := range people {
		pv := personAdminView{ID: p.ID, Name: p.Name, Email: p.Email}
		for _, g := range p.Roles {
			if g.InstitutionID == id {
				role := wordFor(string(g.Role))
				if g.UnitID != 0 {
					role += " (" + names[g.UnitID] + ")"
				}
				pv.Roles = append(pv.Roles, role)
			}
		}
		v.People = append(v.People, pv)
	}
	v.Closures, err = s.store.Closures(ctx, id, v.Now.AddDate(-1, 0, 0), v.Now.AddDate(2, 0, 0))
	if err != nil {
		return nil, err
	}
	e, err := s.approvals.Engine(ctx, id)
	if err != nil {
		return nil, err
	}
	v.Profile = s.profileView(e.Profile())
	return v, nil
}

func (s *Server) adminInstitutionPage(w http.ResponseWriter, r *http.Request) error {
	inst, err := s.adminInstitution(r)
	if err != nil {
		return err
	}
	v, err := s.adminInstitutionView(r.Context(), inst)
	if err != nil {
		return err
	}
	v.Done = adminDone[r.URL.Query().Get("done")]
	s.render(w, r, http.StatusOK, "admin_institution", inst.Name, v)
	return nil
}

// adminPolicyPage shows an institution's policy profile in words.
func (s *Server) adminPolicyPage(w http.ResponseWriter, r *http.Request) error {
	inst, err := s.adminInstitution(r)
	if err != nil {
		return err
	}
	e, err := s.approvals.Engine(r.Context(), inst.ID)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "admin_policy", "Policy profile · "+inst.Name, struct {
		Institution org.Institution
		Profile     *profileView
	}{inst, s.profileView(e.Profile())})
	return nil
}

// adminRefused shows the institution page again with the reason a form
// was refused, when the reason is the administrator's to fix.
func (s *Server) adminRefused(w http.ResponseWriter, r *http.Request, inst org.Institution, err error) error {
	code, ok := adminFixable(err)
	if !ok {
		return err
	}
	v, lerr := s.adminInstitutionView(r.Context(), inst)
	if lerr != nil {
		return lerr
	}
	v.Error = refusal(err)
	s.render(w, r, statusOf(code), "admin_institution", inst.Name, v)
	return nil
}

// adminFixable is an error's code, and whether it is one an
// administrator fixes by changing the form (the page is shown again with
// it); any other is returned as it is.
func adminFixable(err error) (apperror.Code, bool) {
	code := apperror.CodeOf(err)
	return code, code == apperror.Invalid || code == apperror.Conflict || code == apperror.NotFound
}

// refusal is an error's message, with the field it is about.
func refusal(err error) string { return apperror.MessageOf(err) }

func adminRedirect(w http.ResponseWriter, r *http.Request, path, done string) {
	http.Redirect(w, r, path+"?done="+url.QueryEscape(done), http.StatusSeeOther)
}

func institutionPath(id int64) string { return "/admin/institutions/" + strconv.FormatInt(id, 10) }

// formID reads an optional reference from a form: 0 when empty.
func formID(form url.Values, name string) (int64, error) {
	v := strings.TrimSpace(form.Get(name))
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 0 {
		return 0, apperror.Field(name, "choose one from the list")
	}
	return id, nil
}

// formDay reads a calendar day (YYYY-MM-DD) from a form; the zero time
// when empty and not required.
func formDay(form url.Values, name string, required bool) (time.Time, error) {
	v := strings.TrimSpace(form.Get(name))
	if v == "" {
		if required {
			return time.Time{}, apperror.Field(name, "give a date")
		}
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, apperror.Field(name, "give a date as YYYY-MM-DD")
	}
	return t, nil
}

// checkUnit reports whether a unit id (0: none) belongs to the institution.
func (s *Server) checkUnit(ctx context.Context, inst, unit int64, field string) error {
	if unit == 0 {
		return nil
	}
	u, err := s.store.OrgUnit(ctx, unit)
	if apperror.CodeOf(err) == apperror.NotFound || (err == nil && u.InstitutionID != inst) {
		return apperror.Field(field, "is not an org unit of this institution")
	}
	return err
}

// saveUnit checks the posted parent of an org unit at the institution
// and saves the unit with save (create or update); a refusal shows the
// institution's page again.
func (s *Server) saveUnit(w http.ResponseWriter, r *http.Request, inst org.Institution, u *org.OrgUnit, save func(context.Context, *org.OrgUnit) error) error {
	var err error
	if u.ParentID, err = formID(r.PostForm, "parent"); err == nil {
		err = s.checkUnit(r.Context(), inst.ID, u.ParentID, "parent")
	}
	if err == nil {
		err = save(r.Context(), u)
	}
	if err != nil {
		return s.adminRefused(w, r, inst, err)
	}
	adminRedirect(w, r, institutionPath(inst.ID), "unit")
	return nil
}

// createUnitPage adds an org unit to an institution.
func (s *Server) createUnitPage(w http.ResponseWriter, r *http.Request) error {
	inst, err := s.adminForm(r)
	if err != nil {
		return err
	}
	u := org.OrgUnit{InstitutionID: inst.ID, Kind: org.UnitKind(r.PostForm.Get("kind")), Name: strings.TrimSpace(r.PostForm.Get("name")),
		Code: strings.TrimSpace(r.PostForm.Get("code"))}
	return s.saveUnit(w, r, inst, &u, s.store.CreateOrgUnit)
}

// updateUnitPage renames, recodes, reclassifies or moves an org unit.
func (s *Server) updateUnitPage(w http.ResponseWriter, r *http.Request) error {
	inst, err := s.adminForm(r)
	if err != nil {
		return err
	}
	uid, err := pathID(r, "unit")
	if err != nil {
		return err
	}
	u, err := s.store.OrgUnit(r.Context(), uid)
	if err != nil {
		return err
	}
	if u.InstitutionID != inst.ID {
		return apperror.New(apperror.NotFound, "there is no unit %d at %s", uid, inst.Name)
	}
	u.Name, u.Code, u.Kind = strings.TrimSpace(r.PostForm.Get("name")), strings.TrimSpace(r.PostForm.Get("code")), org.UnitKind(r.PostForm.Get("kind"))
	if v, err := strconv.ParseInt(r.PostForm.Get("version"), 10, 64); err == nil {
		u.Version = v
	}
	return s.saveUnit(w, r, inst, &u, s.store.UpdateOrgUnit)
}

// createPersonPage adds a person with a first role at the institution (a
// person the institution's administrators manage holds a role there).
func (s *Server) createPersonPage(w http.ResponseWriter, r *http.Request) error {
	inst, err := s.adminForm(r)
	if err != nil {
		return err
	}
	g := org.RoleGrant{InstitutionID: inst.ID, Role: org.Role(r.PostForm.Get("role"))}
	if !g.Role.Valid() {
		return s.adminRefused(w, r, inst, apperror.Field("role", "choose a role"))
	}
	if g.UnitID, err = formID(r.PostForm, "unit"); err == nil {
		err = s.checkUnit(r.Context(), inst.ID, g.UnitID, "unit")
	}
	p := org.Person{Name: strings.TrimSpace(r.PostForm.Get("name")), Email: strings.TrimSpace(r.PostForm.Get("email"))}
	if err == nil {
		err = p.Validate()
	}
	if err == nil {
		err = s.store.CreatePerson(r.Context(), &p)
	}
	if err == nil {
		g.PersonID = p.ID
		err = s.store.GrantRole(r.Context(), g)
	}
	if err != nil {
		return s.adminRefused(w, r, inst, err)
	}
	adminRedirect(w, r, personPath(inst.ID, p.ID), "person")
	return nil
}

func personPath(inst, person int64) string {
	return institutionPath(inst) + "/people/" + strconv.FormatInt(person, 10)
}

// personAdminPage is one person's page: name, email and roles at the
// institution.
type personPageView struct {
	Institution org.Institution
	Person      org.Person
	Grants      []grantView
	Roles       []choiceView
	Units       []choiceView
	Seats       []string
	Done        string
	Error       string
}

type grantView struct {
	Role, Label string
	UnitID      int64
	Unit        string
	GrantedAt   time.Time
}

// adminPerson loads a person who holds a role at the institution.
func (s *Server) adminPerson(r *http.Request, inst org.Institution) (org.Person, error) {
	pid, err := pathID(r, "person")
	if err != nil {
		return org.Person{}, err
	}
	p, err := s.store.Person(r.Context(), pid)
	if err != nil {
		return p, err
	}
	if !slices.ContainsFunc(p.Roles, func(g org.RoleGrant) bool { return g.InstitutionID == inst.ID }) {
		return p, apperror.New(apperror.NotFound, "person %d holds no role at %s", pid, inst.Name)
	}
	return p, nil
}

func (s *Server) personPageView(ctx context.Context, inst org.Institution, p org.Person) (*personPageView, error) {
	v := &personPageView{Institution: inst, Person: p}
	units, err := s.store.OrgUnits(ctx, inst.ID)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	v.Units = []choiceView{{Value: "", Label: "None (the whole institution)"}}
	for _, u := range units {
		names[u.ID] = u.Name
		v.Units = append(v.Units, choiceView{Value: strconv.FormatInt(u.ID, 10), Label: u.Name})
	}
	for _, g := range p.Roles {
		if g.InstitutionID == inst.ID {
			v.Grants = append(v.Grants, grantView{Role: string(g.Role), Label: wordFor(string(g.Role)), UnitID: g.UnitID, Unit: names[g.UnitID], GrantedAt: g.GrantedAt})
		}
	}
	for _, role := range org.Roles() {
		v.Roles = append(v.Roles, choiceView{Value: string(role), Label: wordFor(string(role))})
	}
	seats, err := s.store.Seats(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	for _, st := range seats {
		if st.InstitutionID == inst.ID {
			seat := st.Name
			if st.Chair {
				seat += " (chair)"
			}
			v.Seats = append(v.Seats, seat)
		}
	}
	return v, nil
}

func (s *Server) personAdminPage(w http.ResponseWriter, r *http.Request) error {
	inst, err := s.adminInstitution(r)
	if err != nil {
		return err
	}
	p, err := s.adminPerson(r, inst)
	if err != nil {
		return err
	}
	v, err := s.personPageView(r.Context(), inst, p)
	if err != nil {
		return err
	}
	v.Done = adminDone[r.URL.Query().Get("done")]
	s.render(w, r, http.StatusOK, "admin_people", p.Name+" · "+inst.Name, v)
	return nil
}

// personRefused shows the person's page again with a refusal.
func (s *Server) personRefused(w http.ResponseWriter, r *http.Request, inst org.Institution, p org.Person, err error) error {
	code, ok := adminFixable(err)
	if !ok {
		return err
	}
	if fresh, ferr := s.store.Person(r.Context(), p.ID); ferr == nil {
		p = fresh
	}
	v, lerr := s.personPageView(r.Context(), inst, p)
	if lerr != nil {
		return lerr
	}
	v.Error = refusal(err)
	s.render(w, r, statusOf(code), "admin_people", p.Name+" · "+inst.Name, v)
	return nil
}

// updatePersonPage changes a person's name and email.
func (s *Server) updatePersonPage(w http.ResponseWriter, r *http.Request) error {
	inst, err := s.adminForm(r)
	if err != nil {
		return err
	}
	p, err := s.adminPerson(r, inst)
	if err != nil {
		return err
	}
	p.Name, p.Email = strings.TrimSpace(r.PostForm.Get("name")), strings.TrimSpace(r.PostForm.Get("email"))
	if v, err := strconv.ParseInt(r.PostForm.Get("version"), 10, 64); err == nil {
		p.Version = v
	}
	if err := s.store.UpdatePerson(r.Context(), &p); err != nil {
		return s.personRefused(w, r, inst, p, err)
	}
	adminRedirect(w, r, personPath(inst.ID, p.ID), "person")
	return nil
}

// grantRolePage grants or revokes one of a person's roles at the
// institution; revoke is set by the route.
func (s *Server) roleGrantPage(revoke bool) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		inst, err := s.adminForm(r)
		if err != nil {
			return err
		}
		p, err := s.adminPerson(r, inst)
		if err != nil {
			return err
		}
		g := org.RoleGrant{PersonID: p.ID, InstitutionID: inst.ID, Role: org.Role(r.PostForm.Get("role"))}
		if !g.Role.Valid() {
			err = apperror.Field("role", "choose a role")
		}
		if err == nil {
			if g.UnitID, err = formID(r.PostForm, "unit"); err == nil {
				err = s.checkUnit(r.Context(), inst.ID, g.UnitID, "unit")
			}
		}
		a := actorOf(r.Context())
		if err == nil && revoke && g.Role == org.Administrator && p.ID == a.person.ID {
			err = apperror.New(apperror.Conflict, "you cannot revoke your own administrator role; ask another administrator")
		}
		done := "role"
		if err == nil {
			if revoke {
				err, done = s.store.RevokeRole(r.Context(), g), "revoked"
			} else {
				err = s.store.GrantRole(r.Context(), g)
			}
		}
		if err != nil {
			return s.personRefused(w, r, inst, p, err)
		}
		adminRedirect(w, r, personPath(inst.ID, p.ID), done)
		return nil
	}
}

// addClosurePage adds days the institution is closed to its working-day
// calendar.
func (s *Server) addClosurePage(w http.ResponseWriter, r *http.Request) error {
	inst, err := s.adminForm(r)
	if err != nil {
		return err
	}
	c := org.Closure{InstitutionID: inst.ID, Reason: strings.TrimSpace(r.PostForm.Get("reason"))}
	if c.From, err = formDay(r.PostForm, "from", true); err == nil {
		c.To, err = formDay(r.PostForm, "to", false)
		if c.To.IsZero() {
			c.To = c.From
		}
	}
	if err == nil {
		err = s.store.AddClosure(r.Context(), &c)
	}
	if err != nil {
		return s.adminRefused(w, r, inst, err)
	}
	adminRedirect(w, r, institutionPath(inst.ID), "closure")
	return nil
}

// removeClosurePage removes a closure of the institution.
func (s *Server) removeClosurePage(w http.ResponseWriter, r *http.Request) error {
	inst, err := s.adminInstitution(r)
	if err != nil {
		return err
	}
	cid, err := pathID(r, "closure")
	if err != nil {
		return err
	}
	// A closure is the institution's when its calendar lists it.
	all, err := s.store.Closures(r.Context(), inst.ID, time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(all, func(c org.Closure) bool { return c.ID == cid }) {
		return apperror.New(apperror.NotFound, "there is no closure %d at %s", cid, inst.Name)
	}
	if err := s.store.RemoveClosure(r.Context(), cid); err != nil {
		return s.adminRefused(w, r, inst, err)
	}
	adminRedirect(w, r, institutionPath(inst.ID), "reopened")
	return nil
}
