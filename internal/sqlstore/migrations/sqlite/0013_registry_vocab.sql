-- The words registry_text indexes, in order, so that a search word
-- matched as a prefix can be looked up as the few words it begins (see
-- registry_search.go): FTS5 merges the whole list of every word with a
-- prefix before it returns the first match.
CREATE VIRTUAL TABLE registry_vocab USING fts5vocab (registry_text, row);
