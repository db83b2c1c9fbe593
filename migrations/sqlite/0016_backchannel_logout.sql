-- Logout started at the provider (issue #10, OpenID Connect Back-Channel Logout 1.0): the
-- provider's session id (`sid`) a login came with, hashed, so a logout token naming it ends the
-- vejviser sessions started from it; and the logout tokens already used, so none is replayed.
ALTER TABLE sessions ADD COLUMN provider_sid_hash TEXT;
CREATE INDEX sessions_provider_sid ON sessions (provider, provider_sid_hash);

CREATE TABLE logout_tokens_used (
    provider   TEXT NOT NULL,
    jti        TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (provider, jti)
);
CREATE INDEX logout_tokens_used_expiry ON logout_tokens_used (expires_at);
