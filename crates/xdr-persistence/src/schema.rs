//! The diesel schema, shared by both backends: ids are UUID strings in TEXT columns and
//! timestamps are UTC `Timestamp`s (TEXT on SQLite, `TIMESTAMP` on PostgreSQL).

diesel::table! {
    organizations (id) {
        id -> Text,
        name -> Text,
        name_key -> Text,
        slug -> Text,
        onboarding_status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        organization_id -> Text,
        email -> Text,
        full_name -> Text,
        role -> Text,
        is_active -> Bool,
        password_hash -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        last_login_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        organization_id -> Text,
        user_id -> Text,
        refresh_token_hash -> Text,
        generation -> BigInt,
        user_agent -> Nullable<Text>,
        ip -> Nullable<Text>,
        created_at -> Timestamp,
        last_used_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
    }
}

diesel::table! {
    retired_refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> Text,
        organization_id -> Text,
        retired_at -> Timestamp,
    }
}

diesel::table! {
    login_throttles (key) {
        key -> Text,
        failures -> Integer,
        window_started_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    invitations (id) {
        id -> Text,
        organization_id -> Text,
        email -> Text,
        role -> Text,
        token_hash -> Text,
        invited_by -> Nullable<Text>,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    events (id) {
        id -> Text,
        organization_id -> Text,
        agent_id -> Nullable<Text>,
        event_type -> Text,
        src_ip -> Text,
        dst_ip -> Nullable<Text>,
        dst_port -> Nullable<Integer>,
        hostname -> Nullable<Text>,
        username -> Nullable<Text>,
        message -> Nullable<Text>,
        raw -> Nullable<Text>,
        occurred_at -> Timestamp,
        received_at -> Timestamp,
    }
}

diesel::table! {
    incidents (id) {
        id -> Text,
        organization_id -> Text,
        rule -> Text,
        title -> Text,
        src_ip -> Text,
        severity -> Text,
        risk_score -> Double,
        status -> Text,
        event_count -> BigInt,
        first_seen_at -> Timestamp,
        last_seen_at -> Timestamp,
        assignee_id -> Nullable<Text>,
        note -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    detection_rules (organization_id, rule) {
        organization_id -> Text,
        rule -> Text,
        enabled -> Bool,
        threshold -> Integer,
        window_seconds -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    log_sources (id) {
        id -> Text,
        organization_id -> Text,
        name -> Text,
        source_type -> Text,
        hostname -> Nullable<Text>,
        description -> Nullable<Text>,
        enabled -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    ml_models (id) {
        id -> Text,
        organization_id -> Text,
        name -> Text,
        kind -> Text,
        version -> Text,
        status -> Text,
        metrics -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(events -> organizations (organization_id));
diesel::joinable!(log_sources -> organizations (organization_id));
diesel::joinable!(ml_models -> organizations (organization_id));
diesel::joinable!(incidents -> organizations (organization_id));
diesel::joinable!(invitations -> organizations (organization_id));
diesel::joinable!(users -> organizations (organization_id));
diesel::joinable!(sessions -> organizations (organization_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(retired_refresh_tokens -> sessions (session_id));

diesel::allow_tables_to_appear_in_same_query!(
    organizations,
    users,
    sessions,
    retired_refresh_tokens,
    login_throttles,
    invitations,
    events,
    incidents,
    detection_rules,
    log_sources,
    ml_models,
);
