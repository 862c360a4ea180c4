//! The rules' definitions over raw events: the oracle the tallies (`super::window`) and the
//! batch decisions are tested against. Production counts through the tallies only.

use std::collections::BTreeSet;
use std::net::IpAddr;

use chrono::{DateTime, Utc};

use super::rule::{Detection, EventFacts, RuleKind, RuleSettings, detect};

/// Evaluates `rule` over the events of `src_ip`, keeping only those inside the window ending at
/// `now`. Returns a detection when the threshold is reached.
pub(crate) fn evaluate(
    rule: RuleKind,
    settings: &RuleSettings,
    src_ip: IpAddr,
    events: &[EventFacts],
    now: DateTime<Utc>,
) -> Option<Detection> {
    detect(
        rule,
        settings,
        src_ip,
        count_in_window(rule, settings, events, now),
    )
}

/// What `rule` counts among `events` inside its window ending at `now`: matching events, or
/// distinct ports / usernames.
pub(crate) fn count_in_window(
    rule: RuleKind,
    settings: &RuleSettings,
    events: &[EventFacts],
    now: DateTime<Utc>,
) -> u32 {
    let since = now - settings.window();
    let window = events
        .iter()
        .filter(|e| e.occurred_at > since && e.occurred_at <= now && e.relevant_to(rule));
    let count = match rule {
        RuleKind::SshBruteForce => window.count(),
        RuleKind::PortScan | RuleKind::CredentialStuffing => window
            .filter_map(|e| rule.counted_value(e))
            .collect::<BTreeSet<_>>()
            .len(),
    };
    u32::try_from(count).unwrap_or(u32::MAX)
}
