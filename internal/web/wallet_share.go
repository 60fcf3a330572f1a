package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"cairn/internal/apperror"
	"cairn/internal/award"
	"cairn/internal/ob"
	"cairn/internal/sqlstore"
)

// Sharing: an award is private until its learner makes a public link,
// /c/{public id}, which shows the award to anyone with the link (and
// serves its credential at /c/{public id}.json) until the learner
// withdraws it; a withdrawn link answers 410 Gone. The wallet also builds
// LinkedIn's "Add to profile" link from the public one.

// linkedInAdd is LinkedIn's "add a certification to your profile" address.
const linkedInAdd = "https://www.linkedin.com/profile/add"

// linkedInURL is the LinkedIn "Add to profile" link of an award shared at
// publicURL.
func linkedInURL(e walletEntry, publicURL string) string {
	q := url.Values{}
	q.Set("startTask", "CERTIFICATION_NAME")
	q.Set("name", e.Title)
	q.Set("organizationName", e.Issuer)
	q.Set("issueYear", strconv.Itoa(e.Issued.UTC().Year()))
	q.Set("issueMonth", strconv.Itoa(int(e.Issued.UTC().Month())))
	if !e.ValidUntil.IsZero() {
		q.Set("expirationYear", strconv.Itoa(e.ValidUntil.UTC().Year()))
		q.Set("expirationMonth", strconv.Itoa(int(e.ValidUntil.UTC().Month())))
	}
	q.Set("certUrl", publicURL)
	q.Set("certId", e.CredentialID)
	// Spaces as %20 rather than '+', which not every reader takes for a
	// space; Encode writes a real '+' as %2B.
	return linkedInAdd + "?" + strings.ReplaceAll(q.Encode(), "+", "%20")
}

// shareAward makes the actor's public link to their award id; a revoked
// award cannot be shared (Conflict).
func (s *Server) shareAward(ctx context.Context, a *actor, id int64) (sqlstore.Share, error) {
	aw, err := s.walletAward(ctx, a, id)
	if err != nil {
		return sqlstore.Share{}, err
	}
	if aw.Status == award.Revoked {
		return sqlstore.Share{}, apperror.New(apperror.Conflict, "a revoked award cannot be shared")
	}
	sh, _, err := s.store.ShareAward(ctx, aw.ID, a.person.ID)
	return sh, err
}

// withdrawShare withdraws the actor's public links to their award id.
func (s *Server) withdrawShare(ctx context.Context, a *actor, id int64) error {
	aw, err := s.walletAward(ctx, a, id)
	if err != nil {
		return err
	}
	_, err = s.store.WithdrawShare(ctx, aw.ID, a.person.ID)
	return err
}

func (s *Server) walletSharePage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.shareAward(r.Context(), actorOf(r.Context()), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/wallet/awards/"+strconv.FormatInt(id, 10)+"?done=shared", http.StatusSeeOther)
	return nil
}

func (s *Server) walletWithdrawPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.withdrawShare(r.Context(), actorOf(r.Context()), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/wallet/awards/"+strconv.FormatInt(id, 10)+"?done=withdrawn", http.StatusSeeOther)
	return nil
}

// publicView is a shared award's public page.
type publicView struct {
	walletEntry
	Learner     string
	Description string
	Achievement ob.Achievement
	Kind        string
	Credits     string
	// Verifiable is what the verify button sends to /verify: the JSON
	// with its proof, else the JWT.
	Verifiable string
	JSONURL    string
	Credential string
}

// errLinkGone answers a withdrawn public link.
var errLinkGone = statusError{http.StatusGone, "Its holder has withdrawn this link: the award is no longer shared here."}

// publicAward serves a shared award: its page at /c/{id}, its credential
// at /c/{id}.json.
func (s *Server) publicAward(w http.ResponseWriter, r *http.Request) error {
	pid, asJSON := strings.CutSuffix(r.PathValue("public"), ".json")
	if !sqlstore.ValidPublicID(pid) {
		return errNothingHere
	}
	sh, aw, err := s.store.ShareByPublicID(r.Context(), pid)
	if apperror.CodeOf(err) == apperror.NotFound {
		return errNothingHere
	}
	if err != nil {
		return err
	}
	if !sh.Active() {
		return errLinkGone
	}
	w.Header().Set("X-Robots-Tag", "noindex")
	if asJSON {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Content-Type", "application/vc+ld+json")
		w.Write(aw.Credential)
		return nil
	}
	c := credentialOf(aw)
	v := publicView{walletEntry: s.walletEntry(r, aw, c, map[int64]sqlstore.Share{aw.ID: sh}), Description: c.Description,
		Achievement: c.CredentialSubject.Achievement, Kind: achievementKind(c.CredentialSubject.Achievement.AchievementType),
		Credits: c.CredentialSubject.CreditsEarned.String(), Verifiable: string(bakeable(aw)), JSONURL: "/c/" + pid + ".json"}
	if p, err := s.store.Person(r.Context(), sh.PersonID); err == nil {
		v.Learner = p.Name
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, aw.Credential, "", "  ") == nil {
		v.Credential = pretty.String()
	}
	s.render(w, r, http.StatusOK, "wallet_public", v.Title, v)
	return nil
}
