-- Institutions, org units, people and their roles, partners, committees,
-- memberships, chair elections and closures.

CREATE TABLE institutions (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	slug           TEXT NOT NULL UNIQUE CHECK (slug <> ''),
	name           TEXT NOT NULL CHECK (name <> ''),
	jurisdiction   TEXT NOT NULL CHECK (jurisdiction <> ''),
	time_zone      TEXT NOT NULL CHECK (time_zone <> ''),
	policy_profile TEXT NOT NULL DEFAULT '',
	issuer_did     TEXT NOT NULL DEFAULT '',
	version        INTEGER NOT NULL DEFAULT 1 CHECK (version > 0),
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL
) STRICT;

CREATE TABLE org_units (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	institution_id INTEGER NOT NULL REFERENCES institutions (id),
	parent_id      INTEGER REFERENCES org_units (id),
	kind           TEXT NOT NULL CHECK (kind <> ''),
	name           TEXT NOT NULL CHECK (name <> ''),
	code           TEXT NOT NULL DEFAULT '',
	version        INTEGER NOT NULL DEFAULT 1 CHECK (version > 0),
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL,
	CHECK (parent_id IS NULL OR parent_id <> id)
) STRICT;
CREATE INDEX org_units_institution ON org_units (institution_id, name);
CREATE INDEX org_units_parent ON org_units (parent_id);

CREATE TABLE people (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	name       TEXT NOT NULL CHECK (name <> ''),
	email      TEXT NOT NULL UNIQUE CHECK (email <> '' AND email = lower(email)),
	version    INTEGER NOT NULL DEFAULT 1 CHECK (version > 0),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX people_name ON people (name, id);

CREATE TABLE role_grants (
	person_id      INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
	institution_id INTEGER NOT NULL REFERENCES institutions (id),
	role           TEXT NOT NULL CHECK (role <> ''),
	unit_id        INTEGER REFERENCES org_units (id),
	granted_at     TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX role_grants_unique ON role_grants (person_id, institution_id, role, coalesce(unit_id, 0));
CREATE INDEX role_grants_institution ON role_grants (institution_id, role);
CREATE INDEX role_grants_unit ON role_grants (unit_id);

CREATE TABLE partners (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	institution_id INTEGER NOT NULL REFERENCES institutions (id),
	kind           TEXT NOT NULL CHECK (kind <> ''),
	name           TEXT NOT NULL CHECK (name <> ''),
	website        TEXT NOT NULL DEFAULT '',
	version        INTEGER NOT NULL DEFAULT 1 CHECK (version > 0),
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL,
	UNIQUE (institution_id, name)
) STRICT;

CREATE TABLE committees (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	institution_id INTEGER NOT NULL REFERENCES institutions (id),
	key            TEXT NOT NULL CHECK (key <> ''),
	name           TEXT NOT NULL CHECK (name <> ''),
	version        INTEGER NOT NULL DEFAULT 1 CHECK (version > 0),
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL,
	UNIQUE (institution_id, key)
) STRICT;

CREATE TABLE memberships (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	committee_id INTEGER NOT NULL REFERENCES committees (id),
	person_id    INTEGER NOT NULL REFERENCES people (id),
	category     TEXT NOT NULL CHECK (category <> ''),
	unit_id      INTEGER REFERENCES org_units (id),
	term_start   TEXT NOT NULL,
	term_end     TEXT,
	version      INTEGER NOT NULL DEFAULT 1 CHECK (version > 0),
	created_at   TEXT NOT NULL,
	updated_at   TEXT NOT NULL,
	CHECK (term_end IS NULL OR term_end >= term_start)
) STRICT;
CREATE INDEX memberships_committee ON memberships (committee_id, term_start);
CREATE INDEX memberships_person ON memberships (person_id);
CREATE INDEX memberships_unit ON memberships (unit_id);

-- A chair election is a record: written once, never updated.
CREATE TABLE chair_elections (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	committee_id INTEGER NOT NULL REFERENCES committees (id),
	elected_id   INTEGER NOT NULL REFERENCES people (id),
	at           TEXT NOT NULL,
	created_at   TEXT NOT NULL
) STRICT;
CREATE INDEX chair_elections_committee ON chair_elections (committee_id, at);
CREATE INDEX chair_elections_elected ON chair_elections (elected_id);

CREATE TABLE chair_candidates (
	election_id INTEGER NOT NULL REFERENCES chair_elections (id),
	person_id   INTEGER NOT NULL REFERENCES people (id),
	position    INTEGER NOT NULL,
	PRIMARY KEY (election_id, person_id)
) STRICT;
CREATE INDEX chair_candidates_person ON chair_candidates (person_id);

CREATE TABLE chair_votes (
	election_id  INTEGER NOT NULL,
	voter_id     INTEGER NOT NULL REFERENCES people (id),
	candidate_id INTEGER NOT NULL,
	PRIMARY KEY (election_id, voter_id),
	FOREIGN KEY (election_id, candidate_id) REFERENCES chair_candidates (election_id, person_id)
) STRICT;
CREATE INDEX chair_votes_voter ON chair_votes (voter_id);
CREATE INDEX chair_votes_candidate ON chair_votes (election_id, candidate_id);

CREATE TABLE closures (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	institution_id INTEGER NOT NULL REFERENCES institutions (id),
	first_day      TEXT NOT NULL,
	last_day       TEXT NOT NULL,
	reason         TEXT NOT NULL CHECK (reason <> ''),
	CHECK (last_day >= first_day)
) STRICT;
CREATE INDEX closures_institution ON closures (institution_id, first_day);
