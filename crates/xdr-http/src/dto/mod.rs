//! Request and response bodies (the JSON of API.md), separate from the domain types.

pub mod admin;
pub mod auth;
pub mod identity;
pub mod inventory;
pub mod page;
pub mod secret;
pub mod security;
