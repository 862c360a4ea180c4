-- Not in diesel's transaction (metadata.toml): SQLite cannot change a CHECK constraint in
-- place, and rebuilding `organizations` needs foreign keys off, which only works outside a
-- transaction (https://sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema
-- Changes"). Everything else runs in one transaction of its own.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

-- The organization's onboarding status mirrors the wizard's, which can be skipped.
CREATE TABLE organizations_rebuilt (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL CONSTRAINT uq_organizations_name_key UNIQUE,
    slug TEXT NOT NULL CONSTRAINT uq_organizations_slug UNIQUE,
    onboarding_status TEXT NOT NULL DEFAULT 'not_started'
        CONSTRAINT ck_organizations_onboarding_status
        CHECK (onboarding_status IN ('not_started', 'in_progress', 'completed', 'skipped')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO organizations_rebuilt (id, name, name_key, slug, onboarding_status, created_at, updated_at)
    SELECT id, name, name_key, slug, onboarding_status, created_at, updated_at FROM organizations;
DROP TABLE organizations;
ALTER TABLE organizations_rebuilt RENAME TO organizations;

-- Onboarding and agents (issue 14): the wizard's state, discovery scans and the assets they
-- found, enrollment tokens (hashed), agents (secrets sealed), the nonces of signed agent
-- requests and the event batches agents sent (de-duplication by batch_id).

-- One row per organization that started onboarding; `completed_steps` is a comma-separated
-- prefix of profile,network_scan,agents,validation.
CREATE TABLE onboarding_states (
    organization_id TEXT PRIMARY KEY NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    status TEXT NOT NULL CONSTRAINT ck_onboarding_states_status
        CHECK (status IN ('not_started', 'in_progress', 'completed', 'skipped')),
    completed_steps TEXT NOT NULL,
    region TEXT,
    industry TEXT,
    company_size TEXT CONSTRAINT ck_onboarding_states_company_size
        CHECK (company_size IN ('1-50', '51-200', '201-1000', '1001-5000', '5000+')),
    forced BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE discovery_scans (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    status TEXT NOT NULL CONSTRAINT ck_discovery_scans_status
        CHECK (status IN ('queued', 'running', 'completed', 'cancelled', 'failed', 'interrupted')),
    -- JSON arrays of CIDR text, of ports, of excluded ranges.
    network_ranges TEXT NOT NULL,
    ports TEXT NOT NULL,
    exclude TEXT NOT NULL,
    hosts_total BIGINT NOT NULL,
    hosts_scanned BIGINT NOT NULL,
    found BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    error TEXT
);
CREATE INDEX ix_discovery_scans_organization_id_id ON discovery_scans (organization_id, id);
-- At most one queued or running scan per organization: a second start is a conflict.
CREATE UNIQUE INDEX uq_discovery_scans_active ON discovery_scans (organization_id)
    WHERE status IN ('queued', 'running');

CREATE TABLE enrollment_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- SHA-256 of the token (hex); the token itself is shown once and never stored.
    token_hash TEXT NOT NULL CONSTRAINT uq_enrollment_tokens_token_hash UNIQUE,
    platform TEXT NOT NULL CONSTRAINT ck_enrollment_tokens_platform
        CHECK (platform IN ('linux', 'windows', 'macos', 'docker')),
    label TEXT,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    max_uses BIGINT NOT NULL CONSTRAINT ck_enrollment_tokens_max_uses
        CHECK (max_uses BETWEEN 1 AND 1000),
    uses BIGINT NOT NULL CONSTRAINT ck_enrollment_tokens_uses CHECK (uses >= 0 AND uses <= max_uses),
    revoked_at TIMESTAMP
);
CREATE INDEX ix_enrollment_tokens_organization_id_id ON enrollment_tokens (organization_id, id);

CREATE TABLE agents (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    instance_id TEXT NOT NULL,
    hostname TEXT NOT NULL,
    platform TEXT NOT NULL CONSTRAINT ck_agents_platform
        CHECK (platform IN ('linux', 'windows', 'macos', 'docker')),
    os_version TEXT,
    ip_address TEXT,
    agent_version TEXT,
    state TEXT NOT NULL CONSTRAINT ck_agents_state
        CHECK (state IN ('active', 'revoked', 'unenrolled', 'superseded')),
    enrollment_token_id TEXT REFERENCES enrollment_tokens (id) ON DELETE SET NULL,
    enrolled_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP,
    buffered_events BIGINT NOT NULL,
    dropped_events BIGINT NOT NULL,
    -- The last instance id seen that is not this agent's (a clone), audited once per value.
    clone_instance_id TEXT,
    superseded_by TEXT,
    -- Never on hostname: the instance id the agent keeps is its identity.
    CONSTRAINT uq_agents_organization_id_instance_id UNIQUE (organization_id, instance_id)
);
CREATE INDEX ix_agents_organization_id_id ON agents (organization_id, id);

-- An agent's secret, sealed by the vault (bound to the organization and the agent's instance
-- id), and the one it replaced, accepted until `previous_until` (the rotation overlap).
CREATE TABLE agent_secrets (
    agent_id TEXT PRIMARY KEY NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    sealed TEXT NOT NULL,
    key_version BIGINT NOT NULL CONSTRAINT ck_agent_secrets_key_version
        CHECK (key_version BETWEEN 0 AND 4294967295),
    previous_sealed TEXT,
    previous_until TIMESTAMP
);
CREATE INDEX ix_agent_secrets_organization_id ON agent_secrets (organization_id);
CREATE INDEX ix_agent_secrets_key_version ON agent_secrets (key_version);

-- Nonces of signed agent requests seen in the last 600 s, shared by every server instance.
CREATE TABLE agent_nonces (
    agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    nonce TEXT NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    seen_at TIMESTAMP NOT NULL,
    PRIMARY KEY (agent_id, nonce)
);
CREATE INDEX ix_agent_nonces_seen_at ON agent_nonces (seen_at);

-- Event batches an agent sent, by its batch_id: a batch sent again is answered as a duplicate.
CREATE TABLE agent_batches (
    agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    batch_id TEXT NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    accepted BIGINT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    PRIMARY KEY (agent_id, batch_id)
);
CREATE INDEX ix_agent_batches_organization_id ON agent_batches (organization_id);

-- Assets: one per IP and organization, updated by later scans.
CREATE TABLE assets (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    ip TEXT NOT NULL,
    hostname TEXT,
    os TEXT NOT NULL CONSTRAINT ck_assets_os
        CHECK (os IN ('windows', 'linux', 'macos', 'network_device', 'printer', 'unknown')),
    os_confidence REAL NOT NULL CONSTRAINT ck_assets_os_confidence
        CHECK (os_confidence >= 0 AND os_confidence <= 1),
    role TEXT NOT NULL CONSTRAINT ck_assets_role
        CHECK (role IN ('domain_controller', 'windows_server', 'linux_server', 'web_server',
                        'database_server', 'workstation', 'printer', 'network_device', 'unknown')),
    priority TEXT NOT NULL CONSTRAINT ck_assets_priority
        CHECK (priority IN ('critical', 'high', 'medium', 'low')),
    -- JSON array of {port, banner}.
    services TEXT NOT NULL,
    agent_id TEXT REFERENCES agents (id) ON DELETE SET NULL,
    scan_id TEXT NOT NULL REFERENCES discovery_scans (id) ON DELETE CASCADE,
    first_seen_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    CONSTRAINT uq_assets_organization_id_ip UNIQUE (organization_id, ip)
);
CREATE INDEX ix_assets_organization_id_id ON assets (organization_id, id);

PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
