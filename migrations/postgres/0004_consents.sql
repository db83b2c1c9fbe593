-- Consents (given digitally by the young person or a custody holder, or recorded on paper by the
-- coordinator), never edited or deleted, only withdrawn; and a parent's access granted again by
-- the young adult after the 18th birthday.

ALTER TABLE participants ADD COLUMN adult_grant_on TEXT;

CREATE TABLE consents (
    id                   TEXT PRIMARY KEY,
    case_id              TEXT NOT NULL REFERENCES cases (id),
    giver_kind           TEXT NOT NULL CHECK (giver_kind IN ('young_person', 'custody_holder')),
    -- The participant who consented (the young person's or the custody holder's row).
    giver_participant_id TEXT NOT NULL REFERENCES participants (id),
    method               TEXT NOT NULL CHECK (method IN ('digital', 'paper')),
    -- The departments covered, as a JSON array of department codes.
    scope                TEXT NOT NULL,
    valid_from           TEXT NOT NULL,
    -- The last day covered (YYYY-MM-DD, Copenhagen), if any.
    valid_until          TEXT,
    -- Paper consents: the day the declaration was signed, and the scanned declaration.
    signed_on            TEXT,
    evidence_document_id TEXT,
    recorded_by          TEXT NOT NULL REFERENCES accounts (id),
    created_at           TEXT NOT NULL,
    withdrawn_at         TEXT,
    withdrawn_by         TEXT REFERENCES accounts (id)
);
CREATE INDEX consents_case ON consents (case_id);
CREATE INDEX cases_birth_date ON cases (municipality_id, young_person_birth_date);
