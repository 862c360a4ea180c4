#!/bin/sh
# Runs once, when the postgres container initializes an empty data directory (files in
# /docker-entrypoint-initdb.d run as the bootstrap superuser). Creates the role Mini-XDR
# connects as and its database, owned by it. The role is neither superuser nor BYPASSRLS:
# PostgreSQL row-level security, the second tenant wall, applies to it (docs/security.md).
set -eu

password="$(cat /run/secrets/db_password)"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    --set app_password="$password" <<'SQL'
CREATE ROLE mini_xdr LOGIN PASSWORD :'app_password'
    NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
CREATE DATABASE mini_xdr OWNER mini_xdr;
SQL
