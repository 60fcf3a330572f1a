package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/approval"
	"cairn/internal/catalog"
	"cairn/internal/org"
)

// The kinds of matter the matters table holds.
const (
	matterChallenge      = "challenge"
	matterDispute        = "dispute"
	matterDiscontinuance = "discontinuance"
)

// retry runs fn again while it loses an optimistic race or meets a busy
// database.
func (a *Approvals) retry(ctx context.Context, fn func() error) error {
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || attempt >= maxApplyAttempts || !raced(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(rand.IntN(5*attempt)+1) * time.Millisecond):
		}
	}
}

func (tx *Tx) insertMatter(institutionID int64, kind string, offeringID, caseID int64, status string, record any) (int64, error) {
	raw, err := json.Marshal(record)
	if err != nil {
		return 0, fmt.Errorf("encode %s: %w", kind, err)
	}
	var id int64
	err = tx.get(kind, `INSERT INTO matters (institution_id, kind, offering_id, case_id, status, record, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) RETURNING id`,
		[]any{institutionID, kind, nullID(offeringID), nullID(caseID), status, string(raw), tx.ts(tx.now)}, &id)
	return id, err
}

// loadMatter decodes the matter id of kind into record and returns its
// institution and version.
func (tx *Tx) loadMatter(id int64, kind string, record any) (institutionID, version int64, err error) {
	var raw string
	err = tx.get(kind, `SELECT institution_id, record, version FROM matters WHERE id = $1 AND kind = $2`, []any{id, kind},
		&institutionID, &raw, &version)
	if err != nil {
		return 0, 0, err
	}
	if err := json.Unmarshal([]byte(raw), record); err != nil {
		return 0, 0, fmt.Errorf("decode %s %d: %w", kind, id, err)
	}
	return institutionID, version, nil
}

// saveMatter saves the record if the matter is still at version.
func (tx *Tx) saveMatter(id, version int64, status string, record any) error {
	raw, err := json.Marshal(record)
	if err != nil {
		return fmt.Errorf("encode matter %d: %w", id, err)
	}
	res, err := tx.exec(`UPDATE matters SET status = $1, record = $2, version = version + 1, updated_at = $3 WHERE id = $4 AND version = $5`,
		status, string(raw), tx.ts(tx.now), id, version)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		if err != nil {
			return tx.s.translate(err)
		}
		return fmt.Errorf("%w: %w", errStale, changed("record"))
	}
	return nil
}

// approvedForm returns the form of an offering's approved version.
func (tx *Tx) approvedForm(o Offering) (catalog.Form, error) {
	var raw string
	if err := tx.get("approved version", `SELECT form FROM offering_versions WHERE offering_id = $1 AND number = $2`,
		[]any{o.ID, o.ApprovedVersion}, &raw); err != nil {
		return catalog.Form{}, err
	}
	var f catalog.Form
	if err := json.Unmarshal([]byte(raw), &f); err != nil {
		return catalog.Form{}, fmt.Errorf("offering %d: decode approved version: %w", o.ID, err)
	}
	return f, nil
}

// RecordCommitteeMeeting records that a committee (by its profile key) met
// at heldAt, and returns the record's id.
func (s *Store) RecordCommitteeMeeting(ctx context.Context, institutionID int64, committee string, heldAt time.Time, notes string) (int64, error) {
	switch {
	case committee == "" || len(committee) > org.MaxSlugLen:
		return 0, apperror.Field("committee", "is required, at most %d bytes", org.MaxSlugLen)
	case heldAt.IsZero():
		return 0, apperror.Field("held_at", "is required")
	case len(notes) > approval.MaxNoteBytes:
		return 0, apperror.Field("notes", "at most %d bytes", approval.MaxNoteBytes)
	}
	var id int64
	err := s.WithTx(ctx, func(tx *Tx) error {
		err := tx.get("committee meeting", `INSERT INTO committee_meetings (institution_id, committee, held_at, notes, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, []any{institutionID, committee, tx.ts(heldAt), notes, tx.ts(tx.now)}, &id)
		return missing(err, "institution_id", "no such institution")
	})
	return id, err
}

// lastMeeting returns when the committee last met before t; zero if never.
func (tx *Tx) lastMeeting(institutionID int64, committee string, t time.Time) (time.Time, error) {
	var when time.Time
	err := tx.get("committee meeting", `SELECT held_at FROM committee_meetings WHERE institution_id = $1 AND committee = $2
		AND held_at <= $3 ORDER BY held_at DESC LIMIT 1`, []any{institutionID, committee, tx.ts(t)}, at(&when))
	if is(err, apperror.NotFound) {
		return time.Time{}, nil
	}
	return when, err
}

// maxApprovalsListed bounds the approvals one report reads.
const maxApprovalsListed = 10000

// approvals lists the institution's approved cases with the version each
// approved.
func (tx *Tx) approvals(institutionID int64) ([]approval.ApprovedOffering, error) {
	return list(tx, func(r *sql.Rows) (approval.ApprovedOffering, error) {
		var a approval.ApprovedOffering
		var kind string
		err := r.Scan(&a.CaseID, &a.OfferingID, &a.Title, &kind, &a.Version, &a.Hash, at(&a.ApprovedAt))
		a.Kind = catalog.Kind(kind)
		return a, err
	}, `SELECT c.id, c.offering_id, v.title, v.kind, v.number, v.hash, c.closed_at FROM approval_cases c
		JOIN case_versions v ON v.case_id = c.id AND v.number = (SELECT max(number) FROM case_versions WHERE case_id = c.id)
		WHERE c.institution_id = $1 AND c.status = 'approved' ORDER BY c.closed_at, c.id LIMIT $2`, institutionID, maxApprovalsListed)
}

// SendBadgeReport has person by (who must hold the report's sending role)
// send the profile's regular report to its committee: every offering of
// the report's kinds approved since that committee's last recorded
// meeting. It is logged and queued for each member of the committee.
func (a *Approvals) SendBadgeReport(ctx context.Context, institutionID, by int64) (approval.BadgeReport, error) {
	var rep approval.BadgeReport
	err := a.retry(ctx, func() error {
		return a.s.WithTx(ctx, func(tx *Tx) error {
			pl, err := a.place(tx, institutionID)
			if err != nil {
				return err
			}
			e := pl.engine
			r, err := tx.roster(institutionID, e.Profile())
			if err != nil {
				return err
			}
			br := e.Profile().Processes.BadgeReport
			if br == nil {
				return apperror.New(apperror.NotFound, "profile %s has no badge report", e.Profile().ID)
			}
			since, err := tx.lastMeeting(institutionID, br.To, tx.now)
			if err != nil {
				return err
			}
			approved, err := tx.approvals(institutionID)
			if err != nil {
				return err
			}
			if rep, err = e.BadgeReport(approved, since, tx.now); err != nil {
				return err
			}
			ev, err := e.SendBadgeReport(rep, r, by)
			if err != nil {
				return err
			}
			return tx.recordEvents(pl.slug, "report/"+br.To, []approval.Event{ev})
		})
	})
	return rep, err
}

// RaiseChallenge has person by (the chair of the profile's challenging
// committee) challenge an approved offering, asking for an explanation at
// the committee's next meeting.
func (a *Approvals) RaiseChallenge(ctx context.Context, offeringID, by int64, reason string, nextMeeting time.Time) (*approval.Challenge, error) {
	var out *approval.Challenge
	err := a.retry(ctx, func() error {
		return a.s.WithTx(ctx, func(tx *Tx) error {
			o, err := tx.offering(offeringID, false)
			if err != nil {
				return err
			}
			if !o.Status.Offerable() || o.ApprovedVersion == 0 {
				return apperror.New(apperror.Conflict, "only an approved offering can be challenged; this one is %s", o.Status)
			}
			f, err := tx.approvedForm(o)
			if err != nil {
				return err
			}
			pl, err := a.place(tx, o.InstitutionID)
			if err != nil {
				return err
			}
			r, err := tx.roster(o.InstitutionID, pl.engine.Profile())
			if err != nil {
				return err
			}
			ch := &approval.Challenge{InstitutionID: o.InstitutionID}
			evs, err := pl.engine.ApplyChallenge(ch, r, by, approval.RaiseChallenge{OfferingID: o.ID, Title: f.Title, Kind: f.Kind,
				Reason: reason, NextMeeting: nextMeeting}, tx.now)
			if err != nil {
				return err
			}
			if ch.ID, err = tx.insertMatter(o.InstitutionID, matterChallenge, o.ID, 0, string(ch.Status), ch); err != nil {
				return err
			}
			ch.Revision = 1
			if err := tx.saveMatter(ch.ID, 1, string(ch.Status), ch); err != nil { // record the id in the record
				return err
			}
			ch.Revision = 2
			evs[0].Data["challenge"] = ch.ID
			out = ch
			return tx.recordEvents(pl.slug, "challenge/"+strconv.FormatInt(ch.ID, 10), evs)
		})
	})
	return out, err
}

// ActOnChallenge applies an action to a challenge (explanation,
// conclusion, decision). An overturned challenge takes the offering under
// review.
func (a *Approvals) ActOnChallenge(ctx context.Context, id, by int64, action approval.ChallengeAction) (*approval.Challenge, error) {
	var out *approval.Challenge
	err := a.retry(ctx, func() error {
		return a.s.WithTx(ctx, func(tx *Tx) error {
			ch := &approval.Challenge{}
			inst, version, err := tx.loadMatter(id, matterChallenge, ch)
			if err != nil {
				return err
			}
			ch.ID, ch.Revision = id, version
			pl, err := a.place(tx, inst)
			if err != nil {
				return err
			}
			r, err := tx.roster(inst, pl.engine.Profile())
			if err != nil {
				return err
			}
			evs, err := pl.engine.ApplyChallenge(ch, r, by, action, tx.now)
			if err != nil {
				return err
			}
			ch.Revision = version + 1
			if err := tx.saveMatter(id, version, string(ch.Status), ch); err != nil {
				return err
			}
			if st, ok := ch.OfferingStatus(); ok {
				if err := tx.setOfferingStatus(ch.OfferingID, st, 0); err != nil {
					return err
				}
			}
			out = ch
			return tx.recordEvents(pl.slug, "challenge/"+strconv.FormatInt(id, 10), evs)
		})
	})
	return out, err
}

// Challenge returns the challenge with id.
func (a *Approvals) Challenge(ctx context.Context, id int64) (*approval.Challenge, error) {
	ch := &approval.Challenge{}
	err := a.s.ReadTx(ctx, func(tx *Tx) error {
		_, v, err := tx.loadMatter(id, matterChallenge, ch)
		ch.ID, ch.Revision = id, v
		return err
	})
	return ch, err
}

// RaiseDispute has person by report a question or dispute to the first
// role of the profile's problem-solving chain.
func (a *Approvals) RaiseDispute(ctx context.Context, institutionID, by int64, raise approval.RaiseDispute) (*approval.Dispute, error) {
	var out *approval.Dispute
	err := a.retry(ctx, func() error {
		return a.s.WithTx(ctx, func(tx *Tx) error {
			pl, err := a.place(tx, institutionID)
			if err != nil {
				return err
			}
			r, err := tx.roster(institutionID, pl.engine.Profile())
			if err != nil {
				return err
			}
			d := &approval.Dispute{InstitutionID: institutionID}
			evs, err := pl.engine.ApplyDispute(d, r, by, raise, tx.now)
			if err != nil {
				return err
			}
			if d.ID, err = tx.insertMatter(institutionID, matterDispute, raise.OfferingID, raise.CaseID, string(d.Status), d); err != nil {
				return missing(err, "case_id", "no such case or offering")
			}
			if err := tx.saveMatter(d.ID, 1, string(d.Status), d); err != nil {
				return err
			}
			d.Revision = 2
			evs[0].Data["dispute"] = d.ID
			out = d
			return tx.recordEvents(pl.slug, "dispute/"+strconv.FormatInt(d.ID, 10), evs)
		})
	})
	return out, err
}

// ActOnDispute resolves or escalates a dispute.
func (a *Approvals) ActOnDispute(ctx context.Context, id, by int64, action approval.DisputeAction) (*approval.Dispute, error) {
	var out *approval.Dispute
	err := a.retry(ctx, func() error {
		return a.s.WithTx(ctx, func(tx *Tx) error {
			d := &approval.Dispute{}
			inst, version, err := tx.loadMatter(id, matterDispute, d)
			if err != nil {
				return err
			}
			d.ID, d.Revision = id, version
			pl, err := a.place(tx, inst)
			if err != nil {
				return err
			}
			r, err := tx.roster(inst, pl.engine.Profile())
			if err != nil {
				return err
			}
			evs, err := pl.engine.ApplyDispute(d, r, by, action, tx.now)
			if err != nil {
				return err
			}
			d.Revision = version + 1
			if err := tx.saveMatter(id, version, string(d.Status), d); err != nil {
				return err
			}
			out = d
			return tx.recordEvents(pl.slug, "dispute/"+strconv.FormatInt(id, 10), evs)
		})
	})
	return out, err
}

// activity reads what the annual review and discontinuance rules need of
// the institution's approved offerings.
func (tx *Tx) activity(institutionID int64) ([]approval.OfferingActivity, error) {
	os, err := tx.offerings(institutionID)
	if err != nil {
		return nil, err
	}
	var out []approval.OfferingActivity
	for _, o := range os {
		if o.ApprovedVersion == 0 {
			continue
		}
		f, err := tx.approvedForm(o)
		if err != nil {
			return nil, err
		}
		var last time.Time
		if err := tx.get("offering run", `SELECT max(starts_on) FROM offering_runs WHERE offering_id = $1`, []any{o.ID}, at(&last)); err != nil {
			return nil, err
		}
		out = append(out, approval.OfferingActivity{OfferingID: o.ID, UnitID: o.UnitID, Title: f.Title, Kind: f.Kind, Status: o.Status,
			ApprovedAt: o.ApprovedAt, LastRunAt: last, LastReviewAt: o.LastReviewedAt})
	}
	return out, nil
}

// ScheduleAnnualReviews creates the annual review tasks due at the
// institution and tells the people of each offering's unit holding the
// reviewing role; a task is created and announced once. It returns the
// tasks created.
func (a *Approvals) ScheduleAnnualReviews(ctx context.Context, institutionID int64) ([]approval.ReviewTask, error) {
	var out []approval.ReviewTask
	err := a.retry(ctx, func() error {
		out = nil
		return a.s.WithTx(ctx, func(tx *Tx) error {
			pl, err := a.place(tx, institutionID)
			if err != nil {
				return err
			}
			r, err := tx.roster(institutionID, pl.engine.Profile())
			if err != nil {
				return err
			}
			act, err := tx.activity(institutionID)
			if err != nil {
				return err
			}
			for _, task := range pl.engine.AnnualReviewsDue(act, r, tx.now) {
				due := pl.engine.Calendar().DateOf(task.Due).String()
				var n int
				if err := tx.get("annual review", `SELECT count(*) FROM annual_reviews WHERE offering_id = $1 AND due_on = $2`,
					[]any{task.OfferingID, due}, &n); err != nil {
					return err
				}
				if n > 0 {
					continue
				}
				if _, err := tx.exec(`INSERT INTO annual_reviews (offering_id, due_on, created_at) VALUES ($1, $2, $3)`,
					task.OfferingID, due, tx.ts(tx.now)); err != nil {
					return err
				}
				if err := tx.recordEvents(pl.slug, "offering/"+strconv.FormatInt(task.OfferingID, 10),
					[]approval.Event{pl.engine.ReviewTaskEvent(task, tx.now)}); err != nil {
					return err
				}
				out = append(out, task)
			}
			return nil
		})
	})
	return out, err
}

// CompleteAnnualReview records that person by, holding the reviewing role
// in the offering's unit, completed its open annual review.
func (a *Approvals) CompleteAnnualReview(ctx context.Context, offeringID, by int64, notes string) error {
	if len(notes) > approval.MaxNoteBytes {
		return apperror.Field("notes", "at most %d bytes", approval.MaxNoteBytes)
	}
	return a.retry(ctx, func() error {
		return a.s.WithTx(ctx, func(tx *Tx) error {
			o, err := tx.offering(offeringID, true)
			if err != nil {
				return err
			}
			pl, err := a.place(tx, o.InstitutionID)
			if err != nil {
				return err
			}
			ar := pl.engine.Profile().Processes.AnnualReview
			if ar == nil {
				return apperror.New(apperror.NotFound, "profile %s has no annual review", pl.engine.Profile().ID)
			}
			r, err := tx.roster(o.InstitutionID, pl.engine.Profile())
			if err != nil {
				return err
			}
			if !r.HoldsIn(by, ar.By, o.UnitID) {
				return apperror.New(apperror.Forbidden, "only the offering's %s completes its annual review (%s)", ar.By, ar.Clause)
			}
			var id int64
			if err := tx.get("open annual review", `SELECT id FROM annual_reviews WHERE offering_id = $1 AND completed_at IS NULL
				ORDER BY due_on LIMIT 1`, []any{offeringID}, &id); err != nil {
				return err
			}
			if _, err := tx.exec(`UPDATE annual_reviews SET completed_at = $1, completed_by = $2, notes = $3 WHERE id = $4`,
				tx.ts(tx.now), by, notes, id); err != nil {
				return err
			}
			if _, _, err := tx.updateVersioned("offerings", "offering", o.ID, o.Version, `last_reviewed_at = $1`, tx.ts(tx.now)); err != nil {
				return err
			}
			return tx.recordEvents(pl.slug, "offering/"+strconv.FormatInt(offeringID, 10), []approval.Event{{
				Action: "offering.annual_review_completed", At: tx.now, By: by, Data: map[string]any{"notes": notes, "clause": ar.Clause}}})
		})
	})
}

// FlagIdleOfferings flags to the profile's considering role every approved
// offering of the institution not offered for the discontinuance rule's
// period, taking it under review; an offering already under consideration
// is not flagged again. It returns the discontinuances opened.
func (a *Approvals) FlagIdleOfferings(ctx context.Context, institutionID int64) ([]approval.Discontinuance, error) {
	var out []approval.Discontinuance
	err := a.retry(ctx, func() error {
		out = nil
		return a.s.WithTx(ctx, func(tx *Tx) error {
			pl, err := a.place(tx, institutionID)
			if err != nil {
				return err
			}
			r, err := tx.roster(institutionID, pl.engine.Profile())
			if err != nil {
				return err
			}
			act, err := tx.activity(institutionID)
			if err != nil {
				return err
			}
			for _, d := range pl.engine.IdleOfferings(act, tx.now) {
				var n int
				if err := tx.get("discontinuance", `SELECT count(*) FROM matters WHERE kind = 'discontinuance' AND offering_id = $1
					AND status IN ('flagged', 'proposed')`, []any{d.OfferingID}, &n); err != nil {
					return err
				}
				if n > 0 {
					continue
				}
				d.InstitutionID = institutionID
				if d.ID, err = tx.insertMatter(institutionID, matterDiscontinuance, d.OfferingID, 0, string(d.Status), d); err != nil {
					return err
				}
				if err := tx.saveMatter(d.ID, 1, string(d.Status), d); err != nil {
					return err
				}
				d.Revision = 2
				if err := tx.setOfferingStatus(d.OfferingID, d.OfferingStatus(), 0); err != nil {
					return err
				}
				ev := pl.engine.FlagEvent(d, r)
				ev.Data["discontinuance"] = d.ID
				if err := tx.recordEvents(pl.slug, "offering/"+strconv.FormatInt(d.OfferingID, 10), []approval.Event{ev}); err != nil {
					return err
				}
				out = append(out, d)
			}
			return nil
		})
	})
	return out, err
}

// ActOnDiscontinuance applies an action to a discontinuance and moves the
// offering accordingly: discontinued, or back to approved when retained.
func (a *Approvals) ActOnDiscontinuance(ctx context.Context, id, by int64, action approval.DiscontinuanceAction) (*approval.Discontinuance, error) {
	var out *approval.Discontinuance
	err := a.retry(ctx, func() error {
		return a.s.WithTx(ctx, func(tx *Tx) error {
			d := &approval.Discontinuance{}
			inst, version, err := tx.loadMatter(id, matterDiscontinuance, d)
			if err != nil {
				return err
			}
			d.ID, d.Revision = id, version
			pl, err := a.place(tx, inst)
			if err != nil {
				return err
			}
			r, err := tx.roster(inst, pl.engine.Profile())
			if err != nil {
				return err
			}
			before := d.OfferingStatus()
			evs, err := pl.engine.ApplyDiscontinuance(d, r, by, action, tx.now)
			if err != nil {
				return err
			}
			d.Revision = version + 1
			if err := tx.saveMatter(id, version, string(d.Status), d); err != nil {
				return err
			}
			if after := d.OfferingStatus(); after != before {
				if err := tx.setOfferingStatus(d.OfferingID, after, 0); err != nil {
					return err
				}
			}
			out = d
			return tx.recordEvents(pl.slug, "offering/"+strconv.FormatInt(d.OfferingID, 10), evs)
		})
	})
	return out, err
}

// SendPolicyReviewReminders queues the reminders due that the institution's
// policy documents are due for review (each once per due date) and returns
// how many it queued. The audit log records the reminders this call
// queued, so with several processes calling at once one of them records
// them.
func (a *Approvals) SendPolicyReviewReminders(ctx context.Context, institutionID int64) (int, error) {
	var n int
	err := a.retry(ctx, func() error {
		n = 0
		return a.s.WithTx(ctx, func(tx *Tx) error {
			pl, err := a.place(tx, institutionID)
			if err != nil {
				return err
			}
			r, err := tx.roster(institutionID, pl.engine.Profile())
			if err != nil {
				return err
			}
			// Queue first, counting what this transaction queued: a keyed
			// notice another process queued since is skipped.
			emails := map[int64]string{}
			queued := 0
			for _, ns := range pl.engine.PolicyReviewNotices(r, tx.now) {
				ok, err := tx.notice(emails, ns, "policy.review_reminder")
				if err != nil {
					return err
				}
				if ok {
					queued++
				}
			}
			if queued == 0 {
				return nil
			}
			if err := tx.recordEvents(pl.slug, "policy/"+pl.engine.Profile().ID, []approval.Event{{
				Action: "policy.review_reminder", At: tx.now, Data: map[string]any{"reminders": queued}}}); err != nil {
				return err
			}
			n = queued
			return nil
		})
	})
	return n, err
}
