package ob

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FieldError is one way a document breaks a rule of the specifications.
type FieldError struct {
	// Path is the JSONPath of the offending property, such as
	// $.credentialSubject.achievement.criteria or $['@context'][0].
	Path    string
	Message string
}

func (e FieldError) Error() string { return e.Path + ": " + e.Message }

// Bounds on the work Validate does, beyond the size and depth DecodeMap
// enforces; they also stop a cyclic map given to ValidateMap.
const (
	maxErrors  = 100 // errors reported before Validate stops adding them
	maxNesting = 8   // credentials within credentials (endorsements, CLR), or profiles within profiles
)

// Validate checks the JSON credential raw against what the specifications
// require of it, according to its type: an OB 3.0 OpenBadgeCredential (or
// AchievementCredential), an EndorsementCredential or a CLR 2.0
// ClrCredential, on VC 2.0 or, for older credentials, VC 1.1. It returns
// every error it finds (up to 100), or none when raw is valid. A document
// whose type names none of these is checked as an OpenBadgeCredential.
// The checks follow the multiplicities and value types of the OB 3.0 data
// model (appendix B) and CLR 2.0; where VC 2.0 lets a property be one
// object or an array (evidence, credentialSchema, credentialStatus,
// refreshService, termsOfUse, proof) both are accepted, and an image, issuer
// or creator may be a URI or an object.
//
// Validate reads the JSON itself (see DecodeMap), not the typed model, so
// a verifier checks exactly the bytes it received. It does not check
// proofs, and checks a property it does not know only by not looking at it.
func Validate(raw []byte) []FieldError {
	doc, err := DecodeMap(raw)
	if err != nil {
		return []FieldError{{Path: "$", Message: err.Error()}}
	}
	return ValidateMap(doc)
}

// ValidateMap is Validate for a document already decoded by DecodeMap (or
// built of the same types).
func ValidateMap(doc map[string]any) []FieldError {
	v := &validator{}
	v.credential("$", doc, family(doc), 0)
	return v.errs
}

// family picks the rules to check doc by, from its type even when that
// lacks VerifiableCredential, so that the errors are about the credential
// it was meant to be.
func family(doc map[string]any) string {
	types, _ := typeValues(doc["type"])
	switch {
	case slices.Contains(types, TypeClrCredential):
		return KindCLR
	case slices.Contains(types, TypeEndorsementCredential) &&
		!slices.Contains(types, TypeOpenBadgeCredential) && !slices.Contains(types, TypeAchievementCredential):
		return KindEndorsement
	case slices.Contains(types, TypeOpenBadgeCredential) || slices.Contains(types, TypeAchievementCredential) || hasOBContext(doc):
		return KindOpenBadge
	default:
		// A Verifiable Credential of another kind, such as a status list
		// credential: only the Verifiable Credentials rules apply.
		return KindOther
	}
}

func hasOBContext(doc map[string]any) bool {
	switch c := doc["@context"].(type) {
	case string:
		return isOBContext(c)
	case []any:
		for _, e := range c {
			if s, ok := e.(string); ok && isOBContext(s) {
				return true
			}
		}
	}
	return false
}

type validator struct {
	errs    []FieldError
	stopped bool
}

func (v *validator) add(path, format string, args ...any) {
	if v.stopped {
		return
	}
	if len(v.errs) == maxErrors {
		v.errs = append(v.errs, FieldError{Path: "$", Message: fmt.Sprintf("more than %d errors; stopped reporting", maxErrors)})
		v.stopped = true
		return
	}
	v.errs = append(v.errs, FieldError{Path: path, Message: fmt.Sprintf(format, args...)})
}

// credential checks a credential of the given kind at path. Nested
// credentials (endorsements, the credentials of a CLR) come here too.
func (v *validator) credential(path string, doc map[string]any, kind string, nest int) {
	if nest > maxNesting {
		v.add(path, "credentials nest more than %d deep", maxNesting)
		return
	}
	legacy := v.context(path, doc, kind)
	v.requiredURI(doc, path, "id")
	v.credentialType(path, doc, kind)

	nameRequired := kind == KindEndorsement || kind == KindCLR || (kind == KindOpenBadge && legacy)
	if nameRequired {
		v.requiredString(doc, path, "name")
	} else {
		v.optionalString(doc, path, "name")
	}
	v.optionalString(doc, path, "description")
	v.optionalImage(doc, path, "image")
	v.optionalDateTime(doc, path, "awardedDate")

	if issuer, ok := doc["issuer"]; ok {
		v.profileRef(member(path, "issuer"), issuer, nest)
	} else {
		v.add(member(path, "issuer"), "is required")
	}
	if legacy {
		v.validity(path, doc, "issuanceDate", "expirationDate", true)
	} else {
		// Open Badges require validFrom; for other VC 2.0 credentials it
		// is optional.
		v.validity(path, doc, "validFrom", "validUntil", kind != KindOther)
	}

	v.eachObject(doc, path, "evidence", true, v.evidence)
	v.eachObject(doc, path, "credentialSchema", true, func(p string, m map[string]any) {
		v.requiredURI(m, p, "id")
		v.requiredTypes(m, p)
	})
	v.eachObject(doc, path, "credentialStatus", true, func(p string, m map[string]any) {
		v.optionalURI(m, p, "id")
		v.requiredTypes(m, p)
	})
	v.eachObject(doc, path, "refreshService", true, func(p string, m map[string]any) {
		v.requiredURI(m, p, "id")
		v.requiredTypes(m, p)
	})
	v.eachObject(doc, path, "termsOfUse", true, func(p string, m map[string]any) {
		v.optionalURI(m, p, "id")
		v.requiredTypes(m, p)
	})
	v.eachObject(doc, path, "proof", true, func(p string, m map[string]any) {
		v.requiredTypes(m, p)
	})
	if kind != KindEndorsement {
		v.endorsements(doc, path, nest)
	}
	if kind == KindCLR {
		v.optionalBool(doc, path, "partial")
	}

	subjectPath := member(path, "credentialSubject")
	subject, present := doc["credentialSubject"]
	m, isObject := subject.(map[string]any)
	switch {
	case !present:
		v.add(subjectPath, "is required")
	case !isObject:
		v.add(subjectPath, "must be an object")
	case kind == KindOpenBadge:
		v.achievementSubject(subjectPath, m, nest)
	case kind == KindEndorsement:
		v.requiredURI(m, subjectPath, "id")
		v.hasType(m, subjectPath, TypeEndorsementSubject)
		v.optionalString(m, subjectPath, "endorsementComment")
	case kind == KindCLR:
		v.clrSubject(subjectPath, m, nest)
	default:
		v.optionalURI(m, subjectPath, "id")
	}
}

// context checks @context and reports whether the credential is a VC 1.1
// one.
func (v *validator) context(path string, doc map[string]any, kind string) (legacy bool) {
	p := member(path, "@context")
	raw, ok := doc["@context"]
	if !ok {
		v.add(p, "is required")
		return false
	}
	var entries []any
	switch c := raw.(type) {
	case []any:
		entries = c
	case string:
		entries = []any{c}
	default:
		v.add(p, "must be an array of context URLs and objects")
		return false
	}
	if len(entries) == 0 {
		v.add(p, "must not be empty")
		return false
	}
	var urls []string
	for i, e := range entries {
		switch e := e.(type) {
		case string:
			urls = append(urls, e)
		case map[string]any:
		default:
			v.add(index(p, i), "must be a context URL or a context object")
		}
	}
	first, _ := entries[0].(string)
	switch first {
	case ContextVC2:
	case ContextVC11:
		legacy = true
	default:
		v.add(index(p, 0), "must be %s (or %s for a VC 1.1 credential)", ContextVC2, ContextVC11)
	}
	switch kind {
	case KindOpenBadge, KindEndorsement:
		if !slices.ContainsFunc(urls, isOBContext) {
			v.add(p, "must include the Open Badges 3.0 context, %s", ContextOB)
		}
	case KindCLR:
		if !slices.ContainsFunc(urls, isCLRContext) {
			v.add(p, "must include the CLR 2.0 context, %s", ContextCLR)
		}
	}
	return legacy
}

func (v *validator) credentialType(path string, doc map[string]any, kind string) {
	types, ok := v.types(doc, path)
	if !ok {
		return
	}
	p := member(path, "type")
	if !slices.Contains(types, TypeVerifiableCredential) {
		v.add(p, "must include %s", TypeVerifiableCredential)
	}
	switch kind {
	case KindOpenBadge:
		if !slices.Contains(types, TypeOpenBadgeCredential) && !slices.Contains(types, TypeAchievementCredential) {
			v.add(p, "must include %s or %s", TypeOpenBadgeCredential, TypeAchievementCredential)
		}
	case KindEndorsement, KindCLR:
		if !slices.Contains(types, kind) {
			v.add(p, "must include %s", kind)
		}
	}
}

// validity checks a credential's validity period, under the names VC 2.0
// (validFrom, validUntil) or VC 1.1 (issuanceDate, expirationDate) give it.
func (v *validator) validity(path string, doc map[string]any, fromKey, untilKey string, fromRequired bool) {
	from, fromOK := v.dateTime(doc, path, fromKey)
	if _, present := doc[fromKey]; !present && fromRequired {
		v.add(member(path, fromKey), "is required")
	}
	until, untilOK := v.dateTime(doc, path, untilKey)
	if fromOK && untilOK && !until.After(from) {
		v.add(member(path, untilKey), "must be after %s", fromKey)
	}
}

func (v *validator) achievementSubject(path string, m map[string]any, nest int) {
	v.hasType(m, path, TypeAchievementSubject)
	v.optionalURI(m, path, "id")
	_, hasID := m["id"]
	ids, _ := m["identifier"].([]any)
	if !hasID && len(ids) == 0 {
		v.add(path, "must have an id or at least one identifier")
	}
	v.eachObject(m, path, "identifier", false, v.identityObject)
	for _, key := range []string{"activityStartDate", "activityEndDate"} {
		if s, ok := v.optionalString(m, path, key); ok && !isLocalDateTime(s) {
			v.add(member(path, key), "must be a date or dateTime, such as 2026-06-19 or 2026-06-19T17:00:00Z")
		}
	}
	v.optionalNumber(m, path, "creditsEarned")
	v.optionalImage(m, path, "image")
	for _, key := range []string{"licenseNumber", "narrative", "role", "term"} {
		v.optionalString(m, path, key)
	}
	if source, ok := m["source"]; ok {
		v.profileRef(member(path, "source"), source, nest)
	}

	achievementPath := member(path, "achievement")
	achievement, ok := m["achievement"]
	if !ok {
		v.add(achievementPath, "is required")
	} else {
		v.achievement(achievementPath, achievement, nest)
	}
	described := resultDescriptionIDs(achievement)
	v.eachObject(m, path, "result", false, func(p string, r map[string]any) {
		v.result(p, r)
		if id, ok := r["resultDescription"].(string); ok && !described[id] {
			v.add(member(p, "resultDescription"), "must be the id of a resultDescription of the achievement")
		}
	})
}

// resultDescriptionIDs returns the ids of an achievement's result
// descriptions, which results link to.
func resultDescriptionIDs(achievement any) map[string]bool {
	a, _ := achievement.(map[string]any)
	descriptions, _ := a["resultDescription"].([]any)
	ids := make(map[string]bool, len(descriptions))
	for _, d := range descriptions {
		if d, ok := d.(map[string]any); ok {
			if id, ok := d["id"].(string); ok {
				ids[id] = true
			}
		}
	}
	return ids
}

var identityHash = regexp.MustCompile(`^(?:sha256\$[0-9a-fA-F]{64}|md5\$[0-9a-fA-F]{32})$`)

func (v *validator) identityObject(path string, m map[string]any) {
	v.hasType(m, path, TypeIdentityObject)
	hashed, hashedOK := v.requiredBool(m, path, "hashed")
	if h, ok := v.requiredString(m, path, "identityHash"); ok && hashedOK && hashed && !identityHash.MatchString(h) {
		v.add(member(path, "identityHash"), `must be "sha256$" and 64 hex digits (or "md5$" and 32) when hashed is true`)
	}
	v.requiredTerm(m, path, "identityType", IdentifierTypes(), true)
	v.optionalString(m, path, "salt")
}

func (v *validator) achievement(path string, value any, nest int) {
	m, ok := value.(map[string]any)
	if !ok {
		v.add(path, "must be an Achievement object")
		return
	}
	v.requiredURI(m, path, "id")
	v.hasType(m, path, TypeAchievement)
	v.requiredString(m, path, "name")
	v.requiredString(m, path, "description")
	v.optionalTerm(m, path, "achievementType", AchievementTypes(), true)

	criteriaPath := member(path, "criteria")
	switch c := m["criteria"].(type) {
	case nil:
		if _, present := m["criteria"]; present {
			v.add(criteriaPath, "must be an object")
		} else {
			v.add(criteriaPath, "is required")
		}
	case map[string]any:
		_, hasID := c["id"]
		_, hasNarrative := c["narrative"]
		if !hasID && !hasNarrative {
			v.add(criteriaPath, "must have an id or a narrative")
		}
		v.optionalURI(c, criteriaPath, "id")
		v.optionalString(c, criteriaPath, "narrative")
	default:
		v.add(criteriaPath, "must be an object")
	}

	v.eachObject(m, path, "alignment", false, v.alignment)
	if creator, ok := m["creator"]; ok {
		v.profileRef(member(path, "creator"), creator, nest)
	}
	v.optionalNumber(m, path, "creditsAvailable")
	v.endorsements(m, path, nest)
	for _, key := range []string{"fieldOfStudy", "humanCode", "specialization", "version"} {
		v.optionalString(m, path, key)
	}
	v.optionalImage(m, path, "image")
	v.optionalLanguage(m, path, "inLanguage")
	v.eachObject(m, path, "otherIdentifier", false, v.identifierEntry)
	v.eachObject(m, path, "related", false, func(p string, r map[string]any) {
		v.requiredURI(r, p, "id")
		v.hasType(r, p, TypeRelated)
		v.optionalLanguage(r, p, "inLanguage")
		v.optionalString(r, p, "version")
	})
	v.eachObject(m, path, "resultDescription", false, v.resultDescription)
	v.stringArray(m, path, "tag")
}

func (v *validator) alignment(path string, m map[string]any) {
	v.hasType(m, path, TypeAlignment)
	v.requiredString(m, path, "targetName")
	v.requiredURI(m, path, "targetUrl")
	v.optionalTerm(m, path, "targetType", AlignmentTargetTypes(), true)
	for _, key := range []string{"targetCode", "targetDescription", "targetFramework"} {
		v.optionalString(m, path, key)
	}
}

func (v *validator) resultDescription(path string, m map[string]any) {
	v.requiredURI(m, path, "id")
	v.hasType(m, path, TypeResultDescription)
	v.requiredString(m, path, "name")
	v.requiredTerm(m, path, "resultType", ResultTypes(), true)
	v.eachObject(m, path, "alignment", false, v.alignment)
	v.stringArray(m, path, "allowedValue")
	v.optionalURI(m, path, "requiredLevel")
	for _, key := range []string{"requiredValue", "valueMax", "valueMin"} {
		v.optionalString(m, path, key)
	}
	v.eachObject(m, path, "rubricCriterionLevel", false, func(p string, r map[string]any) {
		v.requiredURI(r, p, "id")
		v.hasType(r, p, TypeRubricCriterionLevel)
		v.requiredString(r, p, "name")
		v.eachObject(r, p, "alignment", false, v.alignment)
		for _, key := range []string{"description", "level", "points"} {
			v.optionalString(r, p, key)
		}
	})
}

func (v *validator) result(path string, m map[string]any) {
	v.hasType(m, path, TypeResult)
	v.optionalURI(m, path, "achievedLevel")
	v.optionalURI(m, path, "resultDescription")
	v.optionalTerm(m, path, "status", ResultStatusTypes(), false)
	v.optionalString(m, path, "value")
	v.eachObject(m, path, "alignment", false, v.alignment)
}

func (v *validator) identifierEntry(path string, m map[string]any) {
	v.hasType(m, path, TypeIdentifierEntry)
	v.requiredString(m, path, "identifier")
	v.requiredTerm(m, path, "identifierType", IdentifierTypes(), true)
}

func (v *validator) evidence(path string, m map[string]any) {
	v.hasType(m, path, TypeEvidence)
	v.optionalURI(m, path, "id")
	for _, key := range []string{"narrative", "name", "description", "genre", "audience"} {
		v.optionalString(m, path, key)
	}
}

// profileRef checks an issuer, creator, source or parent organization: a
// URI or a Profile.
func (v *validator) profileRef(path string, value any, nest int) {
	switch p := value.(type) {
	case string:
		if !isURI(p) {
			v.add(path, "must be a URI or a Profile object")
		}
	case map[string]any:
		v.profile(path, p, nest)
	default:
		v.add(path, "must be a URI or a Profile object")
	}
}

var emailAddress = regexp.MustCompile(`^[^@\s]+@[^@\s]+$`)

func (v *validator) profile(path string, m map[string]any, nest int) {
	if nest > maxNesting {
		v.add(path, "profiles nest more than %d deep", maxNesting)
		return
	}
	v.requiredURI(m, path, "id")
	v.hasType(m, path, TypeProfile)
	v.optionalURI(m, path, "url")
	if email, ok := v.optionalString(m, path, "email"); ok && !emailAddress.MatchString(email) {
		v.add(member(path, "email"), "must be an email address")
	}
	for _, key := range []string{"name", "phone", "description", "official", "familyName", "givenName",
		"additionalName", "patronymicName", "honorificPrefix", "honorificSuffix", "familyNamePrefix"} {
		v.optionalString(m, path, key)
	}
	if d, ok := v.optionalString(m, path, "dateOfBirth"); ok && (len(d) != len("2006-01-02") || !isLocalDateTime(d)) {
		v.add(member(path, "dateOfBirth"), "must be a date, such as 2001-09-30")
	}
	v.optionalImage(m, path, "image")
	v.eachObject(m, path, "otherIdentifier", false, v.identifierEntry)
	v.endorsements(m, path, nest)
	if a, ok := m["address"]; ok {
		v.address(member(path, "address"), a)
	}
	if parent, ok := m["parentOrg"]; ok {
		v.profileRef(member(path, "parentOrg"), parent, nest+1)
	}
}

var countryCode = regexp.MustCompile(`^[A-Z]{2}$`)

func (v *validator) address(path string, value any) {
	m, ok := value.(map[string]any)
	if !ok {
		v.add(path, "must be an Address object")
		return
	}
	v.hasType(m, path, TypeAddress)
	for _, key := range []string{"addressCountry", "addressRegion", "addressLocality", "streetAddress",
		"postOfficeBoxNumber", "postalCode"} {
		v.optionalString(m, path, key)
	}
	if c, ok := v.optionalString(m, path, "addressCountryCode"); ok && !countryCode.MatchString(c) {
		v.add(member(path, "addressCountryCode"), "must be an ISO 3166-1 alpha-2 country code, such as CA")
	}
	if geo, ok := m["geo"]; ok {
		p := member(path, "geo")
		g, ok := geo.(map[string]any)
		if !ok {
			v.add(p, "must be a GeoCoordinates object")
			return
		}
		v.hasType(g, p, TypeGeoCoordinates)
		for _, key := range []string{"latitude", "longitude"} {
			if _, present := g[key]; !present {
				v.add(member(p, key), "is required")
			}
			v.optionalNumber(g, p, key)
		}
	}
}

func (v *validator) clrSubject(path string, m map[string]any, nest int) {
	v.hasType(m, path, TypeClrSubject)
	v.optionalURI(m, path, "id")
	v.eachObject(m, path, "identifier", false, v.identityObject)
	v.eachObject(m, path, "achievement", false, func(p string, a map[string]any) { v.achievement(p, a, nest) })
	p := member(path, "verifiableCredential")
	if creds, ok := m["verifiableCredential"].([]any); !ok || len(creds) == 0 {
		if _, present := m["verifiableCredential"]; present && !ok {
			v.add(p, "must be an array of credentials")
		} else {
			v.add(p, "must list at least one credential")
		}
	}
	v.eachObject(m, path, "verifiableCredential", false, func(p string, c map[string]any) {
		switch kind := Kind(c); kind {
		case "":
			v.add(member(p, "type"), "must include %s", TypeVerifiableCredential)
		default:
			v.credential(p, c, kind, nest+1)
		}
	})
	v.eachObject(m, path, "association", false, func(p string, a map[string]any) {
		v.hasType(a, p, TypeAssociation)
		v.requiredTerm(a, p, "associationType", AssociationTypes(), false)
		v.requiredURI(a, p, "sourceId")
		v.requiredURI(a, p, "targetId")
	})
}

var compactJWS = regexp.MustCompile(`^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$`)

// endorsements checks the endorsement and endorsementJwt properties of a
// credential, achievement or profile.
func (v *validator) endorsements(m map[string]any, path string, nest int) {
	v.eachObject(m, path, "endorsement", false, func(p string, e map[string]any) {
		v.credential(p, e, KindEndorsement, nest+1)
	})
	if jwts, ok := v.stringArray(m, path, "endorsementJwt"); ok {
		for i, jwt := range jwts {
			if !compactJWS.MatchString(jwt) {
				v.add(index(member(path, "endorsementJwt"), i), "must be a compact JWS")
			}
		}
	}
}

// Property checks. Each takes the object, its path and the key; optional
// ones accept an absent key, and every one reports a present value of the
// wrong kind.

func (v *validator) requiredString(m map[string]any, path, key string) (string, bool) {
	if _, present := m[key]; !present {
		v.add(member(path, key), "is required")
		return "", false
	}
	s, ok := v.optionalString(m, path, key)
	if ok && strings.TrimSpace(s) == "" {
		v.add(member(path, key), "must not be empty")
		return "", false
	}
	return s, ok
}

func (v *validator) optionalString(m map[string]any, path, key string) (string, bool) {
	raw, present := m[key]
	if !present {
		return "", false
	}
	s, ok := raw.(string)
	if !ok {
		v.add(member(path, key), "must be a string")
	}
	return s, ok
}

func (v *validator) requiredURI(m map[string]any, path, key string) {
	if _, present := m[key]; !present {
		v.add(member(path, key), "is required")
		return
	}
	v.optionalURI(m, path, key)
}

func (v *validator) optionalURI(m map[string]any, path, key string) {
	if s, ok := v.optionalString(m, path, key); ok && !isURI(s) {
		v.add(member(path, key), "must be an absolute URI")
	}
}

func (v *validator) requiredBool(m map[string]any, path, key string) (value, ok bool) {
	if _, present := m[key]; !present {
		v.add(member(path, key), "is required")
		return false, false
	}
	return v.optionalBool(m, path, key)
}

func (v *validator) optionalBool(m map[string]any, path, key string) (value, ok bool) {
	raw, present := m[key]
	if !present {
		return false, false
	}
	b, ok := raw.(bool)
	if !ok {
		v.add(member(path, key), "must be true or false")
	}
	return b, ok
}

func (v *validator) optionalNumber(m map[string]any, path, key string) {
	raw, present := m[key]
	if !present {
		return
	}
	ok := false
	switch n := raw.(type) {
	case json.Number:
		_, err := strconv.ParseFloat(n.String(), 64)
		ok = err == nil
	case float64, int:
		ok = true
	}
	if !ok {
		v.add(member(path, key), "must be a number")
	}
}

func (v *validator) dateTime(m map[string]any, path, key string) (time.Time, bool) {
	s, isString := v.optionalString(m, path, key)
	if !isString {
		return time.Time{}, false
	}
	t, err := ParseDateTime(s)
	if err != nil {
		v.add(member(path, key), "must be a dateTime with timezone, such as 2026-06-19T17:00:00Z")
		return time.Time{}, false
	}
	return t, true
}

func (v *validator) optionalDateTime(m map[string]any, path, key string) { v.dateTime(m, path, key) }

var languageCode = regexp.MustCompile(`^[a-z]{2,4}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?$`)

func (v *validator) optionalLanguage(m map[string]any, path, key string) {
	if s, ok := v.optionalString(m, path, key); ok && !languageCode.MatchString(s) {
		v.add(member(path, key), "must be a language code, such as en or en-CA")
	}
}

// requiredTerm checks a term of an enumeration; extensible ones also take
// "ext:" terms.
func (v *validator) requiredTerm(m map[string]any, path, key string, terms []string, extensible bool) {
	if _, present := m[key]; !present {
		v.add(member(path, key), "is required")
		return
	}
	v.optionalTerm(m, path, key, terms, extensible)
}

func (v *validator) optionalTerm(m map[string]any, path, key string, terms []string, extensible bool) {
	s, ok := v.optionalString(m, path, key)
	if !ok {
		return
	}
	if extensible && !inExtensible(s, terms) {
		v.add(member(path, key), "must be one of %s, or an extension term starting with ext:", strings.Join(terms, ", "))
	}
	if !extensible && !slices.Contains(terms, s) {
		v.add(member(path, key), "must be one of %s", strings.Join(terms, ", "))
	}
}

func (v *validator) stringArray(m map[string]any, path, key string) ([]string, bool) {
	raw, present := m[key]
	if !present {
		return nil, false
	}
	p := member(path, key)
	items, ok := raw.([]any)
	if !ok {
		v.add(p, "must be an array of strings")
		return nil, false
	}
	out := make([]string, 0, len(items))
	for i, item := range items {
		s, ok := item.(string)
		if !ok {
			v.add(index(p, i), "must be a string")
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// types reads the type property, which must be a non-empty string or a
// non-empty array of them.
func (v *validator) types(m map[string]any, path string) ([]string, bool) {
	p := member(path, "type")
	raw, present := m["type"]
	if !present {
		v.add(p, "is required")
		return nil, false
	}
	types, ok := typeValues(raw)
	if !ok || len(types) == 0 || slices.Contains(types, "") {
		v.add(p, "must be a type name or an array of type names")
		return nil, false
	}
	return types, true
}

func (v *validator) requiredTypes(m map[string]any, path string) { v.types(m, path) }

// hasType checks that the type property includes want.
func (v *validator) hasType(m map[string]any, path, want string) {
	if types, ok := v.types(m, path); ok && !slices.Contains(types, want) {
		v.add(member(path, "type"), "must include %s", want)
	}
}

func (v *validator) optionalImage(m map[string]any, path, key string) {
	raw, present := m[key]
	if !present {
		return
	}
	p := member(path, key)
	switch img := raw.(type) {
	case string:
		if !isURI(img) {
			v.add(p, "must be an image URI or an Image object")
		}
	case map[string]any:
		v.requiredURI(img, p, "id")
		v.hasType(img, p, TypeImage)
		v.optionalString(img, p, "caption")
	default:
		v.add(p, "must be an image URI or an Image object")
	}
}

// eachObject runs check on the objects of an array property (or, when
// single is true, of a property that may also be one bare object).
func (v *validator) eachObject(m map[string]any, path, key string, single bool, check func(path string, obj map[string]any)) {
	raw, present := m[key]
	if !present {
		return
	}
	p := member(path, key)
	switch value := raw.(type) {
	case []any:
		for i, item := range value {
			obj, ok := item.(map[string]any)
			if !ok {
				v.add(index(p, i), "must be an object")
				continue
			}
			check(index(p, i), obj)
		}
	case map[string]any:
		if single {
			check(p, value)
		} else {
			v.add(p, "must be an array of objects")
		}
	default:
		if single {
			v.add(p, "must be an object or an array of objects")
		} else {
			v.add(p, "must be an array of objects")
		}
	}
}

// isURI reports whether s is an absolute URI (or IRI): a scheme, a colon
// and something after it, with no white space or characters URIs exclude.
func isURI(s string) bool {
	scheme, rest, ok := strings.Cut(s, ":")
	if !ok || scheme == "" || rest == "" {
		return false
	}
	for i, c := range scheme {
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	for _, c := range s {
		if c <= ' ' || c == 0x7f || strings.ContainsRune(`"<>\^`+"`{|}", c) {
			return false
		}
	}
	_, err := url.Parse(s)
	return err == nil
}

// member returns the JSONPath of key within the object at path.
func member(path, key string) string {
	if isIdentifier(key) {
		return path + "." + key
	}
	return path + "['" + strings.ReplaceAll(key, "'", `\'`) + "']"
}

// index returns the JSONPath of item i of the array at path.
func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
