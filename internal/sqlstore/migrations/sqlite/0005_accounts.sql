-- Accounts: local passwords with their failed-attempt counters, browser
-- sessions, API tokens, one-time sign-in links and single sign-on
-- identities. Secrets are never stored: sessions, tokens and links keep the
-- hex SHA-256 of what the client holds, passwords an argon2id PHC string.

CREATE TABLE passwords (
	person_id       INTEGER PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
	hash            TEXT NOT NULL CHECK (hash LIKE '$argon2id$%' AND length(hash) <= 512),
	failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
	locked_until    TEXT,
	changed_at      TEXT NOT NULL,
	last_sign_in_at TEXT
) STRICT;

CREATE TABLE sessions (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	person_id    INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
	token_hash   TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
	user_agent   TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL,
	last_seen_at TEXT NOT NULL,
	expires_at   TEXT NOT NULL,
	CHECK (expires_at > created_at)
) STRICT;
CREATE INDEX sessions_person ON sessions (person_id, last_seen_at);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);

CREATE TABLE api_tokens (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	person_id    INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
	name         TEXT NOT NULL CHECK (name <> ''),
	secret_hash  TEXT NOT NULL UNIQUE CHECK (length(secret_hash) = 64),
	scopes       TEXT NOT NULL CHECK (scopes <> ''),
	issuer_did   TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL,
	expires_at   TEXT,
	last_used_at TEXT,
	revoked_at   TEXT,
	revoked_by   INTEGER REFERENCES people (id) ON DELETE SET NULL,
	CHECK (expires_at IS NULL OR expires_at > created_at)
) STRICT;
CREATE INDEX api_tokens_person ON api_tokens (person_id, created_at);
CREATE INDEX api_tokens_revoked_by ON api_tokens (revoked_by);

CREATE TABLE login_links (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	person_id  INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
	token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	used_at    TEXT,
	CHECK (expires_at > created_at)
) STRICT;
CREATE INDEX login_links_person ON login_links (person_id, expires_at);
CREATE INDEX login_links_expires ON login_links (expires_at);

-- A person has at most one identity at each OpenID provider.
CREATE TABLE oidc_identities (
	issuer          TEXT NOT NULL CHECK (issuer <> ''),
	subject         TEXT NOT NULL CHECK (subject <> ''),
	person_id       INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
	email           TEXT NOT NULL DEFAULT '',
	linked_at       TEXT NOT NULL,
	last_sign_in_at TEXT NOT NULL,
	PRIMARY KEY (issuer, subject),
	UNIQUE (person_id, issuer)
) STRICT;
