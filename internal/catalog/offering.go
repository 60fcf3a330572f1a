package catalog

import (
	"time"

	"cairn/internal/apperror"
)

// Offering is a micro-credential, digital badge, micro course or short
// course as the institution holds it: a working draft of its outline form,
// the versions submitted for approval, and which of them is approved.
type Offering struct {
	ID            string
	InstitutionID string
	// UnitID is the org unit (faculty, department, program area) that owns
	// and offers it.
	UnitID string
	Status Status
	// Draft is the proponent's working copy; it is not what gets approved.
	Draft Form
	// Versions are the submitted versions, oldest first, numbered from 1.
	Versions []Version
	// ApprovedVersion is the number of the approved version, 0 for none.
	ApprovedVersion int
}

// Submit freezes the draft as the next version and moves the offering into
// review. It is refused (Conflict) unless the offering is a draft or under
// review, and (Invalid) when the draft holds malformed values.
func (o *Offering) Submit(at time.Time) (Version, error) {
	if !CanTransition(o.Status, InReview) {
		return Version{}, apperror.New(apperror.Conflict, "an offering in status %s cannot be submitted", o.Status)
	}
	v, err := NewVersion(len(o.Versions)+1, o.Draft, at)
	if err != nil {
		return Version{}, err
	}
	if err := o.Transition(InReview); err != nil {
		return Version{}, err
	}
	o.Versions = append(o.Versions, v)
	return v, nil
}

// Latest returns the most recently submitted version.
func (o *Offering) Latest() (Version, bool) {
	if len(o.Versions) == 0 {
		return Version{}, false
	}
	return o.Versions[len(o.Versions)-1], true
}

// Version returns the submitted version numbered n.
func (o *Offering) Version(n int) (Version, bool) {
	for _, v := range o.Versions {
		if v.Number() == n {
			return v, true
		}
	}
	return Version{}, false
}

// Current returns the form that best describes the offering today: the
// approved version's, else the latest submitted one's, else the draft.
func (o *Offering) Current() Form {
	if v, ok := o.Version(o.ApprovedVersion); ok && o.ApprovedVersion > 0 {
		return v.Form()
	}
	if v, ok := o.Latest(); ok {
		return v.Form()
	}
	return o.Draft.Clone()
}

// Kind returns the kind of offering, as its current form states it.
func (o *Offering) Kind() Kind { return o.Current().Kind }
