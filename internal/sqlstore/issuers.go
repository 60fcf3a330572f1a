package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/award"
	"cairn/internal/status"
)

// IssuerIdentity is an institution's issuing identity: the DID it issues
// as, how the DID is made, the proof format of its credentials and its
// signing keys. Package issuer creates and uses it; the store keeps the
// private keys only sealed and never opens them.
type IssuerIdentity struct {
	InstitutionID int64
	// Slug and Name are the institution's.
	Slug string
	Name string
	// Method is "did:key" or "did:web".
	Method string
	// DID is the DID the institution issues as now: for did:web the same
	// for ever, for did:key the DID of the signing key.
	DID string
	// Format is the proof format setting: di, jwt or both.
	Format    award.Format
	CreatedAt time.Time
	UpdatedAt time.Time
	// Keys are every key the institution has had, oldest first.
	Keys []IssuerKey
}

// SigningKey returns the key that signs now, the one not retired.
func (i IssuerIdentity) SigningKey() (IssuerKey, bool) {
	for _, k := range i.Keys {
		if k.RetiredAt.IsZero() {
			return k, true
		}
	}
	return IssuerKey{}, false
}

// IssuerKey is one signing key of an institution.
type IssuerKey struct {
	ID            int64
	InstitutionID int64
	// DID is the DID the key belongs to, VerificationMethod its DID URL
	// (DID#fragment).
	DID                string
	VerificationMethod string
	// Type is the key type as package keys names it: Ed25519, P-256, RSA.
	Type string
	// PublicJWK is the public key as a JWK.
	PublicJWK string
	// Sealed is the private key encrypted under the key-encryption key
	// named by KEKID; empty once the key is destroyed.
	Sealed      []byte
	KEKID       string
	CreatedAt   time.Time
	RetiredAt   time.Time // zero while the key signs
	DestroyedAt time.Time // zero until the private key is wiped
}

// Issuer identity methods and limits.
const (
	IssuerMethodKey = "did:key"
	IssuerMethodWeb = "did:web"
	maxDIDBytes     = 2048
	maxJWKBytes     = 16 << 10
	maxSealedBytes  = 16 << 10
	// maxIssuerKeys bounds the keys one institution may have had.
	maxIssuerKeys = 100
)

func checkIssuerKey(k IssuerKey) error {
	switch {
	case !strings.HasPrefix(k.DID, "did:") || len(k.DID) > maxDIDBytes:
		return apperror.Field("did", "must be a DID of at most %d bytes", maxDIDBytes)
	case !strings.HasPrefix(k.VerificationMethod, k.DID+"#") || len(k.VerificationMethod) > maxDIDBytes+200:
		return apperror.Field("verification_method", "must be a DID URL of the key's DID")
	case k.Type != "Ed25519" && k.Type != "P-256" && k.Type != "RSA":
		return apperror.Field("key_type", "must be Ed25519, P-256 or RSA, not %q", k.Type)
	case k.PublicJWK == "" || len(k.PublicJWK) > maxJWKBytes:
		return apperror.Field("public_jwk", "is required, at most %d bytes", maxJWKBytes)
	case len(k.Sealed) == 0 || len(k.Sealed) > maxSealedBytes:
		return apperror.Field("sealed_key", "is required, at most %d bytes", maxSealedBytes)
	case k.KEKID == "" || len(k.KEKID) > 100:
		return apperror.Field("kek_id", "is required")
	}
	return nil
}

func checkIssuerMethod(method, did string) error {
	switch method {
	case IssuerMethodKey, IssuerMethodWeb:
	default:
		return apperror.Field("method", "must be did:key or did:web, not %q", method)
	}
	if !strings.HasPrefix(did, method+":") {
		return apperror.Field("did", "%q is not a %s", did, method)
	}
	return nil
}

// CreateIssuerIdentity gives an institution its issuing identity with its
// first signing key (id's Method, DID and Format; the key's DID must be
// the identity's), records the DID as the institution's issuer DID and
// audits it, on behalf of the person by (0 for the system). An
// institution that has an identity already is a Conflict.
func (s *Store) CreateIssuerIdentity(ctx context.Context, id IssuerIdentity, key IssuerKey, by int64) (IssuerIdentity, error) {
	if err := checkIssuerMethod(id.Method, id.DID); err != nil {
		return IssuerIdentity{}, err
	}
	if _, err := award.ParseFormat(string(id.Format)); err != nil {
		return IssuerIdentity{}, err
	}
	if err := checkIssuerKey(key); err != nil {
		return IssuerIdentity{}, err
	}
	if key.DID != id.DID {
		return IssuerIdentity{}, apperror.Field("did", "the key's DID %s is not the identity's %s", key.DID, id.DID)
	}
	var out IssuerIdentity
	err := s.WithTx(ctx, func(tx *Tx) error {
		var slug string
		if err := tx.get("institution", `SELECT slug FROM institutions WHERE id = $1`, []any{id.InstitutionID}, &slug); err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT INTO issuer_identities (institution_id, method, did, format, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5)`, id.InstitutionID, id.Method, id.DID, string(id.Format), tx.ts(tx.now)); err != nil {
			return taken(err, "institution", "the institution has an issuing identity already")
		}
		if err := tx.insertIssuerKey(id.InstitutionID, key); err != nil {
			return err
		}
		if err := tx.setInstitutionIssuer(id.InstitutionID, id.DID); err != nil {
			return err
		}
		if err := tx.auditAwardSubject(slug, by, "issuer.created", "issuer/"+slug, map[string]any{
			"method": id.Method, "did": id.DID, "format": id.Format, "verification_method": key.VerificationMethod}); err != nil {
			return err
		}
		var err error
		out, err = tx.issuerIdentity(id.InstitutionID, false)
		return err
	})
	return out, err
}

func (tx *Tx) insertIssuerKey(institutionID int64, k IssuerKey) error {
	var n int
	if err := tx.get("issuer keys", `SELECT count(*) FROM issuer_keys WHERE institution_id = $1`, []any{institutionID}, &n); err != nil {
		return err
	}
	if n >= maxIssuerKeys {
		return apperror.New(apperror.Conflict, "the institution has had %d keys, the most cairn keeps", maxIssuerKeys)
	}
	_, err := tx.exec(`INSERT INTO issuer_keys (institution_id, did, verification_method, key_type, public_jwk, sealed_key,
		kek_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		institutionID, k.DID, k.VerificationMethod, k.Type, k.PublicJWK, k.Sealed, k.KEKID, tx.ts(tx.now))
	return taken(err, "verification_method", "is the id of another key already")
}

// setInstitutionIssuer records did as the institution's issuer DID.
func (tx *Tx) setInstitutionIssuer(institutionID int64, did string) error {
	return tx.execOne("institution", `UPDATE institutions SET issuer_did = $1, version = version + 1, updated_at = $2
		WHERE id = $3`, did, tx.ts(tx.now), institutionID)
}

// IssuerIdentity returns the issuing identity of the institution, with all
// its keys; NotFound when it has none yet.
func (s *Store) IssuerIdentity(ctx context.Context, institutionID int64) (IssuerIdentity, error) {
	var out IssuerIdentity
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = tx.issuerIdentity(institutionID, false)
		return err
	})
	return out, err
}

// IssuerIdentityByDID returns the identity that issues, or issued, as did:
// its current DID or the DID of one of its keys (a did:key rotated away).
func (s *Store) IssuerIdentityByDID(ctx context.Context, did string) (IssuerIdentity, error) {
	if !strings.HasPrefix(did, "did:") || len(did) > maxDIDBytes {
		return IssuerIdentity{}, notFound("issuer")
	}
	var out IssuerIdentity
	err := s.ReadTx(ctx, func(tx *Tx) error {
		var id int64
		err := tx.get("issuer", `SELECT institution_id FROM issuer_identities WHERE did = $1
			UNION SELECT institution_id FROM issuer_keys WHERE did = $1 LIMIT 1`, []any{did}, &id)
		if err != nil {
			return err
		}
		out, err = tx.issuerIdentity(id, false)
		return err
	})
	return out, err
}

func (tx *Tx) issuerIdentity(institutionID int64, lock bool) (IssuerIdentity, error) {
	q := `SELECT i.institution_id, n.slug, n.name, i.method, i.did, i.format, i.created_at, i.updated_at
		FROM issuer_identities i JOIN institutions n ON n.id = i.institution_id WHERE i.institution_id = $1`
	if lock && tx.s.engine == PostgreSQL {
		q += ` FOR UPDATE OF i`
	}
	var id IssuerIdentity
	var format string
	if err := tx.get("issuing identity", q, []any{institutionID}, &id.InstitutionID, &id.Slug, &id.Name, &id.Method,
		&id.DID, &format, at(&id.CreatedAt), at(&id.UpdatedAt)); err != nil {
		return id, err
	}
	id.Format = award.Format(format)
	keys, err := list(tx, scanIssuerKey, `SELECT id, institution_id, did, verification_method, key_type, public_jwk,
		sealed_key, kek_id, created_at, retired_at, destroyed_at FROM issuer_keys WHERE institution_id = $1 ORDER BY id LIMIT $2`,
		institutionID, maxIssuerKeys)
	id.Keys = keys
	return id, err
}

func scanIssuerKey(r *sql.Rows) (IssuerKey, error) {
	var k IssuerKey
	err := r.Scan(&k.ID, &k.InstitutionID, &k.DID, &k.VerificationMethod, &k.Type, &k.PublicJWK, &k.Sealed, &k.KEKID,
		at(&k.CreatedAt), at(&k.RetiredAt), at(&k.DestroyedAt))
	return k, err
}

// RotateIssuerKey makes key the institution's signing key: the key
// signing until now is retired (it stays listed in the did:web document
// so that what it signed still verifies) and key added, in one
// transaction. For did:web the key's DID must be the identity's; for
// did:key it is the new key's own DID, which becomes the identity's DID
// and the institution's issuer DID.
func (s *Store) RotateIssuerKey(ctx context.Context, institutionID int64, key IssuerKey, by int64) (IssuerIdentity, error) {
	if err := checkIssuerKey(key); err != nil {
		return IssuerIdentity{}, err
	}
	var out IssuerIdentity
	err := s.WithTx(ctx, func(tx *Tx) error {
		id, err := tx.issuerIdentity(institutionID, true)
		if err != nil {
			return err
		}
		if err := checkIssuerMethod(id.Method, key.DID); err != nil {
			return err
		}
		if id.Method == IssuerMethodWeb && key.DID != id.DID {
			return apperror.Field("did", "a did:web identity keeps its DID %s across keys", id.DID)
		}
		old, hasOld := id.SigningKey()
		if hasOld {
			if err := tx.execOne("issuer key", `UPDATE issuer_keys SET retired_at = $1 WHERE id = $2 AND retired_at IS NULL`,
				tx.ts(tx.now), old.ID); err != nil {
				return err
			}
		}
		if err := tx.insertIssuerKey(institutionID, key); err != nil {
			return err
		}
		if key.DID != id.DID {
			if err := tx.execOne("issuing identity", `UPDATE issuer_identities SET did = $1, updated_at = $2 WHERE institution_id = $3`,
				key.DID, tx.ts(tx.now), institutionID); err != nil {
				return err
			}
			if err := tx.setInstitutionIssuer(institutionID, key.DID); err != nil {
				return err
			}
		} else if _, err := tx.exec(`UPDATE issuer_identities SET updated_at = $1 WHERE institution_id = $2`, tx.ts(tx.now), institutionID); err != nil {
			return err
		}
		if err := tx.auditAwardSubject(id.Slug, by, "issuer.rotated", "issuer/"+id.Slug, map[string]any{
			"retired": old.VerificationMethod, "signing": key.VerificationMethod, "did": key.DID}); err != nil {
			return err
		}
		out, err = tx.issuerIdentity(institutionID, false)
		return err
	})
	return out, err
}

// SetIssuerFormat changes the proof format the institution issues in: di,
// jwt or both.
func (s *Store) SetIssuerFormat(ctx context.Context, institutionID int64, format award.Format, by int64) (IssuerIdentity, error) {
	if _, err := award.ParseFormat(string(format)); err != nil {
		return IssuerIdentity{}, err
	}
	var out IssuerIdentity
	err := s.WithTx(ctx, func(tx *Tx) error {
		id, err := tx.issuerIdentity(institutionID, true)
		if err != nil {
			return err
		}
		if id.Format == format {
			out = id
			return nil
		}
		if err := tx.execOne("issuing identity", `UPDATE issuer_identities SET format = $1, updated_at = $2 WHERE institution_id = $3`,
			string(format), tx.ts(tx.now), institutionID); err != nil {
			return err
		}
		if err := tx.auditAwardSubject(id.Slug, by, "issuer.format", "issuer/"+id.Slug, map[string]any{
			"from": id.Format, "to": format}); err != nil {
			return err
		}
		out, err = tx.issuerIdentity(institutionID, false)
		return err
	})
	return out, err
}

// DestroyIssuerKey wipes the sealed private key of a retired key and stops
// listing it in the did:web document: credentials it signed no longer
// verify, which is what a compromised key needs. The signing key cannot be
// destroyed (Conflict): rotate first.
func (s *Store) DestroyIssuerKey(ctx context.Context, institutionID, keyID, by int64) (IssuerIdentity, error) {
	var out IssuerIdentity
	err := s.WithTx(ctx, func(tx *Tx) error {
		id, err := tx.issuerIdentity(institutionID, true)
		if err != nil {
			return err
		}
		var k IssuerKey
		for _, c := range id.Keys {
			if c.ID == keyID {
				k = c
			}
		}
		switch {
		case k.ID == 0:
			return notFound("issuer key")
		case k.RetiredAt.IsZero():
			return apperror.New(apperror.Conflict, "the signing key cannot be destroyed; rotate to a new key first")
		case !k.DestroyedAt.IsZero():
			out = id
			return nil
		}
		if err := tx.execOne("issuer key", `UPDATE issuer_keys SET sealed_key = $1, destroyed_at = $2 WHERE id = $3`,
			[]byte{}, tx.ts(tx.now), k.ID); err != nil {
			return err
		}
		if err := tx.auditAwardSubject(id.Slug, by, "issuer.key_destroyed", "issuer/"+id.Slug, map[string]any{
			"verification_method": k.VerificationMethod}); err != nil {
			return err
		}
		out, err = tx.issuerIdentity(institutionID, false)
		return err
	})
	return out, err
}

// IssuerKEKIDs returns the distinct key-encryption key ids that sealed the
// private keys not destroyed, so that a server can tell at start whether
// its key-encryption key opens them.
func (s *Store) IssuerKEKIDs(ctx context.Context) ([]string, error) {
	var out []string
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = list(tx, func(r *sql.Rows) (string, error) {
			var v string
			return v, r.Scan(&v)
		}, `SELECT DISTINCT kek_id FROM issuer_keys WHERE destroyed_at IS NULL ORDER BY kek_id LIMIT 100`)
		return err
	})
	return out, err
}

// StatusList returns status list id as the store keeps it.
func (s *Store) StatusList(ctx context.Context, id int64) (StatusList, error) {
	var l StatusList
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		l, err = tx.statusList(id, false)
		return err
	})
	return l, err
}

// AllocateStatusEntry hands out one index of the institution's status
// list of purpose (revocation or suspension) kept under the issuer DID,
// starting a new list when the open one is full, for a credential issued
// outside an award (the VC API, endorsement credentials). The index is
// never handed out again, even when the credential is never issued.
func (s *Store) AllocateStatusEntry(ctx context.Context, institutionID int64, issuer, purpose string) (StatusSlot, error) {
	if purpose != status.PurposeRevocation && purpose != status.PurposeSuspension {
		return StatusSlot{}, apperror.Field("purpose", "must be %s or %s, not %q", status.PurposeRevocation, status.PurposeSuspension, purpose)
	}
	if !strings.HasPrefix(issuer, "did:") {
		return StatusSlot{}, apperror.Field("issuer", "must be a DID")
	}
	var slot StatusSlot
	err := s.WithTx(ctx, func(tx *Tx) error {
		ranges, err := tx.reserveIndexes(institutionID, issuer, purpose, 1)
		if err != nil {
			return err
		}
		r := ranges[0]
		allocs, err := tx.allocators([]int64{r.listID})
		if err != nil {
			return err
		}
		index, err := allocs[r.listID].Index(r.firstCounter)
		if err != nil {
			return err
		}
		slot = StatusSlot{ListID: r.listID, Index: index}
		return nil
	})
	return slot, err
}
