-- Row-level security exists on PostgreSQL only (see the PostgreSQL migration of the same name).
-- SQLite has no roles and no policies: the application's organization filter is its only
-- tenant wall. This statement does nothing; it is here because diesel refuses empty migrations
-- and so that both backends have the same list of migrations.
SELECT 1;
