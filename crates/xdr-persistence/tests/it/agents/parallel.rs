//! Simultaneous redemptions of one token: its uses are counted exactly.

use std::sync::{Arc, Barrier};
use std::thread;

use uuid::Uuid;
use xdr_domain::agents::{EnrollRefused, Enrollment, NewAgentFacts};
use xdr_domain::ports::{EnrolledAgent, RepoResult};
use xdr_persistence::Database;

use super::{enroll, facts, sealed, stored_agents, token, token_uses};
use crate::support::{now, tenant};

both_backends!(
    fifty_parallel_redemptions_of_a_one_use_token_make_one_agent,
    fifty_parallel_retries_of_one_instance_make_one_agent,
);

const THREADS: usize = 50;

type Outcome = RepoResult<Result<EnrolledAgent, EnrollRefused>>;

/// Redeems `hash` in `THREADS` threads at once, thread `i` with `facts_of(i)`.
fn redeem_at_once(
    db: &Database,
    org: xdr_domain::OrganizationId,
    hash: &str,
    facts_of: impl Fn(usize) -> NewAgentFacts,
) -> Vec<Outcome> {
    let t = now();
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|i| {
            let (db, barrier, hash, f) =
                (db.clone(), barrier.clone(), hash.to_owned(), facts_of(i));
            thread::spawn(move || {
                barrier.wait();
                enroll(&db, org, &hash, &f, &sealed(1, &format!("s{i}")), t)
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

fn fifty_parallel_redemptions_of_a_one_use_token_make_one_agent(db: &Database) {
    let (org, _) = tenant(db);
    let tok = token(db, org.id, 1, now());
    let outcomes = redeem_at_once(db, org.id, &tok.hash, |_| facts(Uuid::new_v4()));
    let created: Vec<_> = outcomes
        .iter()
        .filter_map(|o| o.as_ref().unwrap().as_ref().ok())
        .collect();
    assert_eq!(created.len(), 1, "{outcomes:?}");
    assert!(matches!(created[0].enrollment, Enrollment::Create { .. }));
    let refused = outcomes
        .iter()
        .filter(|o| matches!(o, Ok(Err(EnrollRefused::InvalidToken))))
        .count();
    assert_eq!(refused, THREADS - 1);
    assert_eq!(token_uses(db, org.id, &tok), 1);
    assert_eq!(stored_agents(db, org.id), (1, 1));
}

fn fifty_parallel_retries_of_one_instance_make_one_agent(db: &Database) {
    let (org, _) = tenant(db);
    let tok = token(db, org.id, 1, now());
    let same = facts(Uuid::new_v4());
    let outcomes = redeem_at_once(db, org.id, &tok.hash, |_| same.clone());
    let applied: Vec<&EnrolledAgent> = outcomes
        .iter()
        .map(|o| o.as_ref().unwrap().as_ref().unwrap())
        .collect();
    let creates = applied
        .iter()
        .filter(|a| matches!(a.enrollment, Enrollment::Create { .. }))
        .count();
    assert_eq!(creates, 1);
    assert!(applied.iter().all(|a| a.agent.id == applied[0].agent.id));
    assert_eq!(token_uses(db, org.id, &tok), 1);
    assert_eq!(stored_agents(db, org.id), (1, 1));
}
