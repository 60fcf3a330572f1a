package web

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
	"cairn/internal/org"
)

// changeView is a field change as the API shows it.
type changeView struct {
	Field   string   `json:"field"`
	Label   string   `json:"label"`
	Old     string   `json:"old"`
	New     string   `json:"new"`
	Added   []string `json:"added,omitempty"`
	Removed []string `json:"removed,omitempty"`
}

// apiOfferingDiff compares two versions of an offering (numbers, or
// "draft" for the working draft) field by field; without from and to, the
// last two submitted versions.
func (s *Server) apiOfferingDiff(w http.ResponseWriter, r *http.Request) error {
	o, versions, forms, err := s.offeringForms(r)
	if err != nil {
		return err
	}
	from, to := r.URL.Query().Get("from"), r.URL.Query().Get("to")
	if from == "" && to == "" {
		if n := len(versions); n >= 2 {
			from, to = strconv.Itoa(versions[n-2].Number()), strconv.Itoa(versions[n-1].Number())
		} else {
			return apperror.New(apperror.Invalid, "offering %d has %d submitted version(s): name the versions to compare with from and to", o.ID, n)
		}
	}
	for name, v := range map[string]string{"from": from, "to": to} {
		if _, ok := forms[v]; !ok {
			return apperror.Field(name, "offering %d has no version %q", o.ID, v)
		}
	}
	changes := []changeView{}
	for _, ch := range catalog.Diff(forms[from], forms[to]) {
		changes = append(changes, changeView{Field: ch.Key, Label: ch.Label, Old: ch.Old, New: ch.New, Added: ch.Added, Removed: ch.Removed})
	}
	return writeNoStore(w, http.StatusOK, map[string]any{"offeringId": o.ID, "from": from, "to": to, "changes": changes})
}

// apiComposition reports how each committee of an institution stands
// against its composition rule today.
func (s *Server) apiComposition(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := authorize(actorOf(r.Context()), actAdmin, target{institution: id}); err != nil {
		return err
	}
	report, err := s.approvals.CompositionReport(r.Context(), id)
	if err != nil {
		return err
	}
	type violation struct {
		Message  string `json:"message"`
		Clause   string `json:"clause,omitempty"`
		Category string `json:"category,omitempty"`
		PersonID int64  `json:"personId,omitempty"`
	}
	type committee struct {
		Key         string      `json:"key"`
		Name        string      `json:"name"`
		CommitteeID int64       `json:"committeeId,omitempty"`
		HasRule     bool        `json:"hasRule"`
		ChairID     int64       `json:"chairId,omitempty"`
		Members     []personRef `json:"members"`
		Keeps       bool        `json:"keeps"`
		Violations  []violation `json:"violations"`
	}
	out := []committee{}
	for _, c := range report {
		cv := committee{Key: c.Key, Name: c.Name, CommitteeID: c.CommitteeID, HasRule: c.Rule != nil, ChairID: c.ChairID, Keeps: c.Keeps(),
			Members: []personRef{}, Violations: []violation{}}
		for _, m := range c.Members {
			cv.Members = append(cv.Members, personRef{ID: m.PersonID, Name: m.Name})
		}
		for _, v := range c.Violations {
			cv.Violations = append(cv.Violations, violation{Message: v.Message, Clause: v.Clause, Category: v.Category, PersonID: v.PersonID})
		}
		out = append(out, cv)
	}
	return writeNoStore(w, http.StatusOK, map[string]any{"institutionId": id, "committees": out})
}

// apiCompleteAnnualReview records an offering's open annual review as
// completed by the actor.
func (s *Server) apiCompleteAnnualReview(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Notes string `json:"notes"`
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	a := actorOf(r.Context())
	o, err := s.reviewOffering(r.Context(), a, id)
	if err != nil {
		return err
	}
	if err := writeScope(a); err != nil {
		return err
	}
	if err := s.approvals.CompleteAnnualReview(r.Context(), o.ID, a.person.ID, in.Notes); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// discontinuanceJSON is a consideration for discontinuance as the API
// shows it.
type discontinuanceJSON struct {
	ID           int64  `json:"id"`
	OfferingID   int64  `json:"offeringId"`
	Status       string `json:"status"`
	IdleSince    string `json:"idleSince"`
	ProposedBy   int64  `json:"proposedBy,omitempty"`
	ProposalNote string `json:"proposalNote,omitempty"`
	DecidedBy    int64  `json:"decidedBy,omitempty"`
	DecisionNote string `json:"decisionNote,omitempty"`
}

// apiDiscontinuance proposes, retains or discontinues an offering under
// consideration.
func (s *Server) apiDiscontinuance(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Note string `json:"note"`
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	a := actorOf(r.Context())
	d, err := s.discontinuanceOf(r.Context(), a, id)
	if err != nil {
		return err
	}
	if err := writeScope(a); err != nil {
		return err
	}
	name := r.PathValue("action")
	act, ok := discontinuanceAction(name, in.Note)
	if !ok {
		return apperror.New(apperror.NotFound, "there is no discontinuance action %q: use propose, retain or discontinue", name)
	}
	d, err = s.approvals.ActOnDiscontinuance(r.Context(), d.ID, a.person.ID, act)
	if err != nil {
		return err
	}
	return writeNoStore(w, http.StatusOK, discontinuanceJSON{ID: d.ID, OfferingID: d.OfferingID, Status: string(d.Status),
		IdleSince: d.IdleSince.UTC().Format("2006-01-02"), ProposedBy: d.ProposedBy, ProposalNote: d.ProposalNote,
		DecidedBy: d.DecidedBy, DecisionNote: d.DecisionNote})
}

// writeScope refuses an API token without the cases:write scope: the
// lifecycle routes read under cases:read, and change under cases:write.
func writeScope(a *actor) error {
	if a.token != nil && !a.token.Allows(ScopeCasesWrite, "") {
		return apperror.New(apperror.Forbidden, "the API token does not grant the %s scope", ScopeCasesWrite)
	}
	return nil
}

// closureJSON is a closure as the API shows it.
type closureJSON struct {
	ID     int64  `json:"id"`
	From   string `json:"from"`
	To     string `json:"to"`
	Reason string `json:"reason"`
}

func closureOf(c org.Closure) closureJSON {
	return closureJSON{ID: c.ID, From: c.From.UTC().Format(time.DateOnly), To: c.To.UTC().Format(time.DateOnly), Reason: c.Reason}
}

// apiClosures lists an institution's closures overlapping a period
// (default: a year back to two years ahead).
func (s *Server) apiClosures(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := authorize(actorOf(r.Context()), actAdmin, target{institution: id}); err != nil {
		return err
	}
	now := s.now()
	from, to := now.AddDate(-1, 0, 0), now.AddDate(2, 0, 0)
	q := r.URL.Query()
	if v := q.Get("from"); v != "" {
		if from, err = time.Parse(time.DateOnly, v); err != nil {
			return apperror.Field("from", "give a date as YYYY-MM-DD")
		}
	}
	if v := q.Get("to"); v != "" {
		if to, err = time.Parse(time.DateOnly, v); err != nil {
			return apperror.Field("to", "give a date as YYYY-MM-DD")
		}
	}
	if to.Before(from) || to.Sub(from) > maxClosureWindow {
		return apperror.Field("to", "must be after from, and at most 10 years later")
	}
	cs, err := s.store.Closures(r.Context(), id, from, to)
	if err != nil {
		return err
	}
	out := []closureJSON{}
	for _, c := range cs {
		out = append(out, closureOf(c))
	}
	return writeNoStore(w, http.StatusOK, map[string]any{"institutionId": id, "closures": out})
}

// maxClosureWindow bounds the period one closures query reads.
const maxClosureWindow = 10 * 366 * 24 * time.Hour

// apiAddClosure adds days an institution is closed to its working-day
// calendar.
func (s *Server) apiAddClosure(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := authorize(actorOf(r.Context()), actAdmin, target{institution: id}); err != nil {
		return err
	}
	var in struct {
		From   string `json:"from"`
		To     string `json:"to"`
		Reason string `json:"reason"`
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	c := org.Closure{InstitutionID: id, Reason: in.Reason}
	if c.From, err = time.Parse(time.DateOnly, in.From); err != nil {
		return apperror.Field("from", "give a date as YYYY-MM-DD")
	}
	c.To = c.From
	if in.To != "" {
		if c.To, err = time.Parse(time.DateOnly, in.To); err != nil {
			return apperror.Field("to", "give a date as YYYY-MM-DD")
		}
	}
	if _, err := s.store.Institution(r.Context(), id); err != nil {
		return err
	}
	if err := s.store.AddClosure(r.Context(), &c); err != nil {
		return err
	}
	return writeNoStore(w, http.StatusCreated, closureOf(c))
}

// apiRemoveClosure removes a closure of an institution.
func (s *Server) apiRemoveClosure(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := authorize(actorOf(r.Context()), actAdmin, target{institution: id}); err != nil {
		return err
	}
	cid, err := pathID(r, "closure")
	if err != nil {
		return err
	}
	all, err := s.store.Closures(r.Context(), id, time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(all, func(c org.Closure) bool { return c.ID == cid }) {
		return apperror.New(apperror.NotFound, "there is no closure %d at institution %d", cid, id)
	}
	if err := s.store.RemoveClosure(r.Context(), cid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
