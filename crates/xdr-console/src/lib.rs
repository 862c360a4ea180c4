//! The web console: server-rendered HTML pages over the same use cases as the API.
//!
//! Templates are askama's (checked at compile time, HTML-escaped by default); htmx 2 is
//! vendored and served from the binary under a content-hashed URL, and only makes tables live:
//! every page works without JavaScript. Every answer carries a strict Content-Security-Policy
//! (no inline script or style), so markup that slipped into an event field cannot run.
//!
//! Browser sessions are the API's login sessions (`xdr-auth`), carried by a console token in
//! an HttpOnly, SameSite=Strict cookie; every state-changing request carries a CSRF token
//! (docs/console.md).

mod assets;
mod chart;
mod console;
mod cookies;
mod csrf;
mod error;
mod layout;
mod pages;
mod redirect;
mod render;
mod session;
mod summary_cache;

pub use console::{ClientResolver, Console, ConsoleConfig, ConsoleServices, SignInLimiter};
