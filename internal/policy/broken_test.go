package policy

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cairn/internal/apperror"
)

func readMinimal(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestMinimalProfileLoads(t *testing.T) {
	p, err := Load([]byte(readMinimal(t)), "minimal.yaml")
	if err != nil {
		t.Fatalf("Load(minimal.yaml): %v", err)
	}
	if p.Source() != "minimal.yaml" || len(p.Tracks) != 1 || len(p.Tracks[0].Steps) != 16 {
		t.Errorf("got source %q, %d tracks; want minimal.yaml with one 16-step track", p.Source(), len(p.Tracks))
	}
}

// Each case edits one spot of testdata/minimal.yaml and names the line and
// message of the problem Load must report.
func TestLoadReportsBrokenProfiles(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		line     int
		msg      string
	}{
		{"unknown next step",
			"approved: sign_chair, not_approved: meeting", "approved: sign_chiar, not_approved: meeting",
			92, `step "vote": next outcome "approved" names unknown step "sign_chiar"`},
		{"misspelt key",
			"        reviewers: 3\n", "        reviewrs: 3\n",
			80, `unknown key "reviewrs" in step (did you mean "reviewers"?)`},
		{"misspelt top-level key",
			"exclusions:", "exclusion:",
			160, `unknown key "exclusion" in profile (did you mean "exclusions"?)`},
		{"negative deadline",
			"deadline_days: 10", "deadline_days: -2",
			82, `step "review": deadline_days must not be negative`},
		{"deadline not a number",
			"deadline_days: 10", "deadline_days: ten",
			82, `expected a whole number, found text "ten"`},
		{"step without clause",
			"        clause: T 12.4\n", "",
			85, `step "vote" has no clause: every rule cites the clause of the policy it comes from`},
		{"validation rule without clause",
			"    clause: T 9\n", "",
			43, `validation rule on "duration_hours" has no clause: every rule cites the clause of the policy it comes from`},
		{"unknown role",
			"role: provost\n        after", "role: provst\n        after",
			136, `step "sign_provost" names unknown role "provst"`},
		{"unknown committee",
			"committee: cc\n        reviewers: 3", "committee: cx\n        reviewers: 3",
			79, `step "review" names unknown committee "cx"`},
		{"unknown step kind",
			"kind: interim_status", "kind: interim",
			141, `step "interim": unknown kind "interim" (want one of completeness_check, review, vote, meeting, return_for_revision, appeal, sign, committee_recommendation, body_decision, interim_status, approved, terminal)`},
		{"unknown start",
			"start: check", "start: chek",
			66, `track "main": start names unknown step "chek"`},
		{"unreachable step",
			"next: {signed: interim}", "next: {signed: recommend}",
			140, `step "interim" is not reachable from the start of track "main"`},
		{"duplicate step id",
			"      - id: fix\n", "      - id: check\n",
			73, `track "main": step id "check" is used twice`},
		{"missing outcome",
			"next: {approved: sign_chair, not_approved: meeting}", "next: {approved: sign_chair}",
			92, `step "vote": no next step for outcome "not_approved"`},
		{"outcome the kind lacks",
			"next: {held: final_vote}", "next: {held: final_vote, signed: done}",
			99, `step "meeting": meeting steps have no outcome "signed" (their outcomes: held)`},
		{"ending step with next",
			"result: not_approved\n", "result: not_approved\n        next: {resubmitted: done}\n",
			122, `step "closed": terminal steps end the track and take no next`},
		{"key the kind does not take",
			"        review_step: review\n        rule: {type: all_of, n: 3}", "        review_step: review\n        reviewers: 3\n        rule: {type: all_of, n: 3}",
			90, `step "vote": "reviewers" does not apply to vote steps`},
		{"deadline on an instant step",
			"offer_as: non_credit\n", "offer_as: non_credit\n        deadline_days: 3\n",
			143, `step "interim": "deadline_days" does not apply to interim_status steps`},
		{"vote rule without n",
			"rule: {type: all_of, n: 3}", "rule: {type: all_of, n: 0}",
			90, `step "vote": rule all_of needs n of at least 1`},
		{"vote rule against reviewer count",
			"rule: {type: all_of, n: 3}", "rule: {type: all_of, n: 2}",
			90, `step "vote": rule all_of 2, but review step "review" assigns 3 reviewers`},
		{"unknown vote rule",
			"rule: majority", "rule: plurality",
			116, `step "appeal": unknown vote rule "plurality" (want unanimous, majority, all_of or at_least)`},
		{"meeting not followed by a vote",
			"next: {held: final_vote}", "next: {held: returned}",
			99, `step "meeting": a meeting is followed by a final vote, but "returned" is a return_for_revision step`},
		{"appeal of a non-vote",
			"appeals: final_vote", "appeals: meeting",
			115, `step "appeal": appeals "meeting", a meeting step; only a vote's decision can be appealed`},
		{"skipped without when",
			"        when: {option: extra}\n", "",
			132, `step "extra_step": outcome "skipped" needs a when condition`},
		{"when on an unknown option",
			"when: {option: extra}", "when: {option: extras}",
			131, `step "extra_step" when: unknown option "extras"`},
		{"signature order bypassed",
			"next: {approved: sign_chair, not_approved: closed, refused: closed}", "next: {approved: sign_provost, not_approved: closed, refused: closed}",
			137, `step "sign_provost" can be reached without passing sign step "sign_chair" first`},
		{"validation rule on unknown field",
			"  - field: duration_hours\n    check: max_exclusive", "  - field: hours\n    check: max_exclusive",
			43, `validation rule names field "hours", which is not on the form`},
		{"validation rule on field not on the form",
			"  - field: duration_hours\n    check: max_exclusive", "  - field: credits\n    check: max_exclusive",
			43, `validation rule names field "credits", which is not on the form`},
		{"numeric check on a text field",
			"  - field: duration_hours\n    check: max_exclusive", "  - field: title\n    check: max_exclusive",
			44, `validation rule on "title": max_exclusive applies to number fields; "title" is text`},
		{"custom field without label",
			"{key: custom.note, label: Note}", "{key: custom.note}",
			41, `form field "custom.note": a custom field needs a label`},
		{"unknown seat category",
			"{category: decanal, count: 1}", "{category: dean, count: 1}",
			30, `committee "cc": seat names unknown category "dean"`},
		{"seat of no one",
			"{category: faculty, count: 1, per_faculty: true}", "{category: faculty, count: 0, per_faculty: true}",
			29, `committee "cc": seat "faculty" needs a count of at least 1`},
		{"consultation answer the question lacks",
			`when_answer: "yes"`, `when_answer: "maybe"`,
			52, `question "dup" consultation: when_answer "maybe" is not an answer to a yes_no question`},
		{"chart allows what no track takes",
			"      - kinds: [micro_credential]\n    start: check", "      - kinds: [micro_credential]\n        credit_statuses: [non_credit]\n    start: check",
			56, `recognition chart allows a micro_credential that is credit_bearing, but no track or exclusion takes it`},
		{"wrong format",
			"format: cairn.policy/v1", "format: cairn.policy/v2",
			3, `format "cairn.policy/v2" is not "cairn.policy/v1"`},
		{"bad jurisdiction",
			"jurisdiction: CA-BC", "jurisdiction: British Columbia",
			8, `institution jurisdiction "British Columbia" is not an ISO 3166-2 code such as "CA-BC"`},
		{"anchor",
			"  name: Test University", "  name: &n Test University",
			7, `anchors (&name) are not supported in profiles`},
		{"two documents",
			"clause: T 16}\n", "clause: T 16}\n---\nid: again\n",
			168, `a profile is one YAML document; found a second`},
	}
	base := readMinimal(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n := strings.Count(base, tt.old); n != 1 {
				t.Fatalf("edit target %q occurs %d times in minimal.yaml, want once", tt.old, n)
			}
			_, err := Load([]byte(strings.Replace(base, tt.old, tt.new, 1)), "minimal.yaml")
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("Load = %v, want a *LoadError", err)
			}
			want := Problem{Line: tt.line, Message: tt.msg}
			found := false
			for _, p := range le.Problems {
				found = found || p == want
			}
			if !found {
				t.Errorf("problems:\n%v\nwant one to be\nminimal.yaml:%d: %s", err, tt.line, tt.msg)
			}
			if apperror.CodeOf(err) != apperror.Invalid {
				t.Errorf("CodeOf = %q, want invalid", apperror.CodeOf(err))
			}
		})
	}
}

func TestLoadErrorFormat(t *testing.T) {
	base := readMinimal(t)
	_, err := Load([]byte(strings.Replace(base, "approved: sign_chair, not_approved: meeting", "approved: sign_chiar, not_approved: meeting", 1)), "kpu-ac15.yaml")
	want := `kpu-ac15.yaml:92: step "vote": next outcome "approved" names unknown step "sign_chiar"`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}

func TestLoadRefusesHostileInput(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string
	}{
		{"empty", "", "minimal.yaml: profile is empty"},
		{"not a mapping", "- a\n- b\n", "minimal.yaml:1: a profile is a mapping of keys (format, id, institution, ...)"},
		{"too large", "name: " + strings.Repeat("x", MaxProfileBytes), "minimal.yaml: profile is larger than 1048576 bytes"},
		{"syntax error", "format: [\n", "minimal.yaml:1: did not find expected node content"},
		{"alias bomb", "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", "minimal.yaml:1: anchors (&name) are not supported in profiles"},
		{"deep nesting", strings.Repeat("[", 20000) + strings.Repeat("]", 20000), "exceeded max depth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load([]byte(tt.data), "minimal.yaml")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestLoadBoundsTrackSize(t *testing.T) {
	var b strings.Builder
	b.WriteString("format: cairn.policy/v1\nid: big\nname: big\ninstitution: {name: x, jurisdiction: CA-BC}\ntracks:\n  - id: t\n    steps:\n")
	for i := range maxSteps + 1 {
		b.WriteString("      - {id: s" + strings.Repeat("x", i%3) + ", kind: approved}\n")
	}
	_, err := Load([]byte(b.String()), "big.yaml")
	if err == nil || !strings.Contains(err.Error(), `big.yaml:7: track "t" has 201 steps; the limit is 200`) {
		t.Errorf("Load = %v, want the step limit reported", err)
	}
}
