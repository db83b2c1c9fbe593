-- Foundation: tenants, accounts with linked identities, cases and participants.
-- Portable conventions (see migrations/README.md): TEXT ids and RFC 3339 UTC times, BIGINT 0/1 flags.

CREATE TABLE municipalities (
    id         TEXT PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE accounts (
    id                TEXT PRIMARY KEY,
    kind              TEXT NOT NULL CHECK (kind IN ('staff', 'citizen')),
    municipality_id   TEXT REFERENCES municipalities (id),
    name              TEXT NOT NULL,
    email             TEXT,
    department        TEXT,
    is_admin          BIGINT NOT NULL DEFAULT 0,
    is_active         BIGINT NOT NULL DEFAULT 1,
    -- Citizens: CPR sealed by a master key, and a keyed hash (HMAC) for look-up.
    cpr_hash          TEXT UNIQUE,
    cpr_sealed        BYTEA,
    birth_date        TEXT,
    notification_mode TEXT NOT NULL DEFAULT 'immediate'
                      CHECK (notification_mode IN ('immediate', 'daily', 'off')),
    created_at        TEXT NOT NULL,
    CHECK (kind = 'citizen' OR (municipality_id IS NOT NULL AND department IS NOT NULL))
);
CREATE UNIQUE INDEX accounts_staff_email ON accounts (municipality_id, lower(email)) WHERE kind = 'staff';

CREATE TABLE account_identities (
    issuer     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    linked_at  TEXT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX account_identities_account ON account_identities (account_id);

CREATE TABLE cases (
    id                      TEXT PRIMARY KEY,
    municipality_id         TEXT NOT NULL REFERENCES municipalities (id),
    young_person_name       TEXT NOT NULL,
    young_person_cpr_hash   TEXT NOT NULL,
    young_person_cpr_sealed BYTEA NOT NULL,
    young_person_birth_date TEXT NOT NULL,
    coordinator_id          TEXT NOT NULL REFERENCES accounts (id),
    placement               TEXT,
    status                  TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed', 'erased')),
    created_at              TEXT NOT NULL,
    created_by              TEXT NOT NULL REFERENCES accounts (id),
    closed_at               TEXT
);
CREATE INDEX cases_municipality ON cases (municipality_id, status);
CREATE INDEX cases_coordinator ON cases (coordinator_id);
CREATE INDEX cases_young_person ON cases (young_person_cpr_hash);

CREATE TABLE participants (
    id               TEXT PRIMARY KEY,
    case_id          TEXT NOT NULL REFERENCES cases (id),
    -- A known account, or a citizen invited by CPR who has not logged in yet.
    account_id       TEXT REFERENCES accounts (id),
    invited_cpr_hash TEXT,
    invited_name     TEXT,
    invited_email    TEXT,
    role             TEXT NOT NULL
                     CHECK (role IN ('coordinator', 'professional', 'young_person', 'parent', 'trusted_adult')),
    department       TEXT,
    has_custody      BIGINT NOT NULL DEFAULT 0,
    access           TEXT NOT NULL CHECK (access IN ('read', 'write')),
    added_at         TEXT NOT NULL,
    added_by         TEXT NOT NULL REFERENCES accounts (id),
    removed_at       TEXT,
    CHECK (account_id IS NOT NULL OR invited_cpr_hash IS NOT NULL)
);
CREATE INDEX participants_case ON participants (case_id);
CREATE INDEX participants_account ON participants (account_id);
CREATE INDEX participants_invited ON participants (invited_cpr_hash);
