package org

import (
	"net/mail"
	"strings"
	"time"

	"cairn/internal/apperror"
)

// Role is what a person may do at an institution.
type Role string

// The roles. See the design's table of people and what they do. A policy
// profile names the roles its steps and processes need by these values.
const (
	Proponent         Role = "proponent"
	CommitteeChair    Role = "committee_chair"
	CommitteeMember   Role = "committee_member"
	DepartmentChair   Role = "department_chair"
	Dean              Role = "dean"
	Provost           Role = "provost" // also Yukon's Executive Lead, who hears disputes first (Yukon 6)
	ProvostOffice     Role = "provost_office"
	SSCCSecretariat   Role = "sscc_secretariat"
	SenateSecretariat Role = "senate_secretariat"
	ProgramAreaStaff  Role = "program_area"
	Issuer            Role = "issuer"
	Registrar         Role = "registrar"
	Learner           Role = "learner"
	Administrator     Role = "administrator"
	// President holds a policy administratively and is reminded of its
	// reviews (KPU AC15: "Administrative Responsibility").
	President Role = "president"
	// UniversitySecretariat hears the disputes the Executive Lead could
	// not resolve (Yukon 6).
	UniversitySecretariat Role = "university_secretariat"
)

// Roles lists every role, for forms.
func Roles() []Role {
	return []Role{
		Proponent, CommitteeChair, CommitteeMember, DepartmentChair, Dean,
		Provost, ProvostOffice, SSCCSecretariat, SenateSecretariat,
		ProgramAreaStaff, Issuer, Registrar, Learner, Administrator,
		President, UniversitySecretariat,
	}
}

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool {
	for _, x := range Roles() {
		if r == x {
			return true
		}
	}
	return false
}

// RoleGrant gives a person a role at an institution, optionally scoped to
// one org unit (a department chair's department, a program area).
type RoleGrant struct {
	PersonID      int64
	InstitutionID int64
	Role          Role
	UnitID        int64 // 0: the whole institution
	GrantedAt     time.Time
}

// Validate reports the first problem with g as an apperror.Invalid error
// naming the field.
func (g RoleGrant) Validate() error {
	if err := checkRef("person_id", g.PersonID); err != nil {
		return err
	}
	if err := checkRef("institution_id", g.InstitutionID); err != nil {
		return err
	}
	if !g.Role.Valid() {
		return apperror.Field("role", "is not a known role")
	}
	return checkOptionalRef("unit_id", g.UnitID)
}

// Person is someone who uses cairn: staff, faculty, learners. A person may
// hold roles at several institutions.
type Person struct {
	ID    int64
	Name  string
	Email string // unique in the installation, stored as NormalizeEmail gives it
	Roles []RoleGrant

	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate reports the first problem with p as an apperror.Invalid error
// naming the field. Roles are granted separately and not checked here.
func (p Person) Validate() error {
	if err := checkText("name", p.Name, MaxNameLen, true); err != nil {
		return err
	}
	return checkEmail("email", p.Email)
}

// HasRole reports whether p holds role at the institution, whether
// institution-wide or in some unit.
func (p Person) HasRole(institutionID int64, role Role) bool {
	for _, g := range p.Roles {
		if g.InstitutionID == institutionID && g.Role == role {
			return true
		}
	}
	return false
}

// NormalizeEmail returns the form in which an email address is stored and
// compared: trimmed and lower-cased, so that one mailbox is one person.
func NormalizeEmail(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// checkEmail reports an error unless s is a bare address (no display name,
// no angle brackets) of at most MaxEmailLen bytes.
func checkEmail(field, s string) error {
	if s == "" {
		return apperror.Field(field, "is required")
	}
	if len(s) > MaxEmailLen {
		return apperror.Field(field, "is longer than %d bytes", MaxEmailLen)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return apperror.Field(field, "is not an email address")
	}
	return nil
}
