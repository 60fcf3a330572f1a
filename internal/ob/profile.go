package ob

import (
	"bytes"
	"encoding/json"
)

// Profile describes a person or organization: the issuer of a credential,
// the creator of an achievement, an endorser.
type Profile struct {
	ID               string                     `json:"id"`
	Type             Types                      `json:"type"`
	Name             string                     `json:"name"`
	URL              string                     `json:"url"`
	Phone            string                     `json:"phone"`
	Description      string                     `json:"description"`
	Endorsement      []EndorsementCredential    `json:"endorsement"`
	EndorsementJwt   []string                   `json:"endorsementJwt"`
	Image            ImageRef                   `json:"image"`
	Email            string                     `json:"email"`
	Address          *Address                   `json:"address"`
	OtherIdentifier  []IdentifierEntry          `json:"otherIdentifier"`
	Official         string                     `json:"official"`
	ParentOrg        ProfileRef                 `json:"parentOrg"`
	FamilyName       string                     `json:"familyName"`
	GivenName        string                     `json:"givenName"`
	AdditionalName   string                     `json:"additionalName"`
	PatronymicName   string                     `json:"patronymicName"`
	HonorificPrefix  string                     `json:"honorificPrefix"`
	HonorificSuffix  string                     `json:"honorificSuffix"`
	FamilyNamePrefix string                     `json:"familyNamePrefix"`
	DateOfBirth      string                     `json:"dateOfBirth"`
	Extra            map[string]json.RawMessage `json:"-"`
}

// MarshalJSON implements json.Marshaler.
func (p Profile) MarshalJSON() ([]byte, error) { return encodeObject(p) }

// UnmarshalJSON implements json.Unmarshaler.
func (p *Profile) UnmarshalJSON(data []byte) error { return decodeObject(data, p) }

// ProfileRef is an issuer, creator, source or parent organization, which
// OB 3.0 lets be the profile's URI alone or a Profile object. When Profile
// is set it is written, else URI.
type ProfileRef struct {
	URI     string
	Profile *Profile
}

// ID returns the profile's URI, whichever form it has.
func (r ProfileRef) ID() string {
	if r.Profile != nil {
		return r.Profile.ID
	}
	return r.URI
}

func (r ProfileRef) isEmpty() bool { return r.URI == "" && r.Profile == nil }

// MarshalJSON implements json.Marshaler.
func (r ProfileRef) MarshalJSON() ([]byte, error) {
	if r.Profile != nil {
		return r.Profile.MarshalJSON()
	}
	return json.Marshal(r.URI)
}

// UnmarshalJSON implements json.Unmarshaler.
func (r *ProfileRef) UnmarshalJSON(data []byte) error {
	*r = ProfileRef{}
	if isJSONString(data) {
		return json.Unmarshal(data, &r.URI)
	}
	r.Profile = new(Profile)
	return r.Profile.UnmarshalJSON(data)
}

// Address is a postal address, with optional coordinates.
type Address struct {
	Type                Types                      `json:"type"`
	AddressCountry      string                     `json:"addressCountry"`
	AddressCountryCode  string                     `json:"addressCountryCode"`
	AddressRegion       string                     `json:"addressRegion"`
	AddressLocality     string                     `json:"addressLocality"`
	StreetAddress       string                     `json:"streetAddress"`
	PostOfficeBoxNumber string                     `json:"postOfficeBoxNumber"`
	PostalCode          string                     `json:"postalCode"`
	Geo                 *GeoCoordinates            `json:"geo"`
	Extra               map[string]json.RawMessage `json:"-"`
}

// MarshalJSON implements json.Marshaler.
func (a Address) MarshalJSON() ([]byte, error) { return encodeObject(a) }

// UnmarshalJSON implements json.Unmarshaler.
func (a *Address) UnmarshalJSON(data []byte) error { return decodeObject(data, a) }

// GeoCoordinates is a WGS84 position.
type GeoCoordinates struct {
	Type      Types                      `json:"type"`
	Latitude  json.Number                `json:"latitude"`
	Longitude json.Number                `json:"longitude"`
	Extra     map[string]json.RawMessage `json:"-"`
}

// MarshalJSON implements json.Marshaler.
func (g GeoCoordinates) MarshalJSON() ([]byte, error) { return encodeObject(g) }

// UnmarshalJSON implements json.Unmarshaler.
func (g *GeoCoordinates) UnmarshalJSON(data []byte) error { return decodeObject(data, g) }

func isJSONString(data []byte) bool {
	data = bytes.TrimSpace(data)
	return len(data) > 0 && data[0] == '"'
}
