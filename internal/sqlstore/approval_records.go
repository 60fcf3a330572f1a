package sqlstore

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"cairn/internal/approval"
	"cairn/internal/catalog"
	"cairn/internal/policy"
	"cairn/internal/workday"
)

// maxCaseRecords bounds the records of one kind read for a case.
const maxCaseRecords = 100000

// nullTime encodes an optional instant; the zero time is NULL.
func (tx *Tx) nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return tx.ts(t)
}

func jsonText(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

const caseCols = `id, institution_id, offering_id, unit_id, unit_category, track, status, result, step, visit, interim,
	offer_as, similar_offerings, opened_at, closed_at, version`

// loadCase reads a case and all its records.
func (tx *Tx) loadCase(id int64) (*approval.Case, error) {
	c := &approval.Case{}
	var status, offerAs, similar string
	err := tx.sql.QueryRowContext(tx.ctx, `SELECT `+caseCols+` FROM approval_cases WHERE id = $1`, id).Scan(
		&c.ID, &c.InstitutionID, &c.OfferingID, ref(&c.UnitID), &c.UnitCategory, &c.Track, &status, &c.Result, &c.Step,
		&c.Visit, &c.Interim, &offerAs, &similar, at(&c.OpenedAt), at(&c.ClosedAt), &c.Revision)
	if isNoRows(err) {
		return nil, notFound("approval case")
	}
	if err != nil {
		return nil, tx.s.translate(err)
	}
	c.Status, c.OfferAs = approval.Status(status), catalog.CreditStatus(offerAs)
	if err := json.Unmarshal([]byte(similar), &c.Similar); err != nil {
		return nil, fmt.Errorf("case %d: decode similar offerings: %w", id, err)
	}
	if err := tx.loadRecords(c); err != nil {
		return nil, fmt.Errorf("case %d: %w", id, err)
	}
	return c, nil
}

func (tx *Tx) loadRecords(c *approval.Case) error {
	var err error
	q := func(cols, table string) string {
		return `SELECT ` + cols + ` FROM ` + table + ` WHERE case_id = $1 ORDER BY 1 LIMIT $2`
	}
	if c.Proponents, err = list(tx, func(r *sql.Rows) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	}, q(`person_id`, `case_proponents`), c.ID, maxCaseRecords); err != nil {
		return err
	}
	if c.Versions, err = list(tx, func(r *sql.Rows) (approval.VersionRef, error) {
		var v approval.VersionRef
		var kind, credit string
		err := r.Scan(&v.Number, &v.Hash, &v.Title, &kind, &credit, &v.Facts.Requisite, at(&v.SubmittedAt))
		v.Facts.Kind, v.Facts.CreditStatus, v.Facts.UnitCategory = catalog.Kind(kind), catalog.CreditStatus(credit), c.UnitCategory
		return v, err
	}, q(`number, hash, title, kind, credit_status, requisite, submitted_at`, `case_versions`), c.ID, maxCaseRecords); err != nil {
		return err
	}
	if c.Visits, err = list(tx, func(r *sql.Rows) (approval.Visit, error) {
		var v approval.Visit
		var kind, outcome string
		err := r.Scan(&v.No, &v.Step, &kind, &v.Version, at(&v.EnteredAt), at(&v.LeftAt), &outcome)
		v.Kind, v.Outcome = policy.StepKind(kind), policy.Outcome(outcome)
		return v, err
	}, q(`no, step, kind, version, entered_at, left_at, outcome`, `case_visits`), c.ID, maxCaseRecords); err != nil {
		return err
	}
	if c.Deadlines, err = list(tx, func(r *sql.Rows) (approval.Deadline, error) {
		var d approval.Deadline
		var kind, pauses string
		err := r.Scan(&d.No, &d.Visit, &kind, ref(&d.Owner), &d.Ref, at(&d.Clock.Start), &d.Clock.Days, &pauses,
			at(&d.MetAt), at(&d.RemindedAt), at(&d.EscalatedAt))
		if err != nil {
			return d, err
		}
		d.Kind = approval.DeadlineKind(kind)
		var ps []workday.Interval
		if err := json.Unmarshal([]byte(pauses), &ps); err != nil {
			return d, fmt.Errorf("decode pauses: %w", err)
		}
		if len(ps) > 0 {
			d.Clock.Pauses = ps
		}
		return d, nil
	}, q(`no, visit, kind, owner_id, ref, starts_at, days, pauses, met_at, reminded_at, escalated_at`, `case_deadlines`), c.ID, maxCaseRecords); err != nil {
		return err
	}
	if c.Assignments, err = list(tx, func(r *sql.Rows) (approval.Assignment, error) {
		var a approval.Assignment
		var status string
		err := r.Scan(&a.No, &a.Visit, &a.Reviewer, ref(&a.AssignedBy), at(&a.AssignedAt), &a.Deadline, &status, at(&a.EndedAt), ref(&a.ReplacedBy))
		a.Status = approval.AssignmentStatus(status)
		return a, err
	}, q(`no, visit, reviewer_id, assigned_by, assigned_at, deadline_no, status, ended_at, replaced_by`, `case_assignments`), c.ID, maxCaseRecords); err != nil {
		return err
	}
	if c.Conflicts, err = list(tx, func(r *sql.Rows) (approval.Conflict, error) {
		var x approval.Conflict
		return x, r.Scan(&x.No, &x.Person, &x.Reason, at(&x.DeclaredAt))
	}, q(`no, person_id, reason, declared_at`, `case_conflicts`), c.ID, maxCaseRecords); err != nil {
		return err
	}
	if c.Reviews, err = list(tx, func(r *sql.Rows) (approval.Review, error) {
		var v approval.Review
		var answers string
		if err := r.Scan(&v.No, &v.Visit, &v.Version, &v.Reviewer, &answers, &v.Comment, at(&v.SubmittedAt), &v.Late); err != nil {
			return v, err
		}
		return v, json.Unmarshal([]byte(answers), &v.Answers)
	}, q(`no, visit, version, reviewer_id, answers, comment, submitted_at, late`, `case_reviews`), c.ID, maxCaseRecords); err != nil {
		return err
	}
	if c.Consultations, err = list(tx, func(r *sql.Rows) (approval.Consultation, error) {
		var x approval.Consultation
		return x, r.Scan(&x.No, &x.Visit, &x.Question, &x.ExistingOffering, ref(&x.ExistingUnit), &x.Consultee, ref(&x.RequestedBy),
			at(&x.RequestedAt), &x.Deadline, &x.Response, at(&x.RespondedAt), &x.Late)
	}, q(`no, visit, question, existing_offering_id, existing_unit_id, consultee_id, requested_by, requested_at, deadline_no,
		response, responded_at, late`, `case_consultations`), c.ID, maxCaseRecords); err != nil {
		return err
	}
	if c.Ballots, err = list(tx, func(r *sql.Rows) (approval.Ballot, error) {
		var b approval.Ballot
		return b, r.Scan(&b.No, &b.Visit, &b.Voter, &b.Approve, &b.Comment, at(&b.CastAt))
	}, q(`no, visit, voter_id, approve, comment, cast_at`, `case_ballots`), c.ID, maxCaseRecords); err != nil {
		return err
	}
	if c.Meetings, err = list(tx, func(r *sql.Rows) (approval.Meeting, error) {
		var m approval.Meeting
		var attendees string
		if err := r.Scan(&m.No, &m.Visit, ref(&m.ScheduledBy), at(&m.ScheduledFor), &m.Place, &m.Minutes, &attendees, at(&m.RecordedAt)); err != nil {
			return m, err
		}
		return m, json.Unmarshal([]byte(attendees), &m.Attendees)
	}, q(`no, visit, scheduled_by, scheduled_for, place, minutes, attendees, recorded_at`, `case_meetings`), c.ID, maxCaseRecords); err != nil {
		return err
	}
	if c.Appeals, err = list(tx, func(r *sql.Rows) (approval.Appeal, error) {
		var a approval.Appeal
		var status, outcome string
		err := r.Scan(&a.No, &a.FiledBy, &a.Grounds, at(&a.FiledAt), &a.Appeals, &a.AppealsVisit, &a.Visit, &status,
			ref(&a.DecidedBy), at(&a.DecidedAt), &a.Note, &outcome)
		a.Status, a.Outcome = approval.AppealStatus(status), policy.Outcome(outcome)
		return a, err
	}, q(`no, filed_by, grounds, filed_at, appeals_step, appeals_visit, visit, status, decided_by, decided_at, note, outcome`, `case_appeals`), c.ID, maxCaseRecords); err != nil {
		return err
	}
	if c.Decisions, err = list(tx, func(r *sql.Rows) (approval.Decision, error) {
		var d approval.Decision
		var kind string
		err := r.Scan(&d.No, &d.Visit, &d.Step, &kind, &d.Outcome, ref(&d.By), &d.Note, at(&d.At))
		d.Kind = approval.DecisionKind(kind)
		return d, err
	}, q(`no, visit, step, kind, outcome, by_id, note, at`, `case_decisions`), c.ID, maxCaseRecords); err != nil {
		return err
	}
	c.Signatures, err = list(tx, func(r *sql.Rows) (approval.Signature, error) {
		var s approval.Signature
		return s, r.Scan(&s.No, &s.Visit, &s.Step, &s.Signer, &s.Role, &s.Version, &s.Hash, at(&s.SignedAt))
	}, q(`no, visit, step, signer_id, role, version, hash, signed_at`, `case_signatures`), c.ID, maxCaseRecords)
	return err
}

// nextDue is when the case's earliest running deadline falls due, NULL
// for none.
func (tx *Tx) nextDue(c *approval.Case, e *approval.Engine) any {
	if c.Status.Final() {
		return nil
	}
	if t, ok := e.NextDeadline(c); ok {
		return tx.ts(t)
	}
	return nil
}

// insertCase writes a new case row and its proponents, setting c.ID and
// c.Revision.
func (tx *Tx) insertCase(c *approval.Case, e *approval.Engine) error {
	similar, err := jsonText(nonNil(c.Similar))
	if err != nil {
		return err
	}
	err = tx.get("approval case", `INSERT INTO approval_cases (institution_id, offering_id, unit_id, unit_category, track, status,
		result, step, visit, interim, offer_as, similar_offerings, opened_at, closed_at, next_due_at, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16, $16) RETURNING id`,
		[]any{c.InstitutionID, c.OfferingID, nullID(c.UnitID), c.UnitCategory, c.Track, string(c.Status), c.Result, c.Step, c.Visit,
			c.Interim, string(c.OfferAs), similar, tx.ts(c.OpenedAt), tx.nullTime(c.ClosedAt), tx.nextDue(c, e), tx.ts(tx.now)}, &c.ID)
	if err != nil {
		return taken(err, "offering_id", "the offering is already in an open approval case")
	}
	c.Revision = 1
	for _, p := range c.Proponents {
		if _, err := tx.exec(`INSERT INTO case_proponents (case_id, person_id) VALUES ($1, $2)`, c.ID, p); err != nil {
			return missing(err, "proponents", "names someone who is not a person")
		}
	}
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// updateCase saves the case row if it is still at the revision loaded;
// otherwise errStale.
func (tx *Tx) updateCase(c *approval.Case, e *approval.Engine) error {
	similar, err := jsonText(nonNil(c.Similar))
	if err != nil {
		return err
	}
	res, err := tx.exec(`UPDATE approval_cases SET track = $1, status = $2, result = $3, step = $4, visit = $5, interim = $6,
		offer_as = $7, similar_offerings = $8, closed_at = $9, next_due_at = $10, version = version + 1, updated_at = $11
		WHERE id = $12 AND version = $13`,
		c.Track, string(c.Status), c.Result, c.Step, c.Visit, c.Interim, string(c.OfferAs), similar, tx.nullTime(c.ClosedAt),
		tx.nextDue(c, e), tx.ts(tx.now), c.ID, c.Revision)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return tx.s.translate(err)
	}
	if n != 1 {
		return fmt.Errorf("%w: %w", errStale, changed("approval case"))
	}
	c.Revision++
	return nil
}

// saveRecords writes the records c has beyond orig and updates those that
// changed. Records are numbered from 1 and never removed, so record i of
// orig is record i of c.
func (tx *Tx) saveRecords(orig, c *approval.Case) error {
	for _, v := range c.Versions[len(orig.Versions):] {
		if _, err := tx.exec(`INSERT INTO case_versions (case_id, offering_id, number, hash, title, kind, credit_status, requisite, submitted_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, c.ID, c.OfferingID, v.Number, v.Hash, v.Title, string(v.Facts.Kind),
			string(v.Facts.CreditStatus), v.Facts.Requisite, tx.ts(v.SubmittedAt)); err != nil {
			return err
		}
	}
	for i, v := range c.Visits {
		switch {
		case i >= len(orig.Visits):
			if _, err := tx.exec(`INSERT INTO case_visits (case_id, no, step, kind, version, entered_at, left_at, outcome)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, c.ID, v.No, v.Step, string(v.Kind), v.Version, tx.ts(v.EnteredAt),
				tx.nullTime(v.LeftAt), string(v.Outcome)); err != nil {
				return err
			}
		case v != orig.Visits[i]:
			if _, err := tx.exec(`UPDATE case_visits SET left_at = $1, outcome = $2 WHERE case_id = $3 AND no = $4`,
				tx.nullTime(v.LeftAt), string(v.Outcome), c.ID, v.No); err != nil {
				return err
			}
		}
	}
	for i, d := range c.Deadlines {
		pauses, err := jsonText(nonNil(d.Clock.Pauses))
		if err != nil {
			return err
		}
		switch {
		case i >= len(orig.Deadlines):
			if _, err := tx.exec(`INSERT INTO case_deadlines (case_id, no, visit, kind, owner_id, ref, starts_at, days, pauses, met_at,
				reminded_at, escalated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
				c.ID, d.No, d.Visit, string(d.Kind), nullID(d.Owner), d.Ref, tx.ts(d.Clock.Start), d.Clock.Days, pauses,
				tx.nullTime(d.MetAt), tx.nullTime(d.RemindedAt), tx.nullTime(d.EscalatedAt)); err != nil {
				return err
			}
		case !reflect.DeepEqual(d, orig.Deadlines[i]):
			if _, err := tx.exec(`UPDATE case_deadlines SET pauses = $1, met_at = $2, reminded_at = $3, escalated_at = $4
				WHERE case_id = $5 AND no = $6`, pauses, tx.nullTime(d.MetAt), tx.nullTime(d.RemindedAt), tx.nullTime(d.EscalatedAt),
				c.ID, d.No); err != nil {
				return err
			}
		}
	}
	for i, a := range c.Assignments {
		switch {
		case i >= len(orig.Assignments):
			if _, err := tx.exec(`INSERT INTO case_assignments (case_id, no, visit, reviewer_id, assigned_by, assigned_at, deadline_no,
				status, ended_at, replaced_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
				c.ID, a.No, a.Visit, a.Reviewer, nullID(a.AssignedBy), tx.ts(a.AssignedAt), a.Deadline, string(a.Status),
				tx.nullTime(a.EndedAt), nullID(a.ReplacedBy)); err != nil {
				return err
			}
		case a != orig.Assignments[i]:
			if _, err := tx.exec(`UPDATE case_assignments SET status = $1, ended_at = $2, replaced_by = $3 WHERE case_id = $4 AND no = $5`,
				string(a.Status), tx.nullTime(a.EndedAt), nullID(a.ReplacedBy), c.ID, a.No); err != nil {
				return err
			}
		}
	}
	for _, x := range c.Conflicts[len(orig.Conflicts):] {
		if _, err := tx.exec(`INSERT INTO case_conflicts (case_id, no, person_id, reason, declared_at) VALUES ($1, $2, $3, $4, $5)`,
			c.ID, x.No, x.Person, x.Reason, tx.ts(x.DeclaredAt)); err != nil {
			return err
		}
	}
	for _, r := range c.Reviews[len(orig.Reviews):] {
		answers, err := jsonText(nonNil(r.Answers))
		if err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT INTO case_reviews (case_id, no, visit, version, reviewer_id, answers, comment, submitted_at, late)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, c.ID, r.No, r.Visit, r.Version, r.Reviewer, answers, r.Comment,
			tx.ts(r.SubmittedAt), r.Late); err != nil {
			return err
		}
	}
	for i, x := range c.Consultations {
		switch {
		case i >= len(orig.Consultations):
			if _, err := tx.exec(`INSERT INTO case_consultations (case_id, no, visit, question, existing_offering_id, existing_unit_id,
				consultee_id, requested_by, requested_at, deadline_no, response, responded_at, late)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
				c.ID, x.No, x.Visit, x.Question, x.ExistingOffering, nullID(x.ExistingUnit), x.Consultee, nullID(x.RequestedBy),
				tx.ts(x.RequestedAt), x.Deadline, x.Response, tx.nullTime(x.RespondedAt), x.Late); err != nil {
				return missing(err, "existing_offering", "no such offering")
			}
		case x != orig.Consultations[i]:
			if _, err := tx.exec(`UPDATE case_consultations SET response = $1, responded_at = $2, late = $3 WHERE case_id = $4 AND no = $5`,
				x.Response, tx.nullTime(x.RespondedAt), x.Late, c.ID, x.No); err != nil {
				return err
			}
		}
	}
	for _, b := range c.Ballots[len(orig.Ballots):] {
		if _, err := tx.exec(`INSERT INTO case_ballots (case_id, no, visit, voter_id, approve, comment, cast_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, c.ID, b.No, b.Visit, b.Voter, b.Approve, b.Comment, tx.ts(b.CastAt)); err != nil {
			return err
		}
	}
	for i, m := range c.Meetings {
		attendees, err := jsonText(nonNil(m.Attendees))
		if err != nil {
			return err
		}
		switch {
		case i >= len(orig.Meetings):
			if _, err := tx.exec(`INSERT INTO case_meetings (case_id, no, visit, scheduled_by, scheduled_for, place, minutes, attendees, recorded_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, c.ID, m.No, m.Visit, nullID(m.ScheduledBy), tx.ts(m.ScheduledFor), m.Place,
				m.Minutes, attendees, tx.nullTime(m.RecordedAt)); err != nil {
				return err
			}
		case !reflect.DeepEqual(m, orig.Meetings[i]):
			if _, err := tx.exec(`UPDATE case_meetings SET scheduled_by = $1, scheduled_for = $2, place = $3, minutes = $4, attendees = $5,
				recorded_at = $6 WHERE case_id = $7 AND no = $8`, nullID(m.ScheduledBy), tx.ts(m.ScheduledFor), m.Place, m.Minutes,
				attendees, tx.nullTime(m.RecordedAt), c.ID, m.No); err != nil {
				return err
			}
		}
	}
	for i, a := range c.Appeals {
		switch {
		case i >= len(orig.Appeals):
			if _, err := tx.exec(`INSERT INTO case_appeals (case_id, no, filed_by, grounds, filed_at, appeals_step, appeals_visit, visit,
				status, decided_by, decided_at, note, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
				c.ID, a.No, a.FiledBy, a.Grounds, tx.ts(a.FiledAt), a.Appeals, a.AppealsVisit, a.Visit, string(a.Status),
				nullID(a.DecidedBy), tx.nullTime(a.DecidedAt), a.Note, string(a.Outcome)); err != nil {
				return err
			}
		case a != orig.Appeals[i]:
			if _, err := tx.exec(`UPDATE case_appeals SET visit = $1, status = $2, decided_by = $3, decided_at = $4, note = $5, outcome = $6
				WHERE case_id = $7 AND no = $8`, a.Visit, string(a.Status), nullID(a.DecidedBy), tx.nullTime(a.DecidedAt), a.Note,
				string(a.Outcome), c.ID, a.No); err != nil {
				return err
			}
		}
	}
	for _, d := range c.Decisions[len(orig.Decisions):] {
		if _, err := tx.exec(`INSERT INTO case_decisions (case_id, no, visit, step, kind, outcome, by_id, note, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, c.ID, d.No, d.Visit, d.Step, string(d.Kind), d.Outcome, nullID(d.By),
			d.Note, tx.ts(d.At)); err != nil {
			return err
		}
	}
	for _, s := range c.Signatures[len(orig.Signatures):] {
		if _, err := tx.exec(`INSERT INTO case_signatures (case_id, no, visit, step, signer_id, role, version, hash, signed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, c.ID, s.No, s.Visit, s.Step, s.Signer, s.Role, s.Version, s.Hash,
			tx.ts(s.SignedAt)); err != nil {
			return err
		}
	}
	return nil
}
