//! Handlers, one module per area of API.md.

pub mod audit;
pub mod auth;
pub mod containment;
pub mod credentials;
pub mod health;
pub mod inventory;
pub mod invitations;
pub mod organization;
pub mod security;
pub mod users;
pub mod webhooks;
