-- Agentless ingest (docs/ingest.md): ingest tokens of log sources, kept as the SHA-256 of
-- their secret; a log source's ingest status; the log source an event came from.
CREATE TABLE ingest_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    log_source_id TEXT NOT NULL REFERENCES log_sources (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL CONSTRAINT uq_ingest_tokens_token_hash UNIQUE,
    label TEXT,
    created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX ix_ingest_tokens_log_source ON ingest_tokens (organization_id, log_source_id, id);

-- Counted by every agentless request, in the transaction that stores its events.
CREATE TABLE log_source_ingest (
    log_source_id TEXT PRIMARY KEY NOT NULL REFERENCES log_sources (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    received BIGINT NOT NULL,
    parsed BIGINT NOT NULL,
    rejected BIGINT NOT NULL,
    last_error TEXT,
    last_event_at TIMESTAMP
);

-- No foreign key, as for agent_id: an event outlives the log source it came from, and the
-- ingest path stays one multi-row insert.
ALTER TABLE events ADD COLUMN log_source_id TEXT;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['ingest_tokens', 'log_source_ingest']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY tenant_isolation ON %I '
            'USING (organization_id = current_setting(''app.organization_id'', true) '
            '       OR current_setting(''app.cross_tenant'', true) = ''on'') '
            'WITH CHECK (organization_id = current_setting(''app.organization_id'', true) '
            '       OR current_setting(''app.cross_tenant'', true) = ''on'')', t);
    END LOOP;
END
$$;
