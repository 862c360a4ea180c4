ALTER TABLE login_throttles DROP COLUMN refused;
ALTER TABLE login_throttles DROP COLUMN reserved_at;
ALTER TABLE login_throttles DROP COLUMN in_flight;
