-- Invitations: an admin invites a person by email with a role; the invitee accepts with a
-- one-time token (stored only as its SHA-256) and chooses their own password.
CREATE TABLE invitations (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    role TEXT NOT NULL
        CONSTRAINT ck_invitations_role CHECK (role IN ('viewer', 'analyst', 'soc_lead', 'admin')),
    token_hash TEXT NOT NULL CONSTRAINT uq_invitations_token_hash UNIQUE,
    invited_by TEXT,
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CONSTRAINT fk_invitations_invited_by FOREIGN KEY (organization_id, invited_by)
        REFERENCES users (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX ix_invitations_organization_id_id ON invitations (organization_id, id);
-- At most one open (neither accepted nor revoked) invitation per email in an organization.
CREATE UNIQUE INDEX uq_invitations_open_email ON invitations (organization_id, email)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;
