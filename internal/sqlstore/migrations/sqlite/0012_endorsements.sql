-- Endorsements (issue 5 item 6). Staff who may award an offering invite a
-- partner to endorse it with a one-time link: only the SHA-256 of the
-- link's token is kept; used_at is set when the endorsement is made, so
-- the link works once, until expires_at.
CREATE TABLE endorsement_invitations (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	offering_id INTEGER NOT NULL REFERENCES offerings (id),
	partner_id  INTEGER REFERENCES partners (id) ON DELETE SET NULL,
	token_hash  TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
	created_by  INTEGER NOT NULL REFERENCES people (id),
	created_at  TEXT NOT NULL,
	expires_at  TEXT NOT NULL,
	used_at     TEXT
) STRICT;
CREATE INDEX endorsement_invitations_offering ON endorsement_invitations (offering_id);

-- An endorsement: what the endorser submitted and the EndorsementCredential
-- the institution signed for it (credential, JSON), about the offering's
-- approved version at the time. A withdrawn endorsement is kept but no
-- longer shown.
CREATE TABLE endorsements (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	offering_id   INTEGER NOT NULL REFERENCES offerings (id),
	version       INTEGER NOT NULL CHECK (version > 0),
	invitation_id INTEGER NOT NULL UNIQUE REFERENCES endorsement_invitations (id),
	partner_id    INTEGER REFERENCES partners (id) ON DELETE SET NULL,
	endorser_name TEXT NOT NULL,
	organisation  TEXT NOT NULL,
	url           TEXT NOT NULL,
	email         TEXT NOT NULL,
	comment       TEXT NOT NULL,
	credential    TEXT NOT NULL,
	created_at    TEXT NOT NULL,
	withdrawn_at  TEXT
) STRICT;
CREATE INDEX endorsements_offering ON endorsements (offering_id);
