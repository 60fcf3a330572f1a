package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/award"
	"cairn/internal/policy"
	"cairn/internal/registry"
	"cairn/internal/stack"
)

// OptionPLARCountsTowardStacks is the policy profile option that lets
// granted PLAR decisions count toward stacks.
const OptionPLARCountsTowardStacks = "plar_counts_toward_stacks"

// Limits on stacks.
const (
	maxStacksListed = 500
	maxPLARListed   = 1000
	// maxStackDepth bounds how many stacks one award completes in a chain
	// (a stack that is itself part of a stack, and so on).
	maxStackDepth = 4
)

// Stack is a larger credential and the rule its parts complete it by.
type Stack struct {
	ID            int64
	InstitutionID int64
	// OfferingID is the larger credential; Title its title.
	OfferingID int64
	Title      string
	Rule       stack.Rule
	// PartTitles are the parts' titles by offering id.
	PartTitles map[int64]string
	// Completed is how many learners have completed it.
	Completed int
	CreatedBy int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// StackRequest creates a stack.
type StackRequest struct {
	OfferingID int64
	Rule       stack.Rule
	By         int64
}

// CreateStack makes an offering a stack of others, by a rule. The parts
// must be other offerings of the same institution, and no stack may
// contain itself, directly or through other stacks. An offering is one
// stack at most (Conflict). The parts' registry entries, which list the
// stacks they are part of, are queued for reindexing.
func (s *Store) CreateStack(ctx context.Context, req StackRequest) (Stack, error) {
	if err := req.Rule.Check(); err != nil {
		return Stack{}, err
	}
	var out Stack
	err := s.WithTx(ctx, func(tx *Tx) error {
		o, err := tx.offering(req.OfferingID, false)
		if err != nil {
			return err
		}
		for _, p := range req.Rule.Parts {
			if p == o.ID {
				return apperror.Field("parts", "a stack cannot be one of its own parts")
			}
			po, err := tx.offering(p, false)
			if is(err, apperror.NotFound) {
				return apperror.Field("parts", "offering %d not found", p)
			} else if err != nil {
				return err
			}
			if po.InstitutionID != o.InstitutionID {
				return apperror.Field("parts", "offering %d belongs to another institution", p)
			}
		}
		if err := tx.checkNoStackCycle(o.ID, req.Rule.Parts); err != nil {
			return err
		}
		var id int64
		err = tx.get("stack", `INSERT INTO stacks (institution_id, offering_id, rule, n, min_credits, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
			[]any{o.InstitutionID, o.ID, string(req.Rule.Kind), req.Rule.N, req.Rule.MinCredits, nullID(req.By), tx.ts(tx.now)}, &id)
		if err != nil {
			return taken(err, "offering", "this offering is a stack already")
		}
		for _, p := range req.Rule.Parts {
			if _, err := tx.exec(`INSERT INTO stack_parts (stack_id, offering_id) VALUES ($1, $2)`, id, p); err != nil {
				return err
			}
		}
		if err := tx.queueStackParts(req.Rule.Parts); err != nil {
			return err
		}
		slug, err := tx.institutionSlug(o.InstitutionID)
		if err != nil {
			return err
		}
		if err := tx.auditAwardSubject(slug, req.By, "stack.created", "stack/"+strconv.FormatInt(id, 10), map[string]any{
			"offering": o.ID, "rule": req.Rule.Kind, "parts": req.Rule.Parts, "n": req.Rule.N, "min_credits": req.Rule.MinCredits}); err != nil {
			return err
		}
		out, err = tx.stack(id)
		return err
	})
	return out, err
}

// DeleteStack removes a stack rule. Awards it made stay; its completions
// are forgotten with it. The parts' registry entries are queued for
// reindexing.
func (s *Store) DeleteStack(ctx context.Context, id, by int64) error {
	return s.WithTx(ctx, func(tx *Tx) error {
		st, err := tx.stack(id)
		if err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM stack_completions WHERE stack_id = $1`, `DELETE FROM stack_parts WHERE stack_id = $1`} {
			if _, err := tx.exec(q, id); err != nil {
				return err
			}
		}
		if err := tx.execOne("stack", `DELETE FROM stacks WHERE id = $1`, id); err != nil {
			return err
		}
		if err := tx.queueStackParts(st.Rule.Parts); err != nil {
			return err
		}
		slug, err := tx.institutionSlug(st.InstitutionID)
		if err != nil {
			return err
		}
		return tx.auditAwardSubject(slug, by, "stack.deleted", "stack/"+strconv.FormatInt(id, 10), map[string]any{"offering": st.OfferingID})
	})
}

func (tx *Tx) institutionSlug(id int64) (string, error) {
	var slug string
	err := tx.get("institution", `SELECT slug FROM institutions WHERE id = $1`, []any{id}, &slug)
	return slug, err
}

// checkNoStackCycle refuses parts that are, or contain through other
// stacks, the stack's own offering.
func (tx *Tx) checkNoStackCycle(offeringID int64, parts []int64) error {
	seen := map[int64]bool{}
	todo := slices.Clone(parts)
	for len(todo) > 0 && len(seen) <= stack.MaxParts*maxStackDepth*10 {
		p := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if p == offeringID {
			return apperror.Field("parts", "a stack cannot contain itself through another stack")
		}
		if seen[p] {
			continue
		}
		seen[p] = true
		sub, err := listIDs(tx, `SELECT sp.offering_id FROM stack_parts sp JOIN stacks s ON s.id = sp.stack_id
			WHERE s.offering_id = $1 ORDER BY sp.offering_id LIMIT $2`, p, stack.MaxParts)
		if err != nil {
			return err
		}
		todo = append(todo, sub...)
	}
	return nil
}

// Stack returns the stack with id.
func (s *Store) Stack(ctx context.Context, id int64) (Stack, error) {
	var out Stack
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = tx.stack(id)
		return err
	})
	return out, err
}

// Stacks returns the stacks of an institution, oldest first.
func (s *Store) Stacks(ctx context.Context, institutionID int64) ([]Stack, error) {
	var out []Stack
	err := s.ReadTx(ctx, func(tx *Tx) error {
		ids, err := listIDs(tx, `SELECT id FROM stacks WHERE institution_id = $1 ORDER BY id LIMIT $2`, institutionID, maxStacksListed)
		if err != nil {
			return err
		}
		for _, id := range ids {
			st, err := tx.stack(id)
			if err != nil {
				return err
			}
			out = append(out, st)
		}
		return nil
	})
	return out, err
}

func (tx *Tx) stack(id int64) (Stack, error) {
	var st Stack
	var kind string
	err := tx.get("stack", `SELECT s.id, s.institution_id, s.offering_id, o.title, s.rule, s.n, s.min_credits, s.created_by,
		s.created_at, s.updated_at, (SELECT count(*) FROM stack_completions c WHERE c.stack_id = s.id)
		FROM stacks s JOIN offerings o ON o.id = s.offering_id WHERE s.id = $1`, []any{id},
		&st.ID, &st.InstitutionID, &st.OfferingID, &st.Title, &kind, &st.Rule.N, &st.Rule.MinCredits, ref(&st.CreatedBy),
		at(&st.CreatedAt), at(&st.UpdatedAt), &st.Completed)
	if err != nil {
		return st, err
	}
	st.Rule.Kind = stack.Kind(kind)
	type part struct {
		id    int64
		title string
	}
	parts, err := list(tx, func(r *sql.Rows) (part, error) {
		var p part
		return p, r.Scan(&p.id, &p.title)
	}, `SELECT o.id, o.title FROM stack_parts sp JOIN offerings o ON o.id = sp.offering_id WHERE sp.stack_id = $1
		ORDER BY o.id LIMIT $2`, id, stack.MaxParts)
	if err != nil {
		return st, err
	}
	st.PartTitles = map[int64]string{}
	for _, p := range parts {
		st.Rule.Parts = append(st.Rule.Parts, p.id)
		st.PartTitles[p.id] = p.title
	}
	return st, nil
}

// PLARRecord is a prior learning assessment and recognition decision
// about one learner: that their prior learning stands for an offering
// (OfferingID), or a faculty decision on a ladder into a program
// (LadderID), which is recorded only.
type PLARRecord struct {
	ID            int64
	InstitutionID int64
	// Email is the learner's address on input; the store keeps its hash.
	Email      string
	EmailHash  string
	OfferingID int64
	LadderID   int64
	Decision   stack.Decision
	Credits    float64
	// DecidedBy names who decided (a faculty member or committee);
	// DecidedOn is the day they did.
	DecidedBy string
	DecidedOn time.Time
	Note      string
	CreatedBy int64
	CreatedAt time.Time
}

// RecordPLAR records a PLAR decision. A decision granted for an offering
// may complete stacks of the learner's where the institution's policy
// profile lets PLAR count: when iss is not nil (the institution's
// issuer), those stacks are awarded in the same transaction. A decision on
// a ladder is only recorded: it never grants an award or a place.
func (s *Store) RecordPLAR(ctx context.Context, iss Issuer, rec PLARRecord) (PLARRecord, []Award, error) {
	if err := award.CheckEmail(rec.Email); err != nil {
		return PLARRecord{}, nil, err
	}
	if err := stack.CheckDecision(rec.Decision); err != nil {
		return PLARRecord{}, nil, err
	}
	rec.DecidedBy, rec.Note = strings.TrimSpace(rec.DecidedBy), strings.TrimSpace(rec.Note)
	switch {
	case (rec.OfferingID == 0) == (rec.LadderID == 0):
		return PLARRecord{}, nil, apperror.Field("offering", "name either the offering or the ladder the decision is about")
	case rec.DecidedBy == "" || len(rec.DecidedBy) > stack.MaxProgramBytes:
		return PLARRecord{}, nil, apperror.Field("decided_by", "say who decided (at most %d bytes)", stack.MaxProgramBytes)
	case rec.DecidedOn.IsZero():
		return PLARRecord{}, nil, apperror.Field("decided_on", "give the day of the decision")
	case rec.DecidedOn.After(s.now().AddDate(0, 0, 1)):
		return PLARRecord{}, nil, apperror.Field("decided_on", "cannot be in the future")
	case len(rec.Note) > stack.MaxTextBytes:
		return PLARRecord{}, nil, apperror.Field("note", "at most %d bytes", stack.MaxTextBytes)
	case math.IsNaN(rec.Credits) || rec.Credits < 0 || rec.Credits > stack.MaxCredits:
		return PLARRecord{}, nil, apperror.Field("credits", "must be between 0 and %d", stack.MaxCredits)
	}
	email := award.NormalizeEmail(rec.Email)
	var out PLARRecord
	var made []Award
	err := s.WithTx(ctx, func(tx *Tx) error {
		var inst int64
		if rec.OfferingID != 0 {
			o, err := tx.offering(rec.OfferingID, false)
			if err != nil {
				return err
			}
			inst = o.InstitutionID
		} else if err := tx.get("ladder", `SELECT institution_id FROM ladders WHERE id = $1`, []any{rec.LadderID}, &inst); err != nil {
			return err
		}
		var id int64
		if err := tx.get("PLAR record", `INSERT INTO plar_records (institution_id, email_hash, offering_id, ladder_id, decision, credits,
			decided_by, decided_on, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			[]any{inst, award.EmailHash(email), nullID(rec.OfferingID), nullID(rec.LadderID), string(rec.Decision), rec.Credits,
				rec.DecidedBy, day(rec.DecidedOn), rec.Note, nullID(rec.CreatedBy), tx.ts(tx.now)}, &id); err != nil {
			return err
		}
		slug, err := tx.institutionSlug(inst)
		if err != nil {
			return err
		}
		if err := tx.auditAwardSubject(slug, rec.CreatedBy, "plar.recorded", "plar/"+strconv.FormatInt(id, 10), map[string]any{
			"offering": rec.OfferingID, "ladder": rec.LadderID, "decision": rec.Decision, "credits": rec.Credits,
			"decided_by": rec.DecidedBy}); err != nil {
			return err
		}
		if rec.OfferingID != 0 && rec.Decision == stack.Granted && iss != nil {
			if made, err = tx.completeStacks(iss, email, rec.OfferingID, rec.CreatedBy, 0); err != nil {
				return err
			}
		}
		recs, err := tx.plarRecords(`id = $1`, id)
		if err == nil && len(recs) == 1 {
			out = recs[0]
		}
		return err
	})
	return out, made, err
}

// PLARRecords returns the PLAR decisions about a learner, newest first.
func (s *Store) PLARRecords(ctx context.Context, email string) ([]PLARRecord, error) {
	if err := award.CheckEmail(email); err != nil {
		return nil, err
	}
	var out []PLARRecord
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = tx.plarRecords(`email_hash = $1`, award.EmailHash(award.NormalizeEmail(email)))
		return err
	})
	return out, err
}

func (tx *Tx) plarRecords(where string, arg any) ([]PLARRecord, error) {
	return list(tx, func(r *sql.Rows) (PLARRecord, error) {
		var p PLARRecord
		var d string
		err := r.Scan(&p.ID, &p.InstitutionID, &p.EmailHash, ref(&p.OfferingID), ref(&p.LadderID), &d, &p.Credits, &p.DecidedBy,
			at(&p.DecidedOn), &p.Note, ref(&p.CreatedBy), at(&p.CreatedAt))
		p.Decision = stack.Decision(d)
		return p, err
	}, `SELECT id, institution_id, email_hash, offering_id, ladder_id, decision, credits, decided_by, decided_on, note, created_by,
		created_at FROM plar_records WHERE `+where+` ORDER BY id DESC LIMIT $2`, arg, maxPLARListed)
}

// Ladder is a recorded pathway from a micro-credential into a program.
type Ladder struct {
	ID            int64
	InstitutionID int64
	stack.Ladder
	Title     string // the micro-credential's title
	CreatedBy int64
	CreatedAt time.Time
}

// CreateLadder records a pathway from an offering into a program. It
// grants nothing: the program's faculty decide each learner's case through
// PLAR (RecordPLAR with the ladder).
func (s *Store) CreateLadder(ctx context.Context, l stack.Ladder, by int64) (Ladder, error) {
	l.Program, l.CountsToward = strings.TrimSpace(l.Program), strings.TrimSpace(l.CountsToward)
	if err := l.Check(); err != nil {
		return Ladder{}, err
	}
	var out Ladder
	err := s.WithTx(ctx, func(tx *Tx) error {
		o, err := tx.offering(l.OfferingID, false)
		if err != nil {
			return err
		}
		var id int64
		if err := tx.get("ladder", `INSERT INTO ladders (institution_id, offering_id, program, counts_toward, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, []any{o.InstitutionID, o.ID, l.Program, l.CountsToward, nullID(by),
			tx.ts(tx.now)}, &id); err != nil {
			return err
		}
		slug, err := tx.institutionSlug(o.InstitutionID)
		if err != nil {
			return err
		}
		if err := tx.auditAwardSubject(slug, by, "ladder.created", "ladder/"+strconv.FormatInt(id, 10), map[string]any{
			"offering": o.ID, "program": l.Program}); err != nil {
			return err
		}
		ls, err := tx.ladders(`l.id = $1`, id)
		if err == nil && len(ls) == 1 {
			out = ls[0]
		}
		return err
	})
	return out, err
}

// Ladders returns the ladders of an institution's offerings.
func (s *Store) Ladders(ctx context.Context, institutionID int64) ([]Ladder, error) {
	var out []Ladder
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = tx.ladders(`l.institution_id = $1`, institutionID)
		return err
	})
	return out, err
}

// LaddersFrom returns the ladders from one offering, for its registry
// page.
func (s *Store) LaddersFrom(ctx context.Context, offeringID int64) ([]Ladder, error) {
	var out []Ladder
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = tx.ladders(`l.offering_id = $1`, offeringID)
		return err
	})
	return out, err
}

func (tx *Tx) ladders(where string, arg any) ([]Ladder, error) {
	return list(tx, func(r *sql.Rows) (Ladder, error) {
		var l Ladder
		return l, r.Scan(&l.ID, &l.InstitutionID, &l.OfferingID, &l.Title, &l.Program, &l.CountsToward, ref(&l.CreatedBy), at(&l.CreatedAt))
	}, `SELECT l.id, l.institution_id, l.offering_id, o.title, l.program, l.counts_toward, l.created_by, l.created_at
		FROM ladders l JOIN offerings o ON o.id = l.offering_id WHERE `+where+` ORDER BY l.id LIMIT $2`, arg, maxStacksListed)
}

// StackProgress is a learner's progress toward one stack.
type StackProgress struct {
	Stack    Stack
	Progress stack.Progress
	// PLARCounts says whether the institution's profile lets PLAR count.
	PLARCounts bool
	// AwardID is the award of the larger credential, 0 until made.
	AwardID int64
}

// StackProgress returns the learner's progress toward every stack they
// hold at least one part of, or have completed, by stack id.
func (s *Store) StackProgress(ctx context.Context, email string) ([]StackProgress, error) {
	if err := award.CheckEmail(email); err != nil {
		return nil, err
	}
	hash := award.EmailHash(award.NormalizeEmail(email))
	var out []StackProgress
	err := s.ReadTx(ctx, func(tx *Tx) error {
		ids, err := listIDs(tx, `SELECT DISTINCT sp.stack_id FROM stack_parts sp WHERE sp.offering_id IN (
				SELECT offering_id FROM awards WHERE email_hash = $1
				UNION SELECT offering_id FROM plar_records WHERE email_hash = $1 AND offering_id IS NOT NULL)
			UNION SELECT stack_id FROM stack_completions WHERE email_hash = $1
			ORDER BY 1 LIMIT $2`, hash, maxStacksListed)
		if err != nil {
			return err
		}
		plar := map[int64]bool{}
		for _, id := range ids {
			st, err := tx.stack(id)
			if err != nil {
				return err
			}
			held, err := tx.evidence(hash, st.Rule.Parts)
			if err != nil {
				return err
			}
			counts, ok := plar[st.InstitutionID]
			if !ok {
				if counts, err = tx.plarCounts(st.InstitutionID); err != nil {
					return err
				}
				plar[st.InstitutionID] = counts
			}
			sp := StackProgress{Stack: st, Progress: stack.Evaluate(st.Rule, held, counts), PLARCounts: counts}
			err = tx.get("stack completion", `SELECT award_id FROM stack_completions WHERE stack_id = $1 AND email_hash = $2`,
				[]any{id, hash}, &sp.AwardID)
			if err != nil && !is(err, apperror.NotFound) {
				return err
			}
			out = append(out, sp)
		}
		return nil
	})
	return out, err
}

// evidence is what the learner holds toward parts: their active,
// unexpired awards and granted PLAR decisions.
func (tx *Tx) evidence(emailHash string, parts []int64) ([]stack.Evidence, error) {
	if len(parts) == 0 {
		return nil, nil
	}
	args := []any{emailHash, tx.ts(tx.now)}
	for _, p := range parts {
		args = append(args, p)
	}
	in := placeholders(3, len(parts))
	held, err := list(tx, func(r *sql.Rows) (stack.Evidence, error) {
		e := stack.Evidence{Source: stack.FromAward}
		return e, r.Scan(&e.Ref, &e.OfferingID, &e.Credits)
	}, `SELECT id, offering_id, credits FROM awards WHERE email_hash = $1 AND status = 'active'
		AND (valid_until IS NULL OR valid_until > $2) AND offering_id IN (`+in+`) ORDER BY id LIMIT 10000`, args...)
	if err != nil {
		return nil, err
	}
	plar, err := list(tx, func(r *sql.Rows) (stack.Evidence, error) {
		e := stack.Evidence{Source: stack.FromPLAR}
		return e, r.Scan(&e.Ref, &e.OfferingID, &e.Credits)
	}, `SELECT id, offering_id, credits FROM plar_records WHERE email_hash = $1 AND decision = 'granted'
		AND offering_id IN (`+placeholders(2, len(parts))+`) ORDER BY id LIMIT 10000`, append([]any{emailHash}, args[2:]...)...)
	if err != nil {
		return nil, err
	}
	return append(held, plar...), nil
}

// plarCounts reports whether the institution's policy profile lets PLAR
// decisions count toward stacks (OptionPLARCountsTowardStacks). An
// institution without a built-in profile, or whose profile lacks the
// option, does not.
func (tx *Tx) plarCounts(institutionID int64) (bool, error) {
	var name string
	if err := tx.get("institution", `SELECT policy_profile FROM institutions WHERE id = $1`, []any{institutionID}, &name); err != nil {
		return false, err
	}
	plarOptions.Lock()
	defer plarOptions.Unlock()
	if on, ok := plarOptions.byProfile[name]; ok {
		return on, nil
	}
	on := false
	if name != "" && slices.Contains(policy.Builtins(), name) {
		p, err := policy.Builtin(name)
		if err != nil {
			return false, err
		}
		on = p.OptionEnabled(OptionPLARCountsTowardStacks)
	}
	plarOptions.byProfile[name] = on
	return on, nil
}

// plarOptions caches OptionPLARCountsTowardStacks by built-in profile,
// which never changes while cairn runs: a bulk award of a stack's part
// asks for every row.
var plarOptions = struct {
	sync.Mutex
	byProfile map[string]bool
}{byProfile: map[string]bool{}}

// completeStacks awards, with iss, every stack of the institution that
// offering is a part of and that the learner's holdings now complete,
// then the stacks those awards complete in turn (depth bounds the chain).
// An award is made once per learner and stack: its key is the learner and
// the stack's approved version, so doing this again changes nothing. A
// stack whose own offering cannot be awarded now (not approved, or
// discontinued) is skipped; its progress still shows complete.
func (tx *Tx) completeStacks(iss Issuer, email string, offeringID, by int64, depth int) ([]Award, error) {
	if depth >= maxStackDepth {
		return nil, nil
	}
	ids, err := listIDs(tx, `SELECT s.id FROM stacks s JOIN stack_parts sp ON sp.stack_id = s.id
		WHERE sp.offering_id = $1 ORDER BY s.id LIMIT $2`, offeringID, maxStacksListed)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	hash := award.EmailHash(email)
	var made []Award
	for _, id := range ids {
		st, err := tx.stack(id)
		if err != nil {
			return nil, err
		}
		held, err := tx.evidence(hash, st.Rule.Parts)
		if err != nil {
			return nil, err
		}
		counts, err := tx.plarCounts(st.InstitutionID)
		if err != nil {
			return nil, err
		}
		if !stack.Evaluate(st.Rule, held, counts).Complete {
			continue
		}
		o, _, err := tx.awardOffering(st.OfferingID, 0)
		if err != nil {
			return nil, err
		}
		if o.Awardable() != nil {
			continue
		}
		a, issued, err := tx.issueAward(iss, AwardRequest{OfferingID: st.OfferingID, Email: email,
			Result: "Completed the stack: " + st.Rule.Describe() + ".", By: by}, email)
		if err != nil {
			return nil, err
		}
		if _, err := tx.exec(`INSERT INTO stack_completions (stack_id, email_hash, award_id, completed_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (stack_id, email_hash) DO NOTHING`, st.ID, hash, a.ID, tx.ts(tx.now)); err != nil {
			return nil, err
		}
		if !issued {
			continue
		}
		made = append(made, a)
		more, err := tx.completeStacks(iss, email, st.OfferingID, by, depth+1)
		if err != nil {
			return nil, err
		}
		made = append(made, more...)
	}
	return made, nil
}

// CompleteStacks awards, with iss (the institution's issuer), every stack
// of the institution that the learner's holdings complete and that is not
// yet awarded to them: for a stack set up after its parts were awarded,
// or a learner whose PLAR decision was recorded without an issuer. It
// returns the awards made; doing it again makes none.
func (s *Store) CompleteStacks(ctx context.Context, iss Issuer, institutionID int64, email string, by int64) ([]Award, error) {
	if err := award.CheckEmail(email); err != nil {
		return nil, err
	}
	email = award.NormalizeEmail(email)
	hash := award.EmailHash(email)
	var made []Award
	err := s.WithTx(ctx, func(tx *Tx) error {
		parts, err := listIDs(tx, `SELECT DISTINCT sp.offering_id FROM stack_parts sp JOIN stacks s ON s.id = sp.stack_id
			WHERE s.institution_id = $1 AND sp.offering_id IN (
				SELECT offering_id FROM awards WHERE email_hash = $2
				UNION SELECT offering_id FROM plar_records WHERE email_hash = $2 AND offering_id IS NOT NULL)
			ORDER BY 1 LIMIT $3`, institutionID, hash, maxStacksListed)
		if err != nil {
			return err
		}
		for _, p := range parts {
			more, err := tx.completeStacks(iss, email, p, by, 0)
			if err != nil {
				return err
			}
			made = append(made, more...)
		}
		return nil
	})
	return made, err
}

// stackOf is a stack an offering is a part of, as its awards and its
// registry label name it.
type stackOf struct {
	// name is the stack's title: its approved title while it is
	// published, else its offering's current title.
	name string
	// institution and offering are the slugs of the stack's registry
	// page while it is published, else "".
	institution, offering string
}

// stacksOf returns, by offering, the stacks each of the offerings is a
// part of by the stack rules, oldest rule first, in one query: a bulk
// award asks once for its whole batch, the registry once per batch of
// offerings it indexes.
func (tx *Tx) stacksOf(offeringIDs ...int64) (map[int64][]stackOf, error) {
	if len(offeringIDs) == 0 {
		return nil, nil
	}
	type row struct {
		part int64
		st   stackOf
	}
	args, in := idList(offeringIDs, 0)
	rows, err := list(tx, func(r *sql.Rows) (row, error) {
		var w row
		var summary string
		if err := r.Scan(&w.part, &w.st.name, &summary, &w.st.institution, &w.st.offering); err != nil {
			return w, err
		}
		var sum registry.Summary
		if summary == "" || json.Unmarshal([]byte(summary), &sum) != nil {
			w.st.institution, w.st.offering = "", ""
			return w, nil
		}
		if t := strings.TrimSpace(sum.Title); t != "" {
			w.st.name = t
		}
		return w, nil
	}, `SELECT sp.offering_id, o.title, coalesce(e.summary, ''), coalesce(i.slug, ''), coalesce(rs.slug, '')
		FROM stack_parts sp JOIN stacks s ON s.id = sp.stack_id JOIN offerings o ON o.id = s.offering_id
		LEFT JOIN registry_entries e ON e.offering_id = s.offering_id
		LEFT JOIN registry_slugs rs ON rs.offering_id = s.offering_id
		LEFT JOIN institutions i ON i.id = rs.institution_id
		WHERE sp.offering_id IN (`+in+`) ORDER BY sp.offering_id, s.id LIMIT $`+strconv.Itoa(len(args)+1),
		append(args, maxStacksListed*len(offeringIDs))...)
	if err != nil {
		return nil, err
	}
	out := map[int64][]stackOf{}
	for _, w := range rows {
		out[w.part] = append(out[w.part], w.st)
	}
	return out, nil
}

// awardStacks is stacksOf as package award takes it: each with the path
// of its registry page while published.
func (tx *Tx) awardStacks(offeringID int64) ([]award.Stack, error) {
	byPart, err := tx.stacksOf(offeringID)
	sts := byPart[offeringID]
	if err != nil || len(sts) == 0 {
		return nil, err
	}
	out := make([]award.Stack, len(sts))
	for i, st := range sts {
		out[i] = award.Stack{Name: st.name}
		if st.institution != "" && st.offering != "" {
			out[i].Page = registry.OfferingURLs("", st.institution, st.offering).Page
		}
	}
	return out, nil
}

// queueStackParts queues the registry entries of a stack's parts, whose
// labels list the stack, for reindexing.
func (tx *Tx) queueStackParts(parts []int64) error {
	if len(parts) == 0 {
		return nil
	}
	args, in := idList(parts, 0)
	_, err := tx.exec(`INSERT INTO registry_queue (offering_id) SELECT id FROM offerings WHERE id IN (`+in+`)
		ON CONFLICT DO NOTHING`, args...)
	return err
}
