package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
	"cairn/internal/policy"
	"cairn/internal/sqlstore"
)

// offeringLine is an offering in a list.
type offeringLine struct {
	ID              int64     `json:"id"`
	InstitutionID   int64     `json:"institutionId"`
	Institution     string    `json:"institution"`
	UnitID          int64     `json:"unitId,omitempty"`
	Title           string    `json:"title"`
	Kind            string    `json:"kind"`
	Status          string    `json:"status"`
	ApprovedVersion int       `json:"approvedVersion"`
	UpdatedAt       time.Time `json:"updatedAt"`
}

func (s *Server) offeringLine(ctx context.Context, o sqlstore.Offering) offeringLine {
	return offeringLine{ID: o.ID, InstitutionID: o.InstitutionID, Institution: s.institutionName(ctx, o.InstitutionID), UnitID: o.UnitID,
		Title: o.Draft.Title, Kind: string(o.Draft.Kind), Status: string(o.Status), ApprovedVersion: o.ApprovedVersion, UpdatedAt: o.UpdatedAt}
}

// maxOfferingsShown bounds an offerings page.
const maxOfferingsShown = 500

// listOfferings lists the offerings of the institutions where the actor
// works.
func (s *Server) listOfferings(ctx context.Context, a *actor) ([]offeringLine, error) {
	out := []offeringLine{}
	for _, id := range a.institutions() {
		if authorize(a, actReadOfferings, target{institution: id}) != nil {
			continue
		}
		os, err := s.store.Offerings(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, o := range os {
			if len(out) >= maxOfferingsShown {
				return out, nil
			}
			out = append(out, s.offeringLine(ctx, o))
		}
	}
	return out, nil
}

// loadOffering loads an offering the actor may do act to.
func (s *Server) loadOffering(ctx context.Context, a *actor, id int64, act action) (sqlstore.Offering, *policy.Profile, error) {
	o, err := s.store.Offering(ctx, id)
	if err != nil {
		return o, nil, err
	}
	if err := authorize(a, act, target{institution: o.InstitutionID}); err != nil {
		return o, nil, err
	}
	e, err := s.approvals.Engine(ctx, o.InstitutionID)
	if err != nil {
		return o, nil, err
	}
	return o, e.Profile(), nil
}

func (s *Server) offeringsPage(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r.Context())
	lines, err := s.listOfferings(r.Context(), a)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "offerings", "Offerings", struct {
		Offerings  []offeringLine
		CanPropose bool
	}{lines, authorize(a, actPropose, target{}) == nil})
	return nil
}

// editView is the outline-form editor.
type editView struct {
	ID           int64
	Institutions []choiceView
	Units        []choiceView
	Fields       []fieldView
	Errors       []string
	Saved        bool
	Status       string
	Version      int64
}

// proposingInstitutions are the institutions where the actor may propose.
func (s *Server) proposingInstitutions(ctx context.Context, a *actor, selected int64) []choiceView {
	var out []choiceView
	for _, id := range a.institutions() {
		if authorize(a, actPropose, target{institution: id}) == nil {
			out = append(out, choiceView{Value: strconv.FormatInt(id, 10), Label: s.institutionName(ctx, id), Selected: id == selected})
		}
	}
	return out
}

func (s *Server) unitChoices(ctx context.Context, institution, selected int64) ([]choiceView, error) {
	units, err := s.store.OrgUnits(ctx, institution)
	if err != nil {
		return nil, err
	}
	out := []choiceView{{Value: "", Label: "None", Selected: selected == 0}}
	for _, u := range units {
		out = append(out, choiceView{Value: strconv.FormatInt(u.ID, 10), Label: u.Name, Selected: u.ID == selected})
	}
	return out, nil
}

func (s *Server) newOfferingPage(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r.Context())
	insts := s.proposingInstitutions(r.Context(), a, 0)
	if len(insts) == 0 {
		return apperror.New(apperror.Forbidden, "you may not propose at any institution")
	}
	inst, _ := strconv.ParseInt(insts[0].Value, 10, 64)
	if q := r.URL.Query().Get("institution"); q != "" {
		if id, err := strconv.ParseInt(q, 10, 64); err == nil && authorize(a, actPropose, target{institution: id}) == nil {
			inst = id
		}
	}
	insts = s.proposingInstitutions(r.Context(), a, inst)
	e, err := s.approvals.Engine(r.Context(), inst)
	if err != nil {
		return err
	}
	units, err := s.unitChoices(r.Context(), inst, a.homeUnit(inst))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "offering_edit", "New proposal", editView{Institutions: insts, Units: units, Fields: formFields(e.Profile(), catalog.Form{}, nil)})
	return nil
}

func (s *Server) createOfferingPage(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return formError(err)
	}
	a := actorOf(r.Context())
	inst, err := strconv.ParseInt(r.PostForm.Get("institution"), 10, 64)
	if err != nil {
		return apperror.Field("institution", "choose an institution")
	}
	if err := authorize(a, actPropose, target{institution: inst}); err != nil {
		return err
	}
	unit, _ := strconv.ParseInt(r.PostForm.Get("unit"), 10, 64)
	o := sqlstore.Offering{InstitutionID: inst, UnitID: unit}
	errs := readFormFields(&o.Draft, r.PostForm)
	if len(errs) == 0 {
		err = s.store.CreateOffering(r.Context(), &o)
		if err == nil {
			http.Redirect(w, r, "/offerings/"+strconv.FormatInt(o.ID, 10)+"/edit?saved=1", http.StatusSeeOther)
			return nil
		}
		var ae *apperror.Error
		if !errors.As(err, &ae) || ae.Code != apperror.Invalid {
			return err
		}
		errs = append(errs, ae)
	}
	e, err := s.approvals.Engine(r.Context(), inst)
	if err != nil {
		return err
	}
	units, err := s.unitChoices(r.Context(), inst, unit)
	if err != nil {
		return err
	}
	v := editView{Institutions: s.proposingInstitutions(r.Context(), a, inst), Units: units, Fields: formFields(e.Profile(), o.Draft, errs), Errors: messages(errs)}
	s.render(w, r, http.StatusUnprocessableEntity, "offering_edit", "New proposal", v)
	return nil
}

func (s *Server) offeringPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := actorOf(r.Context())
	o, p, err := s.loadOffering(r.Context(), a, id, actReadOfferings)
	if err != nil {
		return err
	}
	cases, err := s.approvals.OfferingCases(r.Context(), o.ID)
	if err != nil {
		return err
	}
	versions, err := s.store.OfferingVersions(r.Context(), o.ID)
	if err != nil {
		return err
	}
	var vs []versionView
	for _, v := range versions {
		vs = append(vs, versionView{Number: v.Number(), Hash: v.Hash(), Title: v.Form().Title, SubmittedAt: v.SubmittedAt()})
	}
	var fields []formValueView
	for _, fv := range formFields(p, o.Draft, nil) {
		if fv.Value != "" {
			val := fv.Value
			if fv.Type == string(catalog.TypeChoice) {
				val = wordFor(val)
			}
			fields = append(fields, formValueView{Label: fv.Label, Value: val})
		}
	}
	s.render(w, r, http.StatusOK, "offering", o.Draft.Title, struct {
		Offering offeringLine
		Fields   []formValueView
		Cases    []int64
		Versions []versionView
		CanEdit  bool
	}{s.offeringLine(r.Context(), o), fields, cases, vs,
		authorize(a, actPropose, target{institution: o.InstitutionID}) == nil && editable(o.Status)})
	return nil
}

// editable reports whether an offering's draft may be edited.
func editable(st catalog.Status) bool { return st == catalog.Draft || st == catalog.UnderReview }

func (s *Server) editOfferingPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	o, p, err := s.loadOffering(r.Context(), actorOf(r.Context()), id, actPropose)
	if err != nil {
		return err
	}
	units, err := s.unitChoices(r.Context(), o.InstitutionID, o.UnitID)
	if err != nil {
		return err
	}
	v := editView{ID: o.ID, Units: units, Fields: formFields(p, o.Draft, nil), Saved: r.URL.Query().Get("saved") != "", Status: string(o.Status), Version: o.Version}
	s.render(w, r, http.StatusOK, "offering_edit", "Edit: "+o.Draft.Title, v)
	return nil
}

func (s *Server) saveOfferingPage(w http.ResponseWriter, r *http.Request) error {
	id, err := postedPathID(r, "id")
	if err != nil {
		return err
	}
	o, p, err := s.loadOffering(r.Context(), actorOf(r.Context()), id, actPropose)
	if err != nil {
		return err
	}
	if v, err := strconv.ParseInt(r.PostForm.Get("version"), 10, 64); err == nil {
		o.Version = v
	}
	errs := readFormFields(&o.Draft, r.PostForm)
	if len(errs) == 0 {
		err := s.store.UpdateDraft(r.Context(), &o)
		if err == nil {
			http.Redirect(w, r, "/offerings/"+strconv.FormatInt(o.ID, 10)+"/edit?saved=1", http.StatusSeeOther)
			return nil
		}
		var ae *apperror.Error
		if !errors.As(err, &ae) || (ae.Code != apperror.Invalid && ae.Code != apperror.Conflict) {
			return err
		}
		errs = append(errs, ae)
	}
	units, err := s.unitChoices(r.Context(), o.InstitutionID, o.UnitID)
	if err != nil {
		return err
	}
	v := editView{ID: o.ID, Units: units, Fields: formFields(p, o.Draft, errs), Errors: messages(errs), Status: string(o.Status), Version: o.Version}
	s.render(w, r, http.StatusUnprocessableEntity, "offering_edit", "Edit: "+o.Draft.Title, v)
	return nil
}

// submitOffering checks the draft against the institution's form and
// submits it for approval, opening a case.
func (s *Server) submitOffering(ctx context.Context, a *actor, id int64) (int64, sqlstore.Offering, *policy.Profile, []*apperror.Error, error) {
	o, p, err := s.loadOffering(ctx, a, id, actPropose)
	if err != nil {
		return 0, o, nil, nil, err
	}
	if errs := policy.ValidateForm(p, o.Draft); len(errs) > 0 {
		return 0, o, p, errs, nil
	}
	c, _, err := s.approvals.SubmitProposal(ctx, sqlstore.Proposal{OfferingID: o.ID, By: a.person.ID})
	if err != nil {
		return 0, o, p, nil, err
	}
	return c.ID, o, p, nil, nil
}

func (s *Server) submitOfferingPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	caseID, o, p, errs, err := s.submitOffering(r.Context(), actorOf(r.Context()), id)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		units, err := s.unitChoices(r.Context(), o.InstitutionID, o.UnitID)
		if err != nil {
			return err
		}
		v := editView{ID: o.ID, Units: units, Fields: formFields(p, o.Draft, errs), Errors: messages(errs), Status: string(o.Status), Version: o.Version}
		s.render(w, r, http.StatusUnprocessableEntity, "offering_edit", "Edit: "+o.Draft.Title, v)
		return nil
	}
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(caseID, 10)+"?done=submit", http.StatusSeeOther)
	return nil
}

func messages(errs []*apperror.Error) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Message)
	}
	return out
}
