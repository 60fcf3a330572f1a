package org

import (
	"time"

	"cairn/internal/apperror"
)

// UnitKind is the kind of an org unit.
type UnitKind string

// The kinds of org unit.
const (
	Faculty     UnitKind = "faculty"
	Department  UnitKind = "department"
	ProgramArea UnitKind = "program_area" // e.g. continuing studies
	ServiceUnit UnitKind = "service_unit" // e.g. the registrar's office
)

// UnitKinds lists the kinds of org unit, for forms.
func UnitKinds() []UnitKind {
	return []UnitKind{Faculty, Department, ProgramArea, ServiceUnit}
}

// Valid reports whether k is one of the kinds of org unit.
func (k UnitKind) Valid() bool {
	switch k {
	case Faculty, Department, ProgramArea, ServiceUnit:
		return true
	}
	return false
}

// OrgUnit is a part of an institution: a faculty, a department, a program
// area or a service unit, optionally inside a parent unit of the same
// institution.
type OrgUnit struct {
	ID            int64
	InstitutionID int64
	ParentID      int64 // 0 for a top-level unit
	Kind          UnitKind
	Name          string
	Code          string // optional short code, e.g. "FSH"

	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate reports the first problem with u as an apperror.Invalid error
// naming the field. That the parent belongs to the same institution and that
// parents form no cycle are checked by the store, which can see the parents.
func (u OrgUnit) Validate() error {
	if err := checkRef("institution_id", u.InstitutionID); err != nil {
		return err
	}
	if err := checkOptionalRef("parent_id", u.ParentID); err != nil {
		return err
	}
	if u.ID != 0 && u.ParentID == u.ID {
		return apperror.Field("parent_id", "cannot be the unit itself")
	}
	if !u.Kind.Valid() {
		return apperror.Field("kind", "must be one of faculty, department, program_area, service_unit")
	}
	if err := checkText("name", u.Name, MaxNameLen, true); err != nil {
		return err
	}
	return checkText("code", u.Code, MaxSlugLen, false)
}
