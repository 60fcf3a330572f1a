package web

import (
	"context"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
	"cairn/internal/org"
	"cairn/internal/sqlstore"
)

// fakeAccounts keeps passwords, sessions and API tokens in memory.
type fakeAccounts struct {
	store *sqlstore.Store

	mu        sync.Mutex
	passwords map[string]string // email → password
	sessions  map[string]int64  // token → person
	tokens    map[string]fakeToken
	links     map[string]int64 // sign-in link token → person (wallet_test.go)
	next      int
}

type fakeToken struct {
	person int64
	scopes []string
}

func (t fakeToken) Allows(scope, issuer string) bool { return slices.Contains(t.scopes, scope) }

func newFakeAccounts(s *sqlstore.Store) *fakeAccounts {
	return &fakeAccounts{store: s, passwords: map[string]string{}, sessions: map[string]int64{}, tokens: map[string]fakeToken{}}
}

func (a *fakeAccounts) Authenticate(ctx context.Context, email, password string) (org.Person, error) {
	a.mu.Lock()
	want, ok := a.passwords[org.NormalizeEmail(email)]
	a.mu.Unlock()
	if !ok || want != password {
		return org.Person{}, apperror.New(apperror.Unauthorized, "wrong email or password")
	}
	return a.store.PersonByEmail(ctx, email)
}

func (a *fakeAccounts) StartSession(ctx context.Context, personID int64, userAgent string) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.next++
	tok := "session-" + strings.Repeat("x", a.next)
	a.sessions[tok] = personID
	return tok, nil
}

func (a *fakeAccounts) Session(ctx context.Context, token string) (org.Person, error) {
	a.mu.Lock()
	id, ok := a.sessions[token]
	a.mu.Unlock()
	if !ok {
		return org.Person{}, apperror.New(apperror.Unauthorized, "no such session")
	}
	return a.store.Person(ctx, id)
}

func (a *fakeAccounts) EndSession(ctx context.Context, token string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.sessions, token)
	return nil
}

func (a *fakeAccounts) APIToken(ctx context.Context, secret string) (APIToken, org.Person, error) {
	a.mu.Lock()
	t, ok := a.tokens[secret]
	a.mu.Unlock()
	if !ok {
		return nil, org.Person{}, apperror.New(apperror.Unauthorized, "no such token")
	}
	p, err := a.store.Person(ctx, t.person)
	return t, p, err
}

// world is a fixture with KPU populated: people in every role, committees
// with elected chairs, and a session and an API token for each person.
type world struct {
	*fixture
	inst     org.Institution
	units    map[string]int64
	who      map[string]int64
	sessions map[string]string
}

// kpuPeople are the people of the test world by name, with their roles
// ("role" or "role@unit"); committee seats are in kpuCommittees.
var kpuPeople = map[string][]string{
	"pat":       {"proponent"},
	"quinn":     {"proponent"},
	"chair":     nil,
	"rev1":      nil,
	"rev2":      nil,
	"rev3":      nil,
	"member4":   nil,
	"provost":   {"provost"},
	"admin":     {"administrator"},
	"deptchair": {"department_chair@business"},
	"secretary": {"senate_secretariat"},
	"ssccchair": nil,
	"speaker":   nil,
	"learner":   {"learner"},
}

// kpuCommittees are the committees of the test world; the first member
// is the elected chair.
var kpuCommittees = map[string][]string{
	"smc":    {"chair", "rev1", "rev2", "rev3", "member4"},
	"sscc":   {"ssccchair", "rev3"},
	"senate": {"speaker", "member4"},
	"dbc":    {"rev2", "member4"},
}

func newWorld(t *testing.T) *world {
	t.Helper()
	f := newFixture(t, nil)
	ctx := context.Background()
	w := &world{fixture: f, units: map[string]int64{}, who: map[string]int64{}, sessions: map[string]string{}}
	w.inst = org.Institution{Slug: "kpu", Name: "Kwantlen Polytechnic University", Jurisdiction: "CA-BC", TimeZone: "America/Vancouver", PolicyProfile: "kpu-ac15"}
	if err := f.store.CreateInstitution(ctx, &w.inst); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"arts", "business"} {
		u := org.OrgUnit{InstitutionID: w.inst.ID, Kind: org.Department, Name: name}
		if err := f.store.CreateOrgUnit(ctx, &u); err != nil {
			t.Fatal(err)
		}
		w.units[name] = u.ID
	}
	for _, name := range slices.Sorted(maps.Keys(kpuPeople)) {
		p := org.Person{Name: name, Email: name + "@kpu.example.edu"}
		if err := f.store.CreatePerson(ctx, &p); err != nil {
			t.Fatal(err)
		}
		w.who[name] = p.ID
		for _, grant := range kpuPeople[name] {
			role, unit, _ := strings.Cut(grant, "@")
			if err := f.store.GrantRole(ctx, org.RoleGrant{PersonID: p.ID, InstitutionID: w.inst.ID, Role: org.Role(role), UnitID: w.units[unit]}); err != nil {
				t.Fatal(err)
			}
		}
		f.accounts.passwords[p.Email] = "pw-" + name
		tok, _ := f.accounts.StartSession(ctx, p.ID, "test")
		w.sessions[name] = tok
	}
	termStart := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	for _, key := range slices.Sorted(maps.Keys(kpuCommittees)) {
		c := org.Committee{InstitutionID: w.inst.ID, Key: key, Name: strings.ToUpper(key)}
		if err := f.store.CreateCommittee(ctx, &c); err != nil {
			t.Fatal(err)
		}
		for _, name := range kpuCommittees[key] {
			m := org.Membership{CommitteeID: c.ID, PersonID: w.who[name], Category: org.FacultyMember, TermStart: termStart}
			if err := f.store.AddMembership(ctx, &m); err != nil {
				t.Fatal(err)
			}
		}
		chair := w.who[kpuCommittees[key][0]]
		e := org.ChairElection{CommitteeID: c.ID, Candidates: []int64{chair}, ElectedID: chair, At: termStart.AddDate(0, 0, 14)}
		if err := f.store.RecordChairElection(ctx, &e); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// token issues an API token for a person with scopes.
func (w *world) token(name string, scopes ...string) string {
	secret := "token-" + name + "-" + strings.Join(scopes, "+")
	w.accounts.tokens[secret] = fakeToken{person: w.who[name], scopes: scopes}
	return secret
}

// as sends a request as the named person (by session cookie; "" for no
// one), with a same-origin Origin header on unsafe methods as a browser
// sends.
func (w *world) as(t testing.TB, name, method, target string, body io.Reader, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	if name != "" {
		req.AddCookie(&http.Cookie{Name: SessionCookie, Value: w.sessions[name]})
	}
	if method != "GET" && method != "HEAD" {
		req.Header.Set("Origin", "http://example.com")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	w.handler.ServeHTTP(rec, req)
	return rec
}

// post sends a form as the named person.
func (w *world) post(t testing.TB, name, target string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	return w.as(t, name, "POST", target, strings.NewReader(form.Encode()), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
}

// draftForm is a complete KPU non-credit micro-credential.
func draftForm() catalog.Form {
	return catalog.Form{
		Kind:             catalog.MicroCredential,
		Title:            "Design Thinking for Small Business",
		Description:      "Apply design thinking to the products and services of a small business.",
		Competencies:     []catalog.Competency{{Name: "Frame a design problem from customer interviews"}},
		LearningOutcomes: []string{"Run a design sprint with a small team"},
		AssessmentMethod: "Portfolio of a completed design sprint",
		DurationHours:    30,
		DeliveryMode:     catalog.Blended,
		CreditStatus:     catalog.NonCredit,
		NeedEvidence:     "Local chambers of commerce report demand.",
	}
}

// offering creates a draft offering of the arts department.
func (w *world) offering(t testing.TB, form catalog.Form) sqlstore.Offering {
	t.Helper()
	o := sqlstore.Offering{InstitutionID: w.inst.ID, UnitID: w.units["arts"], Draft: form}
	if err := w.store.CreateOffering(context.Background(), &o); err != nil {
		t.Fatal(err)
	}
	return o
}

func proposal(offeringID, by int64) sqlstore.Proposal {
	return sqlstore.Proposal{OfferingID: offeringID, By: by}
}
