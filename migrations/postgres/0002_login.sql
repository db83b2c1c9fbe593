-- Login: OIDC flows in progress (server-side state, bound to the browser by a cookie) and sessions.
-- Both keep only a SHA-256 of the random value the browser holds.

CREATE TABLE login_flows (
    id_hash       TEXT PRIMARY KEY,
    provider      TEXT NOT NULL,
    state         TEXT NOT NULL,
    nonce         TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    return_to     TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);
CREATE INDEX login_flows_expiry ON login_flows (expires_at);

CREATE TABLE sessions (
    id_hash             TEXT PRIMARY KEY,
    account_id          TEXT NOT NULL REFERENCES accounts (id),
    provider            TEXT NOT NULL,
    assurance_level     TEXT NOT NULL CHECK (assurance_level IN ('low', 'substantial', 'high')),
    csrf_token          TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    last_seen_at        TEXT NOT NULL,
    absolute_expires_at TEXT NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expiry ON sessions (absolute_expires_at);
