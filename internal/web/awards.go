package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/award"
	"cairn/internal/sqlstore"
)

// Awarding: who may award an offering (the central office and the people
// its unit nominates, sqlstore.AwardRights), single awards, bulk awards
// from a CSV file (preview, confirm, progress; the server's batch worker
// runs them), and revoking, suspending, reinstating and correcting an
// award. Pages and /api/v1 share the helpers below.

// The awarding actions. Both need a staff role at the offering's
// institution; the handlers then ask sqlstore.AwardRights.
const (
	// actAward awards, revokes, suspends, reinstates and corrects, and
	// nominates issuers.
	actAward action = "awards.write"
	// actReadAwards reads awards and bulk awards.
	actReadAwards action = "awards.read"
)

// API token scopes of awarding, as the account package names them.
const (
	ScopeAwardsWrite      = "awards:write"
	ScopeCredentialsIssue = "credentials:issue"
	ScopeCredentialsRead  = "credentials:read"
)

// Limits on the awarding pages.
const (
	// awardsPerPage bounds an offering's award list page.
	awardsPerPage = 100
	// batchesShown bounds the batches listed on an offering's awards page.
	batchesShown = 20
	// problemsShown bounds the problem rows shown of a batch.
	problemsShown = 1000
	// batchRefreshSeconds is how often a running batch's page reloads.
	batchRefreshSeconds = 2
)

// errNoIssuers is the answer when the server has no issuing identities.
var errNoIssuers = statusError{http.StatusServiceUnavailable,
	"Awarding is not set up on this server: it has no issuing identity to sign credentials with."}

// issuerOf returns what signs the institution's awards.
func (s *Server) issuerOf(ctx context.Context, institutionID int64) (sqlstore.Issuer, error) {
	if s.issuers == nil {
		return nil, errNoIssuers
	}
	return s.issuers.Issuer(ctx, institutionID)
}

// awardOffering loads an offering and the actor's rights on its awards:
// the route's action (staff, API scope) must allow it at the offering's
// institution.
func (s *Server) awardOffering(ctx context.Context, a *actor, id int64, act action) (sqlstore.Offering, sqlstore.AwardRights, error) {
	o, err := s.store.Offering(ctx, id)
	if err != nil {
		return o, sqlstore.AwardRights{}, err
	}
	if err := authorize(a, act, target{institution: o.InstitutionID}); err != nil {
		return o, sqlstore.AwardRights{}, err
	}
	r, err := s.store.AwardRights(ctx, a.person.ID, o.ID)
	return o, r, err
}

// errMayNotAward refuses someone who may not award an offering.
func errMayNotAward(o sqlstore.Offering) error {
	return apperror.New(apperror.Forbidden,
		"you may not award offering %d: only the central office (registrar, credentials staff) and the people its department nominates may", o.ID)
}

// mayAward loads an offering the actor may award.
func (s *Server) mayAward(ctx context.Context, a *actor, id int64) (sqlstore.Offering, error) {
	o, r, err := s.awardOffering(ctx, a, id, actAward)
	if err == nil && !r.CanAward() {
		err = errMayNotAward(o)
	}
	return o, err
}

// awardOf loads an award whose offering the actor may award (act
// actAward) or see the awards of (actReadAwards).
func (s *Server) awardOf(ctx context.Context, a *actor, id int64, act action) (sqlstore.Award, sqlstore.Offering, error) {
	aw, err := s.store.Award(ctx, id)
	if err != nil {
		return aw, sqlstore.Offering{}, err
	}
	o, r, err := s.awardOffering(ctx, a, aw.OfferingID, act)
	if err == nil && !r.CanAward() {
		err = errMayNotAward(o)
	}
	return aw, o, err
}

// batchOf loads a batch whose offering the actor may award.
func (s *Server) batchOf(ctx context.Context, a *actor, id int64) (sqlstore.Batch, sqlstore.Offering, error) {
	b, err := s.store.BatchProgress(ctx, id)
	if err != nil {
		return b, sqlstore.Offering{}, err
	}
	o, err := s.mayAward(ctx, a, b.OfferingID)
	return b, o, err
}

// awardability says whether an offering may be awarded now, and if not
// why: only its approved version is, and not once discontinued.
func awardability(o sqlstore.Offering) error {
	return award.Offering{ID: o.ID, Version: o.ApprovedVersion, Status: o.Status, ApprovedVersion: o.ApprovedVersion}.Awardable()
}

// awardInput is a single award as a form or the API sends it.
type awardInput struct {
	Email       string `json:"email"`
	Name        string `json:"name"`
	Result      string `json:"result,omitempty"`
	EvidenceURL string `json:"evidenceUrl,omitempty"`
	DID         string `json:"did,omitempty"`
	// IssuedOn is YYYY-MM-DD, empty for today.
	IssuedOn string `json:"issuedOn,omitempty"`
	RunID    int64  `json:"runId,omitempty"`
}

func parseDay(field, s string) (time.Time, error) {
	if s = strings.TrimSpace(s); s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return t, apperror.Field(field, "must be a date as YYYY-MM-DD")
	}
	return t, nil
}

// issue awards an offering to one learner as the actor.
func (s *Server) issue(ctx context.Context, a *actor, offeringID int64, in awardInput) (sqlstore.Award, bool, error) {
	o, err := s.mayAward(ctx, a, offeringID)
	if err != nil {
		return sqlstore.Award{}, false, err
	}
	if err := awardability(o); err != nil {
		return sqlstore.Award{}, false, err
	}
	day, err := parseDay("issuedOn", in.IssuedOn)
	if err != nil {
		return sqlstore.Award{}, false, err
	}
	iss, err := s.issuerOf(ctx, o.InstitutionID)
	if err != nil {
		return sqlstore.Award{}, false, err
	}
	return s.store.IssueAward(ctx, iss, sqlstore.AwardRequest{OfferingID: o.ID, RunID: in.RunID, Email: in.Email, Name: in.Name,
		LearnerDID: strings.TrimSpace(in.DID), Result: in.Result, EvidenceURL: strings.TrimSpace(in.EvidenceURL), IssuedOn: day, By: a.person.ID})
}

// csvOptions bounds an uploaded CSV file by the upload limit.
func (s *Server) csvOptions() award.CSVOptions {
	return award.CSVOptions{MaxBytes: s.cfg.MaxUploadBytes, Now: s.clock()}
}

func (s *Server) clock() time.Time {
	if s.now != nil {
		return s.now()
	}
	return time.Now()
}

// createBatch reads a CSV file and records it as a batch for preview.
func (s *Server) createBatch(ctx context.Context, a *actor, offeringID int64, source string, requireKnown bool, csv io.Reader) (sqlstore.Batch, error) {
	o, err := s.mayAward(ctx, a, offeringID)
	if err != nil {
		return sqlstore.Batch{}, err
	}
	if err := awardability(o); err != nil {
		return sqlstore.Batch{}, err
	}
	sheet, err := award.ParseCSV(csv, s.csvOptions())
	if err != nil {
		return sqlstore.Batch{}, err
	}
	return s.store.CreateBatch(ctx, sqlstore.BatchRequest{OfferingID: o.ID, Source: source, RequireKnown: requireKnown, By: a.person.ID}, sheet)
}

// changeStatus revokes, suspends or reinstates an award as the actor.
func (s *Server) changeStatus(ctx context.Context, a *actor, id int64, act, reason string) (sqlstore.Award, error) {
	aw, o, err := s.awardOf(ctx, a, id, actAward)
	if err != nil {
		return aw, err
	}
	iss, err := s.issuerOf(ctx, o.InstitutionID)
	if err != nil {
		return aw, err
	}
	switch award.Action(act) {
	case award.Revoke:
		return s.store.Revoke(ctx, iss, id, a.person.ID, reason)
	case award.Suspend:
		return s.store.Suspend(ctx, iss, id, a.person.ID, reason)
	case award.Reinstate:
		return s.store.Reinstate(ctx, iss, id, a.person.ID, reason)
	}
	return aw, apperror.Field("action", "must be revoke, suspend or reinstate")
}

// --- JSON ---

// awardJSON is an award as the API shows it.
type awardJSON struct {
	ID            int64           `json:"id"`
	InstitutionID int64           `json:"institutionId"`
	OfferingID    int64           `json:"offeringId"`
	Version       int             `json:"version"`
	CredentialID  string          `json:"credentialId"`
	PersonID      int64           `json:"personId,omitempty"`
	RunID         int64           `json:"runId,omitempty"`
	BatchID       int64           `json:"batchId,omitempty"`
	ReplacesID    int64           `json:"replacesId,omitempty"`
	Credits       float64         `json:"credits"`
	Status        string          `json:"status"`
	State         string          `json:"state"`
	StatusReason  string          `json:"statusReason,omitempty"`
	StatusAt      *time.Time      `json:"statusAt,omitempty"`
	IssuedAt      time.Time       `json:"issuedAt"`
	ValidUntil    *time.Time      `json:"validUntil,omitempty"`
	Credential    json.RawMessage `json:"credential,omitempty"`
	JWT           string          `json:"jwt,omitempty"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (s *Server) awardJSON(aw sqlstore.Award) awardJSON {
	v := awardJSON{ID: aw.ID, InstitutionID: aw.InstitutionID, OfferingID: aw.OfferingID, Version: aw.Version, CredentialID: aw.CredentialID,
		PersonID: aw.PersonID, RunID: aw.RunID, BatchID: aw.BatchID, ReplacesID: aw.ReplacesID, Credits: aw.Credits,
		Status: string(aw.Status), State: aw.State(s.clock()), StatusReason: aw.StatusReason, StatusAt: optTime(aw.StatusAt),
		IssuedAt: aw.IssuedAt, ValidUntil: optTime(aw.ValidUntil), JWT: aw.JWT}
	if len(aw.Credential) > 0 {
		v.Credential = aw.Credential
	}
	return v
}

// batchJSON is a batch as the API shows it, with its problem rows.
type batchJSON struct {
	ID          int64             `json:"id"`
	OfferingID  int64             `json:"offeringId"`
	Version     int               `json:"version"`
	Source      string            `json:"source"`
	State       string            `json:"state"`
	Total       int               `json:"total"`
	Invalid     int               `json:"invalid"`
	ToAward     int               `json:"toAward"`
	Done        int               `json:"done"`
	Issued      int               `json:"issued"`
	Existing    int               `json:"existing"`
	Failed      int               `json:"failed"`
	Error       string            `json:"error,omitempty"`
	CreatedAt   time.Time         `json:"createdAt"`
	ConfirmedAt *time.Time        `json:"confirmedAt,omitempty"`
	FinishedAt  *time.Time        `json:"finishedAt,omitempty"`
	Problems    []batchProblem    `json:"problems"`
	Links       map[string]string `json:"links"`
}

// batchProblem is a row of a batch that is not (to be) issued.
type batchProblem struct {
	Line    int    `json:"line"`
	Email   string `json:"email"`
	State   string `json:"state"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
	AwardID int64  `json:"awardId,omitempty"`
}

func (s *Server) batchJSON(ctx context.Context, b sqlstore.Batch) (batchJSON, error) {
	rows, err := s.store.BatchRows(ctx, b.ID, -1, problemsShown, true)
	if err != nil {
		return batchJSON{}, err
	}
	v := batchJSON{ID: b.ID, OfferingID: b.OfferingID, Version: b.Version, Source: b.Source, State: string(b.State), Total: b.Total,
		Invalid: b.Invalid, ToAward: b.ToAward, Done: b.Done, Issued: b.Issued, Existing: b.Existing, Failed: b.Failed,
		Error: b.Error, CreatedAt: b.CreatedAt, ConfirmedAt: optTime(b.ConfirmedAt), FinishedAt: optTime(b.FinishedAt),
		Problems: problemsOf(rows), Links: map[string]string{"self": "/api/v1/batches/" + strconv.FormatInt(b.ID, 10)}}
	if b.State == award.Preview {
		v.Links["confirm"] = v.Links["self"] + "/confirm"
	}
	return v, nil
}

func problemsOf(rows []sqlstore.BatchRow) []batchProblem {
	out := []batchProblem{}
	for _, r := range rows {
		out = append(out, batchProblem{Line: r.Line, Email: r.Email, State: string(r.State), Field: r.ErrorField, Message: r.Error, AwardID: r.AwardID})
	}
	return out
}

// --- API ---

func (s *Server) apiIssueAward(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in awardInput
	if err := readJSON(r, &in); err != nil {
		return err
	}
	aw, issued, err := s.issue(r.Context(), actorOf(r.Context()), id, in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if issued {
		status = http.StatusCreated
		w.Header().Set("Location", "/api/v1/awards/"+strconv.FormatInt(aw.ID, 10))
	}
	return writeNoStore(w, status, s.awardJSON(aw))
}

func (s *Server) apiCreateBatch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "text/csv" {
		return apperror.New(apperror.Invalid, "send the CSV file as the body, with Content-Type text/csv")
	}
	q := r.URL.Query()
	source := q.Get("source")
	if source == "" {
		source = "api upload"
	}
	b, err := s.createBatch(r.Context(), actorOf(r.Context()), id, source, q.Get("requireKnown") == "true", r.Body)
	if err != nil {
		return err
	}
	v, err := s.batchJSON(r.Context(), b)
	if err != nil {
		return err
	}
	w.Header().Set("Location", v.Links["self"])
	return writeNoStore(w, http.StatusCreated, v)
}

// writeBatch answers with a bulk award as it stands.
func (s *Server) writeBatch(w http.ResponseWriter, r *http.Request, b sqlstore.Batch) error {
	v, err := s.batchJSON(r.Context(), b)
	if err != nil {
		return err
	}
	return writeNoStore(w, http.StatusOK, v)
}

func (s *Server) apiBatch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, _, err := s.batchOf(r.Context(), actorOf(r.Context()), id)
	if err != nil {
		return err
	}
	return s.writeBatch(w, r, b)
}

func (s *Server) apiConfirmBatch(w http.ResponseWriter, r *http.Request) error {
	return s.apiBatchStep(w, r, s.store.ConfirmBatch)
}

// apiBatchStep takes a bulk award the actor may award one step (confirm
// or cancel) and answers with the batch as it now stands.
func (s *Server) apiBatchStep(w http.ResponseWriter, r *http.Request, step func(ctx context.Context, id, by int64) (sqlstore.Batch, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := actorOf(r.Context())
	if _, _, err := s.batchOf(r.Context(), a, id); err != nil {
		return err
	}
	b, err := step(r.Context(), id, a.person.ID)
	if err != nil {
		return err
	}
	return s.writeBatch(w, r, b)
}

func (s *Server) apiAward(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	aw, _, err := s.awardOf(r.Context(), actorOf(r.Context()), id, actReadAwards)
	if err != nil {
		return err
	}
	return writeNoStore(w, http.StatusOK, s.awardJSON(aw))
}

// apiRevoke, apiSuspend and apiReinstate answer POST
// /api/v1/awards/{id}/revoke, suspend and reinstate; the body is
// {"reason": "…"}.
func (s *Server) apiRevoke(w http.ResponseWriter, r *http.Request) error {
	return s.apiChangeStatus(award.Revoke)(w, r)
}

func (s *Server) apiSuspend(w http.ResponseWriter, r *http.Request) error {
	return s.apiChangeStatus(award.Suspend)(w, r)
}

func (s *Server) apiReinstate(w http.ResponseWriter, r *http.Request) error {
	return s.apiChangeStatus(award.Reinstate)(w, r)
}

func (s *Server) apiChangeStatus(act award.Action) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		var in struct {
			Reason string `json:"reason"`
		}
		if err := readJSON(r, &in); err != nil {
			return err
		}
		aw, err := s.changeStatus(r.Context(), actorOf(r.Context()), id, string(act), in.Reason)
		if err != nil {
			return err
		}
		return writeNoStore(w, http.StatusOK, s.awardJSON(aw))
	}
}

// userError reports whether err is one to show on the form that caused
// it rather than as an error page: bad input or a refused state change.
func userError(err error) (string, bool) {
	var ae *apperror.Error
	if errors.As(err, &ae) && (ae.Code == apperror.Invalid || ae.Code == apperror.Conflict) {
		if ae.Field != "" {
			return ae.Field + ": " + ae.Message, true
		}
		return ae.Message, true
	}
	return "", false
}

// apiOfferingAwards lists an offering's awards, oldest first, a page at a
// time: ?after= the last id of the previous page.
func (s *Server) apiOfferingAwards(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var after int64
	if v := r.URL.Query().Get("after"); v != "" {
		if after, err = strconv.ParseInt(v, 10, 64); err != nil || after < 0 {
			return apperror.Field("after", "must be an award id")
		}
	}
	o, rights, err := s.awardOffering(r.Context(), actorOf(r.Context()), id, actReadAwards)
	if err != nil {
		return err
	}
	if !rights.CanAward() {
		return errMayNotAward(o)
	}
	awards, err := s.store.AwardsForOffering(r.Context(), o.ID, after, awardsPerPage)
	if err != nil {
		return err
	}
	out := struct {
		Awards []awardJSON `json:"awards"`
		Next   string      `json:"next,omitempty"`
	}{Awards: []awardJSON{}}
	for _, aw := range awards {
		v := s.awardJSON(aw)
		v.Credential, v.JWT = nil, ""
		out.Awards = append(out.Awards, v)
	}
	if len(awards) == awardsPerPage {
		out.Next = "/api/v1/offerings/" + strconv.FormatInt(o.ID, 10) + "/awards?after=" + strconv.FormatInt(awards[len(awards)-1].ID, 10)
	}
	return writeNoStore(w, http.StatusOK, out)
}

// correctionInput is a correction as the API sends it.
type correctionInput struct {
	awardInput
	Reason string `json:"reason"`
}

// correct re-issues an award with corrected content as the actor.
func (s *Server) correct(ctx context.Context, a *actor, id int64, in correctionInput) (sqlstore.Award, error) {
	_, o, err := s.awardOf(ctx, a, id, actAward)
	if err != nil {
		return sqlstore.Award{}, err
	}
	day, err := parseDay("issuedOn", in.IssuedOn)
	if err != nil {
		return sqlstore.Award{}, err
	}
	iss, err := s.issuerOf(ctx, o.InstitutionID)
	if err != nil {
		return sqlstore.Award{}, err
	}
	return s.store.CorrectAward(ctx, iss, id, sqlstore.Correction{Email: in.Email, Name: in.Name, LearnerDID: strings.TrimSpace(in.DID),
		Result: in.Result, EvidenceURL: strings.TrimSpace(in.EvidenceURL), IssuedOn: day, Reason: in.Reason, By: a.person.ID})
}

func (s *Server) apiCorrectAward(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in correctionInput
	if err := readJSON(r, &in); err != nil {
		return err
	}
	if in.RunID != 0 {
		return apperror.Field("runId", "cannot be corrected: the corrected award keeps the run of the award it replaces")
	}
	aw, err := s.correct(r.Context(), actorOf(r.Context()), id, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/awards/"+strconv.FormatInt(aw.ID, 10))
	return writeNoStore(w, http.StatusCreated, s.awardJSON(aw))
}

func (s *Server) apiCancelBatch(w http.ResponseWriter, r *http.Request) error {
	return s.apiBatchStep(w, r, s.store.CancelBatch)
}
