-- The tamper-evident audit log: one hash chain per organization.

CREATE TABLE audit_logs (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- Position in the organization's chain, from 1, without gaps (a gap is a deletion).
    seq BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    -- No foreign key: the record of what a user did outlives the user.
    actor_id TEXT,
    actor_email TEXT,
    action TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id TEXT,
    success BOOLEAN NOT NULL,
    error TEXT,
    ip TEXT,
    user_agent TEXT,
    -- Canonical JSON (sorted keys), kept as text so that it reads back byte for byte.
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    CONSTRAINT uq_audit_logs_organization_id_seq UNIQUE (organization_id, seq)
);
CREATE INDEX ix_audit_logs_organization_id_created_at ON audit_logs (organization_id, created_at);
CREATE INDEX ix_audit_logs_organization_id_action ON audit_logs (organization_id, action);

-- The end of each organization's chain. Appenders lock this row, so one organization's
-- entries are written one at a time and the chain cannot fork.
CREATE TABLE audit_chain_heads (
    organization_id TEXT PRIMARY KEY NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    last_seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Where the chain starts after pruning: the last pruned entry's position and hash.
CREATE TABLE audit_anchors (
    organization_id TEXT PRIMARY KEY NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    last_seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL,
    pruned_entries BIGINT NOT NULL,
    pruned_at TEXT NOT NULL
);
