package sqlstore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
	"cairn/internal/registry"
)

// Synthetic registry data, for load tests and benchmarks: offerings
// written in a made-up vocabulary, published without going through the
// approval engine, and a mix of searches over them. Nothing here may run
// against a real installation's data: the offerings it writes have no
// case, no audit events and no history.

// MaxLoadOfferings bounds one SeedRegistryForLoad call.
const MaxLoadOfferings = 1_000_000

// loadPerTx is how many synthetic offerings one transaction inserts.
const loadPerTx = 5000

// loadApprovedAt is when synthetic offerings were approved.
var loadApprovedAt = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// loadVocab is the vocabulary synthetic offerings are written in, most
// common word first, and the competencies they name. It is the same in
// every process, so that RegistryLoadQueries finds what
// SeedRegistryForLoad wrote.
type loadVocab struct {
	words        []string
	competencies []string
}

// newLoadVocab draws the vocabulary from a fixed seed: 5,000 words and
// 1,500 two-word competencies.
func newLoadVocab() loadVocab {
	r := rand.New(rand.NewPCG(1, 2))
	v := loadVocab{words: loadWords(r, 5000)}
	for range 1500 {
		v.competencies = append(v.competencies, v.words[r.IntN(len(v.words))]+" "+v.words[r.IntN(len(v.words))])
	}
	return v
}

// loadWords makes n distinct pronounceable words from syllables.
func loadWords(r *rand.Rand, n int) []string {
	syl := []string{"ka", "lo", "mi", "ter", "san", "vo", "ri", "pel", "dun", "ash", "ek", "ba", "cor", "fin", "gra", "hul",
		"jo", "mar", "nit", "os", "pra", "qui", "ros", "sta", "tu", "ul", "ven", "wes", "yar", "zo"}
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		var w strings.Builder
		for range 2 + r.IntN(3) {
			w.WriteString(syl[r.IntN(len(syl))])
		}
		if !seen[w.String()] {
			seen[w.String()] = true
			out = append(out, w.String())
		}
	}
	return out
}

// loadForms draws synthetic forms and statuses from r: words are used
// with a Zipf distribution, so a few are in nearly every description (as
// "and" and "skills" are); kinds, credit statuses and delivery modes are
// uniform; 60% are active, a few credit-bearing ones interim non-credit,
// the rest approved.
type loadForms struct {
	r    *rand.Rand
	v    loadVocab
	zipf *rand.Zipf
}

func newLoadForms(v loadVocab, seed1, seed2 uint64) *loadForms {
	r := rand.New(rand.NewPCG(seed1, seed2))
	return &loadForms{r: r, v: v, zipf: rand.NewZipf(r, 1.1, 1, uint64(len(v.words)-1))}
}

func (g *loadForms) phrase(k int) string {
	ws := make([]string, k)
	for i := range ws {
		ws[i] = g.v.words[g.zipf.Uint64()]
	}
	return strings.Join(ws, " ")
}

func (g *loadForms) next() (catalog.Form, catalog.Status) {
	r := g.r
	kinds, credits := catalog.Kinds(), catalog.CreditStatuses()
	modes := []catalog.DeliveryMode{catalog.InPerson, catalog.Online, catalog.Blended}
	f := catalog.Form{
		Kind:             kinds[r.IntN(len(kinds))],
		Title:            capitalizeWord(g.phrase(3 + r.IntN(4))),
		Description:      capitalizeWord(g.phrase(30+r.IntN(30))) + ".",
		DurationHours:    float64(5 + r.IntN(275)),
		DeliveryMode:     modes[r.IntN(len(modes))],
		CreditStatus:     credits[r.IntN(len(credits))],
		Language:         "en",
		LearningOutcomes: []string{capitalizeWord(g.phrase(8)) + ".", capitalizeWord(g.phrase(8)) + "."},
		AssessmentMethod: capitalizeWord(g.phrase(4)) + ".",
	}
	for range 2 + r.IntN(4) {
		f.Competencies = append(f.Competencies, catalog.Competency{Name: g.v.competencies[r.IntN(len(g.v.competencies))]})
	}
	status := catalog.Approved
	switch x := r.IntN(100); {
	case x < 5 && f.CreditStatus == catalog.CreditBearing:
		status = catalog.ApprovedInterimNonCredit
	case x < 60:
		status = catalog.Active
	}
	return f, status
}

func capitalizeWord(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// SeedRegistryForLoad writes n synthetic offerings of the institution,
// each with its version 1 approved and published (about 60% active, a few
// interim non-credit, the rest approved), straight into the tables,
// thousands to a transaction, and indexes them for the registry before it
// returns. The offerings are written in a made-up vocabulary that
// RegistryLoadQueries searches; calls for the same institution draw new
// offerings, the same ones in every run that makes the same calls.
//
// It is for load tests and benchmarks on a scratch database only: the
// offerings bypass the approval engine, so they have no case and no
// audit events. n is from 1 to MaxLoadOfferings.
func (s *Store) SeedRegistryForLoad(ctx context.Context, institutionID int64, n int) error {
	if n < 1 || n > MaxLoadOfferings {
		return apperror.Field("n", "must be from 1 to %d", MaxLoadOfferings)
	}
	var existing int64
	err := s.ReadTx(ctx, func(tx *Tx) error {
		if _, err := tx.institution(`WHERE id = $1`, institutionID); err != nil {
			return err
		}
		return tx.get("offerings", `SELECT count(*) FROM offerings WHERE institution_id = $1`, []any{institutionID}, &existing)
	})
	if err != nil {
		return err
	}
	g := newLoadForms(newLoadVocab(), uint64(institutionID), uint64(existing))
	if _, err := s.publishSynthetic(ctx, n, true, func(int) (int64, int64, catalog.Form, catalog.Status) {
		f, status := g.next()
		return institutionID, 0, f, status
	}); err != nil {
		return err
	}
	_, err = s.RefreshRegistry(ctx)
	return err
}

// publishSynthetic inserts n offerings, each with its version 1 approved
// at loadApprovedAt, straight into the tables, loadPerTx to a
// transaction, and returns how many it inserted; next gives the i-th
// one's institution, unit (0 for none), form and status. When queue is
// set they are queued for the registry (RefreshRegistry indexes them),
// else left for Reindex.
func (s *Store) publishSynthetic(ctx context.Context, n int, queue bool,
	next func(i int) (institutionID, unitID int64, f catalog.Form, status catalog.Status)) (int, error) {
	done := 0
	for done < n {
		err := s.WithTx(ctx, func(tx *Tx) error {
			insOffering, err := tx.sql.PrepareContext(ctx, `INSERT INTO offerings (institution_id, unit_id, kind, title, status, draft,
				approved_version, approved_at, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, 1, $7, $7) RETURNING id`)
			if err != nil {
				return s.translate(err)
			}
			defer insOffering.Close()
			insVersion, err := tx.sql.PrepareContext(ctx, `INSERT INTO offering_versions (offering_id, number, form, hash, submitted_at)
				VALUES ($1, 1, $2, $3, $4)`)
			if err != nil {
				return s.translate(err)
			}
			defer insVersion.Close()
			var ids []int64
			for i := done; i < min(done+loadPerTx, n); i++ {
				inst, unit, f, status := next(i)
				ver, err := catalog.NewVersion(1, f, loadApprovedAt)
				if err != nil {
					return err
				}
				form := string(ver.Form().CanonicalJSON())
				var id int64
				if err := insOffering.QueryRowContext(ctx, inst, nullID(unit), string(f.Kind), f.Title, string(status),
					form, tx.ts(loadApprovedAt)).Scan(&id); err != nil {
					return s.translate(fmt.Errorf("insert offering: %w", err))
				}
				if _, err := insVersion.ExecContext(ctx, id, form, ver.Hash(), tx.ts(loadApprovedAt)); err != nil {
					return s.translate(fmt.Errorf("insert version: %w", err))
				}
				ids = append(ids, id)
			}
			if queue {
				for chunk := range slices.Chunk(ids, 500) {
					args, in := idList(chunk, 0)
					if _, err := tx.exec(`INSERT INTO registry_queue (offering_id)
						SELECT id FROM offerings WHERE id IN (`+in+`) ON CONFLICT DO NOTHING`, args...); err != nil {
						return err
					}
				}
			}
			done += len(ids)
			return nil
		})
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

// RegistryLoadQueries draws n registry searches over what
// SeedRegistryForLoad writes, the same ones every call; institutions are
// the slugs the institution filter picks from (none: that filter is not
// used). Searchers ask mostly for topics, not for the words most
// descriptions are made of, so topical words are drawn with a Zipf
// distribution of their own over the vocabulary, in an order unrelated to
// how often offerings use them; a tenth of the searches are for one of
// the 50 words offerings use most (matching most of them), and more pair
// such a word with a topic or a filter. The rest filter without text,
// browse, or ask for later pages.
func RegistryLoadQueries(institutions []string, n int) []registry.Query {
	v := newLoadVocab()
	r := rand.New(rand.NewPCG(3, 4))
	popular := slices.Clone(v.words)
	r.Shuffle(len(popular), func(i, j int) { popular[i], popular[j] = popular[j], popular[i] })
	zipf := rand.NewZipf(r, 1.1, 1, uint64(len(popular)-1))
	topic := func() string { return popular[zipf.Uint64()] }
	generic := func() string { return v.words[r.IntN(50)] }
	filter := func(q *registry.Query) {
		switch x := r.IntN(6); {
		case x == 0 && len(institutions) > 0:
			q.Institution = institutions[r.IntN(len(institutions))]
		case x <= 1:
			q.Kind = string(catalog.Kinds()[r.IntN(len(catalog.Kinds()))])
		case x == 2:
			q.CreditStatus = []string{"non_credit", "credit_bearing", "embedded", registry.CreditInterim}[r.IntN(4)]
		case x == 3:
			q.Delivery = []string{"in_person", "online", "blended"}[r.IntN(3)]
		case x == 4:
			q.Competency = v.competencies[r.IntN(len(v.competencies))]
		default:
			q.MinHours = float64(10 * r.IntN(10))
			q.MaxHours = q.MinHours + float64(20+r.IntN(100))
		}
	}
	qs := make([]registry.Query, n)
	for i := range qs {
		var q registry.Query
		switch x := r.IntN(100); {
		case x < 35:
			q.Text = topic()
		case x < 50:
			q.Text = topic() + " " + topic()
		case x < 60:
			q.Text = generic()
		case x < 65:
			q.Text = generic() + " " + topic()
		case x < 80:
			q.Text = topic()
			if r.IntN(4) == 0 {
				q.Text = generic()
			}
			filter(&q)
		case x < 92:
			filter(&q)
			if r.IntN(3) == 0 {
				filter(&q)
			}
		case x < 96:
			q.Page = 1 + r.IntN(5)
		default:
			q.Text = topic()
			q.Page = 2 + r.IntN(4)
		}
		qs[i] = q
	}
	return qs
}
