//! Load for issue 14's signed-ingest target: N simulated agents (each enrolled with the given
//! token, which must allow N uses) sending signed `POST /agents/events` batches of 100 for a
//! while, then the same batches through `POST /events` with a user's bearer token from N
//! connections. Prints events/s of each and their ratio. Only for a server on this machine.
//!
//! Usage: signed_load SERVER_URL ACCESS_TOKEN ENROLLMENT_TOKEN [AGENTS=50] [SECONDS=10]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::panic
)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use uuid::Uuid;
use xdr_agent::client::AgentClient;
use xdr_agent::state::Credentials;
use xdr_agent::wire::EnrollRequest;

const BATCH: usize = 100;

/// 100 events nothing fires on (connections from 100 addresses).
fn events(round: u64) -> Vec<Value> {
    (0..BATCH)
        .map(|i| {
            json!({"event_type": "cowrie.session.connect", "src_ip": format!("198.51.100.{}", i + 1),
                   "dst_port": 22, "raw": {"session": format!("r{round}-{i}")}})
        })
        .collect()
}

/// One enrolled agent's credentials; enrollment is not part of what is measured.
async fn enrolled(url: &str, token: &str) -> Credentials {
    let client = AgentClient::new(url, &Default::default()).unwrap();
    let enrolled = client
        .enroll(&EnrollRequest {
            enrollment_token: token,
            instance_id: Uuid::new_v4(),
            hostname: "load",
            platform: "linux",
            os_version: None,
            ip_address: None,
            agent_version: "bench",
            replaces: None,
        })
        .await
        .unwrap();
    Credentials {
        server_url: url.to_owned(),
        trust: Default::default(),
        agent_id: enrolled.agent_id,
        agent_secret: enrolled.agent_secret,
    }
}

async fn agent(client: AgentClient, deadline: Instant, sent: Arc<AtomicU64>) {
    let mut round = 0;
    while Instant::now() < deadline {
        round += 1;
        let body = if std::env::var_os("NO_BATCH_ID").is_some() {
            json!({"events": events(round)})
        } else {
            json!({"batch_id": Uuid::new_v4(), "events": events(round)})
        };
        let reply = client
            .send_events(&serde_json::to_vec(&body).unwrap())
            .await
            .unwrap();
        sent.fetch_add(reply.accepted, Ordering::Relaxed);
    }
}

async fn user(
    (http, url, access): (reqwest::Client, String, String),
    deadline: Instant,
    sent: Arc<AtomicU64>,
) {
    let mut round = 0;
    while Instant::now() < deadline {
        round += 1;
        let reply = http
            .post(format!("{url}/api/v1/events"))
            .bearer_auth(&access)
            .header("content-type", "application/json")
            .body(serde_json::to_vec(&json!({"events": events(round)})).unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status().as_u16(), 202, "{:?}", reply.text().await);
        sent.fetch_add(BATCH as u64, Ordering::Relaxed);
    }
}

/// Runs `task` once per prepared sender, all at once, until `seconds` have passed; events/s.
async fn measure<T, F, Fut>(senders: Vec<T>, seconds: u64, task: F) -> f64
where
    F: Fn(T, Instant, Arc<AtomicU64>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let sent = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let handles: Vec<_> = senders
        .into_iter()
        .map(|s| tokio::spawn(task(s, deadline, Arc::clone(&sent))))
        .collect();
    for h in handles {
        h.await.unwrap();
    }
    sent.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, access, token, rest @ ..] = args.as_slice() else {
        panic!("usage: signed_load SERVER_URL ACCESS_TOKEN ENROLLMENT_TOKEN [AGENTS] [SECONDS]");
    };
    let n: usize = rest.first().map_or(50, |s| s.parse().unwrap());
    let seconds: u64 = rest.get(1).map_or(10, |s| s.parse().unwrap());
    // Every client is made (and every agent enrolled) before the clock starts: building
    // a client loads TLS settings, which on one thread would stall the connections of the
    // clients made before it.
    // The clients that send are new ones: a connection left idle since enrollment may be
    // closed by the server's keep-alive timeout just as a batch goes out on it.
    let mut credentials = Vec::with_capacity(n);
    for _ in 0..n {
        credentials.push(enrolled(url, token).await);
    }
    let agents: Vec<_> = credentials
        .iter()
        .map(|c| AgentClient::signed(c).unwrap())
        .collect();
    let users: Vec<_> = (0..n)
        .map(|_| {
            let tls = xdr_crypto::tls::client_config(xdr_crypto::tls::Trust::SystemRoots).unwrap();
            let http = reqwest::Client::builder()
                .no_proxy()
                .tls_backend_preconfigured(tls)
                .build()
                .unwrap();
            (http, url.clone(), access.clone())
        })
        .collect();
    let signed = measure(agents, seconds, agent).await;
    let bearer = measure(users, seconds, user).await;
    println!("signed POST /agents/events: {signed:.0} events/s ({n} agents, batches of {BATCH})");
    println!("bearer POST /events:        {bearer:.0} events/s ({n} connections)");
    println!("ratio: {:.1} %", 100.0 * signed / bearer);
}
