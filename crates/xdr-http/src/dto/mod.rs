//! Request and response bodies (the JSON of API.md), separate from the domain types.

pub mod audit;
pub mod audit_export;
pub mod auth;
pub mod identity;
pub mod secret;
