-- Nothing on PostgreSQL: on SQLite this migration adds registry_vocab,
-- the words the full-text index holds, which PostgreSQL's prefix matching
-- does not need.
SELECT 1;
