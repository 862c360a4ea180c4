//! Integration tests of xdr-persistence. Every case in a `both_backends!` list runs once on a
//! fresh SQLite file and once on a fresh PostgreSQL database (which must be reachable: the
//! PostgreSQL tests fail, never skip, when it is not).
//!
//! Cases are plain functions called by generated `#[test]`s, which clippy's
//! `allow-unwrap-in-tests` does not see as tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[macro_use]
mod support;

mod agents;
mod audit_chain;
mod audit_reads;
mod credential_secrets;
mod credentials;
mod delivery_claims;
mod detection_batch;
mod detection_windows;
mod events_retention;
mod events_store;
mod health;
mod ingest;
mod invitations;
mod migrations;
mod onboarding;
mod organizations;
mod refresh;
mod row_level_security;
mod sessions;
mod throttle;
mod users;
