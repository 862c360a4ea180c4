-- Removes the tenant policy and row-level security from every table that has the policy.
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN
        SELECT tablename FROM pg_policies
        WHERE schemaname = current_schema() AND policyname = 'tenant_isolation'
        ORDER BY tablename
    LOOP
        EXECUTE format('DROP POLICY tenant_isolation ON %I', t.tablename);
        EXECUTE format('ALTER TABLE %I NO FORCE ROW LEVEL SECURITY', t.tablename);
        EXECUTE format('ALTER TABLE %I DISABLE ROW LEVEL SECURITY', t.tablename);
    END LOOP;
END
$$;
