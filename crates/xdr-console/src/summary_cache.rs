//! The dashboard's figures, kept per organization for a few seconds.
//!
//! They are aggregates over the last 24 hours of events (a count, the top source addresses, 24
//! hourly counts): at 60,000 events a day they take tens of milliseconds to compute
//! (docs/benchmarks.md), and the page refreshes itself every 15 s in every open browser. The
//! key is the caller's organization, taken from its session like every other read.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use xdr_domain::OrganizationId;
use xdr_domain::detection::DashboardSummary;

/// Entries beyond this many are swept of the expired ones before another is added.
const SWEEP_ABOVE: usize = 1024;

/// What the dashboard shows of an organization.
#[derive(Debug)]
pub(crate) struct Figures {
    pub(crate) summary: DashboardSummary,
    /// Agents per status (only the statuses some agent has).
    pub(crate) agents_by_status: Vec<(&'static str, u64)>,
}

#[derive(Debug)]
pub(crate) struct SummaryCache {
    ttl: Duration,
    entries: Mutex<HashMap<OrganizationId, (Instant, Arc<Figures>)>>,
}

impl SummaryCache {
    /// `ttl` zero keeps nothing.
    pub(crate) fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn get(&self, org: OrganizationId) -> Option<Arc<Figures>> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(&org)
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, figures)| Arc::clone(figures))
    }

    pub(crate) fn put(&self, org: OrganizationId, figures: Arc<Figures>) {
        if self.ttl.is_zero() {
            return;
        }
        // A poisoned lock only costs the cache: the figures were computed anyway.
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= SWEEP_ABOVE {
            let ttl = self.ttl;
            entries.retain(|_, (at, _)| at.elapsed() < ttl);
        }
        entries.insert(org, (Instant::now(), figures));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(events: u64) -> Arc<Figures> {
        Arc::new(Figures {
            summary: DashboardSummary {
                events_last_24h: events,
                ..DashboardSummary::default()
            },
            agents_by_status: Vec::new(),
        })
    }

    #[test]
    fn each_organization_gets_its_own_figures() {
        let cache = SummaryCache::new(Duration::from_secs(60));
        let (a, b) = (OrganizationId::generate(), OrganizationId::generate());
        cache.put(a, figures(1));
        assert_eq!(cache.get(a).unwrap().summary.events_last_24h, 1);
        assert!(cache.get(b).is_none());
        cache.put(b, figures(2));
        assert_eq!(cache.get(a).unwrap().summary.events_last_24h, 1);
        assert_eq!(cache.get(b).unwrap().summary.events_last_24h, 2);
    }

    #[test]
    fn figures_expire() {
        let cache = SummaryCache::new(Duration::from_millis(20));
        let org = OrganizationId::generate();
        cache.put(org, figures(1));
        std::thread::sleep(Duration::from_millis(30));
        assert!(cache.get(org).is_none());
        let off = SummaryCache::new(Duration::ZERO);
        off.put(org, figures(1));
        assert!(off.get(org).is_none());
    }
}
