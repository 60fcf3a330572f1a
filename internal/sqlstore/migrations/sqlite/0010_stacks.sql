-- Stacks, ladders, prior learning (PLAR) records and verification counts
-- (issue 5 items 7 and 9).
--
-- A stack is a larger credential (one of the institution's offerings) with
-- a rule over a set of parts (other offerings): all of them, n of them, or
-- at least min_credits credits from them. When a learner's awards (and,
-- where the policy profile allows, PLAR records) complete it, the larger
-- credential is awarded; stack_completions records that once per learner.
CREATE TABLE stacks (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	institution_id INTEGER NOT NULL REFERENCES institutions (id),
	offering_id    INTEGER NOT NULL UNIQUE REFERENCES offerings (id),
	rule           TEXT NOT NULL CHECK (rule IN ('all', 'n_of', 'credits')),
	n              INTEGER NOT NULL DEFAULT 0 CHECK (n >= 0),
	min_credits    REAL NOT NULL DEFAULT 0 CHECK (min_credits >= 0),
	created_by     INTEGER REFERENCES people (id) ON DELETE SET NULL,
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL
) STRICT;
CREATE INDEX stacks_institution ON stacks (institution_id, id);

CREATE TABLE stack_parts (
	stack_id    INTEGER NOT NULL REFERENCES stacks (id) ON DELETE CASCADE,
	offering_id INTEGER NOT NULL REFERENCES offerings (id),
	PRIMARY KEY (stack_id, offering_id)
) STRICT;
CREATE INDEX stack_parts_offering ON stack_parts (offering_id);

CREATE TABLE stack_completions (
	stack_id     INTEGER NOT NULL REFERENCES stacks (id) ON DELETE CASCADE,
	email_hash   TEXT NOT NULL CHECK (length(email_hash) = 64),
	award_id     INTEGER NOT NULL REFERENCES awards (id),
	completed_at TEXT NOT NULL,
	PRIMARY KEY (stack_id, email_hash)
) STRICT;
CREATE INDEX stack_completions_at ON stack_completions (completed_at);

-- A ladder: a pathway from a micro-credential into a program. It is only a
-- record of what the credential may count toward; faculty decide each
-- learner's case through PLAR, and nothing is ever granted automatically.
CREATE TABLE ladders (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	institution_id INTEGER NOT NULL REFERENCES institutions (id),
	offering_id    INTEGER NOT NULL REFERENCES offerings (id),
	program        TEXT NOT NULL CHECK (program <> ''),
	counts_toward  TEXT NOT NULL CHECK (counts_toward <> ''),
	created_by     INTEGER REFERENCES people (id) ON DELETE SET NULL,
	created_at     TEXT NOT NULL
) STRICT;
CREATE INDEX ladders_offering ON ladders (offering_id);

-- A prior learning assessment and recognition decision about one learner:
-- either that prior learning stands for an offering (offering_id, which
-- counts toward stacks where the profile allows) or a faculty decision on
-- a ladder into a program (ladder_id, recorded only).
CREATE TABLE plar_records (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	institution_id INTEGER NOT NULL REFERENCES institutions (id),
	email_hash     TEXT NOT NULL CHECK (length(email_hash) = 64),
	offering_id    INTEGER REFERENCES offerings (id),
	ladder_id      INTEGER REFERENCES ladders (id),
	decision       TEXT NOT NULL CHECK (decision IN ('granted', 'denied')),
	credits        REAL NOT NULL DEFAULT 0 CHECK (credits >= 0),
	decided_by     TEXT NOT NULL CHECK (decided_by <> ''),
	decided_on     TEXT NOT NULL,
	note           TEXT NOT NULL DEFAULT '',
	created_by     INTEGER REFERENCES people (id) ON DELETE SET NULL,
	created_at     TEXT NOT NULL,
	CHECK ((offering_id IS NULL) <> (ladder_id IS NULL))
) STRICT;
CREATE INDEX plar_records_learner ON plar_records (email_hash, id);

-- Verification requests answered, per day, endpoint and outcome.
CREATE TABLE verification_counts (
	day      TEXT NOT NULL,
	endpoint TEXT NOT NULL,
	outcome  TEXT NOT NULL,
	count    INTEGER NOT NULL CHECK (count >= 0),
	PRIMARY KEY (day, endpoint, outcome)
) STRICT;
