use std::sync::{Arc, Barrier};
use std::thread;

use xdr_domain::identity::{AttemptDecision, LockoutPolicy};
use xdr_domain::ports::LoginThrottleRepository;
use xdr_persistence::Database;

use crate::support::now;

fn fresh_key() -> String {
    format!("login:{}", uuid::Uuid::new_v4().simple())
}

fn proceeded(decisions: &[AttemptDecision]) -> usize {
    decisions
        .iter()
        .filter(|d| **d == AttemptDecision::Proceed)
        .count()
}

/// 50 simultaneous attempts on one account: exactly `max_failures` may check a password.
fn fifty_parallel_attempts(db: &Database) {
    const THREADS: usize = 50;
    let policy = LockoutPolicy::default();
    let key = fresh_key();
    let t = now();
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let (db, barrier, key) = (db.clone(), barrier.clone(), key.clone());
            thread::spawn(move || {
                barrier.wait();
                db.login_throttle().register_attempt(&key, &policy, t)
            })
        })
        .collect();
    let decisions: Vec<_> = handles
        .into_iter()
        .map(|h| h.join().unwrap().unwrap())
        .collect();
    assert_eq!(
        proceeded(&decisions),
        policy.max_failures as usize,
        "{decisions:?}"
    );
    let newly_locked = decisions
        .iter()
        .filter(|d| {
            matches!(
                d,
                AttemptDecision::Locked {
                    newly_locked: true,
                    ..
                }
            )
        })
        .count();
    assert_eq!(newly_locked, 1);
}

fn lock_expires_and_clear_forgets(db: &Database) {
    let policy = LockoutPolicy::default();
    let repo = db.login_throttle();
    let (key, other) = (fresh_key(), fresh_key());
    let t = now();
    let decisions: Vec<_> = (0..7)
        .map(|_| repo.register_attempt(&key, &policy, t).unwrap())
        .collect();
    assert_eq!(proceeded(&decisions), 5);
    assert_eq!(
        decisions[5],
        AttemptDecision::Locked {
            until: t + policy.lock_for,
            newly_locked: true
        }
    );
    // Keys are independent.
    assert_eq!(
        repo.register_attempt(&other, &policy, t).unwrap(),
        AttemptDecision::Proceed
    );
    // The lock ends on time.
    let later = t + policy.lock_for;
    assert_eq!(
        repo.register_attempt(&key, &policy, later).unwrap(),
        AttemptDecision::Proceed
    );

    // Clearing forgets the count: five more attempts proceed.
    for _ in 0..4 {
        repo.register_attempt(&other, &policy, t).unwrap();
    }
    repo.clear(&other).unwrap();
    let after: Vec<_> = (0..6)
        .map(|_| repo.register_attempt(&other, &policy, t).unwrap())
        .collect();
    assert_eq!(proceeded(&after), 5);
    repo.clear(&fresh_key()).unwrap();
}

both_backends!(fifty_parallel_attempts, lock_expires_and_clear_forgets);
