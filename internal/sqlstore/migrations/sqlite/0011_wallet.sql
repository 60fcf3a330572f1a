-- The learner's wallet (issue 5 item 4). A share is a public link to one
-- award, made by the learner it was issued to: /c/{public_id} shows it
-- until withdrawn_at is set; a withdrawn link stays, so it answers 410
-- rather than being handed out again.
CREATE TABLE wallet_shares (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	award_id     INTEGER NOT NULL REFERENCES awards (id),
	person_id    INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
	public_id    TEXT NOT NULL UNIQUE CHECK (length(public_id) BETWEEN 16 AND 64),
	created_at   TEXT NOT NULL,
	withdrawn_at TEXT
) STRICT;
CREATE INDEX wallet_shares_award ON wallet_shares (award_id);

-- A credential a learner earned elsewhere and imported: Open Badges 3.0
-- (verified with the server's verifier when imported) or an Open Badges
-- 2.0 assertion kept as it is, unverified. content is what was imported
-- (the JSON, or the compact JWT); content_hash its SHA-256, so the same
-- credential is imported once per person.
CREATE TABLE wallet_imports (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	person_id    INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
	format       TEXT NOT NULL CHECK (format IN ('ob3', 'ob2')),
	source       TEXT NOT NULL CHECK (source IN ('json', 'jwt', 'png', 'svg')),
	verified     INTEGER NOT NULL CHECK (verified IN (0, 1)),
	title        TEXT NOT NULL,
	issuer       TEXT NOT NULL,
	issued_at    TEXT,
	note         TEXT NOT NULL,
	content      TEXT NOT NULL,
	content_hash TEXT NOT NULL,
	created_at   TEXT NOT NULL,
	UNIQUE (person_id, content_hash)
) STRICT;
