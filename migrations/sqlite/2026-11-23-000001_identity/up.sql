-- Identity: organizations (tenants), users, sessions with rotating refresh tokens, login throttles.
-- Ids are UUID strings; timestamps are UTC.

CREATE TABLE organizations (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    -- OrganizationName::unique_key: names equal up to case/Unicode form are one organization.
    name_key TEXT NOT NULL CONSTRAINT uq_organizations_name_key UNIQUE,
    slug TEXT NOT NULL CONSTRAINT uq_organizations_slug UNIQUE,
    onboarding_status TEXT NOT NULL DEFAULT 'not_started'
        CONSTRAINT ck_organizations_onboarding_status
        CHECK (onboarding_status IN ('not_started', 'in_progress', 'completed')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- Global: sign-in finds the tenant by email.
    email TEXT NOT NULL CONSTRAINT uq_users_email UNIQUE,
    full_name TEXT NOT NULL,
    role TEXT NOT NULL
        CONSTRAINT ck_users_role CHECK (role IN ('viewer', 'analyst', 'soc_lead', 'admin')),
    is_active BOOLEAN NOT NULL DEFAULT 1,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_login_at TEXT,
    -- Lets child rows reference (organization_id, id) so that they cannot point across tenants.
    CONSTRAINT uq_users_organization_id_id UNIQUE (organization_id, id)
);
CREATE INDEX ix_users_organization_id_created_at ON users (organization_id, created_at);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    refresh_token_hash TEXT NOT NULL CONSTRAINT uq_sessions_refresh_token_hash UNIQUE,
    generation BIGINT NOT NULL DEFAULT 0,
    user_agent TEXT,
    ip TEXT,
    created_at TEXT NOT NULL,
    last_used_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_reason TEXT,
    CONSTRAINT fk_sessions_user FOREIGN KEY (organization_id, user_id)
        REFERENCES users (organization_id, id) ON DELETE CASCADE,
    CONSTRAINT uq_sessions_organization_id_id UNIQUE (organization_id, id)
);
CREATE INDEX ix_sessions_organization_id_user_id ON sessions (organization_id, user_id);

-- Refresh hashes a session family has rotated away from: presenting one again is reuse.
CREATE TABLE retired_refresh_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    retired_at TEXT NOT NULL,
    CONSTRAINT fk_retired_refresh_tokens_session FOREIGN KEY (organization_id, session_id)
        REFERENCES sessions (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX ix_retired_refresh_tokens_organization_id_session_id
    ON retired_refresh_tokens (organization_id, session_id);

-- Not tenant-owned: keyed by a hash of the attempted email, before anyone is authenticated.
CREATE TABLE login_throttles (
    key TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL,
    window_started_at TEXT NOT NULL,
    locked_until TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX ix_login_throttles_updated_at ON login_throttles (updated_at);
