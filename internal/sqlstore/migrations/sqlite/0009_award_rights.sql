-- Issuing rights (issue 5 item 1): besides the central office (people
-- with the registrar role), only the people an offering's unit nominates
-- may award it. A nomination is per offering; withdrawing one deletes its
-- row, and the audit log keeps both events.
CREATE TABLE award_issuers (
	offering_id  INTEGER NOT NULL REFERENCES offerings (id),
	person_id    INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
	nominated_by INTEGER REFERENCES people (id) ON DELETE SET NULL,
	nominated_at TEXT NOT NULL,
	PRIMARY KEY (offering_id, person_id)
) STRICT;
CREATE INDEX award_issuers_person ON award_issuers (person_id);
