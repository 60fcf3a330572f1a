-- The audit log: an append-only, hash-chained list of events (see package
-- cairn/internal/audit for the hash). data holds the event's JSON bytes
-- exactly as hashed (text, never jsonb, which would reorder keys).
-- audit_head holds the newest seq; an append locks that row (SELECT … FOR
-- UPDATE) and updates it in the same transaction, so appends are serialized
-- and the chain cannot fork.

CREATE TABLE audit_log (
	seq         bigint PRIMARY KEY CHECK (seq > 0),
	at          timestamptz NOT NULL,
	institution text NOT NULL DEFAULT '',
	actor       text NOT NULL,
	action      text NOT NULL CHECK (action <> ''),
	subject     text NOT NULL DEFAULT '',
	data        text NOT NULL DEFAULT '',
	prev_hash   bytea NOT NULL CHECK (octet_length(prev_hash) = 32),
	hash        bytea NOT NULL UNIQUE CHECK (octet_length(hash) = 32)
);
CREATE INDEX audit_log_institution ON audit_log (institution, seq);
CREATE INDEX audit_log_subject ON audit_log (subject, seq);

CREATE TABLE audit_head (
	id  integer PRIMARY KEY CHECK (id = 1),
	seq bigint NOT NULL CHECK (seq >= 0)
);
INSERT INTO audit_head (id, seq) VALUES (1, 0);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
