package registry

import (
	"crypto/sha1"
	"encoding/hex"
	"strconv"
	"strings"

	"cairn/internal/catalog"
)

// CTDLContext is the JSON-LD context of Credential Engine's CTDL.
const CTDLContext = "https://credreg.net/ctdl/schema/context/json"

// CTDL vocabularies (concept schemes) cairn draws terms from.
const (
	ctdlDelivery  = "https://credreg.net/ctdl/terms/Delivery"
	ctdlLifeCycle = "https://credreg.net/ctdl/terms/LifeCycleStatus"
)

// CTDLType returns the CTDL class of an offering kind: micro-credentials
// and digital badges are credentials (ceterms:MicroCredential,
// ceterms:DigitalBadge); micro courses are ceterms:Course and short
// courses ceterms:LearningOpportunityProfile, learning opportunities.
func CTDLType(k catalog.Kind) string {
	switch k {
	case catalog.MicroCredential:
		return "ceterms:MicroCredential"
	case catalog.DigitalBadge:
		return "ceterms:DigitalBadge"
	case catalog.MicroCourse:
		return "ceterms:Course"
	}
	return "ceterms:LearningOpportunityProfile"
}

// isCredential reports whether the CTDL class of k is a credential rather
// than a learning opportunity; the two name some properties differently.
func isCredential(k catalog.Kind) bool {
	return k == catalog.MicroCredential || k == catalog.DigitalBadge
}

// CTID returns the Credential Transparency Identifier of the offering page
// at pageURL: "ce-" and a name-based (version 5) UUID of the URL, so the
// same page always has the same CTID.
func CTID(pageURL string) string {
	// RFC 9562 name-based UUID in the URL namespace.
	ns := [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(pageURL))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	x := hex.EncodeToString(u[:])
	return "ce-" + x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
}

// CTDL returns l as a Credential Engine CTDL JSON-LD document, published
// at l.URLs(base).CTDL. Keys are CTDL terms; encoding/json writes them
// sorted, so the same label always encodes to the same bytes.
//
// What the label holds that CTDL carries: name, description, owner and
// offerer (the institution's registry page), subject webpage (the offering
// page), language, life-cycle status, effective date (approval), approved
// version, duration, delivery, cost, assessment, credit value (when credit
// is offered today), competencies (ceterms:requires on a credential,
// ceterms:teaches on a learning opportunity), prerequisites and learning
// outcomes (as conditions), stacks (ceterms:isPartOf, for those resolved to
// a URL) and ladders (ceterms:isPreparationFor). Partners, PLAR, transfer
// agreements, target learners and the award's expiry are on the offering
// page only.
func CTDL(l Label, base string) map[string]any {
	u := l.URLs(base)
	lang := l.Language
	if lang == "" {
		lang = "en"
	}
	text := func(s string) map[string]any { return map[string]any{lang: s} }
	description := l.Description
	if description == "" {
		description = l.Title
	}
	doc := map[string]any{
		"@context":                    CTDLContext,
		"@id":                         u.CTDL,
		"@type":                       CTDLType(l.Kind),
		"ceterms:ctid":                CTID(u.Page),
		"ceterms:name":                text(l.Title),
		"ceterms:description":         text(description),
		"ceterms:subjectWebpage":      u.Page,
		"ceterms:ownedBy":             []any{u.Institution},
		"ceterms:offeredBy":           []any{u.Institution},
		"ceterms:lifeCycleStatusType": alignment(ctdlLifeCycle, "Life Cycle Status", "lifeCycle:Active", "Active", lang),
		"ceterms:versionIdentifier": []any{map[string]any{
			"@type":                       "ceterms:IdentifierValue",
			"ceterms:identifierTypeName":  text("Approved version"),
			"ceterms:identifierValueCode": strconv.Itoa(l.Version),
		}},
	}
	if l.Language != "" {
		doc["ceterms:inLanguage"] = []any{l.Language}
	}
	if !l.ApprovedAt.IsZero() {
		doc["ceterms:dateEffective"] = l.ApprovedAt.Format("2006-01-02")
	}
	if l.DurationHours > 0 {
		doc["ceterms:estimatedDuration"] = []any{map[string]any{
			"@type":                 "ceterms:DurationProfile",
			"ceterms:exactDuration": isoHours(l.DurationHours),
		}}
	}
	if node, name := deliveryNode(l.DeliveryMode); node != "" {
		key := "ceterms:deliveryType"
		if isCredential(l.Kind) {
			key = "ceterms:learningDeliveryType"
		}
		doc[key] = []any{alignment(ctdlDelivery, "Delivery Type", node, name, lang)}
	}
	if d := l.DeliveryText(); d != "" {
		doc["ceterms:deliveryTypeDescription"] = text(d)
	}
	if l.TuitionFees != "" {
		doc["ceterms:estimatedCost"] = []any{map[string]any{
			"@type":               "ceterms:CostProfile",
			"ceterms:description": text(l.TuitionFees),
			"ceterms:costDetails": u.Page,
		}}
	}
	if l.AssessmentMethod != "" {
		doc["ceterms:assessmentMethodDescription"] = text(l.AssessmentMethod)
	}
	if l.OfferedAs.Credit() && l.Credits > 0 {
		doc["ceterms:creditValue"] = []any{map[string]any{
			"@type":               "ceterms:ValueProfile",
			"schema:value":        l.Credits,
			"ceterms:description": text(l.CreditText),
		}}
	}
	if !isCredential(l.Kind) && l.OfferedAs != "" {
		doc["ceterms:isNonCredit"] = !l.OfferedAs.Credit()
	}

	var comps []any
	for _, c := range l.Competencies {
		comps = append(comps, competencyAlignment(c, text))
	}
	var requires []any
	if isCredential(l.Kind) && (len(comps) > 0 || len(l.LearningOutcomes) > 0) {
		cp := map[string]any{
			"@type":               "ceterms:ConditionProfile",
			"ceterms:description": text("To earn " + l.Title + ", a learner demonstrates these competencies and learning outcomes."),
		}
		if len(comps) > 0 {
			cp["ceterms:targetCompetency"] = comps
		}
		if len(l.LearningOutcomes) > 0 {
			cp["ceterms:condition"] = map[string]any{lang: l.LearningOutcomes}
		}
		requires = append(requires, cp)
	} else if len(comps) > 0 {
		doc["ceterms:teaches"] = comps
	}
	if !isCredential(l.Kind) && len(l.LearningOutcomes) > 0 {
		requires = append(requires, map[string]any{
			"@type":               "ceterms:ConditionProfile",
			"ceterms:description": text("To complete " + l.Title + ", a learner achieves these learning outcomes."),
			"ceterms:condition":   map[string]any{lang: l.LearningOutcomes},
		})
	}
	if len(l.Prerequisites) > 0 {
		requires = append(requires, map[string]any{
			"@type":               "ceterms:ConditionProfile",
			"ceterms:name":        text("Prerequisites"),
			"ceterms:description": text("What a learner needs before enrolling."),
			"ceterms:condition":   map[string]any{lang: l.Prerequisites},
		})
	}
	if len(requires) > 0 {
		doc["ceterms:requires"] = requires
	}

	var partOf []any
	for _, s := range l.Stacks {
		if h := s.Href(base); h != "" {
			partOf = append(partOf, h)
		}
	}
	if len(partOf) > 0 {
		doc["ceterms:isPartOf"] = partOf
	}
	var prepares []any
	for _, s := range l.Ladders {
		cp := map[string]any{"@type": "ceterms:ConditionProfile", "ceterms:name": text(s.Name)}
		if h := s.Href(base); h != "" {
			cp["ceterms:subjectWebpage"] = h
		}
		prepares = append(prepares, cp)
	}
	if len(prepares) > 0 {
		doc["ceterms:isPreparationFor"] = prepares
	}
	return doc
}

// alignment is a CTDL CredentialAlignmentObject naming a concept of one of
// CTDL's vocabularies.
func alignment(framework, frameworkName, node, nodeName, lang string) map[string]any {
	return map[string]any{
		"@type":                  "ceterms:CredentialAlignmentObject",
		"ceterms:framework":      framework,
		"ceterms:frameworkName":  map[string]any{lang: frameworkName},
		"ceterms:targetNode":     node,
		"ceterms:targetNodeName": map[string]any{lang: nodeName},
	}
}

// competencyAlignment is a competency as a CTDL CredentialAlignmentObject.
func competencyAlignment(c catalog.Competency, text func(string) map[string]any) map[string]any {
	m := map[string]any{
		"@type":                  "ceterms:CredentialAlignmentObject",
		"ceterms:targetNodeName": text(c.Name),
	}
	if c.URL != "" {
		m["ceterms:targetNode"] = c.URL
	}
	if c.Code != "" {
		m["ceterms:codedNotation"] = c.Code
	}
	if c.Framework != "" {
		m["ceterms:frameworkName"] = text(c.Framework)
	}
	return m
}

// deliveryNode is the CTDL Delivery concept of a delivery mode.
func deliveryNode(m catalog.DeliveryMode) (node, name string) {
	switch m {
	case catalog.InPerson:
		return "deliveryType:InPerson", "In Person Only"
	case catalog.Online:
		return "deliveryType:OnlineOnly", "Online Only"
	case catalog.Blended:
		return "deliveryType:BlendedDelivery", "Blended Delivery"
	}
	return "", ""
}

// isoHours writes a number of hours as an ISO 8601 duration, "PT40H" or
// "PT7H30M"; fractions of a minute are rounded.
func isoHours(h float64) string {
	mins := int64(h*60 + 0.5)
	var b strings.Builder
	b.WriteString("PT")
	if mins/60 > 0 {
		b.WriteString(strconv.FormatInt(mins/60, 10) + "H")
	}
	if mins%60 > 0 || mins == 0 {
		b.WriteString(strconv.FormatInt(mins%60, 10) + "M")
	}
	return b.String()
}
