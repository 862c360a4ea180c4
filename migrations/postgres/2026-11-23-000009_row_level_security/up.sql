-- Row-level security: the second tenant wall, behind the organization filter every repository
-- query already carries (docs/security.md).
--
-- Every table of this schema with an `organization_id` column, and `organizations` itself
-- (keyed on `id`), only shows and accepts the rows of the organization named by the
-- transaction-local setting `app.organization_id`, or every row when `app.cross_tenant` is
-- 'on' (set only by the operations that precede or span organizations). With neither set, a
-- query sees no rows and can write none.
--
-- The tables are found in the catalog rather than listed, so that tenant tables created by
-- earlier migrations are covered whatever they are. Tables created by LATER migrations must
-- enable RLS themselves with the same policy (the test `row_level_security` fails otherwise).
--
-- FORCE: the application usually connects as the owner of the tables, which RLS otherwise
-- exempts. Superusers and BYPASSRLS roles are exempt regardless: the server warns at start-up
-- when it connects as one.
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN
        SELECT c.relname AS table_name, a.attname AS tenant_column
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE n.nspname = current_schema()
          AND c.relkind IN ('r', 'p')
          AND (a.attname = 'organization_id' OR (c.relname = 'organizations' AND a.attname = 'id'))
        ORDER BY c.relname
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t.table_name);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t.table_name);
        EXECUTE format(
            'CREATE POLICY tenant_isolation ON %1$I '
            'USING (%2$I = current_setting(''app.organization_id'', true) '
            '       OR current_setting(''app.cross_tenant'', true) = ''on'') '
            'WITH CHECK (%2$I = current_setting(''app.organization_id'', true) '
            '       OR current_setting(''app.cross_tenant'', true) = ''on'')',
            t.table_name, t.tenant_column);
    END LOOP;
END
$$;
