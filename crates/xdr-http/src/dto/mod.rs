//! Request and response bodies (the JSON of API.md), separate from the domain types.

pub mod auth;
pub mod credentials;
pub mod identity;
pub mod secret;
