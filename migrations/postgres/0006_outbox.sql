-- The transactional outbox (DESIGN.md §6): one row per recipient and event, written in the same
-- transaction as the change, so nothing is lost when the process dies before delivery. Any
-- number of instances deliver: a worker claims a row by setting its lease (lease_owner and
-- lease_until); a row whose lease ran out is claimed again (at least once, marked sent once).
-- No personal data here: the event, the case and the recipient's account, never a name or title.

CREATE TABLE outbox (
    -- Also the message's stable Message-ID (<id@host>), so a resend after a crash is recognised.
    id              TEXT NOT NULL PRIMARY KEY,
    recipient_id    TEXT NOT NULL REFERENCES accounts (id),
    case_id         TEXT NOT NULL REFERENCES cases (id),
    event           TEXT NOT NULL CHECK (event IN ('document_added', 'document_version', 'participant_added',
                        'access_changed', 'consent_given', 'consent_withdrawn')),
    -- What the event leaves the recipient able to do, for the access events ('read'/'write').
    detail          TEXT,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'dropped')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    lease_owner     TEXT,
    lease_until     TEXT,
    -- Why the last attempt failed, or why the row was dropped (no address, access lost).
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    finished_at     TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_recipient ON outbox (recipient_id);

-- The language an account's mail is written in ('da' or 'en'); unset is Danish.
ALTER TABLE accounts ADD COLUMN notification_language TEXT;
