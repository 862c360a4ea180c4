//! The web console through the real actix app on both databases: sign-in and sessions, CSRF,
//! roles and tenants on every page, escaping of hostile event fields, assets.

mod admin;
mod audit_export;
mod browser;
mod credentials;
mod log_sources;
mod onboarding;
mod pages;
mod roles;
mod sessions;
mod settings;
mod sign_in;
