package ob

import (
	"regexp"
	"slices"
	"strings"
)

// JSON-LD context URLs.
const (
	// ContextVC2 is the W3C Verifiable Credentials 2.0 context, the first
	// @context entry of every OB 3.0 credential.
	ContextVC2 = "https://www.w3.org/ns/credentials/v2"
	// ContextVC11 is the VC Data Model 1.1 context of older credentials,
	// which date themselves with issuanceDate and expirationDate.
	ContextVC11 = "https://www.w3.org/2018/credentials/v1"
	// ContextOB is the Open Badges 3.0.3 context, the second entry.
	ContextOB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
	// ContextOBExtensions defines the 1EdTech extension terms, among them
	// the credentialSchema type 1EdTechJsonSchemaValidator2019.
	ContextOBExtensions = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
	// ContextCLR is the Comprehensive Learner Record 2.0.1 context.
	ContextCLR = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
)

// JSON schemas named in credentialSchema.
const (
	// SchemaAchievementCredential is the OB 3.0 JSON schema of an
	// AchievementCredential.
	SchemaAchievementCredential = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
	// SchemaValidator is the credentialSchema type OB 3.0 uses for its
	// JSON schemas.
	SchemaValidator = "1EdTechJsonSchemaValidator2019"
)

// Type names.
const (
	TypeVerifiableCredential  = "VerifiableCredential"
	TypeOpenBadgeCredential   = "OpenBadgeCredential"
	TypeAchievementCredential = "AchievementCredential" // an alias of OpenBadgeCredential
	TypeEndorsementCredential = "EndorsementCredential"
	TypeClrCredential         = "ClrCredential"
	TypeAchievementSubject    = "AchievementSubject"
	TypeEndorsementSubject    = "EndorsementSubject"
	TypeClrSubject            = "ClrSubject"
	TypeAchievement           = "Achievement"
	TypeProfile               = "Profile"
	TypeImage                 = "Image"
	TypeIdentityObject        = "IdentityObject"
	TypeIdentifierEntry       = "IdentifierEntry"
	TypeAlignment             = "Alignment"
	TypeResult                = "Result"
	TypeResultDescription     = "ResultDescription"
	TypeRubricCriterionLevel  = "RubricCriterionLevel"
	TypeEvidence              = "Evidence"
	TypeRelated               = "Related"
	TypeAddress               = "Address"
	TypeGeoCoordinates        = "GeoCoordinates"
	TypeAssociation           = "Association"
)

// Achievement types used by cairn's offerings; AchievementTypes lists all.
const (
	AchievementMicroCredential = "MicroCredential"
	AchievementBadge           = "Badge"
	AchievementCourse          = "Course"
)

// IdentityEmail is the identityType of an email address.
const IdentityEmail = "emailAddress"

// AchievementTypes is the OB 3.0 AchievementType enumeration. It is
// extensible: terms starting with "ext:" are allowed too.
func AchievementTypes() []string {
	return []string{
		"Achievement", "ApprenticeshipCertificate", "Assessment", "Assignment",
		"AssociateDegree", "Award", "Badge", "BachelorDegree", "Certificate",
		"CertificateOfCompletion", "Certification", "CommunityService",
		"Competency", "Course", "CoCurricular", "Degree", "Diploma",
		"DoctoralDegree", "Fieldwork", "GeneralEducationDevelopment",
		"JourneymanCertificate", "LearningProgram", "License", "Membership",
		"ProfessionalDoctorate", "QualityAssuranceCredential",
		"MasterCertificate", "MasterDegree", "MicroCredential",
		"ResearchDoctorate", "SecondarySchoolDiploma",
	}
}

// IdentifierTypes is the OB 3.0 IdentifierTypeEnum, used by
// IdentityObject.identityType and IdentifierEntry.identifierType; extensible
// with "ext:" terms.
func IdentifierTypes() []string {
	return []string{
		"name", "sourcedId", "systemId", "productId", "userName", "accountId",
		"emailAddress", "nationalIdentityNumber", "isbn", "issn",
		"lisSourcedId", "oneRosterSourcedId", "sisSourcedId", "ltiContextId",
		"ltiDeploymentId", "ltiToolId", "ltiPlatformId", "ltiUserId",
		"identifier",
	}
}

// AlignmentTargetTypes is the OB 3.0 AlignmentTargetType enumeration;
// extensible with "ext:" terms.
func AlignmentTargetTypes() []string {
	return []string{
		"ceasn:Competency", "ceterms:Credential", "CFItem", "CFRubric",
		"CFRubricCriterion", "CFRubricCriterionLevel", "CTDL",
	}
}

// ResultTypes is the OB 3.0 ResultType enumeration; extensible with "ext:"
// terms.
func ResultTypes() []string {
	return []string{
		"GradePointAverage", "LetterGrade", "Percent", "PerformanceLevel",
		"PredictedScore", "RawScore", "Result", "RubricCriterion",
		"RubricCriterionLevel", "RubricScore", "ScaledScore", "Status",
	}
}

// ResultStatusTypes is the OB 3.0 ResultStatusType enumeration, which is
// closed.
func ResultStatusTypes() []string {
	return []string{
		"Completed", "Enrolled", "Failed", "InProgress", "OnHold",
		"Provisional", "Withdrew",
	}
}

// AssociationTypes is the CLR 2.0 AssociationType enumeration, which is
// closed.
func AssociationTypes() []string {
	return []string{
		"exactMatchOf", "isChildOf", "isParentOf", "isPartOf", "isPeerOf",
		"isRelatedTo", "precedes", "replacedBy",
	}
}

// extTerm is the pattern the OB 3.0 JSON schemas give extension terms.
var extTerm = regexp.MustCompile(`^ext:[a-zA-Z0-9._-]+$`)

// inExtensible reports whether term is in the extensible enumeration terms
// or is an "ext:" extension term.
func inExtensible(term string, terms []string) bool {
	return slices.Contains(terms, term) || extTerm.MatchString(term)
}

// isOBContext reports whether url is an Open Badges 3.0.x context.
func isOBContext(url string) bool {
	rest, ok := strings.CutPrefix(url, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.")
	return ok && isVersionSuffix(rest)
}

// isCLRContext reports whether url is a CLR 2.0.x context.
func isCLRContext(url string) bool {
	rest, ok := strings.CutPrefix(url, "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.")
	return ok && isVersionSuffix(rest)
}

// isVersionSuffix reports whether s is digits followed by ".json".
func isVersionSuffix(s string) bool {
	digits, ok := strings.CutSuffix(s, ".json")
	if !ok || digits == "" {
		return false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
