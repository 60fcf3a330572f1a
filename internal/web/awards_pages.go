package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/award"
	"cairn/internal/sqlstore"
)

// awardsView is an offering's awards page: who may award it, the forms
// to award, its bulk awards and its awards.
type awardsView struct {
	Offering    offeringLine
	Refusal     string // why the offering cannot be awarded now, if so
	Interim     bool
	CanAward    bool
	CanNominate bool
	Issuers     []sqlstore.Nomination
	Batches     []sqlstore.Batch
	Awards      []awardLine
	NextAfter   int64
	Columns     string
	CSVLimit    string
	Done        string
	Error       string
	ErrorOf     string // "award" or "upload" or "nomination"
	Input       awardInput
}

// awardLine is an award in a list.
type awardLine struct {
	ID           int64
	CredentialID string
	Learner      string
	Version      int
	IssuedAt     time.Time
	State        string
	ReplacesID   int64
	BatchID      int64
}

var doneMessages = map[string]string{
	"nominated": "The person was nominated to award this offering.",
	"already":   "That person was already nominated.",
	"withdrawn": "The nomination was withdrawn.",
	"issued":    "The award was issued and the learner will be notified.",
	"existing":  "This learner already had this award, so nothing new was issued.",
	"revoke":    "The award was revoked and the revocation list published again.",
	"suspend":   "The award was suspended and the suspension list published again.",
	"reinstate": "The award was reinstated and the suspension list published again.",
	"corrected": "The award was corrected: this credential replaces the previous one, which is revoked.",
	"confirmed": "The batch is confirmed; the server issues it in the background.",
	"cancelled": "The batch was cancelled; nothing was issued.",
	"nothing":   "The batch had nothing to award.",
}

func (s *Server) awardsView(ctx context.Context, a *actor, id, after int64) (awardsView, error) {
	o, r, err := s.awardOffering(ctx, a, id, actReadAwards)
	if err != nil {
		return awardsView{}, err
	}
	if !r.CanAward() && !r.CanNominate() {
		return awardsView{}, apperror.New(apperror.Forbidden,
			"only the central office (registrar, credentials staff), the offering's department and the people it nominates see the awards of offering %d", o.ID)
	}
	v := awardsView{Offering: s.offeringLine(ctx, o), CanAward: r.CanAward(), CanNominate: r.CanNominate(),
		Columns: strings.Join(award.Columns(), ","), CSVLimit: formatBytes(s.cfg.MaxUploadBytes)}
	if err := awardability(o); err != nil {
		v.Refusal, _ = userError(err)
	}
	v.Interim = award.Offering{Status: o.Status}.Interim()
	if v.Issuers, err = s.store.OfferingIssuers(ctx, o.ID); err != nil {
		return v, err
	}
	if v.CanAward {
		if v.Batches, err = s.store.BatchesForOffering(ctx, o.ID, batchesShown); err != nil {
			return v, err
		}
	}
	awards, err := s.store.AwardsForOffering(ctx, o.ID, after, awardsPerPage)
	if err != nil {
		return v, err
	}
	names := map[int64]string{}
	for _, aw := range awards {
		learner := "a learner without an account"
		if aw.PersonID != 0 {
			if _, ok := names[aw.PersonID]; !ok {
				p, err := s.store.Person(ctx, aw.PersonID)
				if err != nil && apperror.CodeOf(err) != apperror.NotFound {
					return v, err
				}
				names[aw.PersonID] = p.Name + " <" + p.Email + ">"
			}
			learner = names[aw.PersonID]
		}
		v.Awards = append(v.Awards, awardLine{ID: aw.ID, CredentialID: aw.CredentialID, Learner: learner, Version: aw.Version,
			IssuedAt: aw.IssuedAt, State: aw.State(s.clock()), ReplacesID: aw.ReplacesID, BatchID: aw.BatchID})
	}
	if len(awards) == awardsPerPage {
		v.NextAfter = awards[len(awards)-1].ID
	}
	return v, nil
}

func (s *Server) awardsPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	v, err := s.awardsView(r.Context(), actorOf(r.Context()), id, max(after, 0))
	if err != nil {
		return err
	}
	v.Done = doneMessages[r.URL.Query().Get("done")]
	s.render(w, r, http.StatusOK, "awards", "Awards: "+v.Offering.Title, v)
	return nil
}

// awardsPageError shows the awards page again with the error of a form.
func (s *Server) awardsPageError(w http.ResponseWriter, r *http.Request, id int64, of string, err error, in awardInput) error {
	msg, ok := userError(err)
	if !ok {
		return err
	}
	v, verr := s.awardsView(r.Context(), actorOf(r.Context()), id, 0)
	if verr != nil {
		return verr
	}
	v.Error, v.ErrorOf, v.Input = msg, of, in
	s.render(w, r, http.StatusUnprocessableEntity, "awards", "Awards: "+v.Offering.Title, v)
	return nil
}

// postedAward is the award form's fields (the issue and correct forms
// share them).
func postedAward(f url.Values) awardInput {
	return awardInput{Email: f.Get("email"), Name: f.Get("name"), Result: f.Get("result"), EvidenceURL: f.Get("evidence_url"),
		DID: f.Get("did"), IssuedOn: f.Get("issued_on")}
}

func (s *Server) issueAwardPage(w http.ResponseWriter, r *http.Request) error {
	id, err := postedPathID(r, "id")
	if err != nil {
		return err
	}
	in := postedAward(r.PostForm)
	aw, issued, err := s.issue(r.Context(), actorOf(r.Context()), id, in)
	if err != nil {
		return s.awardsPageError(w, r, id, "award", err, in)
	}
	done := "existing"
	if issued {
		done = "issued"
	}
	http.Redirect(w, r, "/awards/"+strconv.FormatInt(aw.ID, 10)+"?done="+done, http.StatusSeeOther)
	return nil
}

// uploadBatchPage reads a multipart form whose fields come before the
// file (require_known, then csv) and streams the file into the CSV
// reader, so no copy of it is kept.
func (s *Server) uploadBatchPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return apperror.New(apperror.Invalid, "send the form as multipart/form-data with the CSV file in the field csv")
	}
	requireKnown := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return s.awardsPageError(w, r, id, "upload", apperror.Field("csv", "choose a CSV file to upload"), awardInput{})
		}
		if err != nil {
			return formError(err)
		}
		switch part.FormName() {
		case "require_known":
			requireKnown = true
		case "csv":
			source := part.FileName()
			if source == "" {
				source = "upload"
			}
			b, err := s.createBatch(r.Context(), actorOf(r.Context()), id, clip(source, 200), requireKnown, part)
			if err != nil {
				var tooLarge *http.MaxBytesError
				if errors.As(err, &tooLarge) {
					return err
				}
				return s.awardsPageError(w, r, id, "upload", err, awardInput{})
			}
			http.Redirect(w, r, "/batches/"+strconv.FormatInt(b.ID, 10), http.StatusSeeOther)
			return nil
		}
	}
}

// clip shortens s to at most n bytes on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

func (s *Server) nominatePage(w http.ResponseWriter, r *http.Request) error {
	id, err := postedPathID(r, "id")
	if err != nil {
		return err
	}
	a := actorOf(r.Context())
	if _, _, err := s.awardOffering(r.Context(), a, id, actAward); err != nil {
		return err
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	p, err := s.store.PersonByEmail(r.Context(), email)
	if apperror.CodeOf(err) == apperror.NotFound || email == "" {
		return s.awardsPageError(w, r, id, "nomination", apperror.Field("email", "no one at cairn has the address %q", email), awardInput{})
	}
	if err != nil {
		return err
	}
	added, err := s.store.NominateIssuer(r.Context(), id, p.ID, a.person.ID)
	if err != nil {
		return s.awardsPageError(w, r, id, "nomination", err, awardInput{})
	}
	done := "already"
	if added {
		done = "nominated"
	}
	http.Redirect(w, r, "/offerings/"+strconv.FormatInt(id, 10)+"/awards?done="+done, http.StatusSeeOther)
	return nil
}

func (s *Server) withdrawNominationPage(w http.ResponseWriter, r *http.Request) error {
	id, err := postedPathID(r, "id")
	if err != nil {
		return err
	}
	a := actorOf(r.Context())
	if _, _, err := s.awardOffering(r.Context(), a, id, actAward); err != nil {
		return err
	}
	person, err := strconv.ParseInt(r.PostForm.Get("person_id"), 10, 64)
	if err != nil {
		return apperror.Field("person_id", "must be a person's id")
	}
	if err := s.store.WithdrawIssuer(r.Context(), id, person, a.person.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/offerings/"+strconv.FormatInt(id, 10)+"/awards?done=withdrawn", http.StatusSeeOther)
	return nil
}

// batchView is a batch's page: the preview with its problems, or the
// progress of its run.
type batchView struct {
	Batch    sqlstore.Batch
	Offering offeringLine
	Problems []batchProblem
	Refresh  int // seconds between reloads, 0 for none
	Percent  int
	Done     string
	Preview  bool
}

func (s *Server) batchPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, o, err := s.batchOf(r.Context(), actorOf(r.Context()), id)
	if err != nil {
		return err
	}
	rows, err := s.store.BatchRows(r.Context(), b.ID, -1, problemsShown, true)
	if err != nil {
		return err
	}
	v := batchView{Batch: b, Offering: s.offeringLine(r.Context(), o), Problems: problemsOf(rows), Preview: b.State == award.Preview,
		Done: doneMessages[r.URL.Query().Get("done")]}
	if b.State == award.Queued || b.State == award.Running {
		v.Refresh = batchRefreshSeconds
	}
	if b.ToAward > 0 {
		v.Percent = b.Done * 100 / b.ToAward
	} else if b.State == award.Done {
		v.Percent = 100
	}
	s.render(w, r, http.StatusOK, "batch", "Bulk award "+strconv.FormatInt(b.ID, 10), v)
	return nil
}

func (s *Server) confirmBatchPage(w http.ResponseWriter, r *http.Request) error {
	return s.moveBatchPage(w, r, true)
}

func (s *Server) cancelBatchPage(w http.ResponseWriter, r *http.Request) error {
	return s.moveBatchPage(w, r, false)
}

func (s *Server) moveBatchPage(w http.ResponseWriter, r *http.Request, confirm bool) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := actorOf(r.Context())
	if _, _, err := s.batchOf(r.Context(), a, id); err != nil {
		return err
	}
	done := "cancelled"
	var b sqlstore.Batch
	if confirm {
		b, err = s.store.ConfirmBatch(r.Context(), id, a.person.ID)
		done = "confirmed"
		if err == nil && b.State == award.Done {
			done = "nothing"
		}
	} else {
		_, err = s.store.CancelBatch(r.Context(), id, a.person.ID)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/batches/"+strconv.FormatInt(id, 10)+"?done="+done, http.StatusSeeOther)
	return nil
}

// awardView is an award's page.
type awardView struct {
	Award      sqlstore.Award
	State      string
	Offering   offeringLine
	Learner    string
	Credential string
	CanAward   bool
	Actions    []string
	Done       string
	Error      string
	ErrorOf    string
}

func (s *Server) awardView(ctx context.Context, a *actor, id int64) (awardView, error) {
	aw, o, err := s.awardOf(ctx, a, id, actReadAwards)
	if err != nil {
		return awardView{}, err
	}
	v := awardView{Award: aw, State: aw.State(s.clock()), Offering: s.offeringLine(ctx, o), CanAward: true,
		Learner: "a learner without an account (identified in the credential by a salted hash of the email address)"}
	if aw.PersonID != 0 {
		if p, err := s.store.Person(ctx, aw.PersonID); err == nil {
			v.Learner = p.Name + " <" + p.Email + ">"
		}
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, aw.Credential, "", "  ") == nil {
		v.Credential = pretty.String()
	}
	for _, act := range []award.Action{award.Suspend, award.Reinstate, award.Revoke} {
		if _, err := award.Transition(aw.Status, act); err == nil {
			v.Actions = append(v.Actions, string(act))
		}
	}
	return v, nil
}

func (s *Server) awardPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.awardView(r.Context(), actorOf(r.Context()), id)
	if err != nil {
		return err
	}
	v.Done = doneMessages[r.URL.Query().Get("done")]
	s.render(w, r, http.StatusOK, "award", "Award "+strconv.FormatInt(id, 10), v)
	return nil
}

func (s *Server) awardPageError(w http.ResponseWriter, r *http.Request, id int64, of string, err error) error {
	msg, ok := userError(err)
	if !ok {
		return err
	}
	v, verr := s.awardView(r.Context(), actorOf(r.Context()), id)
	if verr != nil {
		return verr
	}
	v.Error, v.ErrorOf = msg, of
	s.render(w, r, http.StatusUnprocessableEntity, "award", "Award "+strconv.FormatInt(id, 10), v)
	return nil
}

func (s *Server) awardStatusPage(w http.ResponseWriter, r *http.Request) error {
	id, err := postedPathID(r, "id")
	if err != nil {
		return err
	}
	act := r.PostForm.Get("action")
	if _, err := s.changeStatus(r.Context(), actorOf(r.Context()), id, act, r.PostForm.Get("reason")); err != nil {
		return s.awardPageError(w, r, id, "status", err)
	}
	http.Redirect(w, r, "/awards/"+strconv.FormatInt(id, 10)+"?done="+act, http.StatusSeeOther)
	return nil
}

func (s *Server) correctAwardPage(w http.ResponseWriter, r *http.Request) error {
	id, err := postedPathID(r, "id")
	if err != nil {
		return err
	}
	in := correctionInput{awardInput: postedAward(r.PostForm), Reason: r.PostForm.Get("reason")}
	nw, err := s.correct(r.Context(), actorOf(r.Context()), id, in)
	if err != nil {
		return s.awardPageError(w, r, id, "correction", err)
	}
	http.Redirect(w, r, "/awards/"+strconv.FormatInt(nw.ID, 10)+"?done=corrected", http.StatusSeeOther)
	return nil
}
