//! Request and response bodies (the JSON of docs/api.md), separate from the domain types.

pub mod admin;
pub mod agents;
pub mod audit;
pub mod auth;
pub mod containment;
pub mod credentials;
pub mod detection;
pub mod identity;
pub mod ingest;
pub mod inventory;
pub mod onboarding;
pub mod page;
pub mod schemas;
pub mod secret;
pub mod webhooks;
