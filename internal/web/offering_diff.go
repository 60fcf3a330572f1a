package web

import (
	"net/http"
	"strconv"
	"strings"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
	"cairn/internal/sqlstore"
)

// diffChoice is a version the diff page can compare: a submitted version
// by number, or the working draft.
type diffChoice struct {
	Value    string
	Label    string
	Selected bool
}

// offeringDiffView is the version diff page.
type offeringDiffView struct {
	OfferingID int64
	Title      string
	From, To   []diffChoice
	FromLabel  string
	ToLabel    string
	Changes    []catalog.FieldChange
	Compared   bool
}

// draftChoice is the diff page's value for the working draft.
const draftChoice = "draft"

// offeringForms loads the offering of the path's id that the actor may
// read, its submitted versions, and the forms to compare: each version's
// by its number and the working draft's as draftChoice (the diff page and
// the API compare the same).
func (s *Server) offeringForms(r *http.Request) (sqlstore.Offering, []catalog.Version, map[string]catalog.Form, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return sqlstore.Offering{}, nil, nil, err
	}
	o, _, err := s.loadOffering(r.Context(), actorOf(r.Context()), id, actReadOfferings)
	if err != nil {
		return sqlstore.Offering{}, nil, nil, err
	}
	versions, err := s.store.OfferingVersions(r.Context(), o.ID)
	if err != nil {
		return sqlstore.Offering{}, nil, nil, err
	}
	forms := map[string]catalog.Form{draftChoice: o.Draft}
	for _, v := range versions {
		forms[strconv.Itoa(v.Number())] = v.Form()
	}
	return o, versions, forms, nil
}

// offeringDiffPage compares two versions of an offering (or a version and
// the working draft) field by field. Without a choice it compares the
// last two submitted versions, or the last version and the draft.
func (s *Server) offeringDiffPage(w http.ResponseWriter, r *http.Request) error {
	o, versions, forms, err := s.offeringForms(r)
	if err != nil {
		return err
	}
	labels := map[string]string{draftChoice: "the working draft"}
	var order []string
	for _, v := range versions {
		k := strconv.Itoa(v.Number())
		labels[k] = "version " + k + " (" + v.SubmittedAt().UTC().Format("2 Jan 2006") + ")"
		order = append(order, k)
	}
	order = append(order, draftChoice)
	from, to := r.URL.Query().Get("from"), r.URL.Query().Get("to")
	if from == "" && to == "" {
		switch n := len(versions); {
		case n >= 2:
			from, to = order[n-2], order[n-1]
		case n == 1:
			from, to = order[0], draftChoice
		}
	}
	for name, v := range map[string]string{"from": from, "to": to} {
		if _, ok := forms[v]; v != "" && !ok {
			return apperror.Field(name, "offering %d has no version %q", o.ID, v)
		}
	}
	title := o.Draft.Title
	if title == "" {
		title = "Untitled draft " + strconv.FormatInt(o.ID, 10)
	}
	view := offeringDiffView{OfferingID: o.ID, Title: title, FromLabel: labels[from], ToLabel: labels[to]}
	for _, k := range order {
		view.From = append(view.From, diffChoice{Value: k, Label: capitalize(labels[k]), Selected: k == from})
		view.To = append(view.To, diffChoice{Value: k, Label: capitalize(labels[k]), Selected: k == to})
	}
	if from != "" && to != "" {
		view.Compared = true
		for _, ch := range catalog.Diff(forms[from], forms[to]) {
			view.Changes = append(view.Changes, changeText(ch))
		}
	}
	s.render(w, r, http.StatusOK, "offering_diff", "Compare versions: "+title, view)
	return nil
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
