-- Provisioning from the municipality's directory over SCIM 2.0 (issue #16). The directory's own
-- id for the user (`externalId`, e.g. Entra ID's object id); when the directory deleted the user
-- (the account stays, deactivated, for the access log, but SCIM answers 404 for it); and when the
-- directory last asked to deactivate someone who still coordinates cases (refused until an admin
-- hands them over; the admin overview lists them).
ALTER TABLE accounts ADD COLUMN scim_external_id TEXT;
ALTER TABLE accounts ADD COLUMN directory_removed_at TEXT;
ALTER TABLE accounts ADD COLUMN directory_deactivation_refused_at TEXT;
