DROP TABLE detection_rules;
DROP TABLE incidents;
DROP TABLE events;
