use std::collections::BTreeMap;
use std::sync::Mutex;

use chrono::Duration as Days;
use xdr_domain::EventId;
use xdr_domain::ports::{PrunedBatch, RepoResult};

use super::*;

/// Events as their reception times, by organization; every batch is recorded.
#[derive(Default)]
struct Fake {
    events: Mutex<BTreeMap<OrganizationId, Vec<DateTime<Utc>>>>,
    batches: Mutex<Vec<(OrganizationId, u32, u64)>>,
    /// Events deleted so far by organization: each batch must resume after them.
    taken: Mutex<BTreeMap<OrganizationId, u128>>,
    fail: bool,
}

impl EventRetentionRepository for Fake {
    fn organizations_with_events_before(
        &self,
        before: DateTime<Utc>,
    ) -> RepoResult<Vec<OrganizationId>> {
        let events = self.events.lock().unwrap();
        Ok(events
            .iter()
            .filter(|(_, times)| times.iter().any(|t| *t < before))
            .map(|(org, _)| *org)
            .collect())
    }

    fn count_events_before(&self, org: OrganizationId, before: DateTime<Utc>) -> RepoResult<u64> {
        let events = self.events.lock().unwrap();
        let n = events[&org].iter().filter(|t| **t < before).count();
        Ok(u64::try_from(n).unwrap())
    }

    fn prune_events_before(
        &self,
        org: OrganizationId,
        before: DateTime<Utc>,
        after: Option<EventId>,
        limit: u32,
    ) -> RepoResult<PrunedBatch> {
        if self.fail {
            return Err(RepoError::Unavailable("database is busy".into()));
        }
        // Ids stand for positions here: `after` is how many the previous batches took.
        let skip = after.map_or(0, |id| id.as_uuid().as_u128());
        assert_eq!(skip, *self.taken.lock().unwrap().entry(org).or_default());
        let mut events = self.events.lock().unwrap();
        let times = events.get_mut(&org).unwrap();
        times.sort();
        let old = times.iter().filter(|t| **t < before).count();
        let n = old.min(usize::try_from(limit).unwrap());
        times.drain(..n);
        let n = u64::try_from(n).unwrap();
        self.batches.lock().unwrap().push((org, limit, n));
        let full = n == u64::from(limit);
        let mut taken = self.taken.lock().unwrap();
        let taken = taken.get_mut(&org).unwrap();
        *taken += u128::from(n);
        Ok(PrunedBatch {
            deleted: n,
            resume_after: full.then(|| EventId::from_uuid(uuid::Uuid::from_u128(*taken))),
        })
    }
}

fn fake(ages_by_org: &[&[i64]]) -> (Arc<Fake>, Vec<OrganizationId>) {
    let now = Utc::now();
    let fake = Fake::default();
    let mut orgs = Vec::new();
    for ages in ages_by_org {
        let org = OrganizationId::generate();
        let times = ages.iter().map(|d| now - Days::days(*d)).collect();
        fake.events.lock().unwrap().insert(org, times);
        orgs.push(org);
    }
    (Arc::new(fake), orgs)
}

const SMALL: Batches = Batches {
    size: 2,
    pause: Duration::from_millis(1),
};

#[tokio::test]
async fn prunes_in_batches_until_nothing_old_is_left() {
    let (repo, orgs) = fake(&[&[40, 40, 40, 35, 31, 31, 31, 5], &[90, 60, 45, 1], &[2]]);
    let before = Utc::now() - Days::days(30);
    let summary = prune(repo.clone(), before, SMALL).await.unwrap();
    assert_eq!(summary.organizations, 2, "the third has nothing old");
    assert_eq!(summary.events, 10);
    // 7 old events: 2 + 2 + 2 + 1; 3 old events: 2 + 1.
    assert_eq!(summary.batches, 6);
    let batches = repo.batches.lock().unwrap();
    assert!(batches.iter().all(|(_, limit, n)| *limit == 2 && *n <= 2));
    let events = repo.events.lock().unwrap();
    assert_eq!(events[&orgs[0]].len(), 1);
    assert_eq!(events[&orgs[1]].len(), 1);
    assert_eq!(events[&orgs[2]].len(), 1);
}

#[tokio::test]
async fn a_full_last_batch_is_followed_by_an_empty_one() {
    let (repo, _) = fake(&[&[40, 40, 40, 40]]);
    let summary = prune(repo, Utc::now() - Days::days(30), SMALL)
        .await
        .unwrap();
    assert_eq!((summary.events, summary.batches), (4, 3));
}

#[tokio::test]
async fn the_pause_comes_between_batches() {
    let (repo, _) = fake(&[&[40; 6]]);
    let batches = Batches {
        size: 2,
        pause: Duration::from_millis(30),
    };
    let started = Instant::now();
    let summary = prune(repo, Utc::now() - Days::days(30), batches)
        .await
        .unwrap();
    // Four batches (2, 2, 2, 0), three pauses.
    assert_eq!(summary.batches, 4);
    assert!(started.elapsed() >= Duration::from_millis(90));
}

#[tokio::test]
async fn a_failed_batch_stops_the_run_with_its_error() {
    let (repo, _) = fake(&[&[40]]);
    let failing = Arc::new(Fake {
        events: Mutex::new(repo.events.lock().unwrap().clone()),
        fail: true,
        ..Fake::default()
    });
    let error = prune(failing, Utc::now() - Days::days(30), SMALL)
        .await
        .unwrap_err();
    assert!(matches!(error, RepoError::Unavailable(_)), "{error:?}");
}

#[tokio::test]
async fn a_dry_run_counts_and_deletes_nothing() {
    let (repo, orgs) = fake(&[&[40, 35, 1], &[2]]);
    let counts = count(repo.clone(), Utc::now() - Days::days(30))
        .await
        .unwrap();
    assert_eq!(counts, vec![(orgs[0], 2)]);
    assert!(repo.batches.lock().unwrap().is_empty());
    assert_eq!(repo.events.lock().unwrap()[&orgs[0]].len(), 3);
}
