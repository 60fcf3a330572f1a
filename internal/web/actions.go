package web

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/approval"
)

// actionInput is every parameter any case action takes, read from a form
// or a JSON body by the same names, so the pages and the API act alike.
type actionInput struct {
	Complete         bool              `json:"complete"`
	Feedback         string            `json:"feedback"`
	Question         string            `json:"question"`
	Answer           string            `json:"answer"`
	Reviewers        []int64           `json:"reviewers"`
	Reason           string            `json:"reason"`
	Reviewer         int64             `json:"reviewer"`
	Replacement      int64             `json:"replacement"`
	Answers          []approval.Answer `json:"answers"`
	Comment          string            `json:"comment"`
	ExistingOffering int64             `json:"existingOffering"`
	Consultee        int64             `json:"consultee"`
	Consultation     int               `json:"consultation"`
	Response         string            `json:"response"`
	Approve          bool              `json:"approve"`
	At               time.Time         `json:"at"`
	Place            string            `json:"place"`
	Minutes          string            `json:"minutes"`
	Attendees        []int64           `json:"attendees"`
	Grounds          string            `json:"grounds"`
	Note             string            `json:"note"`
	Role             string            `json:"role"`
	VersionHash      string            `json:"versionHash"`
}

// actionNames are the actions people take through the pages and the API,
// in the order the pages list them. Tick is the scheduler's; Submit is
// the offering's submit route.
var actionNames = []string{
	"completeness_decision", "request_clarification", "clarify", "assign_reviewers", "declare_conflict",
	"replace_reviewer", "submit_review", "confirm_duplication", "respond_to_consultation", "close_review",
	"cast_ballot", "close_vote", "schedule_meeting", "record_minutes", "file_appeal", "allow_appeal",
	"refuse_appeal", "sign", "decline_to_sign", "recommend", "record_decision", "resubmit", "withdraw",
}

// build returns the approval action named name with the input's
// parameters.
func (in actionInput) build(name string) (approval.Action, error) {
	switch name {
	case "completeness_decision":
		return approval.CompletenessDecision{Complete: in.Complete, Feedback: in.Feedback}, nil
	case "request_clarification":
		return approval.RequestClarification{Question: in.Question}, nil
	case "clarify":
		return approval.Clarify{Answer: in.Answer}, nil
	case "assign_reviewers":
		return approval.AssignReviewers{Reviewers: in.Reviewers}, nil
	case "declare_conflict":
		return approval.DeclareConflict{Reason: in.Reason}, nil
	case "replace_reviewer":
		return approval.ReplaceReviewer{Reviewer: in.Reviewer, Replacement: in.Replacement}, nil
	case "submit_review":
		return approval.SubmitReview{Answers: in.Answers, Comment: in.Comment}, nil
	case "confirm_duplication":
		return approval.ConfirmDuplication{Question: in.Question, ExistingOffering: in.ExistingOffering, Consultee: in.Consultee}, nil
	case "respond_to_consultation":
		return approval.RespondToConsultation{Consultation: in.Consultation, Response: in.Response}, nil
	case "close_review":
		return approval.CloseReview{}, nil
	case "cast_ballot":
		return approval.CastBallot{Approve: in.Approve, Comment: in.Comment}, nil
	case "close_vote":
		return approval.CloseVote{}, nil
	case "schedule_meeting":
		if in.At.IsZero() {
			return nil, apperror.Field("at", "give the date and time of the meeting")
		}
		return approval.ScheduleMeeting{At: in.At, Place: in.Place}, nil
	case "record_minutes":
		return approval.RecordMinutes{Minutes: in.Minutes, Attendees: in.Attendees}, nil
	case "file_appeal":
		return approval.FileAppeal{Grounds: in.Grounds}, nil
	case "allow_appeal":
		return approval.AllowAppeal{Note: in.Note}, nil
	case "refuse_appeal":
		return approval.RefuseAppeal{Reason: in.Reason}, nil
	case "sign":
		return approval.Sign{Role: in.Role, VersionHash: in.VersionHash}, nil
	case "decline_to_sign":
		return approval.DeclineToSign{Reason: in.Reason}, nil
	case "recommend":
		return approval.Recommend{Recommend: in.Approve, Note: in.Note}, nil
	case "record_decision":
		return approval.RecordDecision{Approved: in.Approve, Note: in.Note}, nil
	case "resubmit":
		return approval.Resubmit{Note: in.Note}, nil
	case "withdraw":
		return approval.Withdraw{Reason: in.Reason}, nil
	}
	return nil, apperror.New(apperror.NotFound, "there is no action %q", truncate(name, 64))
}

// Bounds on a form or JSON action.
const (
	maxFormValues = 400
	maxIDs        = 500
)

// readActionForm reads an action's parameters from an HTML form. Lists
// are repeated fields (reviewers, attendees); answers are
// answer.QUESTION and note.QUESTION pairs; booleans are "yes"/"no".
func readActionForm(r *http.Request) (actionInput, error) {
	var in actionInput
	if err := r.ParseForm(); err != nil {
		return in, formError(err)
	}
	f := r.PostForm
	if len(f) > maxFormValues {
		return in, apperror.New(apperror.Invalid, "the form has too many fields")
	}
	yes := func(k string) bool { v := f.Get(k); return v == "yes" || v == "true" || v == "on" }
	in.Complete, in.Approve = yes("complete"), yes("approve")
	in.Feedback, in.Question, in.Answer = f.Get("feedback"), f.Get("question"), f.Get("answer")
	in.Reason, in.Comment, in.Response = f.Get("reason"), f.Get("comment"), f.Get("response")
	in.Place, in.Minutes, in.Grounds, in.Note = f.Get("place"), f.Get("minutes"), f.Get("grounds"), f.Get("note")
	in.Role, in.VersionHash = f.Get("role"), f.Get("version_hash")
	var err error
	if in.Reviewers, err = ids(f, "reviewers"); err != nil {
		return in, err
	}
	if in.Attendees, err = ids(f, "attendees"); err != nil {
		return in, err
	}
	for _, k := range []struct {
		name string
		dst  *int64
	}{{"reviewer", &in.Reviewer}, {"replacement", &in.Replacement}, {"existing_offering", &in.ExistingOffering}, {"consultee", &in.Consultee}} {
		if v := f.Get(k.name); v != "" {
			if *k.dst, err = strconv.ParseInt(v, 10, 64); err != nil {
				return in, apperror.Field(k.name, "is not a number")
			}
		}
	}
	if v := f.Get("consultation"); v != "" {
		if in.Consultation, err = strconv.Atoi(v); err != nil {
			return in, apperror.Field("consultation", "is not a number")
		}
	}
	if v := f.Get("at"); v != "" {
		// A datetime-local input sends local time without a zone; it is
		// read as UTC, which the page says.
		t, err := time.Parse("2006-01-02T15:04", v)
		if err != nil {
			if t, err = time.Parse(time.RFC3339, v); err != nil {
				return in, apperror.Field("at", "is not a date and time")
			}
		}
		in.At = t.UTC()
	}
	for k := range f {
		q, ok := strings.CutPrefix(k, "answer.")
		if !ok {
			continue
		}
		if value, note := f.Get(k), f.Get("note."+q); value != "" || note != "" {
			in.Answers = append(in.Answers, approval.Answer{Question: q, Value: value, Comment: note})
		}
	}
	sortAnswers(in.Answers)
	return in, nil
}

func sortAnswers(as []approval.Answer) {
	for i := 1; i < len(as); i++ {
		for j := i; j > 0 && as[j].Question < as[j-1].Question; j-- {
			as[j], as[j-1] = as[j-1], as[j]
		}
	}
}

func ids(f url.Values, key string) ([]int64, error) {
	vs := f[key]
	if len(vs) > maxIDs {
		return nil, apperror.Field(key, "names more than %d people", maxIDs)
	}
	var out []int64
	for _, v := range vs {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, apperror.Field(key, "is not a list of people")
		}
		out = append(out, id)
	}
	return out, nil
}

// readJSON decodes a JSON request body into v, refusing unknown fields
// and trailing data, so that a typo is an error rather than ignored.
func readJSON(r *http.Request, v any) error {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "" && ct != "application/json" {
		return apperror.New(apperror.Invalid, "send the body as application/json")
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return err
		}
		if errors.Is(err, io.EOF) {
			return apperror.New(apperror.Invalid, "the request body is empty: send a JSON object")
		}
		return apperror.New(apperror.Invalid, "the body is not the JSON expected: %s", truncate(err.Error(), 200))
	}
	if dec.More() {
		return apperror.New(apperror.Invalid, "the body has data after the JSON object")
	}
	return nil
}
