DROP TABLE detection_distinct_values;
DROP TABLE detection_event_counts;
