//! How many agents (of every organization) are in each status: what `/metrics` shows.

use super::{AgentState, AgentStatus};

/// Agents by stored state, with the active ones split by their last heartbeat at a cutoff
/// (`now` minus the disconnect delay), as storage counts them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgentCounts {
    pub by_state: Vec<(AgentState, u64)>,
    /// Active agents that never sent a heartbeat.
    pub active_never_seen: u64,
    /// Active agents whose last heartbeat is older than the cutoff.
    pub active_silent: u64,
}

impl AgentCounts {
    /// Every status with its count, in `AgentStatus::ALL` order (zeros included), refined as
    /// `Agent::status` refines one agent.
    pub fn by_status(&self) -> Vec<(AgentStatus, u64)> {
        let stored = |state: AgentState| {
            self.by_state
                .iter()
                .filter(|(s, _)| *s == state)
                .map(|(_, n)| *n)
                .sum::<u64>()
        };
        let active = stored(AgentState::Active);
        AgentStatus::ALL
            .iter()
            .map(|status| {
                let n = match status {
                    AgentStatus::Pending => self.active_never_seen,
                    AgentStatus::Disconnected => self.active_silent,
                    AgentStatus::Active => active
                        .saturating_sub(self.active_never_seen)
                        .saturating_sub(self.active_silent),
                    AgentStatus::Revoked => stored(AgentState::Revoked),
                    AgentStatus::Unenrolled => stored(AgentState::Unenrolled),
                    AgentStatus::Superseded => stored(AgentState::Superseded),
                };
                (*status, n)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_agents_are_refined_by_their_heartbeats() {
        let counts = AgentCounts {
            by_state: vec![(AgentState::Active, 5), (AgentState::Revoked, 2)],
            active_never_seen: 1,
            active_silent: 3,
        };
        assert_eq!(
            counts.by_status(),
            vec![
                (AgentStatus::Pending, 1),
                (AgentStatus::Active, 1),
                (AgentStatus::Disconnected, 3),
                (AgentStatus::Revoked, 2),
                (AgentStatus::Unenrolled, 0),
                (AgentStatus::Superseded, 0),
            ]
        );
    }
}
