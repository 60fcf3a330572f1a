package award

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/ob"
)

// maxRecordCredentials bounds the credentials one learner record holds.
const maxRecordCredentials = 1000

// RecordInput is a learner's record: the credentials it collects and how
// their achievements relate.
type RecordInput struct {
	// CredentialID is the record's id (a urn:uuid).
	CredentialID string
	// Email identifies the learner, hashed with a fresh salt as the
	// awards do; LearnerDID, when set, is the subject's id.
	Email      string
	LearnerDID string
	// Credentials are the awards' credentials (JSON, with their proofs).
	Credentials []json.RawMessage
	// PartOf relates achievements: each key's achievement is part of the
	// value's (a micro-credential of the stack it completed), by
	// achievement id.
	PartOf   map[string]string
	IssuedAt time.Time
	// Partial says the record holds only some of the learner's
	// achievements with the issuer.
	Partial bool
}

// BuildRecord builds a CLR 2.0 ClrCredential of in, issued by iss.
func BuildRecord(iss Issuer, in RecordInput) (ob.ClrCredential, error) {
	switch {
	case in.CredentialID == "":
		return ob.ClrCredential{}, apperror.New(apperror.Invalid, "the learner record has no id")
	case len(in.Credentials) == 0:
		return ob.ClrCredential{}, apperror.New(apperror.NotFound, "the learner has no awards to put in a record")
	case len(in.Credentials) > maxRecordCredentials:
		return ob.ClrCredential{}, apperror.New(apperror.Invalid, "a learner record holds at most %d credentials", maxRecordCredentials)
	}
	if err := CheckEmail(in.Email); err != nil {
		return ob.ClrCredential{}, err
	}
	subject := ob.ClrSubject{
		ID:         in.LearnerDID,
		Type:       ob.NewTypes(ob.TypeClrSubject),
		Identifier: []ob.IdentityObject{ob.HashIdentity(in.Email, ob.NewSalt())},
	}
	seen := map[string]bool{}
	for i, raw := range in.Credentials {
		var c ob.AchievementCredential
		if err := json.Unmarshal(raw, &c); err != nil {
			return ob.ClrCredential{}, fmt.Errorf("learner record: credential %d: %w", i, err)
		}
		subject.VerifiableCredential = append(subject.VerifiableCredential, c)
		if a := c.CredentialSubject.Achievement; a.ID != "" && !seen[a.ID] {
			seen[a.ID] = true
			subject.Achievement = append(subject.Achievement, a)
		}
	}
	for part, whole := range in.PartOf {
		if seen[part] && seen[whole] {
			subject.Association = append(subject.Association, ob.Association{Type: ob.SingleType(ob.TypeAssociation),
				AssociationType: "isPartOf", SourceID: part, TargetID: whole})
		}
	}
	sortAssociations(subject.Association)
	issued := in.IssuedAt.UTC().Truncate(time.Second)
	return ob.ClrCredential{
		Context: ob.OneOrMany[ob.ContextEntry]{Items: []ob.ContextEntry{
			{URI: ob.ContextVC2}, {URI: ob.ContextCLR}, {URI: ob.ContextOB}, {URI: ob.ContextOBExtensions},
		}},
		ID:                in.CredentialID,
		Type:              ob.NewTypes(ob.TypeVerifiableCredential, ob.TypeClrCredential),
		Name:              orDefault(iss.Name, "The issuer") + " learner record",
		Description:       "The micro-credentials and badges " + orDefault(iss.Name, "the issuer") + " has awarded the learner, as its registrar records them.",
		AwardedDate:       stamp(issued),
		CredentialSubject: subject,
		Partial:           in.Partial,
		Issuer:            issuerRef(iss),
		ValidFrom:         stamp(issued),
	}, nil
}

func sortAssociations(as []ob.Association) {
	slices.SortFunc(as, func(a, b ob.Association) int {
		return cmp.Or(cmp.Compare(a.SourceID, b.SourceID), cmp.Compare(a.TargetID, b.TargetID))
	})
}

// SignRecord builds the learner record of in as the pipeline's issuer and
// secures it as a VC-JOSE compact JWS (whatever the institution's award
// format: the CLR 2.0 context is not among those cairn canonicalizes
// offline, so a Data Integrity proof cannot be made). It returns the
// record's JSON (the JWS payload) and the JWS.
func (p *Pipeline) SignRecord(in RecordInput) (doc []byte, jws string, err error) {
	c, err := BuildRecord(p.Issuer, in)
	if err != nil {
		return nil, "", err
	}
	doc, err = json.Marshal(c)
	if err != nil {
		return nil, "", fmt.Errorf("encode learner record: %w", err)
	}
	jws, err = p.JWT.Sign(doc, p.Signer, p.VerificationMethod)
	if err != nil {
		return nil, "", fmt.Errorf("sign learner record: %w", err)
	}
	return doc, jws, nil
}
