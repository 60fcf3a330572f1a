-- Endorsements are revocable (issue 5 item 6): an EndorsementCredential
-- gets an entry in the institution's revocation status list, the same
-- lists awards use, and withdrawing the endorsement sets its bit. Both
-- columns are NULL for endorsements made before this migration, whose
-- credentials carry no credentialStatus.
ALTER TABLE endorsements ADD COLUMN revocation_list bigint REFERENCES status_lists (id);
ALTER TABLE endorsements ADD COLUMN revocation_index integer CHECK (revocation_index >= 0);
ALTER TABLE endorsements ADD CONSTRAINT endorsements_revocation_pair
	CHECK ((revocation_list IS NULL) = (revocation_index IS NULL));
CREATE UNIQUE INDEX endorsements_revocation ON endorsements (revocation_list, revocation_index);
