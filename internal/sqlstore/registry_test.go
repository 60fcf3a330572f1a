package sqlstore

import (
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
	"cairn/internal/org"
	"cairn/internal/registry"
	"cairn/internal/sqlstore/sqltest"
)

// regWorld is a registry fixture: two institutions and offerings in every
// state that matters to the registry.
type regWorld struct {
	kpu, yukon org.Institution
	unit       org.OrgUnit
	// Published offerings, by a short name.
	heatPump, welding, sovereignty, diagnostics int64
	// Offerings the registry must not show.
	draft, inReview, discontinued int64
}

func regForm(kind catalog.Kind, title string, mod func(*catalog.Form)) catalog.Form {
	f := catalog.Form{Kind: kind, Title: title, Description: "About " + title + ".", Language: "en"}
	if mod != nil {
		mod(&f)
	}
	return f
}

// regOffering creates an offering in draft with the form.
func regOffering(t *testing.T, s *Store, institutionID, unitID int64, f catalog.Form) int64 {
	t.Helper()
	o := Offering{InstitutionID: institutionID, UnitID: unitID, Draft: f}
	if err := s.CreateOffering(t.Context(), &o); err != nil {
		t.Fatalf("create offering %q: %v", f.Title, err)
	}
	return o.ID
}

// regSubmit freezes the offering's draft as its next version and puts it
// in review, returning the version's number.
func regSubmit(t *testing.T, s *Store, id int64) int {
	t.Helper()
	var n int
	err := s.WithTx(t.Context(), func(tx *Tx) error {
		o, err := tx.offering(id, true)
		if err != nil {
			return err
		}
		v, err := tx.freezeDraft(o)
		if err != nil {
			return err
		}
		n = v.Number()
		return tx.setOfferingStatus(id, catalog.InReview, 0)
	})
	if err != nil {
		t.Fatalf("submit offering %d: %v", id, err)
	}
	return n
}

// regMove moves the offering to status, approving version when it is not 0,
// as the approval engine's store methods do.
func regMove(t *testing.T, s *Store, id int64, to catalog.Status, version int) {
	t.Helper()
	if err := s.WithTx(t.Context(), func(tx *Tx) error { return tx.setOfferingStatus(id, to, version) }); err != nil {
		t.Fatalf("move offering %d to %s: %v", id, to, err)
	}
}

// regPublish submits the offering and approves the version, or approves
// it as interim non-credit.
func regPublish(t *testing.T, s *Store, id int64, to catalog.Status) {
	t.Helper()
	regMove(t, s, id, to, regSubmit(t, s, id))
}

func newRegWorld(t *testing.T, s *Store) regWorld {
	t.Helper()
	ctx := t.Context()
	w := regWorld{
		kpu: org.Institution{Slug: "kpu", Name: "Kwantlen Polytechnic University", Jurisdiction: "CA-BC",
			TimeZone: "America/Vancouver", PolicyProfile: "kpu-ac15", IssuerDID: "did:web:credentials.example.edu:kpu"},
		yukon: org.Institution{Slug: "yukonu", Name: "Yukon University", Jurisdiction: "CA-YT", TimeZone: "America/Whitehorse", PolicyProfile: "yukon"},
	}
	for _, i := range []*org.Institution{&w.kpu, &w.yukon} {
		if err := s.CreateInstitution(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	w.unit = org.OrgUnit{InstitutionID: w.kpu.ID, Kind: org.Faculty, Name: "Faculty of Trades and Technology"}
	if err := s.CreateOrgUnit(ctx, &w.unit); err != nil {
		t.Fatal(err)
	}
	p := org.Partner{InstitutionID: w.kpu.ID, Kind: org.Employer, Name: "Coast Mechanical Ltd.", Website: "https://coast.example.com"}
	if err := s.CreatePartner(ctx, &p); err != nil {
		t.Fatal(err)
	}

	w.heatPump = regOffering(t, s, w.kpu.ID, w.unit.ID, regForm(catalog.MicroCredential, "Heat Pump Installation Fundamentals", func(f *catalog.Form) {
		f.Description = "Install, commission and maintain air-source heat pumps in homes."
		f.Competencies = []catalog.Competency{
			{Name: "Install air-source heat pumps", Framework: "ESCO", Code: "S6.4.1", URL: "https://esco.example.org/skill/heat-pumps"},
			{Name: "Work safely with refrigerants"},
		}
		f.CreditStatus, f.Credits = catalog.CreditBearing, 1.5
		f.DeliveryMode, f.DeliveryTiming = catalog.Blended, catalog.Synchronous
		f.DurationHours = 40
		f.Partners = []catalog.Partner{{Name: "coast mechanical ltd.", Type: "employer"}}
		f.StacksInto = []string{"Building Decarbonization Certificate"}
		f.LaddersTo = []string{"heat-pump-advanced-diagnostics"}
	}))
	w.welding = regOffering(t, s, w.kpu.ID, 0, regForm(catalog.DigitalBadge, "Welding Safety Basics", func(f *catalog.Form) {
		f.Description = "Safe practice in the welding shop, for apprentices."
		f.CreditStatus = catalog.NonCredit
		f.DeliveryMode = catalog.InPerson
		f.DurationHours = 6
		f.Competencies = []catalog.Competency{{Name: "Work safely with refrigerants"}}
	}))
	w.sovereignty = regOffering(t, s, w.yukon.ID, 0, regForm(catalog.MicroCourse, "Indigenous Data Sovereignty", func(f *catalog.Form) {
		f.Description = "Principles of OCAP and First Nations data governance, with Métis and Inuit perspectives."
		f.CreditStatus, f.Credits = catalog.CreditBearing, 1
		f.DeliveryMode = catalog.Online
		f.DurationHours = 20
	}))
	w.diagnostics = regOffering(t, s, w.kpu.ID, w.unit.ID, regForm(catalog.MicroCredential, "Heat Pump Advanced Diagnostics", func(f *catalog.Form) {
		f.Description = "Diagnose faults in heat pump systems."
		f.CreditStatus = catalog.Embedded
		f.DeliveryMode = catalog.Online
		f.DurationHours = 60
	}))
	w.draft = regOffering(t, s, w.kpu.ID, 0, regForm(catalog.MicroCredential, "Heat Pump Draft Only", nil))
	w.inReview = regOffering(t, s, w.kpu.ID, 0, regForm(catalog.MicroCredential, "Heat Pump Under Review Proposal", nil))
	w.discontinued = regOffering(t, s, w.kpu.ID, 0, regForm(catalog.DigitalBadge, "Heat Pump Retired Badge", nil))

	regPublish(t, s, w.heatPump, catalog.Approved)
	if err := s.RecordRun(ctx, &OfferingRun{OfferingID: w.heatPump, StartsOn: t0}); err != nil {
		t.Fatal(err) // approved -> active
	}
	regPublish(t, s, w.welding, catalog.Approved)
	regPublish(t, s, w.sovereignty, catalog.ApprovedInterimNonCredit)
	regPublish(t, s, w.diagnostics, catalog.Approved)
	regSubmit(t, s, w.inReview)
	regPublish(t, s, w.discontinued, catalog.Approved)
	if _, err := s.RefreshRegistry(ctx); err != nil { // published for a while
		t.Fatal(err)
	}
	regMove(t, s, w.discontinued, catalog.UnderReview, 0)
	regMove(t, s, w.discontinued, catalog.Discontinued, 0)
	return w
}

// search runs q and returns the result's titles in order.
func search(t *testing.T, s *Store, q registry.Query) (registry.Result, []string) {
	t.Helper()
	res, err := s.SearchRegistry(t.Context(), q)
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	var titles []string
	for _, it := range res.Items {
		titles = append(titles, it.Title)
	}
	return res, titles
}

func TestRegistrySearch(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		newRegWorld(t, s)
		const (
			heat  = "Heat Pump Installation Fundamentals"
			diag  = "Heat Pump Advanced Diagnostics"
			weld  = "Welding Safety Basics"
			sover = "Indigenous Data Sovereignty"
		)
		tests := []struct {
			name string
			q    registry.Query
			want []string
		}{
			{"everything by title", registry.Query{}, []string{diag, heat, sover, weld}},
			{"words in any order", registry.Query{Text: "pump heat"}, []string{diag, heat}},
			{"prefix", registry.Query{Text: "weld"}, []string{weld}},
			{"every word must match", registry.Query{Text: "heat welding"}, nil},
			{"folded diacritics", registry.Query{Text: "METIS"}, []string{sover}},
			{"description", registry.Query{Text: "commission"}, []string{heat}},
			{"competency", registry.Query{Text: "refrigerants"}, []string{weld, heat}},
			{"partner", registry.Query{Text: "coast mechanical"}, []string{heat}},
			{"institution name", registry.Query{Text: "yukon"}, []string{sover}},
			{"unit name", registry.Query{Text: "faculty trades"}, []string{diag, heat}},
			{"nothing matches", registry.Query{Text: "astrophysics"}, nil},
			{"institution", registry.Query{Institution: "yukonu"}, []string{sover}},
			{"unknown institution", registry.Query{Institution: "nowhere"}, nil},
			{"kind", registry.Query{Kind: "micro_credential"}, []string{diag, heat}},
			{"credit bearing excludes interim", registry.Query{CreditStatus: "credit_bearing"}, []string{heat}},
			{"non-credit includes interim", registry.Query{CreditStatus: "non_credit"}, []string{sover, weld}},
			{"interim only", registry.Query{CreditStatus: "interim"}, []string{sover}},
			{"embedded", registry.Query{CreditStatus: "embedded"}, []string{diag}},
			{"delivery", registry.Query{Delivery: "online"}, []string{diag, sover}},
			{"competency by name", registry.Query{Competency: "work safely with REFRIGERANTS"}, []string{heat, weld}},
			{"competency by code", registry.Query{Competency: "s6.4.1"}, []string{heat}},
			{"competency by URL", registry.Query{Competency: "https://esco.example.org/skill/heat-pumps"}, []string{heat}},
			{"competency is matched whole", registry.Query{Competency: "refrigerants"}, nil},
			{"minimum hours", registry.Query{MinHours: 20}, []string{diag, heat, sover}},
			{"maximum hours", registry.Query{MaxHours: 20}, []string{sover, weld}},
			{"hours between", registry.Query{MinHours: 10, MaxHours: 40}, []string{heat, sover}},
			{"text and filters", registry.Query{Text: "heat", Delivery: "blended", Institution: "kpu"}, []string{heat}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res, got := search(t, s, tt.q)
				if tt.q.Text != "" && len(got) > 1 {
					// Relevance orders text matches; compare as sets where
					// the order is not the point of the case.
					slices.Sort(got)
					tt.want = slices.Sorted(slices.Values(tt.want))
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("got %q, want %q", got, tt.want)
				}
				if res.Total != len(tt.want) {
					t.Errorf("got total %d, want %d", res.Total, len(tt.want))
				}
			})
		}
	})
}

func TestRegistrySearchRanking(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newRegWorld(t, s)
		// "diagnose" is in one title's description only; "diagnostics" in
		// its title. A title match ranks above a description match.
		other := regOffering(t, s, w.kpu.ID, 0, regForm(catalog.ShortCourse, "Refrigeration Cycle Basics", func(f *catalog.Form) {
			f.Description = "Diagnostics of refrigeration systems, before any heat pump course."
		}))
		regPublish(t, s, other, catalog.Approved)
		_, got := search(t, s, registry.Query{Text: "diagnostics"})
		if want := []string{"Heat Pump Advanced Diagnostics", "Refrigeration Cycle Basics"}; !slices.Equal(got, want) {
			t.Errorf("got %q, want the title match first: %q", got, want)
		}
	})
}

func TestRegistryPagination(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		newRegWorld(t, s)
		var all []string
		for page := 1; page <= 3; page++ {
			res, got := search(t, s, registry.Query{PerPage: 3, Page: page})
			if res.Total != 4 || res.Pages != 2 || res.Page != page || res.PerPage != 3 {
				t.Errorf("page %d: got total %d pages %d page %d per page %d, want 4, 2, %d, 3",
					page, res.Total, res.Pages, res.Page, res.PerPage, page)
			}
			all = append(all, got...)
		}
		_, want := search(t, s, registry.Query{})
		if !slices.Equal(all, want) {
			t.Errorf("pages gave %q, want %q in order", all, want)
		}
		res, got := search(t, s, registry.Query{Text: "heat", PerPage: 1, Page: 2})
		if res.Total != 2 || len(got) != 1 {
			t.Errorf("text page 2: got total %d and %d items, want 2 and 1", res.Total, len(got))
		}
	})
}

func TestRegistrySearchRefusesBadQuery(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		_, err := s.SearchRegistry(t.Context(), registry.Query{PerPage: registry.MaxPerPage + 1})
		wantField(t, err, apperror.Invalid, registry.ParamPerPage)
	})
}

func TestRegistryHidesUnpublished(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newRegWorld(t, s)
		_, got := search(t, s, registry.Query{Text: "heat pump"})
		for _, title := range got {
			switch title {
			case "Heat Pump Draft Only", "Heat Pump Under Review Proposal", "Heat Pump Retired Badge":
				t.Errorf("search shows unpublished %q", title)
			}
		}
		for _, id := range []int64{w.draft, w.inReview} {
			if _, _, err := s.RegistrySlug(t.Context(), id); apperror.CodeOf(err) != apperror.NotFound {
				t.Errorf("offering %d never published: got slug error %v, want not found", id, err)
			}
		}
		// The discontinued offering was published, so it keeps its slug,
		// but its page is gone.
		inst, slug, err := s.RegistrySlug(t.Context(), w.discontinued)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.RegistryLabel(t.Context(), inst, slug)
		wantCode(t, err, apperror.NotFound)
		for _, bad := range [][2]string{{"kpu", "no-such-offering"}, {"nowhere", "heat-pump-installation-fundamentals"}, {"kpu", "Not A Slug"}} {
			_, err := s.RegistryLabel(t.Context(), bad[0], bad[1])
			wantCode(t, err, apperror.NotFound)
		}
	})
}

func TestRegistryLabel(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newRegWorld(t, s)
		l, err := s.RegistryLabel(t.Context(), "kpu", "heat-pump-installation-fundamentals")
		if err != nil {
			t.Fatal(err)
		}
		if l.OfferingID != w.heatPump || l.Status != catalog.Active || l.Version != 1 || l.Title != "Heat Pump Installation Fundamentals" {
			t.Errorf("got offering %d %s version %d %q", l.OfferingID, l.Status, l.Version, l.Title)
		}
		if l.Institution != (registry.Institution{Slug: "kpu", Name: w.kpu.Name, IssuerDID: w.kpu.IssuerDID}) || l.Unit != w.unit.Name {
			t.Errorf("got institution %+v unit %q", l.Institution, l.Unit)
		}
		if len(l.Partners) != 1 || l.Partners[0].Website != "https://coast.example.com" {
			t.Errorf("got partners %+v, want the partner record's website", l.Partners)
		}
		if l.Stacks[0].Offering != "" {
			t.Errorf("got stack %+v resolved, want it unresolved: no such offering is published", l.Stacks[0])
		}
		if l.Ladders[0].Institution != "kpu" || l.Ladders[0].Offering != "heat-pump-advanced-diagnostics" {
			t.Errorf("got ladder %+v, want it resolved to the published offering by slug", l.Ladders[0])
		}
		// KPU's profile reviews micro-credentials every 12 months.
		approved := l.ApprovedAt
		if want := org.Day(approved.AddDate(1, 0, 0)); !l.NextReview.Equal(want) {
			t.Errorf("got next review %v, want %v", l.NextReview, want)
		}
		badge, err := s.RegistryLabel(t.Context(), "kpu", "welding-safety-basics")
		if err != nil {
			t.Fatal(err)
		}
		if !badge.NextReview.IsZero() {
			t.Errorf("digital badge: got next review %v, want none (KPU reviews micro-credentials only)", badge.NextReview)
		}
	})
}

func TestRegistryInterim(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newRegWorld(t, s)
		res, _ := search(t, s, registry.Query{Institution: "yukonu"})
		if len(res.Items) != 1 {
			t.Fatalf("got %d items, want 1", len(res.Items))
		}
		it := res.Items[0]
		if !it.Interim || it.CreditStatus != catalog.NonCredit || it.StatusText != "Approved as non-credit while Senate reviews credit" {
			t.Errorf("got %+v, want an interim non-credit summary saying so", it)
		}
		l, err := s.RegistryLabel(t.Context(), "yukonu", it.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if !l.Interim || l.OfferedAs != catalog.NonCredit || l.CreditStatus != catalog.CreditBearing || l.StatusText != it.StatusText {
			t.Errorf("got label interim %v offered as %s credit status %s %q", l.Interim, l.OfferedAs, l.CreditStatus, l.StatusText)
		}
		// Senate approves the credit: the same version, now approved.
		regMove(t, s, w.sovereignty, catalog.Approved, 0)
		_, got := search(t, s, registry.Query{CreditStatus: "credit_bearing"})
		if !slices.Contains(got, "Indigenous Data Sovereignty") {
			t.Errorf("after Senate's approval: got %q, want it credit-bearing", got)
		}
	})
}

func TestRegistryFollowsStatus(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newRegWorld(t, s)
		// Approve a second version with a new title: the page shows it,
		// under the slug the offering had.
		regMove(t, s, w.welding, catalog.UnderReview, 0)
		_, got := search(t, s, registry.Query{Text: "welding"})
		if !slices.Equal(got, []string{"Welding Safety Basics"}) {
			t.Errorf("under review: got %q, want it still shown", got)
		}
		regMove(t, s, w.welding, catalog.InReview, 0)
		if _, got := search(t, s, registry.Query{Text: "welding"}); len(got) != 0 {
			t.Errorf("in review again: got %q, want it hidden", got)
		}
		o, err := s.Offering(t.Context(), w.welding)
		if err != nil {
			t.Fatal(err)
		}
		o.Draft.Title = "Welding Shop Safety"
		if err := s.UpdateDraft(t.Context(), &o); err != nil {
			t.Fatal(err)
		}
		var v int
		err = s.WithTx(t.Context(), func(tx *Tx) error {
			o, err := tx.offering(w.welding, true)
			if err != nil {
				return err
			}
			ver, err := tx.freezeDraft(o)
			v = ver.Number()
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		regMove(t, s, w.welding, catalog.Approved, v)
		l, err := s.RegistryLabel(t.Context(), "kpu", "welding-safety-basics")
		if err != nil {
			t.Fatal(err)
		}
		if l.Title != "Welding Shop Safety" || l.Version != 2 {
			t.Errorf("got %q version %d, want the new title at version 2 under the old slug", l.Title, l.Version)
		}
		// A draft edit never reaches the registry.
		o, _ = s.Offering(t.Context(), w.welding)
		o.Draft.Title = "Unapproved Title"
		if err := s.UpdateDraft(t.Context(), &o); err != nil {
			t.Fatal(err)
		}
		if _, got := search(t, s, registry.Query{Text: "unapproved"}); len(got) != 0 {
			t.Errorf("got %q, want a draft edit unseen", got)
		}
	})
}

func TestRegistryFollowsInstitution(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newRegWorld(t, s)
		w.yukon.Name = "Université du Yukon"
		if err := s.UpdateInstitution(t.Context(), &w.yukon); err != nil {
			t.Fatal(err)
		}
		res, got := search(t, s, registry.Query{Text: "universite"})
		if !slices.Equal(got, []string{"Indigenous Data Sovereignty"}) || res.Items[0].Institution.Name != w.yukon.Name {
			t.Errorf("got %q from %+v, want the offering under the new name", got, res.Items)
		}
		w.unit.Name = "School of Building Trades"
		if err := s.UpdateOrgUnit(t.Context(), &w.unit); err != nil {
			t.Fatal(err)
		}
		if _, got := search(t, s, registry.Query{Text: "building trades school"}); len(got) != 2 {
			t.Errorf("got %q, want the unit's two offerings under its new name", got)
		}
	})
}

func TestRegistrySlugs(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newRegWorld(t, s)
		twin := regOffering(t, s, w.kpu.ID, 0, regForm(catalog.DigitalBadge, "Welding: Safety Basics!", nil))
		regPublish(t, s, twin, catalog.Approved)
		elsewhere := regOffering(t, s, w.yukon.ID, 0, regForm(catalog.DigitalBadge, "Welding Safety Basics", nil))
		regPublish(t, s, elsewhere, catalog.Approved)
		for id, want := range map[int64][2]string{
			w.welding: {"kpu", "welding-safety-basics"},
			twin:      {"kpu", "welding-safety-basics-2"},
			elsewhere: {"yukonu", "welding-safety-basics"},
		} {
			inst, slug, err := s.RegistrySlug(t.Context(), id)
			if err != nil || inst != want[0] || slug != want[1] {
				t.Errorf("offering %d: got %s/%s (%v), want %s/%s", id, inst, slug, err, want[0], want[1])
			}
		}
	})
}

func TestRegistryReindex(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newRegWorld(t, s)
		before, want := search(t, s, registry.Query{})
		n, err := s.Reindex(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		// Four published, one discontinued (removed again).
		if n != 5 {
			t.Errorf("got %d reindexed, want 5", n)
		}
		after, got := search(t, s, registry.Query{})
		if !slices.Equal(got, want) || after.Total != before.Total {
			t.Errorf("after reindex: got %q, want %q", got, want)
		}
		if err := s.IndexOffering(t.Context(), w.draft); err != nil {
			t.Fatal(err)
		}
		if err := s.IndexOffering(t.Context(), 999999); err != nil {
			t.Errorf("unknown offering: got %v, want nothing to do", err)
		}
		if _, got := search(t, s, registry.Query{}); !slices.Equal(got, want) {
			t.Errorf("after indexing a draft: got %q, want %q", got, want)
		}
	})
}

// A search answers from the index while another transaction holds what
// it would need to work through the queue (the SQLite write lock, or the
// queued rows on PostgreSQL), rather than failing or waiting long.
func TestRegistrySearchWhileLocked(t *testing.T) {
	run := func(t *testing.T, a, b *Store) {
		w := newRegWorld(t, a)
		if _, err := a.RefreshRegistry(t.Context()); err != nil {
			t.Fatal(err)
		}
		regMove(t, a, w.welding, catalog.UnderReview, 0) // queued again
		held := make(chan struct{})
		release := make(chan struct{})
		done := make(chan error, 1)
		go func() {
			done <- a.WithTx(t.Context(), func(tx *Tx) error {
				if _, err := tx.exec(`UPDATE registry_queue SET offering_id = offering_id`); err != nil {
					return err
				}
				close(held)
				<-release
				return nil
			})
		}()
		<-held
		start := time.Now()
		res, err := b.SearchRegistry(t.Context(), registry.Query{Text: "welding"})
		elapsed := time.Since(start)
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if err != nil || res.Total != 1 {
			t.Errorf("got %+v, %v; want the indexed offering", res, err)
		}
		if elapsed > 5*time.Second {
			t.Errorf("search took %v", elapsed)
		}
	}
	t.Run("sqlite-file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "cairn.db")
		a, err := Open(t.Context(), path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		setClock(a)
		b, err := Open(t.Context(), path, Options{BusyTimeout: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		run(t, a, b)
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := postgresDSN()
		if dsn == "" {
			t.Skip("CAIRN_TEST_POSTGRES is not set")
		}
		dsn = sqltest.Schema(t, dsn)
		a, err := Open(t.Context(), dsn, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		setClock(a)
		b, err := Open(t.Context(), dsn, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		run(t, a, b)
	})
}

// A search matching more than registry.MaxResults offerings counts up to
// it, says there are more, lists them newest first and pages no deeper;
// narrowed to fewer, the same word ranks its matches again.
func TestRegistryBroadSearch(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newRegWorld(t, s)
		n := registry.MaxResults + 10
		var first, last int64
		bulkPublish(t, s, n, func(i int) (int64, int64, catalog.Form, catalog.Status) {
			f := regForm(catalog.DigitalBadge, "Common Ground "+strconv.Itoa(i), func(f *catalog.Form) {
				f.DeliveryMode = catalog.Online
				if i%100 == 0 {
					f.DeliveryMode = catalog.InPerson
				}
			})
			return w.yukon.ID, 0, f, catalog.Approved
		})
		if _, err := s.Reindex(t.Context()); err != nil {
			t.Fatal(err)
		}
		if err := s.WithTx(t.Context(), func(tx *Tx) error {
			return tx.get("offering", `SELECT min(id), max(id) FROM offerings WHERE title LIKE 'Common Ground %'`, nil, &first, &last)
		}); err != nil {
			t.Fatal(err)
		}

		res, err := s.SearchRegistry(t.Context(), registry.Query{Text: "common"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != registry.MaxResults || !res.More || res.Pages != registry.MaxResults/registry.DefaultPerPage {
			t.Errorf("got total %d more %v pages %d, want %d, true, %d", res.Total, res.More, res.Pages,
				registry.MaxResults, registry.MaxResults/registry.DefaultPerPage)
		}
		if len(res.Items) != registry.DefaultPerPage || res.Items[0].OfferingID != last || res.Items[1].OfferingID != last-1 {
			t.Errorf("got %d items from offering %d, want %d newest first from %d", len(res.Items), res.Items[0].OfferingID,
				registry.DefaultPerPage, last)
		}
		lastPage, err := s.SearchRegistry(t.Context(), registry.Query{Text: "common", Page: res.Pages})
		if err != nil {
			t.Fatal(err)
		}
		if want := last - int64(registry.MaxResults) + 1; lastPage.Items[len(lastPage.Items)-1].OfferingID != want {
			t.Errorf("last page ends at offering %d, want %d", lastPage.Items[len(lastPage.Items)-1].OfferingID, want)
		}
		_, err = s.SearchRegistry(t.Context(), registry.Query{Text: "common", Page: res.Pages + 1})
		wantField(t, err, apperror.Invalid, registry.ParamPage)

		// In person narrows it to 11, ranked again: by title, as all
		// match in the title alike.
		res, got := search(t, s, registry.Query{Text: "common", Delivery: "in_person"})
		if res.Total != 11 || res.More || got[0] != "Common Ground 0" || got[1] != "Common Ground 100" {
			t.Errorf("got total %d more %v %q, want 11 by title", res.Total, res.More, got)
		}
		// Browsing counts up to the bound as well.
		res, _ = search(t, s, registry.Query{Institution: "yukonu"})
		if res.Total != registry.MaxResults || !res.More || res.Items[0].Title != "Common Ground 0" {
			t.Errorf("browse: got total %d more %v first %q", res.Total, res.More, res.Items[0].Title)
		}
		res, _ = search(t, s, registry.Query{Institution: "kpu"})
		if res.Total != 3 || res.More {
			t.Errorf("browse kpu: got total %d more %v, want 3 exactly", res.Total, res.More)
		}
	})
}
