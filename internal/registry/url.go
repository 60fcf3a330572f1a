package registry

import (
	"net/url"
	"strings"
)

// Path segments of the stable URLs; see the package documentation.
const (
	// PathPrefix starts every registry URL.
	PathPrefix = "/registry"
	// CTDLFile is the last segment of an offering's CTDL JSON-LD URL.
	CTDLFile = "ctdl.jsonld"
	// AchievementFile is the last segment of an offering's OB 3.0
	// Achievement URL.
	AchievementFile = "achievement.json"
)

// Media types of the machine-readable documents, for Content-Type.
const (
	MediaTypeCTDL        = "application/ld+json"
	MediaTypeAchievement = "application/json"
)

// URLs are the stable URLs of one published offering.
type URLs struct {
	// Page is the offering page, the food label.
	Page string
	// CTDL is the offering as Credential Engine CTDL JSON-LD.
	CTDL string
	// Achievement is the offering as an Open Badges 3.0 Achievement; it is
	// also the Achievement's id.
	Achievement string
	// Institution is the institution's registry page, which CTDL names as
	// the owner and the Achievement's creator links to.
	Institution string
}

// OfferingURLs returns the stable URLs of the offering with the given
// slugs under base, the installation's public URL such as
// "https://credentials.example.edu" (a trailing slash is ignored; an empty
// base gives absolute paths).
func OfferingURLs(base, institution, offering string) URLs {
	inst := strings.TrimRight(base, "/") + PathPrefix + "/" + url.PathEscape(institution)
	page := inst + "/" + url.PathEscape(offering)
	return URLs{
		Page:        page,
		CTDL:        page + "/" + CTDLFile,
		Achievement: page + "/" + AchievementFile,
		Institution: inst,
	}
}

// URLs returns l's stable URLs under base.
func (l Label) URLs(base string) URLs { return OfferingURLs(base, l.Institution.Slug, l.Slug) }

// Path is the offering page's path, "/registry/{institution}/{offering}".
func (s Summary) Path() string { return OfferingURLs("", s.Institution.Slug, s.Slug).Page }
