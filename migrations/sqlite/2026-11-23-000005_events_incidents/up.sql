-- Security events (ingested in batches) and the incidents detection rules open from them.
CREATE TABLE events (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    agent_id TEXT,
    event_type TEXT NOT NULL,
    src_ip TEXT NOT NULL,
    dst_ip TEXT,
    dst_port INTEGER,
    hostname TEXT,
    username TEXT,
    message TEXT,
    raw TEXT,
    occurred_at TIMESTAMP NOT NULL,
    received_at TIMESTAMP NOT NULL
);
-- Newest first per organization; a rule's window per source IP; filters by type.
CREATE INDEX ix_events_organization_id_id ON events (organization_id, id);
CREATE INDEX ix_events_organization_id_src_ip_occurred_at ON events (organization_id, src_ip, occurred_at);
CREATE INDEX ix_events_organization_id_received_at ON events (organization_id, received_at);

CREATE TABLE incidents (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    rule TEXT NOT NULL,
    title TEXT NOT NULL,
    src_ip TEXT NOT NULL,
    severity TEXT NOT NULL
        CONSTRAINT ck_incidents_severity CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    risk_score REAL NOT NULL,
    status TEXT NOT NULL
        CONSTRAINT ck_incidents_status CHECK (status IN ('open', 'contained', 'resolved', 'dismissed')),
    event_count BIGINT NOT NULL,
    first_seen_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    assignee_id TEXT,
    note TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CONSTRAINT fk_incidents_assignee FOREIGN KEY (organization_id, assignee_id)
        REFERENCES users (organization_id, id)
);
CREATE INDEX ix_incidents_organization_id_id ON incidents (organization_id, id);
CREATE INDEX ix_incidents_organization_id_status ON incidents (organization_id, status);
CREATE INDEX ix_incidents_organization_id_src_ip ON incidents (organization_id, src_ip);
-- At most one open incident per organization, rule and source IP.
CREATE UNIQUE INDEX uq_incidents_open_rule_src_ip ON incidents (organization_id, rule, src_ip)
    WHERE status = 'open';

-- Per-organization settings of the built-in rules (absent row = defaults).
CREATE TABLE detection_rules (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    rule TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    threshold INTEGER NOT NULL,
    window_seconds INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (organization_id, rule)
);
