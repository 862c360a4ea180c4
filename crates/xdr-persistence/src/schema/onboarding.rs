//! Tables of onboarding, discovery, enrollment tokens and agents (migration 000014).

diesel::table! {
    onboarding_states (organization_id) {
        organization_id -> Text,
        status -> Text,
        completed_steps -> Text,
        region -> Nullable<Text>,
        industry -> Nullable<Text>,
        company_size -> Nullable<Text>,
        forced -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    discovery_scans (id) {
        id -> Text,
        organization_id -> Text,
        status -> Text,
        network_ranges -> Text,
        ports -> Text,
        exclude -> Text,
        hosts_total -> BigInt,
        hosts_scanned -> BigInt,
        found -> BigInt,
        created_at -> Timestamp,
        started_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
        error -> Nullable<Text>,
        claimed_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    enrollment_tokens (id) {
        id -> Text,
        organization_id -> Text,
        token_hash -> Text,
        platform -> Text,
        label -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        max_uses -> BigInt,
        uses -> BigInt,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    agents (id) {
        id -> Text,
        organization_id -> Text,
        instance_id -> Text,
        hostname -> Text,
        platform -> Text,
        os_version -> Nullable<Text>,
        ip_address -> Nullable<Text>,
        agent_version -> Nullable<Text>,
        state -> Text,
        enrollment_token_id -> Nullable<Text>,
        enrolled_at -> Timestamp,
        last_seen_at -> Nullable<Timestamp>,
        buffered_events -> BigInt,
        dropped_events -> BigInt,
        clone_instance_id -> Nullable<Text>,
        superseded_by -> Nullable<Text>,
    }
}

diesel::table! {
    agent_secrets (agent_id) {
        agent_id -> Text,
        organization_id -> Text,
        sealed -> Text,
        key_version -> BigInt,
        previous_sealed -> Nullable<Text>,
        previous_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    agent_nonces (agent_id, nonce) {
        agent_id -> Text,
        nonce -> Text,
        organization_id -> Text,
        seen_at -> Timestamp,
    }
}

diesel::table! {
    agent_batches (agent_id, batch_id) {
        agent_id -> Text,
        batch_id -> Text,
        organization_id -> Text,
        accepted -> BigInt,
        received_at -> Timestamp,
    }
}

diesel::table! {
    assets (id) {
        id -> Text,
        organization_id -> Text,
        ip -> Text,
        hostname -> Nullable<Text>,
        os -> Text,
        os_confidence -> Double,
        role -> Text,
        priority -> Text,
        services -> Text,
        agent_id -> Nullable<Text>,
        scan_id -> Text,
        first_seen_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}
