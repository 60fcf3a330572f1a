-- Endorsements are revocable (issue 5 item 6): an EndorsementCredential
-- gets an entry in the institution's revocation status list, the same
-- lists awards use, and withdrawing the endorsement sets its bit. Both
-- columns are NULL for endorsements made before this migration, whose
-- credentials carry no credentialStatus. (SQLite cannot add a constraint
-- over both columns to an existing table; the store sets both or neither.)
ALTER TABLE endorsements ADD COLUMN revocation_list INTEGER REFERENCES status_lists (id);
ALTER TABLE endorsements ADD COLUMN revocation_index INTEGER CHECK (revocation_index >= 0);
CREATE UNIQUE INDEX endorsements_revocation ON endorsements (revocation_list, revocation_index);
