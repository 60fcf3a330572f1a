package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"cairn/internal/apperror"
)

// achievementRedirect is GET /achievements/{id}/{version}: the id every
// award gives its Achievement (BASE/achievements/OFFERING/vN). It sends
// the reader to the offering's published Achievement in the registry,
// which is where endorsements point too, so that the id of an award's
// achievement resolves for as long as the offering is published.
func (s *Server) achievementRedirect(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v := r.PathValue("version")
	if n, err := strconv.Atoi(strings.TrimPrefix(v, "v")); !strings.HasPrefix(v, "v") || err != nil || n < 1 {
		return apperror.New(apperror.NotFound, "there is no achievement version %q", v)
	}
	inst, off, err := s.store.RegistrySlug(r.Context(), id)
	var ae *apperror.Error
	if errors.As(err, &ae) && ae.Code == apperror.NotFound {
		return apperror.New(apperror.NotFound, "this achievement is not published in the registry")
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/registry/"+url.PathEscape(inst)+"/"+url.PathEscape(off)+"/achievement.json", http.StatusFound)
	return nil
}
