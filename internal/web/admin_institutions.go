package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"cairn/internal/apperror"
	"cairn/internal/org"
	"cairn/internal/policy"
	"cairn/internal/sqlstore"
)

// formField is one field of an institution form: its value as posted and
// the message when it was refused.
type formField struct {
	Name, Label, Type, Value, Hint, Error, Autocomplete string
	Required                                            bool
	Choices                                             []choiceView
}

// institutionForm is an institution's details as a form shows them.
type institutionForm struct {
	Fields  []formField
	Version int64
	// CasesInProgress, on the edit form, is how many approval cases
	// follow the current policy profile.
	CasesInProgress int
}

// profileChoices names the policy profiles cairn knows, each by its own
// name, read once.
var profileChoices = sync.OnceValue(func() []choiceView {
	var out []choiceView
	for _, name := range policy.Builtins() {
		label := name
		if p, err := policy.Builtin(name); err == nil && p.Name != "" {
			label = p.Name + " (" + name + ")"
		}
		out = append(out, choiceView{Value: name, Label: label})
	}
	return out
})

// institutionFields are the fields of an institution form with their
// values: the institution's details, and with admin the first
// administrator's name and email address.
func institutionFields(i org.Institution, slug bool, admin *org.Person, casesInProgress int) []formField {
	profiles := []choiceView{{Value: "", Label: "Choose…", Selected: i.PolicyProfile == ""}}
	for _, c := range profileChoices() {
		c.Selected = c.Value == i.PolicyProfile
		profiles = append(profiles, c)
	}
	profileHint := "The rules approvals follow: tracks, committees, deadlines and review questions."
	if !slug {
		profileHint += " Approval cases follow the institution's current profile (a case is not pinned to the profile it started under), so the profile can be changed only while no case is in progress. In progress now: " + strconv.Itoa(casesInProgress) + "."
	}
	var out []formField
	if slug {
		out = append(out, formField{Name: "slug", Label: "Short name", Type: "text", Value: i.Slug, Required: true, Autocomplete: "off",
			Hint: "Lower-case letters, digits and hyphens, e.g. kpu; used in web addresses and cannot be changed later."})
	}
	out = append(out,
		formField{Name: "name", Label: "Full name", Type: "text", Value: i.Name, Required: true, Autocomplete: "organization"},
		formField{Name: "jurisdiction", Label: "Jurisdiction", Type: "text", Value: i.Jurisdiction, Required: true, Autocomplete: "off",
			Hint: "The ISO 3166-2 code whose statutory holidays count as closed days, e.g. CA-BC or CA-YT."},
		formField{Name: "time_zone", Label: "Time zone", Type: "text", Value: i.TimeZone, Required: true, Autocomplete: "off",
			Hint: "The IANA time zone deadlines fall due in, e.g. America/Vancouver."},
		formField{Name: "policy_profile", Label: "Policy profile", Type: "select", Required: true, Choices: profiles, Hint: profileHint},
	)
	if admin != nil {
		out = append(out,
			formField{Name: "admin_name", Label: "First administrator's name", Type: "text", Value: admin.Name, Required: true, Autocomplete: "off",
				Hint: "Ignored when a person with this email address exists already: they become the administrator."},
			formField{Name: "admin_email", Label: "First administrator's email address", Type: "email", Value: admin.Email, Required: true, Autocomplete: "off"},
		)
	}
	return out
}

// withProblems puts each problem's message on its field and returns the
// messages that belong to no field.
func withProblems(fields []formField, problems []*apperror.Error) []string {
	var rest []string
	for _, p := range problems {
		placed := false
		for i := range fields {
			if fields[i].Name == p.Field && !placed {
				if fields[i].Error == "" {
					fields[i].Error = p.Message
				}
				placed = true
			}
		}
		if !placed {
			rest = append(rest, apperror.MessageOf(p))
		}
	}
	return rest
}

// formProblems turns a refusal an administrator fixes in the form into
// its problems; ok is false for any other error.
func formProblems(err error) ([]*apperror.Error, bool) {
	var e *apperror.Error
	if _, fixable := adminFixable(err); !fixable || !errors.As(err, &e) {
		return nil, false
	}
	return []*apperror.Error{e}, true
}

// refusalSummary is the alert over a refused form.
func refusalSummary(rest []string) string {
	if len(rest) > 0 {
		return strings.Join(rest, " ")
	}
	return "check the fields marked below; nothing you entered is lost."
}

// detailsForm is the edit form of an institution's details.
func (s *Server) detailsForm(ctx context.Context, inst org.Institution) (institutionForm, error) {
	n, err := s.store.CasesInProgress(ctx, inst.ID)
	if err != nil {
		return institutionForm{}, err
	}
	return institutionForm{Fields: institutionFields(inst, false, nil, n), Version: inst.Version, CasesInProgress: n}, nil
}

// updateInstitutionPage saves an institution's name, jurisdiction, time
// zone and policy profile; a refusal shows the page again with the posted
// values and a message on each field at fault.
func (s *Server) updateInstitutionPage(w http.ResponseWriter, r *http.Request) error {
	inst, err := s.adminForm(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	edit := sqlstore.InstitutionEdit{ID: inst.ID, Name: strings.TrimSpace(f.Get("name")), Jurisdiction: strings.TrimSpace(f.Get("jurisdiction")),
		TimeZone: strings.TrimSpace(f.Get("time_zone")), PolicyProfile: f.Get("policy_profile"), By: actorOf(r.Context()).person.ID}
	edit.Version, _ = strconv.ParseInt(f.Get("version"), 10, 64)
	problems := sqlstore.InstitutionProblems(edit.Apply(inst))
	if len(problems) == 0 {
		_, err := s.store.EditInstitution(r.Context(), edit)
		if err == nil {
			adminRedirect(w, r, institutionPath(inst.ID), "details")
			return nil
		}
		var ok bool
		if problems, ok = formProblems(err); !ok {
			return err
		}
	}
	v, err := s.adminInstitutionView(r.Context(), inst)
	if err != nil {
		return err
	}
	// The posted values stay; the version is the current one, so that
	// sending the form again after a conflict saves what it shows.
	v.Details.Fields = institutionFields(edit.Apply(inst), false, nil, v.Details.CasesInProgress)
	v.Error = refusalSummary(withProblems(v.Details.Fields, problems))
	s.render(w, r, statusOf(problems[0].Code), "admin_institution", inst.Name, v)
	return nil
}

// newInstitutionView is the operators' page for setting up an institution.
type newInstitutionView struct {
	Form  institutionForm
	Error string
}

func (s *Server) newInstitutionPage(w http.ResponseWriter, r *http.Request) error {
	v := newInstitutionView{Form: institutionForm{Fields: institutionFields(org.Institution{}, true, &org.Person{}, 0)}}
	s.render(w, r, http.StatusOK, "admin_institution_new", "Add an institution", v)
	return nil
}

// createInstitutionPage sets up an institution with its first
// administrator, as cairn institution add does (sqlstore.SetUpInstitution).
func (s *Server) createInstitutionPage(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return formError(err)
	}
	f := r.PostForm
	u := sqlstore.InstitutionSetup{
		Institution: org.Institution{Slug: strings.TrimSpace(f.Get("slug")), Name: strings.TrimSpace(f.Get("name")),
			Jurisdiction: strings.TrimSpace(f.Get("jurisdiction")), TimeZone: strings.TrimSpace(f.Get("time_zone")), PolicyProfile: f.Get("policy_profile")},
		AdminName: strings.TrimSpace(f.Get("admin_name")), AdminEmail: strings.TrimSpace(f.Get("admin_email")),
		By: actorOf(r.Context()).person.ID,
	}
	problems := u.Problems()
	if len(problems) == 0 {
		_, err := s.store.SetUpInstitution(r.Context(), u)
		if err == nil {
			adminRedirect(w, r, "/admin", "institution")
			return nil
		}
		var ok bool
		if problems, ok = formProblems(err); !ok {
			return err
		}
	}
	v := newInstitutionView{Form: institutionForm{Fields: institutionFields(u.Institution, true, &org.Person{Name: u.AdminName, Email: u.AdminEmail}, 0)}}
	v.Error = refusalSummary(withProblems(v.Form.Fields, problems))
	s.render(w, r, statusOf(problems[0].Code), "admin_institution_new", "Add an institution", v)
	return nil
}

// adminListView is the Administration page: the institutions the actor
// administers and, for an installation operator, every institution.
type adminListView struct {
	Institutions []org.Institution
	Operator     bool
	// All is every institution, for an operator, with whether the actor
	// administers it.
	All  []adminListEntry
	Done string
}

type adminListEntry struct {
	org.Institution
	Mine bool
}

// adminDoneList are the confirmations of the Administration page.
var adminDoneList = map[string]string{
	"institution": "The institution is set up with its first administrator. They sign in with their password if they had one, or with a sign-in link sent to their email address or by single sign-on where those are set up, and set up the rest in its administration page.",
}
