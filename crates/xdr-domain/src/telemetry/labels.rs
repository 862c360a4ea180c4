//! The closed label sets of the counters (a bounded number of series each), and counters
//! indexed by them.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::closed_set::closed_set;
use crate::detection::RuleKind;

/// A label whose every value is known in advance.
pub trait Label: Copy + PartialEq + 'static {
    const ALL: &'static [Self];
    fn as_str(self) -> &'static str;
}

macro_rules! label {
    ($($name:ident),+) => {
        $(impl Label for $name {
            const ALL: &'static [Self] = &$name::ALL;
            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
        })+
    };
}

closed_set!(
    /// How a sign-in ended.
    SignInOutcome {
        Success => "success",
        Invalid => "invalid",
        Locked => "locked",
        RateLimited => "rate_limited",
        Error => "error",
    }
);

closed_set!(
    /// Where events came in: `POST /api/v1/events`, signed agent batches, or agentless
    /// ingest (HEC and `/ingest/multi`).
    EventSource {
        Api => "api",
        Agent => "agent",
        Hec => "hec",
    }
);

closed_set!(
    /// How a webhook delivery ended: accepted by the receiver, failed after its attempts (or
    /// not queued: the queue was full), or concluded without sending (webhook deleted or
    /// disabled, URL refused, secret unreadable, incident gone).
    DeliveryOutcome {
        Delivered => "delivered",
        Failed => "failed",
        NotSent => "not_sent",
    }
);

label!(SignInOutcome, EventSource, DeliveryOutcome, RuleKind);

/// One counter per value of `L`.
#[derive(Debug)]
pub struct CounterVec<L: Label> {
    counts: Box<[AtomicU64]>,
    label: std::marker::PhantomData<L>,
}

impl<L: Label> Default for CounterVec<L> {
    fn default() -> Self {
        Self {
            counts: L::ALL.iter().map(|_| AtomicU64::new(0)).collect(),
            label: std::marker::PhantomData,
        }
    }
}

impl<L: Label> CounterVec<L> {
    pub fn inc(&self, label: L) {
        self.add(label, 1);
    }

    pub fn add(&self, label: L, n: u64) {
        if n == 0 {
            return;
        }
        if let Some(count) = L::ALL
            .iter()
            .position(|l| *l == label)
            .and_then(|i| self.counts.get(i))
        {
            count.fetch_add(n, Ordering::Relaxed);
        }
    }

    pub fn get(&self, label: L) -> u64 {
        L::ALL
            .iter()
            .position(|l| *l == label)
            .and_then(|i| self.counts.get(i))
            .map_or(0, |c| c.load(Ordering::Relaxed))
    }

    /// Every label value with its count (zeros included: series exist from the start).
    pub fn values(&self) -> Vec<(L, u64)> {
        L::ALL.iter().map(|l| (*l, self.get(*l))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_label_value() {
        let c = CounterVec::<EventSource>::default();
        c.inc(EventSource::Api);
        c.add(EventSource::Hec, 5);
        c.add(EventSource::Hec, 0);
        assert_eq!(
            c.values(),
            vec![
                (EventSource::Api, 1),
                (EventSource::Agent, 0),
                (EventSource::Hec, 5)
            ]
        );
    }
}
