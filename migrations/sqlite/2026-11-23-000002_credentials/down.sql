DROP TABLE IF EXISTS credential_secrets;
DROP TABLE IF EXISTS credentials;
