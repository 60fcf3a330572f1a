package demo

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"cairn/internal/approval"
	"cairn/internal/catalog"
)

// FileName is the name of the file WriteFile writes in the data folder.
const FileName = "demo.json"

// Summary is what Populate made: the sign-ins to try, the institutions,
// every demo offering with where its case stands, and counts. It marshals
// to JSON as cairn demo writes it to DATA/demo.json; the same Options.Now
// on an empty store gives the same Summary.
type Summary struct {
	// Now is the demo's present, Options.Now.
	Now          time.Time         `json:"now"`
	Institutions []InstitutionInfo `json:"institutions"`
	// SignIns lists every demo person, institution by institution.
	SignIns   []SignIn       `json:"sign_ins"`
	Offerings []OfferingInfo `json:"offerings"`
	// CaseSteps counts the approval cases by institution, track, step and
	// status.
	CaseSteps []StepCount `json:"case_steps"`
	// OfferingStatuses counts the offerings by status.
	OfferingStatuses map[catalog.Status]int `json:"offering_statuses"`
	// Awards are what Options.Awards issued; empty without the hook.
	Awards []AwardInfo `json:"awards,omitempty"`
	// APIToken is an API token with issuing rights and IssuerDID the
	// did:key it issues as. Populate leaves both empty; cairn demo fills
	// them in before writing the file.
	APIToken  string `json:"api_token,omitempty"`
	IssuerDID string `json:"issuer_did,omitempty"`
}

// InstitutionInfo describes one demo institution.
type InstitutionInfo struct {
	ID      int64  `json:"id"`
	Slug    string `json:"slug"`
	Name    string `json:"name"`
	Profile string `json:"policy_profile"`
	// Units, People, Partners and Closures count what it has.
	Units      int             `json:"units"`
	People     int             `json:"people"`
	Partners   int             `json:"partners"`
	Closures   int             `json:"closures"`
	Committees []CommitteeInfo `json:"committees"`
}

// CommitteeInfo describes one committee and its elected chair.
type CommitteeInfo struct {
	ID         int64  `json:"id"`
	Key        string `json:"key"`
	Name       string `json:"name"`
	Chair      string `json:"chair"`
	ChairEmail string `json:"chair_email"`
	Members    int    `json:"members"`
}

// SignIn is one demo person and how to sign in as them.
type SignIn struct {
	// Institution is the institution's slug; empty for an installation
	// operator, who holds no role at an institution.
	Institution string `json:"institution"`
	PersonID    int64  `json:"person_id"`
	Name        string `json:"name"`
	Email       string `json:"email"`
	Password    string `json:"password"`
	// Title is the person's position, for people.
	Title string `json:"title"`
	// Roles are the role grants, "role" or "role@UNIT" for a grant in an
	// org unit (by its code).
	Roles []string `json:"roles"`
	// Committees are the seats held, "key" or "key (chair)".
	Committees []string `json:"committees,omitempty"`
	// Try says what is waiting for the person in the demo.
	Try string `json:"try,omitempty"`
	// Operator is set for an installation operator, who sets up
	// institutions (sqlstore.GrantOperator).
	Operator bool `json:"operator,omitempty"`
}

// OfferingInfo is one demo offering and where its latest case stands.
type OfferingInfo struct {
	ID          int64                `json:"id"`
	Institution string               `json:"institution"`
	Scenario    Scenario             `json:"scenario"`
	Title       string               `json:"title"`
	Kind        catalog.Kind         `json:"kind"`
	Credit      catalog.CreditStatus `json:"credit_status"`
	Status      catalog.Status       `json:"status"`
	Unit        string               `json:"unit"` // the owning org unit's code
	// CaseID, Track, Step and CaseStatus describe the offering's latest
	// approval case; zero when it was never submitted.
	CaseID     int64           `json:"case_id,omitempty"`
	Track      string          `json:"track,omitempty"`
	Step       string          `json:"step,omitempty"`
	CaseStatus approval.Status `json:"case_status,omitempty"`
}

// StepCount is how many cases stand at one step.
type StepCount struct {
	Institution string          `json:"institution"`
	Track       string          `json:"track"`
	Step        string          `json:"step"`
	Status      approval.Status `json:"status"`
	Count       int             `json:"count"`
}

// AwardInfo is one award the Options.Awards hook issued.
type AwardInfo struct {
	ID         int64     `json:"id"`
	OfferingID int64     `json:"offering_id"`
	Title      string    `json:"title"`
	Recipient  string    `json:"recipient"` // the learner's email address
	Status     string    `json:"status"`    // active, suspended, revoked or expired
	IssuedAt   time.Time `json:"issued_at,omitzero"`
	ExpiresAt  time.Time `json:"expires_at,omitzero"`
	// URL is where the credential can be fetched or verified, if any.
	URL string `json:"url,omitempty"`
}

// Offering returns the offering of an institution (by slug) made for a
// scenario.
func (s *Summary) Offering(institution string, sc Scenario) (OfferingInfo, bool) {
	for _, o := range s.Offerings {
		if o.Institution == institution && o.Scenario == sc {
			return o, true
		}
	}
	return OfferingInfo{}, false
}

// SignInAs returns the sign-in with the email address.
func (s *Summary) SignInAs(email string) (SignIn, bool) {
	for _, si := range s.SignIns {
		if si.Email == email {
			return si, true
		}
	}
	return SignIn{}, false
}

// WriteFile writes the summary as indented JSON to FileName in dir, with
// permissions 0600 since it holds the demo passwords (and, once filled in,
// an API token). It replaces the file atomically.
func (s *Summary) WriteFile(dir string) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode demo summary: %w", err)
	}
	f, err := os.CreateTemp(dir, ".demo-*.json") // created 0600
	if err != nil {
		return fmt.Errorf("write demo summary: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a successful rename there is nothing to remove
	if _, err := f.Write(append(data, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("write demo summary: %w", err)
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("write demo summary: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write demo summary: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, FileName)); err != nil {
		return fmt.Errorf("write demo summary: %w", err)
	}
	return nil
}

// WriteText prints the summary for people: where to sign in (baseURL,
// such as http://127.0.0.1:8080), the sign-ins institution by institution,
// and what waits for whom.
func (s *Summary) WriteText(w io.Writer, baseURL string) error {
	open := 0
	for _, c := range s.CaseSteps {
		if !c.Status.Final() {
			open += c.Count
		}
	}
	shared := ""
	for i, si := range s.SignIns {
		if i == 0 {
			shared = si.Password
		} else if si.Password != shared {
			shared = ""
			break
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "cairn demo: %d institutions, %d offerings, %d open approval cases, %d awards\n",
		len(s.Institutions), len(s.Offerings), open, len(s.Awards))
	if shared != "" {
		fmt.Fprintf(&b, "\nOpen %s and sign in as anyone below; every password is %s\n", baseURL, shared)
	} else {
		fmt.Fprintf(&b, "\nOpen %s and sign in as anyone below.\n", baseURL)
	}
	tw := tabwriter.NewWriter(&b, 2, 8, 2, ' ', 0)
	// group prints a heading and the sign-ins of one institution (slug ""
	// for the installation's operators); the heading only over some
	// sign-ins unless always.
	group := func(heading, slug string, always bool) {
		signIns := slices.DeleteFunc(slices.Clone(s.SignIns), func(si SignIn) bool { return si.Institution != slug })
		if always || len(signIns) > 0 {
			fmt.Fprintf(tw, "\n%s\n", heading)
		}
		for _, si := range signIns {
			if shared != "" {
				fmt.Fprintf(tw, "  %s\t%s\t%s\n", si.Email, si.Name, si.Title)
			} else {
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", si.Email, si.Password, si.Name, si.Title)
			}
		}
	}
	for _, inst := range s.Institutions {
		group(fmt.Sprintf("%s (policy profile %s)", inst.Name, inst.Profile), inst.Slug, true)
	}
	group("The installation (operators, who add institutions)", "", false)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(&b, "\nWhat waits for whom\n")
	for _, si := range s.SignIns {
		if si.Try != "" {
			fmt.Fprintf(&b, "  %s: %s\n", si.Email, si.Try)
		}
	}
	if s.APIToken != "" {
		fmt.Fprintf(&b, "\nAPI token with issuing rights, issuing as %s:\n  %s\n", s.IssuerDID, s.APIToken)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
