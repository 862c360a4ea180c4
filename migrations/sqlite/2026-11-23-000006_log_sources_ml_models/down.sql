DROP TABLE ml_models;
DROP TABLE log_sources;
