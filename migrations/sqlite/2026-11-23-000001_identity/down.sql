DROP TABLE IF EXISTS login_throttles;
DROP TABLE IF EXISTS retired_refresh_tokens;
DROP TABLE IF EXISTS sessions;
DROP TABLE IF EXISTS users;
DROP TABLE IF EXISTS organizations;
