package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/award"
	"cairn/internal/status"
)

// Endorsements (issue 5 item 6): staff invite a partner to endorse an
// offering with a one-time link; the partner's endorsement is kept with the
// EndorsementCredential the institution signed for it. Who may invite is
// the web layer's to check before calling these.

// EndorsementInvitation is a one-time link to endorse an offering. Only the
// SHA-256 of its token is kept.
type EndorsementInvitation struct {
	ID         int64
	OfferingID int64
	PartnerID  int64 // 0: not tied to a recorded partner
	CreatedBy  int64
	CreatedAt  time.Time
	ExpiresAt  time.Time
	UsedAt     time.Time // zero until the endorsement is made
}

// Usable reports whether the link can still be used at now.
func (inv EndorsementInvitation) Usable(now time.Time) bool {
	return inv.UsedAt.IsZero() && now.Before(inv.ExpiresAt)
}

// Endorsement is a partner's endorsement of an offering's approved version.
type Endorsement struct {
	ID           int64
	OfferingID   int64
	Version      int
	InvitationID int64
	PartnerID    int64
	EndorserName string
	Organisation string
	URL          string // optional http(s) URL of the organisation
	Email        string // optional; never shown publicly
	Comment      string
	// Credential is the signed EndorsementCredential, JSON.
	Credential []byte
	// Revocation is the credential's entry in the institution's
	// revocation status list, the list awards use; its bit is set when the
	// endorsement is withdrawn. It is zero for endorsements made before
	// endorsement credentials carried a credentialStatus.
	Revocation  StatusSlot
	CreatedAt   time.Time
	WithdrawnAt time.Time // zero while shown
}

// Limits on endorsements.
const (
	// EndorsementInvitationTTL is how long an invitation link works.
	EndorsementInvitationTTL = 30 * 24 * time.Hour
	// MaxEndorsementComment bounds an endorsement's comment, in bytes.
	MaxEndorsementComment = 4000
	// MaxEndorsementField bounds the endorser's name, organisation, URL
	// and email, in bytes.
	MaxEndorsementField = 300
	// MaxEndorsementCredential bounds a stored credential, in bytes.
	MaxEndorsementCredential = 64 << 10
	maxEndorsementsListed    = 200
)

// EndorsementTokenLen is the length of an invitation token: 32 random
// bytes as base64url.
const EndorsementTokenLen = 43

func newEndorsementToken() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("endorsement token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// ValidEndorsementToken reports whether s could be an invitation token, so
// that anything else is refused before a lookup.
func ValidEndorsementToken(s string) bool {
	if len(s) != EndorsementTokenLen {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}

func endorsementTokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

const invitationCols = `id, offering_id, partner_id, created_by, created_at, expires_at, used_at`

func scanInvitation(r interface{ Scan(...any) error }) (EndorsementInvitation, error) {
	var inv EndorsementInvitation
	err := r.Scan(&inv.ID, &inv.OfferingID, ref(&inv.PartnerID), &inv.CreatedBy, at(&inv.CreatedAt), at(&inv.ExpiresAt), at(&inv.UsedAt))
	return inv, err
}

// InviteEndorsement makes a one-time link for endorsing the offering, valid
// for EndorsementInvitationTTL, and returns its token, which is not kept:
// it is shown once. The offering must be approved; a partner, when given,
// must be one of the offering's institution.
func (s *Store) InviteEndorsement(ctx context.Context, offeringID, partnerID, by int64) (token string, inv EndorsementInvitation, err error) {
	if token, err = newEndorsementToken(); err != nil {
		return "", inv, err
	}
	err = s.WithTx(ctx, func(tx *Tx) error {
		o, err := tx.offering(offeringID, false)
		if err != nil {
			return err
		}
		if o.ApprovedVersion == 0 {
			return apperror.New(apperror.Conflict, "only an approved offering can be endorsed")
		}
		if partnerID != 0 {
			p, err := tx.partner(partnerID)
			if err != nil {
				return err
			}
			if p.InstitutionID != o.InstitutionID {
				return apperror.Field("partner_id", "is not a partner of the offering's institution")
			}
		}
		inv = EndorsementInvitation{OfferingID: offeringID, PartnerID: partnerID, CreatedBy: by,
			CreatedAt: tx.now, ExpiresAt: tx.now.Add(EndorsementInvitationTTL)}
		return tx.get("endorsement invitation", `INSERT INTO endorsement_invitations
			(offering_id, partner_id, token_hash, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			[]any{offeringID, nullID(partnerID), endorsementTokenHash(token), by, tx.ts(inv.CreatedAt), tx.ts(inv.ExpiresAt)}, &inv.ID)
	})
	if err != nil {
		return "", EndorsementInvitation{}, err
	}
	return token, inv, nil
}

// EndorsementInvitationByToken returns the invitation with the token, used
// or expired or not; an unknown token is NotFound.
func (s *Store) EndorsementInvitationByToken(ctx context.Context, token string) (EndorsementInvitation, error) {
	var inv EndorsementInvitation
	if !ValidEndorsementToken(token) {
		return inv, notFound("endorsement invitation")
	}
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		inv, err = scanInvitation(tx.sql.QueryRowContext(tx.ctx, `SELECT `+invitationCols+` FROM endorsement_invitations WHERE token_hash = $1`,
			endorsementTokenHash(token)))
		if isNoRows(err) {
			return notFound("endorsement invitation")
		}
		return tx.s.translate(err)
	})
	return inv, err
}

func (e *Endorsement) validate() error {
	switch {
	case e.EndorserName == "":
		return apperror.Field("endorser_name", "is required")
	case e.Organisation == "":
		return apperror.Field("organisation", "is required")
	case e.Comment == "":
		return apperror.Field("comment", "is required")
	case len(e.Comment) > MaxEndorsementComment:
		return apperror.Field("comment", "must be at most %d bytes", MaxEndorsementComment)
	case len(e.Credential) == 0 || len(e.Credential) > MaxEndorsementCredential:
		return apperror.Field("credential", "must be 1 to %d bytes", MaxEndorsementCredential)
	case e.Version <= 0:
		return apperror.Field("version", "must be an approved version")
	}
	for name, v := range map[string]string{"endorser_name": e.EndorserName, "organisation": e.Organisation, "url": e.URL, "email": e.Email} {
		if len(v) > MaxEndorsementField {
			return apperror.Field(name, "must be at most %d bytes", MaxEndorsementField)
		}
	}
	return nil
}

// Endorse uses up the invitation with the token and records e for its
// offering (e.OfferingID, e.InvitationID and e.PartnerID are filled in).
// A used or expired invitation is a Conflict, an unknown one NotFound; of
// two concurrent uses one wins. e.Revocation, when set, is the entry the
// credential names (from AllocateStatusEntry): it must be in a revocation
// list of the offering's institution.
func (s *Store) Endorse(ctx context.Context, token string, e *Endorsement) error {
	inv, err := s.EndorsementInvitationByToken(ctx, token)
	if err != nil {
		return err
	}
	e.OfferingID, e.InvitationID, e.PartnerID = inv.OfferingID, inv.ID, inv.PartnerID
	if err := e.validate(); err != nil {
		return err
	}
	return s.WithTx(ctx, func(tx *Tx) error {
		if !inv.ExpiresAt.After(tx.now) {
			return apperror.New(apperror.Conflict, "this endorsement invitation has expired")
		}
		res, err := tx.exec(`UPDATE endorsement_invitations SET used_at = $1 WHERE id = $2 AND used_at IS NULL`, tx.ts(tx.now), inv.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return tx.s.translate(err)
		} else if n != 1 {
			return apperror.New(apperror.Conflict, "this endorsement invitation has already been used")
		}
		var index any
		if e.Revocation.ListID != 0 {
			if err := tx.checkEndorsementSlot(e.OfferingID, e.Revocation); err != nil {
				return err
			}
			index = e.Revocation.Index
		}
		e.CreatedAt = tx.now
		return tx.get("endorsement", `INSERT INTO endorsements (offering_id, version, invitation_id, partner_id, endorser_name,
			organisation, url, email, comment, credential, revocation_list, revocation_index, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
			[]any{e.OfferingID, e.Version, e.InvitationID, nullID(e.PartnerID), e.EndorserName, e.Organisation, e.URL, e.Email,
				e.Comment, string(e.Credential), nullID(e.Revocation.ListID), index, tx.ts(e.CreatedAt)}, &e.ID)
	})
}

// checkEndorsementSlot checks that slot is an entry of a revocation list
// of the offering's institution.
func (tx *Tx) checkEndorsementSlot(offeringID int64, slot StatusSlot) error {
	o, err := tx.offering(offeringID, false)
	if err != nil {
		return err
	}
	l, err := tx.statusList(slot.ListID, false)
	if is(err, apperror.NotFound) {
		return apperror.Field("revocation", "status list %d does not exist", slot.ListID)
	}
	if err != nil {
		return err
	}
	switch {
	case l.InstitutionID != o.InstitutionID || l.Purpose != status.PurposeRevocation:
		return apperror.Field("revocation", "status list %d is not a revocation list of the offering's institution", l.ID)
	case slot.Index < 0 || slot.Index >= l.Length:
		return apperror.Field("revocation", "index %d is outside status list %d", slot.Index, l.ID)
	}
	return nil
}

const endorsementCols = `id, offering_id, version, invitation_id, partner_id, endorser_name, organisation, url, email, comment,
	credential, revocation_list, revocation_index, created_at, withdrawn_at`

func scanEndorsement(r interface{ Scan(...any) error }) (Endorsement, error) {
	var e Endorsement
	var cred string
	var index sql.NullInt64
	err := r.Scan(&e.ID, &e.OfferingID, &e.Version, &e.InvitationID, ref(&e.PartnerID), &e.EndorserName, &e.Organisation,
		&e.URL, &e.Email, &e.Comment, &cred, ref(&e.Revocation.ListID), &index, at(&e.CreatedAt), at(&e.WithdrawnAt))
	e.Credential = []byte(cred)
	e.Revocation.Index = int(index.Int64)
	return e, err
}

// Endorsement returns an endorsement of the offering still shown;
// NotFound when it has none such.
func (s *Store) Endorsement(ctx context.Context, offeringID, id int64) (Endorsement, error) {
	var e Endorsement
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		e, err = tx.shownEndorsement(offeringID, id)
		return err
	})
	return e, err
}

func (tx *Tx) shownEndorsement(offeringID, id int64) (Endorsement, error) {
	e, err := scanEndorsement(tx.sql.QueryRowContext(tx.ctx, `SELECT `+endorsementCols+` FROM endorsements
		WHERE id = $1 AND offering_id = $2 AND withdrawn_at IS NULL`, id, offeringID))
	if isNoRows(err) {
		return e, notFound("endorsement")
	}
	return e, tx.s.translate(err)
}

// Endorsements returns the offering's endorsements not withdrawn, oldest
// first, at most 200.
func (s *Store) Endorsements(ctx context.Context, offeringID int64) ([]Endorsement, error) {
	var out []Endorsement
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = list(tx, func(r *sql.Rows) (Endorsement, error) { return scanEndorsement(r) },
			`SELECT `+endorsementCols+` FROM endorsements WHERE offering_id = $1 AND withdrawn_at IS NULL ORDER BY id LIMIT $2`,
			offeringID, maxEndorsementsListed)
		return err
	})
	return out, err
}

// WithdrawEndorsement withdraws an endorsement of the offering, by the
// person by, for reason, which is required (Invalid). The endorsement is
// kept but no longer shown: not on the registry page, in achievement.json
// or in the Achievement of later awards (the offering's registry entry is
// queued again). The withdrawal, with its reason, is in the audit trail.
// It is NotFound when the offering has no such endorsement shown.
//
// When the endorsement's credential has a revocation entry, its bit is set
// and the list signed again with ls and published in the same transaction,
// as Revoke does for an award, so that copies of the credential (in
// awards issued before, or downloaded) no longer verify. ls must sign the
// list the entry is in (its issuer); with a nil ls, as when that issuing
// key was destroyed, the list is only marked stale. Endorsements made
// before endorsement credentials carried a credentialStatus have no entry:
// they are withdrawn as before, with nothing to revoke, and a copy of
// their credential stays valid.
func (s *Store) WithdrawEndorsement(ctx context.Context, ls ListSigner, offeringID, id, by int64, reason string) error {
	if err := award.CheckReason(reason); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	return s.WithTx(ctx, func(tx *Tx) error {
		e, err := tx.shownEndorsement(offeringID, id)
		if err != nil {
			return err
		}
		if err := tx.execOne("endorsement", `UPDATE endorsements SET withdrawn_at = $1 WHERE id = $2 AND withdrawn_at IS NULL`,
			tx.ts(tx.now), e.ID); err != nil {
			return err
		}
		if err := tx.revokeEndorsement(ls, e); err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT INTO registry_queue (offering_id) VALUES ($1) ON CONFLICT DO NOTHING`, offeringID); err != nil {
			return err
		}
		o, err := tx.offering(offeringID, false)
		if err != nil {
			return err
		}
		slug, err := tx.institutionSlug(o.InstitutionID)
		if err != nil {
			return err
		}
		return tx.auditAwardSubject(slug, by, "endorsement.withdrawn", "endorsement/"+strconv.FormatInt(e.ID, 10), map[string]any{
			"offering": offeringID, "version": e.Version, "organisation": e.Organisation, "endorser": e.EndorserName, "reason": reason})
	})
}

// revokeEndorsement publishes the revocation list of a withdrawn
// endorsement's entry with its bit set (publishList sets the bits of
// withdrawn endorsements). An endorsement without an entry has nothing to
// revoke.
func (tx *Tx) revokeEndorsement(ls ListSigner, e Endorsement) error {
	if e.Revocation.ListID == 0 {
		return nil
	}
	if _, err := tx.exec(`UPDATE status_lists SET stale = $1, updated_at = $2 WHERE id = $3`, true, tx.ts(tx.now), e.Revocation.ListID); err != nil {
		return err
	}
	if ls == nil {
		return nil
	}
	_, err := tx.publishList(ls, e.Revocation.ListID)
	return err
}

// versionEndorsements returns the signed credentials of the endorsements
// of an offering version not withdrawn, oldest first, at most
// award.MaxEndorsements: what its awards embed in their Achievement.
func (tx *Tx) versionEndorsements(offeringID int64, version int) ([]json.RawMessage, error) {
	return list(tx, func(r *sql.Rows) (json.RawMessage, error) {
		var c string
		err := r.Scan(&c)
		return json.RawMessage(c), err
	}, `SELECT credential FROM endorsements WHERE offering_id = $1 AND version = $2 AND withdrawn_at IS NULL ORDER BY id LIMIT $3`,
		offeringID, version, award.MaxEndorsements)
}
