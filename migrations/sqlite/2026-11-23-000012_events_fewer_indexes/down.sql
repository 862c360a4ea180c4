CREATE TABLE events_rebuilt (
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
INSERT INTO events_rebuilt (id, organization_id, agent_id, event_type, src_ip, dst_ip, dst_port,
                            hostname, username, message, raw, occurred_at, received_at)
SELECT id, organization_id, agent_id, event_type, src_ip, dst_ip, dst_port,
       hostname, username, message, raw, occurred_at, received_at
FROM events ORDER BY rowid;
DROP TABLE events;
ALTER TABLE events_rebuilt RENAME TO events;
CREATE INDEX ix_events_organization_id_id ON events (organization_id, id);
CREATE INDEX ix_events_organization_id_src_ip_occurred_at ON events (organization_id, src_ip, occurred_at);
CREATE INDEX ix_events_organization_id_received_at ON events (organization_id, received_at);
