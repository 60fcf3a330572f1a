package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"cairn/internal/apperror"
	"cairn/internal/catalog"
	"cairn/internal/org"
	"cairn/internal/policy"
	"cairn/internal/registry"
)

// This file keeps the public registry's search index (tables registry_*,
// migration 0006) and answers from it. An offering is indexed from its
// approved version while registry.Published says so, and removed when it
// stops being published; its slug is kept for good. Triggers queue an
// offering whenever its status, approved version, review dates, unit or
// institution change (and the offerings of an institution or unit that is
// renamed); SearchRegistry and RegistryLabel index what is queued before
// they answer, so no caller has to remember to. The institution's slug,
// name and DID, the unit's name, partner websites and links between
// offerings are read live when a label is read.

// Bounds on the work indexing does.
const (
	// registryBatch is how many queued offerings one transaction indexes.
	registryBatch = 500
	// registryRefreshOnRead is how many queued offerings a search or label
	// read indexes before it answers; more wait for the next one, or for
	// RefreshRegistry.
	registryRefreshOnRead = 200
	// maxDocumentWords bounds the words indexed for one offering.
	maxDocumentWords = 8000
	// maxLabelLinks bounds the stack and ladder references a label read
	// resolves against the registry.
	maxLabelLinks = 50
	// maxSlugTries bounds the attempts to claim a free slug.
	maxSlugTries = 5
	// registryAnalyzeAfter is how many offerings one refresh indexes
	// before it updates the planner's statistics of the index.
	registryAnalyzeAfter = 1000
)

// creditInterim is the credit column's value for an interim offering.
const creditInterim = "interim_non_credit"

// RegistryLabel returns the food label of the published offering with the
// given slugs; NotFound when there is none (never published, or no longer).
// Its institution, unit, partner websites and the stacks and ladders that
// name other published offerings are as they are now.
func (s *Store) RegistryLabel(ctx context.Context, institution, offering string) (registry.Label, error) {
	if len(institution) > org.MaxSlugLen || !registry.ValidSlug(offering) {
		return registry.Label{}, notFound("offering")
	}
	if err := s.refreshOnRead(ctx); err != nil {
		return registry.Label{}, err
	}
	var l registry.Label
	err := s.ReadTx(ctx, func(tx *Tx) (err error) {
		l, err = tx.registryLabel(institution, offering)
		return err
	})
	return l, err
}

func (tx *Tx) registryLabel(institution, offering string) (registry.Label, error) {
	var raw string
	var instID int64
	var inst registry.Institution
	var unit string
	err := tx.get("offering", `SELECT l.label, i.id, i.slug, i.name, i.issuer_did, coalesce(u.name, '')
		FROM registry_slugs s
		JOIN institutions i ON i.id = s.institution_id
		JOIN registry_entries e ON e.offering_id = s.offering_id
		JOIN registry_labels l ON l.offering_id = s.offering_id
		LEFT JOIN org_units u ON u.id = e.unit_id
		WHERE i.slug = $1 AND s.slug = $2`, []any{institution, offering},
		&raw, &instID, &inst.Slug, &inst.Name, &inst.IssuerDID, &unit)
	if err != nil {
		return registry.Label{}, err
	}
	var l registry.Label
	if err := json.Unmarshal([]byte(raw), &l); err != nil {
		return l, fmt.Errorf("registry label %s/%s: %w", institution, offering, err)
	}
	l.Institution, l.Unit = inst, unit
	if err := tx.partnerWebsites(instID, l.Partners); err != nil {
		return l, err
	}
	if err := tx.resolveLinks(instID, l.OfferingID, inst.Slug, l.Stacks, l.Ladders); err != nil {
		return l, err
	}
	return l, nil
}

// partnerWebsites fills in the websites of the partners the institution
// keeps a record of, matched by name regardless of case.
func (tx *Tx) partnerWebsites(institutionID int64, partners []registry.Partner) error {
	if len(partners) == 0 {
		return nil
	}
	args := []any{institutionID}
	var in []string
	for _, p := range partners[:min(len(partners), catalog.MaxListItems)] {
		args = append(args, strings.ToLower(p.Name))
		in = append(in, "$"+strconv.Itoa(len(args)))
	}
	type site struct{ name, url string }
	sites, err := list(tx, func(r *sql.Rows) (site, error) {
		var s site
		return s, r.Scan(&s.name, &s.url)
	}, `SELECT name, website FROM partners WHERE institution_id = $1 AND website <> '' AND lower(name) IN (`+strings.Join(in, ", ")+`)
		ORDER BY id`, args...)
	if err != nil {
		return err
	}
	for i := range partners {
		for _, s := range sites {
			if strings.EqualFold(s.name, partners[i].Name) {
				partners[i].Website = s.url
				break
			}
		}
	}
	return nil
}

// resolveLinks points the stack and ladder references that name another
// published offering of the institution, by title or slug, at it, and a
// stack by rule at its offering while that is still published.
func (tx *Tx) resolveLinks(institutionID, self int64, instSlug string, lists ...[]registry.StackRef) error {
	args := []any{institutionID, self}
	var keys, slugs []string
	var refs []*registry.StackRef
	var was []string
	for _, l := range lists {
		for i := range l {
			if l[i].URL != "" || len(refs) == maxLabelLinks {
				continue
			}
			refs = append(refs, &l[i])
			args = append(args, registry.Fold(l[i].Name))
			keys = append(keys, "$"+strconv.Itoa(len(args)))
			for _, slug := range []string{l[i].Name, l[i].Offering} {
				if registry.ValidSlug(slug) {
					args = append(args, slug)
					slugs = append(slugs, "$"+strconv.Itoa(len(args)))
				}
			}
			// A stack by rule was indexed with its slug; it links only
			// while it is still published.
			was = append(was, l[i].Offering)
			l[i].Institution, l[i].Offering = "", ""
		}
	}
	if len(refs) == 0 {
		return nil
	}
	match := `e.title_key IN (` + strings.Join(keys, ", ") + `)`
	if len(slugs) > 0 {
		match = `(` + match + ` OR s.slug IN (` + strings.Join(slugs, ", ") + `))`
	}
	type target struct{ slug, key string }
	targets, err := list(tx, func(r *sql.Rows) (target, error) {
		var t target
		return t, r.Scan(&t.slug, &t.key)
	}, `SELECT s.slug, e.title_key FROM registry_entries e JOIN registry_slugs s ON s.offering_id = e.offering_id
		WHERE e.institution_id = $1 AND e.offering_id <> $2 AND `+match+` ORDER BY e.offering_id LIMIT 1000`, args...)
	if err != nil {
		return err
	}
	for i, ref := range refs {
		key := registry.Fold(ref.Name)
		for _, t := range targets {
			if t.slug == ref.Name || (was[i] != "" && t.slug == was[i]) || t.key == key {
				ref.Institution, ref.Offering = instSlug, t.slug
				break
			}
		}
	}
	return nil
}

// RegistrySlug returns the slugs of an offering's registry URLs (see
// registry.OfferingURLs): its institution's and its own. It is NotFound
// for an offering never published. The slug stays the offering's for
// good, so the URLs may be given out (as an award's Achievement id, say)
// while it is published.
func (s *Store) RegistrySlug(ctx context.Context, offeringID int64) (institution, offering string, err error) {
	if err := s.refreshOnRead(ctx); err != nil {
		return "", "", err
	}
	err = s.ReadTx(ctx, func(tx *Tx) error {
		return tx.get("registry slug", `SELECT i.slug, s.slug FROM registry_slugs s JOIN institutions i ON i.id = s.institution_id
			WHERE s.offering_id = $1`, []any{offeringID}, &institution, &offering)
	})
	return institution, offering, err
}

// IndexOffering brings the offering's registry entry up to date now:
// indexed from its approved version while it is published, removed
// otherwise.
func (s *Store) IndexOffering(ctx context.Context, offeringID int64) error {
	return s.WithTx(ctx, func(tx *Tx) error { return tx.indexOffering(offeringID) })
}

// indexOffering is IndexOffering inside a transaction, for store methods
// that change what the registry shows of an offering and want the index
// to change with it.
func (tx *Tx) indexOffering(offeringID int64) error {
	ix := newRegistryIndexer(tx)
	defer ix.close()
	if err := ix.index([]int64{offeringID}); err != nil {
		return err
	}
	_, err := tx.exec(`DELETE FROM registry_queue WHERE offering_id = $1`, offeringID)
	return err
}

// Reindex rebuilds the registry entry of every offering that has an
// approved version or an entry, in transactions of a few hundred, and
// returns how many it indexed or removed.
func (s *Store) Reindex(ctx context.Context) (int, error) {
	err := s.WithTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(`INSERT INTO registry_queue (offering_id)
			SELECT id FROM offerings WHERE approved_version > 0 OR id IN (SELECT offering_id FROM registry_entries)
			ON CONFLICT DO NOTHING`)
		return err
	})
	if err != nil {
		return 0, err
	}
	return s.RefreshRegistry(ctx)
}

// RefreshRegistry indexes every queued offering, in transactions of a few
// hundred, and returns how many. Searches do this for a few hundred at a
// time themselves; a background job or a command may call it to keep
// searches from paying for a large change, such as an institution's
// rename.
func (s *Store) RefreshRegistry(ctx context.Context) (int, error) {
	return s.refreshRegistry(ctx, 0)
}

// refreshOnRead indexes some of the queue before a read answers. Lock
// contention does not fail the read, which then answers from the index
// as it stands.
func (s *Store) refreshOnRead(ctx context.Context) error {
	if _, err := s.refreshRegistry(ctx, registryRefreshOnRead); err != nil && !IsRetryable(err) {
		return err
	}
	return nil
}

// refreshRegistry indexes up to limit queued offerings (all when limit is
// 0) and returns how many.
func (s *Store) refreshRegistry(ctx context.Context, limit int) (int, error) {
	var queued bool
	if err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM registry_queue)`).Scan(&queued); err != nil {
		return 0, s.translate(fmt.Errorf("read registry queue: %w", err))
	}
	if !queued {
		return 0, nil
	}
	done := 0
	for limit <= 0 || done < limit {
		n := registryBatch
		if limit > 0 {
			n = min(n, limit-done)
		}
		var got int
		err := s.WithTx(ctx, func(tx *Tx) error {
			ids, err := tx.claimQueued(n)
			if err != nil {
				return err
			}
			got = len(ids)
			if got == 0 {
				return nil
			}
			// Dequeued first: indexing a stack queues its parts again,
			// which may be among ids (see registryIndexer.index).
			args, in := idList(ids, 0)
			if _, err := tx.exec(`DELETE FROM registry_queue WHERE offering_id IN (`+in+`)`, args...); err != nil {
				return err
			}
			ix := newRegistryIndexer(tx)
			defer ix.close()
			return ix.index(ids)
		})
		if err != nil {
			return done, err
		}
		done += got
		if got == 0 {
			break
		}
	}
	if done >= registryAnalyzeAfter {
		// Fresh statistics let the planner pick the most selective
		// filter's index; without them it guesses.
		if _, err := s.db.ExecContext(ctx, `ANALYZE registry_entries`); err != nil {
			return done, s.translate(fmt.Errorf("analyze registry: %w", err))
		}
		if _, err := s.db.ExecContext(ctx, `ANALYZE registry_competencies`); err != nil {
			return done, s.translate(fmt.Errorf("analyze registry: %w", err))
		}
		if s.engine == PostgreSQL {
			if _, err := s.db.ExecContext(ctx, `ANALYZE registry_search`); err != nil {
				return done, s.translate(fmt.Errorf("analyze registry: %w", err))
			}
		}
	}
	return done, nil
}

// claimQueued returns up to n queued offerings, locking them on
// PostgreSQL so that other instances refreshing at the same time take
// others. (A SQLite write transaction already runs alone.)
func (tx *Tx) claimQueued(n int) ([]int64, error) {
	q := `SELECT offering_id FROM registry_queue ORDER BY offering_id LIMIT $1`
	if tx.s.engine == PostgreSQL {
		q += ` FOR UPDATE SKIP LOCKED`
	}
	return list(tx, func(r *sql.Rows) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	}, q, n)
}

// idList returns ids as arguments and the placeholders naming them,
// numbered after the first skip arguments.
func idList(ids []int64, skip int) ([]any, string) {
	args := make([]any, len(ids))
	ph := make([]string, len(ids))
	for i, id := range ids {
		args[i] = id
		ph[i] = "$" + strconv.Itoa(skip+i+1)
	}
	return args, strings.Join(ph, ", ")
}

// registryIndexer indexes offerings within one transaction, remembering
// the institutions, units and policy profiles it has read and the
// statements it has prepared.
type registryIndexer struct {
	tx       *Tx
	insts    map[int64]org.Institution
	units    map[int64]string
	profiles map[string]*policy.Profile
	stmts    map[string]*sql.Stmt
}

func newRegistryIndexer(tx *Tx) *registryIndexer {
	return &registryIndexer{tx: tx, insts: map[int64]org.Institution{}, units: map[int64]string{},
		profiles: map[string]*policy.Profile{}, stmts: map[string]*sql.Stmt{}}
}

func (ix *registryIndexer) close() {
	for _, st := range ix.stmts {
		st.Close()
	}
}

// exec runs a statement, prepared once per indexer.
func (ix *registryIndexer) exec(query string, args ...any) error {
	st, err := ix.stmt(query)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(ix.tx.ctx, args...)
	return ix.tx.s.translate(err)
}

func (ix *registryIndexer) stmt(query string) (*sql.Stmt, error) {
	if st, ok := ix.stmts[query]; ok {
		return st, nil
	}
	st, err := ix.tx.sql.PrepareContext(ix.tx.ctx, query)
	if err != nil {
		return nil, ix.tx.s.translate(err)
	}
	ix.stmts[query] = st
	return st, nil
}

// registryRow is what indexing reads of one offering and its approved
// version; form is empty when the version is missing.
type registryRow struct {
	id, institutionID, unitID  int64
	status                     catalog.Status
	approvedVersion            int
	approvedAt, lastReviewedAt time.Time
	form, hash                 string
	submittedAt                time.Time
	// stacks are the stacks it is a part of by rule.
	stacks []registry.StackRef
}

// index brings the entries of the offerings up to date.
func (ix *registryIndexer) index(ids []int64) error {
	args, in := idList(ids, 0)
	rows, err := list(ix.tx, func(r *sql.Rows) (registryRow, error) {
		var row registryRow
		var status string
		var form, hash sql.NullString
		err := r.Scan(&row.id, &row.institutionID, ref(&row.unitID), &status, &row.approvedVersion,
			at(&row.approvedAt), at(&row.lastReviewedAt), &form, &hash, at(&row.submittedAt))
		row.status, row.form, row.hash = catalog.Status(status), form.String, hash.String
		return row, err
	}, `SELECT o.id, o.institution_id, o.unit_id, o.status, o.approved_version, o.approved_at, o.last_reviewed_at,
			v.form, v.hash, v.submitted_at
		FROM offerings o LEFT JOIN offering_versions v ON v.offering_id = o.id AND v.number = o.approved_version
		WHERE o.id IN (`+in+`)`, args...)
	if err != nil {
		return err
	}
	stacks, err := ix.tx.stacksOf(ids...)
	if err != nil {
		return err
	}
	// A stack's parts list it by its title and registry page, which
	// may have changed with it.
	if _, err := ix.tx.exec(`INSERT INTO registry_queue (offering_id) SELECT sp.offering_id FROM stack_parts sp
		JOIN stacks s ON s.id = sp.stack_id WHERE s.offering_id IN (`+in+`) ON CONFLICT DO NOTHING`, args...); err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, row := range rows {
		seen[row.id] = true
		for _, st := range stacks[row.id] {
			row.stacks = append(row.stacks, registry.StackRef{Name: st.name, Institution: st.institution, Offering: st.offering})
		}
		l, doc, ok, err := ix.label(row)
		if err != nil {
			return err
		}
		if !ok {
			if err := ix.unindex(row.id); err != nil {
				return err
			}
			continue
		}
		if err := ix.write(row, l, doc); err != nil {
			return err
		}
	}
	for _, id := range ids {
		if !seen[id] {
			if err := ix.unindex(id); err != nil {
				return err
			}
		}
	}
	return nil
}

// label builds the label of a published offering; ok is false for one
// that is not published, or whose approved version is missing or does not
// match its recorded hash (the registry shows nothing rather than
// something unapproved).
func (ix *registryIndexer) label(row registryRow) (l registry.Label, doc registry.Document, ok bool, err error) {
	if !registry.Published(row.status) || row.approvedVersion == 0 || row.form == "" {
		return l, doc, false, nil
	}
	var f catalog.Form
	if err := json.Unmarshal([]byte(row.form), &f); err != nil {
		return l, doc, false, nil
	}
	v, err := catalog.RestoreVersion(row.approvedVersion, f, row.submittedAt, row.hash)
	if err != nil {
		return l, doc, false, nil
	}
	inst, err := ix.institution(row.institutionID)
	if err != nil {
		return l, doc, false, err
	}
	unit, err := ix.unit(row.unitID)
	if err != nil {
		return l, doc, false, err
	}
	months, err := ix.reviewMonths(inst.PolicyProfile, f.Kind)
	if err != nil {
		return l, doc, false, err
	}
	slug, err := ix.slug(row.id, row.institutionID, f.Title)
	if err != nil {
		return l, doc, false, err
	}
	l, err = registry.NewLabel(registry.Source{
		OfferingID:  row.id,
		Slug:        slug,
		Institution: registry.Institution{Slug: inst.Slug, Name: inst.Name, IssuerDID: inst.IssuerDID},
		Unit:        unit, Status: row.status, Version: v,
		ApprovedAt: row.approvedAt, LastReviewedAt: row.lastReviewedAt, ReviewEveryMonths: months,
		Stacks: row.stacks,
	})
	if err != nil {
		return l, doc, false, nil
	}
	return l, capDocument(l.Document()), true, nil
}

// capDocument keeps at most maxDocumentWords words, taking them from the
// body first.
func capDocument(d registry.Document) registry.Document {
	title, comps, body := strings.Fields(d.Title), strings.Fields(d.Competencies), strings.Fields(d.Body)
	room := maxDocumentWords
	cut := func(ws []string) string {
		ws = ws[:min(len(ws), room)]
		room -= len(ws)
		return strings.Join(ws, " ")
	}
	return registry.Document{Title: cut(title), Competencies: cut(comps), Body: cut(body)}
}

func (ix *registryIndexer) institution(id int64) (org.Institution, error) {
	if i, ok := ix.insts[id]; ok {
		return i, nil
	}
	i, err := ix.tx.institution(`WHERE id = $1`, id)
	if err != nil {
		return i, err
	}
	ix.insts[id] = i
	return i, nil
}

func (ix *registryIndexer) unit(id int64) (string, error) {
	if id == 0 {
		return "", nil
	}
	if name, ok := ix.units[id]; ok {
		return name, nil
	}
	var name string
	if err := ix.tx.get("org unit", `SELECT name FROM org_units WHERE id = $1`, []any{id}, &name); err != nil {
		return "", err
	}
	ix.units[id] = name
	return name, nil
}

// reviewMonths is the period of the periodic review the institution's
// policy profile sets for offerings of kind k; 0 when it sets none. Only
// the profiles shipped with cairn are known here; an institution under
// another profile shows no next review date.
func (ix *registryIndexer) reviewMonths(profile string, k catalog.Kind) (int, error) {
	p, ok := ix.profiles[profile]
	if !ok {
		var err error
		p, err = policy.Builtin(profile)
		if err != nil && !is(err, apperror.NotFound) {
			return 0, fmt.Errorf("registry: policy profile %s: %w", profile, err)
		}
		ix.profiles[profile] = p
	}
	if p == nil || p.Processes.AnnualReview == nil || !p.Processes.AnnualReview.Applies(k) {
		return 0, nil
	}
	return p.Processes.AnnualReview.EveryMonths, nil
}

// slug returns the offering's slug, claiming one derived from its title
// when it has none: the title's slug, or failing that the first of
// "-2", "-3", ... appended that the institution has not used.
func (ix *registryIndexer) slug(offeringID, institutionID int64, title string) (string, error) {
	var slug string
	err := ix.tx.get("registry slug", `SELECT slug FROM registry_slugs WHERE offering_id = $1`, []any{offeringID}, &slug)
	if err == nil || !is(err, apperror.NotFound) {
		return slug, err
	}
	base := registry.Slugify(title)
	for range maxSlugTries {
		taken := map[string]bool{}
		names, err := list(ix.tx, func(r *sql.Rows) (string, error) {
			var s string
			return s, r.Scan(&s)
		}, `SELECT slug FROM registry_slugs WHERE institution_id = $1 AND slug >= $2 AND slug < $3 LIMIT 100000`,
			// base and base-N, since '-' is the one slug byte below '.'
			institutionID, base, base+".")
		if err != nil {
			return "", err
		}
		for _, n := range names {
			taken[n] = true
		}
		cand := base
		for n := 2; taken[cand]; n++ {
			suffix := "-" + strconv.Itoa(n)
			cand = strings.TrimRight(base[:min(len(base), 64-len(suffix))], "-") + suffix
		}
		err = ix.tx.get("registry slug", `INSERT INTO registry_slugs (offering_id, institution_id, slug) VALUES ($1, $2, $3)
			ON CONFLICT DO NOTHING RETURNING slug`, []any{offeringID, institutionID, cand}, &slug)
		if err == nil {
			return slug, nil
		}
		if !is(err, apperror.NotFound) {
			return "", err
		}
		// Someone else took the slug, or gave this offering one, meanwhile.
		err = ix.tx.get("registry slug", `SELECT slug FROM registry_slugs WHERE offering_id = $1`, []any{offeringID}, &slug)
		if err == nil || !is(err, apperror.NotFound) {
			return slug, err
		}
	}
	return "", apperror.New(apperror.Conflict, "could not claim a registry slug for offering %d; try again", offeringID)
}

// write stores the entry of a published offering.
func (ix *registryIndexer) write(row registryRow, l registry.Label, doc registry.Document) error {
	credit := string(l.OfferedAs)
	if l.Interim {
		credit = creditInterim
	}
	// The institution is read live; the stored copies leave it out.
	stored := l
	stored.Institution, stored.Unit = registry.Institution{}, ""
	sum := stored.Summary()
	sumJSON, err := json.Marshal(sum)
	if err != nil {
		return fmt.Errorf("registry: encode summary: %w", err)
	}
	labelJSON, err := json.Marshal(stored)
	if err != nil {
		return fmt.Errorf("registry: encode label: %w", err)
	}
	tx := ix.tx
	err = ix.exec(`INSERT INTO registry_entries (offering_id, institution_id, unit_id, title_key, kind, credit, delivery,
			duration_hours, summary, indexed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (offering_id) DO UPDATE SET institution_id = excluded.institution_id, unit_id = excluded.unit_id,
			title_key = excluded.title_key, kind = excluded.kind, credit = excluded.credit, delivery = excluded.delivery,
			duration_hours = excluded.duration_hours, summary = excluded.summary, indexed_at = excluded.indexed_at`,
		row.id, row.institutionID, nullID(row.unitID), l.TitleKey(), string(l.Kind), credit,
		string(l.DeliveryMode), l.DurationHours, string(sumJSON), tx.ts(tx.now))
	if err != nil {
		return err
	}
	if tx.s.engine == PostgreSQL {
		err := ix.exec(`INSERT INTO registry_search (offering_id, institution_id, title_key, duration_hours, words)
				VALUES ($1, $2, $3, $4, $5::tsvector)
			ON CONFLICT (offering_id) DO UPDATE SET institution_id = excluded.institution_id, title_key = excluded.title_key,
				duration_hours = excluded.duration_hours, words = excluded.words`,
			row.id, row.institutionID, l.TitleKey(), l.DurationHours, tsVector(doc, entryFacets(row.institutionID, l)))
		if err != nil {
			return err
		}
	}
	if err := ix.exec(`INSERT INTO registry_labels (offering_id, label) VALUES ($1, $2)
		ON CONFLICT (offering_id) DO UPDATE SET label = excluded.label`, row.id, string(labelJSON)); err != nil {
		return err
	}
	if err := ix.exec(`DELETE FROM registry_competencies WHERE offering_id = $1`, row.id); err != nil {
		return err
	}
	for _, k := range l.CompetencyKeys() {
		if err := ix.exec(`INSERT INTO registry_competencies (key, offering_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, k, row.id); err != nil {
			return err
		}
	}
	if tx.s.engine == SQLite {
		if err := ix.exec(`DELETE FROM registry_text WHERE rowid = $1`, row.id); err != nil {
			return err
		}
		if err := ix.exec(`INSERT INTO registry_text (rowid, title, competencies, body, facets) VALUES ($1, $2, $3, $4, $5)`,
			row.id, doc.Title, doc.Competencies, doc.Body, strings.Join(entryFacets(row.institutionID, l), " ")); err != nil {
			return err
		}
		if err := ix.exec(`DELETE FROM registry_heads WHERE rowid = $1`, row.id); err != nil {
			return err
		}
		if err := ix.exec(`INSERT INTO registry_heads (rowid, title, competencies) VALUES ($1, $2, $3)`,
			row.id, doc.Title, doc.Competencies); err != nil {
			return err
		}
	}
	return nil
}

// tsVector writes a document in PostgreSQL's tsvector input syntax, for
// registry_search.words: the title's words with their positions and weight
// A, the competencies' with weight B, which is what ranking reads; the
// other words once each without a position, which matching needs and
// ranking weighs at nothing; then the facet tokens (see pgFacet). The
// words are package registry's, so no text search configuration reparses
// them. Positions stop at 16383 and a word keeps at most 255, PostgreSQL's
// limits.
func tsVector(d registry.Document, facets []string) string {
	var b strings.Builder
	pos := 0
	count := map[string]int{}
	for _, part := range []struct {
		text   string
		weight byte
	}{{d.Title, 'A'}, {d.Competencies, 'B'}} {
		for _, w := range strings.Fields(part.text) {
			if pos == 16383 {
				break
			}
			pos++
			if count[w] == 255 {
				continue
			}
			count[w]++
			fmt.Fprintf(&b, "'%s':%d%c ", w, pos, part.weight)
		}
	}
	for _, w := range strings.Fields(d.Body) {
		if count[w] == 0 {
			count[w] = 1
			b.WriteString("'" + w + "' ")
		}
	}
	for _, f := range facets {
		b.WriteString("'" + pgFacet(f) + "' ")
	}
	return b.String()
}

// unindex removes an offering's entry, if any; its slug stays.
func (ix *registryIndexer) unindex(id int64) error {
	if ix.tx.s.engine == SQLite {
		if err := ix.exec(`DELETE FROM registry_text WHERE rowid = $1`, id); err != nil {
			return err
		}
		if err := ix.exec(`DELETE FROM registry_heads WHERE rowid = $1`, id); err != nil {
			return err
		}
	}
	return ix.exec(`DELETE FROM registry_entries WHERE offering_id = $1`, id)
}
