-- Installation operators: the people who run a cairn installation, above
-- its institutions. An operator sets up new institutions with their first
-- administrator and sees every institution listed; being one grants no
-- role inside any institution.

CREATE TABLE operators (
	person_id  INTEGER PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
	granted_at TEXT NOT NULL
) STRICT;
