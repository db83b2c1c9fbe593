-- Notification preferences, digests, address confirmation and reminders (issue #12).
-- The outbox also carries messages about no one case (a daily digest, an address to confirm),
-- so case_id may be empty; a daily recipient's document messages wait as 'held' until their
-- digest, which marks them 'digested' (digest_id); a reminder carries a dedupe_key so it is
-- written once per event, whichever instance or restart writes it.

ALTER TABLE outbox ALTER COLUMN case_id DROP NOT NULL;
ALTER TABLE outbox DROP CONSTRAINT outbox_event_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_event_check CHECK (event IN ('document_added', 'document_version',
    'participant_added', 'access_changed', 'consent_given', 'consent_withdrawn', 'consent_missing',
    'turning_eighteen', 'consent_expired', 'digest', 'address_confirmation'));
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check
    CHECK (status IN ('pending', 'sent', 'failed', 'dropped', 'held', 'digested'));
-- One row per reminder or digest: 'consent_missing:<participant>', 'digest:<account>:<date>'.
ALTER TABLE outbox ADD COLUMN dedupe_key TEXT;
-- The digest a held message went into.
ALTER TABLE outbox ADD COLUMN digest_id TEXT;
CREATE UNIQUE INDEX outbox_dedupe ON outbox (dedupe_key);

-- When the address in `email` was confirmed: by its link, by the identity provider
-- (email_verified), or by the municipality that created the staff account. Unset: no mail.
ALTER TABLE accounts ADD COLUMN email_confirmed_at TEXT;
-- An address the person typed, waiting for its confirmation link to be followed.
ALTER TABLE accounts ADD COLUMN pending_email TEXT;
-- Addresses so far came from staff creation or the development provider, which verifies them.
UPDATE accounts SET email_confirmed_at = created_at WHERE email IS NOT NULL;
