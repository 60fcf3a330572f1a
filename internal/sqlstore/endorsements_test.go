package sqlstore

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/org"
	"cairn/internal/proof"
	"cairn/internal/status"
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

		// Withdrawing needs a reason, and loses nothing without one. This
		// endorsement has no status entry, as those made before
		// endorsement credentials carried one: it withdraws all the same.
		if e.Revocation != (StatusSlot{}) {
			t.Fatalf("an endorsement recorded without an entry has %+v", e.Revocation)
		}
		for _, reason := range []string{"", "   "} {
			if err := s.WithdrawEndorsement(ctx, w.p, w.offering.ID, e.ID, staff.ID, reason); apperror.CodeOf(err) != apperror.Invalid ||
				!strings.Contains(apperror.MessageOf(err), "reason") {
				t.Errorf("withdrawing for %q: %v, want Invalid naming the reason", reason, err)
			}
		}
		if list, _ := s.Endorsements(ctx, w.offering.ID); len(list) != 1 {
			t.Fatalf("after a refused withdrawal: %d endorsements, want 1", len(list))
		}
		if err := s.WithdrawEndorsement(ctx, w.p, w.offering.ID+1000, e.ID, staff.ID, "wrong offering"); apperror.CodeOf(err) != apperror.NotFound {
			t.Errorf("withdrawing through another offering: %v, want NotFound", err)
		}
		if _, err := s.RefreshRegistry(ctx); err != nil {
			t.Fatal(err)
		}
		head, err := s.AuditHead(ctx)
		if err != nil && apperror.CodeOf(err) != apperror.NotFound {
			t.Fatal(err)
		}
		if err := s.WithdrawEndorsement(ctx, w.p, w.offering.ID, e.ID, staff.ID, " Fraser Health asked us to. "); err != nil {
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
		if err := s.WithdrawEndorsement(ctx, w.p, w.offering.ID, e.ID, staff.ID, "again"); apperror.CodeOf(err) != apperror.NotFound {
			t.Errorf("withdrawing twice: %v, want NotFound", err)
		}
	})
}

// TestEndorsementRevocation: an endorsement credential with an entry in the
// institution's revocation list, the one its awards use, verifies until the
// endorsement is withdrawn; the withdrawal publishes the list with the bit
// set at once, and leaves the awards' bits of the same list alone.
func TestEndorsementRevocation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		w := newAwardWorld(t, s)
		staff := org.Person{Name: "Reg", Email: "reg@example.edu"}
		if err := s.CreatePerson(ctx, &staff); err != nil {
			t.Fatal(err)
		}
		a := w.issue("ada@example.edu")
		slot, err := s.AllocateStatusEntry(ctx, w.inst.ID, w.p.IssuerID(), status.PurposeRevocation)
		if err != nil {
			t.Fatal(err)
		}
		if slot.ListID != a.Revocation.ListID || slot.Index == a.Revocation.Index {
			t.Fatalf("endorsement entry %+v, want another index of the awards' revocation list %+v", slot, a.Revocation)
		}

		// A slot that is not in a revocation list of the institution is
		// refused, and the link stays usable.
		token, _, err := s.InviteEndorsement(ctx, w.offering.ID, 0, staff.ID)
		if err != nil {
			t.Fatal(err)
		}
		e := Endorsement{Version: w.offering.ApprovedVersion, EndorserName: "Dana", Organisation: "Fraser Health",
			Comment: "Graduates are ready.", Credential: w.endorsementCredential(slot)}
		for _, bad := range []StatusSlot{a.Suspension, {ListID: slot.ListID, Index: 1 << 30}, {ListID: 99999, Index: 1}} {
			try := e
			try.Revocation = bad
			if err := s.Endorse(ctx, token, &try); apperror.CodeOf(err) != apperror.Invalid {
				t.Errorf("endorse with slot %+v: %v, want Invalid", bad, err)
			}
		}
		e.Revocation = slot
		if err := s.Endorse(ctx, token, &e); err != nil {
			t.Fatal(err)
		}
		got, err := s.Endorsement(ctx, w.offering.ID, e.ID)
		if err != nil || got.Revocation != slot {
			t.Fatalf("endorsement read back: %+v %v, want entry %+v", got.Revocation, err, slot)
		}
		rep := w.v.Verify(ctx, got.Credential)
		if !rep.Verified || reportedStatus(rep, status.PurposeRevocation) != "active" {
			t.Fatalf("before withdrawal: verified %v, revocation %q, errors %v", rep.Verified,
				reportedStatus(rep, status.PurposeRevocation), rep.Errors)
		}

		w.clock.Advance(time.Hour)
		if err := s.WithdrawEndorsement(ctx, w.p, w.offering.ID, e.ID, staff.ID, "asked to"); err != nil {
			t.Fatal(err)
		}
		l, err := s.StatusList(ctx, slot.ListID)
		if err != nil || l.Stale || !l.SignedAt.Equal(w.clock.Now()) {
			t.Fatalf("the list after the withdrawal: stale %v signed %v (%v), want published at once", l.Stale, l.SignedAt, err)
		}
		rep = w.v.Verify(ctx, got.Credential)
		if rep.Verified || reportedStatus(rep, status.PurposeRevocation) != "revoked" {
			t.Errorf("after withdrawal: verified %v, revocation %q; want revoked", rep.Verified, reportedStatus(rep, status.PurposeRevocation))
		}
		if rep := w.verifyAward(a); !rep.Verified {
			t.Errorf("the award sharing the list no longer verifies: %v", rep.Errors)
		}

		// Revoking the award publishes the list again: both bits set.
		if _, err := s.Revoke(ctx, w.p, a.ID, staff.ID, "issued in error"); err != nil {
			t.Fatal(err)
		}
		if rep := w.verifyAward(a); rep.Verified {
			t.Error("the revoked award still verifies")
		}
		if rep := w.v.Verify(ctx, got.Credential); reportedStatus(rep, status.PurposeRevocation) != "revoked" {
			t.Errorf("after the award's revocation the endorsement is %q, want still revoked", reportedStatus(rep, status.PurposeRevocation))
		}
	})
}

// endorsementCredential signs, as the world's issuer, an
// EndorsementCredential of its offering with slot as revocation entry.
func (w *awardWorld) endorsementCredential(slot StatusSlot) []byte {
	w.t.Helper()
	doc, err := json.Marshal(map[string]any{
		"@context":          []string{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":                "urn:uuid:6b3e8b9c-1f0e-4d7a-9a43-2d3f1c0b7e11",
		"type":              []string{"VerifiableCredential", "EndorsementCredential"},
		"name":              "Endorsement by Fraser Health",
		"issuer":            map[string]any{"id": w.p.IssuerID(), "type": []string{"Profile"}, "name": "KPU"},
		"validFrom":         t0.UTC().Format(time.RFC3339),
		"credentialSubject": map[string]any{"id": w.p.AchievementURL(w.offering.ID, 1), "type": []string{"EndorsementSubject"}, "endorsementComment": "Graduates are ready."},
		"credentialStatus":  status.Entry(w.p.StatusListURL(slot.ListID), status.PurposeRevocation, slot.Index),
	})
	if err != nil {
		w.t.Fatal(err)
	}
	signed, err := awardDI.Sign(doc, w.p.Signer, proof.SignOptions{VerificationMethod: w.p.VerificationMethod, Created: t0})
	if err != nil {
		w.t.Fatal(err)
	}
	return signed
}
