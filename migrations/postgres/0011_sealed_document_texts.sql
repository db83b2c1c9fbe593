-- Document titles, file names and version notes can be sensitive ("Psykiatrisk udredning"): they
-- are sealed with the case key (AES-256-GCM, the document or version id as associated data), so
-- crypto-shredding a case removes them with its blobs. SQL cannot seal, so the service seals the
-- rows written before this migration at start-up (documents::sealing::seal_existing) and blanks
-- the clear columns: from then on title and file_name hold '' and note NULL.
ALTER TABLE documents ADD COLUMN title_sealed BYTEA;
ALTER TABLE document_versions ADD COLUMN file_name_sealed BYTEA;
ALTER TABLE document_versions ADD COLUMN note_sealed BYTEA;
