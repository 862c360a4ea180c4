-- Containment policies (evaluated when an incident opens or grows) and the log of actions.
CREATE UNIQUE INDEX uq_incidents_organization_id_id ON incidents (organization_id, id);

CREATE TABLE containment_policies (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    min_risk_score REAL NOT NULL,
    min_event_count BIGINT NOT NULL,
    action TEXT NOT NULL
        CONSTRAINT ck_containment_policies_action
        CHECK (action IN ('block_ip', 'unblock_ip', 'isolate_host', 'notify')),
    action_params TEXT NOT NULL,
    priority INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CONSTRAINT uq_containment_policies_name UNIQUE (organization_id, name)
);

CREATE TABLE action_logs (
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
CREATE INDEX ix_action_logs_organization_id_id ON action_logs (organization_id, id);
CREATE INDEX ix_action_logs_organization_id_incident_id ON action_logs (organization_id, incident_id);

-- Organizations that existed before containment get the default policy too.
INSERT INTO containment_policies
    (id, organization_id, name, enabled, min_risk_score, min_event_count, action, action_params,
     priority, created_at, updated_at)
SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-a' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), id, 'Block high-risk sources', TRUE, 0.8, 10, 'block_ip',
       '{"duration_seconds":3600}', 100, created_at, created_at
FROM organizations;
