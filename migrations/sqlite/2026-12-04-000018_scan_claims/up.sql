-- A running discovery scan is claimed by the instance that runs it, and the claim is renewed
-- with every progress write (each second). Several server instances on one database each
-- sweep for active scans whose claim ran out (the instance running them stopped or died) and
-- mark them interrupted; a scan whose claim is current runs on a live instance and is left
-- alone. NULL: not started yet.
ALTER TABLE discovery_scans ADD COLUMN claimed_until TIMESTAMP;
