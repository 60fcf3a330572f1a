package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/approval"
	"cairn/internal/audit"
	"cairn/internal/catalog"
	"cairn/internal/policy"
	"cairn/internal/workday"
)

// maxApplyAttempts bounds how often an action that lost a race to another
// one on the same case is retried.
const maxApplyAttempts = 25

// errStale marks a save that lost an optimistic race: the case changed
// since it was loaded. The action is applied again to the fresh case.
var errStale = errors.New("approval case changed concurrently")

// raced reports whether err comes from losing a race to another
// transaction: the case changed since it was loaded, the database was busy,
// or a row this one meant to add (a keyed notice, a flag, a task) was added
// meanwhile. Applying the action again then succeeds or fails for good.
func raced(err error) bool {
	var se *storeError
	return errors.Is(err, errStale) || IsRetryable(err) || (errors.As(err, &se) && se.kind == uniqueViolation)
}

// Approvals runs approval cases through the approval engine and keeps them
// in the store: each action loads the case and the institution's roster,
// applies the action, and saves the case with its audit events and
// notifications in one transaction, retrying when another action on the
// same case committed first. It is safe for concurrent use.
type Approvals struct {
	s    *Store
	load func(name string) (*policy.Profile, error)

	mu       sync.Mutex
	profiles map[string]*policy.Profile
}

// Approvals returns the approval service over s. load returns the policy
// profile an institution names (its PolicyProfile); nil means the profiles
// shipped with cairn (policy.Builtin). Loaded profiles are kept and must
// not be changed afterwards.
func (s *Store) Approvals(load func(name string) (*policy.Profile, error)) *Approvals {
	if load == nil {
		load = policy.Builtin
	}
	return &Approvals{s: s, load: load, profiles: map[string]*policy.Profile{}}
}

func (a *Approvals) profile(name string) (*policy.Profile, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if p, ok := a.profiles[name]; ok {
		return p, nil
	}
	if name == "" {
		return nil, apperror.New(apperror.Conflict, "the institution has no policy profile")
	}
	p, err := a.load(name)
	if err != nil {
		return nil, fmt.Errorf("load policy profile %s: %w", name, err)
	}
	a.profiles[name] = p
	return p, nil
}

// place is what an action needs of the institution: its engine and its
// name for the audit log.
type place struct {
	slug   string
	engine *approval.Engine
}

// place builds the engine of an institution: its profile and its
// working-day calendar with its closures.
func (a *Approvals) place(tx *Tx, institutionID int64) (place, error) {
	var slug, profile, jurisdiction, zone string
	if err := tx.get("institution", `SELECT slug, policy_profile, jurisdiction, time_zone FROM institutions WHERE id = $1`,
		[]any{institutionID}, &slug, &profile, &jurisdiction, &zone); err != nil {
		return place{}, err
	}
	p, err := a.profile(profile)
	if err != nil {
		return place{}, err
	}
	closures, err := list(tx, scanClosure, `SELECT id, institution_id, first_day, last_day, reason FROM closures
		WHERE institution_id = $1 ORDER BY first_day, id LIMIT $2`, institutionID, workday.MaxClosures)
	if err != nil {
		return place{}, err
	}
	var cs []workday.Closure
	for _, c := range closures {
		cs = append(cs, workday.Closure{From: workday.DateOf(c.From), To: workday.DateOf(c.To), Reason: c.Reason})
	}
	cal, err := workday.New(workday.Config{Jurisdiction: jurisdiction, Zone: zone, Closures: cs})
	if err != nil {
		return place{}, fmt.Errorf("institution %s calendar: %w", slug, err)
	}
	e, err := approval.New(p, cal)
	if err != nil {
		return place{}, err
	}
	return place{slug: slug, engine: e}, nil
}

// Engine returns the approval engine of an institution, for reading
// deadlines and reports outside an action.
func (a *Approvals) Engine(ctx context.Context, institutionID int64) (*approval.Engine, error) {
	var e *approval.Engine
	err := a.s.ReadTx(ctx, func(tx *Tx) error {
		pl, err := a.place(tx, institutionID)
		e = pl.engine
		return err
	})
	return e, err
}

// maxRosterRows bounds the memberships and role grants one roster reads.
const maxRosterRows = 20000

// roster loads who sits on the profile's committees today (members whose
// term covers today, the chair most recently elected among them) and who
// holds the profile's roles.
func (tx *Tx) roster(institutionID int64, p *policy.Profile) (*approval.Roster, error) {
	r := &approval.Roster{Committees: map[string]approval.Seats{}, People: map[int64]approval.Person{}}
	type committeeRow struct {
		id  int64
		key string
	}
	rows, err := list(tx, func(rs *sql.Rows) (committeeRow, error) {
		var c committeeRow
		return c, rs.Scan(&c.id, &c.key)
	}, `SELECT id, key FROM committees WHERE institution_id = $1 ORDER BY id LIMIT $2`, institutionID, maxRosterRows)
	if err != nil {
		return nil, err
	}
	today := day(tx.now)
	for _, c := range rows {
		if _, ok := p.Committee(c.key); !ok {
			continue
		}
		members, err := list(tx, func(rs *sql.Rows) (int64, error) {
			var id int64
			return id, rs.Scan(&id)
		}, `SELECT DISTINCT person_id FROM memberships WHERE committee_id = $1 AND term_start <= $2
			AND (term_end IS NULL OR term_end >= $2) ORDER BY person_id LIMIT $3`, c.id, today, maxRosterRows)
		if err != nil {
			return nil, err
		}
		seats := approval.Seats{Members: members}
		var chair int64
		err = tx.get("chair", `SELECT elected_id FROM chair_elections WHERE committee_id = $1 ORDER BY at DESC, id DESC LIMIT 1`, []any{c.id}, &chair)
		switch {
		case err == nil && slices.Contains(members, chair):
			seats.Chair = chair
		case err != nil && !is(err, apperror.NotFound):
			return nil, err
		}
		r.Committees[c.key] = seats
	}
	var roles []any
	for _, ro := range p.Roles {
		roles = append(roles, ro.ID)
	}
	if len(roles) > 0 {
		r.Roles, err = list(tx, func(rs *sql.Rows) (approval.RoleHolder, error) {
			var h approval.RoleHolder
			return h, rs.Scan(&h.Person, &h.Role, ref(&h.Unit))
		}, `SELECT person_id, role, unit_id FROM role_grants WHERE institution_id = $1 AND role IN (`+placeholders(2, len(roles))+`)
			ORDER BY person_id, role LIMIT `+strconv.Itoa(maxRosterRows), append([]any{institutionID}, roles...)...)
		if err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Proposal asks to submit an offering's draft for approval.
type Proposal struct {
	OfferingID int64
	// By is the person submitting; Proponents, when given, must include
	// them.
	By         int64
	Proponents []int64
	// UnitCategory is the proposing unit's category in the profile's terms
	// (such as continuing_studies); empty means the org unit's kind.
	UnitCategory string
}

// maxSimilarCandidates bounds the offerings compared with a proposal.
const maxSimilarCandidates = 5000

// SubmitProposal freezes the offering's draft as its next version (which
// can never change after) and opens an approval case for it, with the
// institution's existing offerings ranked by likeness attached for the
// duplication question. The offering must be a draft, or under review for
// a revision.
func (a *Approvals) SubmitProposal(ctx context.Context, p Proposal) (*approval.Case, []approval.Event, error) {
	var out *approval.Case
	var evs []approval.Event
	err := a.s.WithTx(ctx, func(tx *Tx) error {
		o, err := tx.offering(p.OfferingID, true)
		if err != nil {
			return err
		}
		if o.Status != catalog.Draft && o.Status != catalog.UnderReview {
			return apperror.New(apperror.Conflict, "an offering in status %s cannot be submitted", o.Status)
		}
		pl, err := a.place(tx, o.InstitutionID)
		if err != nil {
			return err
		}
		r, err := tx.roster(o.InstitutionID, pl.engine.Profile())
		if err != nil {
			return err
		}
		v, err := tx.freezeDraft(o)
		if err != nil {
			return err
		}
		category := p.UnitCategory
		if category == "" && o.UnitID != 0 {
			if err := tx.get("org unit", `SELECT kind FROM org_units WHERE id = $1`, []any{o.UnitID}, &category); err != nil {
				return err
			}
		}
		similar, err := tx.similar(o, v)
		if err != nil {
			return err
		}
		c := &approval.Case{InstitutionID: o.InstitutionID}
		evs, err = pl.engine.Apply(c, r, p.By, approval.Submit{Version: v, OfferingID: o.ID, UnitID: o.UnitID,
			UnitCategory: category, Proponents: p.Proponents, Similar: similar}, tx.now)
		if err != nil {
			return err
		}
		if err := tx.insertCase(c, pl.engine); err != nil {
			return err
		}
		if err := tx.saveRecords(&approval.Case{}, c); err != nil {
			return err
		}
		if err := tx.setOfferingStatus(o.ID, c.OfferingStatus(), approvedVersion(c)); err != nil {
			return err
		}
		if err := a.record(tx, pl, c, evs); err != nil {
			return err
		}
		out = c
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return out, evs, nil
}

// similar ranks the institution's other offerings against the version.
func (tx *Tx) similar(o Offering, v catalog.Version) ([]approval.Similar, error) {
	others, err := tx.offerings(o.InstitutionID)
	if err != nil {
		return nil, err
	}
	type row struct {
		offering int64
		version  catalog.Version
	}
	rows, err := list(tx, func(r *sql.Rows) (row, error) {
		var x row
		var n int
		var form, hash string
		var when time.Time
		if err := r.Scan(&x.offering, &n, &form, &hash, at(&when)); err != nil {
			return x, err
		}
		var f catalog.Form
		if err := json.Unmarshal([]byte(form), &f); err != nil {
			return x, fmt.Errorf("offering %d version %d: decode form: %w", x.offering, n, err)
		}
		x.version, err = catalog.RestoreVersion(n, f, when, hash)
		return x, err
	}, `SELECT v.offering_id, v.number, v.form, v.hash, v.submitted_at FROM offering_versions v
		JOIN offerings o ON o.id = v.offering_id
		WHERE o.institution_id = $1 AND o.id <> $2 AND o.status <> 'discontinued'
		ORDER BY v.offering_id, v.number LIMIT $3`, o.InstitutionID, o.ID, maxSimilarCandidates*4)
	if err != nil {
		return nil, err
	}
	versions := map[int64][]catalog.Version{}
	for _, r := range rows {
		versions[r.offering] = append(versions[r.offering], r.version)
	}
	var cands []catalog.Offering
	for _, x := range others {
		if x.ID == o.ID || x.Status == catalog.Discontinued || len(cands) >= maxSimilarCandidates {
			continue
		}
		cands = append(cands, x.Catalog(versions[x.ID]))
	}
	var out []approval.Similar
	for _, m := range catalog.RankSimilar(v.Form(), cands, approval.MaxSimilar) {
		id, _ := strconv.ParseInt(m.OfferingID, 10, 64)
		unit, _ := strconv.ParseInt(m.UnitID, 10, 64)
		out = append(out, approval.Similar{OfferingID: id, UnitID: unit, Title: m.Title, Score: m.Score, Why: m.Why})
	}
	return out, nil
}

func approvedVersion(c *approval.Case) int {
	switch c.OfferingStatus() {
	case catalog.Approved, catalog.ApprovedInterimNonCredit:
		return c.Current().Number
	}
	return 0
}

// Act applies an action by person by to the case, saves it with its audit
// events and notifications, and returns the case as saved and the events.
// When another action on the case commits first, the action is applied
// again to the case as that action left it, so concurrent actions (three
// reviewers voting at once) all count. A Resubmit without a version
// freezes the offering's current draft as the new version; a
// ConfirmDuplication without a unit takes the existing offering's.
func (a *Approvals) Act(ctx context.Context, caseID, by int64, action approval.Action) (*approval.Case, []approval.Event, error) {
	for attempt := 1; ; attempt++ {
		c, evs, err := a.actOnce(ctx, caseID, by, action)
		if err == nil {
			return c, evs, nil
		}
		if attempt >= maxApplyAttempts || !raced(err) {
			return nil, nil, err
		}
		wait := time.Duration(rand.IntN(5*attempt)+1) * time.Millisecond
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-time.After(wait):
		}
	}
}

func (a *Approvals) actOnce(ctx context.Context, caseID, by int64, action approval.Action) (*approval.Case, []approval.Event, error) {
	var out *approval.Case
	var evs []approval.Event
	err := a.s.WithTx(ctx, func(tx *Tx) error {
		orig, err := tx.loadCase(caseID)
		if err != nil {
			return err
		}
		pl, err := a.place(tx, orig.InstitutionID)
		if err != nil {
			return err
		}
		r, err := tx.roster(orig.InstitutionID, pl.engine.Profile())
		if err != nil {
			return err
		}
		action, err := tx.complete(orig, action)
		if err != nil {
			return err
		}
		c := orig.Clone()
		evs, err = pl.engine.Apply(c, r, by, action, tx.now)
		if err != nil {
			return err
		}
		out = c
		if len(evs) == 0 {
			return nil
		}
		if err := tx.updateCase(c, pl.engine); err != nil {
			return err
		}
		if err := tx.saveRecords(orig, c); err != nil {
			return err
		}
		if orig.OfferingStatus() != c.OfferingStatus() || approvedVersion(orig) != approvedVersion(c) {
			if err := tx.setOfferingStatus(c.OfferingID, c.OfferingStatus(), approvedVersion(c)); err != nil {
				return err
			}
		}
		return a.record(tx, pl, c, evs)
	})
	if err != nil {
		return nil, nil, err
	}
	return out, evs, nil
}

// complete fills in what an action needs from the store.
func (tx *Tx) complete(c *approval.Case, action approval.Action) (approval.Action, error) {
	switch act := action.(type) {
	case approval.Resubmit:
		if act.Version.IsZero() && c.Status == approval.StatusWithProponent {
			o, err := tx.offering(c.OfferingID, true)
			if err != nil {
				return nil, err
			}
			if o.Status != catalog.Draft {
				return action, nil // the engine explains why it cannot be resubmitted now
			}
			v, err := tx.freezeDraft(o)
			if err != nil {
				return nil, err
			}
			act.Version = v
			if act.Similar, err = tx.similar(o, v); err != nil {
				return nil, err
			}
		}
		return act, nil
	case approval.ConfirmDuplication:
		if act.ExistingUnit == 0 && act.ExistingOffering != 0 {
			o, err := tx.offering(act.ExistingOffering, false)
			if err != nil {
				if is(err, apperror.NotFound) {
					return nil, apperror.Field("existing_offering", "no such offering")
				}
				return nil, err
			}
			if o.InstitutionID != c.InstitutionID {
				return nil, apperror.Field("existing_offering", "no such offering at the institution")
			}
			act.ExistingUnit = o.UnitID
		}
		return act, nil
	}
	return action, nil
}

// Case returns the approval case with id and everything it records.
func (a *Approvals) Case(ctx context.Context, id int64) (*approval.Case, error) {
	var c *approval.Case
	err := a.s.ReadTx(ctx, func(tx *Tx) (err error) {
		c, err = tx.loadCase(id)
		return err
	})
	return c, err
}

// OfferingCases returns the ids of an offering's cases, oldest first.
func (a *Approvals) OfferingCases(ctx context.Context, offeringID int64) ([]int64, error) {
	var out []int64
	err := a.s.ReadTx(ctx, func(tx *Tx) (err error) {
		out, err = list(tx, func(r *sql.Rows) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		}, `SELECT id FROM approval_cases WHERE offering_id = $1 ORDER BY id LIMIT 1000`, offeringID)
		return err
	})
	return out, err
}

// maxTickCases bounds the cases one CheckDeadlines looks at.
const maxTickCases = 1000

// CheckDeadlines sends the reminders and escalations due on the
// institution's open cases (approval.Tick), each once, and returns how many
// cases it changed. A case that fails does not hold up the others: the
// error names how many failed and the first. A scheduler calls it
// periodically; several cairn processes may call it at once.
func (a *Approvals) CheckDeadlines(ctx context.Context, institutionID int64) (int, error) {
	var ids []int64
	err := a.s.ReadTx(ctx, func(tx *Tx) (err error) {
		ids, err = list(tx, func(r *sql.Rows) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		}, `SELECT id FROM approval_cases WHERE institution_id = $1 AND status IN ('open', 'with_proponent')
			AND next_due_at IS NOT NULL ORDER BY next_due_at, id LIMIT $2`, institutionID, maxTickCases)
		return err
	})
	if err != nil {
		return 0, err
	}
	changed, failed := 0, 0
	var first error
	for _, id := range ids {
		_, evs, err := a.Act(ctx, id, 0, approval.Tick{})
		if ctx.Err() != nil {
			return changed, ctx.Err()
		}
		if err != nil {
			failed++
			if first == nil {
				first = fmt.Errorf("case %d: %w", id, err)
			}
			continue
		}
		if len(evs) > 0 {
			changed++
		}
	}
	if first != nil {
		return changed, fmt.Errorf("check deadlines: %d of %d cases failed; first: %w", failed, len(ids), first)
	}
	return changed, nil
}

// actor names who acted, for the audit log.
func actor(by int64) string {
	if by == 0 {
		return "system"
	}
	return "person/" + strconv.FormatInt(by, 10)
}

// record appends the events to the audit log and queues their notices.
func (a *Approvals) record(tx *Tx, pl place, c *approval.Case, evs []approval.Event) error {
	return tx.recordEvents(pl.slug, "case/"+strconv.FormatInt(c.ID, 10), evs)
}

func (tx *Tx) recordEvents(institution, subject string, evs []approval.Event) error {
	emails := map[int64]string{}
	for _, ev := range evs {
		data := map[string]any{}
		for k, v := range ev.Data {
			data[k] = v
		}
		if ev.Step != "" {
			data["step"], data["visit"] = ev.Step, ev.Visit
		}
		raw, err := json.Marshal(data)
		if err != nil {
			return fmt.Errorf("encode %s: %w", ev.Action, err)
		}
		if _, err := tx.s.AppendAudit(tx, audit.Event{At: ev.At, Institution: institution, Actor: actor(ev.By),
			Action: ev.Action, Subject: subject, Data: raw}); err != nil {
			return err
		}
		for _, n := range ev.Notices {
			if _, err := tx.notice(emails, n, ev.Action); err != nil {
				return err
			}
		}
	}
	return nil
}

// notice queues one notice to the person's email address and reports
// whether it did. A keyed notice already queued is not queued again.
func (tx *Tx) notice(emails map[int64]string, n approval.Notice, action string) (bool, error) {
	email, ok := emails[n.To]
	if !ok {
		err := tx.get("person", `SELECT email FROM people WHERE id = $1`, []any{n.To}, &email)
		if is(err, apperror.NotFound) {
			return false, nil // no longer a person to tell
		}
		if err != nil {
			return false, err
		}
		emails[n.To] = email
	}
	if n.Key != "" {
		var k int
		if err := tx.get("notification", `SELECT count(*) FROM notifications WHERE dedupe_key = $1`, []any{n.Key}, &k); err != nil {
			return false, err
		}
		if k > 0 {
			return false, nil
		}
	}
	subject := n.Subject
	if len(subject) > maxSubjectBytes {
		subject = strings.ToValidUTF8(subject[:maxSubjectBytes], "")
	}
	kind := n.Kind
	if kind == "" {
		kind = action
	}
	if err := tx.s.EnqueueNotificationTx(tx, &Notification{Kind: kind, Recipient: email, Subject: subject, Body: n.Body, Key: n.Key}); err != nil {
		return false, err
	}
	return true, nil
}
