DROP TABLE action_logs;
DROP TABLE containment_policies;
DROP INDEX uq_incidents_organization_id_id;
