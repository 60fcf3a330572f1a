package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/audit"
	"cairn/internal/award"
	"cairn/internal/status"
)

// ListSigner publishes status lists: it names the issuer they belong to,
// the URL each is published at, and signs a list credential. An
// *award.Pipeline is one.
type ListSigner interface {
	IssuerID() string
	StatusListURL(listID int64) string
	SignStatusList(vc map[string]any) ([]byte, error)
}

// Issuer builds and signs awards for the store, and words the notice a
// learner gets. An *award.Pipeline is one; Issue is called from several
// goroutines at once.
type Issuer interface {
	ListSigner
	Issue(in award.Input) (award.Signed, error)
	Notice(learnerName string, o award.Offering) (subject, body string)
}

// Award is an issued credential as the store keeps it.
type Award struct {
	ID            int64
	InstitutionID int64
	// Key is the idempotency key (award.Key); CredentialID the
	// credential's id (a urn:uuid).
	Key          string
	CredentialID string
	// EmailHash is award.EmailHash of the learner's address.
	EmailHash  string
	PersonID   int64 // 0 when the learner has no account
	OfferingID int64
	Version    int
	RunID      int64 // 0 for none
	BatchID    int64 // 0 for a single award
	// ReplacesID is the award this one corrects, 0 for none.
	ReplacesID int64
	// Credits is the creditsEarned of the credential, 0 for none.
	Credits float64
	// Credential is the JSON (with its Data Integrity proof when issued
	// as DI); JWT the compact JWS when issued as JWT.
	Credential json.RawMessage
	JWT        string
	Revocation StatusSlot
	Suspension StatusSlot
	Status     award.Status
	// StatusReason, StatusBy and StatusAt record the last status change.
	StatusReason string
	StatusBy     int64
	StatusAt     time.Time
	IssuedAt     time.Time
	ValidUntil   time.Time // zero when it never expires
	CreatedBy    int64
	CreatedAt    time.Time
}

// State is what a verifier would say of the award at now: active,
// suspended, revoked or expired.
func (a Award) State(now time.Time) string { return award.State(a.Status, a.ValidUntil, now) }

// StatusSlot is an award's entry in one status list.
type StatusSlot struct {
	ListID int64
	Index  int
}

// Limits on awards.
const (
	maxAwardsListed = 1000
	maxSourceBytes  = 200
	// maxListLength bounds a status list read back from the database.
	maxListLength = 1 << 24
)

const awardCols = `id, institution_id, award_key, credential_id, email_hash, person_id, offering_id, version, run_id,
	batch_id, replaces_id, credits, credential, jwt, revocation_list, revocation_index, suspension_list, suspension_index,
	status, status_reason, status_by, status_at, issued_at, valid_until, created_by, created_at`

func scanAward(r interface{ Scan(...any) error }) (Award, error) {
	var a Award
	var cred, st string
	err := r.Scan(&a.ID, &a.InstitutionID, &a.Key, &a.CredentialID, &a.EmailHash, ref(&a.PersonID), &a.OfferingID,
		&a.Version, ref(&a.RunID), ref(&a.BatchID), ref(&a.ReplacesID), &a.Credits, &cred, &a.JWT, &a.Revocation.ListID,
		&a.Revocation.Index, &a.Suspension.ListID, &a.Suspension.Index, &st, &a.StatusReason, ref(&a.StatusBy),
		at(&a.StatusAt), at(&a.IssuedAt), at(&a.ValidUntil), ref(&a.CreatedBy), at(&a.CreatedAt))
	a.Credential, a.Status = json.RawMessage(cred), award.Status(st)
	return a, err
}

// Award returns the award with id.
func (s *Store) Award(ctx context.Context, id int64) (Award, error) {
	var a Award
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		a, err = tx.award(id, false)
		return err
	})
	return a, err
}

func (tx *Tx) award(id int64, lock bool) (Award, error) {
	q := `SELECT ` + awardCols + ` FROM awards WHERE id = $1`
	if lock && tx.s.engine == PostgreSQL {
		q += ` FOR UPDATE`
	}
	a, err := scanAward(tx.sql.QueryRowContext(tx.ctx, q, id))
	if isNoRows(err) {
		return a, notFound("award")
	}
	return a, tx.s.translate(err)
}

// AwardByCredentialID returns the award whose credential has the id (a
// urn:uuid).
func (s *Store) AwardByCredentialID(ctx context.Context, credentialID string) (Award, error) {
	var a Award
	err := s.ReadTx(ctx, func(tx *Tx) error {
		var err error
		a, err = scanAward(tx.sql.QueryRowContext(tx.ctx, `SELECT `+awardCols+` FROM awards WHERE credential_id = $1`, credentialID))
		if isNoRows(err) {
			return notFound("award")
		}
		return tx.s.translate(err)
	})
	return a, err
}

// AwardsForLearner returns the awards of the learner with the email
// address, newest first (at most 1000).
func (s *Store) AwardsForLearner(ctx context.Context, email string) ([]Award, error) {
	if err := award.CheckEmail(email); err != nil {
		return nil, err
	}
	var out []Award
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = list(tx, func(r *sql.Rows) (Award, error) { return scanAward(r) },
			`SELECT `+awardCols+` FROM awards WHERE email_hash = $1 ORDER BY id DESC LIMIT $2`, award.EmailHash(email), maxAwardsListed)
		return err
	})
	return out, err
}

// AwardsForOffering returns the awards of an offering, oldest first, from
// after the award id after on, at most n (1 to 1000).
func (s *Store) AwardsForOffering(ctx context.Context, offeringID, after int64, n int) ([]Award, error) {
	if n < 1 || n > maxAwardsListed {
		return nil, apperror.Field("n", "must be between 1 and %d", maxAwardsListed)
	}
	var out []Award
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = list(tx, func(r *sql.Rows) (Award, error) { return scanAward(r) },
			`SELECT `+awardCols+` FROM awards WHERE offering_id = $1 AND id > $2 ORDER BY id LIMIT $3`, offeringID, after, n)
		return err
	})
	return out, err
}

// AwardRequest is one award to one learner.
type AwardRequest struct {
	OfferingID int64
	// Version is the offering version to award; 0 means the approved
	// one, which is the only one that may be awarded.
	Version int
	RunID   int64 // the run the learner completed, 0 for none
	Email   string
	// Name is the learner's name, for the notice only.
	Name string
	// LearnerDID, when set, becomes the credential subject's id.
	LearnerDID  string
	Result      string
	EvidenceURL string
	// IssuedOn is the day the award is valid from; zero means now.
	IssuedOn time.Time
	// RequireKnown refuses a learner without an account.
	RequireKnown bool
	// By is the person awarding, 0 for the system.
	By int64
}

// IssueAward awards an offering version to one learner: it checks the
// offering may be awarded, allocates the award's status list entries,
// builds and signs the credential with iss, and stores it with a notice to
// the learner and an audit event, in one transaction. An award with the
// same key (learner, version, run) already issued is returned as it is,
// with issued false: a retried request issues nothing twice. In the same
// transaction, every stack of the institution the award completes is
// awarded with iss too (completeStacks), so a part and the larger
// credential it completes are issued together or not at all.
func (s *Store) IssueAward(ctx context.Context, iss Issuer, req AwardRequest) (a Award, issued bool, err error) {
	row := award.Row{Email: req.Email, Name: req.Name, Result: req.Result, EvidenceURL: req.EvidenceURL, DID: req.LearnerDID, IssuedOn: req.IssuedOn}
	if e := row.Check(s.now()); e != nil {
		return Award{}, false, e
	}
	email := award.NormalizeEmail(req.Email)
	err = s.WithTx(ctx, func(tx *Tx) error {
		var err error
		if a, issued, err = tx.issueAward(iss, req, email); err != nil {
			return err
		}
		// The award may complete stacks the offering is part of; they are
		// awarded in the same transaction (see completeStacks), so a
		// retried request completes any it missed.
		_, err = tx.completeStacks(iss, email, a.OfferingID, req.By, 0)
		return err
	})
	return a, issued, err
}

// issueAward is IssueAward in tx, for the checked request and normalized
// email, without the stacks.
func (tx *Tx) issueAward(iss Issuer, req AwardRequest, email string) (a Award, issued bool, err error) {
	err = func() error {
		o, inst, err := tx.awardOffering(req.OfferingID, req.Version)
		if err != nil {
			return err
		}
		if err := o.Awardable(); err != nil {
			return err
		}
		if err := tx.checkRun(req.RunID, o.ID); err != nil {
			return err
		}
		key := award.Key(email, o.ID, o.Version, req.RunID)
		if id, ok, err := tx.awardByKey(key); err != nil || ok {
			if err == nil {
				a, err = tx.award(id, false)
			}
			return err
		}
		people, err := tx.peopleByEmail([]string{email})
		if err != nil {
			return err
		}
		personID, known := people[email]
		if req.RequireKnown && !known {
			return apperror.Field("email", "unknown learner: no account has this email address")
		}
		slots, err := tx.reserveSlots(inst.id, iss.IssuerID(), 1)
		if err != nil {
			return err
		}
		issuedAt := tx.now
		if !req.IssuedOn.IsZero() {
			issuedAt = req.IssuedOn
		}
		in, err := awardInput(iss, o, slots[0], email, req.LearnerDID, req.Result, req.EvidenceURL, issuedAt)
		if err != nil {
			return err
		}
		signed, err := iss.Issue(in)
		if err != nil {
			return err
		}
		na := newAward{key: key, personID: personID, runID: req.RunID, createdBy: req.By, slots: slots[0], in: in, signed: signed, email: email}
		ids, err := tx.insertAwards(inst.id, o, 0, []newAward{na})
		if err != nil {
			return err
		}
		id, ok := ids[key]
		if !ok {
			return apperror.New(apperror.Conflict, "the award was issued by someone else meanwhile; try again")
		}
		if err := tx.noticeAward(iss, inst.id, id, email, req.Name, o); err != nil {
			return err
		}
		if err := tx.auditAward(inst.slug, req.By, "award.issued", id, map[string]any{
			"offering": o.ID, "version": o.Version, "credential": in.CredentialID}); err != nil {
			return err
		}
		a, err = tx.award(id, false)
		issued = true
		return err
	}()
	return a, issued, err
}

// awardInstitution is the institution an offering belongs to.
type awardInstitution struct {
	id   int64
	slug string
}

// awardOffering loads an offering version as award sees it: the given
// version, or the approved one when version is 0, with its endorsements
// and the stacks it is a part of. A batch loads it once for all its rows.
func (tx *Tx) awardOffering(offeringID int64, version int) (award.Offering, awardInstitution, error) {
	o, err := tx.offering(offeringID, false)
	if err != nil {
		return award.Offering{}, awardInstitution{}, err
	}
	if version == 0 {
		version = o.ApprovedVersion
	}
	inst := awardInstitution{id: o.InstitutionID}
	if err := tx.get("institution", `SELECT slug FROM institutions WHERE id = $1`, []any{o.InstitutionID}, &inst.slug); err != nil {
		return award.Offering{}, inst, err
	}
	ao := award.Offering{ID: o.ID, Version: version, Status: o.Status, ApprovedVersion: o.ApprovedVersion}
	if version == 0 {
		// Never approved: there is no version to award, and Awardable
		// says why.
		return ao, inst, nil
	}
	var form string
	err = tx.get("offering version", `SELECT form, hash FROM offering_versions WHERE offering_id = $1 AND number = $2`,
		[]any{o.ID, version}, &form, &ao.Hash)
	if err != nil {
		return ao, inst, err
	}
	if err := json.Unmarshal([]byte(form), &ao.Form); err != nil {
		return ao, inst, fmt.Errorf("offering %d version %d: decode form: %w", o.ID, version, err)
	}
	if ao.Endorsements, err = tx.versionEndorsements(o.ID, version); err != nil {
		return ao, inst, err
	}
	if ao.Stacks, err = tx.awardStacks(o.ID); err != nil {
		return ao, inst, err
	}
	return ao, inst, nil
}

// checkRun checks that a run, if any, is one of the offering's.
func (tx *Tx) checkRun(runID, offeringID int64) error {
	if runID == 0 {
		return nil
	}
	var n int
	if err := tx.get("offering run", `SELECT count(*) FROM offering_runs WHERE id = $1 AND offering_id = $2`, []any{runID, offeringID}, &n); err != nil {
		return err
	}
	if n == 0 {
		return apperror.Field("run_id", "no such run of the offering")
	}
	return nil
}

func (tx *Tx) awardByKey(key string) (int64, bool, error) {
	var id int64
	err := tx.get("award", `SELECT id FROM awards WHERE award_key = $1`, []any{key}, &id)
	if is(err, apperror.NotFound) {
		return 0, false, nil
	}
	return id, err == nil, err
}

// bindMarks returns n query parameters numbered from from: "$from, …" on
// PostgreSQL, and bare "?" on SQLite, whose parser looks every $N up in a
// list (quadratic in the parameters of a long multi-row statement) but
// numbers bare ? in order. A statement using bindMarks must number all its
// parameters with it, in order.
func (tx *Tx) bindMarks(from, n int) string {
	if tx.s.engine != SQLite {
		return placeholders(from, n)
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// lookupChunk is how many values one IN (...) lookup carries.
const lookupChunk = 500

// peopleByEmail returns the ids of the people with the (normalized) email
// addresses.
func (tx *Tx) peopleByEmail(emails []string) (map[string]int64, error) {
	return tx.idsByValue(`SELECT id, email FROM people WHERE email IN (`, emails)
}

// awardsByKey returns the ids of the awards with the keys.
func (tx *Tx) awardsByKey(keys []string) (map[string]int64, error) {
	return tx.idsByValue(`SELECT id, award_key FROM awards WHERE award_key IN (`, keys)
}

// idsByValue runs selectIn, a query selecting (id, value) that ends in an
// open "IN (", for the values lookupChunk at a time, and maps each value
// found to its id.
func (tx *Tx) idsByValue(selectIn string, values []string) (map[string]int64, error) {
	out := make(map[string]int64)
	for from := 0; from < len(values); from += lookupChunk {
		part := values[from:min(from+lookupChunk, len(values))]
		args := make([]any, len(part))
		for i, v := range part {
			args[i] = v
		}
		rows, err := tx.query(selectIn+tx.bindMarks(1, len(part))+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var value string
			if err := rows.Scan(&id, &value); err != nil {
				rows.Close()
				return nil, tx.s.translate(err)
			}
			out[value] = id
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, tx.s.translate(err)
		}
	}
	return out, nil
}

// slotPair is an award's two status list entries.
type slotPair struct {
	revocation, suspension StatusSlot
}

// awardInput is the award.Input of one award.
func awardInput(iss Issuer, o award.Offering, slots slotPair, email, did, result, evidence string, issuedAt time.Time) (award.Input, error) {
	id, err := newCredentialID(time.Now())
	if err != nil {
		return award.Input{}, err
	}
	return award.Input{
		CredentialID: id,
		Offering:     o,
		Email:        email,
		LearnerDID:   did,
		Result:       result,
		EvidenceURL:  evidence,
		IssuedAt:     issuedAt,
		Revocation:   award.StatusRef{ListURL: iss.StatusListURL(slots.revocation.ListID), Index: slots.revocation.Index},
		Suspension:   award.StatusRef{ListURL: iss.StatusListURL(slots.suspension.ListID), Index: slots.suspension.Index},
	}, nil
}

// newCredentialID returns a time-ordered (version 7, RFC 9562) urn:uuid:
// a millisecond timestamp then 74 random bits. Ids issued in order insert
// at the end of the unique index instead of all over it, which keeps bulk
// awards fast as the table grows; the time it shows is in the credential
// already.
func newCredentialID(now time.Time) (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[6:]); err != nil {
		return "", fmt.Errorf("credential id: %w", err)
	}
	ms := uint64(now.UnixMilli())
	for i := range 6 {
		b[i] = byte(ms >> (40 - 8*i))
	}
	b[6] = b[6]&0x0f | 0x70
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return "urn:uuid:" + h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

// newAward is an award signed and ready to store.
type newAward struct {
	key       string
	email     string
	personID  int64
	runID     int64
	createdBy int64
	replaces  int64
	slots     slotPair
	in        award.Input
	signed    award.Signed
}

// awardInsertChunk is how many awards one INSERT carries: 23 values each,
// well inside both engines' limits on parameters.
const awardInsertChunk = 200

// insertAwards stores the awards, skipping any whose key is already
// awarded, and returns the ids of those it stored by key.
func (tx *Tx) insertAwards(institutionID int64, o award.Offering, batchID int64, awards []newAward) (map[string]int64, error) {
	const cols = 23
	out := make(map[string]int64, len(awards))
	credits := o.Credits()
	for from := 0; from < len(awards); from += awardInsertChunk {
		part := awards[from:min(from+awardInsertChunk, len(awards))]
		var q strings.Builder
		q.WriteString(`INSERT INTO awards (institution_id, award_key, credential_id, email_hash, person_id, offering_id,
			version, run_id, batch_id, replaces_id, credits, credential, jwt, revocation_list, revocation_index, suspension_list,
			suspension_index, status, status_reason, issued_at, valid_until, created_by, created_at) VALUES `)
		args := make([]any, 0, len(part)*cols)
		for i, a := range part {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteString("(" + tx.bindMarks(i*cols+1, cols) + ")")
			until, err := o.ValidUntil(a.in.IssuedAt)
			if err != nil {
				return nil, err
			}
			var validUntil any
			if !until.IsZero() {
				validUntil = tx.ts(until)
			}
			args = append(args, institutionID, a.key, a.in.CredentialID, award.EmailHash(a.email), nullID(a.personID),
				o.ID, o.Version, nullID(a.runID), nullID(batchID), nullID(a.replaces), credits, string(a.signed.JSON), a.signed.JWT,
				a.slots.revocation.ListID, a.slots.revocation.Index, a.slots.suspension.ListID, a.slots.suspension.Index,
				string(award.Active), "", tx.ts(a.in.IssuedAt.UTC().Truncate(time.Second)), validUntil,
				nullID(a.createdBy), tx.ts(tx.now))
		}
		q.WriteString(` ON CONFLICT (award_key) DO NOTHING RETURNING id, award_key`)
		rows, err := tx.query(q.String(), args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var key string
			if err := rows.Scan(&id, &key); err != nil {
				rows.Close()
				return nil, tx.s.translate(err)
			}
			out[key] = id
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, tx.s.translate(err)
		}
	}
	return out, nil
}

// noticeAward queues the email telling the learner of award id.
func (tx *Tx) noticeAward(iss Issuer, institutionID, id int64, email, name string, o award.Offering) error {
	subject, body := iss.Notice(name, o)
	return tx.s.EnqueueNotificationTx(tx, awardNotice(institutionID, id, email, subject, body))
}

// awardNotice is the outbox notification of award id.
func awardNotice(institutionID, id int64, email, subject, body string) *Notification {
	if len(subject) > maxSubjectBytes {
		subject = strings.ToValidUTF8(subject[:maxSubjectBytes], "")
	}
	return &Notification{InstitutionID: institutionID, Kind: "award_issued", Recipient: email,
		Subject: subject, Body: body, Key: "award/" + strconv.FormatInt(id, 10) + "/issued"}
}

// enqueueNotices adds a chunk's notices to the outbox as
// EnqueueNotificationTx does one, with one statement per chunk: queued
// one by one they would cost a bulk award as much as its awards.
func (tx *Tx) enqueueNotices(ns []*Notification) error {
	const cols = 11
	for from := 0; from < len(ns); from += awardInsertChunk {
		part := ns[from:min(from+awardInsertChunk, len(ns))]
		var q strings.Builder
		q.WriteString(`INSERT INTO notifications (institution_id, kind, recipient, subject, body, dedupe_key, status, attempts,
			max_attempts, available_at, created_at) VALUES `)
		args := make([]any, 0, len(part)*cols)
		for i, n := range part {
			if err := n.validate(); err != nil {
				return err
			}
			if n.MaxAttempts == 0 {
				n.MaxAttempts = DefaultMaxAttempts
			}
			if n.AvailableAt.Before(tx.now) {
				n.AvailableAt = tx.now
			}
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteString("(" + tx.bindMarks(i*cols+1, cols) + ")")
			var key any
			if n.Key != "" {
				key = n.Key
			}
			args = append(args, nullID(n.InstitutionID), n.Kind, n.Recipient, n.Subject, n.Body, key, string(Pending), 0,
				n.MaxAttempts, tx.ts(n.AvailableAt), tx.ts(tx.now))
		}
		if _, err := tx.exec(q.String(), args...); err != nil {
			return taken(err, "key", "a notification with this key is already queued")
		}
	}
	return nil
}

// auditAward records an event about award id.
func (tx *Tx) auditAward(institution string, by int64, action string, id int64, data map[string]any) error {
	return tx.auditAwardSubject(institution, by, action, "award/"+strconv.FormatInt(id, 10), data)
}

func (tx *Tx) auditAwardSubject(institution string, by int64, action, subject string, data map[string]any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	_, err = tx.s.AppendAudit(tx, audit.Event{Institution: institution, Actor: actor(by), Action: action,
		Subject: subject, Data: raw})
	return err
}

// Revoke revokes an award for good, for reason, by the person by: its
// revocation bit is set and the revocation list is signed again with ls
// and published in the same transaction. A revoked award cannot be revoked
// again (Conflict).
func (s *Store) Revoke(ctx context.Context, ls ListSigner, awardID, by int64, reason string) (Award, error) {
	return s.changeAward(ctx, ls, awardID, by, award.Revoke, reason)
}

// Suspend suspends an active award, as Revoke does with the suspension
// list; Reinstate lifts the suspension.
func (s *Store) Suspend(ctx context.Context, ls ListSigner, awardID, by int64, reason string) (Award, error) {
	return s.changeAward(ctx, ls, awardID, by, award.Suspend, reason)
}

// Reinstate lifts the suspension of a suspended award: its suspension bit
// is cleared and the suspension list published again.
func (s *Store) Reinstate(ctx context.Context, ls ListSigner, awardID, by int64, reason string) (Award, error) {
	return s.changeAward(ctx, ls, awardID, by, award.Reinstate, reason)
}

// Correction is a corrected award's new content.
type Correction struct {
	// Email is the learner's address, which must be the one the award was
	// issued to: the store keeps only its hash, and the credential needs
	// it to hash afresh.
	Email       string
	Name        string // for the notice only
	LearnerDID  string
	Result      string
	EvidenceURL string
	IssuedOn    time.Time // zero means now
	Reason      string
	By          int64
}

// CorrectAward re-issues an award with corrected content: in one
// transaction the award is revoked (reason "corrected: …") and gives its
// key up to a new award of the same offering version and run whose
// credential names the old one (award.TermReplaces) and whose ReplacesID
// links to it; the revocation list is re-signed with iss and the learner
// told. A revoked award cannot be corrected (Conflict), nor one whose
// offering can no longer be awarded.
func (s *Store) CorrectAward(ctx context.Context, iss Issuer, awardID int64, c Correction) (Award, error) {
	row := award.Row{Email: c.Email, Name: c.Name, Result: c.Result, EvidenceURL: c.EvidenceURL, DID: c.LearnerDID, IssuedOn: c.IssuedOn}
	if e := row.Check(s.now()); e != nil {
		return Award{}, e
	}
	if err := award.CheckReason(c.Reason); err != nil {
		return Award{}, err
	}
	email, reason := award.NormalizeEmail(c.Email), "corrected: "+strings.TrimSpace(c.Reason)
	var out Award
	err := s.WithTx(ctx, func(tx *Tx) error {
		old, err := tx.award(awardID, true)
		if err != nil {
			return err
		}
		if _, err := award.Transition(old.Status, award.Revoke); err != nil {
			return apperror.New(apperror.Conflict, "a %s award cannot be corrected", old.Status)
		}
		if award.EmailHash(email) != old.EmailHash {
			return apperror.Field("email", "is not the address this award was issued to")
		}
		o, inst, err := tx.awardOffering(old.OfferingID, old.Version)
		if err != nil {
			return err
		}
		if err := o.Awardable(); err != nil {
			return err
		}
		if err := tx.execOne("award", `UPDATE awards SET award_key = $1, status = $2, status_reason = $3, status_by = $4,
			status_at = $5 WHERE id = $6 AND status = $7`, award.SupersededKey(old.Key, old.ID), string(award.Revoked),
			reason, nullID(c.By), tx.ts(tx.now), old.ID, string(old.Status)); err != nil {
			return err
		}
		slots, err := tx.reserveSlots(inst.id, iss.IssuerID(), 1)
		if err != nil {
			return err
		}
		issuedAt := tx.now
		if !c.IssuedOn.IsZero() {
			issuedAt = c.IssuedOn
		}
		in, err := awardInput(iss, o, slots[0], email, c.LearnerDID, c.Result, c.EvidenceURL, issuedAt)
		if err != nil {
			return err
		}
		in.Replaces = old.CredentialID
		signed, err := iss.Issue(in)
		if err != nil {
			return err
		}
		ids, err := tx.insertAwards(inst.id, o, 0, []newAward{{key: old.Key, email: email, personID: old.PersonID,
			runID: old.RunID, createdBy: c.By, replaces: old.ID, slots: slots[0], in: in, signed: signed}})
		if err != nil {
			return err
		}
		id := ids[old.Key]
		lists := []int64{old.Revocation.ListID}
		if old.Status == award.Suspended {
			lists = append(lists, old.Suspension.ListID)
		}
		for _, l := range lists {
			if _, err := tx.exec(`UPDATE status_lists SET stale = $1, updated_at = $2 WHERE id = $3`, true, tx.ts(tx.now), l); err != nil {
				return err
			}
			if _, err := tx.publishList(iss, l); err != nil {
				return err
			}
		}
		if err := tx.noticeAward(iss, inst.id, id, email, c.Name, o); err != nil {
			return err
		}
		if err := tx.auditAward(inst.slug, c.By, "award.corrected", old.ID, map[string]any{
			"replaced_by": id, "credential": in.CredentialID, "reason": reason}); err != nil {
			return err
		}
		out, err = tx.award(id, false)
		return err
	})
	return out, err
}

func (s *Store) changeAward(ctx context.Context, ls ListSigner, awardID, by int64, action award.Action, reason string) (Award, error) {
	if err := award.CheckReason(reason); err != nil {
		return Award{}, err
	}
	reason = strings.TrimSpace(reason)
	var out Award
	err := s.WithTx(ctx, func(tx *Tx) error {
		a, err := tx.award(awardID, true)
		if err != nil {
			return err
		}
		to, err := award.Transition(a.Status, action)
		if err != nil {
			return err
		}
		if err := tx.execOne("award", `UPDATE awards SET status = $1, status_reason = $2, status_by = $3, status_at = $4
			WHERE id = $5 AND status = $6`, string(to), reason, nullID(by), tx.ts(tx.now), a.ID, string(a.Status)); err != nil {
			return err
		}
		// The bits of both lists follow the status: revoking a suspended
		// award clears its suspension bit as it sets its revocation bit.
		var lists []int64
		if a.Status == award.Suspended || to == award.Suspended {
			lists = append(lists, a.Suspension.ListID)
		}
		if to == award.Revoked {
			lists = append(lists, a.Revocation.ListID)
		}
		for _, id := range lists {
			if _, err := tx.exec(`UPDATE status_lists SET stale = $1, updated_at = $2 WHERE id = $3`, true, tx.ts(tx.now), id); err != nil {
				return err
			}
			if _, err := tx.publishList(ls, id); err != nil {
				return err
			}
		}
		var slug string
		if err := tx.get("institution", `SELECT slug FROM institutions WHERE id = $1`, []any{a.InstitutionID}, &slug); err != nil {
			return err
		}
		if err := tx.auditAward(slug, by, "award."+string(to), a.ID, map[string]any{"from": a.Status, "reason": reason}); err != nil {
			return err
		}
		out, err = tx.award(a.ID, false)
		return err
	})
	return out, err
}

// StatusList is a status list as the store keeps it.
type StatusList struct {
	ID            int64
	InstitutionID int64
	Issuer        string
	Purpose       string
	Length        int
	Allocated     int
	// Credential is the signed list credential as last published; Stale
	// means a bit changed since.
	Credential []byte
	Stale      bool
	SignedAt   time.Time
}

// StatusListCredential returns the signed status list credential of list
// id, as published at ls.StatusListURL(id): the one last signed, or, if a
// bit changed since or it was never signed, one signed now with ls.
func (s *Store) StatusListCredential(ctx context.Context, ls ListSigner, id int64) ([]byte, error) {
	var l StatusList
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		l, err = tx.statusList(id, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !l.Stale && len(l.Credential) > 0 {
		return l.Credential, nil
	}
	var out []byte
	err = s.WithTx(ctx, func(tx *Tx) (err error) {
		out, err = tx.publishList(ls, id)
		return err
	})
	return out, err
}

func (tx *Tx) statusList(id int64, lock bool) (StatusList, error) {
	q := `SELECT id, institution_id, issuer, purpose, length, allocated, credential, stale, signed_at FROM status_lists WHERE id = $1`
	if lock && tx.s.engine == PostgreSQL {
		q += ` FOR UPDATE`
	}
	var l StatusList
	var cred string
	err := tx.sql.QueryRowContext(tx.ctx, q, id).Scan(&l.ID, &l.InstitutionID, &l.Issuer, &l.Purpose, &l.Length,
		&l.Allocated, &cred, &l.Stale, at(&l.SignedAt))
	if isNoRows(err) {
		return l, notFound("status list")
	}
	l.Credential = []byte(cred)
	return l, tx.s.translate(err)
}

// publishList signs list id afresh, from the statuses of its awards (and,
// for a revocation list, its withdrawn endorsements), and
// stores the signed credential unless the list changed meanwhile.
func (tx *Tx) publishList(ls ListSigner, id int64) ([]byte, error) {
	l, err := tx.statusList(id, true)
	if err != nil {
		return nil, err
	}
	if !l.Stale && len(l.Credential) > 0 {
		return l.Credential, nil
	}
	if l.Issuer != ls.IssuerID() {
		return nil, apperror.New(apperror.Conflict, "status list %d belongs to %s, not to the signing issuer %s", id, l.Issuer, ls.IssuerID())
	}
	if l.Length < status.MinLength || l.Length > maxListLength {
		return nil, fmt.Errorf("status list %d: length %d out of range", id, l.Length)
	}
	bits, err := status.NewList(l.Length)
	if err != nil {
		return nil, err
	}
	// A revocation list also holds the entries of endorsement credentials
	// (WithdrawEndorsement): a withdrawn endorsement's bit is set.
	queries := []string{`SELECT revocation_index FROM awards WHERE revocation_list = $1 AND status = 'revoked'`,
		`SELECT revocation_index FROM endorsements WHERE revocation_list = $1 AND withdrawn_at IS NOT NULL`}
	if l.Purpose == status.PurposeSuspension {
		queries = []string{`SELECT suspension_index FROM awards WHERE suspension_list = $1 AND status = 'suspended'`}
	}
	for _, q := range queries {
		if err := tx.setBits(bits, q, id); err != nil {
			return nil, err
		}
	}
	vc, err := status.ListCredential(ls.StatusListURL(id), l.Issuer, l.Purpose, bits, tx.now, time.Time{})
	if err != nil {
		return nil, err
	}
	signed, err := ls.SignStatusList(vc)
	if err != nil {
		return nil, err
	}
	if _, err := tx.exec(`UPDATE status_lists SET credential = $1, stale = $2, signed_at = $3, updated_at = $3 WHERE id = $4`,
		string(signed), false, tx.ts(tx.now), id); err != nil {
		return nil, err
	}
	return signed, nil
}

// setBits sets in bits the index each row of query q (of list id) gives.
func (tx *Tx) setBits(bits *status.List, q string, id int64) error {
	rows, err := tx.query(q, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var i int
		if err := rows.Scan(&i); err != nil {
			return tx.s.translate(err)
		}
		if err := bits.Set(i); err != nil {
			return fmt.Errorf("status list %d: %w", id, err)
		}
	}
	return tx.s.translate(rows.Err())
}

// listRange is a run of allocations reserved from one status list.
type listRange struct {
	listID       int64
	firstCounter int
	count        int
}

// reserveIndexes reserves n allocations of the issuer's status lists of
// purpose, from the open list and, when it fills, from new ones.
func (tx *Tx) reserveIndexes(institutionID int64, issuer, purpose string, n int) ([]listRange, error) {
	var out []listRange
	lock := ""
	if tx.s.engine == PostgreSQL {
		lock = ` FOR UPDATE`
	}
	for n > 0 {
		var id int64
		var length, allocated int
		err := tx.get("status list", `SELECT id, length, allocated FROM status_lists
			WHERE institution_id = $1 AND issuer = $2 AND purpose = $3 AND allocated < length
			ORDER BY id LIMIT 1`+lock, []any{institutionID, issuer, purpose}, &id, &length, &allocated)
		if is(err, apperror.NotFound) {
			key, kerr := status.NewKey()
			if kerr != nil {
				return nil, kerr
			}
			length, allocated = status.DefaultLength, 0
			err = tx.get("status list", `INSERT INTO status_lists (institution_id, issuer, purpose, length, alloc_key, allocated,
				stale, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $7) RETURNING id`,
				[]any{institutionID, issuer, purpose, length, key, true, tx.ts(tx.now)}, &id)
		}
		if err != nil {
			return nil, err
		}
		k := min(n, length-allocated)
		if err := tx.execOne("status list", `UPDATE status_lists SET allocated = allocated + $1, updated_at = $2
			WHERE id = $3 AND allocated = $4`, k, tx.ts(tx.now), id, allocated); err != nil {
			return nil, err
		}
		out = append(out, listRange{listID: id, firstCounter: allocated, count: k})
		n -= k
	}
	return out, nil
}

// allocators builds the index allocator of each list.
func (tx *Tx) allocators(ids []int64) (map[int64]*status.Allocator, error) {
	out := make(map[int64]*status.Allocator, len(ids))
	for _, id := range ids {
		if _, ok := out[id]; ok {
			continue
		}
		var key []byte
		var length int
		if err := tx.get("status list", `SELECT alloc_key, length FROM status_lists WHERE id = $1`, []any{id}, &key, &length); err != nil {
			return nil, err
		}
		a, err := status.NewAllocator(key, length, 0)
		if err != nil {
			return nil, fmt.Errorf("status list %d: %w", id, err)
		}
		out[id] = a
	}
	return out, nil
}

// reserveSlots reserves the status list entries of n awards and returns
// them.
func (tx *Tx) reserveSlots(institutionID int64, issuer string, n int) ([]slotPair, error) {
	out := make([]slotPair, n)
	for _, purpose := range []string{status.PurposeRevocation, status.PurposeSuspension} {
		ranges, err := tx.reserveIndexes(institutionID, issuer, purpose, n)
		if err != nil {
			return nil, err
		}
		ids := make([]int64, len(ranges))
		for i, r := range ranges {
			ids[i] = r.listID
		}
		allocs, err := tx.allocators(ids)
		if err != nil {
			return nil, err
		}
		i := 0
		for _, r := range ranges {
			for c := r.firstCounter; c < r.firstCounter+r.count; c++ {
				index, err := allocs[r.listID].Index(c)
				if err != nil {
					return nil, err
				}
				slot := StatusSlot{ListID: r.listID, Index: index}
				if purpose == status.PurposeRevocation {
					out[i].revocation = slot
				} else {
					out[i].suspension = slot
				}
				i++
			}
		}
	}
	return out, nil
}
