package award

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
	"cairn/internal/keys"
	"cairn/internal/ob"
)

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	doc, err := ob.DecodeMap(b)
	if err != nil {
		t.Fatalf("decode: %v\n%s", err, b)
	}
	return doc
}

func path(doc map[string]any, keys ...string) any {
	var v any = doc
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func TestIssueSignsAValidCredentialThatVerifies(t *testing.T) {
	for _, f := range []Format{FormatDI, FormatJWT, FormatBoth} {
		t.Run(string(f), func(t *testing.T) {
			p, v := testPipeline(t, f, keys.Ed25519, nil)
			signed, err := p.Issue(testInput(dataAnalytics()))
			if err != nil {
				t.Fatal(err)
			}
			if errs := ob.Validate(signed.JSON); len(errs) > 0 {
				t.Fatalf("got validation errors %v, want none\n%s", errs, signed.JSON)
			}
			if got, want := signed.JWT != "", f != FormatDI; got != want {
				t.Errorf("got a JWT %v, want %v", got, want)
			}
			if f != FormatJWT {
				rep := v.Verify(t.Context(), signed.JSON)
				if !rep.Verified || len(rep.Proofs) != 1 || !rep.Proofs[0].Valid {
					t.Fatalf("DI credential: got verified %v, errors %v; want verified", rep.Verified, rep.Errors)
				}
			} else if _, ok := decode(t, signed.JSON)["proof"]; ok {
				t.Errorf("got a DI proof in a JWT-only credential")
			}
			if f != FormatDI {
				rep := v.Verify(t.Context(), []byte(signed.JWT))
				if !rep.Verified {
					t.Fatalf("JWT credential: got errors %v, want verified", rep.Errors)
				}
			}
		})
	}
}

func TestCredentialCarriesTheFoodLabel(t *testing.T) {
	p, _ := testPipeline(t, FormatDI, keys.Ed25519, nil)
	o := dataAnalytics()
	signed, err := p.Issue(testInput(o))
	if err != nil {
		t.Fatal(err)
	}
	doc := decode(t, signed.JSON)
	a := path(doc, "credentialSubject", "achievement").(map[string]any)
	for key, want := range map[string]string{
		"id":                 "https://credentials.kpu.ca/achievements/12/v2",
		"achievementType":    "MicroCredential",
		"name":               "Data Analytics Foundations",
		"creditsAvailable":   "1.5",
		TermDuration:         "PT36H",
		TermAssessment:       "Capstone project graded C or better",
		TermCreditStatus:     "credit_bearing",
		TermLevel:            "Undergraduate, first year",
		TermQualityAssurance: "Senate approval",
		TermVersionHash:      o.Hash,
		"version":            "2",
		"inLanguage":         "en",
	} {
		got, _ := json.Marshal(a[key])
		if strings.Trim(string(got), `"`) != want {
			t.Errorf("achievement %s: got %s, want %s", key, got, want)
		}
	}
	for key, want := range map[string][]string{
		TermDelivery:         {"online", "asynchronous"},
		TermLearningOutcomes: {"Clean a raw dataset", "Query it with SQL"},
	} {
		got, _ := json.Marshal(a[key])
		if w, _ := json.Marshal(want); string(got) != string(w) {
			t.Errorf("achievement %s: got %s, want %s", key, got, w)
		}
	}
	if got, _ := json.Marshal(a[TermStacksInto]); string(got) != `[{"name":"Certificate in Applied Data Analysis"}]` {
		t.Errorf("achievement %s: got %s, want the form's stack by name", TermStacksInto, got)
	}
	align := a["alignment"].([]any)
	if len(align) != 2 {
		t.Fatalf("got %d alignments, want 2", len(align))
	}
	if got := align[1].(map[string]any)["targetUrl"]; got != "https://credentials.kpu.ca/achievements/12/v2#competency-2" {
		t.Errorf("unframed competency targetUrl: got %v", got)
	}
	if !strings.Contains(a["criteria"].(map[string]any)["narrative"].(string), "Assessment: Capstone") {
		t.Errorf("criteria narrative does not state the assessment: %v", a["criteria"])
	}
	subject := doc["credentialSubject"].(map[string]any)
	if got := subject["creditsEarned"]; got != json.Number("1.5") {
		t.Errorf("creditsEarned: got %v, want 1.5", got)
	}
	if _, ok := subject["id"]; ok {
		t.Errorf("got a subject id without a learner DID")
	}
	var ids []ob.IdentityObject
	raw, _ := json.Marshal(subject["identifier"])
	if err := json.Unmarshal(raw, &ids); err != nil || len(ids) != 1 || !ids[0].Matches("ada@example.edu") || !ids[0].Hashed {
		t.Errorf("identifier: got %s, want a salted hash of ada@example.edu", raw)
	}
	if strings.Contains(string(signed.JSON), "ada@") || strings.Contains(string(signed.JSON), "Ada@") {
		t.Errorf("the credential shows the email address")
	}
	if got := path(doc, "validUntil"); got != "2031-06-19T17:00:00Z" {
		t.Errorf("validUntil: got %v, want 5 years after issue", got)
	}
	result := subject["result"].([]any)[0].(map[string]any)
	if result["value"] != "A-" || result["status"] != "Completed" {
		t.Errorf("result: got %v", result)
	}
	if got := path(doc, "evidence").([]any)[0].(map[string]any)["id"]; got != "https://portfolio.example.edu/ada/capstone" {
		t.Errorf("evidence: got %v", got)
	}
	entries := doc["credentialStatus"].([]any)
	if len(entries) != 2 {
		t.Fatalf("got %d status entries, want 2", len(entries))
	}
	for i, want := range []struct{ purpose, index, list string }{
		{"revocation", "94567", "https://credentials.kpu.ca/status/1"},
		{"suspension", "23452", "https://credentials.kpu.ca/status/2"},
	} {
		e := entries[i].(map[string]any)
		if e["statusPurpose"] != want.purpose || e["statusListIndex"] != want.index || e["statusListCredential"] != want.list || e["type"] != "BitstringStatusListEntry" {
			t.Errorf("status entry %d: got %v, want %+v", i, e, want)
		}
	}
}

func TestCreditAndExpiryFollowTheOffering(t *testing.T) {
	tests := []struct {
		name         string
		change       func(*Offering)
		credits      any
		creditStatus string
		validUntil   any
		interimNote  bool
	}{
		{"credit-bearing awards credits", func(*Offering) {}, json.Number("1.5"), "credit_bearing", "2031-06-19T17:00:00Z", false},
		{"interim non-credit awards none and says so", func(o *Offering) { o.Status = catalog.ApprovedInterimNonCredit },
			nil, CreditInterimNonCredit, "2031-06-19T17:00:00Z", true},
		{"non-credit awards none", func(o *Offering) { o.Form.CreditStatus, o.Form.Credits = catalog.NonCredit, 0 },
			nil, "non_credit", "2031-06-19T17:00:00Z", false},
		{"no expiry has no validUntil", func(o *Offering) { o.Form.AwardExpiry = "none" }, json.Number("1.5"), "credit_bearing", nil, false},
		{"months expiry", func(o *Offering) { o.Form.AwardExpiry = "P18M" }, json.Number("1.5"), "credit_bearing", "2027-12-19T17:00:00Z", false},
	}
	p, v := testPipeline(t, FormatDI, keys.Ed25519, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := dataAnalytics()
			tt.change(&o)
			o.Hash = o.Form.Hash()
			signed, err := p.Issue(testInput(o))
			if err != nil {
				t.Fatal(err)
			}
			if rep := v.Verify(t.Context(), signed.JSON); !rep.Verified {
				t.Fatalf("got errors %v, want verified", rep.Errors)
			}
			doc := decode(t, signed.JSON)
			a := path(doc, "credentialSubject", "achievement").(map[string]any)
			if got := path(doc, "credentialSubject", "creditsEarned"); got != tt.credits {
				t.Errorf("creditsEarned: got %v, want %v", got, tt.credits)
			}
			if got := a["creditsAvailable"]; got != tt.credits {
				t.Errorf("creditsAvailable: got %v, want %v", got, tt.credits)
			}
			if got := a[TermCreditStatus]; got != tt.creditStatus {
				t.Errorf("creditStatus: got %v, want %v", got, tt.creditStatus)
			}
			if got := doc["validUntil"]; got != tt.validUntil {
				t.Errorf("validUntil: got %v, want %v", got, tt.validUntil)
			}
			if got := strings.Contains(doc["description"].(string), "no academic credit"); got != tt.interimNote {
				t.Errorf("description %q: says no credit %v, want %v", doc["description"], got, tt.interimNote)
			}
		})
	}
}

func TestOnlyAnApprovedVersionIsAwarded(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Offering)
		want   apperror.Code
	}{
		{"approved", func(o *Offering) { o.Status = catalog.Approved }, ""},
		{"active", func(o *Offering) { o.Status = catalog.Active }, ""},
		{"interim non-credit", func(o *Offering) { o.Status = catalog.ApprovedInterimNonCredit }, ""},
		{"draft refused", func(o *Offering) { o.Status, o.ApprovedVersion = catalog.Draft, 0 }, apperror.Conflict},
		{"in review refused", func(o *Offering) { o.Status = catalog.InReview }, apperror.Conflict},
		{"under review refused", func(o *Offering) { o.Status = catalog.UnderReview }, apperror.Conflict},
		{"discontinued refused", func(o *Offering) { o.Status = catalog.Discontinued }, apperror.Conflict},
		{"older version refused", func(o *Offering) { o.Version = 1 }, apperror.Conflict},
	}
	p, _ := testPipeline(t, FormatDI, keys.Ed25519, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := dataAnalytics()
			tt.change(&o)
			_, err := p.Issue(testInput(o))
			if got := apperror.CodeOf(err); got != tt.want {
				t.Fatalf("got %v (code %q), want code %q", err, got, tt.want)
			}
			if _, err := Build(testInput(o)); apperror.CodeOf(err) != tt.want && tt.want != "" {
				t.Errorf("Build: got %v, want code %q", err, tt.want)
			}
		})
	}
}

func TestBuildRefusesBadInput(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Input)
		field  string
	}{
		{"no email", func(in *Input) { in.Email = "" }, "email"},
		{"email with a display name", func(in *Input) { in.Email = "Ada <ada@example.edu>" }, "email"},
		{"evidence not http", func(in *Input) { in.EvidenceURL = "javascript:alert(1)" }, "evidence_url"},
		{"learner DID malformed", func(in *Input) { in.LearnerDID = "ada" }, "did"},
		{"no issue time", func(in *Input) { in.IssuedAt = time.Time{} }, "issued_on"},
		{"credential id not a urn:uuid", func(in *Input) { in.CredentialID = "42" }, "credential_id"},
		{"issuer not a DID", func(in *Input) { in.Issuer.ID = "https://kpu.ca" }, "issuer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := testInput(dataAnalytics())
			in.Issuer = Issuer{ID: "did:web:credentials.kpu.ca", Name: "KPU"}
			in.AchievementID = "https://credentials.kpu.ca/achievements/12/v2"
			tt.change(&in)
			_, err := Build(in)
			var ae *apperror.Error
			if !errors.As(err, &ae) || ae.Code != apperror.Invalid || ae.Field != tt.field {
				t.Fatalf("got %v, want invalid %s", err, tt.field)
			}
		})
	}
}

func TestLearnerDIDIsTheSubject(t *testing.T) {
	p, v := testPipeline(t, FormatDI, keys.Ed25519, nil)
	in := testInput(dataAnalytics())
	in.LearnerDID = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
	signed, err := p.Issue(in)
	if err != nil {
		t.Fatal(err)
	}
	if rep := v.Verify(t.Context(), signed.JSON); !rep.Verified || rep.Subject.ID != in.LearnerDID {
		t.Fatalf("got verified %v subject %q (errors %v), want verified subject %s", rep.Verified, rep.Subject.ID, rep.Errors, in.LearnerDID)
	}
}

func TestPipelineEncodesWhatBuildMakes(t *testing.T) {
	p, _ := testPipeline(t, FormatJWT, keys.Ed25519, nil)
	for _, tt := range []struct {
		name   string
		change func(*Input)
	}{
		{"every property", func(in *Input) {
			in.LearnerDID = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
			in.Replaces = "urn:uuid:0b6a7c4e-9f43-4a61-8d55-9a1f3c2e7b10"
		}},
		{"fewest properties", func(in *Input) {
			in.Result, in.EvidenceURL = "", ""
			in.Offering.Form.AwardExpiry, in.Offering.Form.CreditStatus = "none", catalog.NonCredit
			in.Offering.Hash = in.Offering.Form.Hash()
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := testInput(dataAnalytics())
			in.Salt = "FIXEDSALTFORTHETEST"
			tt.change(&in)
			signed, err := p.Issue(in)
			if err != nil {
				t.Fatal(err)
			}
			in.Issuer, in.AchievementID = p.Issuer, p.AchievementURL(in.Offering.ID, in.Offering.Version)
			c, err := Build(in)
			if err != nil {
				t.Fatal(err)
			}
			want, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := decode(t, signed.JSON), decode(t, want); !reflect.DeepEqual(got, want) {
				t.Errorf("the pipeline's JSON differs from Build's:\n got %s\nwant %s", signed.JSON, want)
			}
		})
	}
}

// TestCredentialListsTheStacksByRule: the stacks an offering is a part of
// by rule come first, with their registry pages made absolute under the
// pipeline's base URL; a form-declared name that is one of them (in any
// case) is not listed twice, and the others follow. The credential still
// verifies, and a change of stacks is not hidden by the achievement cache.
func TestCredentialListsTheStacksByRule(t *testing.T) {
	p, v := testPipeline(t, FormatDI, keys.Ed25519, nil)
	o := dataAnalytics()
	o.Form.StacksInto = []string{"certificate in applied data analysis", "Retrofit Program", "https://other.example.org/programs/x"}
	o.Hash = o.Form.Hash()
	o.Stacks = []Stack{
		{Name: "Certificate in Applied Data Analysis", Page: "/registry/kpu/certificate-in-applied-data-analysis"},
		{Name: "Unpublished Stack"},
	}
	signed, err := p.Issue(testInput(o))
	if err != nil {
		t.Fatal(err)
	}
	if rep := v.Verify(t.Context(), signed.JSON); !rep.Verified {
		t.Fatalf("got errors %v, want verified", rep.Errors)
	}
	a := path(decode(t, signed.JSON), "credentialSubject", "achievement").(map[string]any)
	got, _ := json.Marshal(a[TermStacksInto])
	want := `[{"name":"Certificate in Applied Data Analysis","url":"https://credentials.kpu.ca/registry/kpu/certificate-in-applied-data-analysis"},` +
		`{"name":"Unpublished Stack"},{"name":"Retrofit Program"},` +
		`{"name":"https://other.example.org/programs/x","url":"https://other.example.org/programs/x"}]`
	if string(got) != want {
		t.Errorf("stacksInto:\n got %s\nwant %s", got, want)
	}
	if o.Stacks[0].Page != "/registry/kpu/certificate-in-applied-data-analysis" {
		t.Errorf("Issue changed the caller's stacks: %v", o.Stacks)
	}
	o.Stacks = nil
	signed, err = p.Issue(testInput(o))
	if err != nil {
		t.Fatal(err)
	}
	a = path(decode(t, signed.JSON), "credentialSubject", "achievement").(map[string]any)
	if got, _ := json.Marshal(a[TermStacksInto]); strings.Contains(string(got), "Unpublished Stack") {
		t.Errorf("after the stack rules changed, the cached achievement still lists them: %s", got)
	}
}
