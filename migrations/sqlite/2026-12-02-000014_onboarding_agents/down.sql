PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
DROP TABLE assets;
DROP TABLE agent_batches;
DROP TABLE agent_nonces;
DROP TABLE agent_secrets;
DROP TABLE agents;
DROP TABLE enrollment_tokens;
DROP TABLE discovery_scans;
DROP TABLE onboarding_states;
CREATE TABLE organizations_rebuilt (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL CONSTRAINT uq_organizations_name_key UNIQUE,
    slug TEXT NOT NULL CONSTRAINT uq_organizations_slug UNIQUE,
    onboarding_status TEXT NOT NULL DEFAULT 'not_started'
        CONSTRAINT ck_organizations_onboarding_status
        CHECK (onboarding_status IN ('not_started', 'in_progress', 'completed')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO organizations_rebuilt (id, name, name_key, slug, onboarding_status, created_at, updated_at)
    SELECT id, name, name_key, slug, CASE onboarding_status WHEN 'skipped' THEN 'in_progress' ELSE onboarding_status END, created_at, updated_at FROM organizations;
DROP TABLE organizations;
ALTER TABLE organizations_rebuilt RENAME TO organizations;
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
