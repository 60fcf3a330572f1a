package registry

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
)

func TestPublished(t *testing.T) {
	want := map[catalog.Status]bool{
		catalog.Draft: false, catalog.InReview: false, catalog.Approved: true,
		catalog.ApprovedInterimNonCredit: true, catalog.Active: true, catalog.UnderReview: true,
		catalog.Discontinued: false,
	}
	for _, s := range catalog.Statuses() {
		if got := Published(s); got != want[s] {
			t.Errorf("Published(%s): got %v, want %v", s, got, want[s])
		}
	}
}

func TestNewLabelRefuses(t *testing.T) {
	v := newVersion(t, 1, fullForm())
	tests := []struct {
		name string
		src  Source
	}{
		{"draft", Source{Status: catalog.Draft, Version: v}},
		{"in review", Source{Status: catalog.InReview, Version: v}},
		{"discontinued", Source{Status: catalog.Discontinued, Version: v}},
		{"no approved version", Source{Status: catalog.Approved}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewLabel(tt.src)
			if got := apperror.CodeOf(err); got != apperror.Conflict {
				t.Errorf("got error %v (code %q), want conflict", err, got)
			}
		})
	}
}

func TestLabelCredit(t *testing.T) {
	tests := []struct {
		name          string
		status        catalog.Status
		credit        catalog.CreditStatus
		credits       float64
		wantOfferedAs catalog.CreditStatus
		wantText      string
		wantInterim   bool
	}{
		{"credit bearing", catalog.Active, catalog.CreditBearing, 1.5, catalog.CreditBearing, "Credit-bearing: 1.5 credits", false},
		{"one credit", catalog.Approved, catalog.CreditBearing, 1, catalog.CreditBearing, "Credit-bearing: 1 credit", false},
		{"credits not stated", catalog.Approved, catalog.CreditBearing, 0, catalog.CreditBearing, "Credit-bearing", false},
		{"embedded", catalog.Approved, catalog.Embedded, 0, catalog.Embedded, "Embedded within credit-bearing courses or programs", false},
		{"non credit", catalog.Approved, catalog.NonCredit, 0, catalog.NonCredit, "Non credit-bearing", false},
		{"not stated", catalog.Approved, "", 0, "", "Credit status not stated", false},
		{"interim", catalog.ApprovedInterimNonCredit, catalog.CreditBearing, 3, catalog.NonCredit,
			"Non credit-bearing for now: approved as non-credit while Senate reviews its credit (proposed: credit-bearing, 3 credits)", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fullForm()
			f.CreditStatus, f.Credits = tt.credit, tt.credits
			l, err := NewLabel(Source{Slug: "x", Status: tt.status, Version: newVersion(t, 1, f)})
			if err != nil {
				t.Fatal(err)
			}
			if l.OfferedAs != tt.wantOfferedAs || l.CreditText != tt.wantText || l.Interim != tt.wantInterim {
				t.Errorf("got offered as %q, %q, interim %v; want %q, %q, %v",
					l.OfferedAs, l.CreditText, l.Interim, tt.wantOfferedAs, tt.wantText, tt.wantInterim)
			}
			if l.CreditStatus != tt.credit {
				t.Errorf("got credit status %q, want the version's %q", l.CreditStatus, tt.credit)
			}
		})
	}
}

func TestLabelStatusText(t *testing.T) {
	l := fullLabel(t, catalog.ApprovedInterimNonCredit)
	if want := "Approved as non-credit while Senate reviews credit"; l.StatusText != want {
		t.Errorf("got status text %q, want %q", l.StatusText, want)
	}
	for _, s := range catalog.Statuses() {
		if Published(s) && (StatusText(s) == "" || StatusText(s) == StatusText(catalog.Draft)) {
			t.Errorf("published status %s has no status text of its own: %q", s, StatusText(s))
		}
	}
}

func TestLabelFromVersion(t *testing.T) {
	l := fullLabel(t, catalog.Active)
	f := fullForm()
	v := newVersion(t, 2, f)
	if l.Title != f.Title || l.Version != 2 || l.VersionHash != v.Hash() {
		t.Errorf("got %q version %d hash %s, want %q version 2 hash %s", l.Title, l.Version, l.VersionHash, f.Title, v.Hash())
	}
	if got, want := l.Partners, []Partner{{Name: "Coast Mechanical Ltd.", Type: "employer"}}; !slices.Equal(got, want) {
		t.Errorf("got partners %v, want %v", got, want)
	}
	if len(l.Stacks) != 2 || l.Stacks[1].URL != "https://other.example.org/programs/retrofit" || l.Stacks[0].URL != "" {
		t.Errorf("got stacks %+v, want the second to keep its URL and the first none", l.Stacks)
	}
	if want := time.Date(2027, 2, 10, 0, 0, 0, 0, time.UTC); !l.NextReview.Equal(want) {
		t.Errorf("got next review %v, want %v", l.NextReview, want)
	}
}

func TestLabelNextReview(t *testing.T) {
	v := newVersion(t, 1, fullForm())
	tests := []struct {
		name     string
		reviewed time.Time
		months   int
		want     time.Time
	}{
		{"no periodic review", time.Time{}, 0, time.Time{}},
		{"from approval", time.Time{}, 12, time.Date(2027, 2, 10, 0, 0, 0, 0, time.UTC)},
		{"from last review", time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), 12, time.Date(2027, 11, 30, 0, 0, 0, 0, time.UTC)},
		{"review before approval ignored", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), 6, time.Date(2026, 8, 10, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := NewLabel(Source{Status: catalog.Approved, Version: v, ApprovedAt: approvedAt, LastReviewedAt: tt.reviewed, ReviewEveryMonths: tt.months})
			if err != nil {
				t.Fatal(err)
			}
			if !l.NextReview.Equal(tt.want) {
				t.Errorf("got %v, want %v", l.NextReview, tt.want)
			}
		})
	}
}

func TestLabelTexts(t *testing.T) {
	l := fullLabel(t, catalog.Active)
	checks := []struct{ name, got, want string }{
		{"duration", l.DurationText(), "40 hours"},
		{"delivery", l.DeliveryText(), "Blended (in person and online), synchronous and asynchronous"},
		{"expiry", l.ExpiryText(), "Valid for 3 years after it is awarded"},
		{"kind", l.KindText(), "Micro-credential"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
	empty := Label{AwardExpiry: "none"}
	if got := empty.ExpiryText(); got != "Does not expire" {
		t.Errorf("expiry none: got %q, want %q", got, "Does not expire")
	}
	if got := empty.DurationText() + empty.DeliveryText(); got != "" {
		t.Errorf("unstated duration and delivery: got %q, want empty", got)
	}
	online := Label{DeliveryMode: catalog.Online, DeliveryTiming: catalog.Asynchronous}
	if got, want := online.DeliveryText(), "Online, asynchronous (self-paced)"; got != want {
		t.Errorf("delivery: got %q, want %q", got, want)
	}
}

func TestLabelJSONRoundTrip(t *testing.T) {
	l := fullLabel(t, catalog.ApprovedInterimNonCredit)
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	var back Label
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	b2, err := json.Marshal(back)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != string(b2) {
		t.Errorf("round trip changed the label:\n%s\n%s", b, b2)
	}
}

func TestLabelDocument(t *testing.T) {
	l := fullLabel(t, catalog.Active)
	d := l.Document()
	if d.Title != "heat pump installation fundamentals" {
		t.Errorf("got title %q", d.Title)
	}
	for _, w := range []string{"esco", "s6", "refrigerants"} {
		if !slices.Contains(strings.Fields(d.Competencies), w) {
			t.Errorf("competencies %q lack %q", d.Competencies, w)
		}
	}
	for _, w := range []string{"kwantlen", "coast", "electricians", "commission", "checklist"} {
		if !slices.Contains(strings.Fields(d.Body), w) {
			t.Errorf("body lacks %q", w)
		}
	}
	keys := l.CompetencyKeys()
	want := []string{"install air source heat pumps", "s6 4 1", "https esco example org skill heat pumps", "work safely with refrigerants"}
	if !slices.Equal(keys, want) {
		t.Errorf("got competency keys %q, want %q", keys, want)
	}
}

func TestSummary(t *testing.T) {
	l := fullLabel(t, catalog.ApprovedInterimNonCredit)
	s := l.Summary()
	if s.CreditStatus != catalog.NonCredit || !s.Interim || s.StatusText != l.StatusText {
		t.Errorf("got %+v, want non-credit interim with the label's status text", s)
	}
	if got, want := s.Path(), "/registry/kpu/heat-pump-installation-fundamentals"; got != want {
		t.Errorf("got path %q, want %q", got, want)
	}
}

func TestExcerpt(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		want     string
	}{
		{"short", "  Two\nlines ", 20, "Two lines"},
		{"cut at a word", "one two three four five", 12, "one two…"},
		{"no space to cut at", "abcdefghijklmnop", 5, "abcde…"},
		{"runes", "éééé éééé", 6, "éééé…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Excerpt(tt.in, tt.max); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestURLs(t *testing.T) {
	u := OfferingURLs("https://c.example.edu/", "kpu", "welding-1")
	want := URLs{
		Page:        "https://c.example.edu/registry/kpu/welding-1",
		CTDL:        "https://c.example.edu/registry/kpu/welding-1/ctdl.jsonld",
		Achievement: "https://c.example.edu/registry/kpu/welding-1/achievement.json",
		Institution: "https://c.example.edu/registry/kpu",
	}
	if u != want {
		t.Errorf("got %+v, want %+v", u, want)
	}
	r := StackRef{Name: "x", Institution: "yukonu", Offering: "y"}
	if got, want := r.Href(""), "/registry/yukonu/y"; got != want {
		t.Errorf("got href %q, want %q", got, want)
	}
}

// TestLabelListsTheStacksByRule: the stacks an offering is a part of by
// rule come first; a declared name that is one of them, in any case, is
// not listed again.
func TestLabelListsTheStacksByRule(t *testing.T) {
	f := fullForm()
	f.StacksInto = []string{"building decarbonization certificate", "Retrofit Program"}
	l, err := NewLabel(Source{OfferingID: 7, Slug: "heat-pumps", Institution: Institution{Slug: "kpu", Name: "KPU"},
		Status: catalog.Active, Version: newVersion(t, 2, f), ApprovedAt: approvedAt,
		Stacks: []StackRef{{Name: "Building Decarbonization Certificate", Institution: "kpu", Offering: "building-decarbonization"},
			{Name: "Unpublished Stack"}}})
	if err != nil {
		t.Fatal(err)
	}
	want := []StackRef{{Name: "Building Decarbonization Certificate", Institution: "kpu", Offering: "building-decarbonization"},
		{Name: "Unpublished Stack"}, {Name: "Retrofit Program"}}
	if !slices.Equal(l.Stacks, want) {
		t.Errorf("got stacks %+v, want %+v", l.Stacks, want)
	}
	if got := l.Stacks[0].Href(base); got != "https://credentials.example.edu/registry/kpu/building-decarbonization" {
		t.Errorf("the stack by rule links to %q, want its registry page", got)
	}
}
