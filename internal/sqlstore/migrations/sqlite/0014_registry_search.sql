-- Nothing on SQLite: on PostgreSQL this migration adds registry_search, a
-- narrow table for registry search; on SQLite the FTS5 table registry_text
-- already holds the words and the filters' facet tokens.
SELECT 1;
