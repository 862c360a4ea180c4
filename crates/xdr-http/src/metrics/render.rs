//! Every series of `GET /metrics`, in one place: names, types, labels and help texts
//! (docs/operations.md, "Metrics", lists the same).

use xdr_domain::agents::AgentStatus;
use xdr_domain::telemetry::{CounterVec, Label, PoolSnapshot, Telemetry};

use super::exposition::{Exposition, Kind};
use super::requests::RequestMetrics;

/// What one scrape reads. The stored totals are `None` when the database did not answer:
/// their series are left out rather than reported as zero.
#[derive(Debug)]
pub struct Scrape<'a> {
    pub requests: &'a RequestMetrics,
    pub telemetry: &'a Telemetry,
    pub pools: &'a [PoolSnapshot],
    pub agents: Option<&'a [(AgentStatus, u64)]>,
    pub audit_entries: Option<u64>,
    /// Requests refused by each rate limit this process enforces (only those configured).
    pub rate_limited: &'a [(RateLimit, u64)],
}

/// The rate limits a process enforces, as `mini_xdr_instance_rate_limited_total` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLimit {
    /// `rate_limit.*`: sign-in and the other auth endpoints, API and console, per client IP.
    SignInIp,
    /// `agents.rate_limit_*`: signed agent requests, per agent.
    Agent,
    /// `ingest.rate_limit_*`: agentless ingest, per ingest token.
    IngestToken,
}

impl RateLimit {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignInIp => "sign_in_ip",
            Self::Agent => "agent",
            Self::IngestToken => "ingest_token",
        }
    }
}

fn counters<L: Label>(
    e: &mut Exposition,
    name: &str,
    label: &str,
    help: &str,
    values: &CounterVec<L>,
) {
    e.family(name, Kind::Counter, help);
    for (value, count) in values.values() {
        e.sample(name, &[(label, value.as_str())], count);
    }
}

pub fn render(s: &Scrape<'_>) -> String {
    let mut e = Exposition::default();
    http(&mut e, s.requests);
    let t = s.telemetry;
    counters(
        &mut e,
        "mini_xdr_sign_ins_total",
        "outcome",
        "Sign-ins (POST /api/v1/auth/login) by outcome.",
        &t.sign_ins,
    );
    let hashing = &t.password_hashing;
    e.family(
        "mini_xdr_password_hash_queue_depth",
        Kind::Gauge,
        "Password hashing jobs (bcrypt, policy checks) waiting for a slot.",
    );
    e.sample(
        "mini_xdr_password_hash_queue_depth",
        &[],
        hashing.queue_depth(),
    );
    e.family(
        "mini_xdr_password_hash_wait_seconds",
        Kind::Histogram,
        "Time password hashing jobs waited for a slot.",
    );
    e.histogram(
        "mini_xdr_password_hash_wait_seconds",
        &[],
        &hashing.wait().snapshot(),
    );
    pools(&mut e, s.pools);
    counters(
        &mut e,
        "mini_xdr_events_ingested_total",
        "source",
        "Events stored, by where they came in (api, agent, hec).",
        &t.events_ingested,
    );
    counters(
        &mut e,
        "mini_xdr_events_rejected_total",
        "source",
        "Events refused as invalid, by where they came in.",
        &t.events_rejected,
    );
    counters(
        &mut e,
        "mini_xdr_incidents_opened_total",
        "rule",
        "Incidents opened, by detection rule.",
        &t.incidents_opened,
    );
    counters(
        &mut e,
        "mini_xdr_webhook_deliveries_total",
        "outcome",
        "Webhook deliveries, by how they ended.",
        &t.webhook_deliveries,
    );
    rate_limited(&mut e, s.rate_limited);
    stored(&mut e, s.agents, s.audit_entries);
    e.finish()
}

/// Named `instance_`: each process counts (and limits) on its own, nothing is shared through
/// the database, so with N instances a client may get up to N times a limit.
fn rate_limited(e: &mut Exposition, limits: &[(RateLimit, u64)]) {
    const NAME: &str = "mini_xdr_instance_rate_limited_total";
    e.family(
        NAME,
        Kind::Counter,
        "Requests refused by a rate limit of this instance (limits are per instance).",
    );
    for (limit, refused) in limits {
        e.sample(NAME, &[("limit", limit.as_str())], *refused);
    }
}

fn http(e: &mut Exposition, requests: &RequestMetrics) {
    let series = requests.snapshot();
    let labels = |s: &super::requests::RequestSeries| {
        [
            ("route", s.route.clone()),
            ("method", s.method.to_owned()),
            ("status", s.status.clone()),
        ]
    };
    e.family(
        "mini_xdr_http_requests_total",
        Kind::Counter,
        "HTTP requests answered, by route template, method and status code.",
    );
    for s in &series {
        let l = labels(s);
        let l: Vec<(&str, &str)> = l.iter().map(|(k, v)| (*k, v.as_str())).collect();
        e.sample("mini_xdr_http_requests_total", &l, s.latency.count());
    }
    e.family(
        "mini_xdr_http_request_duration_seconds",
        Kind::Histogram,
        "Time to answer HTTP requests, by route template, method and status code.",
    );
    for s in &series {
        let l = labels(s);
        let l: Vec<(&str, &str)> = l.iter().map(|(k, v)| (*k, v.as_str())).collect();
        e.histogram("mini_xdr_http_request_duration_seconds", &l, &s.latency);
    }
}

fn pools(e: &mut Exposition, pools: &[PoolSnapshot]) {
    e.family(
        "mini_xdr_db_pool_connections",
        Kind::Gauge,
        "Open database connections, by pool and state (in_use, idle).",
    );
    for p in pools {
        e.sample(
            "mini_xdr_db_pool_connections",
            &[("pool", p.pool), ("state", "in_use")],
            p.in_use,
        );
        e.sample(
            "mini_xdr_db_pool_connections",
            &[("pool", p.pool), ("state", "idle")],
            p.idle,
        );
    }
    e.family(
        "mini_xdr_db_pool_max_connections",
        Kind::Gauge,
        "Most connections a pool opens.",
    );
    for p in pools {
        e.sample(
            "mini_xdr_db_pool_max_connections",
            &[("pool", p.pool)],
            p.max_size,
        );
    }
    e.family(
        "mini_xdr_db_pool_wait_seconds",
        Kind::Histogram,
        "Time to get a database connection from a pool (opening one included).",
    );
    for p in pools {
        e.histogram(
            "mini_xdr_db_pool_wait_seconds",
            &[("pool", p.pool)],
            &p.wait,
        );
    }
    e.family(
        "mini_xdr_db_pool_timeouts_total",
        Kind::Counter,
        "Callers that gave up waiting for a database connection.",
    );
    for p in pools {
        e.sample(
            "mini_xdr_db_pool_timeouts_total",
            &[("pool", p.pool)],
            p.timeouts,
        );
    }
}

fn stored(e: &mut Exposition, agents: Option<&[(AgentStatus, u64)]>, audit: Option<u64>) {
    if let Some(agents) = agents {
        e.family(
            "mini_xdr_agents",
            Kind::Gauge,
            "Enrolled agents of every organization, by status (read from the database).",
        );
        for (status, n) in agents {
            e.sample("mini_xdr_agents", &[("status", status.as_str())], n);
        }
    }
    if let Some(audit) = audit {
        e.family(
            "mini_xdr_audit_entries_total",
            Kind::Counter,
            "Audit log entries ever written, in every organization (read from the database).",
        );
        e.sample("mini_xdr_audit_entries_total", &[], audit);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use actix_web::http::Method;
    use xdr_domain::telemetry::{EventSource, SignInOutcome};

    use super::*;

    #[test]
    fn every_family_is_declared_once_and_every_sample_belongs_to_one() {
        let requests = RequestMetrics::default();
        requests.record(
            Some("/healthz"),
            &Method::GET,
            200,
            Duration::from_millis(2),
        );
        let telemetry = Telemetry::default();
        telemetry.sign_ins.inc(SignInOutcome::Locked);
        telemetry.events_ingested.add(EventSource::Hec, 7);
        let text = render(&Scrape {
            requests: &requests,
            telemetry: &telemetry,
            pools: &[],
            agents: Some(&[(AgentStatus::Active, 2)]),
            audit_entries: Some(9),
            rate_limited: &[(RateLimit::SignInIp, 4), (RateLimit::IngestToken, 0)],
        });
        let mut families = Vec::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                let name = rest.split(' ').next().unwrap();
                assert!(!families.contains(&name.to_owned()), "{name} twice");
                families.push(name.to_owned());
            } else if !line.starts_with('#') {
                let name = line.split(['{', ' ']).next().unwrap();
                let family = families.last().unwrap();
                assert!(name.starts_with(family.as_str()), "{line} outside {family}");
            }
        }
        assert!(text.contains("mini_xdr_sign_ins_total{outcome=\"locked\"} 1\n"));
        assert!(text.contains("mini_xdr_sign_ins_total{outcome=\"success\"} 0\n"));
        assert!(text.contains("mini_xdr_events_ingested_total{source=\"hec\"} 7\n"));
        assert!(text.contains(
            "mini_xdr_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 1\n"
        ));
        assert!(text.contains("mini_xdr_agents{status=\"active\"} 2\n"));
        assert!(text.contains("mini_xdr_audit_entries_total 9\n"));
        assert!(text.contains("mini_xdr_instance_rate_limited_total{limit=\"sign_in_ip\"} 4\n"));
        assert!(text.contains("mini_xdr_instance_rate_limited_total{limit=\"ingest_token\"} 0\n"));
    }

    #[test]
    fn stored_totals_the_database_did_not_give_are_left_out() {
        let text = render(&Scrape {
            requests: &RequestMetrics::default(),
            telemetry: &Telemetry::default(),
            pools: &[],
            agents: None,
            audit_entries: None,
            rate_limited: &[],
        });
        assert!(!text.contains("mini_xdr_agents"));
        assert!(!text.contains("mini_xdr_audit_entries_total"));
    }
}
