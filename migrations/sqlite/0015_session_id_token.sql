-- Logout at the provider too (issue #10, RP-initiated logout): the ID token a login was made
-- with, sealed under the master key, sent back as id_token_hint when the session ends.
ALTER TABLE sessions ADD COLUMN id_token_sealed BLOB;
