//! Benchmark: discovery of 127.0.0.0/24 with the default 30 ports (mostly closed), with the
//! default limits. Loopback only. Run through `bench/discovery.sh`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use tokio::sync::{Semaphore, watch};
use xdr_domain::onboarding::{DiscoveryPolicy, ScanRequest, plan_scan};
use xdr_service::onboarding::{ScanLimits, ScanProgress, scan};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let range = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.0/24".to_owned());
    let request = ScanRequest {
        network_ranges: vec![range.clone()],
        ..ScanRequest::default()
    };
    let plan = plan_scan(&request, &DiscoveryPolicy::default()).expect("a loopback range");
    assert!(
        plan.ranges.iter().all(|r| r.network().is_loopback()),
        "loopback only"
    );
    let (_tx, rx) = watch::channel(false);
    let progress = ScanProgress::default();
    let started = Instant::now();
    let outcome = scan(
        &plan,
        ScanLimits::default(),
        Arc::new(Semaphore::new(1024)),
        rx,
        &progress,
    )
    .await;
    println!(
        "{range}: {} hosts x {} ports in {:.2} s, {} with open ports, end {:?}",
        progress.hosts_total.load(Ordering::Relaxed),
        plan.ports.len(),
        started.elapsed().as_secs_f64(),
        outcome.hosts.len(),
        outcome.end
    );
}
