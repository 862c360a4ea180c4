-- The incident list filters by status and severity and pages newest first (by id): with only
-- (organization_id, status), a filter that matches few of many open incidents walked them all
-- (9.8 ms at 10,000 open incidents, docs/benchmarks.md). This serves status, and status with
-- severity, in index order; it also serves what (organization_id, status) did.
CREATE INDEX ix_incidents_organization_id_status_severity_id
    ON incidents (organization_id, status, severity, id);
DROP INDEX ix_incidents_organization_id_status;
