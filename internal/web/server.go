package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"cairn/internal/config"
	"cairn/internal/sqlstore"
	"cairn/internal/verify"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

//go:embed openapi.json
var openAPIDocument []byte

// Server serves cairn over HTTP. Build it with New; its zero value is not
// usable.
type Server struct {
	cfg       config.Config
	verifier  *verify.Verifier
	store     *sqlstore.Store
	approvals *sqlstore.Approvals
	accounts  Accounts
	sso       SSO
	issuers   Issuers
	log       *slog.Logger
	now       func() time.Time

	pages   map[string]*template.Template
	static  map[string]staticFile
	csrf    *http.CrossOriginProtection
	metrics *metrics
}

// staticFile is an embedded asset with its validator.
type staticFile struct {
	data []byte
	etag string
}

// Deps are what a Server is built from.
type Deps struct {
	Config   config.Config
	Verifier *verify.Verifier
	// Store holds institutions, people, offerings and cases.
	Store *sqlstore.Store
	// Accounts signs people in and finds sessions and API tokens; nil
	// means no one can sign in, and only public pages answer.
	Accounts Accounts
	// SSO signs people in with an OpenID provider; nil means single
	// sign-on is off. It needs Accounts for the session it starts.
	SSO SSO
	// Issuers gives each institution's issuing identity: what signs its
	// awards and status lists. Nil means nothing can be awarded, revoked
	// or published as a status list.
	Issuers Issuers
	// Logger receives the structured log; nil discards it.
	Logger *slog.Logger
	// Now reads the time; nil means time.Now.
	Now func() time.Time
}

// New returns a Server built from d.
func New(d Deps) (*Server, error) {
	switch {
	case d.Verifier == nil:
		return nil, fmt.Errorf("new server: no verifier")
	case d.Store == nil:
		return nil, fmt.Errorf("new server: no store")
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	cfg := d.Config
	s := &Server{cfg: cfg, verifier: d.Verifier, store: d.Store, approvals: d.Store.Approvals(nil), accounts: d.Accounts, sso: d.SSO,
		issuers: d.Issuers, log: d.Logger, now: d.Now, csrf: http.NewCrossOriginProtection()}
	var err error
	if s.pages, err = parsePages(); err != nil {
		return nil, fmt.Errorf("new server: %w", err)
	}
	if s.static, err = loadStatic(); err != nil {
		return nil, fmt.Errorf("new server: %w", err)
	}
	if cfg.BaseURL != "" {
		// Behind a proxy the Host header may not be the public host, so
		// the public origin is trusted explicitly.
		u, err := url.Parse(cfg.BaseURL)
		if err != nil {
			return nil, fmt.Errorf("new server: base URL: %w", err)
		}
		if err := s.csrf.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			return nil, fmt.Errorf("new server: trust %s: %w", cfg.BaseURL, err)
		}
	}
	s.metrics = newMetrics(s.routes())
	return s, nil
}

// pageNames are the page templates, each parsed with the layout.
var pageNames = []string{"verify", "error", "signin", "tasks", "offerings", "offering", "offering_edit",
	"cases", "case", "provost", "secretariat", "admin", "admin_institution", "admin_institution_new",
	"offering_diff", "lifecycle", "admin_people", "admin_committee", "admin_policy", "admin_issuing",
	"registry", "registry_institution", "registry_offering",
	"awards", "award", "batch", "tokens",
	"wallet", "wallet_award", "wallet_signin", "wallet_public",
	"reports", "stacks", "endorsements", "endorse"}

func parsePages() (map[string]*template.Template, error) {
	layout, err := template.New("layout").Funcs(templateFuncs).ParseFS(templateFS, "templates/layout.html", "templates/parts.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	pages := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse %s page: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

func loadStatic() (map[string]staticFile, error) {
	files := map[string]staticFile{}
	err := fs.WalkDir(staticFS, "static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := staticFS.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		files[d.Name()] = staticFile{data: data, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load static files: %w", err)
	}
	return files, nil
}

// kind says how a route answers errors: API routes with problem documents,
// pages with HTML.
type kind int

const (
	page kind = iota
	api
)

// route is one entry of the route table.
type route struct {
	method     string
	pattern    string
	kind       kind
	upload     bool // the body may be a verification upload, up to MaxUploadBytes
	documented bool // described in openapi.json
	// allow is what the actor must be allowed to do for the route to run
	// at all; handlers check again against what they load.
	allow  action
	handle func(w http.ResponseWriter, r *http.Request) error
}

// name is the mux pattern, also the route's label in metrics.
func (rt route) name() string { return rt.method + " " + rt.pattern }

// routes is the route table: every route cairn serves, and nothing else.
func (s *Server) routes() []route {
	return []route{
		{method: "GET", pattern: "/{$}", kind: page, handle: s.home},
		{method: "GET", pattern: "/static/{name}", kind: page, handle: s.staticAsset},
		{method: "GET", pattern: "/verify", kind: page, handle: s.verifyForm},
		{method: "POST", pattern: "/verify", kind: page, upload: true, handle: s.verifyUpload},

		{method: "GET", pattern: "/registry", kind: page, handle: s.registrySearchPage},
		{method: "GET", pattern: "/registry/{institution}", kind: page, handle: s.registryInstitutionPage},
		{method: "GET", pattern: "/registry/{institution}/{offering}", kind: page, handle: s.registryOfferingPage},
		{method: "GET", pattern: "/registry/{institution}/{offering}/ctdl.jsonld", kind: page, handle: s.registryCTDL},
		{method: "GET", pattern: "/registry/{institution}/{offering}/achievement.json", kind: page, handle: s.registryAchievement},
		{method: "GET", pattern: "/api/v1/registry", kind: api, documented: true, handle: s.apiRegistry},

		{method: "GET", pattern: "/signin", kind: page, handle: s.signInForm},
		{method: "POST", pattern: "/signin", kind: page, handle: s.signIn},
		{method: "POST", pattern: "/signout", kind: page, handle: s.signOut},
		{method: "GET", pattern: oidcStartPath, kind: page, handle: s.oidcStart},
		{method: "GET", pattern: oidcCallbackPath, kind: page, handle: s.oidcCallback},

		{method: "GET", pattern: "/tasks", kind: page, allow: actSignedIn, handle: s.tasksPage},
		{method: "GET", pattern: "/offerings", kind: page, allow: actReadOfferings, handle: s.offeringsPage},
		{method: "GET", pattern: "/offerings/new", kind: page, allow: actPropose, handle: s.newOfferingPage},
		{method: "POST", pattern: "/offerings", kind: page, allow: actPropose, handle: s.createOfferingPage},
		{method: "GET", pattern: "/offerings/{id}", kind: page, allow: actReadOfferings, handle: s.offeringPage},
		{method: "GET", pattern: "/offerings/{id}/edit", kind: page, allow: actPropose, handle: s.editOfferingPage},
		{method: "POST", pattern: "/offerings/{id}/edit", kind: page, allow: actPropose, handle: s.saveOfferingPage},
		{method: "POST", pattern: "/offerings/{id}/submit", kind: page, allow: actPropose, handle: s.submitOfferingPage},
		{method: "GET", pattern: "/offerings/{id}/diff", kind: page, allow: actReadOfferings, handle: s.offeringDiffPage},
		{method: "GET", pattern: "/cases", kind: page, allow: actViewCase, handle: s.casesPage},
		{method: "GET", pattern: "/cases/{id}", kind: page, allow: actViewCase, handle: s.casePage},
		{method: "POST", pattern: "/cases/{id}/actions/{action}", kind: page, allow: actActOnCase, handle: s.actPage},
		{method: "GET", pattern: "/committee", kind: page, allow: actChair, handle: s.committeePage},
		{method: "GET", pattern: "/provost", kind: page, allow: actProvost, handle: s.provostPage},
		{method: "POST", pattern: "/provost/badge-report", kind: page, allow: actProvost, handle: s.badgeReportPage},
		{method: "GET", pattern: "/secretariat", kind: page, allow: actSecretariat, handle: s.secretariatPage},
		{method: "GET", pattern: "/admin", kind: page, allow: actAdministration, handle: s.adminPage},
		{method: "GET", pattern: "/admin/institutions/new", kind: page, allow: actOperate, handle: s.newInstitutionPage},
		{method: "POST", pattern: "/admin/institutions", kind: page, allow: actOperate, handle: s.createInstitutionPage},
		{method: "GET", pattern: "/admin/institutions/{id}", kind: page, allow: actAdmin, handle: s.adminInstitutionPage},
		{method: "POST", pattern: "/admin/institutions/{id}", kind: page, allow: actAdmin, handle: s.updateInstitutionPage},
		{method: "GET", pattern: "/admin/institutions/{id}/policy", kind: page, allow: actAdmin, handle: s.adminPolicyPage},
		{method: "GET", pattern: "/admin/institutions/{id}/issuing", kind: page, allow: actAdmin, handle: s.adminIssuingPage},
		{method: "POST", pattern: "/admin/institutions/{id}/issuing", kind: page, allow: actAdmin, handle: s.adminIssuingAction},
		{method: "POST", pattern: "/admin/institutions/{id}/units", kind: page, allow: actAdmin, handle: s.createUnitPage},
		{method: "POST", pattern: "/admin/institutions/{id}/units/{unit}", kind: page, allow: actAdmin, handle: s.updateUnitPage},
		{method: "POST", pattern: "/admin/institutions/{id}/people", kind: page, allow: actAdmin, handle: s.createPersonPage},
		{method: "GET", pattern: "/admin/institutions/{id}/people/{person}", kind: page, allow: actAdmin, handle: s.personAdminPage},
		{method: "POST", pattern: "/admin/institutions/{id}/people/{person}", kind: page, allow: actAdmin, handle: s.updatePersonPage},
		{method: "POST", pattern: "/admin/institutions/{id}/people/{person}/roles", kind: page, allow: actAdmin, handle: s.roleGrantPage(false)},
		{method: "POST", pattern: "/admin/institutions/{id}/people/{person}/roles/revoke", kind: page, allow: actAdmin, handle: s.roleGrantPage(true)},
		{method: "POST", pattern: "/admin/institutions/{id}/committees", kind: page, allow: actAdmin, handle: s.createCommitteePage},
		{method: "GET", pattern: "/admin/institutions/{id}/committees/{committee}", kind: page, allow: actAdmin, handle: s.committeeAdminPage},
		{method: "POST", pattern: "/admin/institutions/{id}/committees/{committee}", kind: page, allow: actAdmin, handle: s.updateCommitteePage},
		{method: "POST", pattern: "/admin/institutions/{id}/committees/{committee}/members", kind: page, allow: actAdmin, handle: s.addMemberPage},
		{method: "POST", pattern: "/admin/institutions/{id}/committees/{committee}/members/{membership}", kind: page, allow: actAdmin, handle: s.updateMemberPage},
		{method: "POST", pattern: "/admin/institutions/{id}/committees/{committee}/elections", kind: page, allow: actAdmin, handle: s.electionPage},
		{method: "POST", pattern: "/admin/institutions/{id}/closures", kind: page, allow: actAdmin, handle: s.addClosurePage},
		{method: "POST", pattern: "/admin/institutions/{id}/closures/{closure}/remove", kind: page, allow: actAdmin, handle: s.removeClosurePage},
		{method: "GET", pattern: "/lifecycle", kind: page, allow: actLifecycle, handle: s.lifecyclePage},
		{method: "POST", pattern: "/lifecycle/institutions/{id}/check", kind: page, allow: actLifecycle, handle: s.lifecycleCheckPage},
		{method: "POST", pattern: "/lifecycle/reviews/{id}/complete", kind: page, allow: actLifecycle, handle: s.completeReviewPage},
		{method: "POST", pattern: "/lifecycle/discontinuances/{id}/{action}", kind: page, allow: actLifecycle, handle: s.discontinuancePage},

		{method: "GET", pattern: "/offerings/{id}/awards", kind: page, allow: actReadAwards, handle: s.awardsPage},
		{method: "POST", pattern: "/offerings/{id}/awards", kind: page, allow: actAward, handle: s.issueAwardPage},
		{method: "POST", pattern: "/offerings/{id}/batches", kind: page, upload: true, allow: actAward, handle: s.uploadBatchPage},
		{method: "POST", pattern: "/offerings/{id}/issuers", kind: page, allow: actAward, handle: s.nominatePage},
		{method: "POST", pattern: "/offerings/{id}/issuers/withdraw", kind: page, allow: actAward, handle: s.withdrawNominationPage},
		{method: "GET", pattern: "/offerings/{id}/endorsements", kind: page, allow: actAward, handle: s.endorsementsPage},
		{method: "POST", pattern: "/offerings/{id}/endorsements", kind: page, allow: actAward, handle: s.inviteEndorsementPage},
		{method: "POST", pattern: "/offerings/{id}/endorsements/{endorsement}/withdraw", kind: page, allow: actAward, handle: s.withdrawEndorsementPage},
		{method: "GET", pattern: "/endorse/{token}", kind: page, handle: s.endorseFormPage},
		{method: "POST", pattern: "/endorse/{token}", kind: page, handle: s.endorsePage},
		{method: "GET", pattern: "/batches/{id}", kind: page, allow: actAward, handle: s.batchPage},
		{method: "POST", pattern: "/batches/{id}/confirm", kind: page, allow: actAward, handle: s.confirmBatchPage},
		{method: "POST", pattern: "/batches/{id}/cancel", kind: page, allow: actAward, handle: s.cancelBatchPage},
		{method: "GET", pattern: "/awards/{id}", kind: page, allow: actReadAwards, handle: s.awardPage},
		{method: "POST", pattern: "/awards/{id}/status", kind: page, allow: actAward, handle: s.awardStatusPage},
		{method: "POST", pattern: "/awards/{id}/correct", kind: page, allow: actAward, handle: s.correctAwardPage},

		{method: "GET", pattern: "/wallet/signin", kind: page, handle: s.walletSignInForm},
		{method: "POST", pattern: "/wallet/signin", kind: page, handle: s.walletSignIn},
		{method: "GET", pattern: "/wallet/link/{token}", kind: page, handle: s.walletLinkPage},
		{method: "POST", pattern: "/wallet/link/{token}", kind: page, handle: s.walletLink},
		{method: "GET", pattern: "/wallet", kind: page, allow: actWallet, handle: s.walletPage},
		{method: "GET", pattern: "/wallet/awards/{id}", kind: page, allow: actWallet, handle: s.walletAwardPage},
		{method: "GET", pattern: "/wallet/awards/{id}/{file}", kind: page, allow: actWallet, handle: s.walletDownload},
		{method: "POST", pattern: "/wallet/awards/{id}/share", kind: page, allow: actWallet, handle: s.walletSharePage},
		{method: "POST", pattern: "/wallet/awards/{id}/unshare", kind: page, allow: actWallet, handle: s.walletWithdrawPage},
		{method: "GET", pattern: "/wallet/export.zip", kind: page, allow: actWallet, handle: s.walletExport},
		{method: "POST", pattern: "/wallet/import", kind: page, upload: true, allow: actWallet, handle: s.walletImportPage},
		{method: "POST", pattern: "/wallet/imports/{id}/delete", kind: page, allow: actWallet, handle: s.walletDeleteImportPage},
		{method: "GET", pattern: "/c/{public}", kind: page, handle: s.publicAward},
		{method: "POST", pattern: "/api/v1/wallet/signin", kind: api, documented: true, handle: s.apiWalletSignIn},
		{method: "GET", pattern: "/api/v1/wallet", kind: api, documented: true, allow: actWallet, handle: s.apiWallet},
		{method: "GET", pattern: "/api/v1/wallet/awards/{id}", kind: api, documented: true, allow: actWallet, handle: s.apiWalletAward},
		{method: "GET", pattern: "/api/v1/wallet/awards/{id}/{file}", kind: api, documented: true, allow: actWallet, handle: s.apiWalletDownload},
		{method: "PUT", pattern: "/api/v1/wallet/awards/{id}/share", kind: api, documented: true, allow: actWallet, handle: s.apiWalletShare},
		{method: "DELETE", pattern: "/api/v1/wallet/awards/{id}/share", kind: api, documented: true, allow: actWallet, handle: s.apiWalletWithdraw},
		{method: "GET", pattern: "/api/v1/wallet/export", kind: api, documented: true, allow: actWallet, handle: s.apiWalletExport},
		{method: "POST", pattern: "/api/v1/wallet/imports", kind: api, upload: true, documented: true, allow: actWallet, handle: s.apiWalletImport},
		{method: "DELETE", pattern: "/api/v1/wallet/imports/{id}", kind: api, documented: true, allow: actWallet, handle: s.apiWalletDeleteImport},

		{method: "GET", pattern: "/reports", kind: page, allow: actReadAwards, handle: s.reportsPage},
		{method: "GET", pattern: "/reports/{file}", kind: page, allow: actReadAwards, handle: s.reportCSV},
		{method: "GET", pattern: "/api/v1/reports/{name}", kind: api, documented: true, allow: actReadAwards, handle: s.apiReport},
		{method: "GET", pattern: "/stacks", kind: page, allow: actReadAwards, handle: s.stacksPage},
		{method: "POST", pattern: "/stacks", kind: page, allow: actAward, handle: s.createStackPage},
		{method: "POST", pattern: "/stacks/{id}/delete", kind: page, allow: actAward, handle: s.deleteStackPage},
		{method: "POST", pattern: "/stacks/ladders", kind: page, allow: actAward, handle: s.createLadderPage},
		{method: "POST", pattern: "/stacks/plar", kind: page, allow: actAward, handle: s.recordPLARPage},
		{method: "POST", pattern: "/stacks/check", kind: page, allow: actAward, handle: s.checkStacksPage},
		{method: "GET", pattern: "/record/clr.json", kind: page, allow: actWallet, handle: s.learnerRecord},

		{method: "GET", pattern: "/achievements/{id}/{version}", kind: page, handle: s.achievementRedirect},
		{method: "GET", pattern: "/account/tokens", kind: page, allow: actSignedIn, handle: s.tokensPage},
		{method: "POST", pattern: "/account/tokens", kind: page, allow: actSignedIn, handle: s.createTokenPage},
		{method: "POST", pattern: "/account/tokens/{id}/revoke", kind: page, allow: actSignedIn, handle: s.revokeTokenPage},
		{method: "GET", pattern: "/api/v1/tokens", kind: api, documented: true, allow: actSignedIn, handle: s.apiTokens},
		{method: "POST", pattern: "/api/v1/tokens", kind: api, documented: true, allow: actSignedIn, handle: s.apiCreateToken},
		{method: "DELETE", pattern: "/api/v1/tokens/{id}", kind: api, documented: true, allow: actSignedIn, handle: s.apiRevokeToken},

		{method: "GET", pattern: "/healthz", kind: api, documented: true, handle: s.healthz},
		{method: "GET", pattern: "/metrics", kind: api, documented: true, handle: s.serveMetrics},
		{method: "GET", pattern: "/api/openapi.json", kind: api, documented: true, handle: s.openAPI},
		{method: "POST", pattern: "/api/v1/verify", kind: api, upload: true, documented: true, handle: s.apiVerify},
		{method: "POST", pattern: "/credentials/verify", kind: api, upload: true, documented: true, handle: s.verifyCredential},
		{method: "POST", pattern: "/presentations/verify", kind: api, upload: true, documented: true, handle: s.verifyPresentation},
		{method: "POST", pattern: "/credentials/issue", kind: api, documented: true, allow: actIssueCredentials, handle: s.issueCredential},
		{method: "GET", pattern: "/institutions/{slug}/did.json", kind: api, documented: true, handle: s.didDocument},
		{method: "GET", pattern: "/status/{id}", kind: api, documented: true, handle: s.statusListCredential},
		{method: "GET", pattern: "/api/v1/institutions/{id}/issuer", kind: api, documented: true, allow: actAdmin, handle: s.apiIssuer},
		{method: "PUT", pattern: "/api/v1/institutions/{id}/issuer", kind: api, documented: true, allow: actAdmin, handle: s.apiPutIssuer},
		{method: "POST", pattern: "/api/v1/institutions/{id}/issuer/rotate", kind: api, documented: true, allow: actAdmin, handle: s.apiRotateIssuer},

		{method: "GET", pattern: "/api/v1/me", kind: api, documented: true, allow: actSignedIn, handle: s.apiMe},
		{method: "GET", pattern: "/api/v1/tasks", kind: api, documented: true, allow: actSignedIn, handle: s.apiTasks},
		{method: "GET", pattern: "/api/v1/offerings", kind: api, documented: true, allow: actReadOfferings, handle: s.apiOfferings},
		{method: "POST", pattern: "/api/v1/offerings", kind: api, documented: true, allow: actPropose, handle: s.apiCreateOffering},
		{method: "GET", pattern: "/api/v1/offerings/{id}", kind: api, documented: true, allow: actReadOfferings, handle: s.apiOffering},
		{method: "PUT", pattern: "/api/v1/offerings/{id}/draft", kind: api, documented: true, allow: actPropose, handle: s.apiSaveDraft},
		{method: "POST", pattern: "/api/v1/offerings/{id}/submit", kind: api, documented: true, allow: actPropose, handle: s.apiSubmitOffering},
		{method: "GET", pattern: "/api/v1/cases", kind: api, documented: true, allow: actViewCase, handle: s.apiCases},
		{method: "GET", pattern: "/api/v1/cases/{id}", kind: api, documented: true, allow: actViewCase, handle: s.apiCase},
		{method: "POST", pattern: "/api/v1/cases/{id}/actions/{action}", kind: api, documented: true, allow: actActOnCase, handle: s.apiAct},
		{method: "GET", pattern: "/api/v1/people", kind: api, documented: true, allow: actReadPeople, handle: s.apiPeople},
		{method: "GET", pattern: "/api/v1/offerings/{id}/diff", kind: api, documented: true, allow: actReadOfferings, handle: s.apiOfferingDiff},
		{method: "POST", pattern: "/api/v1/offerings/{id}/annual-review", kind: api, documented: true, allow: actLifecycle, handle: s.apiCompleteAnnualReview},
		{method: "POST", pattern: "/api/v1/discontinuances/{id}/{action}", kind: api, documented: true, allow: actLifecycle, handle: s.apiDiscontinuance},
		{method: "GET", pattern: "/api/v1/institutions/{id}/composition", kind: api, documented: true, allow: actAdmin, handle: s.apiComposition},
		{method: "GET", pattern: "/api/v1/institutions/{id}/closures", kind: api, documented: true, allow: actAdmin, handle: s.apiClosures},
		{method: "POST", pattern: "/api/v1/institutions/{id}/closures", kind: api, documented: true, allow: actAdmin, handle: s.apiAddClosure},
		{method: "DELETE", pattern: "/api/v1/institutions/{id}/closures/{closure}", kind: api, documented: true, allow: actAdmin, handle: s.apiRemoveClosure},
		{method: "GET", pattern: "/api/v1/offerings/{id}/awards", kind: api, documented: true, allow: actReadAwards, handle: s.apiOfferingAwards},
		{method: "POST", pattern: "/api/v1/offerings/{id}/awards", kind: api, documented: true, allow: actAward, handle: s.apiIssueAward},
		{method: "POST", pattern: "/api/v1/offerings/{id}/batches", kind: api, upload: true, documented: true, allow: actAward, handle: s.apiCreateBatch},
		{method: "GET", pattern: "/api/v1/batches/{id}", kind: api, documented: true, allow: actAward, handle: s.apiBatch},
		{method: "POST", pattern: "/api/v1/batches/{id}/confirm", kind: api, documented: true, allow: actAward, handle: s.apiConfirmBatch},
		{method: "POST", pattern: "/api/v1/batches/{id}/cancel", kind: api, documented: true, allow: actAward, handle: s.apiCancelBatch},
		{method: "GET", pattern: "/api/v1/awards/{id}", kind: api, documented: true, allow: actReadAwards, handle: s.apiAward},
		{method: "POST", pattern: "/api/v1/awards/{id}/revoke", kind: api, documented: true, allow: actAward, handle: s.apiRevoke},
		{method: "POST", pattern: "/api/v1/awards/{id}/suspend", kind: api, documented: true, allow: actAward, handle: s.apiSuspend},
		{method: "POST", pattern: "/api/v1/awards/{id}/reinstate", kind: api, documented: true, allow: actAward, handle: s.apiReinstate},
		{method: "POST", pattern: "/api/v1/awards/{id}/correct", kind: api, documented: true, allow: actAward, handle: s.apiCorrectAward},
	}
}

// Handler returns the server's whole HTTP handler: the routes behind the
// middleware every request gets.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.Handle(rt.name(), s.routeHandler(rt))
	}
	dispatch := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern == "" {
			s.unmatched(w, r, mux)
			return
		}
		mux.ServeHTTP(w, r)
	})
	return s.observe(dispatch)
}

// routeHandler wraps a route's handler in what depends on the route: its
// label, cross-origin protection, the body limit and error mapping.
func (s *Server) routeHandler(rt route) http.Handler {
	limit := s.cfg.MaxBodyBytes
	if rt.upload {
		limit = s.cfg.MaxUploadBytes
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info := infoOf(r.Context()); info != nil {
			info.route, info.api = rt.name(), rt.kind == api
		}
		a, err := s.authenticate(r, rt)
		if err != nil {
			s.refuse(w, r, rt, err)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), actorKey{}, a))
		// Pages are all guarded; API routes when a browser's cookie is
		// what authenticates them, since a forged request would carry it.
		if rt.kind == page || a.session != "" {
			if err := s.csrf.Check(r); err != nil {
				s.fail(w, r, statusError{http.StatusForbidden, "This form was sent from another site, so it was refused. Open the page on this site and submit it again."})
				return
			}
		}
		if err := authorize(a, rt.allow, target{}); err != nil {
			s.refuse(w, r, rt, err)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		if err := rt.handle(w, r); err != nil {
			s.refuse(w, r, rt, err)
		}
	})
}

// refuse answers a request the actor may not make: a browser that needs
// to sign in is sent to the sign-in page, an API client gets a 401 with
// the scheme to use, and anyone else the error.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, rt route, err error) {
	if isUnauthorized(err) {
		if rt.kind == page && r.Method == http.MethodGet {
			signInRedirect(w, r)
			return
		}
		if rt.kind == api {
			w.Header().Set("WWW-Authenticate", `Bearer realm="cairn"`)
		}
	}
	s.fail(w, r, err)
}

// unmatched answers a request no route matched with the mux's own status
// (404, or 405 with its Allow header) in cairn's error format.
func (s *Server) unmatched(w http.ResponseWriter, r *http.Request, mux *http.ServeMux) {
	h, _ := mux.Handler(r)
	probe := &probeWriter{header: http.Header{}}
	h.ServeHTTP(probe, r)
	if probe.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", probe.header.Get("Allow"))
		s.fail(w, r, statusError{http.StatusMethodNotAllowed, "This address does not accept " + r.Method + " requests."})
		return
	}
	s.fail(w, r, statusError{http.StatusNotFound, "There is nothing at this address."})
}

// probeWriter records the status and headers a handler writes and drops
// the body.
type probeWriter struct {
	header http.Header
	status int
}

func (p *probeWriter) Header() http.Header { return p.header }
func (p *probeWriter) WriteHeader(code int) {
	if p.status == 0 {
		p.status = code
	}
}
func (p *probeWriter) Write(b []byte) (int, error) {
	p.WriteHeader(http.StatusOK)
	return len(b), nil
}

// verify runs the verifier, bounded in time, and counts the verdict.
func (s *Server) verify(ctx context.Context, data []byte) *verify.Report {
	if s.cfg.WriteTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.cfg.WriteTimeout)
		defer cancel()
	}
	rep := s.verifier.Verify(ctx, data)
	s.metrics.verified(rep.Verified)
	s.countVerification(ctx, rep)
	return rep
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	if actorOf(r.Context()).signedIn() {
		http.Redirect(w, r, "/tasks", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/verify", http.StatusSeeOther)
	return nil
}

func (s *Server) staticAsset(w http.ResponseWriter, r *http.Request) error {
	f, ok := s.static[r.PathValue("name")]
	if !ok {
		return statusError{http.StatusNotFound, "There is no such file."}
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("ETag", f.etag)
	http.ServeContent(w, r, r.PathValue("name"), time.Time{}, bytes.NewReader(f.data))
	return nil
}
