//! The sign-in use cases, one file each, as methods on `AuthService`.

pub mod account;
pub mod authenticate;
pub mod browser;
pub mod invitations;
pub mod login;
pub mod refresh;
pub mod register;
pub mod sessions;
