package web

import (
	"context"
	"net/http"
	"slices"

	"cairn/internal/approval"
)

// maxTaskCases bounds the open cases looked through for one actor's tasks.
const maxTaskCases = 200

// task is something the actor owes a case now.
type task struct {
	CaseID int64    `json:"caseId"`
	Title  string   `json:"title"`
	Step   string   `json:"step"`
	Action string   `json:"action"`
	Label  string   `json:"label"`
	Due    *dueView `json:"due,omitempty"`
}

// tasksOf returns what the open cases the actor can see wait on them for,
// the overdue and the soonest due first.
func (s *Server) tasksOf(ctx context.Context, a *actor) ([]task, error) {
	lines, err := s.listCases(ctx, a, true, maxTaskCases, 0)
	if err != nil {
		return nil, err
	}
	engines := map[int64]*approval.Engine{}
	rosters := map[int64]*approval.Roster{}
	out := []task{}
	now := s.now()
	for _, l := range lines {
		c, err := s.approvals.Case(ctx, l.ID)
		if err != nil {
			return nil, err
		}
		e, ok := engines[c.InstitutionID]
		if !ok {
			if e, err = s.approvals.Engine(ctx, c.InstitutionID); err != nil {
				return nil, err
			}
			engines[c.InstitutionID] = e
		}
		r, ok := rosters[c.InstitutionID]
		if !ok {
			if r, err = s.approvals.Roster(ctx, c.InstitutionID); err != nil {
				return nil, err
			}
			rosters[c.InstitutionID] = r
		}
		step := c.Step
		if t, ok := e.Profile().Track(c.Track); ok {
			if st, ok := t.Step(c.Step); ok && st.Label != "" {
				step = st.Label
			}
		}
		for _, d := range duties(e.Profile(), r, c) {
			if d.Person == a.person.ID {
				out = append(out, task{CaseID: c.ID, Title: c.Current().Title, Step: step, Action: d.Action, Label: d.Label, Due: dueOf(e, d.Deadline, now)})
			}
		}
	}
	slices.SortStableFunc(out, func(x, y task) int {
		switch {
		case x.Due == nil && y.Due == nil:
			return 0
		case x.Due == nil:
			return 1
		case y.Due == nil:
			return -1
		}
		return x.Due.Due.Compare(y.Due.Due)
	})
	return out, nil
}

func (s *Server) tasksPage(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r.Context())
	ts, err := s.tasksOf(r.Context(), a)
	if err != nil {
		return err
	}
	overdue := 0
	for _, t := range ts {
		if t.Due != nil && t.Due.Overdue {
			overdue++
		}
	}
	lifecycle, err := s.lifecycleTasks(r.Context(), a)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "tasks", "My tasks", struct {
		Name      string
		Roles     []string
		Tasks     []task
		Overdue   int
		Lifecycle int
	}{a.person.Name, roleNames(a.person), ts, overdue, lifecycle})
	return nil
}
