-- Every stored event cost five index inserts besides the table's: the primary key on id and
-- three secondary indexes. Now two:
-- * an event id is only ever looked up with its organization, so the primary key becomes
--   (organization_id, id) and the separate (organization_id, id) index goes;
-- * the (organization_id, received_at) index goes: ids are made from the reception time
--   (xdr_domain::detection::event_id), so the events received since a time are found through
--   the primary key (the dashboard's last 24 hours).
ALTER TABLE events DROP CONSTRAINT events_pkey;
DROP INDEX ix_events_organization_id_id;
ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (organization_id, id);
DROP INDEX ix_events_organization_id_received_at;
