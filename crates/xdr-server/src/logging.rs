//! Process-wide logging: `tracing` events written to stderr as human-readable lines or JSON.
//!
//! Stdout is left to command output (`config check`, `keys rotate`). `log.format = "auto"`
//! (the default) looks at stderr, the stream the log is written to: JSON unless it is a
//! terminal.

use std::io::{IsTerminal, stderr};
use std::str::FromStr;

use thiserror::Error;
use tracing::level_filters::LevelFilter;
use tracing_subscriber::EnvFilter;

use crate::config::{LogFormat, LogSettings};

#[derive(Debug, Error)]
pub enum LoggingError {
    #[error("invalid log filter {directives:?}: {message}")]
    InvalidFilter { directives: String, message: String },
    #[error("cannot install the logger: {0}")]
    Install(String),
}

/// Installs the global subscriber. `filter_override` (for example `RUST_LOG`, read by `main`)
/// replaces `settings.level` and follows the usual `EnvFilter` syntax.
pub fn init(settings: &LogSettings, filter_override: Option<&str>) -> Result<(), LoggingError> {
    let filter = match filter_override {
        Some(directives) => {
            EnvFilter::try_new(directives).map_err(|e| LoggingError::InvalidFilter {
                directives: directives.to_owned(),
                message: e.to_string(),
            })?
        }
        None => parse_filter(&settings.level)?,
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(true)
        .with_writer(stderr);
    let installed = match settings.format.resolve(stderr().is_terminal()) {
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
        LogFormat::Pretty | LogFormat::Auto => builder.with_ansi(stderr().is_terminal()).try_init(),
    };
    installed.map_err(|e| LoggingError::Install(e.to_string()))
}

/// `EnvFilter` directives such as `info` or `warn,xdr_http=debug`. Stricter than `EnvFilter`
/// itself: a directive without `=` must be a level, so that a typo like `warning` is an error
/// instead of a filter that silently drops every event.
pub fn parse_filter(directives: &str) -> Result<EnvFilter, LoggingError> {
    let invalid = |message: String| LoggingError::InvalidFilter {
        directives: directives.to_owned(),
        message,
    };
    for directive in directives
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        let bare = !directive.contains('=') && !directive.contains('[');
        if bare && LevelFilter::from_str(directive).is_err() {
            return Err(invalid(format!(
                "`{directive}` is not a level (trace, debug, info, warn, error, off); \
                 write `{directive}=LEVEL` to filter a target"
            )));
        }
    }
    EnvFilter::try_new(directives).map_err(|e| invalid(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_levels_and_target_directives() {
        for ok in [
            "info",
            "WARN",
            "debug,xdr_http=trace",
            "xdr_auth::jwt=off",
            "",
        ] {
            assert!(parse_filter(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejects_bad_levels() {
        for bad in ["warning", "info,verbose", "xdr_http=loud"] {
            assert!(parse_filter(bad).is_err(), "{bad}");
        }
    }
}
