package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"cairn/internal/account"
	"cairn/internal/apperror"
	"cairn/internal/config"
	"cairn/internal/demo"
	"cairn/internal/issuer"
	"cairn/internal/org"
	"cairn/internal/sqlstore"
	"cairn/internal/stack"
)

// The demo's awards that show an award's life: one expired (issued more
// than a year ago on an offering whose awards expire after a year) and one
// revoked.
const (
	demoExpiredTitle = "Mental Health First Response for Workplaces"
	demoRevokedTitle = "Data Analytics Essentials with Excel and Power BI"
	// demoAwardsPerOffering is how many learners each offerable offering
	// is awarded to.
	demoAwardsPerOffering = 3
)

// demoIssuing issues the demo's awards (demo.Options.Awards) with each
// institution's did:key issuing identity, and keeps the API token with
// issuing rights for KPU and the DID it issues as, for the Summary.
type demoIssuing struct {
	cfg      config.Config
	accounts *account.Service
	logger   *slog.Logger
	// now is the demo's clock.
	now func() time.Time

	// Token and IssuerDID are set by awards.
	Token     string
	IssuerDID string
}

// listenDemo listens on the demo's address before the demo is populated,
// so that its credentials can name the port, and a port in use stops the
// demo at once; cfg.Addr becomes the address listened on (port 0 is
// replaced by the port the system picked).
func listenDemo(cfg *config.Config) (net.Listener, error) {
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	cfg.Addr = ln.Addr().String()
	return ln, nil
}

// demoBaseURL is the URL the demo's credentials point to before the
// server listens: the configured public URL, or the listening address.
// cairn's verifier reads status lists at loopback URLs from the store, so
// a port picked at random still verifies.
func demoBaseURL(cfg config.Config) string {
	if cfg.BaseURL != "" {
		return cfg.BaseURL
	}
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return "http://localhost:8080"
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// awards is the demo.Options.Awards hook: a few awards of every offerable
// offering to the institution's learners, an expired and a revoked one,
// and an API token of KPU's registrar for the VC API.
func (d *demoIssuing) awards(ctx context.Context, st *sqlstore.Store, offerings []int64) ([]demo.AwardInfo, error) {
	logger := d.logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	svc, err := newIssuers(ctx, d.cfg, demoBaseURL(d.cfg), logger, newEngine(nil, nil).di, st)
	if err != nil {
		return nil, err
	}
	insts, err := st.Institutions(ctx)
	if err != nil {
		return nil, err
	}
	learners := map[int64][]org.Person{}
	registrar := map[int64]int64{}
	slugs := map[int64]string{}
	for _, inst := range insts {
		id, err := svc.Ensure(ctx, inst.ID, issuer.Settings{Method: issuer.MethodKey})
		if err != nil {
			return nil, fmt.Errorf("%s issuing identity: %w", inst.Slug, err)
		}
		slugs[inst.ID] = inst.Slug
		if learners[inst.ID], err = st.People(ctx, sqlstore.PeopleQuery{InstitutionID: inst.ID, Role: org.Learner, Limit: 50}); err != nil {
			return nil, err
		}
		regs, err := st.People(ctx, sqlstore.PeopleQuery{InstitutionID: inst.ID, Role: org.Registrar, Limit: 1})
		if err != nil {
			return nil, err
		}
		if len(regs) > 0 {
			registrar[inst.ID] = regs[0].ID
		}
		if inst.Slug == "kpu" && len(regs) > 0 {
			secret, _, err := d.accounts.IssueToken(ctx, regs[0].ID, "Demo VC API client", []account.Scope{account.ScopeCredentialsIssue}, id.DID, time.Time{})
			if err != nil {
				return nil, fmt.Errorf("demo API token: %w", err)
			}
			d.Token, d.IssuerDID = secret, id.DID
		}
	}

	for _, inst := range insts {
		if inst.Slug == "kpu" {
			if err := demoStack(ctx, st, inst.ID, registrar[inst.ID], logger); err != nil {
				return nil, err
			}
		}
	}

	var out []demo.AwardInfo
	for i, id := range offerings {
		o, err := st.Offering(ctx, id)
		if err != nil {
			return nil, err
		}
		people := learners[o.InstitutionID]
		if len(people) == 0 {
			continue
		}
		iss, err := svc.Issuer(ctx, o.InstitutionID)
		if err != nil {
			return nil, err
		}
		title := o.Draft.Title
		issue := func(p org.Person, issuedOn time.Time) (sqlstore.Award, bool, error) {
			a, _, err := st.IssueAward(ctx, iss, sqlstore.AwardRequest{OfferingID: id, Email: p.Email, Name: p.Name,
				Result: "Completed", IssuedOn: issuedOn, By: registrar[o.InstitutionID]})
			if err != nil {
				if c := apperror.CodeOf(err); c == apperror.Invalid || c == apperror.Conflict {
					// Not awardable as it stands (e.g. no approved version
					// yet); the demo shows what can be.
					logger.Info("demo award skipped", "offering", id, "reason", err.Error())
					return a, false, nil
				}
				return a, false, fmt.Errorf("award %q to %s: %w", title, p.Email, err)
			}
			return a, true, nil
		}
		info := func(a sqlstore.Award, p org.Person) demo.AwardInfo {
			now := d.now()
			return demo.AwardInfo{ID: a.ID, OfferingID: id, Title: title, Recipient: p.Email, Status: a.State(now),
				IssuedAt: a.IssuedAt, ExpiresAt: a.ValidUntil}
		}
		first := 0
		if slugs[o.InstitutionID] == "kpu" && strings.EqualFold(title, demoExpiredTitle) {
			// Valid from fifteen months ago for a year: expired.
			past := d.now().AddDate(-1, -3, 0).UTC().Truncate(24 * time.Hour)
			a, ok, err := issue(people[0], past)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, info(a, people[0]))
			}
			first = 1
		}
		if slugs[o.InstitutionID] == "kpu" && strings.EqualFold(title, demoRevokedTitle) {
			a, ok, err := issue(people[0], time.Time{})
			if err != nil {
				return nil, err
			}
			if ok {
				if a, err = st.Revoke(ctx, iss, a.ID, registrar[o.InstitutionID], "Awarded to the wrong learner: the registrar corrected the class list."); err != nil {
					return nil, fmt.Errorf("revoke the demo award: %w", err)
				}
				out = append(out, info(a, people[0]))
			}
			first = 1
		}
		for k := first; k < demoAwardsPerOffering && k < len(people); k++ {
			p := people[(k+i)%len(people)]
			if first == 1 && p.ID == people[0].ID {
				continue
			}
			a, ok, err := issue(p, time.Time{})
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, info(a, p))
			}
		}
	}
	return out, nil
}

// fill records the API token and the DID it issues as in the summary.
func (d *demoIssuing) fill(sum *demo.Summary) {
	sum.APIToken, sum.IssuerDID = d.Token, d.IssuerDID
}

// The demo's stack: the larger credential its two parts complete. Data
// Analytics Essentials names it as what it stacks into.
const (
	demoStackTitle = "Machine Learning Foundations with Python"
)

var demoStackParts = []string{demoRevokedTitle, "Business Intelligence Dashboards with Power BI"}

// demoStack makes KPU's stack (before the awards, so that a learner who
// earns both parts is awarded the larger credential as it happens), when
// the demo has the offerings it needs.
func demoStack(ctx context.Context, st *sqlstore.Store, institutionID, by int64, logger *slog.Logger) error {
	all, err := st.Offerings(ctx, institutionID)
	if err != nil {
		return err
	}
	byTitle := map[string]int64{}
	for _, o := range all {
		byTitle[strings.ToLower(o.Draft.Title)] = o.ID
	}
	target, ok := byTitle[strings.ToLower(demoStackTitle)]
	rule := stack.Rule{Kind: stack.All}
	for _, t := range demoStackParts {
		id, found := byTitle[strings.ToLower(t)]
		ok = ok && found
		rule.Parts = append(rule.Parts, id)
	}
	if !ok {
		logger.Info("demo stack skipped: an offering it needs is missing")
		return nil
	}
	if _, err := st.CreateStack(ctx, sqlstore.StackRequest{OfferingID: target, Rule: rule, By: by}); err != nil {
		return fmt.Errorf("demo stack: %w", err)
	}
	return nil
}
