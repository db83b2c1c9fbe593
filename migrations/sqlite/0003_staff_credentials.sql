-- The staff fallback login: password (argon2id) + TOTP, recovery codes, lock-out counters.

CREATE TABLE staff_credentials (
    account_id          TEXT PRIMARY KEY REFERENCES accounts (id),
    password_hash       TEXT,
    -- The confirmed TOTP secret, sealed by a master key; NULL until enrolment is confirmed.
    totp_sealed         BLOB,
    -- A secret shown for enrolment but not yet confirmed with a code.
    totp_pending_sealed BLOB,
    -- The last 30-second step a code was accepted for: a code works once.
    totp_last_step      INTEGER,
    failed_attempts     INTEGER NOT NULL DEFAULT 0,
    last_failed_at      TEXT,
    updated_at          TEXT NOT NULL
);

CREATE TABLE recovery_codes (
    account_id TEXT NOT NULL REFERENCES accounts (id),
    code_hash  TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (account_id, code_hash)
);
