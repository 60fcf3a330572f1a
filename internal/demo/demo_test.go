package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/approval"
	"cairn/internal/audit"
	"cairn/internal/catalog"
	"cairn/internal/org"
	"cairn/internal/policy"
	"cairn/internal/sqlstore"
	"cairn/internal/sqlstore/sqltest"
)

// now is the demo's present in the tests: Wednesday 18 March 2026, 09:00
// in Vancouver.
var now = time.Date(2026, 3, 18, 16, 0, 0, 0, time.UTC)

// forEachEngine runs fn on a fresh store opened with a demo clock, on
// in-memory SQLite and, when CAIRN_TEST_POSTGRES is set, on PostgreSQL in
// a schema of its own.
func forEachEngine(t *testing.T, fn func(t *testing.T, st *sqlstore.Store, clk *Clock)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		st, clk := open(t, ":memory:")
		fn(t, st, clk)
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := os.Getenv("CAIRN_TEST_POSTGRES")
		if dsn == "" {
			t.Skip("CAIRN_TEST_POSTGRES is not set")
		}
		st, clk := open(t, sqltest.Schema(t, dsn))
		fn(t, st, clk)
	})
}

func open(t *testing.T, dsn string) (*sqlstore.Store, *Clock) {
	t.Helper()
	clk := NewClock(now)
	st, err := sqlstore.Open(context.Background(), dsn, sqlstore.Options{Clock: clk.Now})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st, clk
}

// hooks records what Populate's hooks were called with.
type hooks struct {
	passwords map[int64]string
	offerable []int64
	clockAt   time.Time
}

func (h *hooks) options(clk *Clock) Options {
	h.passwords = map[int64]string{}
	return Options{
		Now: now, Clock: clk,
		SetPassword: func(_ context.Context, id int64, pw string) error {
			h.passwords[id] = pw
			return nil
		},
		Awards: func(_ context.Context, st *sqlstore.Store, ids []int64) ([]AwardInfo, error) {
			h.offerable, h.clockAt = ids, clk.Now()
			clk.Set(now.AddDate(-1, 0, 0)) // as if issuing in the past
			return []AwardInfo{{ID: 1, OfferingID: ids[0], Title: "x", Recipient: "amrit.kaur@kpu.ca", Status: "revoked"}}, nil
		},
	}
}

func TestPopulate(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st *sqlstore.Store, clk *Clock) {
		ctx := t.Context()
		var h hooks
		started := time.Now()
		sum, err := Populate(ctx, st, h.options(clk))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("populated in %s", time.Since(started))
		a := st.Approvals(nil)
		insts := institutions(t, st)

		t.Run("every scenario stands where it should", func(t *testing.T) {
			for _, tt := range scenarioTable() {
				t.Run(tt.inst+" "+string(tt.sc), func(t *testing.T) {
					info, ok := sum.Offering(tt.inst, tt.sc)
					if !ok {
						t.Fatalf("no offering for the scenario in the summary")
					}
					o, err := st.Offering(ctx, info.ID)
					if err != nil {
						t.Fatal(err)
					}
					if o.InstitutionID != insts[tt.inst].ID {
						t.Errorf("offering at institution %d, want %s", o.InstitutionID, tt.inst)
					}
					if o.Status != tt.status {
						t.Errorf("offering status %s, want %s", o.Status, tt.status)
					}
					ids, err := a.OfferingCases(ctx, o.ID)
					if err != nil {
						t.Fatal(err)
					}
					if tt.track == "" {
						if len(ids) != 0 {
							t.Errorf("%d cases, want none", len(ids))
						}
						return
					}
					if len(ids) != 1 {
						t.Fatalf("%d cases, want 1", len(ids))
					}
					c, err := a.Case(ctx, ids[0])
					if err != nil {
						t.Fatal(err)
					}
					if c.Track != tt.track || c.Step != tt.step || c.Status != tt.caseStatus {
						t.Errorf("case %s at %s (%s), want %s at %s (%s)", c.Track, c.Step, c.Status, tt.track, tt.step, tt.caseStatus)
					}
					if info.CaseID != c.ID || info.Step != c.Step || info.Status != o.Status {
						t.Errorf("summary %+v does not match the store", info)
					}
					if tt.check != nil {
						tt.check(t, c)
					}
				})
			}
		})

		t.Run("offerings of every kind, credit status and status", func(t *testing.T) {
			kinds := map[string]bool{}
			statuses := map[catalog.Status]bool{}
			for _, inst := range insts {
				os, err := st.Offerings(ctx, inst.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, o := range os {
					kinds[string(o.Draft.Kind)+"/"+string(o.Draft.CreditStatus)] = true
					statuses[o.Status] = true
				}
			}
			for _, want := range []string{"micro_credential/non_credit", "micro_credential/credit_bearing", "micro_credential/embedded",
				"digital_badge/non_credit", "micro_course/credit_bearing", "short_course/non_credit"} {
				if !kinds[want] {
					t.Errorf("no %s offering; have %v", want, kinds)
				}
			}
			for _, s := range catalog.Statuses() {
				if !statuses[s] {
					t.Errorf("no offering in status %s", s)
				}
			}
		})

		t.Run("a micro course at Yukon is reviewed as one", func(t *testing.T) {
			info, _ := sum.Offering("yukonu", ScenarioAtSenate)
			if info.Kind != catalog.MicroCourse || info.Track != "course_development" {
				t.Errorf("got %s on track %s, want a micro course on course_development", info.Kind, info.Track)
			}
		})

		t.Run("out-of-scope kinds cannot be submitted", func(t *testing.T) {
			for _, k := range []struct {
				inst   string
				sc     Scenario
				clause string
			}{{"kpu", ScenarioShortCourse, "AD4"}, {"kpu", ScenarioMicroCourse, "AC14"}, {"yukonu", ScenarioShortCourse, "Yukon 3"}} {
				info, _ := sum.Offering(k.inst, k.sc)
				by := aProponent(t, sum, k.inst)
				_, _, err := a.SubmitProposal(ctx, sqlstore.Proposal{OfferingID: info.ID, By: by})
				if apperror.CodeOf(err) != apperror.Invalid || !strings.Contains(err.Error(), k.clause) {
					t.Errorf("%s %s: got %v, want it refused as invalid under %s", k.inst, k.sc, err, k.clause)
				}
			}
		})

		t.Run("committees have elected chairs and keep their composition", func(t *testing.T) {
			for slug, inst := range insts {
				p, err := policy.Builtin(inst.PolicyProfile)
				if err != nil {
					t.Fatal(err)
				}
				units, err := st.OrgUnits(ctx, inst.ID)
				if err != nil {
					t.Fatal(err)
				}
				var faculties []string
				for _, u := range units {
					if u.Kind == org.Faculty {
						faculties = append(faculties, strconv.FormatInt(u.ID, 10))
					}
				}
				cs, err := st.Committees(ctx, inst.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, pc := range p.Committees {
					if pc.ID == "kpu_kfa_joint" { // its option is off (consultation record), so the demo has no such committee
						continue
					}
					i := slices.IndexFunc(cs, func(c org.Committee) bool { return c.Key == pc.ID })
					if i < 0 {
						t.Errorf("%s has no committee %s", slug, pc.ID)
						continue
					}
					c := cs[i]
					e, err := st.LatestChairElection(ctx, c.ID)
					if err != nil {
						t.Fatalf("%s %s: %v", slug, c.Key, err)
					}
					ms, err := st.Memberships(ctx, c.ID)
					if err != nil {
						t.Fatal(err)
					}
					var members []policy.Member
					for _, m := range ms {
						if !m.ActiveOn(now) {
							continue
						}
						unit := ""
						if m.UnitID != 0 {
							unit = strconv.FormatInt(m.UnitID, 10)
						}
						members = append(members, policy.Member{PersonID: strconv.FormatInt(m.PersonID, 10),
							Category: string(m.Category), UnitID: unit, Chair: m.PersonID == e.ElectedID})
					}
					if !slices.ContainsFunc(members, func(m policy.Member) bool { return m.Chair }) {
						t.Errorf("%s %s: chair %d is not a sitting member", slug, c.Key, e.ElectedID)
					}
					if len(e.Candidates) > 1 && len(e.Votes) == 0 {
						t.Errorf("%s %s: a contested election without votes", slug, c.Key)
					}
					if pc.Composition != nil {
						if v := policy.CheckComposition(*pc.Composition, members, faculties); len(v) > 0 {
							t.Errorf("%s %s breaks its composition: %+v", slug, c.Key, v)
						}
					}
				}
			}
		})

		t.Run("every role has a person at each institution", func(t *testing.T) {
			for slug, inst := range insts {
				for _, r := range org.Roles() {
					ps, err := st.People(ctx, sqlstore.PeopleQuery{InstitutionID: inst.ID, Role: r})
					if err != nil {
						t.Fatal(err)
					}
					if len(ps) == 0 {
						t.Errorf("%s: no one holds %s", slug, r)
					}
				}
			}
		})

		t.Run("the sign-ins are every person, with a password set", func(t *testing.T) {
			n := 0
			for _, inst := range insts {
				ps, err := st.People(ctx, sqlstore.PeopleQuery{InstitutionID: inst.ID, Limit: sqlstore.MaxPageSize})
				if err != nil {
					t.Fatal(err)
				}
				n += len(ps)
			}
			ops, err := st.Operators(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(ops) != 1 {
				t.Errorf("%d installation operators, want one", len(ops))
			}
			n += len(ops)
			if len(sum.SignIns) != n {
				t.Errorf("%d sign-ins, want one per person and operator (%d)", len(sum.SignIns), n)
			}
			if last := sum.SignIns[len(sum.SignIns)-1]; !last.Operator || last.Institution != "" || len(ops) == 0 || last.PersonID != ops[0].ID || len(last.Roles) != 0 {
				t.Errorf("the last sign-in is %+v, want the installation operator, with no institution or role", last)
			}
			for _, si := range sum.SignIns {
				p, err := st.PersonByEmail(ctx, si.Email)
				if err != nil || p.ID != si.PersonID || p.Name != si.Name {
					t.Errorf("sign-in %+v: stored person %+v %v", si, p, err)
				}
				if si.Password != DefaultPassword || h.passwords[si.PersonID] != DefaultPassword {
					t.Errorf("%s: password %q, set %q, want %q", si.Email, si.Password, h.passwords[si.PersonID], DefaultPassword)
				}
				if len(si.Roles) == 0 && len(si.Committees) == 0 && !si.Operator {
					t.Errorf("%s has no role and no seat", si.Email)
				}
				domain := map[string]string{"kpu": "@kpu.ca", "yukonu": "@yukonu.ca"}[si.Institution]
				if !strings.HasSuffix(si.Email, domain) {
					t.Errorf("%s: want an address at %s", si.Email, domain)
				}
			}
			if len(h.passwords) != len(sum.SignIns) {
				t.Errorf("SetPassword called for %d people, want %d", len(h.passwords), len(sum.SignIns))
			}
		})

		t.Run("the awards hook gets the offerings that may be offered", func(t *testing.T) {
			var want []int64
			for _, o := range sum.Offerings {
				if o.Status.Offerable() {
					want = append(want, o.ID)
				}
			}
			slices.Sort(want)
			if !slices.Equal(h.offerable, want) {
				t.Errorf("hook got %v, want %v", h.offerable, want)
			}
			if !h.clockAt.Equal(now) {
				t.Errorf("the clock read %s in the hook, want %s", h.clockAt, now)
			}
			if len(sum.Awards) != 1 || sum.Awards[0].Status != "revoked" {
				t.Errorf("summary awards %+v, want the hook's", sum.Awards)
			}
			if got := clk.Now(); got.Before(now) || got.After(now.Add(time.Minute)) {
				t.Errorf("the clock reads %s after Populate, want it running from %s", got, now)
			}
		})

		t.Run("the life-cycle processes ran", func(t *testing.T) {
			subjects := map[string][]string{} // action → subjects
			for _, e := range auditLog(t, st) {
				subjects[e.Action] = append(subjects[e.Action], e.Institution+" "+e.Subject)
			}
			offering := func(inst string, sc Scenario) string {
				info, _ := sum.Offering(inst, sc)
				return inst + " offering/" + strconv.FormatInt(info.ID, 10)
			}
			active, due := offering("kpu", ScenarioActive), offering("kpu", ScenarioAnnualReviewDue)
			flagged, gone := offering("kpu", ScenarioFlagged), offering("kpu", ScenarioDiscontinued)
			for _, tt := range []struct {
				action string
				want   []string
			}{
				{"offering.annual_review_due", []string{active, due, flagged, gone}},
				{"offering.annual_review_completed", []string{active}},
				{"offering.flagged_for_discontinuance", []string{flagged, gone}},
				{"offering.discontinuance_proposed", []string{gone}},
				{"offering.discontinued", []string{gone}},
				{"report.badges_sent", []string{"kpu report/sscc"}},
			} {
				got := slices.Sorted(slices.Values(subjects[tt.action]))
				if want := slices.Sorted(slices.Values(tt.want)); !slices.Equal(got, want) {
					t.Errorf("%s about %v, want %v", tt.action, got, want)
				}
			}
			for _, sc := range []Scenario{ScenarioActive, ScenarioAnnualReviewDue} {
				info, _ := sum.Offering("kpu", sc)
				o, err := st.Offering(ctx, info.ID)
				if err != nil {
					t.Fatal(err)
				}
				if reviewed := !o.LastReviewedAt.IsZero(); reviewed != (sc == ScenarioActive) {
					t.Errorf("%s: last reviewed %s", sc, o.LastReviewedAt)
				}
			}
			raised := subjects["challenge.raised"]
			if len(raised) != 1 {
				t.Fatalf("challenges raised %v, want 1", raised)
			}
			id, _ := strconv.ParseInt(strings.TrimPrefix(raised[0], "kpu challenge/"), 10, 64)
			ch, err := a.Challenge(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			badge, _ := sum.Offering("kpu", ScenarioBadgeChallenged)
			if ch.OfferingID != badge.ID || ch.Status != approval.ChallengeAwaitingExplanation || !ch.ExplainAt.After(now) {
				t.Errorf("challenge %+v, want the badge awaiting the Provost's explanation at SSCC's next meeting", ch)
			}
			if r, e := subjects["dispute.raised"], subjects["dispute.escalated"]; len(r) != 1 || !slices.Equal(r, e) || !strings.HasPrefix(r[0], "yukonu ") {
				t.Errorf("disputes raised %v and escalated %v, want one at Yukon, escalated", r, e)
			}
		})

		t.Run("the audit log is one unbroken chain, in time order, all before now", func(t *testing.T) {
			evs := auditLog(t, st)
			if len(evs) < 300 {
				t.Errorf("%d audit events, want a season's work", len(evs))
			}
			if ps := audit.Verify(evs, nil); len(ps) > 0 {
				t.Errorf("audit log problems: %+v", ps)
			}
			for i := 1; i < len(evs); i++ {
				if evs[i].At.Before(evs[i-1].At) {
					t.Fatalf("event %d at %s comes before event %d at %s", evs[i].Seq, evs[i].At, evs[i-1].Seq, evs[i-1].At)
				}
			}
			if last := evs[len(evs)-1]; last.At.After(now) {
				t.Errorf("last event at %s, after now %s", last.At, now)
			}
			if first := evs[0]; now.Sub(first.At) < 365*24*time.Hour {
				t.Errorf("first event at %s, want more than a year before now", first.At)
			}
		})

		t.Run("the summary matches the store", func(t *testing.T) {
			total := 0
			for _, c := range sum.CaseSteps {
				total += c.Count
			}
			cases, err := st.Cases(ctx, sqlstore.CaseQuery{Limit: sqlstore.MaxPageSize})
			if err != nil {
				t.Fatal(err)
			}
			if total != len(cases) {
				t.Errorf("case steps count %d cases, the store has %d", total, len(cases))
			}
			for _, info := range sum.Institutions {
				if len(info.Committees) == 0 || info.Units == 0 || info.Partners == 0 || info.Closures == 0 || info.People == 0 {
					t.Errorf("institution %+v, want committees, units, partners, closures and people", info)
				}
				for _, c := range info.Committees {
					if c.Chair == "" || c.Members == 0 {
						t.Errorf("%s committee %+v, want a chair and members", info.Slug, c)
					}
				}
			}
		})

		t.Run("a store that is not empty is refused", func(t *testing.T) {
			_, err := Populate(ctx, st, Options{Now: now, Clock: clk})
			if got := apperror.CodeOf(err); got != apperror.Conflict {
				t.Errorf("got %v, want conflict", err)
			}
		})
	})
}

type scenario struct {
	inst       string
	sc         Scenario
	status     catalog.Status
	track      string
	step       string
	caseStatus approval.Status
	check      func(t *testing.T, c *approval.Case)
}

func scenarioTable() []scenario {
	return []scenario{
		{"kpu", ScenarioDraft, catalog.Draft, "", "", "", nil},
		{"kpu", ScenarioShortCourse, catalog.Draft, "", "", "", nil},
		{"kpu", ScenarioMicroCourse, catalog.Draft, "", "", "", nil},
		{"kpu", ScenarioAwaitingCompleteness, catalog.InReview, "smc_non_credit", "completeness", approval.StatusOpen, nil},
		{"kpu", ScenarioIncomplete, catalog.Draft, "smc_non_credit", "feedback", approval.StatusWithProponent, func(t *testing.T, c *approval.Case) {
			if d := c.Decisions[len(c.Decisions)-1]; d.Kind != approval.DecisionCompleteness || d.Note == "" {
				t.Errorf("last decision %+v, want the chair's completeness feedback", d)
			}
		}},
		{"kpu", ScenarioReviewLate, catalog.InReview, "smc_non_credit", "review", approval.StatusOpen, checkLateReviewer},
		{"kpu", ScenarioAwaitingVote, catalog.InReview, "smc_non_credit", "vote", approval.StatusOpen, func(t *testing.T, c *approval.Case) {
			if n := len(c.BallotsOf(c.Visit)); n != 2 {
				t.Errorf("%d ballots, want 2 of 3", n)
			}
			if len(c.Versions) != 2 {
				t.Errorf("%d versions, want 2 (returned incomplete once)", len(c.Versions))
			}
		}},
		{"kpu", ScenarioMeeting, catalog.InReview, "smc_non_credit", "meeting", approval.StatusOpen, func(t *testing.T, c *approval.Case) {
			if len(c.Meetings) != 1 || !c.Meetings[0].ScheduledFor.After(now) || !c.Meetings[0].RecordedAt.IsZero() {
				t.Errorf("meetings %+v, want one scheduled after now", c.Meetings)
			}
		}},
		{"kpu", ScenarioReturned, catalog.Draft, "smc_non_credit", "returned", approval.StatusWithProponent, func(t *testing.T, c *approval.Case) {
			if len(c.Meetings) != 1 || c.Meetings[0].Minutes == "" {
				t.Errorf("meetings %+v, want one held with minutes", c.Meetings)
			}
		}},
		{"kpu", ScenarioAppealed, catalog.InReview, "smc_non_credit", "appeal", approval.StatusOpen, func(t *testing.T, c *approval.Case) {
			if len(c.Appeals) != 1 || c.Appeals[0].Status != approval.AppealFiled {
				t.Errorf("appeals %+v, want one filed", c.Appeals)
			}
		}},
		{"kpu", ScenarioAwaitingProvost, catalog.InReview, "smc_non_credit", "sign_provost", approval.StatusOpen, func(t *testing.T, c *approval.Case) {
			if s := c.ValidSignatures(); len(s) != 1 || s[0].Role != "chair:smc" {
				t.Errorf("signatures %+v, want the SMC chair's", s)
			}
		}},
		{"kpu", ScenarioApproved, catalog.Approved, "smc_non_credit", "approved", approval.StatusApproved, checkSigned("chair:smc", "provost")},
		{"kpu", ScenarioInterimAtSSCC, catalog.ApprovedInterimNonCredit, "smc_credit", "sscc", approval.StatusOpen, func(t *testing.T, c *approval.Case) {
			if !c.Interim || c.OfferAs != catalog.NonCredit {
				t.Errorf("interim %v as %q, want interim non-credit", c.Interim, c.OfferAs)
			}
		}},
		{"kpu", ScenarioAtSenate, catalog.ApprovedInterimNonCredit, "smc_credit", "senate", approval.StatusOpen, nil},
		{"kpu", ScenarioApprovedBySenate, catalog.Approved, "smc_credit", "approved", approval.StatusApproved, func(t *testing.T, c *approval.Case) {
			var kinds []approval.DecisionKind
			for _, d := range c.Decisions {
				kinds = append(kinds, d.Kind)
			}
			if !slices.Contains(kinds, approval.DecisionRecommendation) || !slices.Contains(kinds, approval.DecisionBody) {
				t.Errorf("decisions %v, want SSCC's recommendation and Senate's decision", kinds)
			}
		}},
		{"kpu", ScenarioBadgeApproved, catalog.Approved, "dbc_badge", "approved", approval.StatusApproved, nil},
		{"kpu", ScenarioBadgeChallenged, catalog.Approved, "dbc_badge", "approved", approval.StatusApproved, nil},
		{"kpu", ScenarioBadgeInReview, catalog.InReview, "dbc_badge", "review", approval.StatusOpen, nil},
		{"kpu", ScenarioActive, catalog.Active, "smc_non_credit", "approved", approval.StatusApproved, nil},
		{"kpu", ScenarioAnnualReviewDue, catalog.Active, "smc_non_credit", "approved", approval.StatusApproved, nil},
		{"kpu", ScenarioFlagged, catalog.UnderReview, "smc_non_credit", "approved", approval.StatusApproved, nil},
		{"kpu", ScenarioDiscontinued, catalog.Discontinued, "smc_non_credit", "approved", approval.StatusApproved, nil},
		{"kpu", ScenarioWithdrawn, catalog.Draft, "smc_non_credit", "review", approval.StatusWithdrawn, nil},
		{"yukonu", ScenarioAwaitingCompleteness, catalog.InReview, "course_development", "completeness", approval.StatusOpen, nil},
		{"yukonu", ScenarioIncomplete, catalog.Draft, "course_development", "feedback", approval.StatusWithProponent, nil},
		{"yukonu", ScenarioInReview, catalog.InReview, "course_development", "review", approval.StatusOpen, func(t *testing.T, c *approval.Case) {
			if len(c.Reviews) != 1 || len(c.Reviews[0].Answers) != 9 {
				t.Errorf("reviews %+v, want one full checklist of 9 criteria", c.Reviews)
			}
		}},
		{"yukonu", ScenarioAtSenate, catalog.InReview, "course_development", "senate", approval.StatusOpen, nil},
		{"yukonu", ScenarioActive, catalog.Active, "course_development", "approved", approval.StatusApproved, nil},
		{"yukonu", ScenarioBadgeApproved, catalog.Approved, "digital_badge", "approved", approval.StatusApproved, checkSigned("provost")},
		{"yukonu", ScenarioShortCourse, catalog.Draft, "", "", "", nil},
	}
}

// checkLateReviewer checks that one reviewer has not reviewed and is past
// the deadline, and that the duplication consultation was answered.
func checkLateReviewer(t *testing.T, c *approval.Case) {
	t.Helper()
	late := 0
	for _, as := range c.ActiveAssignments(c.Visit) {
		if _, reviewed := reviewOf(c, as.Reviewer); reviewed {
			continue
		}
		d := c.Deadlines[as.Deadline-1]
		if d.Open() && !d.EscalatedAt.IsZero() {
			late++
		}
	}
	if late != 1 {
		t.Errorf("%d late reviewers escalated, want 1", late)
	}
	if len(c.Consultations) != 1 || !c.Consultations[0].Answered() {
		t.Errorf("consultations %+v, want one answered", c.Consultations)
	}
}

func reviewOf(c *approval.Case, reviewer int64) (approval.Review, bool) {
	for _, r := range c.Reviews {
		if r.Visit == c.Visit && r.Reviewer == reviewer {
			return r, true
		}
	}
	return approval.Review{}, false
}

func checkSigned(roles ...string) func(t *testing.T, c *approval.Case) {
	return func(t *testing.T, c *approval.Case) {
		t.Helper()
		var got []string
		for _, s := range c.ValidSignatures() {
			got = append(got, s.Role)
			if s.Hash != c.Current().Hash {
				t.Errorf("signature %+v is not on the approved version %s", s, c.Current().Hash)
			}
		}
		if !slices.Equal(got, roles) {
			t.Errorf("signed as %v, want %v", got, roles)
		}
	}
}

func institutions(t *testing.T, st *sqlstore.Store) map[string]org.Institution {
	t.Helper()
	is, err := st.Institutions(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]org.Institution{}
	for _, i := range is {
		out[i.Slug] = i
	}
	if len(out) != 2 || out["kpu"].PolicyProfile != "kpu-ac15" || out["yukonu"].PolicyProfile != "yukon" {
		t.Fatalf("institutions %+v, want KPU under kpu-ac15 and Yukon University under yukon", is)
	}
	return out
}

// aProponent returns someone at the institution holding the proponent
// role.
func aProponent(t *testing.T, sum Summary, inst string) int64 {
	t.Helper()
	for _, si := range sum.SignIns {
		if si.Institution == inst && slices.ContainsFunc(si.Roles, func(r string) bool { return strings.HasPrefix(r, "proponent") }) {
			return si.PersonID
		}
	}
	t.Fatalf("no proponent at %s", inst)
	return 0
}

func auditLog(t *testing.T, st *sqlstore.Store) []audit.Event {
	t.Helper()
	var out []audit.Event
	for from := int64(1); ; {
		evs, err := st.AuditLog(t.Context(), from, sqlstore.MaxAuditPage)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, evs...)
		if len(evs) < sqlstore.MaxAuditPage {
			return out
		}
		from = evs[len(evs)-1].Seq + 1
	}
}

func TestPopulateIsDeterministic(t *testing.T) {
	run := func() []byte {
		st, clk := open(t, ":memory:")
		sum, err := Populate(t.Context(), st, Options{Now: now, Clock: clk})
		if err != nil {
			t.Fatal(err)
		}
		data, err := json.Marshal(sum)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	a, b := run(), run()
	if !bytes.Equal(a, b) {
		t.Errorf("two runs gave different summaries:\n%s\n%s", a, b)
	}
}

func TestPopulateNeedsAClock(t *testing.T) {
	st, _ := open(t, ":memory:")
	if _, err := Populate(t.Context(), st, Options{Now: now}); apperror.CodeOf(err) != apperror.Invalid {
		t.Errorf("got %v, want invalid", err)
	}
}

func TestWriteFile(t *testing.T) {
	sum := Summary{Now: now, SignIns: []SignIn{{Institution: "kpu", Email: "a@kpu.ca", Password: DefaultPassword}},
		APIToken: "cairn_secret", IssuerDID: "did:key:z6Mk"}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := sum.WriteFile(dir); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, FileName)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("permissions %o, want 600", got)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var back Summary
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, sum) {
		t.Errorf("read back %+v, want %+v", back, sum)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%d files in the folder, want only %s", len(entries), FileName)
	}
}

func TestWriteText(t *testing.T) {
	sum := Summary{
		Institutions: []InstitutionInfo{{Slug: "kpu", Name: "Kwantlen Polytechnic University", Profile: "kpu-ac15"}},
		SignIns: []SignIn{{Institution: "kpu", Name: "Dr. Samantha Reid", Email: "samantha.reid@kpu.ca", Password: DefaultPassword,
			Title: "SMC chair", Try: "Check a proposal for completeness."},
			{Name: "Morgan Tremblay", Email: "operator@cairn-demo.example", Password: DefaultPassword, Title: "Installation operator", Operator: true}},
		APIToken: "cairn_tok", IssuerDID: "did:key:z6MkDemo",
	}
	var b strings.Builder
	if err := sum.WriteText(&b, "http://127.0.0.1:8080"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"http://127.0.0.1:8080", "samantha.reid@kpu.ca", DefaultPassword, "Check a proposal", "cairn_tok", "did:key:z6MkDemo",
		"The installation", "operator@cairn-demo.example"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, b.String())
		}
	}
}

func TestClock(t *testing.T) {
	c := NewClock(now)
	if got := c.Now(); !got.Equal(now) {
		t.Errorf("new clock reads %s, want %s", got, now)
	}
	later := now.Add(time.Hour)
	c.Set(later)
	time.Sleep(2 * time.Millisecond)
	if got := c.Now(); !got.Equal(later) {
		t.Errorf("stopped clock reads %s, want %s", got, later)
	}
	c.Run()
	time.Sleep(2 * time.Millisecond)
	if got := c.Now(); !got.After(later) || got.After(later.Add(time.Minute)) {
		t.Errorf("running clock reads %s, want a little after %s", got, later)
	}
}

// The demo works whatever day it is started on: a weekend, a holiday, the
// winter closure, a leap day.
func TestPopulateOnAnyDay(t *testing.T) {
	for _, at := range []time.Time{
		time.Date(2026, 12, 28, 20, 0, 0, 0, time.UTC), // in the winter closure
		time.Date(2027, 7, 1, 7, 30, 0, 0, time.UTC),   // Canada Day, before dawn in Vancouver
		time.Date(2028, 2, 29, 23, 59, 0, 0, time.UTC), // a leap day
		time.Date(2026, 8, 15, 12, 0, 0, 0, time.UTC),  // a Saturday
	} {
		t.Run(at.Format(time.DateOnly), func(t *testing.T) {
			clk := NewClock(at)
			st, err := sqlstore.Open(t.Context(), ":memory:", sqlstore.Options{Clock: clk.Now})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			sum, err := Populate(t.Context(), st, Options{Now: at, Clock: clk})
			if err != nil {
				t.Fatal(err)
			}
			for _, tt := range scenarioTable() {
				info, ok := sum.Offering(tt.inst, tt.sc)
				if !ok || info.Status != tt.status || info.Step != tt.step || info.CaseStatus != tt.caseStatus {
					t.Errorf("%s %s: got %+v, want %s at %s (%s)", tt.inst, tt.sc, info, tt.status, tt.step, tt.caseStatus)
				}
			}
		})
	}
}
