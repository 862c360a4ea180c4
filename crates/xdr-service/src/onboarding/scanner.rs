//! The discovery scanner: TCP connect probes (no raw sockets, no ICMP) of every target and port
//! of a validated plan, with bounded concurrency per scan and across scans, a timeout per
//! connection, one retry of a probe that timed out, a total time budget, and cancellation.
//! A refused connection is a closed port at once; only hosts with an open port are reported.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::{Instant, timeout};
use xdr_domain::onboarding::{ObservedService, ScanPlan};

use super::banner;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanLimits {
    /// Probes in flight for one scan.
    pub concurrency: usize,
    pub connect_timeout: Duration,
    /// Further attempts of a probe whose connection timed out.
    pub retries: u32,
    /// How long a scan may run in all.
    pub budget: Duration,
    /// How long to wait for a greeting, and then for an answer to `HEAD`.
    pub banner_timeout: Duration,
}

impl Default for ScanLimits {
    fn default() -> Self {
        Self {
            concurrency: 256,
            connect_timeout: Duration::from_millis(1500),
            retries: 1,
            budget: Duration::from_secs(600),
            banner_timeout: Duration::from_millis(1000),
        }
    }
}

/// Progress readable while the scan runs.
#[derive(Debug, Default)]
pub struct ScanProgress {
    pub hosts_total: AtomicU64,
    pub hosts_scanned: AtomicU64,
    pub found: AtomicU64,
}

/// A host with at least one open port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostFound {
    pub ip: IpAddr,
    pub services: Vec<ObservedService>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanEnd {
    Completed,
    Cancelled,
    /// The budget ran out; the hosts finished by then are reported.
    OutOfTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanOutcome {
    pub end: ScanEnd,
    pub hosts: Vec<HostFound>,
}

async fn probe(addr: SocketAddr, limits: ScanLimits) -> Option<ObservedService> {
    for _attempt in 0..=limits.retries {
        match timeout(limits.connect_timeout, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => {
                let banner = banner::read(stream, limits.banner_timeout).await;
                return Some(ObservedService {
                    port: addr.port(),
                    banner,
                });
            }
            // Refused (closed), unreachable...: an answer, not a reason to try again.
            Ok(Err(_)) => return None,
            Err(_elapsed) => continue,
        }
    }
    None
}

/// What is left of one host's probes, and what they found.
#[derive(Default)]
struct HostState {
    pending: usize,
    services: Vec<ObservedService>,
}

/// Runs `plan`, taking a `global` permit beside the scan's own for every probe. Ends when every
/// probe is done, when `cancel` turns true, or when the budget is spent.
pub async fn scan(
    plan: &ScanPlan,
    limits: ScanLimits,
    global: Arc<Semaphore>,
    mut cancel: watch::Receiver<bool>,
    progress: &ScanProgress,
) -> ScanOutcome {
    let deadline = Instant::now() + limits.budget;
    let targets = plan.targets();
    let total = u64::try_from(targets.len()).unwrap_or(u64::MAX);
    progress.hosts_total.store(total, Ordering::Relaxed);
    let own = Arc::new(Semaphore::new(limits.concurrency.max(1)));
    let mut hosts: BTreeMap<IpAddr, HostState> = BTreeMap::new();
    let mut probes = JoinSet::new();
    let mut end = ScanEnd::Completed;
    // Probe `n` is port `n % ports` of target `n / ports`: an index, not a borrowing
    // iterator, so that the scan's future is `Send` for `tokio::spawn`.
    let ports = plan.ports.len();
    let probes_total = targets.len() * ports;
    let mut next_probe = 0usize;
    let addr_of = |n: usize| SocketAddr::new(targets[n / ports], plan.ports[n % ports]);
    for ip in &targets {
        hosts.entry(*ip).or_default().pending = plan.ports.len();
    }
    loop {
        if next_probe >= probes_total && probes.is_empty() {
            break;
        }
        let next = async {
            let own = Arc::clone(&own).acquire_owned().await;
            let shared = Arc::clone(&global).acquire_owned().await;
            (own, shared)
        };
        tokio::select! {
            biased;
            // A dropped sender is no cancellation: the branch is skipped.
            Ok(_) = cancel.wait_for(|c| *c) => { end = ScanEnd::Cancelled; break; }
            () = tokio::time::sleep_until(deadline) => { end = ScanEnd::OutOfTime; break; }
            Some(done) = probes.join_next(), if !probes.is_empty() => {
                if let Ok((addr, service)) = done {
                    finish(&mut hosts, addr, service, progress);
                }
            }
            permits = next, if next_probe < probes_total => {
                let (Ok(own), Ok(shared)) = permits else { break };
                let addr = addr_of(next_probe);
                next_probe += 1;
                probes.spawn(async move {
                    let found = probe(addr, limits).await;
                    drop((own, shared));
                    (addr, found)
                });
            }
        }
    }
    probes.abort_all();
    let hosts = hosts
        .into_iter()
        .filter(|(_, h)| h.pending == 0 && !h.services.is_empty())
        .map(|(ip, mut h)| {
            h.services.sort_by_key(|s| s.port);
            HostFound {
                ip,
                services: h.services,
            }
        })
        .collect();
    ScanOutcome { end, hosts }
}

fn finish(
    hosts: &mut BTreeMap<IpAddr, HostState>,
    addr: SocketAddr,
    service: Option<ObservedService>,
    progress: &ScanProgress,
) {
    let Some(host) = hosts.get_mut(&addr.ip()) else {
        return;
    };
    host.pending = host.pending.saturating_sub(1);
    if let Some(service) = service {
        host.services.push(service);
    }
    if host.pending == 0 {
        progress.hosts_scanned.fetch_add(1, Ordering::Relaxed);
        if !host.services.is_empty() {
            progress.found.fetch_add(1, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
#[path = "scanner_tests.rs"]
mod tests;
