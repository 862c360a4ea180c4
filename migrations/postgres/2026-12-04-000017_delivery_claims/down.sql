ALTER TABLE action_logs DROP COLUMN claimed_until;
