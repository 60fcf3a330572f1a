package web

import (
	"context"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/org"
)

// navView is the site navigation for the actor: the links their roles
// open.
type navView struct {
	SignedIn bool
	Name     string
	Links    []navLink
}

type navLink struct {
	Href, Label string
}

func navOf(a *actor) navView {
	if !a.signedIn() {
		return navView{Links: []navLink{{"/verify", "Verify a credential"}, {"/signin", "Sign in"}}}
	}
	n := navView{SignedIn: true, Name: a.person.Name}
	add := func(act action, href, label string) {
		if authorize(a, act, target{}) == nil {
			n.Links = append(n.Links, navLink{href, label})
		}
	}
	add(actSignedIn, "/tasks", "My tasks")
	add(actWallet, "/wallet", "My wallet")
	add(actReadOfferings, "/offerings", "Offerings")
	add(actViewCase, "/cases", "Cases")
	add(actChair, "/committee", "Committee")
	add(actProvost, "/provost", "Provost")
	add(actSecretariat, "/secretariat", "Agendas")
	add(actLifecycle, "/lifecycle", "Reviews")
	add(actAdministration, "/admin", "Administration")
	add(actReadAwards, "/reports", "Reports")
	add(actSignedIn, "/account/tokens", "API tokens")
	n.Links = append(n.Links, navLink{"/verify", "Verify"})
	return n
}

// templateFuncs are the functions page templates may call.
var templateFuncs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2 Jan 2006")
	},
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2 Jan 2006 15:04 UTC")
	},
	"isodate": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	},
	"humanize": humanize,
	"label":    wordFor,
	"isoday": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.DateOnly)
	},
	"percent": func(f float64) string { return strconv.FormatFloat(f*100, 'f', 0, 64) + "%" },
	"lines":   func(s string) []string { return strings.Split(s, "\n") },
	"add":     func(a, b int) int { return a + b },
}

// humanize turns an identifier such as "completeness_check" into words.
func humanize(s string) string {
	s = strings.ReplaceAll(s, "_", " ")
	s = strings.ReplaceAll(s, ".", ": ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// pathID reads a numeric path value.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperror.New(apperror.NotFound, "there is no %s %q", name, r.PathValue(name))
	}
	return id, nil
}

// postedPathID is pathID for a posted form's handler: the path's id, then
// the form parsed.
func postedPathID(r *http.Request, name string) (int64, error) {
	id, err := pathID(r, name)
	if err != nil {
		return 0, err
	}
	if err := r.ParseForm(); err != nil {
		return 0, formError(err)
	}
	return id, nil
}

// pageQuery reads the page number and size from the query.
func pageQuery(r *http.Request) (limit, offset int, err error) {
	q := r.URL.Query()
	limit, offset = 50, 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return 0, 0, apperror.Field("limit", "must be a number from 1 to 500")
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1_000_000 {
			return 0, 0, apperror.Field("offset", "must be a number from 0 to 1000000")
		}
		offset = n
	}
	return limit, offset, nil
}

// names looks up people's names, once each, for showing who did what.
type names struct {
	s     *Server
	ctx   context.Context
	known map[int64]string
}

func (s *Server) names(ctx context.Context) *names {
	return &names{s: s, ctx: ctx, known: map[int64]string{}}
}

// of returns the person's name, or "person N" when they cannot be found.
func (n *names) of(id int64) string {
	if id == 0 {
		return "cairn"
	}
	if name, ok := n.known[id]; ok {
		return name
	}
	name := "person " + strconv.FormatInt(id, 10)
	if p, err := n.s.store.Person(n.ctx, id); err == nil {
		name = p.Name
	}
	n.known[id] = name
	return name
}

// personRef is a person as lists show them.
type personRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

func (n *names) ref(id int64) personRef { return personRef{ID: id, Name: n.of(id)} }

// institutionName returns an institution's name for showing.
func (s *Server) institutionName(ctx context.Context, id int64) string {
	if i, err := s.store.Institution(ctx, id); err == nil {
		return i.Name
	}
	return "institution " + strconv.FormatInt(id, 10)
}

// roleNames lists a person's roles for showing.
func roleNames(p org.Person) []string {
	var out []string
	for _, g := range p.Roles {
		out = append(out, humanize(string(g.Role)))
	}
	return out
}
