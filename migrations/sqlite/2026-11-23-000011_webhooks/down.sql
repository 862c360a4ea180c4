UPDATE action_logs
SET status = 'failed', result = 'not delivered: webhooks were removed (migration reverted)'
WHERE status = 'pending';

CREATE TABLE action_logs_old (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    incident_id TEXT NOT NULL,
    policy_id TEXT,
    action TEXT NOT NULL,
    params TEXT NOT NULL,
    status TEXT NOT NULL
        CONSTRAINT ck_action_logs_status CHECK (status IN ('recorded', 'succeeded', 'failed')),
    executor TEXT NOT NULL,
    result TEXT,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    CONSTRAINT fk_action_logs_incident FOREIGN KEY (organization_id, incident_id)
        REFERENCES incidents (organization_id, id) ON DELETE CASCADE
);
INSERT INTO action_logs_old
    (id, organization_id, incident_id, policy_id, action, params, status, executor, result,
     created_by, created_at)
SELECT id, organization_id, incident_id, policy_id, action, params, status, executor, result,
       created_by, created_at
FROM action_logs;
DROP TABLE action_logs;
ALTER TABLE action_logs_old RENAME TO action_logs;
CREATE INDEX ix_action_logs_organization_id_id ON action_logs (organization_id, id);
CREATE INDEX ix_action_logs_organization_id_incident_id ON action_logs (organization_id, incident_id);

DROP TABLE webhook_endpoints;
