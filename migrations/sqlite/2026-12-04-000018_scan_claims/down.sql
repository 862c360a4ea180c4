ALTER TABLE discovery_scans DROP COLUMN claimed_until;
