-- The public registry (package cairn/internal/registry): an index of the
-- published offerings, built by sqlstore/registry.go from each offering's
-- approved version. Triggers queue an offering for indexing, in the same
-- transaction, whenever what the registry shows of it may have changed;
-- the store works through the queue before it answers from the index.

-- The slug an offering is published under, derived from its title when
-- first published. It is kept when the offering is unpublished, so its
-- URLs never change or pass to another offering. Slugs compare byte by
-- byte, so that a range of them is the same as on SQLite.
CREATE TABLE registry_slugs (
	offering_id    bigint PRIMARY KEY REFERENCES offerings (id),
	institution_id bigint NOT NULL REFERENCES institutions (id),
	slug           text COLLATE "C" NOT NULL CHECK (slug <> ''),
	UNIQUE (institution_id, slug)
);

-- One published offering: the filters as columns, its line in search
-- results (summary, JSON), the key results are ordered by (compared byte
-- by byte, as SQLite does) and its words with their positions and weights
-- (title A, competencies B, the rest C), written by package registry's
-- folding rather than a text search configuration, so both engines match
-- the same words. credit is the credit status offered today: interim
-- offerings are 'interim_non_credit'.
CREATE TABLE registry_entries (
	offering_id    bigint PRIMARY KEY REFERENCES registry_slugs (offering_id),
	institution_id bigint NOT NULL REFERENCES institutions (id),
	unit_id        bigint REFERENCES org_units (id),
	title_key      text COLLATE "C" NOT NULL,
	kind           text NOT NULL,
	credit         text NOT NULL,
	delivery       text NOT NULL,
	duration_hours double precision NOT NULL CHECK (duration_hours >= 0),
	summary        text NOT NULL,
	document       tsvector NOT NULL,
	indexed_at     timestamptz NOT NULL
);
-- Each filter's index carries the title key, in the order results are
-- listed, and the duration, so a search by filters reads one index.
CREATE INDEX registry_entries_title ON registry_entries (title_key, offering_id, duration_hours);
CREATE INDEX registry_entries_institution ON registry_entries (institution_id, title_key, offering_id, duration_hours);
CREATE INDEX registry_entries_kind ON registry_entries (kind, title_key, offering_id, duration_hours);
CREATE INDEX registry_entries_credit ON registry_entries (credit, title_key, offering_id, duration_hours);
CREATE INDEX registry_entries_delivery ON registry_entries (delivery, title_key, offering_id, duration_hours);
CREATE INDEX registry_entries_unit ON registry_entries (unit_id);
CREATE INDEX registry_entries_document ON registry_entries USING GIN (document);

-- The food label of each entry, as JSON.
CREATE TABLE registry_labels (
	offering_id bigint PRIMARY KEY REFERENCES registry_entries (offering_id) ON DELETE CASCADE,
	label       text NOT NULL
);

-- The competency filter: each entry under the folded name, code and URL
-- of each of its competencies.
CREATE TABLE registry_competencies (
	key         text NOT NULL,
	offering_id bigint NOT NULL REFERENCES registry_entries (offering_id) ON DELETE CASCADE,
	PRIMARY KEY (key, offering_id)
);
CREATE INDEX registry_competencies_offering ON registry_competencies (offering_id);

-- Offerings whose entry may be stale.
CREATE TABLE registry_queue (
	offering_id bigint PRIMARY KEY
);

CREATE FUNCTION registry_queue_offering() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO registry_queue (offering_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
	RETURN NULL;
END;
$$;
CREATE TRIGGER registry_offering_changed AFTER UPDATE ON offerings FOR EACH ROW
	WHEN (NEW.status IS DISTINCT FROM OLD.status OR NEW.approved_version IS DISTINCT FROM OLD.approved_version
		OR NEW.approved_at IS DISTINCT FROM OLD.approved_at OR NEW.last_reviewed_at IS DISTINCT FROM OLD.last_reviewed_at
		OR NEW.unit_id IS DISTINCT FROM OLD.unit_id OR NEW.institution_id IS DISTINCT FROM OLD.institution_id)
	EXECUTE FUNCTION registry_queue_offering();

-- The institution's name is searched; its policy profile sets the review
-- cycle. Its slug, name and DID are read live, not from the index.
CREATE FUNCTION registry_queue_institution() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO registry_queue (offering_id)
		SELECT offering_id FROM registry_entries WHERE institution_id = NEW.id
		ON CONFLICT DO NOTHING;
	RETURN NULL;
END;
$$;
CREATE TRIGGER registry_institution_changed AFTER UPDATE ON institutions FOR EACH ROW
	WHEN (NEW.name IS DISTINCT FROM OLD.name OR NEW.policy_profile IS DISTINCT FROM OLD.policy_profile)
	EXECUTE FUNCTION registry_queue_institution();

-- The unit's name is searched.
CREATE FUNCTION registry_queue_unit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO registry_queue (offering_id)
		SELECT offering_id FROM registry_entries WHERE unit_id = NEW.id
		ON CONFLICT DO NOTHING;
	RETURN NULL;
END;
$$;
CREATE TRIGGER registry_unit_changed AFTER UPDATE ON org_units FOR EACH ROW
	WHEN (NEW.name IS DISTINCT FROM OLD.name)
	EXECUTE FUNCTION registry_queue_unit();

-- Offerings published before this migration.
INSERT INTO registry_queue (offering_id) SELECT id FROM offerings WHERE approved_version > 0;
