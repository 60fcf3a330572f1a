-- The notification outbox: rows are claimed by one worker at a time under
-- a lease, then marked sent or failed.

CREATE TABLE notifications (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	institution_id INTEGER REFERENCES institutions (id),
	kind           TEXT NOT NULL CHECK (kind <> ''),
	recipient      TEXT NOT NULL CHECK (recipient <> ''),
	subject        TEXT NOT NULL,
	body           TEXT NOT NULL,
	dedupe_key     TEXT UNIQUE,
	status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'claimed', 'sent', 'failed')),
	attempts       INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	max_attempts   INTEGER NOT NULL CHECK (max_attempts > 0),
	available_at   TEXT NOT NULL,
	claimed_by     TEXT NOT NULL DEFAULT '',
	lease_until    TEXT,
	last_error     TEXT NOT NULL DEFAULT '',
	created_at     TEXT NOT NULL,
	sent_at        TEXT,
	CHECK (status <> 'claimed' OR (claimed_by <> '' AND lease_until IS NOT NULL))
) STRICT;
CREATE INDEX notifications_due ON notifications (status, available_at, id);
CREATE INDEX notifications_lease ON notifications (status, lease_until);
CREATE INDEX notifications_institution ON notifications (institution_id);
