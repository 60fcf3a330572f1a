-- Offerings and their submitted versions, approval cases and every record a
-- case keeps (package cairn/internal/approval), and the processes around
-- approved offerings. Case records are numbered per case (no) and written
-- once; the few that change (an assignment replaced, a consultation
-- answered, a deadline paused) are updated in place. Versions, ballots,
-- reviews, decisions and signatures are never updated or deleted.

CREATE TABLE offerings (
	id               INTEGER PRIMARY KEY AUTOINCREMENT,
	institution_id   INTEGER NOT NULL REFERENCES institutions (id),
	unit_id          INTEGER REFERENCES org_units (id),
	kind             TEXT NOT NULL DEFAULT '',
	title            TEXT NOT NULL DEFAULT '',
	status           TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'approved',
		'approved_interim_non_credit', 'active', 'under_review', 'discontinued')),
	draft            TEXT NOT NULL,
	approved_version INTEGER NOT NULL DEFAULT 0 CHECK (approved_version >= 0),
	approved_at      TEXT,
	last_reviewed_at TEXT,
	version          INTEGER NOT NULL DEFAULT 1 CHECK (version > 0),
	created_at       TEXT NOT NULL,
	updated_at       TEXT NOT NULL
) STRICT;
CREATE INDEX offerings_institution ON offerings (institution_id, status, id);
CREATE INDEX offerings_unit ON offerings (unit_id);

-- A submitted version: the form as canonical JSON and its SHA-256.
CREATE TABLE offering_versions (
	offering_id  INTEGER NOT NULL REFERENCES offerings (id),
	number       INTEGER NOT NULL CHECK (number > 0),
	form         TEXT NOT NULL,
	hash         TEXT NOT NULL CHECK (length(hash) = 64),
	submitted_at TEXT NOT NULL,
	PRIMARY KEY (offering_id, number)
) STRICT;
CREATE TRIGGER offering_versions_no_update BEFORE UPDATE ON offering_versions
BEGIN
	SELECT RAISE(ABORT, 'a submitted version is immutable');
END;
CREATE TRIGGER offering_versions_no_delete BEFORE DELETE ON offering_versions
BEGIN
	SELECT RAISE(ABORT, 'a submitted version is immutable');
END;

-- A run (intake) of an approved offering.
CREATE TABLE offering_runs (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	offering_id INTEGER NOT NULL REFERENCES offerings (id),
	starts_on   TEXT NOT NULL,
	ends_on     TEXT,
	created_at  TEXT NOT NULL,
	CHECK (ends_on IS NULL OR ends_on >= starts_on)
) STRICT;
CREATE INDEX offering_runs_offering ON offering_runs (offering_id, starts_on);

CREATE TABLE approval_cases (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	institution_id INTEGER NOT NULL REFERENCES institutions (id),
	offering_id    INTEGER NOT NULL REFERENCES offerings (id),
	unit_id        INTEGER REFERENCES org_units (id),
	unit_category  TEXT NOT NULL DEFAULT '',
	track          TEXT NOT NULL CHECK (track <> ''),
	status         TEXT NOT NULL CHECK (status IN ('open', 'with_proponent', 'approved', 'closed', 'withdrawn')),
	result         TEXT NOT NULL DEFAULT '',
	step           TEXT NOT NULL,
	visit          INTEGER NOT NULL CHECK (visit >= 0),
	interim        INTEGER NOT NULL DEFAULT 0 CHECK (interim IN (0, 1)),
	offer_as       TEXT NOT NULL DEFAULT '',
	similar_offerings TEXT NOT NULL DEFAULT '[]',
	opened_at      TEXT NOT NULL,
	closed_at      TEXT,
	next_due_at    TEXT,
	version        INTEGER NOT NULL DEFAULT 1 CHECK (version > 0),
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL
) STRICT;
CREATE INDEX approval_cases_offering ON approval_cases (offering_id, id);
CREATE INDEX approval_cases_due ON approval_cases (institution_id, status, next_due_at);
-- An offering is in one open case at a time.
CREATE UNIQUE INDEX approval_cases_one_open ON approval_cases (offering_id) WHERE status IN ('open', 'with_proponent');

CREATE TABLE case_proponents (
	case_id   INTEGER NOT NULL REFERENCES approval_cases (id),
	person_id INTEGER NOT NULL REFERENCES people (id),
	PRIMARY KEY (case_id, person_id)
) STRICT;
CREATE INDEX case_proponents_person ON case_proponents (person_id);

CREATE TABLE case_versions (
	case_id       INTEGER NOT NULL REFERENCES approval_cases (id),
	offering_id   INTEGER NOT NULL,
	number        INTEGER NOT NULL,
	hash          TEXT NOT NULL,
	title         TEXT NOT NULL DEFAULT '',
	kind          TEXT NOT NULL DEFAULT '',
	credit_status TEXT NOT NULL DEFAULT '',
	requisite     INTEGER NOT NULL DEFAULT 0 CHECK (requisite IN (0, 1)),
	submitted_at  TEXT NOT NULL,
	PRIMARY KEY (case_id, number),
	UNIQUE (case_id, number, hash),
	FOREIGN KEY (offering_id, number) REFERENCES offering_versions (offering_id, number)
) STRICT;
CREATE INDEX case_versions_version ON case_versions (offering_id, number);

CREATE TABLE case_visits (
	case_id    INTEGER NOT NULL REFERENCES approval_cases (id),
	no         INTEGER NOT NULL CHECK (no > 0),
	step       TEXT NOT NULL,
	kind       TEXT NOT NULL,
	version    INTEGER NOT NULL,
	entered_at TEXT NOT NULL,
	left_at    TEXT,
	outcome    TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (case_id, no)
) STRICT;

CREATE TABLE case_deadlines (
	case_id      INTEGER NOT NULL REFERENCES approval_cases (id),
	no           INTEGER NOT NULL CHECK (no > 0),
	visit        INTEGER NOT NULL,
	kind         TEXT NOT NULL CHECK (kind IN ('step', 'review', 'consultation')),
	owner_id     INTEGER REFERENCES people (id),
	ref          INTEGER NOT NULL DEFAULT 0,
	starts_at    TEXT NOT NULL,
	days         INTEGER NOT NULL CHECK (days >= 0),
	pauses       TEXT NOT NULL DEFAULT '[]',
	met_at       TEXT,
	reminded_at  TEXT,
	escalated_at TEXT,
	PRIMARY KEY (case_id, no)
) STRICT;
CREATE INDEX case_deadlines_owner ON case_deadlines (owner_id);

CREATE TABLE case_assignments (
	case_id     INTEGER NOT NULL REFERENCES approval_cases (id),
	no          INTEGER NOT NULL CHECK (no > 0),
	visit       INTEGER NOT NULL,
	reviewer_id INTEGER NOT NULL REFERENCES people (id),
	assigned_by INTEGER REFERENCES people (id),
	assigned_at TEXT NOT NULL,
	deadline_no INTEGER NOT NULL DEFAULT 0,
	status      TEXT NOT NULL CHECK (status IN ('active', 'replaced', 'recused')),
	ended_at    TEXT,
	replaced_by INTEGER REFERENCES people (id),
	PRIMARY KEY (case_id, no),
	UNIQUE (case_id, visit, reviewer_id)
) STRICT;
CREATE INDEX case_assignments_reviewer ON case_assignments (reviewer_id);
CREATE INDEX case_assignments_by ON case_assignments (assigned_by);
CREATE INDEX case_assignments_replaced_by ON case_assignments (replaced_by);

CREATE TABLE case_conflicts (
	case_id     INTEGER NOT NULL REFERENCES approval_cases (id),
	no          INTEGER NOT NULL CHECK (no > 0),
	person_id   INTEGER NOT NULL REFERENCES people (id),
	reason      TEXT NOT NULL DEFAULT '',
	declared_at TEXT NOT NULL,
	PRIMARY KEY (case_id, no),
	UNIQUE (case_id, person_id)
) STRICT;
CREATE INDEX case_conflicts_person ON case_conflicts (person_id);

CREATE TABLE case_reviews (
	case_id      INTEGER NOT NULL REFERENCES approval_cases (id),
	no           INTEGER NOT NULL CHECK (no > 0),
	visit        INTEGER NOT NULL,
	version      INTEGER NOT NULL,
	reviewer_id  INTEGER NOT NULL REFERENCES people (id),
	answers      TEXT NOT NULL,
	comment      TEXT NOT NULL DEFAULT '',
	submitted_at TEXT NOT NULL,
	late         INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
	PRIMARY KEY (case_id, no),
	UNIQUE (case_id, visit, reviewer_id)
) STRICT;
CREATE INDEX case_reviews_reviewer ON case_reviews (reviewer_id);

CREATE TABLE case_consultations (
	case_id              INTEGER NOT NULL REFERENCES approval_cases (id),
	no                   INTEGER NOT NULL CHECK (no > 0),
	visit                INTEGER NOT NULL,
	question             TEXT NOT NULL,
	existing_offering_id INTEGER NOT NULL REFERENCES offerings (id),
	existing_unit_id     INTEGER REFERENCES org_units (id),
	consultee_id         INTEGER NOT NULL REFERENCES people (id),
	requested_by         INTEGER REFERENCES people (id),
	requested_at         TEXT NOT NULL,
	deadline_no          INTEGER NOT NULL DEFAULT 0,
	response             TEXT NOT NULL DEFAULT '',
	responded_at         TEXT,
	late                 INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
	PRIMARY KEY (case_id, no)
) STRICT;
CREATE INDEX case_consultations_offering ON case_consultations (existing_offering_id);
CREATE INDEX case_consultations_unit ON case_consultations (existing_unit_id);
CREATE INDEX case_consultations_consultee ON case_consultations (consultee_id);
CREATE INDEX case_consultations_requested_by ON case_consultations (requested_by);

CREATE TABLE case_ballots (
	case_id  INTEGER NOT NULL REFERENCES approval_cases (id),
	no       INTEGER NOT NULL CHECK (no > 0),
	visit    INTEGER NOT NULL,
	voter_id INTEGER NOT NULL REFERENCES people (id),
	approve  INTEGER NOT NULL CHECK (approve IN (0, 1)),
	comment  TEXT NOT NULL DEFAULT '',
	cast_at  TEXT NOT NULL,
	PRIMARY KEY (case_id, no),
	-- a voter votes once at a step
	UNIQUE (case_id, visit, voter_id)
) STRICT;
CREATE INDEX case_ballots_voter ON case_ballots (voter_id);

CREATE TABLE case_meetings (
	case_id       INTEGER NOT NULL REFERENCES approval_cases (id),
	no            INTEGER NOT NULL CHECK (no > 0),
	visit         INTEGER NOT NULL,
	scheduled_by  INTEGER REFERENCES people (id),
	scheduled_for TEXT NOT NULL,
	place         TEXT NOT NULL DEFAULT '',
	minutes       TEXT NOT NULL DEFAULT '',
	attendees     TEXT NOT NULL DEFAULT '[]',
	recorded_at   TEXT,
	PRIMARY KEY (case_id, no)
) STRICT;
CREATE INDEX case_meetings_scheduled_by ON case_meetings (scheduled_by);

CREATE TABLE case_appeals (
	case_id       INTEGER NOT NULL REFERENCES approval_cases (id),
	no            INTEGER NOT NULL CHECK (no > 0),
	filed_by      INTEGER NOT NULL REFERENCES people (id),
	grounds       TEXT NOT NULL,
	filed_at      TEXT NOT NULL,
	appeals_step  TEXT NOT NULL,
	appeals_visit INTEGER NOT NULL,
	visit         INTEGER NOT NULL,
	status        TEXT NOT NULL CHECK (status IN ('filed', 'allowed', 'refused', 'decided')),
	decided_by    INTEGER REFERENCES people (id),
	decided_at    TEXT,
	note          TEXT NOT NULL DEFAULT '',
	outcome       TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (case_id, no)
) STRICT;
CREATE INDEX case_appeals_filed_by ON case_appeals (filed_by);
CREATE INDEX case_appeals_decided_by ON case_appeals (decided_by);

CREATE TABLE case_decisions (
	case_id INTEGER NOT NULL REFERENCES approval_cases (id),
	no      INTEGER NOT NULL CHECK (no > 0),
	visit   INTEGER NOT NULL,
	step    TEXT NOT NULL,
	kind    TEXT NOT NULL CHECK (kind <> ''),
	outcome TEXT NOT NULL DEFAULT '',
	by_id   INTEGER REFERENCES people (id),
	note    TEXT NOT NULL DEFAULT '',
	at      TEXT NOT NULL,
	PRIMARY KEY (case_id, no)
) STRICT;
CREATE INDEX case_decisions_by ON case_decisions (by_id);

-- A signature binds a signer to one version's hash: the foreign key makes
-- the hash the one recorded for that version.
CREATE TABLE case_signatures (
	case_id   INTEGER NOT NULL REFERENCES approval_cases (id),
	no        INTEGER NOT NULL CHECK (no > 0),
	visit     INTEGER NOT NULL,
	step      TEXT NOT NULL,
	signer_id INTEGER NOT NULL REFERENCES people (id),
	role      TEXT NOT NULL CHECK (role <> ''),
	version   INTEGER NOT NULL,
	hash      TEXT NOT NULL,
	signed_at TEXT NOT NULL,
	PRIMARY KEY (case_id, no),
	FOREIGN KEY (case_id, version, hash) REFERENCES case_versions (case_id, number, hash)
) STRICT;
CREATE INDEX case_signatures_signer ON case_signatures (signer_id);

CREATE TRIGGER case_ballots_no_change BEFORE UPDATE ON case_ballots
BEGIN
	SELECT RAISE(ABORT, 'a ballot cannot be changed');
END;
CREATE TRIGGER case_reviews_no_change BEFORE UPDATE ON case_reviews
BEGIN
	SELECT RAISE(ABORT, 'a review cannot be changed');
END;
CREATE TRIGGER case_signatures_no_change BEFORE UPDATE ON case_signatures
BEGIN
	SELECT RAISE(ABORT, 'a signature cannot be changed');
END;
CREATE TRIGGER case_signatures_no_delete BEFORE DELETE ON case_signatures
BEGIN
	SELECT RAISE(ABORT, 'a signature cannot be deleted');
END;
CREATE TRIGGER case_decisions_no_change BEFORE UPDATE ON case_decisions
BEGIN
	SELECT RAISE(ABORT, 'a decision cannot be changed');
END;

-- Challenges, disputes and discontinuances: small workflows kept as a
-- record (JSON) with their status and an optimistic version.
CREATE TABLE matters (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	institution_id INTEGER NOT NULL REFERENCES institutions (id),
	kind           TEXT NOT NULL CHECK (kind IN ('challenge', 'dispute', 'discontinuance')),
	offering_id    INTEGER REFERENCES offerings (id),
	case_id        INTEGER REFERENCES approval_cases (id),
	status         TEXT NOT NULL CHECK (status <> ''),
	record         TEXT NOT NULL,
	version        INTEGER NOT NULL DEFAULT 1 CHECK (version > 0),
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL
) STRICT;
CREATE INDEX matters_institution ON matters (institution_id, kind, status);
CREATE INDEX matters_offering ON matters (offering_id);
CREATE INDEX matters_case ON matters (case_id);
-- An offering is considered for discontinuance once at a time.
CREATE UNIQUE INDEX matters_one_discontinuance ON matters (offering_id)
	WHERE kind = 'discontinuance' AND status IN ('flagged', 'proposed');

-- Annual review tasks: one per offering and due day.
CREATE TABLE annual_reviews (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	offering_id  INTEGER NOT NULL REFERENCES offerings (id),
	due_on       TEXT NOT NULL,
	completed_at TEXT,
	completed_by INTEGER REFERENCES people (id),
	notes        TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL,
	UNIQUE (offering_id, due_on)
) STRICT;
CREATE INDEX annual_reviews_completed_by ON annual_reviews (completed_by);

-- Meetings of committees and governing bodies, such as SSCC's, whose
-- dates bound the digital badge report.
CREATE TABLE committee_meetings (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	institution_id INTEGER NOT NULL REFERENCES institutions (id),
	committee      TEXT NOT NULL CHECK (committee <> ''),
	held_at        TEXT NOT NULL,
	notes          TEXT NOT NULL DEFAULT '',
	created_at     TEXT NOT NULL
) STRICT;
CREATE INDEX committee_meetings_held ON committee_meetings (institution_id, committee, held_at);
