//! Log lines to events: cowrie's JSON log and OpenSSH's syslog / journal text. Pure, shared by
//! the agent (which tails the files) and the server (agentless ingest). A parsed line is an
//! `EventInput`: it goes through `validate_batch` like any other event.

pub mod cowrie;
mod fields;
pub mod format;
pub mod generic;
pub mod hec;
pub mod legacy;
pub mod sshd;

use thiserror::Error;

use super::EventInput;
use super::event::{MAX_MESSAGE_LEN, MAX_RAW_LEN, MAX_TEXT_LEN};

pub use cowrie::{parse_cowrie_line, parse_cowrie_object};
pub use format::{HecContext, SourceFormat, parse_hec_event, parse_hec_raw_line};
pub use generic::{parse_generic_line, parse_generic_object};
pub use hec::{HecEnvelope, HecError, HecEvent, split_hec_events, split_hec_raw};
pub use legacy::{LegacySourceType, parse_legacy_event};
pub use sshd::parse_sshd_line;

/// Keeps a parsed event within what `validate_batch` accepts, so that one long log line never
/// rejects the batch it travels in: text fields are cut at their limits (on a character
/// boundary), a raw record over its limit is left out.
pub(crate) fn within_limits(mut event: EventInput) -> EventInput {
    let cut = |v: Option<String>, max: usize| v.map(|s| s.chars().take(max).collect::<String>());
    event.hostname = cut(event.hostname, MAX_TEXT_LEN);
    event.username = cut(event.username, MAX_TEXT_LEN);
    event.message = cut(event.message, MAX_MESSAGE_LEN);
    event.raw = event.raw.filter(|r| r.len() <= MAX_RAW_LEN);
    event
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseError {
    #[error("not a JSON object")]
    NotJson,
    #[error("the {0} field is missing or not text")]
    Missing(&'static str),
    #[error("the {0} field is malformed")]
    Malformed(&'static str),
    /// A line of the log that says nothing the rules use (another program, a session banner).
    #[error("not an event this parser knows")]
    Unrecognized,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::Utc;

    use super::*;
    use crate::OrganizationId;
    use crate::detection::validate_batch;

    #[test]
    fn long_lines_still_make_valid_events() {
        let long_user = "u".repeat(300);
        let long_input = "x".repeat(20_000);
        let cowrie = format!(
            r#"{{"eventid":"cowrie.command.input","src_ip":"203.0.113.7","username":"{long_user}","input":"{long_input}"}}"#
        );
        let sshd = format!(
            "Dec  2 10:15:30 web1 sshd[1]: Failed password for {long_user} from 203.0.113.7 port 1 ssh2 {long_input}"
        );
        let now = Utc::now();
        let events = vec![
            parse_cowrie_line(&cowrie).unwrap(),
            parse_sshd_line(&sshd, now).unwrap(),
        ];
        assert!(
            events[0].raw.is_none(),
            "a raw record over 16 KiB is left out"
        );
        let stored = validate_batch(OrganizationId::generate(), &events, now).unwrap();
        assert_eq!(stored.len(), 2);
        assert_eq!(
            stored[0].message.as_ref().unwrap().chars().count(),
            MAX_MESSAGE_LEN
        );
    }
}
