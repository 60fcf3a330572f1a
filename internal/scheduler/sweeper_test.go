package scheduler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"cairn/internal/approval"
	"cairn/internal/catalog"
	"cairn/internal/notify"
	"cairn/internal/org"
	"cairn/internal/sqlstore"
	"cairn/internal/sqlstore/sqltest"
)

// testClock is a settable clock shared by the stores of one test, as the
// processes of one installation share the time.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// forEachShared runs fn with a function that opens another store on one
// database, as another cairn process would: a SQLite file, and a
// PostgreSQL schema of its own when CAIRN_TEST_POSTGRES is set.
func forEachShared(t *testing.T, fn func(t *testing.T, open func() *sqlstore.Store, clk *testClock)) {
	opener := func(t *testing.T, dsn string, clk *testClock) func() *sqlstore.Store {
		return func() *sqlstore.Store {
			t.Helper()
			s, err := sqlstore.Open(context.Background(), dsn, sqlstore.Options{Clock: clk.Now, MaxOpenConns: 4})
			if err != nil {
				t.Fatalf("open store: %v", err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
	}
	vancouver, err := time.LoadLocation("America/Vancouver")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 3, 2, 9, 30, 0, 0, vancouver) // a Monday
	t.Run("sqlite-file", func(t *testing.T) {
		clk := &testClock{t: start}
		fn(t, opener(t, filepath.Join(t.TempDir(), "cairn.db"), clk), clk)
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := os.Getenv("CAIRN_TEST_POSTGRES")
		if dsn == "" {
			t.Skip("CAIRN_TEST_POSTGRES is not set")
		}
		clk := &testClock{t: start}
		fn(t, opener(t, sqltest.Schema(t, dsn), clk), clk)
	})
}

// recorder is a notify.Sender that records every message it is handed.
type recorder struct {
	mu   sync.Mutex
	sent []notify.Message
}

func (r *recorder) Send(_ context.Context, m notify.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, m)
	return nil
}

// to returns the messages of a kind sent to an address.
func (r *recorder) to(addr, kind string) []notify.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []notify.Message
	for _, m := range r.sent {
		if m.To == addr && m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

// place is an institution set up through the store's public API: its
// people by name.
type place struct {
	inst   org.Institution
	people map[string]int64
}

func (p place) email(name string) string { return p.inst.Slug + "." + name + "@example.edu" }

// newPlace creates an institution under a profile with one unit, the
// committee members (the first is elected chair) and the role holders.
func newPlace(t *testing.T, s *sqlstore.Store, inst org.Institution, committee string, members []string, roles map[string]org.Role) place {
	t.Helper()
	ctx := t.Context()
	p := place{inst: inst, people: map[string]int64{}}
	if err := s.CreateInstitution(ctx, &p.inst); err != nil {
		t.Fatal(err)
	}
	person := func(name string) int64 {
		if id, ok := p.people[name]; ok {
			return id
		}
		x := org.Person{Name: name, Email: p.email(name)}
		if err := s.CreatePerson(ctx, &x); err != nil {
			t.Fatal(err)
		}
		p.people[name] = x.ID
		return x.ID
	}
	if committee != "" {
		c := org.Committee{InstitutionID: p.inst.ID, Key: committee, Name: strings.ToUpper(committee)}
		if err := s.CreateCommittee(ctx, &c); err != nil {
			t.Fatal(err)
		}
		term := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
		for _, name := range members {
			m := org.Membership{CommitteeID: c.ID, PersonID: person(name), Category: org.FacultyMember, TermStart: term}
			if err := s.AddMembership(ctx, &m); err != nil {
				t.Fatal(err)
			}
		}
		chair := p.people[members[0]]
		e := org.ChairElection{CommitteeID: c.ID, Candidates: []int64{chair}, ElectedID: chair, At: term.AddDate(0, 0, 14)}
		if err := s.RecordChairElection(ctx, &e); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range roles {
			if !yield(k) {
				return
			}
		}
	}) {
		if err := s.GrantRole(ctx, org.RoleGrant{PersonID: person(name), InstitutionID: p.inst.ID, Role: roles[name]}); err != nil {
			t.Fatal(err)
		}
	}
	person("pat")
	return p
}

// kpuCaseInReview sets up KPU under AC15 with a micro-credential whose
// three SMC reviewers were assigned now; rev1 and rev2 review, rev3 does
// not. It returns the place and the case.
func kpuCaseInReview(t *testing.T, s *sqlstore.Store) (place, *approval.Case) {
	t.Helper()
	ctx := t.Context()
	p := newPlace(t, s, org.Institution{Slug: "kpu", Name: "KPU", Jurisdiction: "CA-BC", TimeZone: "America/Vancouver", PolicyProfile: "kpu-ac15"},
		"smc", []string{"chair", "rev1", "rev2", "rev3"}, map[string]org.Role{"provost": org.Provost})
	arts := org.OrgUnit{InstitutionID: p.inst.ID, Kind: org.Department, Name: "Arts"}
	if err := s.CreateOrgUnit(ctx, &arts); err != nil {
		t.Fatal(err)
	}
	o := sqlstore.Offering{InstitutionID: p.inst.ID, UnitID: arts.ID, Draft: catalog.Form{
		Kind: catalog.MicroCredential, Title: "Design Thinking for Small Business",
		Description:      "Apply design thinking to the products and services of a small business.",
		Competencies:     []catalog.Competency{{Name: "Frame a design problem from customer interviews"}},
		LearningOutcomes: []string{"Run a design sprint with a small team"},
		AssessmentMethod: "Portfolio of a completed design sprint",
		DurationHours:    30, DeliveryMode: catalog.Blended, CreditStatus: catalog.NonCredit,
	}}
	if err := s.CreateOffering(ctx, &o); err != nil {
		t.Fatal(err)
	}
	a := s.Approvals(nil)
	c, _, err := a.SubmitProposal(ctx, sqlstore.Proposal{OfferingID: o.ID, By: p.people["pat"]})
	if err != nil {
		t.Fatal(err)
	}
	answers := []approval.Answer{{Question: "duplication", Value: "no"}, {Question: "competency_based", Value: "yes"}, {Question: "credit_bearing", Value: "no"}}
	for _, step := range []struct {
		who    string
		action approval.Action
	}{
		{"chair", approval.CompletenessDecision{Complete: true}},
		{"chair", approval.AssignReviewers{Reviewers: []int64{p.people["rev1"], p.people["rev2"], p.people["rev3"]}}},
		{"rev1", approval.SubmitReview{Answers: answers}},
		{"rev2", approval.SubmitReview{Answers: answers}},
	} {
		if c, _, err = a.Act(ctx, c.ID, p.people[step.who], step.action); err != nil {
			t.Fatalf("%s by %s: %v", approval.NameOf(step.action), step.who, err)
		}
	}
	return p, c
}

// sweepers returns n Sweepers, each on a store of its own over the shared
// database and delivering through a worker of its own to one recorder.
func sweepers(t *testing.T, n int, open func() *sqlstore.Store, clk *testClock, rec *recorder, log *slog.Logger) []*Sweeper {
	t.Helper()
	var out []*Sweeper
	for i := range n {
		s := open()
		w, err := notify.NewWorker(s, rec, notify.WorkerOptions{Name: fmt.Sprintf("worker-%d", i), BatchSize: 5, Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		sw, err := New(s, s.Approvals(nil), Options{Outbox: w, Clock: clk.Now, Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, sw)
	}
	return out
}

// sweepAll runs the sweepers at the same moment and returns their
// summaries.
func sweepAll(t *testing.T, sws []*Sweeper) []Summary {
	t.Helper()
	sums := make([]Summary, len(sws))
	errs := make([]error, len(sws))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, sw := range sws {
		wg.Go(func() {
			<-start
			sums[i], errs[i] = sw.Sweep(t.Context())
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("sweep: %v", err)
	}
	return sums
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// A review deadline (AC15 B.1.d.iii, 10 working days) passes with one
// reviewer yet to review: two processes sweep at the same moment, and the
// late reviewer is reminded once before the deadline, and the chair gets
// exactly one escalation after it (issue: each notification sent exactly
// once, also with several cairn processes on one PostgreSQL).
func TestSweepersEscalateAPassedReviewDeadlineOnce(t *testing.T) {
	forEachShared(t, func(t *testing.T, open func() *sqlstore.Store, clk *testClock) {
		setup := open()
		p, c := kpuCaseInReview(t, setup)
		e, err := setup.Approvals(nil).Engine(t.Context(), p.inst.ID)
		if err != nil {
			t.Fatal(err)
		}
		due, ok := e.NextDeadline(c)
		if !ok {
			t.Fatal("the case has no running deadline")
		}
		rec := &recorder{}
		sws := sweepers(t, 2, open, clk, rec, quiet())

		clk.Set(due.Add(-time.Hour)) // within ReminderLead working days of the deadline
		sweepAll(t, sws)
		sweepAll(t, sws)
		if got := rec.to(p.email("rev3"), "deadline_reminder"); len(got) != 1 {
			t.Errorf("rev3 got %d reminders, want 1", len(got))
		}
		if got := rec.to(p.email("chair"), "deadline_escalated"); len(got) != 0 {
			t.Errorf("the chair got %d escalations before the deadline, want 0", len(got))
		}

		clk.Set(due.Add(time.Hour))
		sums := sweepAll(t, sws)
		sums = append(sums, sweepAll(t, sws)...)
		if got := rec.to(p.email("chair"), "deadline_escalated"); len(got) != 1 {
			t.Errorf("the chair got %d escalations from four sweeps by two processes, want exactly 1", len(got))
		}
		if got := rec.to(p.email("rev3"), "deadline_overdue"); len(got) != 1 {
			t.Errorf("rev3 got %d overdue notices, want 1", len(got))
		}
		for _, who := range []string{"rev1", "rev2"} {
			if got := rec.to(p.email(who), "deadline_overdue"); len(got) != 0 {
				t.Errorf("%s, who reviewed in time, got %d overdue notices, want 0", who, len(got))
			}
		}
		changed := 0
		for _, s := range sums {
			changed += s.CasesChanged
			if s.Institutions != 1 || len(s.Failed) != 0 {
				t.Errorf("summary %+v, want one institution swept, none failed", s)
			}
		}
		if changed != 1 {
			t.Errorf("the sweeps changed the case %d times, want once", changed)
		}
		got, err := setup.Approvals(nil).Case(t.Context(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var escalated int
		for _, d := range got.Deadlines {
			if !d.EscalatedAt.IsZero() {
				escalated++
			}
		}
		if escalated != 1 {
			t.Errorf("%d deadlines recorded as escalated, want 1 (rev3's)", escalated)
		}
	})
}

// Yukon's procedures are due for review in November 2026 (header; Yukon
// 7): in August, two processes sweeping at once remind the Procedure
// Holder once, and sweeping again does not remind again.
func TestSweepersRemindOfTheYukonPolicyReviewOnce(t *testing.T) {
	forEachShared(t, func(t *testing.T, open func() *sqlstore.Store, clk *testClock) {
		p := newPlace(t, open(), org.Institution{Slug: "yukonu", Name: "Yukon University", Jurisdiction: "CA-YT",
			TimeZone: "America/Whitehorse", PolicyProfile: "yukon"}, "", nil, map[string]org.Role{"office": org.ProvostOffice})
		rec := &recorder{}
		sws := sweepers(t, 2, open, clk, rec, quiet())
		whitehorse, _ := time.LoadLocation("America/Whitehorse")

		clk.Set(time.Date(2026, 6, 1, 9, 0, 0, 0, whitehorse))
		sweepAll(t, sws)
		if got := rec.to(p.email("office"), "policy_review_due"); len(got) != 0 {
			t.Fatalf("in June the office got %d reminders, want 0 (more than 90 days ahead)", len(got))
		}
		clk.Set(time.Date(2026, 8, 5, 9, 0, 0, 0, whitehorse))
		sums := sweepAll(t, sws)
		sums = append(sums, sweepAll(t, sws)...)
		if got := rec.to(p.email("office"), "policy_review_due"); len(got) != 1 {
			t.Errorf("the office got %d policy review reminders, want 1", len(got))
		}
		queued := 0
		for _, s := range sums {
			queued += s.PolicyReminders
		}
		if queued != 1 {
			t.Errorf("the sweeps queued %d reminders, want 1: %+v", queued, sums)
		}
	})
}

// brokenWork fails one institution's work and counts the calls.
type brokenWork struct {
	Work
	broken int64
	mu     sync.Mutex
	calls  map[int64]int
}

func (b *brokenWork) CheckDeadlines(ctx context.Context, id int64) (int, error) {
	b.mu.Lock()
	b.calls[id]++
	b.mu.Unlock()
	if id == b.broken {
		return 0, errors.New("the case store is unreachable")
	}
	return b.Work.CheckDeadlines(ctx, id)
}

// An error at one institution is logged and the others are swept: an
// institution whose profile cannot be loaded, and one whose deadline check
// fails, do not stop the escalation due at KPU.
func TestSweepLogsAFailingInstitutionAndSweepsTheOthers(t *testing.T) {
	forEachShared(t, func(t *testing.T, open func() *sqlstore.Store, clk *testClock) {
		s := open()
		// Institutions are listed by name: these two come before KPU.
		bad := org.Institution{Slug: "aaa", Name: "AAA College", Jurisdiction: "CA-BC", TimeZone: "America/Vancouver", PolicyProfile: "no-such-profile"}
		if err := s.CreateInstitution(t.Context(), &bad); err != nil {
			t.Fatal(err)
		}
		down := org.Institution{Slug: "bbb", Name: "BBB College", Jurisdiction: "CA-BC", TimeZone: "America/Vancouver", PolicyProfile: "kpu-ac15"}
		if err := s.CreateInstitution(t.Context(), &down); err != nil {
			t.Fatal(err)
		}
		none := org.Institution{Slug: "ccc", Name: "CCC Institute", Jurisdiction: "CA-BC", TimeZone: "America/Vancouver"}
		if err := s.CreateInstitution(t.Context(), &none); err != nil {
			t.Fatal(err)
		}
		p, c := kpuCaseInReview(t, s)
		e, _ := s.Approvals(nil).Engine(t.Context(), p.inst.ID)
		due, _ := e.NextDeadline(c)
		clk.Set(due.Add(time.Hour))

		var logged bytes.Buffer
		log := slog.New(slog.NewTextHandler(&logged, nil))
		rec := &recorder{}
		w, err := notify.NewWorker(s, rec, notify.WorkerOptions{Name: "w", Logger: quiet()})
		if err != nil {
			t.Fatal(err)
		}
		work := &brokenWork{Work: s.Approvals(nil), broken: down.ID, calls: map[int64]int{}}
		sw, err := New(s, work, Options{Outbox: w, Clock: clk.Now, Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		sum, err := sw.Sweep(t.Context())
		if err != nil {
			t.Fatalf("got error %v, want none: failures at one institution are logged", err)
		}
		if !slices.Equal(sum.Failed, []string{"aaa", "bbb"}) || sum.Institutions != 1 || sum.Skipped != 1 {
			t.Errorf("summary %+v, want aaa and bbb failed, kpu swept, ccc skipped", sum)
		}
		if got := rec.to(p.email("chair"), "deadline_escalated"); len(got) != 1 {
			t.Errorf("the KPU chair got %d escalations, want 1 despite the failures before", len(got))
		}
		if sum.Delivery.Sent == 0 {
			t.Errorf("delivery %+v, want the escalation sent", sum.Delivery)
		}
		for _, want := range []string{"institution=aaa", "no-such-profile", "institution=bbb", "the case store is unreachable"} {
			if !strings.Contains(logged.String(), want) {
				t.Errorf("log does not mention %q:\n%s", want, logged.String())
			}
		}
		if work.calls[none.ID] != 0 {
			t.Errorf("an institution without a profile was swept %d times, want 0", work.calls[none.ID])
		}
	})
}

// Run sweeps at once and then on its interval until its context ends.
func TestRunSweepsUntilCancelled(t *testing.T) {
	forEachShared(t, func(t *testing.T, open func() *sqlstore.Store, clk *testClock) {
		s := open()
		p := newPlace(t, s, org.Institution{Slug: "yukonu", Name: "Yukon University", Jurisdiction: "CA-YT",
			TimeZone: "America/Whitehorse", PolicyProfile: "yukon"}, "", nil, map[string]org.Role{"office": org.ProvostOffice})
		whitehorse, _ := time.LoadLocation("America/Whitehorse")
		clk.Set(time.Date(2026, 8, 5, 9, 0, 0, 0, whitehorse))
		rec := &recorder{}
		w, err := notify.NewWorker(s, rec, notify.WorkerOptions{Name: "w", Logger: quiet()})
		if err != nil {
			t.Fatal(err)
		}
		sw, err := New(s, s.Approvals(nil), Options{Outbox: w, Clock: clk.Now, Logger: quiet()})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- sw.Run(ctx, 20*time.Millisecond) }()
		deadline := time.Now().Add(10 * time.Second)
		for len(rec.to(p.email("office"), "policy_review_due")) == 0 {
			if time.Now().After(deadline) {
				t.Fatal("Run sent no reminder within 10s")
			}
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(100 * time.Millisecond) // a few more sweeps
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run returned %v after cancellation, want nil", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return within 10s of cancellation")
		}
		if got := rec.to(p.email("office"), "policy_review_due"); len(got) != 1 {
			t.Errorf("the office got %d reminders from repeated sweeps, want 1", len(got))
		}
	})
}

func TestNewAndRunRefuseBadOptions(t *testing.T) {
	s, err := sqlstore.Open(t.Context(), ":memory:", sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tests := []struct {
		name string
		dir  Directory
		work Work
		o    Options
	}{
		{"no directory", nil, s.Approvals(nil), Options{}},
		{"no work", s, nil, Options{}},
		{"negative max batches", s, s.Approvals(nil), Options{MaxBatches: -1}},
		{"too many batches", s, s.Approvals(nil), Options{MaxBatches: MaxBatchesLimit + 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is refused", func(t *testing.T) {
			if _, err := New(tt.dir, tt.work, tt.o); err == nil {
				t.Error("got no error, want one")
			}
		})
	}
	sw, err := New(s, s.Approvals(nil), Options{Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	for _, every := range []time.Duration{0, -time.Second, time.Millisecond, MaxInterval + time.Second} {
		t.Run(fmt.Sprintf("interval %s is refused", every), func(t *testing.T) {
			if err := sw.Run(t.Context(), every); err == nil {
				t.Error("got no error, want one")
			}
		})
	}
}
