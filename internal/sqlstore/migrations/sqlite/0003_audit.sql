-- The audit log: an append-only, hash-chained list of events (see package
-- cairn/internal/audit for the hash). data holds the event's JSON bytes
-- exactly as hashed. audit_head holds the newest seq; an append updates it
-- in the same write transaction, so appends are serialized and the chain
-- cannot fork.

CREATE TABLE audit_log (
	seq         INTEGER PRIMARY KEY CHECK (seq > 0),
	at          TEXT NOT NULL,
	institution TEXT NOT NULL DEFAULT '',
	actor       TEXT NOT NULL,
	action      TEXT NOT NULL CHECK (action <> ''),
	subject     TEXT NOT NULL DEFAULT '',
	data        TEXT NOT NULL DEFAULT '',
	prev_hash   BLOB NOT NULL CHECK (length(prev_hash) = 32),
	hash        BLOB NOT NULL UNIQUE CHECK (length(hash) = 32)
) STRICT;
CREATE INDEX audit_log_institution ON audit_log (institution, seq);
CREATE INDEX audit_log_subject ON audit_log (subject, seq);

CREATE TABLE audit_head (
	id  INTEGER PRIMARY KEY CHECK (id = 1),
	seq INTEGER NOT NULL CHECK (seq >= 0)
) STRICT;
INSERT INTO audit_head (id, seq) VALUES (1, 0);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;
