package web

import (
	"net/http"
	"strconv"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
	"cairn/internal/org"
	"cairn/internal/sqlstore"
)

// meView is the signed-in person as the API shows them.
type meView struct {
	ID    int64      `json:"id"`
	Name  string     `json:"name"`
	Email string     `json:"email"`
	Roles []roleView `json:"roles"`
	Seats []seatView `json:"seats"`
}

type roleView struct {
	Institution int64  `json:"institutionId"`
	Role        string `json:"role"`
	Unit        int64  `json:"unitId,omitempty"`
}

type seatView struct {
	Institution int64  `json:"institutionId"`
	Committee   string `json:"committee"`
	Name        string `json:"name"`
	Chair       bool   `json:"chair"`
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r.Context())
	v := meView{ID: a.person.ID, Name: a.person.Name, Email: a.person.Email, Roles: []roleView{}, Seats: []seatView{}}
	for _, g := range a.person.Roles {
		v.Roles = append(v.Roles, roleView{Institution: g.InstitutionID, Role: string(g.Role), Unit: g.UnitID})
	}
	for _, st := range a.seats {
		v.Seats = append(v.Seats, seatView{Institution: st.InstitutionID, Committee: st.Key, Name: st.Name, Chair: st.Chair})
	}
	return writeNoStore(w, http.StatusOK, v)
}

func (s *Server) apiTasks(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.tasksOf(r.Context(), actorOf(r.Context()))
	if err != nil {
		return err
	}
	return writeNoStore(w, http.StatusOK, map[string]any{"tasks": ts})
}

func (s *Server) apiCases(w http.ResponseWriter, r *http.Request) error {
	limit, offset, err := pageQuery(r)
	if err != nil {
		return err
	}
	openOnly := r.URL.Query().Get("status") != "all"
	lines, err := s.listCases(r.Context(), actorOf(r.Context()), openOnly, limit, offset)
	if err != nil {
		return err
	}
	return writeNoStore(w, http.StatusOK, map[string]any{"cases": lines, "limit": limit, "offset": offset})
}

func (s *Server) apiCase(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := actorOf(r.Context())
	cc, err := s.loadCase(r.Context(), a, id, actViewCase)
	if err != nil {
		return err
	}
	v, err := s.caseView(r.Context(), a, cc, 0, 0)
	if err != nil {
		return err
	}
	return writeNoStore(w, http.StatusOK, v)
}

// apiAct applies an action to a case; the body holds its parameters (an
// empty body for actions that take none) and the answer is the case as
// the action left it.
func (s *Server) apiAct(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in actionInput
	if r.ContentLength != 0 {
		if err := readJSON(r, &in); err != nil {
			return err
		}
	}
	a := actorOf(r.Context())
	if _, err := s.act(r.Context(), a, id, r.PathValue("action"), in); err != nil {
		return err
	}
	cc, err := s.loadCase(r.Context(), a, id, actViewCase)
	if err != nil {
		return err
	}
	v, err := s.caseView(r.Context(), a, cc, 0, 0)
	if err != nil {
		return err
	}
	return writeNoStore(w, http.StatusOK, v)
}

// offeringJSON is an offering with its draft, as the API shows it.
type offeringJSON struct {
	offeringLine
	Draft   catalog.Form `json:"draft"`
	Version int64        `json:"version"`
	Cases   []int64      `json:"cases"`
}

func (s *Server) apiOfferings(w http.ResponseWriter, r *http.Request) error {
	lines, err := s.listOfferings(r.Context(), actorOf(r.Context()))
	if err != nil {
		return err
	}
	return writeNoStore(w, http.StatusOK, map[string]any{"offerings": lines})
}

func (s *Server) apiOffering(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	o, _, err := s.loadOffering(r.Context(), actorOf(r.Context()), id, actReadOfferings)
	if err != nil {
		return err
	}
	return s.writeOffering(w, r, http.StatusOK, o)
}

func (s *Server) writeOffering(w http.ResponseWriter, r *http.Request, status int, o sqlstore.Offering) error {
	cases, err := s.approvals.OfferingCases(r.Context(), o.ID)
	if err != nil {
		return err
	}
	if cases == nil {
		cases = []int64{}
	}
	return writeNoStore(w, status, offeringJSON{offeringLine: s.offeringLine(r.Context(), o), Draft: o.Draft, Version: o.Version, Cases: cases})
}

// newOfferingJSON is the body that creates an offering.
type newOfferingJSON struct {
	InstitutionID int64        `json:"institutionId"`
	UnitID        int64        `json:"unitId"`
	Draft         catalog.Form `json:"draft"`
}

func (s *Server) apiCreateOffering(w http.ResponseWriter, r *http.Request) error {
	var in newOfferingJSON
	if err := readJSON(r, &in); err != nil {
		return err
	}
	if in.InstitutionID <= 0 {
		return apperror.Field("institutionId", "is required")
	}
	if err := authorize(actorOf(r.Context()), actPropose, target{institution: in.InstitutionID}); err != nil {
		return err
	}
	o := sqlstore.Offering{InstitutionID: in.InstitutionID, UnitID: in.UnitID, Draft: in.Draft}
	if err := s.store.CreateOffering(r.Context(), &o); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/offerings/"+strconv.FormatInt(o.ID, 10))
	return s.writeOffering(w, r, http.StatusCreated, o)
}

// draftJSON is the body that saves a draft: the form and the offering's
// version it was read at.
type draftJSON struct {
	Version int64        `json:"version"`
	Draft   catalog.Form `json:"draft"`
}

func (s *Server) apiSaveDraft(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in draftJSON
	if err := readJSON(r, &in); err != nil {
		return err
	}
	o, _, err := s.loadOffering(r.Context(), actorOf(r.Context()), id, actPropose)
	if err != nil {
		return err
	}
	if in.Version <= 0 {
		return apperror.Field("version", "is required: send the version the draft was read at")
	}
	o.Version, o.Draft = in.Version, in.Draft
	if err := s.store.UpdateDraft(r.Context(), &o); err != nil {
		return err
	}
	return s.writeOffering(w, r, http.StatusOK, o)
}

func (s *Server) apiSubmitOffering(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := actorOf(r.Context())
	caseID, _, _, errs, err := s.submitOffering(r.Context(), a, id)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		var details []string
		for _, e := range errs {
			details = append(details, e.Error())
		}
		return detailedError{err: apperror.Field(errs[0].Field, "the outline form is not ready to submit: %s", errs[0].Message), details: details}
	}
	// The proponent may read the case they opened, whatever the token's
	// scopes say of other cases.
	proponent := *a
	proponent.token = nil
	cc, err := s.loadCase(r.Context(), &proponent, caseID, actViewCase)
	if err != nil {
		return err
	}
	v, err := s.caseView(r.Context(), a, cc, 0, 0)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/cases/"+strconv.FormatInt(caseID, 10))
	return writeNoStore(w, http.StatusCreated, v)
}

// personJSON is a person as the API lists them.
type personJSON struct {
	ID    int64      `json:"id"`
	Name  string     `json:"name"`
	Email string     `json:"email"`
	Roles []roleView `json:"roles"`
}

// apiPeople lists the people of one of the actor's institutions, by name,
// optionally filtered by role or a search on name and email.
func (s *Server) apiPeople(w http.ResponseWriter, r *http.Request) error {
	limit, offset, err := pageQuery(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	a := actorOf(r.Context())
	inst, err := strconv.ParseInt(q.Get("institution"), 10, 64)
	if err != nil || inst <= 0 {
		return apperror.Field("institution", "give the institution's id")
	}
	if err := authorize(a, actReadPeople, target{institution: inst}); err != nil {
		return err
	}
	role := org.Role(q.Get("role"))
	if role != "" && !role.Valid() {
		return apperror.Field("role", "is not a known role")
	}
	people, err := s.store.People(r.Context(), sqlstore.PeopleQuery{InstitutionID: inst, Role: role, Search: q.Get("search"), Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	out := []personJSON{}
	for _, p := range people {
		pj := personJSON{ID: p.ID, Name: p.Name, Email: p.Email, Roles: []roleView{}}
		for _, g := range p.Roles {
			if g.InstitutionID == inst {
				pj.Roles = append(pj.Roles, roleView{Institution: g.InstitutionID, Role: string(g.Role), Unit: g.UnitID})
			}
		}
		out = append(out, pj)
	}
	return writeNoStore(w, http.StatusOK, map[string]any{"people": out, "limit": limit, "offset": offset})
}

// writeNoStore writes a JSON answer about someone's own data, which no
// cache may keep.
func writeNoStore(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, status, v)
}
