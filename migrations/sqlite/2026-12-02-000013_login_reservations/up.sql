-- Sign-in attempts take a reservation before their password check and give it back with the
-- outcome (xdr_domain::identity::lockout): `failures` counts only checks that failed,
-- `in_flight` the reservations not yet given back (forgotten `reserved_at` + 30 s later),
-- `refused` the attempts a lock turned away, recorded once when the lock ends.
ALTER TABLE login_throttles ADD COLUMN in_flight INTEGER NOT NULL DEFAULT 0;
ALTER TABLE login_throttles ADD COLUMN reserved_at TIMESTAMP;
ALTER TABLE login_throttles ADD COLUMN refused INTEGER NOT NULL DEFAULT 0;
