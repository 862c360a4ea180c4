-- Every stored event cost five B-tree inserts: the table, the index behind the primary key on
-- id, and three secondary indexes. Now three:
-- * an event id is only ever looked up with its organization, so the unique
--   (organization_id, id) index takes the place of the global primary key (ids are UUID v7,
--   unique on their own as well);
-- * the (organization_id, received_at) index goes: ids are made from the reception time
--   (xdr_domain::detection::event_id), so the events received since a time are found through
--   the id index (the dashboard's last 24 hours).
-- SQLite cannot drop a primary key in place: the table is rebuilt.
CREATE TABLE events_rebuilt (
    id TEXT NOT NULL,
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
-- Newest first per organization, and the events received since a time.
CREATE UNIQUE INDEX uq_events_organization_id_id ON events (organization_id, id);
-- A source IP's events in a time range (incident detail, first event of a new incident).
CREATE INDEX ix_events_organization_id_src_ip_occurred_at ON events (organization_id, src_ip, occurred_at);
