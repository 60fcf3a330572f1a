-- A narrow table for registry search on PostgreSQL: per published
-- offering, what a search reads, so that a search for a word a few
-- percent of 100,000 offerings hold reads a thousand rows of a table that
-- stays in the buffer cache rather than of registry_entries, whose rows
-- carry the summary. words holds the offering's words, the title's with
-- weight A and the competencies' with weight B (with positions, for
-- ranking), the rest without positions, and its filter values as facet
-- tokens, each an underscore and the SQLite facet token (see
-- registry_search.go): words hold only letters and digits, so no search
-- word ever matches a facet token, and one GIN lookup intersects the words
-- and the filters a search asks for.
CREATE TABLE registry_search (
	offering_id    bigint PRIMARY KEY REFERENCES registry_entries (offering_id) ON DELETE CASCADE,
	institution_id bigint NOT NULL,
	title_key      text COLLATE "C" NOT NULL,
	duration_hours double precision NOT NULL,
	words          tsvector NOT NULL
);
CREATE INDEX registry_search_words ON registry_search USING GIN (words);
-- An institution's offerings, newest first: searches within one
-- institution walk it, whatever order institutions joined in.
CREATE INDEX registry_search_institution ON registry_search (institution_id, offering_id);
CREATE INDEX registry_search_title ON registry_search (title_key, offering_id);

-- registry_search answers every search now.
DROP INDEX registry_entries_document;
DROP INDEX registry_entries_title;
DROP INDEX registry_entries_kind;
DROP INDEX registry_entries_credit;
DROP INDEX registry_entries_delivery;
ALTER TABLE registry_entries DROP COLUMN document;

-- Index every published offering again, which fills registry_search.
INSERT INTO registry_queue (offering_id) SELECT offering_id FROM registry_entries ON CONFLICT DO NOTHING;
