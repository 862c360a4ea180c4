//! The `mini-xdr` binary's building blocks: configuration, command line, logging, start-up and
//! wiring. `main.rs` only dispatches; library crates below this one read no environment.

pub mod audit_prune;
pub mod background;
pub mod backup;
pub mod cli;
pub mod config;
pub mod console;
pub mod events_prune;
pub mod healthcheck;
pub mod logging;
pub mod serve;
pub mod startup;
pub mod tls;
pub mod tls_reload;
pub mod vault;
pub mod webhooks;
pub mod wiring;
