//! The diesel schema, shared by both backends: ids are UUID strings in TEXT columns and
//! timestamps are UTC `Timestamp`s (TEXT on SQLite, `TIMESTAMP` on PostgreSQL).

mod ingest;
mod onboarding;

pub use ingest::{ingest_tokens, log_source_ingest};
pub use onboarding::{
    agent_batches, agent_nonces, agent_secrets, agents, assets, discovery_scans, enrollment_tokens,
    onboarding_states,
};

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
        in_flight -> Integer,
        reserved_at -> Nullable<Timestamp>,
        refused -> Integer,
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
        log_source_id -> Nullable<Text>,
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
    containment_policies (id) {
        id -> Text,
        organization_id -> Text,
        name -> Text,
        enabled -> Bool,
        min_risk_score -> Double,
        min_event_count -> BigInt,
        action -> Text,
        action_params -> Text,
        priority -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    action_logs (id) {
        id -> Text,
        organization_id -> Text,
        incident_id -> Text,
        policy_id -> Nullable<Text>,
        action -> Text,
        params -> Text,
        status -> Text,
        executor -> Text,
        result -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    credentials (id) {
        id -> Text,
        organization_id -> Text,
        user_id -> Text,
        name -> Text,
        provider -> Text,
        access_key_preview -> Text,
        region -> Nullable<Text>,
        account_id -> Nullable<Text>,
        is_default -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    credential_secrets (credential_id, field) {
        credential_id -> Text,
        organization_id -> Text,
        field -> Text,
        sealed -> Text,
        key_version -> BigInt,
    }
}

diesel::table! {
    audit_logs (id) {
        id -> Text,
        organization_id -> Text,
        seq -> BigInt,
        created_at -> Timestamp,
        actor_id -> Nullable<Text>,
        actor_email -> Nullable<Text>,
        action -> Text,
        resource_type -> Text,
        resource_id -> Nullable<Text>,
        success -> Bool,
        error -> Nullable<Text>,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        details -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    audit_chain_heads (organization_id) {
        organization_id -> Text,
        last_seq -> BigInt,
        last_hash -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    audit_anchors (organization_id) {
        organization_id -> Text,
        last_seq -> BigInt,
        last_hash -> Text,
        pruned_entries -> BigInt,
        pruned_at -> Timestamp,
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

diesel::table! {
    detection_event_counts (organization_id, rule, src_ip, second) {
        organization_id -> Text,
        rule -> Text,
        src_ip -> Text,
        second -> BigInt,
        events -> BigInt,
    }
}

diesel::table! {
    detection_distinct_values (organization_id, rule, src_ip, value) {
        organization_id -> Text,
        rule -> Text,
        src_ip -> Text,
        value -> Text,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> Text,
        organization_id -> Text,
        url -> Text,
        enabled -> Bool,
        secret_sealed -> Text,
        secret_key_version -> BigInt,
        secret_preview -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(events -> organizations (organization_id));
diesel::joinable!(log_sources -> organizations (organization_id));
diesel::joinable!(ingest_tokens -> log_sources (log_source_id));
diesel::joinable!(ml_models -> organizations (organization_id));
diesel::joinable!(incidents -> organizations (organization_id));
diesel::joinable!(invitations -> organizations (organization_id));
diesel::joinable!(users -> organizations (organization_id));
diesel::joinable!(sessions -> organizations (organization_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(retired_refresh_tokens -> sessions (session_id));
diesel::joinable!(credential_secrets -> credentials (credential_id));

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
    containment_policies,
    action_logs,
    credentials,
    credential_secrets,
    audit_logs,
    audit_chain_heads,
    audit_anchors,
    log_sources,
    ml_models,
    webhook_endpoints,
    onboarding_states,
    discovery_scans,
    enrollment_tokens,
    agents,
    agent_secrets,
    agent_nonces,
    agent_batches,
    assets,
    ingest_tokens,
    log_source_ingest,
);
