//! Handlers, one module per area of API.md.

pub mod audit;
pub mod auth;
pub mod health;
pub mod organization;
