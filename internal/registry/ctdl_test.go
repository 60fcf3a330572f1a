package registry

import (
	"regexp"
	"testing"

	"cairn/internal/catalog"
)

// TestCTDLGolden pins the CTDL JSON-LD of a credential (a micro-credential
// offered for credit) and of a learning opportunity (a micro course,
// interim), whose properties differ.
func TestCTDLGolden(t *testing.T) {
	golden(t, "ctdl-micro-credential.jsonld", indent(t, CTDL(fullLabel(t, catalog.Active), base)))

	l := fullLabel(t, catalog.ApprovedInterimNonCredit)
	l.Kind = catalog.MicroCourse
	golden(t, "ctdl-micro-course-interim.jsonld", indent(t, CTDL(l, base)))
}

func TestCTDLCredit(t *testing.T) {
	tests := []struct {
		name        string
		status      catalog.Status
		kind        catalog.Kind
		wantCredit  bool
		wantNonCred any // ceterms:isNonCredit, nil when absent
	}{
		{"credential for credit", catalog.Active, catalog.MicroCredential, true, nil},
		{"credential interim", catalog.ApprovedInterimNonCredit, catalog.MicroCredential, false, nil},
		{"course for credit", catalog.Active, catalog.MicroCourse, true, false},
		{"course interim", catalog.ApprovedInterimNonCredit, catalog.MicroCourse, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := fullLabel(t, tt.status)
			l.Kind = tt.kind
			doc := CTDL(l, base)
			if _, ok := doc["ceterms:creditValue"]; ok != tt.wantCredit {
				t.Errorf("creditValue present: got %v, want %v", ok, tt.wantCredit)
			}
			if got := doc["ceterms:isNonCredit"]; got != tt.wantNonCred {
				t.Errorf("isNonCredit: got %v, want %v", got, tt.wantNonCred)
			}
		})
	}
}

func TestCTDLTypes(t *testing.T) {
	want := map[catalog.Kind]string{
		catalog.MicroCredential: "ceterms:MicroCredential",
		catalog.DigitalBadge:    "ceterms:DigitalBadge",
		catalog.MicroCourse:     "ceterms:Course",
		catalog.ShortCourse:     "ceterms:LearningOpportunityProfile",
	}
	for _, k := range catalog.Kinds() {
		l := fullLabel(t, catalog.Approved)
		l.Kind = k
		doc := CTDL(l, base)
		if doc["@type"] != want[k] {
			t.Errorf("%s: got @type %v, want %s", k, doc["@type"], want[k])
		}
		_, learning := doc["ceterms:deliveryType"]
		_, credential := doc["ceterms:learningDeliveryType"]
		if credential != isCredential(k) || learning == isCredential(k) {
			t.Errorf("%s: got deliveryType %v, learningDeliveryType %v; want the credential property only on credentials", k, learning, credential)
		}
	}
}

var ctidRE = regexp.MustCompile(`^ce-[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestCTID(t *testing.T) {
	// Python's uuid.uuid5(uuid.NAMESPACE_URL, "https://example.edu/"), an
	// independent implementation of RFC 9562 name-based UUIDs.
	if got, want := CTID("https://example.edu/"), "ce-208b7749-658d-5e08-9872-4d50bed0447f"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	a, b := CTID("https://x.example/registry/a/b"), CTID("https://x.example/registry/a/c")
	if !ctidRE.MatchString(a) || a == b {
		t.Errorf("got %s and %s, want two different version 5 CTIDs", a, b)
	}
}

func TestISOHours(t *testing.T) {
	for h, want := range map[float64]string{40: "PT40H", 7.5: "PT7H30M", 0.25: "PT15M", 0: "PT0M", 1.999: "PT2H"} {
		if got := isoHours(h); got != want {
			t.Errorf("isoHours(%v): got %s, want %s", h, got, want)
		}
	}
}
