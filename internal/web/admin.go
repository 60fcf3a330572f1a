package web

import (
	"net/http"

	"cairn/internal/org"
	"cairn/internal/sqlstore"
)

func (s *Server) adminPage(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r.Context())
	all, err := s.store.Institutions(r.Context())
	if err != nil {
		return err
	}
	v := adminListView{Operator: a.operator, Done: adminDoneList[r.URL.Query().Get("done")]}
	for _, i := range all {
		mine := a.hasRole(i.ID, org.Administrator)
		if mine {
			v.Institutions = append(v.Institutions, i)
		}
		if a.operator {
			v.All = append(v.All, adminListEntry{Institution: i, Mine: mine})
		}
	}
	s.render(w, r, http.StatusOK, "admin", "Administration", v)
	return nil
}

// committeeAdminView is a committee with its members, chair and the ways
// it breaks its composition rule.
type committeeAdminView struct {
	// ID is 0 for a committee the profile names that is not set up.
	ID        int64
	Key, Name string
	Chair     string
	Members   []string
	HasRule   bool
	Problems  []ruleLine
}

// maxAdminPeople bounds the people the administration page lists.
const maxAdminPeople = sqlstore.MaxPageSize

type personAdminView struct {
	ID    int64
	Name  string
	Email string
	Roles []string
}
