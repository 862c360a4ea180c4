//! What kind of log a followed file is, and how its lines become events.

use std::path::Path;

use chrono::Utc;
use xdr_domain::detection::EventInput;
use xdr_domain::detection::parsers::{ParseError, parse_cowrie_line, parse_sshd_line};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// cowrie's JSON log, one object per line.
    Cowrie,
    /// OpenSSH's syslog or journal text (`auth.log`, `secure`, `journalctl -o short-iso`).
    AuthLog,
}

impl SourceKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Cowrie => "cowrie",
            Self::AuthLog => "auth-log",
        }
    }

    /// The key of a file's saved offset.
    pub fn key(self, path: &Path) -> String {
        format!("{}:{}", self.name(), path.display())
    }

    pub fn parse(self, line: &str) -> Result<EventInput, ParseError> {
        match self {
            Self::Cowrie => parse_cowrie_line(line),
            Self::AuthLog => parse_sshd_line(line, Utc::now()),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn each_kind_uses_its_parser() {
        let cowrie =
            r#"{"eventid":"cowrie.login.failed","src_ip":"203.0.113.9","username":"root"}"#;
        assert_eq!(
            SourceKind::Cowrie.parse(cowrie).unwrap().event_type,
            "cowrie.login.failed"
        );
        let sshd =
            "Dec  2 10:15:30 web1 sshd[1]: Failed password for root from 203.0.113.7 port 1 ssh2";
        assert_eq!(
            SourceKind::AuthLog.parse(sshd).unwrap().src_ip,
            "203.0.113.7"
        );
        assert!(
            SourceKind::AuthLog
                .parse("Dec  2 10:15:30 web1 cron[2]: hi")
                .is_err()
        );
        assert_eq!(SourceKind::Cowrie.key(Path::new("/a")), "cowrie:/a");
    }
}
