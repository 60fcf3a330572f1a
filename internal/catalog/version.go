package catalog

import (
	"encoding/json"
	"fmt"
	"time"

	"cairn/internal/apperror"
)

// Version is one submitted version of an outline form. It is immutable:
// its fields are unexported, Form returns a copy, and its Hash is computed
// when it is made, so a signature bound to the hash names exactly this
// version.
type Version struct {
	number      int
	form        Form
	submittedAt time.Time
	hash        string
}

// NewVersion freezes a copy of f as version number n, submitted at at. It
// refuses (Invalid) a number below 1 or a form holding malformed values.
func NewVersion(n int, f Form, at time.Time) (Version, error) {
	if n < 1 {
		return Version{}, apperror.New(apperror.Invalid, "version numbers start at 1, not %d", n)
	}
	if errs := f.Check(); len(errs) > 0 {
		return Version{}, errs[0]
	}
	frozen := f.normalized()
	return Version{number: n, form: frozen, submittedAt: at.UTC(), hash: frozen.Hash()}, nil
}

// RestoreVersion rebuilds a stored version, refusing (Conflict) one whose
// form no longer matches its recorded hash.
func RestoreVersion(n int, f Form, at time.Time, hash string) (Version, error) {
	v, err := NewVersion(n, f, at)
	if err != nil {
		return Version{}, err
	}
	if v.hash != hash {
		return Version{}, apperror.New(apperror.Conflict, "version %d does not match its recorded hash", n)
	}
	return v, nil
}

// Number is the version's number, counting from 1.
func (v Version) Number() int { return v.number }

// Form returns a copy of the version's form.
func (v Version) Form() Form { return v.form.Clone() }

// SubmittedAt is when the version was submitted, in UTC.
func (v Version) SubmittedAt() time.Time { return v.submittedAt }

// Hash is the SHA-256 (lowercase hex) of the form's canonical JSON.
func (v Version) Hash() string { return v.hash }

// IsZero reports whether v is the zero Version (no version).
func (v Version) IsZero() bool { return v.number == 0 }

type versionJSON struct {
	Number      int       `json:"number"`
	SubmittedAt time.Time `json:"submitted_at"`
	Hash        string    `json:"hash"`
	Form        Form      `json:"form"`
}

// MarshalJSON encodes v with its number, submission time, hash and form.
func (v Version) MarshalJSON() ([]byte, error) {
	return json.Marshal(versionJSON{Number: v.number, SubmittedAt: v.submittedAt, Hash: v.hash, Form: v.form})
}

// UnmarshalJSON decodes a version written by MarshalJSON, checking the hash
// against the form. It refuses to overwrite a version that is already set.
func (v *Version) UnmarshalJSON(data []byte) error {
	if !v.IsZero() {
		return apperror.New(apperror.Conflict, "version %d is immutable", v.number)
	}
	var j versionJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return fmt.Errorf("decode version: %w", err)
	}
	got, err := RestoreVersion(j.Number, j.Form, j.SubmittedAt, j.Hash)
	if err != nil {
		return fmt.Errorf("decode version: %w", err)
	}
	*v = got
	return nil
}
