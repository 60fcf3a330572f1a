// Package policy reads institution policy profiles: declarative YAML files
// that say, for one institution, who takes part in approving offerings
// (roles, committees and their composition), what the outline form asks
// and requires, the questions reviewers answer, the recognition chart, the
// approval tracks (sequences of typed steps with deadlines in working days
// and a next step per outcome) and the processes around them (annual
// review, discontinuance, reports to and challenges by senate bodies,
// problem solving, reminders to review the policy itself). Every rule cites
// the clause of the institution's policy it comes from.
//
// A profile is data: nothing about any one institution is written in Go.
// Load parses and validates a profile, reporting problems by file and line;
// Builtin returns the profiles shipped with cairn. The approval engine
// interprets a profile's tracks; docs/policy-profiles.md describes the
// format and the step vocabulary.
package policy
