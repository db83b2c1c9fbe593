-- The access log (DESIGN.md §7, issue #11): one append-only row per event, chained by SHA-256
-- within its chain (a municipality's id, or 'none' for events outside any municipality: logins
-- of citizens, refused logins). `seq` orders a chain; `hash` is the SHA-256 of `prev_hash` and the row's
-- canonical encoding (src/audit/encoding.rs), which leaves out `seq` and `client_address`: the
-- address is blanked by the retention sweeper, the one change a row may see.

CREATE TABLE audit_events (
    id                 TEXT NOT NULL PRIMARY KEY,
    chain              TEXT NOT NULL,
    seq                INTEGER NOT NULL,
    at                 TEXT NOT NULL,
    municipality_id    TEXT,
    case_id            TEXT,
    actor_account_id   TEXT,
    -- The actor's part at that moment: coordinator, admin, staff, or a participant role.
    actor_role         TEXT,
    actor_department   TEXT,
    action             TEXT NOT NULL,
    target_document_id TEXT,
    target_version     INTEGER,
    target_participant TEXT,
    target_consent     TEXT,
    target_account_id  TEXT,
    outcome            TEXT NOT NULL CHECK (outcome IN ('allowed', 'denied')),
    reason             TEXT,
    request_id         TEXT,
    client_address     TEXT,
    prev_hash          TEXT NOT NULL,
    hash               TEXT NOT NULL
);
CREATE UNIQUE INDEX audit_events_chain_seq ON audit_events (chain, seq);
CREATE INDEX audit_events_case ON audit_events (case_id, seq);
CREATE INDEX audit_events_at ON audit_events (at);

-- The newest row of each chain: a writer updates it first, which serialises the writers of one
-- chain (on PostgreSQL the row lock, on SQLite the write lock) before they read the previous hash.
CREATE TABLE audit_chain_heads (
    chain TEXT NOT NULL PRIMARY KEY,
    seq   INTEGER NOT NULL,
    hash  TEXT NOT NULL
);

-- Append-only: no row is deleted, and no column but the address changes (and that only to NULL).
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit rows are append-only');
END;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OF
    id, chain, seq, at, municipality_id, case_id, actor_account_id, actor_role, actor_department,
    action, target_document_id, target_version, target_participant, target_consent,
    target_account_id, outcome, reason, request_id, prev_hash, hash
ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit rows are append-only');
END;
CREATE TRIGGER audit_events_address_only_blanked BEFORE UPDATE OF client_address ON audit_events
WHEN NEW.client_address IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'audit rows are append-only: the address can only be blanked');
END;
