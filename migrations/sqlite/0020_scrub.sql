-- The scrub (issue #13): one walk over every document version at a time, shared by all instances.
-- The instance holding the lease checks the versions after `cursor` (ids in ascending order) and
-- moves it on; a pass ends when no version is left after it. A lease that runs out (an instance
-- stopped mid-batch) passes to the next instance that asks.
CREATE TABLE scrub_progress (
    id                    BIGINT NOT NULL PRIMARY KEY CHECK (id = 1),
    cursor                TEXT,
    pass_started_at       TEXT,
    last_pass_finished_at TEXT,
    versions_checked      BIGINT NOT NULL DEFAULT 0,
    mismatches            BIGINT NOT NULL DEFAULT 0,
    lease_owner           TEXT,
    lease_until           TEXT
);
INSERT INTO scrub_progress (id) VALUES (1);
