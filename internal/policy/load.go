package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"

	"cairn/internal/apperror"
)

// Limits on a profile, so a hostile file does bounded work.
const (
	// MaxProfileBytes is the largest profile Load reads.
	MaxProfileBytes = 1 << 20
	// maxNodes bounds the YAML nodes in a profile.
	maxNodes = 200_000
	// maxProblems bounds the problems one load reports.
	maxProblems = 50
)

// Problem is one thing wrong with a profile, at a line of its file (0 when
// it concerns the file as a whole).
type Problem struct {
	Line    int
	Message string
}

// LoadError lists the problems that stopped a profile from loading, in line
// order. Its message has one "name:line: message" line per problem. It
// wraps an apperror.Invalid carrying the same message.
type LoadError struct {
	Name     string
	Problems []Problem
}

// Error lists the problems, one "name:line: message" per line.
func (e *LoadError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		if p.Line > 0 {
			fmt.Fprintf(&b, "%s:%d: %s", e.Name, p.Line, p.Message)
		} else {
			fmt.Fprintf(&b, "%s: %s", e.Name, p.Message)
		}
	}
	return b.String()
}

// Unwrap returns the error as an apperror.Invalid, for the web layer.
func (e *LoadError) Unwrap() error {
	return &apperror.Error{Code: apperror.Invalid, Message: e.Error()}
}

func loadError(name string, probs []Problem) *LoadError {
	slices.SortStableFunc(probs, func(a, b Problem) int { return a.Line - b.Line })
	if len(probs) > maxProblems {
		probs = append(probs[:maxProblems], Problem{Message: fmt.Sprintf("and %d more problems", len(probs)-maxProblems)})
	}
	return &LoadError{Name: name, Problems: probs}
}

// Load parses and validates the profile in data; name (usually the file
// name) prefixes problems, as in
//
//	profile.yaml:42: step "vote": next outcome "approved" names unknown step "sign_chiar"
//
// A profile that does not load returns a *LoadError listing every problem
// found.
func Load(data []byte, name string) (*Profile, error) {
	if len(data) > MaxProfileBytes {
		return nil, loadError(name, []Problem{{Message: fmt.Sprintf("profile is larger than %d bytes", MaxProfileBytes)}})
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, loadError(name, []Problem{{Message: "profile is empty"}})
		}
		return nil, loadError(name, yamlProblems(err))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		line := extra.Line
		if err != nil {
			return nil, loadError(name, yamlProblems(err))
		}
		return nil, loadError(name, []Problem{{Line: line, Message: "a profile is one YAML document; found a second"}})
	}
	if probs := screen(&root); len(probs) > 0 {
		return nil, loadError(name, probs)
	}
	body := &root
	if body.Kind == yaml.DocumentNode && len(body.Content) == 1 {
		body = body.Content[0]
	}
	if body.Kind != yaml.MappingNode {
		return nil, loadError(name, []Problem{{Line: body.Line, Message: "a profile is a mapping of keys (format, id, institution, ...)"}})
	}
	var p Profile
	if err := body.Decode(&p); err != nil {
		return nil, loadError(name, yamlProblems(err))
	}
	var probs []Problem
	annotate(body, reflect.ValueOf(&p), &probs)
	if len(probs) > 0 {
		return nil, loadError(name, probs)
	}
	if probs := validate(&p); len(probs) > 0 {
		return nil, loadError(name, probs)
	}
	p.source = name
	return &p, nil
}

// screen bounds the document and refuses anchors, aliases and merge keys,
// which would make one line of the file stand for another.
func screen(root *yaml.Node) []Problem {
	count := 0
	var probs []Problem
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		count++
		if count > maxNodes || len(probs) > 0 {
			return
		}
		switch {
		case n.Kind == yaml.AliasNode:
			probs = append(probs, Problem{n.Line, "aliases (*name) are not supported in profiles"})
		case n.Anchor != "":
			probs = append(probs, Problem{n.Line, "anchors (&name) are not supported in profiles"})
		case n.Tag == "!!merge":
			probs = append(probs, Problem{n.Line, "merge keys (<<) are not supported in profiles"})
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(root)
	if count > maxNodes {
		return []Problem{{Message: fmt.Sprintf("profile has more than %d YAML nodes", maxNodes)}}
	}
	return probs
}

var yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlProblems turns a yaml.v3 error into problems with lines.
func yamlProblems(err error) []Problem {
	var te *yaml.TypeError
	var msgs []string
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	var probs []Problem
	for _, m := range msgs {
		if sub := yamlLineRE.FindStringSubmatch(m); sub != nil {
			line, _ := strconv.Atoi(sub[1])
			probs = append(probs, Problem{line, friendlyTypeError(sub[2])})
			continue
		}
		probs = append(probs, Problem{0, strings.TrimPrefix(m, "yaml: ")})
	}
	return probs
}

var unmarshalRE = regexp.MustCompile("^cannot unmarshal !!(\\w+) `(.*)` into (.+)$")

// friendlyTypeError rewrites yaml.v3's "cannot unmarshal !!str `x` into
// int" for profile authors.
func friendlyTypeError(msg string) string {
	sub := unmarshalRE.FindStringSubmatch(msg)
	if sub == nil {
		return msg
	}
	found := map[string]string{"str": "text", "int": "a number", "float": "a number", "bool": "true or false",
		"seq": "a list", "map": "a mapping", "null": "nothing", "timestamp": "a date"}[sub[1]]
	if found == "" {
		found = sub[1]
	}
	goType := sub[3]
	want := "a mapping"
	switch {
	case strings.HasPrefix(goType, "[]"):
		want = "a list"
	case strings.HasPrefix(goType, "map["):
		want = "a mapping"
	case strings.Contains(goType, "int"):
		want = "a whole number"
	case strings.Contains(goType, "float"):
		want = "a number"
	case goType == "bool" || goType == "*bool":
		want = "true or false"
	case goType == "string" || strings.HasSuffix(goType, "Kind") || strings.HasSuffix(goType, "Status") ||
		strings.HasSuffix(goType, "Type") || strings.HasSuffix(goType, "Outcome") || goType == "policy.Check" ||
		goType == "policy.Electorate":
		want = "text"
	}
	if sub[1] == "seq" || sub[1] == "map" {
		return fmt.Sprintf("expected %s, found %s", want, found)
	}
	return fmt.Sprintf("expected %s, found %s %q", want, found, sub[2])
}

var posType = reflect.TypeFor[Pos]()

// annotate walks the YAML tree alongside the decoded value: it reports
// keys the schema does not have, and records in every At field where its
// value and each of its keys were written.
func annotate(n *yaml.Node, v reflect.Value, probs *[]Problem) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			annotate(n, v.Elem(), probs)
		}
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return // a scalar shorthand read by the type's UnmarshalYAML
		}
		t := v.Type()
		fields := yamlFields(t)
		keys := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			idx, ok := fields[k.Value]
			if !ok {
				*probs = append(*probs, Problem{k.Line, unknownKey(k.Value, t, fields)})
				continue
			}
			keys[k.Value] = k.Line
			fv := v.Field(idx)
			if fv.Kind() == reflect.Map && val.Kind == yaml.MappingNode {
				for j := 0; j+1 < len(val.Content); j += 2 {
					keys[k.Value+"."+val.Content[j].Value] = val.Content[j].Line
				}
			}
			annotate(val, fv, probs)
		}
		if f, ok := t.FieldByName("At"); ok && f.Type == posType {
			v.FieldByIndex(f.Index).Set(reflect.ValueOf(Pos{Line: n.Line, keys: keys}))
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return
		}
		for i := 0; i < v.Len() && i < len(n.Content); i++ {
			annotate(n.Content[i], v.Index(i), probs)
		}
	}
}

// yamlFields maps the YAML keys of struct type t to field indexes.
func yamlFields(t reflect.Type) map[string]int {
	out := map[string]int{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = i
	}
	return out
}

func unknownKey(key string, t reflect.Type, fields map[string]int) string {
	msg := fmt.Sprintf("unknown key %q in %s", key, noun(t.Name()))
	best, bestD := "", 3
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if d := editDistance(key, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", best)
	}
	return msg
}

// noun turns a Go type name into words: FormField -> "form field".
func noun(name string) string {
	var b strings.Builder
	for i, r := range name {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte(' ')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// editDistance is the Levenshtein distance between short keys.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
