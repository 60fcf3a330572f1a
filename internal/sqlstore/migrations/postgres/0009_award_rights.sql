-- Issuing rights (issue 5 item 1): besides the central office (people
-- with the registrar role), only the people an offering's unit nominates
-- may award it. A nomination is per offering; withdrawing one deletes its
-- row, and the audit log keeps both events.
CREATE TABLE award_issuers (
	offering_id  bigint NOT NULL REFERENCES offerings (id),
	person_id    bigint NOT NULL REFERENCES people (id) ON DELETE CASCADE,
	nominated_by bigint REFERENCES people (id) ON DELETE SET NULL,
	nominated_at timestamptz NOT NULL,
	PRIMARY KEY (offering_id, person_id)
);
CREATE INDEX award_issuers_person ON award_issuers (person_id);
