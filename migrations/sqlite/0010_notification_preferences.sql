-- Notification preferences, digests, address confirmation and reminders (issue #12).
-- The outbox also carries messages about no one case (a daily digest, an address to confirm),
-- so case_id may be empty; a daily recipient's document messages wait as 'held' until their
-- digest, which marks them 'digested' (digest_id); a reminder carries a dedupe_key so it is
-- written once per event, whichever instance or restart writes it. SQLite cannot change a
-- CHECK, so the table is rebuilt (nothing refers to it).

CREATE TABLE outbox_next (
    id              TEXT NOT NULL PRIMARY KEY,
    recipient_id    TEXT NOT NULL REFERENCES accounts (id),
    case_id         TEXT REFERENCES cases (id),
    event           TEXT NOT NULL CHECK (event IN ('document_added', 'document_version', 'participant_added',
                        'access_changed', 'consent_given', 'consent_withdrawn', 'consent_missing',
                        'turning_eighteen', 'consent_expired', 'digest', 'address_confirmation')),
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
                         lease_owner, lease_until, last_error, created_at, finished_at)
    SELECT id, recipient_id, case_id, event, detail, status, attempts, next_attempt_at,
           lease_owner, lease_until, last_error, created_at, finished_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_next RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_recipient ON outbox (recipient_id);
CREATE UNIQUE INDEX outbox_dedupe ON outbox (dedupe_key);

-- When the address in `email` was confirmed: by its link, by the identity provider
-- (email_verified), or by the municipality that created the staff account. Unset: no mail.
ALTER TABLE accounts ADD COLUMN email_confirmed_at TEXT;
-- An address the person typed, waiting for its confirmation link to be followed.
ALTER TABLE accounts ADD COLUMN pending_email TEXT;
-- Addresses so far came from staff creation or the development provider, which verifies them.
UPDATE accounts SET email_confirmed_at = created_at WHERE email IS NOT NULL;
