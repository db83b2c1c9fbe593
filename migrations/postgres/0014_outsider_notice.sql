-- The coordinator hears, at most once a case a day, that an admin or someone outside the case
-- acted on it (issue #11's alert, #12's notice): one more outbox event,
-- keyed 'outsider_access:<case>:<Copenhagen date>'.

ALTER TABLE outbox DROP CONSTRAINT outbox_event_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_event_check CHECK (event IN ('document_added', 'document_version',
    'participant_added', 'access_changed', 'consent_given', 'consent_withdrawn', 'consent_missing',
    'turning_eighteen', 'consent_expired', 'digest', 'address_confirmation', 'outsider_access'));
