-- The public registry (package cairn/internal/registry): an index of the
-- published offerings, built by sqlstore/registry.go from each offering's
-- approved version. Triggers queue an offering for indexing, in the same
-- transaction, whenever what the registry shows of it may have changed;
-- the store works through the queue before it answers from the index.

-- The slug an offering is published under, derived from its title when
-- first published. It is kept when the offering is unpublished, so its
-- URLs never change or pass to another offering.
CREATE TABLE registry_slugs (
	offering_id    INTEGER PRIMARY KEY REFERENCES offerings (id),
	institution_id INTEGER NOT NULL REFERENCES institutions (id),
	slug           TEXT NOT NULL CHECK (slug <> ''),
	UNIQUE (institution_id, slug)
) STRICT;

-- One published offering: the filters as columns, its line in search
-- results (summary, JSON) and the key results are ordered by. credit is
-- the credit status offered today: interim offerings are
-- 'interim_non_credit'.
CREATE TABLE registry_entries (
	offering_id    INTEGER PRIMARY KEY REFERENCES registry_slugs (offering_id),
	institution_id INTEGER NOT NULL REFERENCES institutions (id),
	unit_id        INTEGER REFERENCES org_units (id),
	title_key      TEXT NOT NULL,
	kind           TEXT NOT NULL,
	credit         TEXT NOT NULL,
	delivery       TEXT NOT NULL,
	duration_hours REAL NOT NULL CHECK (duration_hours >= 0),
	summary        TEXT NOT NULL,
	indexed_at     TEXT NOT NULL
) STRICT;
-- Each filter's index carries the title key, in the order results are
-- listed, and the duration, so a search by filters reads one index.
CREATE INDEX registry_entries_title ON registry_entries (title_key, offering_id, duration_hours);
CREATE INDEX registry_entries_institution ON registry_entries (institution_id, title_key, offering_id, duration_hours);
CREATE INDEX registry_entries_kind ON registry_entries (kind, title_key, offering_id, duration_hours);
CREATE INDEX registry_entries_credit ON registry_entries (credit, title_key, offering_id, duration_hours);
CREATE INDEX registry_entries_delivery ON registry_entries (delivery, title_key, offering_id, duration_hours);
CREATE INDEX registry_entries_unit ON registry_entries (unit_id);

-- The food label of each entry, as JSON.
CREATE TABLE registry_labels (
	offering_id INTEGER PRIMARY KEY REFERENCES registry_entries (offering_id) ON DELETE CASCADE,
	label       TEXT NOT NULL
) STRICT;

-- The competency filter: each entry under the folded name, code and URL
-- of each of its competencies.
CREATE TABLE registry_competencies (
	key         TEXT NOT NULL,
	offering_id INTEGER NOT NULL REFERENCES registry_entries (offering_id) ON DELETE CASCADE,
	PRIMARY KEY (key, offering_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX registry_competencies_offering ON registry_competencies (offering_id);

-- Full text, folded into words by package registry; the rowid is the
-- offering's id. facets holds the entry's filter values as tokens (see
-- registry_search.go), so that text and filters are one full-text query.
CREATE VIRTUAL TABLE registry_text USING fts5 (
	title, competencies, body, facets,
	content = '', contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 0'
);

-- The title and competencies again, which matches are ranked by (BM25,
-- the title weighing most): BM25 reads the whole list of every word it
-- scores, which for a word most descriptions use is long, and titles and
-- competencies are a tenth of the text.
CREATE VIRTUAL TABLE registry_heads USING fts5 (
	title, competencies,
	content = '', contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 0'
);
INSERT INTO registry_heads (registry_heads, rank) VALUES ('rank', 'bm25(10.0, 4.0)');

-- Offerings whose entry may be stale.
CREATE TABLE registry_queue (
	offering_id INTEGER PRIMARY KEY
) STRICT;

CREATE TRIGGER registry_offering_changed AFTER UPDATE ON offerings
WHEN NEW.status IS NOT OLD.status OR NEW.approved_version IS NOT OLD.approved_version
	OR NEW.approved_at IS NOT OLD.approved_at OR NEW.last_reviewed_at IS NOT OLD.last_reviewed_at
	OR NEW.unit_id IS NOT OLD.unit_id OR NEW.institution_id IS NOT OLD.institution_id
BEGIN
	INSERT INTO registry_queue (offering_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
END;

-- The institution's name is searched; its policy profile sets the review
-- cycle. Its slug, name and DID are read live, not from the index.
CREATE TRIGGER registry_institution_changed AFTER UPDATE ON institutions
WHEN NEW.name IS NOT OLD.name OR NEW.policy_profile IS NOT OLD.policy_profile
BEGIN
	INSERT INTO registry_queue (offering_id)
		SELECT offering_id FROM registry_entries WHERE institution_id = NEW.id
		ON CONFLICT DO NOTHING;
END;

-- The unit's name is searched.
CREATE TRIGGER registry_unit_changed AFTER UPDATE ON org_units
WHEN NEW.name IS NOT OLD.name
BEGIN
	INSERT INTO registry_queue (offering_id)
		SELECT offering_id FROM registry_entries WHERE unit_id = NEW.id
		ON CONFLICT DO NOTHING;
END;

-- Offerings published before this migration.
INSERT INTO registry_queue (offering_id) SELECT id FROM offerings WHERE approved_version > 0;
