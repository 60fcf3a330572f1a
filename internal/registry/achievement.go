package registry

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"cairn/internal/catalog"
	"cairn/internal/ob"
)

// AchievementType returns the OB 3.0 achievementType of an offering kind:
// MicroCredential, Badge, or Course for micro and short courses.
func AchievementType(k catalog.Kind) string {
	switch k {
	case catalog.MicroCredential:
		return ob.AchievementMicroCredential
	case catalog.DigitalBadge:
		return ob.AchievementBadge
	}
	return ob.AchievementCourse
}

// Achievement returns l as an Open Badges 3.0 Achievement, for credentials
// awarded for the offering to embed. Its id is the stable URL
// l.URLs(base).Achievement, where AchievementJSON is served; version is the
// approved version's number; criteria point at the offering page and
// narrate the outcomes, competencies and assessment; competencies aligned
// to a framework URL become alignments; creditsAvailable is set only while
// credit is offered (not while interim). The creator is the institution:
// its issuer DID when it has one, else its registry page.
//
// It uses only terms of the OB 3.0 context, so a credential embedding it
// can be signed with Data Integrity, which refuses undefined terms.
func Achievement(l Label, base string) ob.Achievement {
	u := l.URLs(base)
	description := l.Description
	if description == "" {
		description = l.Title
	}
	creator := &ob.Profile{ID: l.Institution.IssuerDID, Type: ob.NewTypes(ob.TypeProfile), Name: l.Institution.Name, URL: u.Institution}
	if creator.ID == "" {
		creator.ID = u.Institution
	}
	a := ob.Achievement{
		ID:              u.Achievement,
		Type:            ob.NewTypes(ob.TypeAchievement),
		AchievementType: AchievementType(l.Kind),
		Name:            l.Title,
		Description:     description,
		Criteria:        ob.Criteria{ID: u.Page, Narrative: criteria(l)},
		Creator:         ob.ProfileRef{Profile: creator},
		InLanguage:      l.Language,
		Version:         strconv.Itoa(l.Version),
	}
	for _, c := range l.Competencies {
		if c.URL == "" {
			continue
		}
		a.Alignment = append(a.Alignment, ob.Alignment{
			Type:            ob.NewTypes(ob.TypeAlignment),
			TargetName:      c.Name,
			TargetURL:       c.URL,
			TargetCode:      c.Code,
			TargetFramework: c.Framework,
			TargetType:      "ceasn:Competency",
		})
	}
	if l.OfferedAs.Credit() && l.Credits > 0 {
		a.CreditsAvailable = json.Number(formatNumber(l.Credits))
	}
	for _, c := range l.Competencies {
		a.Tag = append(a.Tag, c.Name)
	}
	return a
}

// criteria narrates, in Markdown, how the achievement is earned.
func criteria(l Label) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Awarded on successful completion of %s (%s), %s.", l.Title, strings.ToLower(l.Kind.Label()), l.Institution.Name)
	list := func(heading string, items []string) {
		if len(items) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n\n%s\n", heading)
		for _, it := range items {
			fmt.Fprintf(&b, "\n- %s", strings.Join(strings.Fields(it), " "))
		}
	}
	list("Learners achieve these learning outcomes:", l.LearningOutcomes)
	var comps []string
	for _, c := range l.Competencies {
		comps = append(comps, c.String())
	}
	list("Learners demonstrate these competencies:", comps)
	if a := strings.TrimSpace(l.AssessmentMethod); a != "" {
		fmt.Fprintf(&b, "\n\nAssessment: %s", a)
	}
	return b.String()
}

// AchievementJSON returns the document served at l.URLs(base).Achievement:
// the Achievement with the VC 2.0 and OB 3.0 contexts, so it stands alone
// as JSON-LD.
func AchievementJSON(l Label, base string) ([]byte, error) {
	a := Achievement(l, base)
	ctx, err := json.Marshal([]string{ob.ContextVC2, ob.ContextOB})
	if err != nil {
		return nil, err
	}
	a.Extra = map[string]json.RawMessage{"@context": ctx}
	b, err := json.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("encode achievement: %w", err)
	}
	return b, nil
}
