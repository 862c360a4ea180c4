-- Credential vault: users' cloud credentials, their secrets sealed one field per row.
-- A sealed value is `v1:<key_version>:<base64url>` (XChaCha20-Poly1305, bound by associated
-- data to organization, owner, credential and field); `key_version` repeats its key version so
-- that start-up and `vault rewrap` can count values per key without reading them.

CREATE TABLE credentials (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    provider TEXT NOT NULL CONSTRAINT ck_credentials_provider CHECK (provider IN ('aws')),
    -- First and last four characters of the access key id; the full id is sealed.
    access_key_preview TEXT NOT NULL,
    region TEXT,
    account_id TEXT,
    is_default BOOLEAN NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_used_at TEXT,
    -- The owner belongs to the credential's organization.
    CONSTRAINT fk_credentials_user FOREIGN KEY (organization_id, user_id)
        REFERENCES users (organization_id, id) ON DELETE CASCADE,
    CONSTRAINT uq_credentials_organization_id_id UNIQUE (organization_id, id)
);
CREATE INDEX ix_credentials_organization_id_user_id_id ON credentials (organization_id, user_id, id);
-- At most one default per user.
CREATE UNIQUE INDEX uq_credentials_one_default_per_user
    ON credentials (organization_id, user_id) WHERE is_default;

CREATE TABLE credential_secrets (
    credential_id TEXT NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    field TEXT NOT NULL CONSTRAINT ck_credential_secrets_field
        CHECK (field IN ('access_key_id', 'secret_access_key', 'session_token')),
    sealed TEXT NOT NULL,
    key_version BIGINT NOT NULL CONSTRAINT ck_credential_secrets_key_version
        CHECK (key_version BETWEEN 0 AND 4294967295),
    PRIMARY KEY (credential_id, field),
    CONSTRAINT fk_credential_secrets_credential FOREIGN KEY (organization_id, credential_id)
        REFERENCES credentials (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX ix_credential_secrets_organization_id_credential_id
    ON credential_secrets (organization_id, credential_id);
CREATE INDEX ix_credential_secrets_key_version ON credential_secrets (key_version);
