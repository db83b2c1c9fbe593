-- Encrypted documents with versions (DESIGN.md §4). Each case has one random key, stored wrapped
-- by a master key; erasing the case deletes that row (crypto-shredding). Each version has its own
-- data key, wrapped by the case key, and a blob of ciphertext in the blob store.

CREATE TABLE case_keys (
    case_id     TEXT PRIMARY KEY REFERENCES cases (id),
    -- The case key sealed by a master key (see crypto::seal: the master key id is inside).
    wrapped_key BYTEA NOT NULL,
    created_at  TEXT NOT NULL,
    rewrapped_at TEXT
);

CREATE TABLE documents (
    id              TEXT PRIMARY KEY,
    case_id         TEXT NOT NULL REFERENCES cases (id),
    title           TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('goal_agreement', 'network_map', 'network_overview',
                        'intervention_overview', 'consent_declaration', 'meeting_checklist', 'other')),
    -- The newest version's number; a new version is accepted only if it was based on this one.
    current_version BIGINT NOT NULL,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL REFERENCES accounts (id),
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL REFERENCES accounts (id),
    -- A coordinator's soft delete: hidden from the case, versions kept for the audit trail.
    deleted_at      TEXT,
    deleted_by      TEXT REFERENCES accounts (id)
);
CREATE INDEX documents_case ON documents (case_id);

CREATE TABLE document_versions (
    -- Also the associated data of every encrypted chunk of the blob.
    id               TEXT PRIMARY KEY,
    document_id      TEXT NOT NULL REFERENCES documents (id),
    version          BIGINT NOT NULL,
    size             BIGINT NOT NULL,
    -- SHA-256 of the plaintext, lowercase hex.
    sha256           TEXT NOT NULL,
    content_type     TEXT NOT NULL,
    file_name        TEXT NOT NULL,
    note             TEXT,
    uploaded_by      TEXT NOT NULL REFERENCES accounts (id),
    uploaded_at      TEXT NOT NULL,
    -- The version's data key sealed by the case key.
    wrapped_data_key BYTEA NOT NULL,
    blob_key         TEXT NOT NULL,
    UNIQUE (document_id, version)
);

-- A blob being written before its version row exists. The row commits in the same transaction
-- as the version and is deleted there; one left behind names an orphan for the sweeper.
CREATE TABLE pending_blobs (
    blob_key   TEXT PRIMARY KEY,
    started_at TEXT NOT NULL
);
CREATE INDEX pending_blobs_started ON pending_blobs (started_at);

-- Crypto-shredding of a case (vejviser case erase): the case key is gone, the rows stay as the
-- audit trail. Before the end of retention only with an admin's reason.
CREATE TABLE case_erasures (
    case_id      TEXT PRIMARY KEY REFERENCES cases (id),
    erased_at    TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    reason       TEXT,
    -- How many blobs the case had; they are deleted right after, and unreadable already.
    blob_count   BIGINT NOT NULL
);
