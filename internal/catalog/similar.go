package catalog

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
)

// Match is an existing offering ranked against a candidate by RankSimilar.
type Match struct {
	OfferingID string
	// UnitID owns the existing offering: its department chair is whom a
	// duplication consultation goes to.
	UnitID string
	Title  string
	// Score is the weighted cosine similarity, from 0 (nothing shared) to
	// 1 (the same words in the same proportions).
	Score float64
	// Why says which fields matched and the words they share.
	Why string
}

// similarField is one field RankSimilar compares and its weight: a shared
// title word counts three times as much as a shared description word.
type similarField struct {
	name   string
	weight float64
	text   func(Form) string
}

func similarFields() []similarField {
	return []similarField{
		{"title", 3, func(f Form) string { return f.Title }},
		{"description", 1, func(f Form) string { return f.Description }},
		{"outcomes", 2, func(f Form) string { return strings.Join(f.LearningOutcomes, "\n") }},
		{"competencies", 2, func(f Form) string {
			var b strings.Builder
			for _, c := range f.Competencies {
				b.WriteString(c.Name)
				b.WriteByte('\n')
			}
			return b.String()
		}},
	}
}

// maxDocTokens bounds the words read from one field of one offering.
const maxDocTokens = 5000

// doc is one offering's words: per field, a count of each stem.
type doc struct {
	fields []map[string]float64
}

// RankSimilar ranks existing offerings by how much the candidate resembles
// them, so a committee can see a possible duplication. It compares the
// current form of each offering (see Offering.Current) with the candidate
// by TF-IDF cosine similarity over title, description, learning outcomes
// and competencies, weighting the fields, ignoring stop words and folding
// simple English suffixes. It returns at most n matches, best first, ties
// by offering ID; the result is the same on every run. The caller leaves
// out the candidate's own offering and any it does not want compared.
func RankSimilar(candidate Form, existing []Offering, n int) []Match {
	if n <= 0 || len(existing) == 0 {
		return nil
	}
	fields := similarFields()
	surface := map[string]string{} // stem -> first word seen, for Why
	cand := tokenizeDoc(candidate, fields, surface)
	docs := make([]doc, len(existing))
	forms := make([]Form, len(existing))
	for i := range existing {
		forms[i] = existing[i].Current()
		docs[i] = tokenizeDoc(forms[i], fields, surface)
	}

	// Document frequency over the candidate and the existing offerings.
	df := map[string]int{}
	countDF := func(d doc) {
		seen := map[string]bool{}
		for _, f := range d.fields {
			for t := range f {
				if !seen[t] {
					seen[t] = true
					df[t]++
				}
			}
		}
	}
	countDF(cand)
	for _, d := range docs {
		countDF(d)
	}
	total := float64(len(docs) + 1)
	idf := func(t string) float64 { return math.Log((1+total)/(1+float64(df[t]))) + 1 }

	cw := weigh(cand, fields, idf)
	matches := make([]Match, 0, len(existing))
	for i, d := range docs {
		ew := weigh(d, fields, idf)
		score := cosine(cw.all, ew.all)
		m := Match{
			OfferingID: existing[i].ID,
			UnitID:     existing[i].UnitID,
			Title:      forms[i].Title,
			Score:      math.Round(score*1e6) / 1e6,
			Why:        why(cw, ew, fields, surface),
		}
		matches = append(matches, m)
	}
	slices.SortStableFunc(matches, func(a, b Match) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.OfferingID, b.OfferingID)
	})
	if len(matches) > n {
		matches = matches[:n]
	}
	return matches
}

// vector is a sparse vector sorted by term, so sums run in a fixed order
// and results do not depend on map iteration.
type vector []termWeight

type termWeight struct {
	term   string
	weight float64
}

type weighted struct {
	all    vector
	fields []vector
}

func weigh(d doc, fields []similarField, idf func(string) float64) weighted {
	w := weighted{fields: make([]vector, len(fields))}
	combined := map[string]float64{}
	for i, f := range d.fields {
		var v vector
		for t, tf := range f {
			x := (1 + math.Log(tf)) * idf(t)
			v = append(v, termWeight{t, x})
			combined[t] += fields[i].weight * x
		}
		slices.SortFunc(v, func(a, b termWeight) int { return cmp.Compare(a.term, b.term) })
		w.fields[i] = v
	}
	for t, x := range combined {
		w.all = append(w.all, termWeight{t, x})
	}
	slices.SortFunc(w.all, func(a, b termWeight) int { return cmp.Compare(a.term, b.term) })
	return w
}

func cosine(a, b vector) float64 {
	var dot, na, nb float64
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch c := cmp.Compare(a[i].term, b[j].term); {
		case c < 0:
			i++
		case c > 0:
			j++
		default:
			dot += a[i].weight * b[j].weight
			i++
			j++
		}
	}
	for _, x := range a {
		na += x.weight * x.weight
	}
	for _, x := range b {
		nb += x.weight * x.weight
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / (math.Sqrt(na) * math.Sqrt(nb))
}

// why explains a match: the fields whose own similarity is notable and the
// shared words that contribute most.
func why(a, b weighted, fields []similarField, surface map[string]string) string {
	var parts []string
	for i, f := range fields {
		if s := cosine(a.fields[i], b.fields[i]); s >= 0.2 {
			parts = append(parts, fmt.Sprintf("%s %.2f", f.name, s))
		}
	}
	type shared struct {
		term string
		x    float64
	}
	var common []shared
	i, j := 0, 0
	for i < len(a.all) && j < len(b.all) {
		switch c := cmp.Compare(a.all[i].term, b.all[j].term); {
		case c < 0:
			i++
		case c > 0:
			j++
		default:
			common = append(common, shared{a.all[i].term, a.all[i].weight * b.all[j].weight})
			i++
			j++
		}
	}
	if len(common) == 0 {
		return "no words in common"
	}
	slices.SortFunc(common, func(x, y shared) int {
		if c := cmp.Compare(y.x, x.x); c != 0 {
			return c
		}
		return cmp.Compare(x.term, y.term)
	})
	var words []string
	for _, c := range common[:min(5, len(common))] {
		words = append(words, surface[c.term])
	}
	out := "shared words: " + strings.Join(words, ", ")
	if len(parts) > 0 {
		out = strings.Join(parts, ", ") + "; " + out
	}
	return out
}

func tokenizeDoc(f Form, fields []similarField, surface map[string]string) doc {
	d := doc{fields: make([]map[string]float64, len(fields))}
	for i, sf := range fields {
		counts := map[string]float64{}
		for _, w := range words(sf.text(f), maxDocTokens) {
			s := stem(w)
			if s == "" {
				continue
			}
			counts[s]++
			if _, ok := surface[s]; !ok {
				surface[s] = w
			}
		}
		d.fields[i] = counts
	}
	return d
}

// words splits text into lower-case words of letters and digits, dropping
// stop words and single characters, reading at most max words.
func words(text string, max int) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() == 0 {
			return
		}
		w := b.String()
		b.Reset()
		if len([]rune(w)) > 1 && !isStopWord(w) {
			out = append(out, w)
		}
	}
	for _, r := range text {
		if len(out) >= max {
			break
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		flush()
	}
	if len(out) < max {
		flush()
	}
	return out
}

// stem folds common English suffixes so that "design", "designs",
// "designing" and "designed" compare equal. It is deliberately simple:
// over-folding costs little in a similarity ranking.
func stem(w string) string {
	if len(w) <= 3 {
		return w
	}
	for _, r := range []struct{ suffix, repl string }{
		{"izations", "ize"}, {"ization", "ize"}, {"ational", "ate"}, {"ations", "ate"}, {"ation", "ate"},
		{"ments", ""}, {"ment", ""}, {"nesses", ""}, {"ness", ""},
		{"ings", ""}, {"ing", ""}, {"ed", ""},
		{"ies", "y"}, {"sses", "ss"}, {"es", ""}, {"s", ""},
	} {
		base, ok := strings.CutSuffix(w, r.suffix)
		if !ok || len(base)+len(r.repl) < 3 {
			continue
		}
		if r.suffix == "s" && (strings.HasSuffix(base, "s") || strings.HasSuffix(base, "u") || strings.HasSuffix(base, "i")) {
			continue
		}
		if r.suffix == "es" && !strings.HasSuffix(base, "ss") && !strings.HasSuffix(base, "sh") &&
			!strings.HasSuffix(base, "ch") && !strings.HasSuffix(base, "x") {
			// "modules" -> "modul": let "s" do it instead ("module").
			continue
		}
		w = base + r.repl
		break
	}
	// Fold a trailing "e" so "practice" and "practic(ing)" meet.
	if len(w) > 4 && strings.HasSuffix(w, "e") {
		w = w[:len(w)-1]
	}
	return w
}

func isStopWord(w string) bool {
	switch w {
	case "a", "about", "above", "after", "again", "all", "also", "an", "and", "any", "are", "as", "at",
		"be", "been", "before", "being", "between", "both", "but", "by", "can", "could", "did", "do",
		"does", "doing", "during", "each", "either", "etc", "for", "from", "further", "had", "has",
		"have", "having", "how", "if", "in", "into", "is", "it", "its", "itself", "may", "more",
		"most", "must", "no", "nor", "not", "of", "off", "on", "once", "only", "or", "other", "our",
		"out", "over", "own", "same", "shall", "should", "so", "some", "such", "than", "that", "the",
		"their", "them", "then", "there", "these", "they", "this", "those", "through", "to", "too",
		"under", "until", "up", "upon", "use", "using", "very", "via", "was", "we", "were", "what",
		"when", "where", "which", "while", "who", "whom", "why", "will", "with", "within", "would",
		"you", "your",
		// Words every outline uses, which say nothing about its subject.
		"able", "learner", "learners", "student", "students", "participant", "participants",
		"course", "courses", "credential", "credentials", "micro", "badge", "badges", "offering",
		"introduction", "introductory", "basic", "basics", "skill", "skills", "understand",
		"understanding", "demonstrate", "apply", "describe", "identify", "explain":
		return true
	}
	return false
}
