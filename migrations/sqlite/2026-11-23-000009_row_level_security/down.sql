-- Reverts the PostgreSQL-only row-level security migration: nothing to do on SQLite.
-- diesel refuses empty migrations, hence the statement below.
SELECT 1;
