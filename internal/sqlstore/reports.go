package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/approval"
	"cairn/internal/policy"
)

// Report periods: awards and completions are counted per calendar month
// or year (UTC).
const (
	PeriodMonth = "month"
	PeriodYear  = "year"
)

// maxReportRows bounds the rows one report returns.
const maxReportRows = 5000

// ReportRange is the span and bucket of a report: instants from From
// (inclusive) to To (exclusive), counted per Period.
type ReportRange struct {
	From, To time.Time
	Period   string
}

// Check reports a range that is empty, reversed or has an unknown period.
func (r ReportRange) Check() error {
	switch {
	case r.From.IsZero() || r.To.IsZero():
		return apperror.Field("from", "give the start and end of the period")
	case !r.To.After(r.From):
		return apperror.Field("to", "must be after from")
	case r.To.Sub(r.From) > 20*366*24*time.Hour:
		return apperror.Field("to", "a report spans at most 20 years")
	case r.Period != PeriodMonth && r.Period != PeriodYear:
		return apperror.Field("period", "must be month or year")
	}
	return nil
}

// bucket is the SQL expression of col's period (UTC), as YYYY-MM or
// YYYY. SQLite keeps instants as fixed-width UTC text, so the period is a
// prefix of it.
func (tx *Tx) bucket(col, period string) string {
	switch {
	case tx.s.engine == SQLite && period == PeriodYear:
		return "substr(" + col + ", 1, 4)"
	case tx.s.engine == SQLite:
		return "substr(" + col + ", 1, 7)"
	case period == PeriodYear:
		return "to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY')"
	}
	return "to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY-MM')"
}

// OfferingCount is how many awards of one offering were issued in one
// period.
type OfferingCount struct {
	OfferingID int64
	Title      string
	Period     string // YYYY-MM or YYYY
	Count      int
}

// AwardsPerOffering counts the institution's awards issued in the range,
// per offering and period (corrections and revoked awards included: each
// credential issued counts once).
func (s *Store) AwardsPerOffering(ctx context.Context, institutionID int64, r ReportRange) ([]OfferingCount, error) {
	if err := r.Check(); err != nil {
		return nil, err
	}
	var out []OfferingCount
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		b := tx.bucket("a.issued_at", r.Period)
		out, err = list(tx, func(rs *sql.Rows) (OfferingCount, error) {
			var c OfferingCount
			return c, rs.Scan(&c.OfferingID, &c.Title, &c.Period, &c.Count)
		}, `SELECT a.offering_id, o.title, `+b+`, count(*) FROM awards a JOIN offerings o ON o.id = a.offering_id
			WHERE a.institution_id = $1 AND a.issued_at >= $2 AND a.issued_at < $3
			GROUP BY a.offering_id, o.title, `+b+` ORDER BY 3, 2, 1 LIMIT $4`,
			institutionID, tx.ts(r.From), tx.ts(r.To), maxReportRows)
		return err
	})
	return out, err
}

// StackCount is how many learners completed one stack in one period.
type StackCount struct {
	StackID int64
	Title   string
	Period  string
	Count   int
}

// StacksCompleted counts the institution's stack completions in the range,
// per stack and period.
func (s *Store) StacksCompleted(ctx context.Context, institutionID int64, r ReportRange) ([]StackCount, error) {
	if err := r.Check(); err != nil {
		return nil, err
	}
	var out []StackCount
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		b := tx.bucket("c.completed_at", r.Period)
		out, err = list(tx, func(rs *sql.Rows) (StackCount, error) {
			var c StackCount
			return c, rs.Scan(&c.StackID, &c.Title, &c.Period, &c.Count)
		}, `SELECT s.id, o.title, `+b+`, count(*) FROM stack_completions c JOIN stacks s ON s.id = c.stack_id
			JOIN offerings o ON o.id = s.offering_id
			WHERE s.institution_id = $1 AND c.completed_at >= $2 AND c.completed_at < $3
			GROUP BY s.id, o.title, `+b+` ORDER BY 3, 2, 1 LIMIT $4`,
			institutionID, tx.ts(r.From), tx.ts(r.To), maxReportRows)
		return err
	})
	return out, err
}

// Verification endpoints and outcomes, as CountVerification records them.
const (
	VerifyPage        = "page"        // POST /verify
	VerifyAPI         = "api"         // POST /api/v1/verify
	VerifyCredentials = "credentials" // POST /credentials/verify (VC API)
	VerifyVerified    = "verified"
	VerifyFailed      = "failed"
	VerifyUnreadable  = "unreadable"
)

// CountVerification adds one to today's count of the endpoint's
// verifications with the outcome. Verifications are counted in the
// database rather than only in the process's metrics so that a report
// covers every cairn process and survives restarts; no credential, issuer
// or requester is recorded.
func (s *Store) CountVerification(ctx context.Context, endpoint, outcome string) error {
	if !slices.Contains([]string{VerifyPage, VerifyAPI, VerifyCredentials}, endpoint) ||
		!slices.Contains([]string{VerifyVerified, VerifyFailed, VerifyUnreadable}, outcome) {
		return apperror.New(apperror.Invalid, "unknown verification endpoint %q or outcome %q", endpoint, outcome)
	}
	return s.WithTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(`INSERT INTO verification_counts (day, endpoint, outcome, count) VALUES ($1, $2, $3, 1)
			ON CONFLICT (day, endpoint, outcome) DO UPDATE SET count = verification_counts.count + 1`,
			day(tx.now.UTC()), endpoint, outcome)
		return err
	})
}

// VerificationCount is how many verifications one endpoint answered with
// one outcome in one period.
type VerificationCount struct {
	Period   string
	Endpoint string
	Outcome  string
	Count    int
}

// Verifications counts the verifications answered in the range (whole
// UTC days), per period, endpoint and outcome.
func (s *Store) Verifications(ctx context.Context, r ReportRange) ([]VerificationCount, error) {
	if err := r.Check(); err != nil {
		return nil, err
	}
	var out []VerificationCount
	err := s.ReadTx(ctx, func(tx *Tx) error {
		rows, err := list(tx, func(rs *sql.Rows) (VerificationCount, error) {
			var c VerificationCount
			var d time.Time
			err := rs.Scan(at(&d), &c.Endpoint, &c.Outcome, &c.Count)
			c.Period = periodOf(d, r.Period)
			return c, err
		}, `SELECT day, endpoint, outcome, count FROM verification_counts WHERE day >= $1 AND day < $2
			ORDER BY day, endpoint, outcome LIMIT $3`, day(r.From.UTC()), day(r.To.UTC()), maxReportRows*10)
		if err != nil {
			return err
		}
		sums := map[VerificationCount]int{}
		for _, c := range rows {
			n := c.Count
			c.Count = 0
			if _, ok := sums[c]; !ok {
				out = append(out, c)
			}
			sums[c] += n
		}
		for i := range out {
			out[i].Count = sums[out[i]]
		}
		slices.SortFunc(out, func(a, b VerificationCount) int {
			return cmp.Or(cmp.Compare(a.Period, b.Period), cmp.Compare(a.Endpoint, b.Endpoint), cmp.Compare(a.Outcome, b.Outcome))
		})
		return nil
	})
	return out, err
}

func periodOf(t time.Time, period string) string {
	if period == PeriodYear {
		return t.UTC().Format("2006")
	}
	return t.UTC().Format("2006-01")
}

// StepCycleTime is how long an approval step took, in working days of the
// institution's calendar, over the visits that left it in the range.
type StepCycleTime struct {
	Step  string
	Label string
	// Visits is how many visits left the step; Mean, Median and Max are
	// their working days (from the day a visit entered the step to the
	// day it left).
	Visits int
	Mean   float64
	Median float64
	Max    int
}

// CycleTimes measures the institution's approval steps from the approval
// cases' history: every visit to a step that ended in the range, in
// working days (package workday: weekends, statutory holidays and the
// institution's closures excluded), per step in the order first seen.
// The end states (approved, terminal) take no time and are left out.
func (a *Approvals) CycleTimes(ctx context.Context, institutionID int64, r ReportRange) ([]StepCycleTime, error) {
	if err := r.Check(); err != nil {
		return nil, err
	}
	var out []StepCycleTime
	err := a.s.ReadTx(ctx, func(tx *Tx) error {
		pl, err := a.place(tx, institutionID)
		if err != nil {
			return err
		}
		cal := pl.engine.Calendar()
		type visit struct {
			step        string
			track       string
			entered, at time.Time
		}
		visits, err := list(tx, func(rs *sql.Rows) (visit, error) {
			var v visit
			return v, rs.Scan(&v.step, &v.track, at(&v.entered), at(&v.at))
		}, `SELECT v.step, c.track, v.entered_at, v.left_at FROM case_visits v JOIN approval_cases c ON c.id = v.case_id
			WHERE c.institution_id = $1 AND v.left_at IS NOT NULL AND v.left_at >= $2 AND v.left_at < $3 AND v.kind NOT IN ($5, $6)
			ORDER BY v.left_at, v.case_id, v.no LIMIT $4`, institutionID, tx.ts(r.From), tx.ts(r.To), maxReportRows*20,
			string(policy.StepApproved), string(policy.StepTerminal))
		if err != nil {
			return err
		}
		days := map[string][]int{}
		var order []string
		labels := map[string]string{}
		p := pl.engine.Profile()
		for _, v := range visits {
			if _, ok := days[v.step]; !ok {
				order = append(order, v.step)
				labels[v.step] = v.step
				for _, t := range p.Tracks {
					if t.ID != v.track {
						continue
					}
					for _, st := range t.Steps {
						if st.ID == v.step && st.Label != "" {
							labels[v.step] = st.Label
						}
					}
				}
			}
			days[v.step] = append(days[v.step], cal.WorkingDaysBetween(v.entered, v.at))
		}
		for _, step := range order {
			ds := days[step]
			slices.Sort(ds)
			sum := 0
			for _, d := range ds {
				sum += d
			}
			median := float64(ds[len(ds)/2])
			if len(ds)%2 == 0 {
				median = float64(ds[len(ds)/2-1]+ds[len(ds)/2]) / 2
			}
			out = append(out, StepCycleTime{Step: step, Label: labels[step], Visits: len(ds),
				Mean: float64(sum) / float64(len(ds)), Median: median, Max: ds[len(ds)-1]})
		}
		return nil
	})
	return out, err
}

// BadgeReportNow composes the profile's digital-badge report (the one the
// Provost sends SSCC, SendBadgeReport) as it would be sent now, without
// sending or recording it. It is NotFound when the profile has none.
func (a *Approvals) BadgeReportNow(ctx context.Context, institutionID int64) (approval.BadgeReport, error) {
	var rep approval.BadgeReport
	err := a.s.ReadTx(ctx, func(tx *Tx) error {
		pl, err := a.place(tx, institutionID)
		if err != nil {
			return err
		}
		e := pl.engine
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
		rep, err = e.BadgeReport(approved, since, tx.now)
		return err
	})
	return rep, err
}
