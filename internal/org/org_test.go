package org

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"cairn/internal/apperror"
)

// checkField asserts that err is an apperror.Invalid about field, or nil
// when field is empty.
func checkField(t *testing.T, err error, field string) {
	t.Helper()
	if field == "" {
		if err != nil {
			t.Fatalf("got error %v, want none", err)
		}
		return
	}
	var ae *apperror.Error
	if !errors.As(err, &ae) {
		t.Fatalf("got error %v, want an *apperror.Error about %q", err, field)
	}
	if ae.Code != apperror.Invalid || ae.Field != field {
		t.Fatalf("got code %q field %q (%v), want invalid field %q", ae.Code, ae.Field, err, field)
	}
}

func validInstitution() Institution {
	return Institution{
		Slug: "kpu", Name: "Kwantlen Polytechnic University", Jurisdiction: "CA-BC",
		TimeZone: "America/Vancouver", PolicyProfile: "kpu-ac15", IssuerDID: "did:web:credentials.kpu.ca",
	}
}

func TestInstitutionValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Institution)
		field string
	}{
		{"valid", func(*Institution) {}, ""},
		{"valid without optional fields", func(i *Institution) { i.PolicyProfile, i.IssuerDID = "", "" }, ""},
		{"valid country-only jurisdiction", func(i *Institution) { i.Jurisdiction = "CA" }, ""},
		{"valid UTC zone", func(i *Institution) { i.TimeZone = "UTC" }, ""},
		{"missing slug", func(i *Institution) { i.Slug = "" }, "slug"},
		{"upper-case slug", func(i *Institution) { i.Slug = "KPU" }, "slug"},
		{"slug starting with dash", func(i *Institution) { i.Slug = "-kpu" }, "slug"},
		{"long slug", func(i *Institution) { i.Slug = strings.Repeat("a", MaxSlugLen+1) }, "slug"},
		{"missing name", func(i *Institution) { i.Name = "" }, "name"},
		{"name with padding", func(i *Institution) { i.Name = " KPU" }, "name"},
		{"name with control character", func(i *Institution) { i.Name = "K\x00PU" }, "name"},
		{"name not UTF-8", func(i *Institution) { i.Name = "K\xffPU" }, "name"},
		{"long name", func(i *Institution) { i.Name = strings.Repeat("x", MaxNameLen+1) }, "name"},
		{"lower-case jurisdiction", func(i *Institution) { i.Jurisdiction = "ca-bc" }, "jurisdiction"},
		{"jurisdiction with long subdivision", func(i *Institution) { i.Jurisdiction = "CA-BCXX" }, "jurisdiction"},
		{"missing jurisdiction", func(i *Institution) { i.Jurisdiction = "" }, "jurisdiction"},
		{"missing time zone", func(i *Institution) { i.TimeZone = "" }, "time_zone"},
		{"time zone path traversal", func(i *Institution) { i.TimeZone = "../etc/passwd" }, "time_zone"},
		{"bad policy profile", func(i *Institution) { i.PolicyProfile = "KPU AC15" }, "policy_profile"},
		{"issuer not a DID", func(i *Institution) { i.IssuerDID = "https://kpu.ca" }, "issuer_did"},
		{"issuer DID without id", func(i *Institution) { i.IssuerDID = "did:web:" }, "issuer_did"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i := validInstitution()
			tt.edit(&i)
			checkField(t, i.Validate(), tt.field)
		})
	}
}

func TestOrgUnitValidate(t *testing.T) {
	valid := OrgUnit{ID: 3, InstitutionID: 1, ParentID: 2, Kind: Department, Name: "Horticulture", Code: "HORT"}
	tests := []struct {
		name  string
		edit  func(*OrgUnit)
		field string
	}{
		{"valid", func(*OrgUnit) {}, ""},
		{"valid top-level", func(u *OrgUnit) { u.ParentID = 0; u.Kind = Faculty }, ""},
		{"missing institution", func(u *OrgUnit) { u.InstitutionID = 0 }, "institution_id"},
		{"negative parent", func(u *OrgUnit) { u.ParentID = -1 }, "parent_id"},
		{"own parent", func(u *OrgUnit) { u.ParentID = u.ID }, "parent_id"},
		{"unknown kind", func(u *OrgUnit) { u.Kind = "school" }, "kind"},
		{"missing name", func(u *OrgUnit) { u.Name = "" }, "name"},
		{"long code", func(u *OrgUnit) { u.Code = strings.Repeat("C", MaxSlugLen+1) }, "code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := valid
			tt.edit(&u)
			checkField(t, u.Validate(), tt.field)
		})
	}
}

func TestPersonValidate(t *testing.T) {
	valid := Person{Name: "Ada Lovelace", Email: "ada@kpu.ca"}
	tests := []struct {
		name  string
		edit  func(*Person)
		field string
	}{
		{"valid", func(*Person) {}, ""},
		{"missing name", func(p *Person) { p.Name = "" }, "name"},
		{"missing email", func(p *Person) { p.Email = "" }, "email"},
		{"email without at", func(p *Person) { p.Email = "ada.kpu.ca" }, "email"},
		{"email with display name", func(p *Person) { p.Email = "Ada <ada@kpu.ca>" }, "email"},
		{"email too long", func(p *Person) { p.Email = strings.Repeat("a", MaxEmailLen) + "@kpu.ca" }, "email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := valid
			tt.edit(&p)
			checkField(t, p.Validate(), tt.field)
		})
	}
}

func TestRoleGrantValidate(t *testing.T) {
	valid := RoleGrant{PersonID: 1, InstitutionID: 2, Role: DepartmentChair, UnitID: 3}
	tests := []struct {
		name  string
		edit  func(*RoleGrant)
		field string
	}{
		{"valid", func(*RoleGrant) {}, ""},
		{"valid institution-wide", func(g *RoleGrant) { g.UnitID = 0 }, ""},
		{"missing person", func(g *RoleGrant) { g.PersonID = 0 }, "person_id"},
		{"missing institution", func(g *RoleGrant) { g.InstitutionID = 0 }, "institution_id"},
		{"unknown role", func(g *RoleGrant) { g.Role = "superuser" }, "role"},
		{"negative unit", func(g *RoleGrant) { g.UnitID = -4 }, "unit_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := valid
			tt.edit(&g)
			checkField(t, g.Validate(), tt.field)
		})
	}
}

func TestRolesAreValidAndDistinct(t *testing.T) {
	seen := map[Role]bool{}
	for _, r := range Roles() {
		if !r.Valid() {
			t.Errorf("Roles() lists %q, which is not Valid", r)
		}
		if seen[r] {
			t.Errorf("Roles() lists %q twice", r)
		}
		seen[r] = true
	}
	if Role("").Valid() {
		t.Error("empty role is Valid, want not")
	}
}

func TestPersonHasRole(t *testing.T) {
	p := Person{Roles: []RoleGrant{{InstitutionID: 1, Role: Proponent}, {InstitutionID: 2, Role: Provost}}}
	tests := []struct {
		inst int64
		role Role
		want bool
	}{
		{1, Proponent, true},
		{2, Provost, true},
		{1, Provost, false},
		{3, Proponent, false},
	}
	for _, tt := range tests {
		if got := p.HasRole(tt.inst, tt.role); got != tt.want {
			t.Errorf("HasRole(%d, %s) = %v, want %v", tt.inst, tt.role, got, tt.want)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	if got, want := NormalizeEmail("  Ada@KPU.ca "), "ada@kpu.ca"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestPartnerValidate(t *testing.T) {
	valid := Partner{InstitutionID: 1, Kind: IndigenousCommunity, Name: "Kwantlen First Nation", Website: "https://www.kwantlenfn.ca"}
	tests := []struct {
		name  string
		edit  func(*Partner)
		field string
	}{
		{"valid", func(*Partner) {}, ""},
		{"valid without website", func(p *Partner) { p.Website = "" }, ""},
		{"missing institution", func(p *Partner) { p.InstitutionID = 0 }, "institution_id"},
		{"unknown kind", func(p *Partner) { p.Kind = "friend" }, "kind"},
		{"missing name", func(p *Partner) { p.Name = "" }, "name"},
		{"relative website", func(p *Partner) { p.Website = "/about" }, "website"},
		{"javascript website", func(p *Partner) { p.Website = "javascript:alert(1)" }, "website"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := valid
			tt.edit(&p)
			checkField(t, p.Validate(), tt.field)
		})
	}
}

func TestCommitteeValidate(t *testing.T) {
	valid := Committee{InstitutionID: 1, Key: "smc", Name: "Senate Micro-credential Committee"}
	tests := []struct {
		name  string
		edit  func(*Committee)
		field string
	}{
		{"valid", func(*Committee) {}, ""},
		{"missing institution", func(c *Committee) { c.InstitutionID = 0 }, "institution_id"},
		{"missing key", func(c *Committee) { c.Key = "" }, "key"},
		{"key with space", func(c *Committee) { c.Key = "s mc" }, "key"},
		{"missing name", func(c *Committee) { c.Name = "" }, "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid
			tt.edit(&c)
			checkField(t, c.Validate(), tt.field)
		})
	}
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestMembershipValidate(t *testing.T) {
	valid := Membership{CommitteeID: 1, PersonID: 2, Category: FacultyMember, TermStart: date(2025, 9, 1), TermEnd: date(2027, 8, 31)}
	tests := []struct {
		name  string
		edit  func(*Membership)
		field string
	}{
		{"valid", func(*Membership) {}, ""},
		{"valid open-ended", func(m *Membership) { m.TermEnd = time.Time{} }, ""},
		{"valid one-day term", func(m *Membership) { m.TermEnd = m.TermStart }, ""},
		{"missing committee", func(m *Membership) { m.CommitteeID = 0 }, "committee_id"},
		{"missing person", func(m *Membership) { m.PersonID = 0 }, "person_id"},
		{"unknown category", func(m *Membership) { m.Category = "honorary" }, "category"},
		{"negative unit", func(m *Membership) { m.UnitID = -1 }, "unit_id"},
		{"missing start", func(m *Membership) { m.TermStart = time.Time{} }, "term_start"},
		{"end before start", func(m *Membership) { m.TermEnd = date(2025, 8, 31) }, "term_end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := valid
			tt.edit(&m)
			checkField(t, m.Validate(), tt.field)
		})
	}
}

func TestMembershipActiveOn(t *testing.T) {
	m := Membership{TermStart: date(2025, 9, 1), TermEnd: date(2026, 8, 31)}
	open := Membership{TermStart: date(2025, 9, 1)}
	tests := []struct {
		name string
		m    Membership
		at   time.Time
		want bool
	}{
		{"before start", m, date(2025, 8, 31), false},
		{"first day", m, date(2025, 9, 1), true},
		{"last day late evening", m, time.Date(2026, 8, 31, 23, 59, 0, 0, time.UTC), true},
		{"after end", m, date(2026, 9, 1), false},
		{"open-ended far future", open, date(2099, 1, 1), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.m.ActiveOn(tt.at); got != tt.want {
				t.Errorf("ActiveOn(%s) = %v, want %v", tt.at, got, tt.want)
			}
		})
	}
}

func TestChairElectionValidate(t *testing.T) {
	at := time.Date(2025, 9, 10, 15, 0, 0, 0, time.UTC)
	valid := ChairElection{
		CommitteeID: 1, Candidates: []int64{10, 11},
		Votes:     []ChairVote{{VoterID: 10, CandidateID: 11}, {VoterID: 11, CandidateID: 11}, {VoterID: 12, CandidateID: 10}},
		ElectedID: 11, At: at,
	}
	tests := []struct {
		name  string
		edit  func(*ChairElection)
		field string
	}{
		{"valid", func(*ChairElection) {}, ""},
		{"valid acclamation", func(e *ChairElection) { e.Candidates = []int64{11}; e.Votes = nil }, ""},
		{"valid tie broken for a leader", func(e *ChairElection) { e.Votes = e.Votes[1:]; e.ElectedID = 10 }, ""},
		{"missing committee", func(e *ChairElection) { e.CommitteeID = 0 }, "committee_id"},
		{"no candidates", func(e *ChairElection) { e.Candidates = nil }, "candidates"},
		{"duplicate candidate", func(e *ChairElection) { e.Candidates = []int64{10, 10} }, "candidates"},
		{"invalid candidate", func(e *ChairElection) { e.Candidates = []int64{0, 11} }, "candidates"},
		{"too many candidates", func(e *ChairElection) {
			e.Candidates = make([]int64, MaxCandidates+1)
			for i := range e.Candidates {
				e.Candidates[i] = int64(i + 1)
			}
		}, "candidates"},
		{"voter votes twice", func(e *ChairElection) { e.Votes[1].VoterID = 10 }, "votes"},
		{"vote for non-candidate", func(e *ChairElection) { e.Votes[0].CandidateID = 99 }, "votes"},
		{"invalid voter", func(e *ChairElection) { e.Votes[0].VoterID = 0 }, "votes"},
		{"no votes with two candidates", func(e *ChairElection) { e.Votes = nil }, "votes"},
		{"elected not a candidate", func(e *ChairElection) { e.ElectedID = 12 }, "elected_id"},
		{"elected lost", func(e *ChairElection) { e.ElectedID = 10 }, "elected_id"},
		{"missing time", func(e *ChairElection) { e.At = time.Time{} }, "at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := valid
			e.Candidates = slices.Clone(valid.Candidates)
			e.Votes = slices.Clone(valid.Votes)
			tt.edit(&e)
			checkField(t, e.Validate(), tt.field)
		})
	}
}

func TestChairElectionLeaders(t *testing.T) {
	tests := []struct {
		name  string
		votes []ChairVote
		want  []int64
	}{
		{"clear winner", []ChairVote{{1, 20}, {2, 20}, {3, 30}}, []int64{20}},
		{"tie in candidate order", []ChairVote{{1, 30}, {2, 20}}, []int64{20, 30}},
		{"no votes: everyone ties", nil, []int64{10, 20, 30}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := ChairElection{Candidates: []int64{10, 20, 30}, Votes: tt.votes}
			if got := e.Leaders(); !slices.Equal(got, tt.want) {
				t.Errorf("got leaders %v, want %v", got, tt.want)
			}
		})
	}
	e := ChairElection{Candidates: []int64{10, 20}, Votes: []ChairVote{{1, 20}, {2, 20}}}
	if got := e.Tally(); got[10] != 0 || got[20] != 2 || len(got) != 2 {
		t.Errorf("got tally %v, want map[10:0 20:2]", got)
	}
}

func TestClosureValidate(t *testing.T) {
	valid := Closure{InstitutionID: 1, From: date(2025, 12, 24), To: date(2026, 1, 1), Reason: "Winter closure"}
	tests := []struct {
		name  string
		edit  func(*Closure)
		field string
	}{
		{"valid", func(*Closure) {}, ""},
		{"valid one day", func(c *Closure) { c.To = c.From }, ""},
		{"valid a full leap year", func(c *Closure) { c.From, c.To = date(2028, 1, 1), date(2028, 12, 31) }, ""},
		{"missing institution", func(c *Closure) { c.InstitutionID = 0 }, "institution_id"},
		{"missing from", func(c *Closure) { c.From = time.Time{} }, "from"},
		{"missing to", func(c *Closure) { c.To = time.Time{} }, "to"},
		{"ends before it starts", func(c *Closure) { c.To = date(2025, 12, 23) }, "to"},
		{"longer than a year", func(c *Closure) { c.From, c.To = date(2028, 1, 1), date(2029, 1, 1) }, "to"},
		{"missing reason", func(c *Closure) { c.Reason = "" }, "reason"},
		{"long reason", func(c *Closure) { c.Reason = strings.Repeat("r", MaxClosureReason+1) }, "reason"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid
			tt.edit(&c)
			checkField(t, c.Validate(), tt.field)
		})
	}
}

func TestDay(t *testing.T) {
	van := time.FixedZone("PST", -8*3600)
	got := Day(time.Date(2025, 12, 31, 23, 30, 0, 0, van))
	if want := date(2025, 12, 31); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("got %v, want %v (the local calendar day at midnight UTC)", got, want)
	}
}
