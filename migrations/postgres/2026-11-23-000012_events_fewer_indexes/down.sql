ALTER TABLE events DROP CONSTRAINT events_pkey;
ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (id);
CREATE INDEX ix_events_organization_id_id ON events (organization_id, id);
CREATE INDEX ix_events_organization_id_received_at ON events (organization_id, received_at);
