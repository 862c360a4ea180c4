//! Handlers, one module per concept of docs/api.md: `auth` (identity); `organization`,
//! `invitations` and `users` (organization administration); `audit`, `credentials`,
//! `detection`, `containment`, `webhooks` and `inventory`; and `health`.

pub mod agents;
pub mod audit;
pub mod auth;
pub mod containment;
pub mod credentials;
pub mod detection;
pub mod downloads;
pub mod health;
pub mod hec;
pub mod inventory;
pub mod invitations;
pub mod legacy_ingest;
pub mod onboarding;
pub mod organization;
mod query;
pub mod users;
pub mod webhooks;
