//! Handlers, one module per area of the API (docs/api.md).

pub mod audit;
pub mod auth;
pub mod containment;
pub mod credentials;
pub mod detection;
pub mod health;
pub mod inventory;
pub mod invitations;
pub mod organization;
pub mod users;
pub mod webhooks;
