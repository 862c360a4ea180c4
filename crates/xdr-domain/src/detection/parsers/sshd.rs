//! OpenSSH's log lines as syslog writes them (`Dec  2 10:15:30 host sshd[812]: ...`, no year,
//! taken as UTC) or as ISO-stamped syslog / `journalctl -o short-iso` writes them
//! (`2026-12-02T10:15:30+0000 host sshd[812]: ...`). Failed and accepted authentications,
//! invalid users and disconnects; the program may be `sshd` or OpenSSH 9.8's `sshd-session`.
//! sshd's log does not name the port it listens on: events carry port 22.

use std::net::IpAddr;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};

use super::ParseError;
use super::fields::iso_time;
use crate::detection::EventInput;

pub const SSH_PORT: i64 = 22;

/// What comes before ` from ` (a user name).
fn user_before_from(rest: &str) -> Option<&str> {
    rest.split_once(" from ").map(|(u, _)| u.trim())
}

/// The event a message is, with the user it names (after `for `, `user `).
fn kind(message: &str) -> Option<(&'static str, Option<&str>)> {
    if let Some(rest) = message.strip_prefix("Failed ") {
        let (_, rest) = rest.split_once(" for ")?;
        let rest = rest.strip_prefix("invalid user ").unwrap_or(rest);
        return Some(("auth.failed", user_before_from(rest)));
    }
    if let Some(rest) = message.strip_prefix("Accepted ") {
        let (_, rest) = rest.split_once(" for ")?;
        return Some(("auth.success", user_before_from(rest)));
    }
    if let Some(rest) = message.strip_prefix("Invalid user ") {
        return Some(("ssh.invalid_user", user_before_from(rest)));
    }
    for prefix in [
        "Disconnected from ",
        "Connection closed by ",
        "Received disconnect from ",
    ] {
        if let Some(rest) = message.strip_prefix(prefix) {
            let user = ["authenticating user ", "invalid user ", "user "]
                .iter()
                .find_map(|p| rest.strip_prefix(p))
                // "<user> <address> port <n> ...": the user is what precedes the address.
                .and_then(|r| r.split_once(" port ").map(|(before_port, _)| before_port))
                .and_then(|r| r.rsplit_once(' ').map(|(user, _address)| user.trim()));
            return Some(("ssh.disconnected", user));
        }
    }
    None
}

/// The address just before ` port `.
fn source(message: &str) -> Option<IpAddr> {
    let words: Vec<&str> = message.split_whitespace().collect();
    words
        .windows(2)
        .find(|w| w[1] == "port")
        .and_then(|w| w[0].parse().ok())
}

/// A syslog time without a year: this year's, unless that is more than a day ahead of `now`.
fn syslog_time(month: &str, day: &str, time: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let at = |year: i32| {
        let date = NaiveDate::parse_from_str(&format!("{year} {month} {day}"), "%Y %b %d").ok()?;
        let time = chrono::NaiveTime::parse_from_str(time, "%H:%M:%S").ok()?;
        Some(Utc.from_utc_datetime(&NaiveDateTime::new(date, time)))
    };
    let this_year = at(now.year())?;
    if this_year > now + Duration::days(1) {
        at(now.year() - 1)
    } else {
        Some(this_year)
    }
}

/// Parses one line; `now` dates syslog stamps that carry no year.
pub fn parse_sshd_line(line: &str, now: DateTime<Utc>) -> Result<EventInput, ParseError> {
    let line = line.trim_end_matches(['\r', '\n']);
    let mut words = line.split_whitespace();
    let first = words.next().ok_or(ParseError::Unrecognized)?;
    let occurred_at = match iso_time(first) {
        Some(t) => t,
        None => {
            let (day, time) = (words.next(), words.next());
            let (Some(day), Some(time)) = (day, time) else {
                return Err(ParseError::Unrecognized);
            };
            syslog_time(first, day, time, now).ok_or(ParseError::Unrecognized)?
        }
    };
    let host = words.next().ok_or(ParseError::Unrecognized)?;
    let program = words.next().ok_or(ParseError::Unrecognized)?;
    if !program.starts_with("sshd") || !program.ends_with(':') {
        return Err(ParseError::Unrecognized);
    }
    let (_, message) = line.split_once(program).ok_or(ParseError::Unrecognized)?;
    let message = message.trim();
    let (event_type, user) = kind(message).ok_or(ParseError::Unrecognized)?;
    let src_ip = source(message).ok_or(ParseError::Missing("source address"))?;
    Ok(super::within_limits(EventInput {
        event_type: event_type.to_owned(),
        src_ip: src_ip.to_string(),
        dst_ip: None,
        dst_port: Some(SSH_PORT),
        hostname: Some(host.to_owned()),
        username: user.filter(|u| !u.is_empty()).map(str::to_owned),
        message: Some(message.to_owned()),
        raw: Some(serde_json::json!({ "line": line }).to_string()),
        occurred_at: Some(occurred_at),
    }))
}

#[cfg(test)]
#[path = "sshd_tests.rs"]
mod tests;
