-- A webhook delivery is claimed before it is sent: several server instances on one database
-- each re-queue pending deliveries (at start and periodically, to pick up those of an instance
-- that died), and only the one whose conditional UPDATE sets this first sends. NULL: never
-- claimed; in the past: the claimant died or gave up, and the delivery may be claimed again.
ALTER TABLE action_logs ADD COLUMN claimed_until TIMESTAMP;
