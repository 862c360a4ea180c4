//! Integration tests of xdr-server, in one test binary (one link of the whole dependency tree
//! instead of one per file): the HTTP API through the real actix app on a fresh SQLite and a
//! fresh PostgreSQL database per test (`common`), the configuration (`config_*`), the real
//! `mini-xdr` binary (`binary*`, `vault_binary`) and the crate architecture.
//!
//! Every test of every module runs in this one process, in parallel threads: nothing here may
//! change process-global state (environment, current directory, umask...). The configuration
//! is loaded from an explicit environment (`config_support::env`), spawned binaries get theirs
//! with `Command::env_clear`, and the one global tracing subscriber is `log_capture`'s, which
//! records only inside a `log_capture::Capture`.

#[macro_use]
mod common;
mod config_support;
mod log_capture;

mod agents;
mod agents_access;
mod agents_enroll;
mod agents_events;
mod agents_signature;
mod agents_vault;
mod architecture;
mod audit;
mod audit_export;
mod auth;
mod binary;
mod binary_audit_prune;
mod binary_backup;
mod binary_console_e2e;
mod binary_cowrie;
mod binary_events_prune;
mod binary_instances;
mod binary_lifecycle;
mod binary_onboarding;
mod binary_request_log;
mod binary_row_security;
mod binary_scan_claims;
mod binary_server;
mod binary_tls;
mod binary_webhook_claims;
mod config_cli;
mod config_docs;
mod config_events;
mod config_keys;
mod config_load;
mod config_redact;
mod config_validate;
mod config_vault_keys;
mod console;
mod containment;
mod cors;
mod credentials;
mod credentials_access;
mod credentials_audit;
mod credentials_integrity;
mod credentials_rotation;
mod credentials_secrets;
mod headers;
mod incidents;
mod ingest;
mod input;
mod inventory;
mod invitations;
mod isolation_matrix;
mod isolation_onboarding;
mod jwt_attacks;
mod lockout;
mod metrics;
mod onboarding;
mod onboarding_scans;
mod onboarding_tokens;
mod rate_limit;
mod session_end;
mod tenancy;
mod users;
mod vault_binary;
mod webhooks;
mod webhooks_config;
mod webhooks_secrets;
mod webhooks_ssrf;
mod xdr;
