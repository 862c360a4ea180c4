ALTER TABLE events DROP COLUMN log_source_id;
DROP TABLE log_source_ingest;
DROP TABLE ingest_tokens;
