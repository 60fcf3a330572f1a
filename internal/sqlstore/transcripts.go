package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/award"
	"cairn/internal/catalog"
)

// RecordSigner builds and signs a learner record (a CLR 2.0 credential)
// as an institution. An *award.Pipeline is one.
type RecordSigner interface {
	IssuerID() string
	SignRecord(in award.RecordInput) (doc []byte, jws string, err error)
}

// LearnerRecord is a learner's signed record at one institution.
type LearnerRecord struct {
	// JSON is the ClrCredential; JWT the compact JWS securing it.
	JSON []byte
	JWT  string
	// Awards is how many awards it holds; Partial says some of the
	// learner's awards (revoked or suspended ones) were left out.
	Awards  int
	Partial bool
}

// LearnerRecord builds the learner's record of the institution's awards
// to them: every award not revoked or suspended, oldest first, with each
// micro-credential related to the stack it completed; rs (the
// institution's issuer, whose registrar keeps the record) signs it. It is
// NotFound when the learner holds no such award.
func (s *Store) LearnerRecord(ctx context.Context, rs RecordSigner, institutionID int64, email, learnerDID string) (LearnerRecord, error) {
	if err := award.CheckEmail(email); err != nil {
		return LearnerRecord{}, err
	}
	email = award.NormalizeEmail(email)
	hash := award.EmailHash(email)
	var in award.RecordInput
	var total int
	err := s.ReadTx(ctx, func(tx *Tx) error {
		type held struct {
			offering int64
			cred     string
		}
		rows, err := list(tx, func(r *sql.Rows) (held, error) {
			var h held
			return h, r.Scan(&h.offering, &h.cred)
		}, `SELECT offering_id, credential FROM awards WHERE institution_id = $1 AND email_hash = $2 AND status = 'active'
			ORDER BY issued_at, id LIMIT $3`, institutionID, hash, maxAwardsListed)
		if err != nil {
			return err
		}
		if err := tx.get("award", `SELECT count(*) FROM awards WHERE institution_id = $1 AND email_hash = $2`,
			[]any{institutionID, hash}, &total); err != nil {
			return err
		}
		achievement := map[int64]string{}
		for _, h := range rows {
			in.Credentials = append(in.Credentials, json.RawMessage(h.cred))
			var c struct {
				Subject struct {
					Achievement struct {
						ID string `json:"id"`
					} `json:"achievement"`
				} `json:"credentialSubject"`
			}
			if err := json.Unmarshal([]byte(h.cred), &c); err == nil && c.Subject.Achievement.ID != "" {
				achievement[h.offering] = c.Subject.Achievement.ID
			}
		}
		type rel struct{ part, whole int64 }
		rels, err := list(tx, func(r *sql.Rows) (rel, error) {
			var x rel
			return x, r.Scan(&x.part, &x.whole)
		}, `SELECT sp.offering_id, s.offering_id FROM stack_completions c JOIN stacks s ON s.id = c.stack_id
			JOIN stack_parts sp ON sp.stack_id = s.id WHERE c.email_hash = $1 AND s.institution_id = $2
			ORDER BY sp.offering_id, s.offering_id LIMIT $3`, hash, institutionID, maxAwardsListed)
		if err != nil {
			return err
		}
		for _, x := range rels {
			if part, whole := achievement[x.part], achievement[x.whole]; part != "" && whole != "" {
				if in.PartOf == nil {
					in.PartOf = map[string]string{}
				}
				in.PartOf[part] = whole
			}
		}
		return nil
	})
	if err != nil {
		return LearnerRecord{}, err
	}
	if len(in.Credentials) == 0 {
		return LearnerRecord{}, apperror.New(apperror.NotFound, "you hold no awards of this institution to put in a record")
	}
	id, err := newCredentialID(time.Now())
	if err != nil {
		return LearnerRecord{}, err
	}
	in.CredentialID, in.Email, in.LearnerDID, in.IssuedAt = id, email, learnerDID, s.now()
	in.Partial = total > len(in.Credentials)
	doc, jws, err := rs.SignRecord(in)
	if err != nil {
		return LearnerRecord{}, err
	}
	return LearnerRecord{JSON: doc, JWT: jws, Awards: len(in.Credentials), Partial: in.Partial}, nil
}

// TranscriptEntry is one credit-bearing award as the student information
// system takes it.
type TranscriptEntry struct {
	AwardID int64
	// Email is the learner's address when they have an account (the store
	// keeps only EmailHash otherwise).
	Email        string
	EmailHash    string
	OfferingID   int64
	Version      int
	OfferingCode string
	Title        string
	Credits      float64
	CreditStatus string
	AwardedOn    time.Time
	// State is active, suspended, revoked or expired.
	State string
}

// TranscriptColumns are the CSV columns of a transcript export, in order.
var TranscriptColumns = []string{"student_email", "email_hash", "offering_code", "title", "credits", "credit_status",
	"award_date", "status"}

// Row is the entry as a CSV record, in TranscriptColumns order.
func (e TranscriptEntry) Row() []string {
	return []string{e.Email, e.EmailHash, e.OfferingCode, e.Title, strconv.FormatFloat(e.Credits, 'f', -1, 64), e.CreditStatus,
		e.AwardedOn.UTC().Format(time.DateOnly), e.State}
}

// transcriptPage is how many entries EachTranscriptEntry reads at a time.
const transcriptPage = 500

// EachTranscriptEntry calls fn with every credit-bearing award of the
// institution (creditsEarned above 0), oldest first, including revoked
// and suspended ones so the student information system can follow them;
// it reads a page at a time, so an export of any size streams.
func (s *Store) EachTranscriptEntry(ctx context.Context, institutionID int64, fn func(TranscriptEntry) error) error {
	forms := map[[2]int64]catalog.Form{}
	var after int64
	for {
		var page []TranscriptEntry
		err := s.ReadTx(ctx, func(tx *Tx) (err error) {
			page, err = list(tx, func(r *sql.Rows) (TranscriptEntry, error) {
				var e TranscriptEntry
				var email sql.NullString
				var st string
				var until time.Time
				err := r.Scan(&e.AwardID, &email, &e.EmailHash, &e.OfferingID, &e.Version, &e.Title, &e.Credits, at(&e.AwardedOn),
					&st, at(&until))
				e.Email = email.String
				e.State = award.State(award.Status(st), until, s.now())
				return e, err
			}, `SELECT a.id, p.email, a.email_hash, a.offering_id, a.version, o.title, a.credits, a.issued_at, a.status, a.valid_until
				FROM awards a JOIN offerings o ON o.id = a.offering_id LEFT JOIN people p ON p.id = a.person_id
				WHERE a.institution_id = $1 AND a.credits > 0 AND a.id > $2 ORDER BY a.id LIMIT $3`,
				institutionID, after, transcriptPage)
			if err != nil {
				return err
			}
			for i := range page {
				e := &page[i]
				k := [2]int64{e.OfferingID, int64(e.Version)}
				f, ok := forms[k]
				if !ok {
					var raw string
					if err := tx.get("offering version", `SELECT form FROM offering_versions WHERE offering_id = $1 AND number = $2`,
						[]any{e.OfferingID, e.Version}, &raw); err != nil {
						return err
					}
					if err := json.Unmarshal([]byte(raw), &f); err != nil {
						return fmt.Errorf("offering %d version %d: decode form: %w", e.OfferingID, e.Version, err)
					}
					if len(forms) > 10000 {
						clear(forms)
					}
					forms[k] = f
				}
				if f.Title != "" {
					e.Title = f.Title
				}
				e.CreditStatus = string(f.CreditStatus)
				e.OfferingCode = offeringCode(e.OfferingID, e.Version, f)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, e := range page {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(page) < transcriptPage {
			return nil
		}
		after = page[len(page)-1].AwardID
	}
}

// offeringCode is the code the student information system knows an
// offering by: the form's custom course code when the profile adds one,
// else the system id the credential carries (offering-ID-vVERSION).
func offeringCode(id int64, version int, f catalog.Form) string {
	for _, k := range []string{"course_code", "code"} {
		if c := f.Custom[k]; c != "" {
			return c
		}
	}
	return fmt.Sprintf("offering-%d-v%d", id, version)
}
