//! Handlers, one module per area of API.md.

pub mod auth;
pub mod health;
pub mod inventory;
pub mod invitations;
pub mod organization;
pub mod security;
pub mod users;
