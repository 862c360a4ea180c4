//! Handlers, one module per area of API.md.

pub mod auth;
pub mod credentials;
pub mod health;
pub mod organization;
