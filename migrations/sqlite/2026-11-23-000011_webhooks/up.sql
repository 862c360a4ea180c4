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

-- SQLite cannot change a CHECK constraint: rebuild action_logs with `pending` allowed.
CREATE TABLE action_logs_new (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    incident_id TEXT NOT NULL,
    policy_id TEXT,
    action TEXT NOT NULL,
    params TEXT NOT NULL,
    status TEXT NOT NULL
        CONSTRAINT ck_action_logs_status
        CHECK (status IN ('recorded', 'pending', 'succeeded', 'failed')),
    executor TEXT NOT NULL,
    result TEXT,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    CONSTRAINT fk_action_logs_incident FOREIGN KEY (organization_id, incident_id)
        REFERENCES incidents (organization_id, id) ON DELETE CASCADE
);
INSERT INTO action_logs_new
    (id, organization_id, incident_id, policy_id, action, params, status, executor, result,
     created_by, created_at)
SELECT id, organization_id, incident_id, policy_id, action, params, status, executor, result,
       created_by, created_at
FROM action_logs;
DROP TABLE action_logs;
ALTER TABLE action_logs_new RENAME TO action_logs;
CREATE INDEX ix_action_logs_organization_id_id ON action_logs (organization_id, id);
CREATE INDEX ix_action_logs_organization_id_incident_id ON action_logs (organization_id, incident_id);
-- Start-up finds the deliveries a stopped server left unfinished.
CREATE INDEX ix_action_logs_pending ON action_logs (id) WHERE status = 'pending';
