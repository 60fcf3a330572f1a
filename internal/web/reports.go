package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/org"
	"cairn/internal/report"
	"cairn/internal/sqlstore"
	"cairn/internal/stack"
	"cairn/internal/verify"
)

// reportTable is one report as the page shows it: the table and its
// chart.
type reportTable struct {
	report.Table
	Bars []barView
}

// barView is one bar of a hand-drawn SVG chart.
type barView struct {
	Label string
	Value string
	Y     int // top of the bar's row
	Width int // of the bar, in chart units
}

// Chart geometry, in SVG user units.
const (
	chartBarArea = 360
	chartRow     = 24
	maxBars      = 40
	// maxBarLabel is how many characters of a label fit left of a bar.
	maxBarLabel = 52
)

// ChartHeight is the SVG's height for the bars.
func (t reportTable) ChartHeight() int { return len(t.Bars)*chartRow + 8 }

// bars turns labelled values into bars scaled to the largest.
func bars(labels []string, values []float64, format func(float64) string) []barView {
	peak := 0.0
	for _, v := range values {
		peak = max(peak, v)
	}
	var out []barView
	for i, l := range labels {
		if i == maxBars {
			break
		}
		w := 0
		if peak > 0 {
			w = int(values[i] / peak * chartBarArea)
		}
		if values[i] > 0 && w == 0 {
			w = 1
		}
		if r := []rune(l); len(r) > maxBarLabel {
			l = string(r[:maxBarLabel-1]) + "…"
		}
		out = append(out, barView{Label: l, Value: format(values[i]), Y: i*chartRow + 4, Width: w})
	}
	return out
}

// reportQuery is what a report request asks for.
type reportQuery struct {
	Institution int64
	Range       sqlstore.ReportRange
	// From and To are as the form shows them (To is the last day).
	From, To string
}

// parseReportQuery reads institution, from, to (inclusive days) and
// period, defaulting to the actor's first institution and the last twelve
// months by month.
func (s *Server) parseReportQuery(r *http.Request) (reportQuery, error) {
	a := actorOf(r.Context())
	q := r.URL.Query()
	var rq reportQuery
	if v := q.Get("institution"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return rq, apperror.Field("institution", "must be an institution id")
		}
		rq.Institution = id
	} else {
		for _, id := range a.institutions() {
			if a.staff(id) {
				rq.Institution = id
				break
			}
		}
	}
	if rq.Institution == 0 || !a.staff(rq.Institution) {
		return rq, apperror.New(apperror.Forbidden, "you do not work at that institution, so you cannot see its reports")
	}
	today := s.now().UTC().Truncate(24 * time.Hour)
	from, to := time.Date(today.Year()-1, today.Month(), 1, 0, 0, 0, 0, time.UTC), today
	for _, f := range []struct {
		key string
		dst *time.Time
	}{{"from", &from}, {"to", &to}} {
		if v := q.Get(f.key); v != "" {
			t, err := time.Parse(time.DateOnly, v)
			if err != nil {
				return rq, apperror.Field(f.key, "must be a date, YYYY-MM-DD")
			}
			*f.dst = t
		}
	}
	rq.From, rq.To = from.Format(time.DateOnly), to.Format(time.DateOnly)
	rq.Range = sqlstore.ReportRange{From: from, To: to.AddDate(0, 0, 1), Period: sqlstore.PeriodMonth}
	if p := q.Get("period"); p != "" {
		rq.Range.Period = p
	}
	return rq, rq.Range.Check()
}

// report computes one report with its chart.
func (s *Server) report(ctx context.Context, name string, rq reportQuery) (reportTable, error) {
	t, err := report.Build(ctx, s.store, s.approvals, name, rq.Institution, rq.Range)
	if err != nil {
		return reportTable{}, err
	}
	return reportTable{Table: t, Bars: bars(t.Labels, t.Values, t.Format)}, nil
}

// reportsView is the reports page.
type reportsView struct {
	Query        reportQuery
	Institutions []choiceView
	Period       []choiceView
	Reports      []reportTable
	CSVQuery     string
	Transcripts  bool
}

func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request) error {
	rq, err := s.parseReportQuery(r)
	if err != nil {
		return err
	}
	a := actorOf(r.Context())
	v := reportsView{Query: rq, Transcripts: mayExportTranscripts(a, rq.Institution)}
	for _, id := range a.institutions() {
		if a.staff(id) {
			v.Institutions = append(v.Institutions, choiceView{Value: strconv.FormatInt(id, 10), Label: s.institutionName(r.Context(), id), Selected: id == rq.Institution})
		}
	}
	for _, p := range []string{sqlstore.PeriodMonth, sqlstore.PeriodYear} {
		v.Period = append(v.Period, choiceView{Value: p, Label: "per " + p, Selected: p == rq.Range.Period})
	}
	for _, name := range report.Names() {
		t, err := s.report(r.Context(), name, rq)
		if err != nil {
			return err
		}
		v.Reports = append(v.Reports, t)
	}
	v.CSVQuery = reportQueryString(rq)
	s.render(w, r, http.StatusOK, "reports", "Reports", v)
	return nil
}

func reportQueryString(rq reportQuery) string {
	return "institution=" + strconv.FormatInt(rq.Institution, 10) + "&from=" + rq.From + "&to=" + rq.To + "&period=" + rq.Range.Period
}

// mayExportTranscripts says whether the actor is the institution's
// central office (registrar) or administrator, who export transcripts.
func mayExportTranscripts(a *actor, institution int64) bool {
	return a.hasRole(institution, org.Registrar, org.Administrator)
}

// reportCSV is GET /reports/{file}: a report, or the transcript export,
// as CSV.
func (s *Server) reportCSV(w http.ResponseWriter, r *http.Request) error {
	name, ok := strings.CutSuffix(r.PathValue("file"), ".csv")
	if !ok || (name != report.Transcripts && !report.IsName(name)) {
		return apperror.New(apperror.NotFound, "no such report; the CSV reports are %s.csv and %s.csv", strings.Join(report.Names(), ".csv, "), report.Transcripts)
	}
	rq, err := s.parseReportQuery(r)
	if err != nil {
		return err
	}
	if name == report.Transcripts && !mayExportTranscripts(actorOf(r.Context()), rq.Institution) {
		return apperror.New(apperror.Forbidden, "only the registrar's office exports transcript entries")
	}
	var t report.Table
	if name != report.Transcripts {
		if t, err = report.Build(r.Context(), s.store, s.approvals, name, rq.Institution, rq.Range); err != nil {
			return err
		}
	}
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	if name != report.Transcripts {
		return report.WriteCSV(w, t)
	}
	if err := report.WriteTranscripts(r.Context(), s.store, rq.Institution, w); err != nil {
		// The header is sent: the file ends short, and the log says why.
		s.log.ErrorContext(r.Context(), "transcript export failed", "error", err)
	}
	return nil
}

// apiReport is GET /api/v1/reports/{name}.
func (s *Server) apiReport(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	if !report.IsName(name) {
		return apperror.New(apperror.NotFound, "no report %q; the reports are %s", name, strings.Join(report.Names(), ", "))
	}
	rq, err := s.parseReportQuery(r)
	if err != nil {
		return err
	}
	t, err := report.Build(r.Context(), s.store, s.approvals, name, rq.Institution, rq.Range)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, struct {
		report.Table
		Institution int64  `json:"institution"`
		From        string `json:"from"`
		To          string `json:"to"`
		Period      string `json:"period"`
	}{t, rq.Institution, rq.From, rq.To, rq.Range.Period})
}

// countVerification records a verification's outcome for the reports,
// by the route that answered it. A failure to count is logged, never the
// verifier's answer changed.
func (s *Server) countVerification(ctx context.Context, rep *verify.Report) {
	info := infoOf(ctx)
	if info == nil {
		return
	}
	endpoint := map[string]string{
		"POST /verify":             sqlstore.VerifyPage,
		"POST /api/v1/verify":      sqlstore.VerifyAPI,
		"POST /credentials/verify": sqlstore.VerifyCredentials,
	}[info.route]
	if endpoint == "" {
		return
	}
	outcome := sqlstore.VerifyFailed
	switch {
	case rep.Verified:
		outcome = sqlstore.VerifyVerified
	case rep.Format == "":
		outcome = sqlstore.VerifyUnreadable
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	if err := s.store.CountVerification(ctx, endpoint, outcome); err != nil {
		s.log.WarnContext(ctx, "verification not counted", "error", err)
	}
}

// stacksView is the stacks page.
type stacksView struct {
	Institution  int64
	Institutions []choiceView
	Stacks       []stackRuleView
	Ladders      []sqlstore.Ladder
	Offerings    []choiceView
	Manage       bool
	Done         string
	// Made is how many stack awards a check made.
	Made int
}

type stackRuleView struct {
	sqlstore.Stack
	Describe string
	Parts    []string
}

func (s *Server) stacksPage(w http.ResponseWriter, r *http.Request) error {
	rq, err := s.institutionParam(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	a := actorOf(ctx)
	v := stacksView{Institution: rq, Manage: mayExportTranscripts(a, rq), Done: r.URL.Query().Get("done")}
	if v.Done == "check" {
		v.Made, _ = strconv.Atoi(r.URL.Query().Get("made"))
	}
	for _, id := range a.institutions() {
		if a.staff(id) {
			v.Institutions = append(v.Institutions, choiceView{Value: strconv.FormatInt(id, 10), Label: s.institutionName(ctx, id), Selected: id == rq})
		}
	}
	sts, err := s.store.Stacks(ctx, rq)
	if err != nil {
		return err
	}
	for _, st := range sts {
		sv := stackRuleView{Stack: st, Describe: st.Rule.Describe()}
		for _, p := range st.Rule.Parts {
			sv.Parts = append(sv.Parts, st.PartTitles[p])
		}
		v.Stacks = append(v.Stacks, sv)
	}
	if v.Ladders, err = s.store.Ladders(ctx, rq); err != nil {
		return err
	}
	os, err := s.store.Offerings(ctx, rq)
	if err != nil {
		return err
	}
	for _, o := range os {
		title := o.Draft.Title
		if title == "" {
			title = "Offering " + strconv.FormatInt(o.ID, 10)
		}
		v.Offerings = append(v.Offerings, choiceView{Value: strconv.FormatInt(o.ID, 10), Label: title + " (" + string(o.Status) + ")"})
	}
	s.render(w, r, http.StatusOK, "stacks", "Stacks and ladders", v)
	return nil
}

// institutionParam is the institution a staff page is about: the
// institution query or form value, else the actor's first.
func (s *Server) institutionParam(r *http.Request) (int64, error) {
	a := actorOf(r.Context())
	v := r.FormValue("institution")
	if v == "" {
		for _, id := range a.institutions() {
			if a.staff(id) {
				return id, nil
			}
		}
		return 0, apperror.New(apperror.Forbidden, "you work at no institution")
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, apperror.Field("institution", "must be an institution id")
	}
	if !a.staff(id) {
		return 0, apperror.New(apperror.Forbidden, "you do not work at that institution")
	}
	return id, nil
}

// manageStacks checks that the actor is the institution's central office
// (registrar) or administrator, who set stacks up, and returns the
// institution.
func (s *Server) manageStacks(r *http.Request) (int64, error) {
	if err := r.ParseForm(); err != nil {
		return 0, formError(err)
	}
	inst, err := s.institutionParam(r)
	if err != nil {
		return 0, err
	}
	if !mayExportTranscripts(actorOf(r.Context()), inst) {
		return 0, apperror.New(apperror.Forbidden, "only the registrar's office sets up stacks, ladders and PLAR records")
	}
	return inst, nil
}

func postedID(r *http.Request, key string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(r.PostForm.Get(key)), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperror.Field(key, "choose one")
	}
	return id, nil
}

// offeringOf checks that an offering belongs to the institution.
func (s *Server) offeringOf(ctx context.Context, inst, id int64, field string) error {
	o, err := s.store.Offering(ctx, id)
	if apperror.CodeOf(err) == apperror.NotFound || (err == nil && o.InstitutionID != inst) {
		return apperror.Field(field, "no such offering at this institution")
	}
	return err
}

// stackOffering checks that the actor may set up stacks at the
// institution and reads the form's offering there (the stack and ladder
// forms both name one).
func (s *Server) stackOffering(r *http.Request) (inst, offering int64, err error) {
	if inst, err = s.manageStacks(r); err != nil {
		return 0, 0, err
	}
	if offering, err = postedID(r, "offering"); err != nil {
		return 0, 0, err
	}
	if err := s.offeringOf(r.Context(), inst, offering, "offering"); err != nil {
		return 0, 0, err
	}
	return inst, offering, nil
}

func (s *Server) createStackPage(w http.ResponseWriter, r *http.Request) error {
	inst, id, err := s.stackOffering(r)
	if err != nil {
		return err
	}
	rule := stack.Rule{Kind: stack.Kind(r.PostForm.Get("rule"))}
	for _, p := range r.PostForm["part"] {
		pid, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return apperror.Field("parts", "%q is not an offering id", p)
		}
		rule.Parts = append(rule.Parts, pid)
	}
	if v := strings.TrimSpace(r.PostForm.Get("n")); v != "" && rule.Kind == stack.NOf {
		if rule.N, err = strconv.Atoi(v); err != nil {
			return apperror.Field("n", "must be a whole number")
		}
	}
	if v := strings.TrimSpace(r.PostForm.Get("min_credits")); v != "" && rule.Kind == stack.Credits {
		if rule.MinCredits, err = strconv.ParseFloat(v, 64); err != nil {
			return apperror.Field("min_credits", "must be a number")
		}
	}
	if _, err := s.store.CreateStack(r.Context(), sqlstore.StackRequest{OfferingID: id, Rule: rule, By: actorOf(r.Context()).person.ID}); err != nil {
		return err
	}
	http.Redirect(w, r, "/stacks?institution="+strconv.FormatInt(inst, 10)+"&done=stack", http.StatusSeeOther)
	return nil
}

func (s *Server) deleteStackPage(w http.ResponseWriter, r *http.Request) error {
	inst, err := s.manageStacks(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return apperror.New(apperror.NotFound, "stack not found")
	}
	st, err := s.store.Stack(r.Context(), id)
	if err != nil {
		return err
	}
	if st.InstitutionID != inst {
		return apperror.New(apperror.NotFound, "stack not found")
	}
	if err := s.store.DeleteStack(r.Context(), id, actorOf(r.Context()).person.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/stacks?institution="+strconv.FormatInt(inst, 10)+"&done=deleted", http.StatusSeeOther)
	return nil
}

func (s *Server) createLadderPage(w http.ResponseWriter, r *http.Request) error {
	inst, id, err := s.stackOffering(r)
	if err != nil {
		return err
	}
	l := stack.Ladder{OfferingID: id, Program: r.PostForm.Get("program"), CountsToward: r.PostForm.Get("counts_toward")}
	if _, err := s.store.CreateLadder(r.Context(), l, actorOf(r.Context()).person.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/stacks?institution="+strconv.FormatInt(inst, 10)+"&done=ladder", http.StatusSeeOther)
	return nil
}

func (s *Server) recordPLARPage(w http.ResponseWriter, r *http.Request) error {
	inst, err := s.manageStacks(r)
	if err != nil {
		return err
	}
	rec := sqlstore.PLARRecord{Email: r.PostForm.Get("email"), Decision: stack.Decision(r.PostForm.Get("decision")),
		DecidedBy: r.PostForm.Get("decided_by"), Note: r.PostForm.Get("note"), CreatedBy: actorOf(r.Context()).person.ID}
	switch target := r.PostForm.Get("about"); {
	case strings.HasPrefix(target, "offering:"):
		rec.OfferingID, _ = strconv.ParseInt(strings.TrimPrefix(target, "offering:"), 10, 64)
		if err := s.offeringOf(r.Context(), inst, rec.OfferingID, "about"); err != nil {
			return err
		}
	case strings.HasPrefix(target, "ladder:"):
		rec.LadderID, _ = strconv.ParseInt(strings.TrimPrefix(target, "ladder:"), 10, 64)
		ls, err := s.store.Ladders(r.Context(), inst)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(ls, func(l sqlstore.Ladder) bool { return l.ID == rec.LadderID }) {
			return apperror.Field("about", "no such ladder at this institution")
		}
	default:
		return apperror.Field("about", "choose the offering or ladder the decision is about")
	}
	if v := strings.TrimSpace(r.PostForm.Get("credits")); v != "" {
		if rec.Credits, err = strconv.ParseFloat(v, 64); err != nil {
			return apperror.Field("credits", "must be a number")
		}
	}
	if v := r.PostForm.Get("decided_on"); v != "" {
		if rec.DecidedOn, err = time.Parse(time.DateOnly, v); err != nil {
			return apperror.Field("decided_on", "must be a date, YYYY-MM-DD")
		}
	}
	var iss sqlstore.Issuer
	if s.issuers != nil && rec.OfferingID != 0 {
		if iss, err = s.issuers.Issuer(r.Context(), inst); err != nil {
			return err
		}
	}
	if _, _, err := s.store.RecordPLAR(r.Context(), iss, rec); err != nil {
		return err
	}
	http.Redirect(w, r, "/stacks?institution="+strconv.FormatInt(inst, 10)+"&done=plar", http.StatusSeeOther)
	return nil
}

// learnerRecord is GET /record/clr.json: the signed-in learner's record
// at one institution (the institution query, by slug or id, else that of
// their newest award), a CLR 2.0 credential signed by the institution's
// issuing identity. It is secured as a VC-JOSE compact JWS and served as
// the JSON of a VC 2.0 EnvelopedVerifiableCredential (which the VC API's
// POST /credentials/verify reads); ?format=jwt gives the bare JWS.
func (s *Server) learnerRecord(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := actorOf(ctx)
	if s.issuers == nil {
		return apperror.New(apperror.Conflict, "this cairn has no issuing keys, so it cannot sign a learner record")
	}
	inst, err := s.recordInstitution(ctx, a, r.URL.Query().Get("institution"))
	if err != nil {
		return err
	}
	iss, err := s.issuers.Issuer(ctx, inst)
	if err != nil {
		return err
	}
	rs, ok := iss.(sqlstore.RecordSigner)
	if !ok {
		return apperror.New(apperror.Conflict, "the institution's issuer cannot sign learner records")
	}
	rec, err := s.store.LearnerRecord(ctx, rs, inst, a.person.Email, "")
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	if r.URL.Query().Get("format") == "jwt" {
		h.Set("Content-Type", "application/vc+jwt")
		h.Set("Content-Disposition", `attachment; filename="learner-record.jwt"`)
		_, err = w.Write([]byte(rec.JWT))
		return err
	}
	h.Set("Content-Disposition", `attachment; filename="learner-record.json"`)
	return writeJSON(w, http.StatusOK, map[string]any{
		"@context": []string{"https://www.w3.org/ns/credentials/v2"},
		"type":     "EnvelopedVerifiableCredential",
		"id":       "data:application/vc+jwt," + rec.JWT,
	})
}

// recordInstitution picks the institution of a learner record.
func (s *Server) recordInstitution(ctx context.Context, a *actor, want string) (int64, error) {
	if want != "" {
		if id, err := strconv.ParseInt(want, 10, 64); err == nil && id > 0 {
			return id, nil
		}
		i, err := s.store.InstitutionBySlug(ctx, want)
		if err != nil {
			return 0, apperror.Field("institution", "no such institution")
		}
		return i.ID, nil
	}
	as, err := s.store.AwardsForLearner(ctx, a.person.Email)
	if err != nil {
		return 0, err
	}
	if len(as) == 0 {
		return 0, apperror.New(apperror.NotFound, "you hold no awards to put in a record")
	}
	return as[0].InstitutionID, nil
}

// checkStacksPage awards a learner every stack their holdings complete
// that they do not hold yet (a stack set up after its parts were awarded).
func (s *Server) checkStacksPage(w http.ResponseWriter, r *http.Request) error {
	inst, err := s.manageStacks(r)
	if err != nil {
		return err
	}
	if s.issuers == nil {
		return apperror.New(apperror.Conflict, "this cairn has no issuing keys, so it cannot award stacks")
	}
	iss, err := s.issuers.Issuer(r.Context(), inst)
	if err != nil {
		return err
	}
	made, err := s.store.CompleteStacks(r.Context(), iss, inst, r.PostForm.Get("email"), actorOf(r.Context()).person.ID)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/stacks?institution="+strconv.FormatInt(inst, 10)+"&done=check&made="+strconv.Itoa(len(made)), http.StatusSeeOther)
	return nil
}
