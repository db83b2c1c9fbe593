-- Periodic access review (issue #16): when the coordinator last confirmed or removed each
-- participant's access on the case; a case never reviewed counts from its creation.
ALTER TABLE cases ADD COLUMN access_reviewed_at TEXT;
