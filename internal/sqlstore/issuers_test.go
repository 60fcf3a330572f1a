package sqlstore

import (
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/award"
	"cairn/internal/status"
)

// fakeIssuerKey is a key row as package issuer would make one; the store
// never opens the sealed bytes, so any will do.
func fakeIssuerKey(did, fragment string) IssuerKey {
	return IssuerKey{DID: did, VerificationMethod: did + "#" + fragment, Type: "Ed25519",
		PublicJWK: `{"kty":"OKP","crv":"Ed25519","x":"` + fragment + `"}`, Sealed: []byte("sealed-" + fragment), KEKID: "kek-1"}
}

func TestIssuerIdentityLifecycle(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		clock := setClock(s)
		ctx := t.Context()
		inst := newInstitution(t, s, "kpu")
		const web = "did:web:credentials.kpu.ca:institutions:kpu"

		if _, err := s.IssuerIdentity(ctx, inst.ID); apperror.CodeOf(err) != apperror.NotFound {
			t.Fatalf("before creation: got %v, want NotFound", err)
		}
		id, err := s.CreateIssuerIdentity(ctx, IssuerIdentity{InstitutionID: inst.ID, Method: IssuerMethodWeb, DID: web, Format: award.FormatDI},
			fakeIssuerKey(web, "k1"), 0)
		if err != nil {
			t.Fatal(err)
		}
		if id.Slug != "kpu" || id.DID != web || len(id.Keys) != 1 || id.Keys[0].VerificationMethod != web+"#k1" || string(id.Keys[0].Sealed) != "sealed-k1" {
			t.Fatalf("created: got %+v", id)
		}
		if got, _ := s.Institution(ctx, inst.ID); got.IssuerDID != web || got.Version != inst.Version+1 {
			t.Errorf("institution: issuer DID %q version %d, want %q and a new version", got.IssuerDID, got.Version, web)
		}
		_, err = s.CreateIssuerIdentity(ctx, IssuerIdentity{InstitutionID: inst.ID, Method: IssuerMethodWeb, DID: web, Format: award.FormatDI},
			fakeIssuerKey(web, "k9"), 0)
		wantCode(t, err, apperror.Conflict)

		clock.Advance(time.Hour)
		id, err = s.RotateIssuerKey(ctx, inst.ID, fakeIssuerKey(web, "k2"), 0)
		if err != nil {
			t.Fatal(err)
		}
		signing, ok := id.SigningKey()
		if len(id.Keys) != 2 || !ok || signing.VerificationMethod != web+"#k2" || id.Keys[0].RetiredAt.IsZero() {
			t.Fatalf("rotated: got %+v", id)
		}
		_, err = s.RotateIssuerKey(ctx, inst.ID, fakeIssuerKey("did:web:elsewhere.example", "k3"), 0)
		wantField(t, err, apperror.Invalid, "did")
		_, err = s.RotateIssuerKey(ctx, inst.ID, fakeIssuerKey(web, "k2"), 0)
		wantField(t, err, apperror.Conflict, "verification_method")

		id, err = s.SetIssuerFormat(ctx, inst.ID, award.FormatBoth, 0)
		if err != nil || id.Format != award.FormatBoth {
			t.Fatalf("set format: got %v %v, want both", id.Format, err)
		}
		_, err = s.SetIssuerFormat(ctx, inst.ID, "xml", 0)
		wantField(t, err, apperror.Invalid, "proof_format")

		_, err = s.DestroyIssuerKey(ctx, inst.ID, signing.ID, 0)
		wantCode(t, err, apperror.Conflict)
		id, err = s.DestroyIssuerKey(ctx, inst.ID, id.Keys[0].ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if k := id.Keys[0]; k.DestroyedAt.IsZero() || len(k.Sealed) != 0 {
			t.Errorf("destroyed key: got %+v, want a destroyed time and no sealed key", k)
		}
		byDID, err := s.IssuerIdentityByDID(ctx, web)
		if err != nil || byDID.InstitutionID != inst.ID {
			t.Errorf("by DID: got %d %v, want institution %d", byDID.InstitutionID, err, inst.ID)
		}
		if _, err := s.IssuerIdentityByDID(ctx, "did:web:unknown.example"); apperror.CodeOf(err) != apperror.NotFound {
			t.Errorf("unknown DID: got %v, want NotFound", err)
		}
		keks, err := s.IssuerKEKIDs(ctx)
		if err != nil || len(keks) != 1 || keks[0] != "kek-1" {
			t.Errorf("KEK ids: got %v %v, want [kek-1]", keks, err)
		}
	})
}

func TestIssuerDIDKeyRotationChangesTheDID(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		inst := newInstitution(t, s, "yukon")
		const k1, k2 = "did:key:z6MkOne", "did:key:z6MkTwo"
		if _, err := s.CreateIssuerIdentity(ctx, IssuerIdentity{InstitutionID: inst.ID, Method: IssuerMethodKey, DID: k1, Format: award.FormatJWT},
			fakeIssuerKey(k1, "z6MkOne"), 0); err != nil {
			t.Fatal(err)
		}
		_, err := s.RotateIssuerKey(ctx, inst.ID, fakeIssuerKey("did:web:x.example", "a"), 0)
		wantField(t, err, apperror.Invalid, "did")
		id, err := s.RotateIssuerKey(ctx, inst.ID, fakeIssuerKey(k2, "z6MkTwo"), 0)
		if err != nil {
			t.Fatal(err)
		}
		if id.DID != k2 {
			t.Errorf("DID after rotation: got %s, want %s", id.DID, k2)
		}
		if got, _ := s.Institution(ctx, inst.ID); got.IssuerDID != k2 {
			t.Errorf("institution issuer DID: got %s, want %s", got.IssuerDID, k2)
		}
		old, err := s.IssuerIdentityByDID(ctx, k1)
		if err != nil || old.InstitutionID != inst.ID {
			t.Errorf("by the rotated-away DID: got %d %v, want institution %d", old.InstitutionID, err, inst.ID)
		}
	})
}

func TestCreateIssuerIdentityRefusesBadInput(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		inst := newInstitution(t, s, "kpu")
		const d = "did:key:z6MkOne"
		good := IssuerIdentity{InstitutionID: inst.ID, Method: IssuerMethodKey, DID: d, Format: award.FormatDI}
		for _, c := range []struct {
			name  string
			id    IssuerIdentity
			key   IssuerKey
			field string
		}{
			{"unknown method", IssuerIdentity{InstitutionID: inst.ID, Method: "did:ion", DID: "did:ion:x", Format: award.FormatDI}, fakeIssuerKey("did:ion:x", "a"), "method"},
			{"DID of another method", IssuerIdentity{InstitutionID: inst.ID, Method: IssuerMethodWeb, DID: d, Format: award.FormatDI}, fakeIssuerKey(d, "a"), "did"},
			{"unknown format", IssuerIdentity{InstitutionID: inst.ID, Method: IssuerMethodKey, DID: d, Format: "cbor"}, fakeIssuerKey(d, "a"), "proof_format"},
			{"key of another DID", good, fakeIssuerKey("did:key:z6MkTwo", "a"), "did"},
			{"no sealed key", good, func() IssuerKey { k := fakeIssuerKey(d, "a"); k.Sealed = nil; return k }(), "sealed_key"},
			{"unknown key type", good, func() IssuerKey { k := fakeIssuerKey(d, "a"); k.Type = "DSA"; return k }(), "key_type"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := s.CreateIssuerIdentity(ctx, c.id, c.key, 0)
				wantField(t, err, apperror.Invalid, c.field)
			})
		}
		_, err := s.CreateIssuerIdentity(ctx, IssuerIdentity{InstitutionID: inst.ID + 100, Method: IssuerMethodKey, DID: d, Format: award.FormatDI},
			fakeIssuerKey(d, "a"), 0)
		wantCode(t, err, apperror.NotFound)
	})
}

func TestAllocateStatusEntry(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		inst := newInstitution(t, s, "kpu")
		const d = "did:key:z6MkOne"
		seen := map[int]bool{}
		var list int64
		for range 20 {
			slot, err := s.AllocateStatusEntry(ctx, inst.ID, d, status.PurposeRevocation)
			if err != nil {
				t.Fatal(err)
			}
			if seen[slot.Index] {
				t.Fatalf("index %d handed out twice", slot.Index)
			}
			seen[slot.Index] = true
			if list != 0 && slot.ListID != list {
				t.Fatalf("list changed from %d to %d before the first was full", list, slot.ListID)
			}
			list = slot.ListID
		}
		l, err := s.StatusList(ctx, list)
		if err != nil {
			t.Fatal(err)
		}
		if l.Issuer != d || l.Purpose != status.PurposeRevocation || l.Allocated != 20 || l.InstitutionID != inst.ID {
			t.Errorf("list: got %+v, want 20 revocation entries of %s", l, d)
		}
		_, err = s.AllocateStatusEntry(ctx, inst.ID, d, "refresh")
		wantField(t, err, apperror.Invalid, "purpose")
		if _, err := s.StatusList(ctx, list+100); apperror.CodeOf(err) != apperror.NotFound {
			t.Errorf("unknown list: got %v, want NotFound", err)
		}
	})
}
