-- Each institution's issuing identity: the DID it issues as, how that DID
-- is made (did:key or did:web), the proof format of its credentials, and
-- its signing keys. Private keys are stored only sealed (AES-256-GCM under
-- the key-encryption key of the installation, which is not in the
-- database); kek_id names the key-encryption key that sealed each one.

-- The identity of one institution. did is the DID it issues as now: for
-- did:web it never changes; for did:key it is the DID of the current key.
CREATE TABLE issuer_identities (
	institution_id INTEGER PRIMARY KEY REFERENCES institutions (id),
	method         TEXT NOT NULL CHECK (method IN ('did:key', 'did:web')),
	did            TEXT NOT NULL CHECK (did LIKE 'did:%'),
	format         TEXT NOT NULL CHECK (format IN ('di', 'jwt', 'both')),
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL
) STRICT;

-- A signing key. The one key not retired signs; a rotation retires it and
-- adds a new one, and the retired key stays listed in the did:web document
-- so that what it signed still verifies, until it is destroyed (its sealed
-- private key wiped and the key no longer listed).
CREATE TABLE issuer_keys (
	id                  INTEGER PRIMARY KEY AUTOINCREMENT,
	institution_id      INTEGER NOT NULL REFERENCES issuer_identities (institution_id),
	did                 TEXT NOT NULL CHECK (did LIKE 'did:%'),
	verification_method TEXT NOT NULL UNIQUE CHECK (verification_method LIKE did || '#%'),
	key_type            TEXT NOT NULL CHECK (key_type IN ('Ed25519', 'P-256', 'RSA')),
	public_jwk          TEXT NOT NULL CHECK (public_jwk <> ''),
	sealed_key          BLOB NOT NULL,
	kek_id              TEXT NOT NULL,
	created_at          TEXT NOT NULL,
	retired_at          TEXT,
	destroyed_at        TEXT,
	CHECK (destroyed_at IS NULL OR (retired_at IS NOT NULL AND length(sealed_key) = 0)),
	CHECK (destroyed_at IS NOT NULL OR (length(sealed_key) > 0 AND kek_id <> ''))
) STRICT;
CREATE UNIQUE INDEX issuer_keys_signing ON issuer_keys (institution_id) WHERE retired_at IS NULL;
CREATE INDEX issuer_keys_institution ON issuer_keys (institution_id, id);
CREATE INDEX issuer_keys_did ON issuer_keys (did);
