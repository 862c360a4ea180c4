-- Webhook endpoints (at most one per organization) and the `pending` status of actions whose
-- delivery has not finished yet.

CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    -- The signing secret, sealed: `v1:<key_version>:<base64url>` (XChaCha20-Poly1305, bound by
    -- associated data to the organization and this endpoint's id). `secret_key_version` repeats
    -- its key version so that start-up and `vault rewrap` can count values per key.
    secret_sealed TEXT NOT NULL,
    secret_key_version BIGINT NOT NULL CONSTRAINT ck_webhook_endpoints_secret_key_version
        CHECK (secret_key_version BETWEEN 0 AND 4294967295),
    -- First four characters of the secret and `…`.
    secret_preview TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    -- One per organization; also the index whose first column is organization_id.
    CONSTRAINT uq_webhook_endpoints_organization_id UNIQUE (organization_id)
);
CREATE INDEX ix_webhook_endpoints_secret_key_version ON webhook_endpoints (secret_key_version);

ALTER TABLE action_logs DROP CONSTRAINT ck_action_logs_status;
ALTER TABLE action_logs ADD CONSTRAINT ck_action_logs_status
    CHECK (status IN ('recorded', 'pending', 'succeeded', 'failed'));
-- Start-up finds the deliveries a stopped server left unfinished.
CREATE INDEX ix_action_logs_pending ON action_logs (id) WHERE status = 'pending';

-- Row-level security, as migration 000009 gives every tenant table.
ALTER TABLE webhook_endpoints ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_endpoints FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_endpoints
    USING (organization_id = current_setting('app.organization_id', true)
           OR current_setting('app.cross_tenant', true) = 'on')
    WITH CHECK (organization_id = current_setting('app.organization_id', true)
           OR current_setting('app.cross_tenant', true) = 'on');
