use std::sync::{Arc, Barrier};
use std::thread;

use chrono::Duration;
use xdr_domain::identity::{AttemptDecision, AttemptOutcome, LockoutPolicy};
use xdr_domain::ports::LoginThrottleRepository;
use xdr_persistence::Database;

use crate::support::now;

fn fresh_key() -> String {
    format!("login:{}", uuid::Uuid::new_v4().simple())
}

fn proceeded(decisions: &[AttemptDecision]) -> usize {
    decisions
        .iter()
        .filter(|d| matches!(d, AttemptDecision::Proceed { .. }))
        .count()
}

/// 50 simultaneous attempts on one account: exactly `max_failures` may check a password, the
/// others are told to retry (reservations alone never lock); when those fail, the key locks.
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
    assert!(decisions.iter().all(|d| matches!(
        d,
        AttemptDecision::Proceed { .. } | AttemptDecision::Busy { .. }
    )));
    let repo = db.login_throttle();
    let locks: Vec<_> = (0..policy.max_failures)
        .filter_map(|_| {
            repo.conclude(&key, &policy, AttemptOutcome::Failed, t)
                .unwrap()
        })
        .collect();
    assert_eq!(
        locks,
        vec![t + policy.lock_for],
        "the fifth failure locks, once"
    );
    assert_eq!(
        repo.register_attempt(&key, &policy, t).unwrap(),
        AttemptDecision::Locked {
            until: t + policy.lock_for
        }
    );
}

fn successes_give_reservations_back_and_keys_are_independent(db: &Database) {
    let policy = LockoutPolicy::default();
    let repo = db.login_throttle();
    let (key, other) = (fresh_key(), fresh_key());
    let t = now();
    for _round in 0..3 {
        let decisions: Vec<_> = (0..7)
            .map(|_| repo.register_attempt(&key, &policy, t).unwrap())
            .collect();
        assert_eq!(proceeded(&decisions), 5);
        for _ in 0..5 {
            let locked = repo
                .conclude(&key, &policy, AttemptOutcome::Succeeded, t)
                .unwrap();
            assert_eq!(locked, None);
        }
    }
    // Keys are independent.
    assert!(matches!(
        repo.register_attempt(&other, &policy, t).unwrap(),
        AttemptDecision::Proceed { ended_lock: None }
    ));
}

fn the_lock_ends_on_time_with_its_refusals(db: &Database) {
    let policy = LockoutPolicy::default();
    let repo = db.login_throttle();
    let key = fresh_key();
    let t = now();
    for _ in 0..5 {
        repo.register_attempt(&key, &policy, t).unwrap();
        repo.conclude(&key, &policy, AttemptOutcome::Failed, t)
            .unwrap();
    }
    for _ in 0..3 {
        assert!(matches!(
            repo.register_attempt(&key, &policy, t).unwrap(),
            AttemptDecision::Locked { .. }
        ));
    }
    match repo
        .register_attempt(&key, &policy, t + policy.lock_for)
        .unwrap()
    {
        AttemptDecision::Proceed {
            ended_lock: Some(ended),
        } => assert_eq!(ended.refused, 3),
        other => panic!("the lock ended: {other:?}"),
    }
}

/// States that are over are pruned; a lock, a recent window or a reservation keeps its row.
fn expired_states_are_pruned(db: &Database) {
    let policy = LockoutPolicy::default();
    let repo = db.login_throttle();
    let t = now();
    let (idle, locked, recent) = (fresh_key(), fresh_key(), fresh_key());
    let old = t - Duration::hours(2);
    repo.register_attempt(&idle, &policy, old).unwrap();
    repo.conclude(&idle, &policy, AttemptOutcome::Failed, old)
        .unwrap();
    for _ in 0..5 {
        repo.register_attempt(&locked, &policy, t).unwrap();
        repo.conclude(&locked, &policy, AttemptOutcome::Failed, t)
            .unwrap();
    }
    repo.register_attempt(&recent, &policy, t).unwrap();
    // Each test has its own database: only the idle state is over.
    assert_eq!(repo.prune(&policy, t, 1000).unwrap(), 1);
    assert_eq!(repo.prune(&policy, t, 1000).unwrap(), 0);
    // The idle key starts afresh; the lock and the reservation are still there.
    assert!(matches!(
        repo.register_attempt(&idle, &policy, t).unwrap(),
        AttemptDecision::Proceed { .. }
    ));
    assert!(matches!(
        repo.register_attempt(&locked, &policy, t).unwrap(),
        AttemptDecision::Locked { .. }
    ));
    for _ in 0..4 {
        repo.register_attempt(&recent, &policy, t).unwrap();
    }
    assert!(
        matches!(
            repo.register_attempt(&recent, &policy, t).unwrap(),
            AttemptDecision::Busy { .. }
        ),
        "the first reservation survived the prune"
    );
}

/// Sign-ins that succeed give their reservation back and the state goes away; attempts racing
/// with that removal must still find (or make) a row to lock, never fail.
fn churn_of_successes_never_errors(db: &Database) {
    const THREADS: usize = 8;
    const ROUNDS: usize = 150;
    let policy = LockoutPolicy::default();
    let key = fresh_key();
    let t = now();
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let (db, barrier, key) = (db.clone(), barrier.clone(), key.clone());
            thread::spawn(move || {
                barrier.wait();
                let repo = db.login_throttle();
                let mut proceeded = 0;
                for _ in 0..ROUNDS {
                    let decision = repo.register_attempt(&key, &policy, t)?;
                    if matches!(decision, AttemptDecision::Proceed { .. }) {
                        proceeded += 1;
                        repo.conclude(&key, &policy, AttemptOutcome::Succeeded, t)?;
                    }
                }
                Ok::<_, xdr_domain::error::RepoError>(proceeded)
            })
        })
        .collect();
    let mut proceeded = 0;
    for handle in handles {
        proceeded += handle.join().unwrap().expect("no attempt fails");
    }
    assert!(proceeded >= ROUNDS, "{proceeded} attempts proceeded");
    // Every reservation was given back: the next attempt proceeds.
    assert!(matches!(
        db.login_throttle()
            .register_attempt(&key, &policy, t)
            .unwrap(),
        AttemptDecision::Proceed { ended_lock: None }
    ));
}

both_backends!(
    fifty_parallel_attempts,
    successes_give_reservations_back_and_keys_are_independent,
    the_lock_ends_on_time_with_its_refusals,
    expired_states_are_pruned,
    churn_of_successes_never_errors,
);
