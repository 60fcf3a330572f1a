package ob

import "encoding/json"

// Achievement is what a credential recognizes: one definition, awarded to
// many learners. cairn publishes each approved offering version as one.
// CreditsAvailable is a json.Number so the number is written back exactly
// as it was read ("3.0" stays "3.0").
type Achievement struct {
	ID                string                     `json:"id"`
	Type              Types                      `json:"type"`
	AchievementType   string                     `json:"achievementType"`
	Name              string                     `json:"name"`
	Description       string                     `json:"description"`
	Criteria          Criteria                   `json:"criteria"`
	Alignment         []Alignment                `json:"alignment"`
	Creator           ProfileRef                 `json:"creator"`
	CreditsAvailable  json.Number                `json:"creditsAvailable"`
	Endorsement       []EndorsementCredential    `json:"endorsement"`
	EndorsementJwt    []string                   `json:"endorsementJwt"`
	FieldOfStudy      string                     `json:"fieldOfStudy"`
	HumanCode         string                     `json:"humanCode"`
	Image             ImageRef                   `json:"image"`
	InLanguage        string                     `json:"inLanguage"`
	OtherIdentifier   []IdentifierEntry          `json:"otherIdentifier"`
	Related           []Related                  `json:"related"`
	ResultDescription []ResultDescription        `json:"resultDescription"`
	Specialization    string                     `json:"specialization"`
	Tag               []string                   `json:"tag"`
	Version           string                     `json:"version"`
	Extra             map[string]json.RawMessage `json:"-"`
}

// MarshalJSON implements json.Marshaler.
func (a Achievement) MarshalJSON() ([]byte, error) { return encodeObject(a) }

// UnmarshalJSON implements json.Unmarshaler.
func (a *Achievement) UnmarshalJSON(data []byte) error { return decodeObject(data, a) }

// Criteria says how an achievement is earned: a page (ID), a Markdown
// narrative, or both.
type Criteria struct {
	ID        string                     `json:"id"`
	Narrative string                     `json:"narrative"`
	Extra     map[string]json.RawMessage `json:"-"`
}

// MarshalJSON implements json.Marshaler.
func (c Criteria) MarshalJSON() ([]byte, error) { return encodeObject(c) }

// UnmarshalJSON implements json.Unmarshaler.
func (c *Criteria) UnmarshalJSON(data []byte) error { return decodeObject(data, c) }

// Alignment ties an achievement, result or rubric level to a node of an
// external framework, such as a competency.
type Alignment struct {
	Type              Types                      `json:"type"`
	TargetCode        string                     `json:"targetCode"`
	TargetDescription string                     `json:"targetDescription"`
	TargetName        string                     `json:"targetName"`
	TargetFramework   string                     `json:"targetFramework"`
	TargetType        string                     `json:"targetType"`
	TargetURL         string                     `json:"targetUrl"`
	Extra             map[string]json.RawMessage `json:"-"`
}

// MarshalJSON implements json.Marshaler.
func (a Alignment) MarshalJSON() ([]byte, error) { return encodeObject(a) }

// UnmarshalJSON implements json.Unmarshaler.
func (a *Alignment) UnmarshalJSON(data []byte) error { return decodeObject(data, a) }

// ResultDescription describes a result an achievement may be awarded with,
// such as a grade scale; a Result links to it by ID.
type ResultDescription struct {
	ID                   string                     `json:"id"`
	Type                 Types                      `json:"type"`
	Alignment            []Alignment                `json:"alignment"`
	AllowedValue         []string                   `json:"allowedValue"`
	Name                 string                     `json:"name"`
	RequiredLevel        string                     `json:"requiredLevel"`
	RequiredValue        string                     `json:"requiredValue"`
	ResultType           string                     `json:"resultType"`
	RubricCriterionLevel []RubricCriterionLevel     `json:"rubricCriterionLevel"`
	ValueMax             string                     `json:"valueMax"`
	ValueMin             string                     `json:"valueMin"`
	Extra                map[string]json.RawMessage `json:"-"`
}

// MarshalJSON implements json.Marshaler.
func (r ResultDescription) MarshalJSON() ([]byte, error) { return encodeObject(r) }

// UnmarshalJSON implements json.Unmarshaler.
func (r *ResultDescription) UnmarshalJSON(data []byte) error { return decodeObject(data, r) }

// RubricCriterionLevel is one level of a rubric criterion.
type RubricCriterionLevel struct {
	ID          string                     `json:"id"`
	Type        Types                      `json:"type"`
	Alignment   []Alignment                `json:"alignment"`
	Description string                     `json:"description"`
	Level       string                     `json:"level"`
	Name        string                     `json:"name"`
	Points      string                     `json:"points"`
	Extra       map[string]json.RawMessage `json:"-"`
}

// MarshalJSON implements json.Marshaler.
func (r RubricCriterionLevel) MarshalJSON() ([]byte, error) { return encodeObject(r) }

// UnmarshalJSON implements json.Unmarshaler.
func (r *RubricCriterionLevel) UnmarshalJSON(data []byte) error { return decodeObject(data, r) }

// Result is a result the learner achieved, described by the
// ResultDescription whose id it names.
type Result struct {
	Type              Types                      `json:"type"`
	AchievedLevel     string                     `json:"achievedLevel"`
	Alignment         []Alignment                `json:"alignment"`
	ResultDescription string                     `json:"resultDescription"`
	Status            string                     `json:"status"`
	Value             string                     `json:"value"`
	Extra             map[string]json.RawMessage `json:"-"`
}

// MarshalJSON implements json.Marshaler.
func (r Result) MarshalJSON() ([]byte, error) { return encodeObject(r) }

// UnmarshalJSON implements json.Unmarshaler.
func (r *Result) UnmarshalJSON(data []byte) error { return decodeObject(data, r) }

// Related names another achievement to be treated as the same for most
// purposes, such as another language edition or an earlier version.
type Related struct {
	ID         string                     `json:"id"`
	Type       Types                      `json:"type"`
	InLanguage string                     `json:"inLanguage"`
	Version    string                     `json:"version"`
	Extra      map[string]json.RawMessage `json:"-"`
}

// MarshalJSON implements json.Marshaler.
func (r Related) MarshalJSON() ([]byte, error) { return encodeObject(r) }

// UnmarshalJSON implements json.Unmarshaler.
func (r *Related) UnmarshalJSON(data []byte) error { return decodeObject(data, r) }

// IdentifierEntry is another identifier of an achievement or profile, such
// as a course code in the student information system.
type IdentifierEntry struct {
	Type           Types                      `json:"type"`
	Identifier     string                     `json:"identifier"`
	IdentifierType string                     `json:"identifierType"`
	Extra          map[string]json.RawMessage `json:"-"`
}

// MarshalJSON implements json.Marshaler.
func (e IdentifierEntry) MarshalJSON() ([]byte, error) { return encodeObject(e) }

// UnmarshalJSON implements json.Unmarshaler.
func (e *IdentifierEntry) UnmarshalJSON(data []byte) error { return decodeObject(data, e) }

// Image is an image with an optional caption; ID is its URL or a data URI.
type Image struct {
	ID      string                     `json:"id"`
	Type    Types                      `json:"type"`
	Caption string                     `json:"caption"`
	Extra   map[string]json.RawMessage `json:"-"`
}

// MarshalJSON implements json.Marshaler.
func (i Image) MarshalJSON() ([]byte, error) { return encodeObject(i) }

// UnmarshalJSON implements json.Unmarshaler.
func (i *Image) UnmarshalJSON(data []byte) error { return decodeObject(data, i) }

// ImageRef is an image property, which OB 3.0 lets be the image's URI
// alone or an Image object. When Image is set it is written, else URI.
type ImageRef struct {
	URI   string
	Image *Image
}

// ID returns the image's URI, whichever form it has.
func (r ImageRef) ID() string {
	if r.Image != nil {
		return r.Image.ID
	}
	return r.URI
}

func (r ImageRef) isEmpty() bool { return r.URI == "" && r.Image == nil }

// MarshalJSON implements json.Marshaler.
func (r ImageRef) MarshalJSON() ([]byte, error) {
	if r.Image != nil {
		return r.Image.MarshalJSON()
	}
	return json.Marshal(r.URI)
}

// UnmarshalJSON implements json.Unmarshaler.
func (r *ImageRef) UnmarshalJSON(data []byte) error {
	*r = ImageRef{}
	if isJSONString(data) {
		return json.Unmarshal(data, &r.URI)
	}
	r.Image = new(Image)
	return r.Image.UnmarshalJSON(data)
}
