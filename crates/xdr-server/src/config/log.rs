//! `[log]`: format and level of the process's log (written to stderr, see `crate::logging`).

use serde::{Deserialize, Serialize};

pub const DEFAULT_LOG_LEVEL: &str = "info";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogSettings {
    pub format: LogFormat,
    /// `tracing_subscriber::EnvFilter` directives, e.g. `info` or `info,xdr_http=debug`.
    pub level: String,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            format: LogFormat::default(),
            level: DEFAULT_LOG_LEVEL.to_owned(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// `pretty` when the log goes to a terminal, else `json` (a container, a service manager,
    /// a file or a pipe: a machine reads it).
    #[default]
    Auto,
    /// Human-readable lines.
    Pretty,
    /// One JSON object per event.
    Json,
}

impl LogFormat {
    /// The format to write in, given whether the log's stream is a terminal.
    pub fn resolve(self, to_terminal: bool) -> LogFormat {
        match self {
            LogFormat::Auto if to_terminal => LogFormat::Pretty,
            LogFormat::Auto => LogFormat::Json,
            explicit => explicit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::LogFormat;

    #[test]
    fn auto_follows_the_terminal_and_explicit_formats_win() {
        assert_eq!(LogFormat::Auto.resolve(true), LogFormat::Pretty);
        assert_eq!(LogFormat::Auto.resolve(false), LogFormat::Json);
        for explicit in [LogFormat::Pretty, LogFormat::Json] {
            assert_eq!(explicit.resolve(true), explicit);
            assert_eq!(explicit.resolve(false), explicit);
        }
    }
}
