//! Scans of real listeners on 127.0.0.x only (the network rule: never any other address).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::Ordering;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use xdr_domain::net::IpRange;
use xdr_domain::onboarding::{DiscoveryPolicy, ScanRequest, plan_scan};

use super::*;

/// A listener on `ip` that greets with `greeting`, or answers HTTP when it has none.
async fn listener(ip: &str, greeting: Option<&'static str>) -> u16 {
    let socket = TcpListener::bind((ip, 0))
        .await
        .expect("127.0.0.x is loopback on Linux");
    let port = socket.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = socket.accept().await {
            tokio::spawn(async move {
                match greeting {
                    Some(text) => {
                        let _ = conn.write_all(text.as_bytes()).await;
                    }
                    None => {
                        let mut request = [0u8; 512];
                        let _ = conn.read(&mut request).await;
                        let _ = conn
                            .write_all(b"HTTP/1.1 200 OK\r\nServer: nginx/1.24.0 (Ubuntu)\r\n\r\n")
                            .await;
                    }
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            });
        }
    });
    port
}

/// A listener on `ip` that accepts and holds connections without a word.
async fn silent_listener(ip: &str) -> u16 {
    let socket = TcpListener::bind((ip, 0)).await.unwrap();
    let port = socket.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((conn, _)) = socket.accept().await {
            held.push(conn);
        }
    });
    port
}

/// A port of `ip` that nothing listens on: bound, then released.
async fn closed_port(ip: &str) -> u16 {
    let socket = TcpListener::bind((ip, 0)).await.unwrap();
    socket.local_addr().unwrap().port()
}

fn plan(ranges: &[&str], ports: &[u16], exclude: &[&str]) -> ScanPlan {
    let request = ScanRequest {
        network_ranges: ranges.iter().map(|s| s.to_string()).collect(),
        ports: Some(ports.iter().map(|p| i64::from(*p)).collect()),
        exclude: exclude.iter().map(|s| s.to_string()).collect(),
    };
    plan_scan(&request, &DiscoveryPolicy::default()).unwrap()
}

fn quick() -> ScanLimits {
    ScanLimits {
        banner_timeout: Duration::from_millis(300),
        ..ScanLimits::default()
    }
}

#[tokio::test]
async fn finds_open_ports_with_their_banners() {
    let ssh = listener(
        "127.0.0.2",
        Some("SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n"),
    )
    .await;
    let http = listener("127.0.0.3", None).await;
    let closed = closed_port("127.0.0.2").await;
    let plan = plan(&["127.0.0.0/29"], &[ssh, http, closed], &[]);
    let (_tx, rx) = watch::channel(false);
    let progress = ScanProgress::default();
    let outcome = scan(&plan, quick(), Arc::new(Semaphore::new(64)), rx, &progress).await;
    assert_eq!(outcome.end, ScanEnd::Completed);
    let by_ip: BTreeMap<String, &HostFound> = outcome
        .hosts
        .iter()
        .map(|h| (h.ip.to_string(), h))
        .collect();
    let two = by_ip["127.0.0.2"];
    assert_eq!(two.services.len(), 1, "{two:?}");
    assert_eq!(two.services[0].port, ssh);
    assert_eq!(
        two.services[0].banner.as_deref(),
        Some("SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13")
    );
    let three = by_ip["127.0.0.3"];
    assert_eq!(
        three.services[0].banner.as_deref(),
        Some("nginx/1.24.0 (Ubuntu)")
    );
    // The /29's six hosts were all probed; only two have an open port.
    assert_eq!(progress.hosts_total.load(Ordering::Relaxed), 6);
    assert_eq!(progress.hosts_scanned.load(Ordering::Relaxed), 6);
    assert_eq!(progress.found.load(Ordering::Relaxed), 2);
    assert!(!by_ip.contains_key("127.0.0.4"));
}

#[tokio::test]
async fn excluded_addresses_are_never_probed() {
    let port = listener("127.0.0.5", Some("220 mail ESMTP\r\n")).await;
    let plan = plan(&["127.0.0.5", "127.0.0.6"], &[port], &["127.0.0.5"]);
    let (_tx, rx) = watch::channel(false);
    let progress = ScanProgress::default();
    let outcome = scan(&plan, quick(), Arc::new(Semaphore::new(8)), rx, &progress).await;
    assert!(outcome.hosts.is_empty());
    assert_eq!(progress.hosts_total.load(Ordering::Relaxed), 1);
    // The operator's exclusions too.
    let policy = DiscoveryPolicy {
        excluded_ranges: vec!["127.0.0.5".parse::<IpRange>().unwrap()],
        ..DiscoveryPolicy::default()
    };
    let request = ScanRequest {
        network_ranges: vec!["127.0.0.5".into()],
        ports: Some(vec![i64::from(port)]),
        exclude: vec![],
    };
    let plan = plan_scan(&request, &policy).unwrap();
    let (_tx, rx) = watch::channel(false);
    let outcome = scan(
        &plan,
        quick(),
        Arc::new(Semaphore::new(8)),
        rx,
        &ScanProgress::default(),
    )
    .await;
    assert!(outcome.hosts.is_empty());
}

#[tokio::test]
async fn cancelling_stops_the_scan() {
    // A listener that never greets and never answers keeps each probe busy for its banner
    // timeouts; a cancel must not wait for all of them.
    let port = silent_listener("127.0.0.7").await;
    let plan = plan(&["127.0.0.0/24"], &[port], &[]);
    let limits = ScanLimits {
        concurrency: 2,
        banner_timeout: Duration::from_secs(5),
        ..ScanLimits::default()
    };
    let (tx, rx) = watch::channel(false);
    let progress = ScanProgress::default();
    let started = Instant::now();
    let cancel = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        tx.send(true).unwrap();
    };
    let (outcome, ()) = tokio::join!(
        scan(&plan, limits, Arc::new(Semaphore::new(8)), rx, &progress),
        cancel
    );
    assert_eq!(outcome.end, ScanEnd::Cancelled);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(progress.hosts_scanned.load(Ordering::Relaxed) < 254);
}

#[tokio::test]
async fn the_budget_bounds_the_scan() {
    let port = silent_listener("127.0.0.8").await;
    let plan = plan(&["127.0.0.8"], &[port], &[]);
    let limits = ScanLimits {
        budget: Duration::from_millis(200),
        banner_timeout: Duration::from_secs(5),
        ..ScanLimits::default()
    };
    let (_tx, rx) = watch::channel(false);
    let outcome = scan(
        &plan,
        limits,
        Arc::new(Semaphore::new(8)),
        rx,
        &ScanProgress::default(),
    )
    .await;
    assert_eq!(outcome.end, ScanEnd::OutOfTime);
    assert!(
        outcome.hosts.is_empty(),
        "an unfinished host is not reported"
    );
}

#[tokio::test]
async fn concurrency_is_bounded_by_the_shared_pool() {
    // No permits across scans: nothing can be probed, and the budget ends the scan.
    let port = listener("127.0.0.9", Some("SSH-2.0-x\r\n")).await;
    let plan = plan(&["127.0.0.9"], &[port], &[]);
    let limits = ScanLimits {
        budget: Duration::from_millis(200),
        ..quick()
    };
    let (_tx, rx) = watch::channel(false);
    let outcome = scan(
        &plan,
        limits,
        Arc::new(Semaphore::new(0)),
        rx,
        &ScanProgress::default(),
    )
    .await;
    assert_eq!(outcome.end, ScanEnd::OutOfTime);
    assert!(outcome.hosts.is_empty());
}
