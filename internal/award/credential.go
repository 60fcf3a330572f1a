package award

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
	"cairn/internal/ob"
	"cairn/internal/status"
)

// Issuer is the institution as its credentials name it. ID is the DID the
// credentials are issued under (did:web or did:key).
type Issuer struct {
	ID    string
	Name  string
	URL   string
	Email string
}

// Offering is the offering version an award is for: the version's number,
// form and hash, and the offering's status and approved version, which
// decide whether it may be awarded and with what credit.
type Offering struct {
	ID      int64
	Version int
	// Hash is the version's hash (catalog.Version.Hash); when set, the
	// form must match it.
	Hash            string
	Form            catalog.Form
	Status          catalog.Status
	ApprovedVersion int
	// Endorsements are signed EndorsementCredentials (JSON) of the
	// offering, embedded in the Achievement as its endorsement, at most
	// MaxEndorsements.
	Endorsements []json.RawMessage
	// Stacks are the larger credentials the offering is a part of by the
	// institution's stack rules. The Achievement lists them, and after
	// them the names the form declares (Form.StacksInto) that are not
	// among them.
	Stacks []Stack
}

// Stack is a larger credential an offering is a part of by a stack rule.
type Stack struct {
	// Name is the larger credential's title.
	Name string
	// Page is its registry page while it is published, else "": an
	// absolute URL, or a path such as "/registry/kpu/some-offering" that
	// a Pipeline makes absolute with its BaseURL (Achievement leaves a
	// path out).
	Page string
}

// MaxEndorsements bounds the endorsements embedded in an Achievement.
const MaxEndorsements = 20

// Awardable reports whether the version may be awarded: the offering must
// be approved (possibly as interim non-credit) or active, and the version
// must be the approved one. Otherwise it is a Conflict that says why.
func (o Offering) Awardable() error {
	switch {
	case o.Status == catalog.Discontinued:
		return apperror.New(apperror.Conflict, "offering %d is discontinued and can no longer be awarded", o.ID)
	case !o.Status.Offerable():
		return apperror.New(apperror.Conflict, "offering %d is %s, not approved, and cannot be awarded", o.ID, strings.ReplaceAll(string(o.Status), "_", " "))
	case o.ApprovedVersion < 1 || o.Version != o.ApprovedVersion:
		return apperror.New(apperror.Conflict, "version %d of offering %d is not its approved version (%d) and cannot be awarded", o.Version, o.ID, o.ApprovedVersion)
	}
	return nil
}

// Interim reports whether the offering is approved as interim non-credit:
// it is awarded, but without credit, until its credit review ends.
func (o Offering) Interim() bool { return o.Status == catalog.ApprovedInterimNonCredit }

// Credits returns the credit an award carries: the form's credits when the
// offering is credit-bearing (or embedded) and not interim, else 0.
func (o Offering) Credits() float64 {
	if o.Interim() || !o.Form.CreditStatus.Credit() || o.Form.Credits <= 0 {
		return 0
	}
	return o.Form.Credits
}

// ValidUntil returns when an award issued at issued expires by the
// offering's expiry rule (see catalog.ParseExpiry), zero for never.
func (o Offering) ValidUntil(issued time.Time) (time.Time, error) {
	e, err := catalog.ParseExpiry(o.Form.AwardExpiry)
	if err != nil {
		return time.Time{}, err
	}
	until, ok := e.From(issued.UTC().Truncate(time.Second))
	if !ok {
		return time.Time{}, nil
	}
	return until, nil
}

// AchievementType is the OB 3.0 achievementType of an offering kind.
func AchievementType(k catalog.Kind) string {
	switch k {
	case catalog.DigitalBadge:
		return ob.AchievementBadge
	case catalog.MicroCourse, catalog.ShortCourse:
		return ob.AchievementCourse
	}
	return ob.AchievementMicroCredential
}

// StatusRef is an award's entry in one status list.
type StatusRef struct {
	ListURL string
	Index   int
}

// Input is everything one award's credential is made of.
type Input struct {
	Issuer Issuer
	// AchievementID is the URL of the achievement (the approved version
	// in the registry); the same for every award of the version.
	AchievementID string
	// CredentialID is the credential's id, a urn:uuid.
	CredentialID string
	Offering     Offering
	// Email is the learner's address; the credential carries only its
	// salted SHA-256.
	Email string
	// LearnerDID, when set, is the credential subject's id.
	LearnerDID string
	// Salt for the email hash; empty means a fresh ob.NewSalt.
	Salt string
	// Result is the learner's result (a grade, a score), if any.
	Result string
	// EvidenceURL links to the learner's work, if any.
	EvidenceURL string
	// IssuedAt is validFrom and awardedDate.
	IssuedAt time.Time
	// Replaces is the id of the credential this one corrects, if any.
	Replaces   string
	Revocation StatusRef
	Suspension StatusRef
}

// Properties of an Achievement for the parts of the approved version that
// Open Badges 3.0 has no property for. Each is written as its full IRI, so
// it needs no JSON-LD context of its own: every processor maps it, and Data
// Integrity proofs cover it. Where schema.org or the Credential
// Transparency Description Language (CTDL) has the term, it is used; the
// rest are issuer-dependent terms, in the namespace VC 2.0 reserves for
// them.
const (
	// TermDuration is the notional learning time, an ISO 8601 duration
	// such as "PT36H" (schema.org timeRequired).
	TermDuration = "https://schema.org/timeRequired"
	// TermDelivery lists the delivery mode and timing, e.g. ["online",
	// "asynchronous"] (schema.org courseMode).
	TermDelivery = "https://schema.org/courseMode"
	// TermLevel is the level of learning (schema.org educationalLevel).
	TermLevel = "https://schema.org/educationalLevel"
	// TermLearningOutcomes lists what a learner can do on completion
	// (schema.org teaches).
	TermLearningOutcomes = "https://schema.org/teaches"
	// TermPrerequisites lists the prerequisites (schema.org
	// coursePrerequisites).
	TermPrerequisites = "https://schema.org/coursePrerequisites"
	// TermAssessment describes how learners are assessed (CTDL
	// assessmentMethodDescription).
	TermAssessment = "https://purl.org/ctdl/terms/assessmentMethodDescription"
	// TermCreditStatus is the credit status: non_credit, credit_bearing,
	// embedded or interim_non_credit.
	TermCreditStatus = issuerDependent + "creditStatus"
	// TermQualityAssurance is the type of quality assurance applied.
	TermQualityAssurance = issuerDependent + "qualityAssurance"
	// TermStacksInto lists the larger credentials the achievement stacks
	// into, each an object with its "name" and, when it has one, the
	// "url" of its registry page: the stacks the offering is a part of by
	// the institution's stack rules, then those its form names.
	TermStacksInto = issuerDependent + "stacksInto"
	// TermLaddersTo lists the programs it ladders into.
	TermLaddersTo = issuerDependent + "laddersTo"
	// TermVersionHash is the SHA-256 of the approved version's form, which
	// the approval signatures bind to.
	TermVersionHash = issuerDependent + "approvedVersionHash"
	// TermReplaces, on a credential, is the id of the earlier credential
	// it corrects (which is revoked).
	TermReplaces = issuerDependent + "replaces"
)

const issuerDependent = "https://www.w3.org/ns/credentials/issuer-dependent#"

// Credit statuses written to an achievement's creditStatus.
const (
	// CreditInterimNonCredit marks a version approved as interim
	// non-credit: its credit is still under review, so awards carry none.
	CreditInterimNonCredit = "interim_non_credit"
)

// Achievement returns the Achievement of an offering version: its name,
// description, criteria, achievementType, competencies as alignments,
// creditsAvailable when it carries credit, and the rest of its food label
// (credit status, duration, delivery, assessment, level, quality assurance,
// learning outcomes, prerequisites, stacks and ladders, the version's hash).
// It is the same for every award of the version.
func Achievement(iss Issuer, achievementID string, o Offering) (ob.Achievement, error) {
	f := o.Form
	switch {
	case strings.TrimSpace(f.Title) == "":
		return ob.Achievement{}, apperror.New(apperror.Invalid, "version %d of offering %d has no title to award", o.Version, o.ID)
	case strings.TrimSpace(f.Description) == "":
		return ob.Achievement{}, apperror.New(apperror.Invalid, "version %d of offering %d has no description to award", o.Version, o.ID)
	case !isHTTPURL(achievementID):
		return ob.Achievement{}, apperror.New(apperror.Invalid, "achievement id %q is not an http(s) URL", achievementID)
	case o.Hash != "" && o.Hash != f.Hash():
		return ob.Achievement{}, apperror.New(apperror.Conflict, "version %d of offering %d does not match its recorded hash", o.Version, o.ID)
	}
	a := ob.Achievement{
		ID:              achievementID,
		Type:            ob.NewTypes(ob.TypeAchievement),
		AchievementType: AchievementType(f.Kind),
		Name:            f.Title,
		Description:     f.Description,
		Criteria:        ob.Criteria{Narrative: criteria(iss, f)},
		InLanguage:      f.Language,
		Version:         strconv.Itoa(o.Version),
		OtherIdentifier: []ob.IdentifierEntry{{
			Type:           ob.SingleType(ob.TypeIdentifierEntry),
			Identifier:     fmt.Sprintf("offering-%d-v%d", o.ID, o.Version),
			IdentifierType: "systemId",
		}},
		ResultDescription: []ob.ResultDescription{{
			ID:         achievementID + "#result",
			Type:       ob.NewTypes(ob.TypeResultDescription),
			Name:       "Result",
			ResultType: "Result",
		}},
		Extra: map[string]json.RawMessage{},
	}
	for i, c := range f.Competencies {
		target := c.URL
		if target == "" {
			target = achievementID + "#competency-" + strconv.Itoa(i+1)
		}
		a.Alignment = append(a.Alignment, ob.Alignment{
			Type:            ob.NewTypes(ob.TypeAlignment),
			TargetName:      c.Name,
			TargetFramework: c.Framework,
			TargetCode:      c.Code,
			TargetType:      "ceasn:Competency",
			TargetURL:       target,
		})
	}
	if credits := o.Credits(); credits > 0 {
		a.CreditsAvailable = number(credits)
	}
	creditStatus := string(f.CreditStatus)
	if o.Interim() {
		creditStatus = CreditInterimNonCredit
	}
	stacksInto := StacksInto(o)
	var delivery []string
	for _, d := range []string{string(f.DeliveryMode), string(f.DeliveryTiming)} {
		if d != "" {
			delivery = append(delivery, d)
		}
	}
	extra := []struct {
		key   string
		value any
		set   bool
	}{
		{TermVersionHash, o.Hash, o.Hash != ""},
		{TermAssessment, f.AssessmentMethod, f.AssessmentMethod != ""},
		{TermCreditStatus, creditStatus, creditStatus != ""},
		{TermDelivery, delivery, len(delivery) > 0},
		{TermDuration, isoHours(f.DurationHours), f.DurationHours > 0},
		{TermLaddersTo, f.LaddersTo, len(f.LaddersTo) > 0},
		{TermLearningOutcomes, f.LearningOutcomes, len(f.LearningOutcomes) > 0},
		{TermLevel, f.Level, f.Level != ""},
		{TermPrerequisites, f.Prerequisites, len(f.Prerequisites) > 0},
		{TermQualityAssurance, f.QualityAssurance, f.QualityAssurance != ""},
		{TermStacksInto, stacksInto, len(stacksInto) > 0},
	}
	for _, e := range extra {
		if !e.set {
			continue
		}
		b, err := json.Marshal(e.value)
		if err != nil {
			return ob.Achievement{}, fmt.Errorf("achievement %s: %w", e.key, err)
		}
		a.Extra[e.key] = b
	}
	return a, nil
}

// StackEntry is one entry of an Achievement's TermStacksInto.
type StackEntry struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

// StacksInto returns the entries of o's TermStacksInto: the stacks it is
// a part of by rule (o.Stacks, with the URL of their registry page when
// it is absolute), then the names its form declares that are not among
// them, compared regardless of case; a declared name that is an http(s)
// URL is its own URL.
func StacksInto(o Offering) []StackEntry {
	var out []StackEntry
	seen := map[string]bool{}
	add := func(name, url string) {
		name = strings.TrimSpace(name)
		key := strings.ToLower(name)
		if name == "" || seen[key] {
			return
		}
		seen[key] = true
		if !isHTTPURL(url) {
			url = ""
		}
		out = append(out, StackEntry{Name: name, URL: url})
	}
	for _, s := range o.Stacks {
		add(s.Name, s.Page)
	}
	for _, n := range o.Form.StacksInto {
		add(n, strings.TrimSpace(n))
	}
	return out
}

// criteria is the Markdown narrative of how the achievement is earned.
func criteria(iss Issuer, f catalog.Form) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Awarded by %s to learners who complete %s", orDefault(iss.Name, "the issuer"), f.Title)
	if f.AssessmentMethod != "" {
		b.WriteString(" and meet its assessment")
	}
	b.WriteString(".")
	if len(f.LearningOutcomes) > 0 {
		b.WriteString("\n\nLearning outcomes:\n")
		for _, lo := range f.LearningOutcomes {
			b.WriteString("\n- " + lo)
		}
	}
	if f.AssessmentMethod != "" {
		b.WriteString("\n\nAssessment: " + f.AssessmentMethod)
	}
	return b.String()
}

// Build returns the unsigned OpenBadgeCredential of one award. It refuses
// (Conflict) an offering version that may not be awarded, and (Invalid)
// input that would make an invalid credential.
func Build(in Input) (ob.AchievementCredential, error) {
	if err := in.Offering.Awardable(); err != nil {
		return ob.AchievementCredential{}, err
	}
	a, err := Achievement(in.Issuer, in.AchievementID, in.Offering)
	if err != nil {
		return ob.AchievementCredential{}, err
	}
	return BuildWith(a, in)
}

// BuildWith is Build with the version's Achievement already made (by
// Achievement), so a batch builds it once. It does not check that the
// offering may be awarded.
func BuildWith(a ob.Achievement, in Input) (ob.AchievementCredential, error) {
	if err := in.check(); err != nil {
		return ob.AchievementCredential{}, err
	}
	salt := in.Salt
	if salt == "" {
		salt = ob.NewSalt()
	}
	issued := in.IssuedAt.UTC().Truncate(time.Second)
	subject := ob.AchievementSubject{
		ID:          in.LearnerDID,
		Type:        ob.NewTypes(ob.TypeAchievementSubject),
		Achievement: a,
		Identifier:  []ob.IdentityObject{ob.HashIdentity(in.Email, salt)},
		Result: []ob.Result{{
			Type:              ob.NewTypes(ob.TypeResult),
			ResultDescription: a.ID + "#result",
			Status:            "Completed",
			Value:             in.Result,
		}},
	}
	if credits := in.Offering.Credits(); credits > 0 {
		subject.CreditsEarned = number(credits)
	}
	description := fmt.Sprintf("%s certifies that the holder earned %s.", orDefault(in.Issuer.Name, "The issuer"), a.Name)
	if in.Offering.Interim() {
		description += " It was approved as non-credit in the interim while its credit is under review, so this award carries no academic credit."
	}
	c := ob.AchievementCredential{
		Context: ob.OneOrMany[ob.ContextEntry]{Items: []ob.ContextEntry{
			{URI: ob.ContextVC2}, {URI: ob.ContextOB}, {URI: ob.ContextOBExtensions},
		}},
		ID:                in.CredentialID,
		Type:              ob.NewTypes(ob.TypeVerifiableCredential, ob.TypeOpenBadgeCredential),
		Name:              a.Name,
		Description:       description,
		AwardedDate:       stamp(issued),
		CredentialSubject: subject,
		Issuer:            issuerRef(in.Issuer),
		ValidFrom:         stamp(issued),
		CredentialStatus: ob.Many(
			statusEntry(in.Revocation, status.PurposeRevocation),
			statusEntry(in.Suspension, status.PurposeSuspension),
		),
		CredentialSchema: ob.Many(ob.Resource{ID: ob.SchemaAchievementCredential, Type: ob.SingleType(ob.SchemaValidator)}),
	}
	until, err := in.Offering.ValidUntil(issued)
	if err != nil {
		return ob.AchievementCredential{}, err
	}
	if !until.IsZero() {
		c.ValidUntil = stamp(until)
	}
	if in.Replaces != "" {
		b, _ := json.Marshal(in.Replaces) // a string always encodes
		c.Extra = map[string]json.RawMessage{TermReplaces: b}
	}
	if in.EvidenceURL != "" {
		c.Evidence = ob.Many(ob.Evidence{ID: in.EvidenceURL, Type: ob.NewTypes(ob.TypeEvidence), Name: "Evidence of completion"})
	}
	return c, nil
}

// issuerRef is the issuer property of a credential from iss.
func issuerRef(iss Issuer) ob.ProfileRef {
	return ob.ProfileRef{Profile: &ob.Profile{
		ID: iss.ID, Type: ob.NewTypes(ob.TypeProfile), Name: iss.Name, URL: iss.URL, Email: iss.Email,
	}}
}

// check refuses input that would make an invalid credential.
func (in Input) check() error {
	switch {
	case !strings.HasPrefix(in.Issuer.ID, "did:"):
		return apperror.Field("issuer", "must be a DID, not %q", in.Issuer.ID)
	case !strings.HasPrefix(in.CredentialID, "urn:uuid:"):
		return apperror.Field("credential_id", "must be a urn:uuid")
	case in.IssuedAt.IsZero():
		return apperror.Field("issued_on", "is required")
	case in.LearnerDID != "" && !validDID(in.LearnerDID):
		return apperror.Field("did", "must be a DID such as did:key:z6Mk…")
	case in.EvidenceURL != "" && !isHTTPURL(in.EvidenceURL):
		return apperror.Field("evidence_url", "must be an http(s) URL")
	case in.Replaces != "" && !strings.HasPrefix(in.Replaces, "urn:uuid:"):
		return apperror.Field("replaces", "must be the urn:uuid of the credential corrected")
	}
	if err := CheckEmail(in.Email); err != nil {
		return err
	}
	for _, r := range []struct {
		name string
		ref  StatusRef
	}{{"revocation", in.Revocation}, {"suspension", in.Suspension}} {
		if !isHTTPURL(r.ref.ListURL) || r.ref.Index < 0 {
			return apperror.New(apperror.Invalid, "the %s status entry needs a list URL and an index", r.name)
		}
	}
	return nil
}

// statusEntry is a BitstringStatusListEntry as the typed model holds it.
func statusEntry(ref StatusRef, purpose string) ob.Resource {
	e := status.Entry(ref.ListURL, purpose, ref.Index)
	r := ob.Resource{ID: e["id"].(string), Type: ob.SingleType(status.EntryType), Extra: map[string]json.RawMessage{}}
	for _, k := range []string{"statusPurpose", "statusListIndex", "statusListCredential"} {
		b, _ := json.Marshal(e[k]) // strings always marshal
		r.Extra[k] = b
	}
	return r
}

// isoHours writes a number of hours as an ISO 8601 duration: PT36H,
// PT1H30M.
func isoHours(h float64) string {
	minutes := int64(h*60 + 0.5)
	d := "PT" + strconv.FormatInt(minutes/60, 10) + "H"
	if m := minutes % 60; m != 0 {
		d += strconv.FormatInt(m, 10) + "M"
	}
	return d
}

// number writes a float as the shortest JSON number that reads back as it.
func number(f float64) json.Number {
	return json.Number(strconv.FormatFloat(f, 'f', -1, 64))
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func isHTTPURL(s string) bool {
	if len(s) > maxURLLen {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

func validDID(s string) bool {
	rest, ok := strings.CutPrefix(s, "did:")
	if !ok || len(s) > maxURLLen {
		return false
	}
	method, id, ok := strings.Cut(rest, ":")
	if !ok || method == "" || id == "" {
		return false
	}
	for _, c := range method {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return !strings.ContainsAny(id, " \t\r\n\"<>")
}
