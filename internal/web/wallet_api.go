package web

import (
	"net/http"
	"strconv"
	"time"

	"cairn/internal/ob"
)

// The wallet's JSON API, under /api/v1/wallet: what the wallet pages do,
// for the signed-in learner (by session cookie, or an API token with the
// credentials:read scope).

// walletJSON is GET /api/v1/wallet.
type walletJSON struct {
	Name    string        `json:"name"`
	Email   string        `json:"email"`
	Awards  []walletEntry `json:"awards"`
	Imports []importEntry `json:"imports"`
}

func (s *Server) apiWallet(w http.ResponseWriter, r *http.Request) error {
	v, err := s.walletView(r, actorOf(r.Context()))
	if err != nil {
		return err
	}
	out := walletJSON{Name: v.Name, Email: v.Email, Awards: v.Awards, Imports: v.Imports}
	if out.Awards == nil {
		out.Awards = []walletEntry{}
	}
	if out.Imports == nil {
		out.Imports = []importEntry{}
	}
	return writeJSON(w, http.StatusOK, out)
}

// walletAwardJSON is one award of the wallet API.
type walletAwardJSON struct {
	walletEntry
	Achievement ob.Achievement    `json:"achievement"`
	Results     []ob.Result       `json:"result"`
	Evidence    []ob.Evidence     `json:"evidence"`
	Credits     string            `json:"creditsEarned,omitempty"`
	LinkedIn    string            `json:"linkedInUrl,omitempty"`
	Downloads   map[string]string `json:"downloads"`
	Verified    bool              `json:"verified"`
	Checks      []checkJSON       `json:"checks"`
	Credential  any               `json:"credential"`
}

type checkJSON struct {
	Label   string `json:"label"`
	Outcome string `json:"outcome"`
	Detail  string `json:"detail,omitempty"`
}

func (s *Server) apiWalletAward(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.walletAwardView(r, actorOf(r.Context()), id)
	if err != nil {
		return err
	}
	aw, err := s.walletAward(r.Context(), actorOf(r.Context()), id)
	if err != nil {
		return err
	}
	out := walletAwardJSON{walletEntry: v.walletEntry, Achievement: v.Achievement, Results: v.Results, Evidence: v.Evidence,
		Credits: v.Credits, LinkedIn: v.LinkedIn, Verified: v.Report.Verified, Credential: aw.Credential, Checks: []checkJSON{}}
	base := s.publicBase(r) + v.DownloadBase + "/"
	out.Downloads = map[string]string{"json": base + "credential.json", "png": base + "badge.png", "svg": base + "badge.svg",
		"pdf": base + "certificate.pdf"}
	if v.HasJWT {
		out.Downloads["jwt"] = base + "credential.jwt"
	}
	for _, c := range v.Report.Checks {
		out.Checks = append(out.Checks, checkJSON{Label: c.Label, Outcome: c.Outcome, Detail: c.Detail})
	}
	return writeJSON(w, http.StatusOK, out)
}

// shareJSON is a public link of the wallet API.
type shareJSON struct {
	URL      string    `json:"url"`
	JSONURL  string    `json:"jsonUrl"`
	LinkedIn string    `json:"linkedInUrl"`
	Created  time.Time `json:"createdAt"`
}

func (s *Server) apiWalletShare(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a := actorOf(r.Context())
	sh, err := s.shareAward(r.Context(), a, id)
	if err != nil {
		return err
	}
	aw, err := s.walletAward(r.Context(), a, id)
	if err != nil {
		return err
	}
	pub := s.publicBase(r) + "/c/" + sh.PublicID
	e := s.walletEntry(r, aw, credentialOf(aw), nil)
	return writeJSON(w, http.StatusOK, shareJSON{URL: pub, JSONURL: pub + ".json", LinkedIn: linkedInURL(e, pub), Created: sh.CreatedAt})
}

func (s *Server) apiWalletWithdraw(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.withdrawShare(r.Context(), actorOf(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiWalletExport(w http.ResponseWriter, r *http.Request) error {
	return s.walletExport(w, r)
}

func (s *Server) apiWalletImport(w http.ResponseWriter, r *http.Request) error {
	data, err := readUpload(r)
	if err != nil {
		return err
	}
	im, err := s.importCredential(r.Context(), actorOf(r.Context()), data)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/wallet")
	return writeJSON(w, http.StatusCreated, importEntryOf(im))
}

func (s *Server) apiWalletDeleteImport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.store.DeleteImport(r.Context(), actorOf(r.Context()).person.ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// apiWalletSignIn asks for a sign-in link by email, answering 202 the same
// way whether or not the address is known.
func (s *Server) apiWalletSignIn(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Email string `json:"email"`
	}
	if err := readJSON(r, &body); err != nil {
		return err
	}
	if err := s.sendWalletLink(r.Context(), r, body.Email); err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, map[string]string{"message": walletSignInSent})
}

// walletDownloadAPI serves a download under the API prefix too.
func (s *Server) apiWalletDownload(w http.ResponseWriter, r *http.Request) error {
	if _, err := strconv.ParseInt(r.PathValue("id"), 10, 64); err != nil {
		return errNothingHere
	}
	return s.walletDownload(w, r)
}
