-- The coordinator is reminded by e-mail when a case's access review is overdue (issue #16): one
-- more outbox event, keyed 'access_review_due:<case>:<last review or creation>' so each overdue
-- period reminds once.

ALTER TABLE outbox DROP CONSTRAINT outbox_event_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_event_check CHECK (event IN ('document_added', 'document_version',
    'participant_added', 'access_changed', 'consent_given', 'consent_withdrawn', 'consent_missing',
    'turning_eighteen', 'consent_expired', 'digest', 'address_confirmation', 'outsider_access',
    'access_review_due'));
