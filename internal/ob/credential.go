package ob

import "encoding/json"

// AchievementCredential is an Open Badges 3.0 OpenBadgeCredential (also
// called AchievementCredential): an issuer's claim that one learner earned
// one Achievement. Its type holds "VerifiableCredential" and
// "OpenBadgeCredential" or "AchievementCredential".
//
// Dates are kept as the strings they were written as (see ParseDateTime);
// IssuanceDate and ExpirationDate are the VC 1.1 properties that older
// credentials carry instead of ValidFrom and ValidUntil.
type AchievementCredential struct {
	Context           OneOrMany[ContextEntry]    `json:"@context"`
	ID                string                     `json:"id"`
	Type              Types                      `json:"type"`
	Name              string                     `json:"name"`
	Description       string                     `json:"description"`
	Image             ImageRef                   `json:"image"`
	AwardedDate       string                     `json:"awardedDate"`
	CredentialSubject AchievementSubject         `json:"credentialSubject"`
	Endorsement       []EndorsementCredential    `json:"endorsement"`
	EndorsementJwt    []string                   `json:"endorsementJwt"`
	Issuer            ProfileRef                 `json:"issuer"`
	ValidFrom         string                     `json:"validFrom"`
	ValidUntil        string                     `json:"validUntil"`
	IssuanceDate      string                     `json:"issuanceDate"`
	ExpirationDate    string                     `json:"expirationDate"`
	Evidence          OneOrMany[Evidence]        `json:"evidence"`
	CredentialSchema  OneOrMany[Resource]        `json:"credentialSchema"`
	CredentialStatus  OneOrMany[Resource]        `json:"credentialStatus"`
	RefreshService    OneOrMany[Resource]        `json:"refreshService"`
	TermsOfUse        OneOrMany[Resource]        `json:"termsOfUse"`
	Proof             json.RawMessage            `json:"proof"`
	Extra             map[string]json.RawMessage `json:"-"`
}

// MarshalJSON implements json.Marshaler.
func (c AchievementCredential) MarshalJSON() ([]byte, error) { return encodeObject(c) }

// UnmarshalJSON implements json.Unmarshaler.
func (c *AchievementCredential) UnmarshalJSON(data []byte) error { return decodeObject(data, c) }

// AchievementSubject is the learner an AchievementCredential is about: an
// id, one or more identifiers, or both; the Achievement earned; and what
// the learner did to earn it.
type AchievementSubject struct {
	ID                string                     `json:"id"`
	Type              Types                      `json:"type"`
	ActivityStartDate string                     `json:"activityStartDate"`
	ActivityEndDate   string                     `json:"activityEndDate"`
	CreditsEarned     json.Number                `json:"creditsEarned"`
	Achievement       Achievement                `json:"achievement"`
	Identifier        []IdentityObject           `json:"identifier"`
	Image             ImageRef                   `json:"image"`
	LicenseNumber     string                     `json:"licenseNumber"`
	Narrative         string                     `json:"narrative"`
	Result            []Result                   `json:"result"`
	Role              string                     `json:"role"`
	Source            ProfileRef                 `json:"source"`
	Term              string                     `json:"term"`
	Extra             map[string]json.RawMessage `json:"-"`
}

// MarshalJSON implements json.Marshaler.
func (s AchievementSubject) MarshalJSON() ([]byte, error) { return encodeObject(s) }

// UnmarshalJSON implements json.Unmarshaler.
func (s *AchievementSubject) UnmarshalJSON(data []byte) error { return decodeObject(data, s) }

// EndorsementCredential is a third party's signed claim about a credential,
// an achievement or a profile.
type EndorsementCredential struct {
	Context           OneOrMany[ContextEntry]    `json:"@context"`
	ID                string                     `json:"id"`
	Type              Types                      `json:"type"`
	Name              string                     `json:"name"`
	Description       string                     `json:"description"`
	CredentialSubject EndorsementSubject         `json:"credentialSubject"`
	AwardedDate       string                     `json:"awardedDate"`
	Issuer            ProfileRef                 `json:"issuer"`
	ValidFrom         string                     `json:"validFrom"`
	ValidUntil        string                     `json:"validUntil"`
	IssuanceDate      string                     `json:"issuanceDate"`
	ExpirationDate    string                     `json:"expirationDate"`
	Evidence          OneOrMany[Evidence]        `json:"evidence"`
	CredentialSchema  OneOrMany[Resource]        `json:"credentialSchema"`
	CredentialStatus  OneOrMany[Resource]        `json:"credentialStatus"`
	RefreshService    OneOrMany[Resource]        `json:"refreshService"`
	TermsOfUse        OneOrMany[Resource]        `json:"termsOfUse"`
	Proof             json.RawMessage            `json:"proof"`
	Extra             map[string]json.RawMessage `json:"-"`
}

// MarshalJSON implements json.Marshaler.
func (c EndorsementCredential) MarshalJSON() ([]byte, error) { return encodeObject(c) }

// UnmarshalJSON implements json.Unmarshaler.
func (c *EndorsementCredential) UnmarshalJSON(data []byte) error { return decodeObject(data, c) }

// EndorsementSubject is what an endorsement is about (its id) and the
// endorser's comment.
type EndorsementSubject struct {
	ID                 string                     `json:"id"`
	Type               Types                      `json:"type"`
	EndorsementComment string                     `json:"endorsementComment"`
	Extra              map[string]json.RawMessage `json:"-"`
}

// MarshalJSON implements json.Marshaler.
func (s EndorsementSubject) MarshalJSON() ([]byte, error) { return encodeObject(s) }

// UnmarshalJSON implements json.Unmarshaler.
func (s *EndorsementSubject) UnmarshalJSON(data []byte) error { return decodeObject(data, s) }

// ClrCredential is a CLR 2.0 Comprehensive Learner Record: one issuer's
// signed collection of a learner's AchievementCredentials.
type ClrCredential struct {
	Context           OneOrMany[ContextEntry]    `json:"@context"`
	ID                string                     `json:"id"`
	Type              Types                      `json:"type"`
	Name              string                     `json:"name"`
	Description       string                     `json:"description"`
	Image             ImageRef                   `json:"image"`
	AwardedDate       string                     `json:"awardedDate"`
	CredentialSubject ClrSubject                 `json:"credentialSubject"`
	Endorsement       []EndorsementCredential    `json:"endorsement"`
	EndorsementJwt    []string                   `json:"endorsementJwt"`
	Partial           bool                       `json:"partial"`
	Issuer            ProfileRef                 `json:"issuer"`
	ValidFrom         string                     `json:"validFrom"`
	ValidUntil        string                     `json:"validUntil"`
	IssuanceDate      string                     `json:"issuanceDate"`
	ExpirationDate    string                     `json:"expirationDate"`
	Evidence          OneOrMany[Evidence]        `json:"evidence"`
	CredentialSchema  OneOrMany[Resource]        `json:"credentialSchema"`
	CredentialStatus  OneOrMany[Resource]        `json:"credentialStatus"`
	RefreshService    OneOrMany[Resource]        `json:"refreshService"`
	TermsOfUse        OneOrMany[Resource]        `json:"termsOfUse"`
	Proof             json.RawMessage            `json:"proof"`
	Extra             map[string]json.RawMessage `json:"-"`
}

// MarshalJSON implements json.Marshaler.
func (c ClrCredential) MarshalJSON() ([]byte, error) { return encodeObject(c) }

// UnmarshalJSON implements json.Unmarshaler.
func (c *ClrCredential) UnmarshalJSON(data []byte) error { return decodeObject(data, c) }

// ClrSubject is the learner of a CLR and the credentials it collects, with
// optional associations between their achievements.
type ClrSubject struct {
	ID                   string                     `json:"id"`
	Type                 Types                      `json:"type"`
	Identifier           []IdentityObject           `json:"identifier"`
	Achievement          []Achievement              `json:"achievement"`
	VerifiableCredential []AchievementCredential    `json:"verifiableCredential"`
	Association          []Association              `json:"association"`
	Extra                map[string]json.RawMessage `json:"-"`
}

// MarshalJSON implements json.Marshaler.
func (s ClrSubject) MarshalJSON() ([]byte, error) { return encodeObject(s) }

// UnmarshalJSON implements json.Unmarshaler.
func (s *ClrSubject) UnmarshalJSON(data []byte) error { return decodeObject(data, s) }

// Association relates two achievements of a CLR, by their ids.
type Association struct {
	Type            Types                      `json:"type"`
	AssociationType string                     `json:"associationType"`
	SourceID        string                     `json:"sourceId"`
	TargetID        string                     `json:"targetId"`
	Extra           map[string]json.RawMessage `json:"-"`
}

// MarshalJSON implements json.Marshaler.
func (a Association) MarshalJSON() ([]byte, error) { return encodeObject(a) }

// UnmarshalJSON implements json.Unmarshaler.
func (a *Association) UnmarshalJSON(data []byte) error { return decodeObject(data, a) }

// Resource is a linked object the model keeps generically, by its id and
// type with everything else in Extra: credentialSchema, credentialStatus,
// refreshService and termsOfUse entries, whose shape depends on their type.
type Resource struct {
	ID    string                     `json:"id"`
	Type  Types                      `json:"type"`
	Extra map[string]json.RawMessage `json:"-"`
}

// MarshalJSON implements json.Marshaler.
func (r Resource) MarshalJSON() ([]byte, error) { return encodeObject(r) }

// UnmarshalJSON implements json.Unmarshaler.
func (r *Resource) UnmarshalJSON(data []byte) error { return decodeObject(data, r) }

// Evidence describes work the learner did to earn a credential.
type Evidence struct {
	ID          string                     `json:"id"`
	Type        Types                      `json:"type"`
	Narrative   string                     `json:"narrative"`
	Name        string                     `json:"name"`
	Description string                     `json:"description"`
	Genre       string                     `json:"genre"`
	Audience    string                     `json:"audience"`
	Extra       map[string]json.RawMessage `json:"-"`
}

// MarshalJSON implements json.Marshaler.
func (e Evidence) MarshalJSON() ([]byte, error) { return encodeObject(e) }

// UnmarshalJSON implements json.Unmarshaler.
func (e *Evidence) UnmarshalJSON(data []byte) error { return decodeObject(data, e) }
