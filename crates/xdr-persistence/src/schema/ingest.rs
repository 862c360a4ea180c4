//! Tables of agentless ingest: ingest tokens and log sources' ingest status (migration 000015).

diesel::table! {
    ingest_tokens (id) {
        id -> Text,
        organization_id -> Text,
        log_source_id -> Text,
        token_hash -> Text,
        label -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    log_source_ingest (log_source_id) {
        log_source_id -> Text,
        organization_id -> Text,
        received -> BigInt,
        parsed -> BigInt,
        rejected -> BigInt,
        last_error -> Nullable<Text>,
        last_event_at -> Nullable<Timestamp>,
    }
}
