-- Awards (issued credentials), the Bitstring Status Lists that revoke and
-- suspend them, and bulk-award batches with their rows. An award's key
-- (learner, offering version, run) is unique, so a batch resumed after a
-- crash, or run again, issues nothing twice; its status list indexes are
-- unique too, so no index is ever given to two awards.

-- A status list of one issuer and purpose. Indexes are handed out in a
-- keyed pseudorandom order (package cairn/internal/status Allocator):
-- allocated counts those handed out and only grows. The bits are not
-- stored: they are the awards revoked (or suspended) on the list.
-- credential is the signed list credential as last published, stale once
-- a bit changes until it is signed again.
CREATE TABLE status_lists (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	institution_id INTEGER NOT NULL REFERENCES institutions (id),
	issuer         TEXT NOT NULL CHECK (issuer <> ''),
	purpose        TEXT NOT NULL CHECK (purpose IN ('revocation', 'suspension')),
	length         INTEGER NOT NULL CHECK (length > 0 AND length % 8 = 0),
	alloc_key      BLOB NOT NULL CHECK (length(alloc_key) = 32),
	allocated      INTEGER NOT NULL DEFAULT 0 CHECK (allocated >= 0 AND allocated <= length),
	credential     TEXT NOT NULL DEFAULT '',
	stale          INTEGER NOT NULL DEFAULT 1 CHECK (stale IN (0, 1)),
	signed_at      TEXT,
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL
) STRICT;
CREATE INDEX status_lists_open ON status_lists (institution_id, issuer, purpose, id);

-- A bulk award: a CSV file's rows, checked (preview), confirmed (queued),
-- then run by one worker at a time under a lease. claim_no grows with
-- every claim and fences off a worker whose lease was taken over;
-- next_slot is how far the rows to award are done.
CREATE TABLE award_batches (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	institution_id INTEGER NOT NULL REFERENCES institutions (id),
	offering_id    INTEGER NOT NULL,
	version        INTEGER NOT NULL,
	run_id         INTEGER REFERENCES offering_runs (id),
	source         TEXT NOT NULL DEFAULT '',
	require_known  INTEGER NOT NULL DEFAULT 0 CHECK (require_known IN (0, 1)),
	state          TEXT NOT NULL CHECK (state IN ('preview', 'queued', 'running', 'done', 'failed', 'cancelled')),
	total          INTEGER NOT NULL CHECK (total >= 0),
	invalid        INTEGER NOT NULL CHECK (invalid >= 0),
	to_award       INTEGER NOT NULL CHECK (to_award >= 0 AND invalid + to_award <= total),
	next_slot      INTEGER NOT NULL DEFAULT 0 CHECK (next_slot >= 0 AND next_slot <= to_award),
	issued         INTEGER NOT NULL DEFAULT 0,
	existing       INTEGER NOT NULL DEFAULT 0,
	failed         INTEGER NOT NULL DEFAULT 0,
	reserved_by    TEXT NOT NULL DEFAULT '',
	claimed_by     TEXT NOT NULL DEFAULT '',
	claim_no       INTEGER NOT NULL DEFAULT 0,
	lease_until    TEXT,
	error          TEXT NOT NULL DEFAULT '',
	created_by     INTEGER REFERENCES people (id) ON DELETE SET NULL,
	confirmed_by   INTEGER REFERENCES people (id) ON DELETE SET NULL,
	created_at     TEXT NOT NULL,
	confirmed_at   TEXT,
	started_at     TEXT,
	finished_at    TEXT,
	updated_at     TEXT NOT NULL,
	FOREIGN KEY (offering_id, version) REFERENCES offering_versions (offering_id, number),
	CHECK (state <> 'running' OR (claimed_by <> '' AND lease_until IS NOT NULL))
) STRICT;
CREATE INDEX award_batches_ready ON award_batches (state, id);
CREATE INDEX award_batches_offering ON award_batches (offering_id, id);

-- The status list indexes reserved for a batch: slots first_slot ..
-- first_slot+count-1 get the allocations first_counter.. of the list.
CREATE TABLE award_batch_ranges (
	batch_id      INTEGER NOT NULL REFERENCES award_batches (id),
	purpose       TEXT NOT NULL CHECK (purpose IN ('revocation', 'suspension')),
	first_slot    INTEGER NOT NULL CHECK (first_slot >= 0),
	list_id       INTEGER NOT NULL REFERENCES status_lists (id),
	first_counter INTEGER NOT NULL CHECK (first_counter >= 0),
	count         INTEGER NOT NULL CHECK (count > 0),
	PRIMARY KEY (batch_id, purpose, first_slot)
) STRICT;

-- An issued credential. credential is the JSON (with its Data Integrity
-- proof when the institution issues DI), jwt the VC-JOSE form if issued.
-- The learner is kept only as a hash of the normalized email (and the
-- person, when known). A correction replaces an award (replaces_id), which
-- is revoked and gives its key up to the correction.
CREATE TABLE awards (
	id               INTEGER PRIMARY KEY AUTOINCREMENT,
	institution_id   INTEGER NOT NULL REFERENCES institutions (id),
	award_key        TEXT NOT NULL UNIQUE CHECK (length(award_key) = 64),
	credential_id    TEXT NOT NULL UNIQUE CHECK (credential_id <> ''),
	email_hash       TEXT NOT NULL CHECK (length(email_hash) = 64),
	person_id        INTEGER REFERENCES people (id) ON DELETE SET NULL,
	offering_id      INTEGER NOT NULL,
	version          INTEGER NOT NULL,
	run_id           INTEGER REFERENCES offering_runs (id),
	batch_id         INTEGER REFERENCES award_batches (id),
	replaces_id      INTEGER UNIQUE REFERENCES awards (id),
	credits          REAL NOT NULL DEFAULT 0 CHECK (credits >= 0),
	credential       TEXT NOT NULL,
	jwt              TEXT NOT NULL DEFAULT '',
	revocation_list  INTEGER NOT NULL REFERENCES status_lists (id),
	revocation_index INTEGER NOT NULL CHECK (revocation_index >= 0),
	suspension_list  INTEGER NOT NULL REFERENCES status_lists (id),
	suspension_index INTEGER NOT NULL CHECK (suspension_index >= 0),
	status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'revoked')),
	status_reason    TEXT NOT NULL DEFAULT '',
	status_by        INTEGER REFERENCES people (id) ON DELETE SET NULL,
	status_at        TEXT,
	issued_at        TEXT NOT NULL,
	valid_until      TEXT,
	created_by       INTEGER REFERENCES people (id) ON DELETE SET NULL,
	created_at       TEXT NOT NULL,
	FOREIGN KEY (offering_id, version) REFERENCES offering_versions (offering_id, number),
	UNIQUE (revocation_list, revocation_index),
	UNIQUE (suspension_list, suspension_index)
) STRICT;
CREATE INDEX awards_learner ON awards (email_hash, id);
CREATE INDEX awards_person ON awards (person_id, id);
CREATE INDEX awards_offering ON awards (offering_id, version, id);
CREATE INDEX awards_batch ON awards (batch_id);
CREATE INDEX awards_revoked ON awards (revocation_list, revocation_index) WHERE status = 'revoked';
CREATE INDEX awards_suspended ON awards (suspension_list, suspension_index) WHERE status = 'suspended';

-- One row of a batch's file, by its position (ordinal). Rows to award
-- have a slot, their position among those rows; state says what became of
-- each.
CREATE TABLE award_batch_rows (
	batch_id     INTEGER NOT NULL REFERENCES award_batches (id),
	ordinal      INTEGER NOT NULL CHECK (ordinal >= 0),
	line         INTEGER NOT NULL CHECK (line > 0),
	slot         INTEGER CHECK (slot >= 0),
	email        TEXT NOT NULL,
	name         TEXT NOT NULL DEFAULT '',
	result       TEXT NOT NULL DEFAULT '',
	evidence_url TEXT NOT NULL DEFAULT '',
	did          TEXT NOT NULL DEFAULT '',
	issued_on    TEXT,
	person_id    INTEGER REFERENCES people (id) ON DELETE SET NULL,
	state        TEXT NOT NULL CHECK (state IN ('invalid', 'pending', 'issued', 'existing', 'failed')),
	error_field  TEXT NOT NULL DEFAULT '',
	error        TEXT NOT NULL DEFAULT '',
	award_id     INTEGER REFERENCES awards (id),
	PRIMARY KEY (batch_id, ordinal),
	UNIQUE (batch_id, slot),
	CHECK (state <> 'invalid' OR slot IS NULL),
	CHECK (state <> 'pending' OR slot IS NOT NULL),
	CHECK (state NOT IN ('issued', 'existing') OR award_id IS NOT NULL)
) STRICT;
