package approval_test

import (
	"strings"
	"testing"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/approval"
	"cairn/internal/catalog"
)

// Every illegal move is refused with a clear error and leaves the case as
// it was.
func TestIllegalMovesAreRefused(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, pacific(t))
	atVote := func(t *testing.T) *world {
		w := newWorld(t, "kpu-ac15", kpuRoster(), start)
		w.submit(nonCreditForm(), "faculty")
		w.throughReview()
		return w
	}
	atSignChair := func(t *testing.T) *world {
		w := atVote(t)
		w.vote(true, true, true)
		w.atStep("sign_chair", approval.StatusOpen)
		return w
	}
	tests := []struct {
		name string
		code apperror.Code
		// want is a phrase the message must contain.
		want string
		run  func(t *testing.T) (*world, int64, approval.Action)
	}{
		{"a member who was not assigned votes", apperror.Forbidden, "assigned to review", func(t *testing.T) (*world, int64, approval.Action) {
			return atVote(t), smc4, approval.CastBallot{Approve: true}
		}},
		{"the chair votes with the reviewers", apperror.Forbidden, "assigned to review", func(t *testing.T) (*world, int64, approval.Action) {
			return atVote(t), smcChair, approval.CastBallot{Approve: true}
		}},
		{"a reviewer votes twice", apperror.Conflict, "already voted", func(t *testing.T) (*world, int64, approval.Action) {
			w := atVote(t)
			w.do(rev1, approval.CastBallot{Approve: true})
			return w, rev1, approval.CastBallot{Approve: false}
		}},
		{"the proponent votes on their own proposal", apperror.Forbidden, "proponent cannot vote", func(t *testing.T) (*world, int64, approval.Action) {
			return atVote(t), proponent, approval.CastBallot{Approve: true}
		}},
		{"the proponent reviews their own proposal", apperror.Forbidden, "proponent cannot review", func(t *testing.T) (*world, int64, approval.Action) {
			w := newWorld(t, "kpu-ac15", kpuRoster(), start)
			w.submit(nonCreditForm(), "faculty")
			w.do(smcChair, approval.CompletenessDecision{Complete: true})
			w.do(smcChair, approval.AssignReviewers{Reviewers: []int64{rev1, rev2, rev3}})
			return w, coProponent, approval.SubmitReview{Answers: kpuAnswers(false)}
		}},
		{"the chair assigns the proponent to review", apperror.Forbidden, "proponent cannot review", func(t *testing.T) (*world, int64, approval.Action) {
			r := kpuRoster()
			seats := r.Committees["smc"]
			seats.Members = append(seats.Members, proponent)
			r.Committees["smc"] = seats
			w := newWorld(t, "kpu-ac15", r, start)
			w.submit(nonCreditForm(), "faculty")
			w.do(smcChair, approval.CompletenessDecision{Complete: true})
			return w, smcChair, approval.AssignReviewers{Reviewers: []int64{rev1, rev2, proponent}}
		}},
		{"a chair who is the proponent checks their own proposal", apperror.Forbidden, "proponent cannot check", func(t *testing.T) (*world, int64, approval.Action) {
			w := newWorld(t, "kpu-ac15", kpuRoster(), start)
			w.do(smcChair, approval.Submit{Version: w.version(nonCreditForm()), OfferingID: 500, UnitID: arts, UnitCategory: "faculty"})
			return w, smcChair, approval.CompletenessDecision{Complete: true}
		}},
		{"a Provost who is the proponent signs their own proposal", apperror.Forbidden, "proponent cannot sign", func(t *testing.T) (*world, int64, approval.Action) {
			w := newWorld(t, "kpu-ac15", kpuRoster(), start)
			w.do(provost, approval.Submit{Version: w.version(nonCreditForm()), OfferingID: 500, UnitID: arts, UnitCategory: "faculty"})
			w.throughReview()
			w.vote(true, true, true)
			w.do(smcChair, approval.Sign{VersionHash: w.c.Current().Hash})
			return w, provost, approval.Sign{VersionHash: w.c.Current().Hash}
		}},
		{"the chair signs before the vote", apperror.Conflict, "cannot sign now", func(t *testing.T) (*world, int64, approval.Action) {
			w := atVote(t)
			return w, smcChair, approval.Sign{Role: "chair:smc", VersionHash: w.c.Current().Hash}
		}},
		{"the chair signs after two of three approvals", apperror.Conflict, "cannot sign now", func(t *testing.T) (*world, int64, approval.Action) {
			w := atVote(t)
			w.vote(true, true)
			return w, smcChair, approval.Sign{VersionHash: w.c.Current().Hash}
		}},
		{"the Provost signs before the chair", apperror.Conflict, "after the chair of Senate Micro-credential Committee (SMC) has signed", func(t *testing.T) (*world, int64, approval.Action) {
			w := atSignChair(t)
			return w, provost, approval.Sign{Role: "provost", VersionHash: w.c.Current().Hash}
		}},
		{"the Provost signs before the chair, naming no role", apperror.Conflict, "after", func(t *testing.T) (*world, int64, approval.Action) {
			w := atSignChair(t)
			return w, provost, approval.Sign{VersionHash: w.c.Current().Hash}
		}},
		{"the chair signs a hash that is not the current version's", apperror.Conflict, "version hash", func(t *testing.T) (*world, int64, approval.Action) {
			w := atSignChair(t)
			f := nonCreditForm()
			f.Title = "Edited after the vote"
			return w, smcChair, approval.Sign{VersionHash: f.Hash()}
		}},
		{"someone signs in a role the step is not signed in", apperror.Forbidden, "is signed by", func(t *testing.T) (*world, int64, approval.Action) {
			w := atSignChair(t)
			return w, smcChair, approval.Sign{Role: "president", VersionHash: w.c.Current().Hash}
		}},
		{"a member who is not the chair signs", apperror.Forbidden, "only the chair", func(t *testing.T) (*world, int64, approval.Action) {
			w := atSignChair(t)
			return w, rev1, approval.Sign{VersionHash: w.c.Current().Hash}
		}},
		{"a reviewer closes the review", apperror.Forbidden, "only the chair", func(t *testing.T) (*world, int64, approval.Action) {
			w := newWorld(t, "kpu-ac15", kpuRoster(), start)
			w.submit(nonCreditForm(), "faculty")
			w.do(smcChair, approval.CompletenessDecision{Complete: true})
			return w, rev1, approval.CloseReview{}
		}},
		{"the proponent closes the vote", apperror.Forbidden, "proponent", func(t *testing.T) (*world, int64, approval.Action) {
			return atVote(t), proponent, approval.CloseVote{}
		}},
		{"an action on a case never submitted", apperror.Conflict, "not been submitted", func(t *testing.T) (*world, int64, approval.Action) {
			return newWorld(t, "kpu-ac15", kpuRoster(), start), smcChair, approval.CompletenessDecision{Complete: true}
		}},
		{"a second submission", apperror.Conflict, "already submitted", func(t *testing.T) (*world, int64, approval.Action) {
			w := newWorld(t, "kpu-ac15", kpuRoster(), start)
			w.submit(nonCreditForm(), "faculty")
			return w, proponent, approval.Submit{Version: w.version(nonCreditForm())}
		}},
		{"a submission by someone not a proponent", apperror.Forbidden, "only a proponent", func(t *testing.T) (*world, int64, approval.Action) {
			w := newWorld(t, "kpu-ac15", kpuRoster(), start)
			return w, smcChair, approval.Submit{Version: w.version(nonCreditForm()), Proponents: []int64{proponent}}
		}},
		{"a micro-credential without competencies", apperror.Invalid, "competencies", func(t *testing.T) (*world, int64, approval.Action) {
			w := newWorld(t, "kpu-ac15", kpuRoster(), start)
			f := nonCreditForm()
			f.Competencies = nil
			return w, proponent, approval.Submit{Version: w.version(f)}
		}},
		{"a micro course, which AC14 governs", apperror.Invalid, "AC14", func(t *testing.T) (*world, int64, approval.Action) {
			w := newWorld(t, "kpu-ac15", kpuRoster(), start)
			f := nonCreditForm()
			f.Kind, f.CreditStatus, f.Credits = catalog.MicroCourse, catalog.CreditBearing, 1
			return w, proponent, approval.Submit{Version: w.version(f)}
		}},
		{"a resubmission while the case is in review", apperror.Conflict, "cannot resubmit", func(t *testing.T) (*world, int64, approval.Action) {
			w := atVote(t)
			return w, proponent, approval.Resubmit{Version: w.version(nonCreditForm())}
		}},
		{"a resubmission of an older version", apperror.Invalid, "not newer", func(t *testing.T) (*world, int64, approval.Action) {
			w := newWorld(t, "kpu-ac15", kpuRoster(), start)
			w.submit(nonCreditForm(), "faculty")
			w.do(smcChair, approval.CompletenessDecision{Complete: false, Feedback: "More detail."})
			w.nextV = 0
			return w, proponent, approval.Resubmit{Version: w.version(nonCreditForm())}
		}},
		{"a review comment over the size limit", apperror.Invalid, "at most", func(t *testing.T) (*world, int64, approval.Action) {
			w := newWorld(t, "kpu-ac15", kpuRoster(), start)
			w.submit(nonCreditForm(), "faculty")
			w.do(smcChair, approval.CompletenessDecision{Complete: true})
			w.do(smcChair, approval.AssignReviewers{Reviewers: []int64{rev1, rev2, rev3}})
			return w, rev1, approval.SubmitReview{Answers: kpuAnswers(false), Comment: strings.Repeat("x", approval.MaxNoteBytes+1)}
		}},
		{"too many reviewers at once", apperror.Invalid, "at most", func(t *testing.T) (*world, int64, approval.Action) {
			w := newWorld(t, "kpu-ac15", kpuRoster(), start)
			w.submit(nonCreditForm(), "faculty")
			w.do(smcChair, approval.CompletenessDecision{Complete: true})
			return w, smcChair, approval.AssignReviewers{Reviewers: make([]int64, approval.MaxReviewers+1)}
		}},
		{"a ballot after the case is approved", apperror.Conflict, "approved", func(t *testing.T) (*world, int64, approval.Action) {
			w := atSignChair(t)
			w.do(smcChair, approval.Sign{VersionHash: w.c.Current().Hash})
			w.do(provost, approval.Sign{VersionHash: w.c.Current().Hash})
			return w, rev1, approval.CastBallot{Approve: true}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, by, a := tc.run(t)
			err := w.refuse(by, a, tc.code)
			if !strings.Contains(apperror.MessageOf(err), tc.want) {
				t.Errorf("message %q does not say %q", apperror.MessageOf(err), tc.want)
			}
		})
	}
}

func TestCloseVoteCountsMissingBallotsAsNotApproving(t *testing.T) {
	w := newWorld(t, "kpu-ac15", kpuRoster(), time.Date(2026, 3, 2, 9, 0, 0, 0, pacific(t)))
	w.submit(nonCreditForm(), "faculty")
	w.throughReview()
	w.vote(true, true)
	w.refuse(rev1, approval.CloseVote{}, apperror.Forbidden)
	w.do(smcChair, approval.CloseVote{})
	w.atStep("meeting", approval.StatusOpen)
}
