DROP INDEX ix_action_logs_pending;
UPDATE action_logs
SET status = 'failed', result = 'not delivered: webhooks were removed (migration reverted)'
WHERE status = 'pending';
ALTER TABLE action_logs DROP CONSTRAINT ck_action_logs_status;
ALTER TABLE action_logs ADD CONSTRAINT ck_action_logs_status
    CHECK (status IN ('recorded', 'succeeded', 'failed'));
DROP TABLE webhook_endpoints;
