package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"cairn/internal/apperror"
	"cairn/internal/award"
	"cairn/internal/org"
)

// The learner's wallet: public links to awards, which the learner makes
// and withdraws, and credentials earned elsewhere that the learner
// imports. Whose award an award is (its email hash) is the web layer's to
// check before calling these.

// Share is a public link to one award.
type Share struct {
	ID       int64
	AwardID  int64
	PersonID int64
	// PublicID is the random, unguessable part of the link: /c/{PublicID}.
	PublicID    string
	CreatedAt   time.Time
	WithdrawnAt time.Time // zero while the link works
}

// Active reports whether the link still shows the award.
func (s Share) Active() bool { return s.WithdrawnAt.IsZero() }

// Limits on the wallet.
const (
	maxSharesListed  = 1000
	maxImportsListed = 500
	// MaxImportBytes bounds one imported credential as stored.
	MaxImportBytes = 1 << 20
	// MaxImportsPerPerson bounds a wallet's imported credentials.
	MaxImportsPerPerson = 500
	maxImportText       = 500
	maxImportNote       = 2000
)

// newPublicID returns 24 random bytes as base64url (32 characters).
func newPublicID() (string, error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("public link id: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// ValidPublicID reports whether s could be a share's public id, so that
// anything else is refused before a lookup.
func ValidPublicID(s string) bool {
	if len(s) != 32 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}

const shareCols = `id, award_id, person_id, public_id, created_at, withdrawn_at`

func scanShare(r interface{ Scan(...any) error }) (Share, error) {
	var sh Share
	err := r.Scan(&sh.ID, &sh.AwardID, &sh.PersonID, &sh.PublicID, at(&sh.CreatedAt), at(&sh.WithdrawnAt))
	return sh, err
}

// ShareAward makes a public link to an award for the person, or returns
// the one already working: an award has at most one working link per
// person. created reports whether the link is new; a new link is audited
// as wallet.shared.
func (s *Store) ShareAward(ctx context.Context, awardID, personID int64) (sh Share, created bool, err error) {
	err = s.WithTx(ctx, func(tx *Tx) error {
		aw, err := tx.award(awardID, true)
		if err != nil {
			return err
		}
		cur, err := scanShare(tx.sql.QueryRowContext(tx.ctx, `SELECT `+shareCols+` FROM wallet_shares
			WHERE award_id = $1 AND person_id = $2 AND withdrawn_at IS NULL ORDER BY id DESC LIMIT 1`, awardID, personID))
		if err == nil {
			sh = cur
			return nil
		}
		if !isNoRows(err) {
			return tx.s.translate(err)
		}
		pid, err := newPublicID()
		if err != nil {
			return err
		}
		sh = Share{AwardID: awardID, PersonID: personID, PublicID: pid, CreatedAt: tx.now}
		created = true
		if err := tx.get("share", `INSERT INTO wallet_shares (award_id, person_id, public_id, created_at) VALUES ($1, $2, $3, $4)
			RETURNING id`, []any{awardID, personID, pid, tx.ts(tx.now)}, &sh.ID); err != nil {
			return err
		}
		return tx.auditWallet(aw.InstitutionID, personID, "wallet.shared", awardID)
	})
	return sh, created, err
}

// auditWallet records a learner's action on their award id: who shared
// or withdrew what, and when, shows in the institution's audit trail
// (the public link itself, a bearer secret, is not recorded).
func (tx *Tx) auditWallet(institutionID, personID int64, action string, awardID int64) error {
	slug, err := tx.institutionSlug(institutionID)
	if err != nil {
		return err
	}
	return tx.auditAward(slug, personID, action, awardID, map[string]any{})
}

// WithdrawShare withdraws the person's working links to the award, and
// reports how many there were; the links then answer as gone. A
// withdrawal is audited as wallet.share_withdrawn.
func (s *Store) WithdrawShare(ctx context.Context, awardID, personID int64) (int64, error) {
	var n int64
	err := s.WithTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE wallet_shares SET withdrawn_at = $1 WHERE award_id = $2 AND person_id = $3 AND withdrawn_at IS NULL`,
			tx.ts(tx.now), awardID, personID)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil || n == 0 {
			return tx.s.translate(err)
		}
		aw, err := tx.award(awardID, false)
		if err != nil {
			return err
		}
		return tx.auditWallet(aw.InstitutionID, personID, "wallet.share_withdrawn", awardID)
	})
	return n, err
}

// ActiveShares returns the person's working links by award id.
func (s *Store) ActiveShares(ctx context.Context, personID int64) (map[int64]Share, error) {
	var all []Share
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		all, err = list(tx, func(r *sql.Rows) (Share, error) { return scanShare(r) },
			`SELECT `+shareCols+` FROM wallet_shares WHERE person_id = $1 AND withdrawn_at IS NULL ORDER BY id LIMIT $2`,
			personID, maxSharesListed)
		return err
	})
	out := make(map[int64]Share, len(all))
	for _, sh := range all {
		out[sh.AwardID] = sh
	}
	return out, err
}

// ShareByPublicID returns the link with the public id and its award,
// withdrawn or not; an unknown id is NotFound.
func (s *Store) ShareByPublicID(ctx context.Context, publicID string) (Share, Award, error) {
	var sh Share
	var a Award
	if !ValidPublicID(publicID) {
		return sh, a, notFound("public link")
	}
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		sh, err = scanShare(tx.sql.QueryRowContext(tx.ctx, `SELECT `+shareCols+` FROM wallet_shares WHERE public_id = $1`, publicID))
		if isNoRows(err) {
			return notFound("public link")
		}
		if err != nil {
			return tx.s.translate(err)
		}
		a, err = tx.award(sh.AwardID, false)
		return err
	})
	return sh, a, err
}

// ImportFormat is the kind of an imported credential.
type ImportFormat string

// The import formats.
const (
	// ImportOB3 is an Open Badges 3.0 credential, verified on import.
	ImportOB3 ImportFormat = "ob3"
	// ImportOB2 is an Open Badges 2.0 assertion, kept as it is and never
	// verified: 2.0 hosted verification needs the network, and signed
	// 2.0 assertions use keys cairn does not resolve.
	ImportOB2 ImportFormat = "ob2"
)

// Import is a credential a learner earned elsewhere and added to their
// wallet.
type Import struct {
	ID       int64
	PersonID int64
	Format   ImportFormat
	// Source is how it came: json, jwt, png or svg.
	Source   string
	Verified bool
	Title    string
	Issuer   string
	IssuedAt time.Time // zero when unknown
	// Note says what was checked, in words for the learner.
	Note string
	// Content is the credential as imported: JSON, or a compact JWT.
	Content   string
	CreatedAt time.Time
}

func (im Import) validate() error {
	switch {
	case im.Format != ImportOB3 && im.Format != ImportOB2:
		return apperror.Field("format", "must be ob3 or ob2")
	case im.Source != "json" && im.Source != "jwt" && im.Source != "png" && im.Source != "svg":
		return apperror.Field("source", "must be json, jwt, png or svg")
	case im.Content == "":
		return apperror.Field("content", "is empty")
	case len(im.Content) > MaxImportBytes:
		return apperror.Field("content", "is larger than %d bytes", MaxImportBytes)
	case !utf8.ValidString(im.Content):
		return apperror.Field("content", "is not UTF-8 text")
	}
	return nil
}

// clean cuts a text to n bytes on a character boundary.
func clean(s string, n int) string {
	s = strings.TrimSpace(strings.ToValidUTF8(s, ""))
	if len(s) > n {
		s = strings.ToValidUTF8(s[:n], "")
	}
	return s
}

const importCols = `id, person_id, format, source, verified, title, issuer, issued_at, note, content, created_at`

func scanImport(r interface{ Scan(...any) error }) (Import, error) {
	var im Import
	var format string
	err := r.Scan(&im.ID, &im.PersonID, &format, &im.Source, &im.Verified, &im.Title, &im.Issuer, at(&im.IssuedAt),
		&im.Note, &im.Content, at(&im.CreatedAt))
	im.Format = ImportFormat(format)
	return im, err
}

// AddImport stores an imported credential in the person's wallet. The
// same content imported twice is a Conflict, and so is a wallet holding
// MaxImportsPerPerson already.
func (s *Store) AddImport(ctx context.Context, im *Import) error {
	if err := im.validate(); err != nil {
		return err
	}
	im.Title, im.Issuer, im.Note = clean(im.Title, maxImportText), clean(im.Issuer, maxImportText), clean(im.Note, maxImportNote)
	sum := sha256.Sum256([]byte(im.Content))
	return s.WithTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.get("imports", `SELECT count(*) FROM wallet_imports WHERE person_id = $1`, []any{im.PersonID}, &n); err != nil {
			return err
		}
		if n >= MaxImportsPerPerson {
			return apperror.New(apperror.Conflict, "a wallet holds at most %d imported credentials; delete some first", MaxImportsPerPerson)
		}
		var issued any
		if !im.IssuedAt.IsZero() {
			issued = tx.ts(im.IssuedAt)
		}
		err := tx.get("import", `INSERT INTO wallet_imports (person_id, format, source, verified, title, issuer, issued_at, note,
			content, content_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			[]any{im.PersonID, string(im.Format), im.Source, im.Verified, im.Title, im.Issuer, issued, im.Note, im.Content,
				hex.EncodeToString(sum[:]), tx.ts(tx.now)}, &im.ID)
		if err != nil {
			return taken(err, "file", "this credential is in your wallet already")
		}
		im.CreatedAt = tx.now
		return nil
	})
}

// Imports returns the person's imported credentials, newest first.
func (s *Store) Imports(ctx context.Context, personID int64) ([]Import, error) {
	var out []Import
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = list(tx, func(r *sql.Rows) (Import, error) { return scanImport(r) },
			`SELECT `+importCols+` FROM wallet_imports WHERE person_id = $1 ORDER BY id DESC LIMIT $2`, personID, maxImportsListed)
		return err
	})
	return out, err
}

// DeleteImport removes one of the person's imported credentials; another
// person's, or none, is NotFound.
func (s *Store) DeleteImport(ctx context.Context, personID, id int64) error {
	return s.WithTx(ctx, func(tx *Tx) error {
		return tx.execOne("imported credential", `DELETE FROM wallet_imports WHERE id = $1 AND person_id = $2`, id, personID)
	})
}

// ClaimAccount returns the person with the email address, making one when
// there is none yet but awards were issued to the address: a learner
// awarded before having an account claims the awards by signing in with
// the address, and gets the learner role at the institution of the latest
// award. An address with neither a person nor awards is NotFound.
func (s *Store) ClaimAccount(ctx context.Context, email string) (org.Person, error) {
	p, err := s.PersonByEmail(ctx, email)
	if !is(err, apperror.NotFound) {
		return p, err
	}
	if award.CheckEmail(email) != nil {
		return p, notFound("person")
	}
	var inst int64
	err = s.ReadTx(ctx, func(tx *Tx) error {
		return tx.get("person", `SELECT institution_id FROM awards WHERE email_hash = $1 ORDER BY id DESC LIMIT 1`,
			[]any{award.EmailHash(email)}, &inst)
	})
	if err != nil {
		return p, err
	}
	name, _, _ := strings.Cut(org.NormalizeEmail(email), "@")
	p = org.Person{Name: clean(name, org.MaxNameLen), Email: email}
	if err := s.CreatePerson(ctx, &p); err != nil {
		if is(err, apperror.Conflict) {
			// Made meanwhile by a request of the same learner.
			return s.PersonByEmail(ctx, email)
		}
		return p, err
	}
	if err := s.GrantRole(ctx, org.RoleGrant{PersonID: p.ID, InstitutionID: inst, Role: org.Learner}); err != nil {
		return p, err
	}
	if err := s.WithTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(`UPDATE awards SET person_id = $1 WHERE email_hash = $2 AND person_id IS NULL`, p.ID, award.EmailHash(email))
		return err
	}); err != nil {
		return p, err
	}
	return s.PersonByEmail(ctx, email)
}
