-- The coordinator is reminded by e-mail when a case's access review is overdue (issue #16): one
-- more outbox event, keyed 'access_review_due:<case>:<last review or creation>' so each overdue
-- period reminds once. SQLite cannot change a CHECK, so the table is rebuilt as in 0014.

CREATE TABLE outbox_next (
    id              TEXT NOT NULL PRIMARY KEY,
    recipient_id    TEXT NOT NULL REFERENCES accounts (id),
    case_id         TEXT REFERENCES cases (id),
    event           TEXT NOT NULL CHECK (event IN ('document_added', 'document_version', 'participant_added',
                        'access_changed', 'consent_given', 'consent_withdrawn', 'consent_missing',
                        'turning_eighteen', 'consent_expired', 'digest', 'address_confirmation',
                        'outsider_access', 'access_review_due')),
    detail          TEXT,
    status          TEXT NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'sent', 'failed', 'dropped', 'held', 'digested')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    lease_owner     TEXT,
    lease_until     TEXT,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    finished_at     TEXT,
    -- One row per reminder or digest: 'consent_missing:<participant>', 'digest:<account>:<date>'.
    dedupe_key      TEXT,
    -- The digest a held message went into.
    digest_id       TEXT
);
INSERT INTO outbox_next (id, recipient_id, case_id, event, detail, status, attempts, next_attempt_at,
                         lease_owner, lease_until, last_error, created_at, finished_at, dedupe_key,
                         digest_id)
    SELECT id, recipient_id, case_id, event, detail, status, attempts, next_attempt_at,
           lease_owner, lease_until, last_error, created_at, finished_at, dedupe_key, digest_id
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_next RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_recipient ON outbox (recipient_id);
CREATE UNIQUE INDEX outbox_dedupe ON outbox (dedupe_key);
