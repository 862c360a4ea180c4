-- Log sources an organization collects from; names are unique within the organization.
CREATE TABLE log_sources (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    source_type TEXT NOT NULL
        CONSTRAINT ck_log_sources_source_type
        CHECK (source_type IN ('cowrie', 'syslog', 'windows_event', 'zeek', 'suricata', 'custom')),
    hostname TEXT,
    description TEXT,
    enabled BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CONSTRAINT uq_log_sources_name UNIQUE (organization_id, name)
);
-- Newest first per organization.
CREATE INDEX ix_log_sources_organization_id_id ON log_sources (organization_id, id);

-- Records of the ML model registry; (name, version) is unique within the organization.
CREATE TABLE ml_models (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    version TEXT NOT NULL,
    status TEXT NOT NULL
        CONSTRAINT ck_ml_models_status
        CHECK (status IN ('draft', 'training', 'trained', 'deployed', 'retired')),
    -- A JSON object (at most 16 KiB), kept as text on both backends.
    metrics TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CONSTRAINT uq_ml_models_name_version UNIQUE (organization_id, name, version)
);
CREATE INDEX ix_ml_models_organization_id_id ON ml_models (organization_id, id);
