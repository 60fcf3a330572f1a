package sqlstore

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/org"
)

func TestEndorsements(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		w := newAwardWorld(t, s)
		staff := org.Person{Name: "Reg", Email: "reg@example.edu"}
		if err := s.CreatePerson(ctx, &staff); err != nil {
			t.Fatal(err)
		}
		partner := org.Partner{InstitutionID: w.inst.ID, Kind: org.Employer, Name: "Fraser Health"}
		if err := s.CreatePartner(ctx, &partner); err != nil {
			t.Fatal(err)
		}
		token, inv, err := s.InviteEndorsement(ctx, w.offering.ID, partner.ID, staff.ID)
		if err != nil || !ValidEndorsementToken(token) || inv.PartnerID != partner.ID || !inv.ExpiresAt.Equal(t0.Add(EndorsementInvitationTTL)) {
			t.Fatalf("invite: %q %+v %v", token, inv, err)
		}
		got, err := s.EndorsementInvitationByToken(ctx, token)
		if err != nil || got.ID != inv.ID || !got.Usable(t0) {
			t.Fatalf("by token: %+v %v", got, err)
		}
		e := Endorsement{Version: w.offering.ApprovedVersion, EndorserName: "Dana", Organisation: "Fraser Health",
			URL: "https://fraserhealth.example", Comment: "Graduates are ready.", Credential: []byte(`{"type":"x"}`)}
		bad := e
		bad.Comment = ""
		if err := s.Endorse(ctx, token, &bad); apperror.CodeOf(err) != apperror.Invalid {
			t.Errorf("no comment: %v, want Invalid", err)
		}
		w.clock.Advance(time.Hour)
		if err := s.Endorse(ctx, token, &e); err != nil || e.ID == 0 || e.OfferingID != w.offering.ID || e.PartnerID != partner.ID {
			t.Fatalf("endorse: %+v %v", e, err)
		}
		again := e
		if err := s.Endorse(ctx, token, &again); apperror.CodeOf(err) != apperror.Conflict {
			t.Errorf("token reused: %v, want Conflict", err)
		}
		if got, _ := s.EndorsementInvitationByToken(ctx, token); got.Usable(w.clock.Now()) || !got.UsedAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("used invitation %+v, want used at t0+1h", got)
		}
		list, err := s.Endorsements(ctx, w.offering.ID)
		if err != nil || len(list) != 1 || list[0].Comment != e.Comment || string(list[0].Credential) != `{"type":"x"}` || list[0].Version != e.Version {
			t.Fatalf("endorsements: %+v %v", list, err)
		}

		// Expired and unknown links.
		old, _, err := s.InviteEndorsement(ctx, w.offering.ID, 0, staff.ID)
		if err != nil {
			t.Fatal(err)
		}
		w.clock.Advance(EndorsementInvitationTTL + time.Second)
		late := e
		if err := s.Endorse(ctx, old, &late); apperror.CodeOf(err) != apperror.Conflict {
			t.Errorf("expired token: %v, want Conflict", err)
		}
		for _, tok := range []string{"", "short", strings.Repeat("A", EndorsementTokenLen), strings.Repeat("*", EndorsementTokenLen)} {
			if err := s.Endorse(ctx, tok, &late); apperror.CodeOf(err) != apperror.NotFound {
				t.Errorf("token %q: %v, want NotFound", tok, err)
			}
		}

		// A partner of another institution, and an unapproved offering.
		other := org.Institution{Slug: "yukon", Name: "Yukon", Jurisdiction: "CA-YT", TimeZone: "America/Whitehorse"}
		if err := s.CreateInstitution(ctx, &other); err != nil {
			t.Fatal(err)
		}
		foreign := org.Partner{InstitutionID: other.ID, Kind: org.Employer, Name: "Elsewhere"}
		if err := s.CreatePartner(ctx, &foreign); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.InviteEndorsement(ctx, w.offering.ID, foreign.ID, staff.ID); apperror.CodeOf(err) != apperror.Invalid {
			t.Errorf("foreign partner: %v, want Invalid", err)
		}
		draft := Offering{InstitutionID: w.inst.ID, Draft: analyticsForm()}
		if err := s.CreateOffering(ctx, &draft); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.InviteEndorsement(ctx, draft.ID, 0, staff.ID); apperror.CodeOf(err) != apperror.Conflict {
			t.Errorf("draft offering: %v, want Conflict", err)
		}

		// Withdrawing needs a reason, and loses nothing without one.
		for _, reason := range []string{"", "   "} {
			if err := s.WithdrawEndorsement(ctx, w.offering.ID, e.ID, staff.ID, reason); apperror.CodeOf(err) != apperror.Invalid ||
				!strings.Contains(apperror.MessageOf(err), "reason") {
				t.Errorf("withdrawing for %q: %v, want Invalid naming the reason", reason, err)
			}
		}
		if list, _ := s.Endorsements(ctx, w.offering.ID); len(list) != 1 {
			t.Fatalf("after a refused withdrawal: %d endorsements, want 1", len(list))
		}
		if err := s.WithdrawEndorsement(ctx, w.offering.ID+1000, e.ID, staff.ID, "wrong offering"); apperror.CodeOf(err) != apperror.NotFound {
			t.Errorf("withdrawing through another offering: %v, want NotFound", err)
		}
		if _, err := s.RefreshRegistry(ctx); err != nil {
			t.Fatal(err)
		}
		head, err := s.AuditHead(ctx)
		if err != nil && apperror.CodeOf(err) != apperror.NotFound {
			t.Fatal(err)
		}
		if err := s.WithdrawEndorsement(ctx, w.offering.ID, e.ID, staff.ID, " Fraser Health asked us to. "); err != nil {
			t.Fatal(err)
		}
		if list, _ := s.Endorsements(ctx, w.offering.ID); len(list) != 0 {
			t.Errorf("after withdrawing: %+v", list)
		}
		err = s.ReadTx(ctx, func(tx *Tx) error {
			es, err := tx.versionEndorsements(w.offering.ID, w.offering.ApprovedVersion)
			if err == nil && len(es) != 0 {
				t.Errorf("later awards would embed %d withdrawn endorsements", len(es))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := w.count(`SELECT count(*) FROM registry_queue WHERE offering_id = $1`, w.offering.ID); n != 1 {
			t.Errorf("the offering's registry entry is queued %d times after the withdrawal, want once", n)
		}
		events, err := s.AuditLog(ctx, head.Seq, 10)
		if err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, ev := range events {
			if ev.Action == "endorsement.withdrawn" {
				found = ev.Subject == "endorsement/"+strconv.FormatInt(e.ID, 10) && ev.Institution == "kpu" &&
					strings.Contains(string(ev.Data), `"reason":"Fraser Health asked us to."`) && ev.Actor != ""
			}
		}
		if !found {
			t.Errorf("the audit trail lacks the withdrawal with its reason and actor: %+v", events)
		}
		if err := s.WithdrawEndorsement(ctx, w.offering.ID, e.ID, staff.ID, "again"); apperror.CodeOf(err) != apperror.NotFound {
			t.Errorf("withdrawing twice: %v, want NotFound", err)
		}
	})
}
