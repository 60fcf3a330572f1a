package sqlstore

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/org"
)

func TestWalletShares(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newAwardWorld(t, s)
		ada := org.Person{Name: "Ada", Email: "ada@example.edu"}
		if err := s.CreatePerson(t.Context(), &ada); err != nil {
			t.Fatal(err)
		}
		a, _, err := s.IssueAward(t.Context(), w.p, AwardRequest{OfferingID: w.offering.ID, Email: ada.Email, Name: "Ada"})
		if err != nil {
			t.Fatal(err)
		}
		head, err := s.AuditHead(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		sh, created, err := s.ShareAward(t.Context(), a.ID, ada.ID)
		if err != nil || !created || !ValidPublicID(sh.PublicID) || !sh.Active() {
			t.Fatalf("share: %+v %v %v", sh, created, err)
		}
		again, created, err := s.ShareAward(t.Context(), a.ID, ada.ID)
		if err != nil || created || again.PublicID != sh.PublicID {
			t.Errorf("sharing again: %+v %v %v, want the same link", again, created, err)
		}
		got, ga, err := s.ShareByPublicID(t.Context(), sh.PublicID)
		if err != nil || got.ID != sh.ID || ga.ID != a.ID {
			t.Errorf("by public id: %+v %d %v", got, ga.ID, err)
		}
		active, err := s.ActiveShares(t.Context(), ada.ID)
		if err != nil || len(active) != 1 || active[a.ID].PublicID != sh.PublicID {
			t.Errorf("active shares %+v %v", active, err)
		}
		w.clock.Advance(time.Hour)
		if n, err := s.WithdrawShare(t.Context(), a.ID, ada.ID); err != nil || n != 1 {
			t.Fatalf("withdraw: %d %v", n, err)
		}
		got, _, err = s.ShareByPublicID(t.Context(), sh.PublicID)
		if err != nil || got.Active() || !got.WithdrawnAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("withdrawn link %+v %v, want it kept, withdrawn at t0+1h", got, err)
		}
		if active, _ := s.ActiveShares(t.Context(), ada.ID); len(active) != 0 {
			t.Errorf("active shares after withdrawing: %+v", active)
		}
		if n, err := s.WithdrawShare(t.Context(), a.ID, ada.ID); err != nil || n != 0 {
			t.Errorf("withdrawing again: %d %v, want nothing withdrawn", n, err)
		}
		fresh, created, err := s.ShareAward(t.Context(), a.ID, ada.ID)
		if err != nil || !created || fresh.PublicID == sh.PublicID {
			t.Errorf("sharing after withdrawing: %+v %v %v, want a new link", fresh, created, err)
		}
		// The audit trail has each new link and each withdrawal, by the
		// learner, and never the link itself; sharing again the link
		// that works and withdrawing none record nothing.
		events, err := s.AuditLog(t.Context(), head.Seq, 20)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, ev := range events {
			if strings.HasPrefix(ev.Action, "wallet.") {
				actions = append(actions, ev.Action)
				if ev.Subject != "award/"+strconv.FormatInt(a.ID, 10) || ev.Institution != "kpu" || ev.Actor == "" ||
					strings.Contains(string(ev.Data), sh.PublicID) || strings.Contains(string(ev.Data), fresh.PublicID) {
					t.Errorf("audit event %+v: want the award, its institution and the learner, without the link", ev)
				}
			}
		}
		if want := []string{"wallet.shared", "wallet.share_withdrawn", "wallet.shared"}; !slices.Equal(actions, want) {
			t.Errorf("audited %v, want %v", actions, want)
		}
		for _, bad := range []string{"", "short", strings.Repeat("A", 32), strings.Repeat("*", 32)} {
			if _, _, err := s.ShareByPublicID(t.Context(), bad); apperror.CodeOf(err) != apperror.NotFound {
				t.Errorf("public id %q: %v, want NotFound", bad, err)
			}
		}
		if _, _, err := s.ShareAward(t.Context(), a.ID+100, ada.ID); apperror.CodeOf(err) != apperror.NotFound {
			t.Errorf("sharing no award: %v, want NotFound", err)
		}
	})
}

func TestWalletImports(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		setClock(s)
		ada := org.Person{Name: "Ada", Email: "ada@example.edu"}
		bob := org.Person{Name: "Bob", Email: "bob@example.edu"}
		for _, p := range []*org.Person{&ada, &bob} {
			if err := s.CreatePerson(t.Context(), p); err != nil {
				t.Fatal(err)
			}
		}
		issued := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
		im := Import{PersonID: ada.ID, Format: ImportOB2, Source: "json", Title: " First Aid ", Issuer: "St John", IssuedAt: issued,
			Note: "kept unverified", Content: `{"type":"Assertion"}`}
		if err := s.AddImport(t.Context(), &im); err != nil {
			t.Fatal(err)
		}
		dup := im
		if err := s.AddImport(t.Context(), &dup); apperror.CodeOf(err) != apperror.Conflict {
			t.Errorf("the same content twice: %v, want Conflict", err)
		}
		other := im
		other.PersonID = bob.ID
		if err := s.AddImport(t.Context(), &other); err != nil {
			t.Errorf("another person importing the same: %v", err)
		}
		for _, bad := range []Import{
			{PersonID: ada.ID, Format: "ob1", Source: "json", Content: "{}"},
			{PersonID: ada.ID, Format: ImportOB3, Source: "gif", Content: "{}"},
			{PersonID: ada.ID, Format: ImportOB3, Source: "jwt", Content: ""},
			{PersonID: ada.ID, Format: ImportOB3, Source: "jwt", Content: strings.Repeat("a", MaxImportBytes+1)},
		} {
			if err := s.AddImport(t.Context(), &bad); apperror.CodeOf(err) != apperror.Invalid {
				t.Errorf("import %s/%s of %d bytes: %v, want Invalid", bad.Format, bad.Source, len(bad.Content), err)
			}
		}
		got, err := s.Imports(t.Context(), ada.ID)
		if err != nil || len(got) != 1 {
			t.Fatalf("imports %+v %v", got, err)
		}
		if g := got[0]; g.Title != "First Aid" || g.Format != ImportOB2 || g.Verified || !g.IssuedAt.Equal(issued) || g.Content != im.Content {
			t.Errorf("import %+v", g)
		}
		if err := s.DeleteImport(t.Context(), bob.ID, im.ID); apperror.CodeOf(err) != apperror.NotFound {
			t.Errorf("deleting another's import: %v, want NotFound", err)
		}
		if err := s.DeleteImport(t.Context(), ada.ID, im.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Imports(t.Context(), ada.ID); len(got) != 0 {
			t.Errorf("after delete: %+v", got)
		}
	})
}

func TestClaimAccount(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		w := newAwardWorld(t, s)
		a, _, err := s.IssueAward(t.Context(), w.p, AwardRequest{OfferingID: w.offering.ID, Email: "New.Learner@Example.org", Name: "N"})
		if err != nil {
			t.Fatal(err)
		}
		if a.PersonID != 0 {
			t.Fatalf("award person %d, want none", a.PersonID)
		}
		if _, err := s.ClaimAccount(t.Context(), "nobody@example.org"); apperror.CodeOf(err) != apperror.NotFound {
			t.Errorf("an address without awards: %v, want NotFound", err)
		}
		p, err := s.ClaimAccount(t.Context(), " new.learner@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if p.Email != "new.learner@example.org" || p.Name != "new.learner" || !p.HasRole(w.inst.ID, org.Learner) {
			t.Errorf("claimed %+v, want a learner of the institution", p)
		}
		if got, _ := s.Award(t.Context(), a.ID); got.PersonID != p.ID {
			t.Errorf("award person %d, want %d", got.PersonID, p.ID)
		}
		again, err := s.ClaimAccount(t.Context(), "new.learner@example.org")
		if err != nil || again.ID != p.ID {
			t.Errorf("claiming again: %+v %v, want the same person", again, err)
		}
	})
}
