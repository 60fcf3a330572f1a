package org

import (
	"time"

	"cairn/internal/apperror"
)

// PartnerKind is the kind of an institution's partner.
type PartnerKind string

// The kinds of partner.
const (
	Employer               PartnerKind = "employer"
	IndustryBody           PartnerKind = "industry_body"
	ProfessionalBody       PartnerKind = "professional_body"
	IndigenousCommunity    PartnerKind = "indigenous_community"
	IndigenousOrganization PartnerKind = "indigenous_organization"
)

// PartnerKinds lists the kinds of partner, for forms.
func PartnerKinds() []PartnerKind {
	return []PartnerKind{Employer, IndustryBody, ProfessionalBody, IndigenousCommunity, IndigenousOrganization}
}

// Valid reports whether k is one of the kinds of partner.
func (k PartnerKind) Valid() bool {
	for _, x := range PartnerKinds() {
		if k == x {
			return true
		}
	}
	return false
}

// Partner is an organisation an institution works with on offerings: an
// employer, an industry or professional body, an Indigenous community or
// organisation. Proposals cite partners as evidence of need.
type Partner struct {
	ID            int64
	InstitutionID int64
	Kind          PartnerKind
	Name          string
	Website       string // optional absolute http(s) URL

	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate reports the first problem with p as an apperror.Invalid error
// naming the field.
func (p Partner) Validate() error {
	if err := checkRef("institution_id", p.InstitutionID); err != nil {
		return err
	}
	if !p.Kind.Valid() {
		return apperror.Field("kind", "is not a known kind of partner")
	}
	if err := checkText("name", p.Name, MaxNameLen, true); err != nil {
		return err
	}
	if p.Website != "" && !validWebURL(p.Website) {
		return apperror.Field("website", "must be an absolute http or https URL")
	}
	return nil
}
