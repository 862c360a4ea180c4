DROP TABLE assets;
DROP TABLE agent_batches;
DROP TABLE agent_nonces;
DROP TABLE agent_secrets;
DROP TABLE agents;
DROP TABLE enrollment_tokens;
DROP TABLE discovery_scans;
DROP TABLE onboarding_states;
UPDATE organizations SET onboarding_status = 'in_progress' WHERE onboarding_status = 'skipped';
ALTER TABLE organizations DROP CONSTRAINT ck_organizations_onboarding_status;
ALTER TABLE organizations ADD CONSTRAINT ck_organizations_onboarding_status
    CHECK (onboarding_status IN ('not_started', 'in_progress', 'completed'));
