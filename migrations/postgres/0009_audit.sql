-- The access log (DESIGN.md §7, issue #11): one append-only row per event, chained by SHA-256
-- within its chain (a municipality's id, or 'none' for events outside any municipality: logins
-- of citizens, refused logins). `seq` orders a chain; `hash` is the SHA-256 of `prev_hash` and the row's
-- canonical encoding (src/audit/encoding.rs), which leaves out `seq` and `client_address`: the
-- address is blanked by the retention sweeper, the one change a row may see.

CREATE TABLE audit_events (
    id                 TEXT NOT NULL PRIMARY KEY,
    chain              TEXT NOT NULL,
    seq                BIGINT NOT NULL,
    at                 TEXT NOT NULL,
    municipality_id    TEXT,
    case_id            TEXT,
    actor_account_id   TEXT,
    -- The actor's part at that moment: coordinator, admin, staff, or a participant role.
    actor_role         TEXT,
    actor_department   TEXT,
    action             TEXT NOT NULL,
    target_document_id TEXT,
    target_version     BIGINT,
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
    seq   BIGINT NOT NULL,
    hash  TEXT NOT NULL
);

-- Append-only, whoever connects (the table's owner too, unless they drop the trigger): no row is
-- deleted or truncated, and no column but the address changes (and that only to NULL). The
-- service's own role gets no UPDATE or DELETE grant at all but on the address (README, "Access
-- log": the operator's role set-up).
CREATE FUNCTION audit_events_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit rows are append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_refuse();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse();
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OF
    id, chain, seq, at, municipality_id, case_id, actor_account_id, actor_role, actor_department,
    action, target_document_id, target_version, target_participant, target_consent,
    target_account_id, outcome, reason, request_id, prev_hash, hash
ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_refuse();
CREATE TRIGGER audit_events_address_only_blanked BEFORE UPDATE OF client_address ON audit_events
    FOR EACH ROW WHEN (NEW.client_address IS NOT NULL) EXECUTE FUNCTION audit_events_refuse();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM PUBLIC;
