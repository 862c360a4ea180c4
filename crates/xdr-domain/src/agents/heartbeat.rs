//! A heartbeat: what the agent reports, validated, and whether it comes from the instance the
//! agent enrolled as (a cloned disk image carries the same agent id and secret to a second
//! machine, whose agent then reports another instance id).

use uuid::Uuid;

use super::agent::Agent;
use crate::closed_set::closed_set;
use crate::validation::FieldErrors;

/// Largest `metrics` object accepted, serialized.
pub const MAX_METRICS_BYTES: usize = 16 * 1024;

closed_set!(
    HealthReport {
        Ok => "ok",
        Degraded => "degraded",
    }
);

/// A heartbeat as received (`metrics` already serialized).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeartbeatInput {
    pub status: Option<String>,
    pub metrics_json: Option<String>,
    pub buffered_events: Option<i64>,
    pub dropped_events: Option<i64>,
    pub instance_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heartbeat {
    pub health: HealthReport,
    pub buffered_events: Option<u64>,
    pub dropped_events: Option<u64>,
    pub instance_id: Option<Uuid>,
}

fn count(errors: &mut FieldErrors, field: &str, value: Option<i64>) -> Option<u64> {
    let v = value?;
    match u64::try_from(v) {
        Ok(n) => Some(n),
        Err(_) => {
            errors.add(field, "must be zero or more");
            None
        }
    }
}

impl Heartbeat {
    pub fn parse(input: &HeartbeatInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let health = match input.status.as_deref() {
            None => Some(HealthReport::Ok),
            Some(s) => {
                let parsed = s.parse::<HealthReport>().ok();
                if parsed.is_none() {
                    errors.add("status", "must be ok or degraded");
                }
                parsed
            }
        };
        if input
            .metrics_json
            .as_ref()
            .is_some_and(|m| m.len() > MAX_METRICS_BYTES)
        {
            errors.add(
                "metrics",
                format!("must be at most {MAX_METRICS_BYTES} bytes"),
            );
        }
        let buffered_events = count(&mut errors, "buffered_events", input.buffered_events);
        let dropped_events = count(&mut errors, "dropped_events", input.dropped_events);
        let instance_id = input
            .instance_id
            .as_deref()
            .and_then(|id| errors.check("instance_id", Uuid::parse_str(id)));
        match (health, errors.is_empty()) {
            (Some(health), true) => Ok(Self {
                health,
                buffered_events,
                dropped_events,
                instance_id,
            }),
            _ => Err(errors),
        }
    }

    /// True when the heartbeat names an instance other than the one `agent` enrolled as.
    pub fn from_a_clone_of(&self, agent: &Agent) -> bool {
        self.instance_id.is_some_and(|id| id != agent.instance_id)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn defaults_and_bounds() {
        let h = Heartbeat::parse(&HeartbeatInput::default()).unwrap();
        assert_eq!(h.health, HealthReport::Ok);
        let bad = HeartbeatInput {
            status: Some("fine".into()),
            metrics_json: Some("x".repeat(MAX_METRICS_BYTES + 1)),
            buffered_events: Some(-1),
            dropped_events: Some(-2),
            instance_id: Some("x".into()),
        };
        let errors = Heartbeat::parse(&bad).unwrap_err().into_map();
        assert_eq!(errors.len(), 5);
    }

    #[test]
    fn another_instance_id_is_a_clone() {
        let agent = crate::agents::agent::tests::agent();
        let same = Heartbeat::parse(&HeartbeatInput {
            instance_id: Some(agent.instance_id.to_string()),
            ..HeartbeatInput::default()
        })
        .unwrap();
        assert!(!same.from_a_clone_of(&agent));
        let silent = Heartbeat::parse(&HeartbeatInput::default()).unwrap();
        assert!(!silent.from_a_clone_of(&agent));
        let other = Heartbeat::parse(&HeartbeatInput {
            instance_id: Some(Uuid::new_v4().to_string()),
            ..HeartbeatInput::default()
        })
        .unwrap();
        assert!(other.from_a_clone_of(&agent));
    }
}
