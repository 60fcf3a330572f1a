package approval

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
)

// ApprovedOffering is an offering's approval, as reports list it.
type ApprovedOffering struct {
	OfferingID int64
	CaseID     int64
	Title      string
	Kind       catalog.Kind
	Version    int
	Hash       string
	ApprovedAt time.Time
}

// BadgeReport is the regular report a role (the Provost) sends a committee
// (SSCC) of the offerings of the profile's kinds (digital badges) approved
// since the committee's last meeting.
type BadgeReport struct {
	// From is the role that sends it, To the committee it goes to.
	From, To string
	// Since is the committee's last meeting; zero when it has not met, in
	// which case every approval is listed.
	Since  time.Time
	At     time.Time
	Items  []ApprovedOffering
	Clause string
}

// BadgeReport composes the report at now from the institution's
// approvals: those of the report's kinds approved after since and not
// after now, oldest first. It is NotFound when the profile has no badge
// report.
func (e *Engine) BadgeReport(approved []ApprovedOffering, since, now time.Time) (BadgeReport, error) {
	br := e.profile.Processes.BadgeReport
	if br == nil {
		return BadgeReport{}, apperror.New(apperror.NotFound, "profile %s has no badge report", e.profile.ID)
	}
	rep := BadgeReport{From: br.From, To: br.To, Since: since, At: now, Clause: br.Clause}
	for _, a := range approved {
		if (len(br.Kinds) > 0 && !slices.Contains(br.Kinds, a.Kind)) || !a.ApprovedAt.After(since) || a.ApprovedAt.After(now) {
			continue
		}
		rep.Items = append(rep.Items, a)
	}
	slices.SortFunc(rep.Items, func(a, b ApprovedOffering) int {
		return cmp.Or(a.ApprovedAt.Compare(b.ApprovedAt), cmp.Compare(a.OfferingID, b.OfferingID))
	})
	return rep, nil
}

// SendBadgeReport checks that by holds the report's sending role and
// returns the event recording the report, with a notice to every member of
// the receiving committee.
func (e *Engine) SendBadgeReport(rep BadgeReport, r *Roster, by int64) (Event, error) {
	if !r.Holds(by, rep.From) {
		return Event{}, apperror.New(apperror.Forbidden, "only the %s sends this report (%s)", roleName(e, rep.From), rep.Clause)
	}
	var b strings.Builder
	since := "ever"
	if !rep.Since.IsZero() {
		since = "since " + e.cal.DateOf(rep.Since).String()
	}
	fmt.Fprintf(&b, "Digital badges approved %s (%s):\n", since, rep.Clause)
	var items []map[string]any
	for _, it := range rep.Items {
		fmt.Fprintf(&b, "- %s (version %d, approved %s)\n", it.Title, it.Version, e.cal.DateOf(it.ApprovedAt))
		items = append(items, map[string]any{"offering": it.OfferingID, "case": it.CaseID, "title": it.Title, "version": it.Version, "hash": it.Hash})
	}
	if len(rep.Items) == 0 {
		b.WriteString("None.\n")
	}
	x := &run{e: e, p: e.profile, c: &Case{}, r: r, by: by, now: rep.At}
	members := r.Members(rep.To)
	if chair, ok := r.Chair(rep.To); ok && !slices.Contains(members, chair) {
		members = append(members, chair)
	}
	ev := Event{
		Action: "report.badges_sent", At: rep.At, By: by,
		Data:    map[string]any{"to": rep.To, "since": rep.Since, "items": items, "clause": rep.Clause},
		Notices: x.notify(members, "badge_report", fmt.Sprintf("Report to %s: digital badges approved", committeeName(e, rep.To)), b.String()),
	}
	return ev, nil
}

func roleName(e *Engine, id string) string {
	if r, ok := e.profile.Role(id); ok {
		return r.Name
	}
	return id
}

func committeeName(e *Engine, id string) string {
	if c, ok := e.profile.Committee(id); ok {
		return c.Name
	}
	return id
}
