-- Detection windows kept as tallies, so that detecting on a batch never re-reads the events of
-- a window (xdr_domain::detection::window): matching events per second for event-counting
-- rules, and each distinct value (port, username) with its newest occurrence for
-- distinct-value rules. Rows older than the longest enabled window are pruned at ingest.
CREATE TABLE detection_event_counts (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    rule TEXT NOT NULL,
    src_ip TEXT NOT NULL,
    second BIGINT NOT NULL,
    events BIGINT NOT NULL,
    PRIMARY KEY (organization_id, rule, src_ip, second)
);
CREATE INDEX ix_detection_event_counts_organization_id_second
    ON detection_event_counts (organization_id, second);

CREATE TABLE detection_distinct_values (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    rule TEXT NOT NULL,
    src_ip TEXT NOT NULL,
    value TEXT NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    PRIMARY KEY (organization_id, rule, src_ip, value)
);
CREATE INDEX ix_detection_distinct_values_organization_id_last_seen_at
    ON detection_distinct_values (organization_id, last_seen_at);

-- Row-level security, as migration 000009 gives every tenant table.
ALTER TABLE detection_event_counts ENABLE ROW LEVEL SECURITY;
ALTER TABLE detection_event_counts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON detection_event_counts
    USING (organization_id = current_setting('app.organization_id', true)
           OR current_setting('app.cross_tenant', true) = 'on')
    WITH CHECK (organization_id = current_setting('app.organization_id', true)
           OR current_setting('app.cross_tenant', true) = 'on');
ALTER TABLE detection_distinct_values ENABLE ROW LEVEL SECURITY;
ALTER TABLE detection_distinct_values FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON detection_distinct_values
    USING (organization_id = current_setting('app.organization_id', true)
           OR current_setting('app.cross_tenant', true) = 'on')
    WITH CHECK (organization_id = current_setting('app.organization_id', true)
           OR current_setting('app.cross_tenant', true) = 'on');

-- Carry the last day of stored events over, so detection continues across the upgrade. The
-- copy spans organizations: this transaction only.
SET LOCAL app.cross_tenant = 'on';

INSERT INTO detection_event_counts (organization_id, rule, src_ip, second, events)
SELECT organization_id, 'ssh_brute_force', src_ip,
       FLOOR(EXTRACT(EPOCH FROM occurred_at))::BIGINT, COUNT(*)
FROM events
WHERE (event_type = 'cowrie.login.failed' OR (event_type = 'auth.failed' AND dst_port = 22))
  AND occurred_at >= (now() AT TIME ZONE 'UTC') - INTERVAL '1 day'
GROUP BY organization_id, src_ip, FLOOR(EXTRACT(EPOCH FROM occurred_at))::BIGINT;

INSERT INTO detection_distinct_values (organization_id, rule, src_ip, value, last_seen_at)
SELECT organization_id, 'port_scan', src_ip, CAST(dst_port AS TEXT), MAX(occurred_at)
FROM events
WHERE dst_port IS NOT NULL AND occurred_at >= (now() AT TIME ZONE 'UTC') - INTERVAL '1 day'
GROUP BY organization_id, src_ip, dst_port;

INSERT INTO detection_distinct_values (organization_id, rule, src_ip, value, last_seen_at)
SELECT organization_id, 'credential_stuffing', src_ip, username, MAX(occurred_at)
FROM events
WHERE event_type IN ('cowrie.login.failed', 'auth.failed') AND username IS NOT NULL
  AND occurred_at >= (now() AT TIME ZONE 'UTC') - INTERVAL '1 day'
GROUP BY organization_id, src_ip, username;
