use super::*;

fn proceeds(d: &AttemptDecision) -> bool {
    matches!(d, AttemptDecision::Proceed { .. })
}

/// `n` attempts at `now` that all take their reservation before any concludes.
fn reserve(
    p: &LockoutPolicy,
    mut state: Option<ThrottleState>,
    n: usize,
    now: DateTime<Utc>,
) -> (Option<ThrottleState>, Vec<AttemptDecision>) {
    let mut decisions = Vec::new();
    for _ in 0..n {
        let (next, d) = p.register_attempt(state.as_ref(), now);
        state = Some(next);
        decisions.push(d);
    }
    (state, decisions)
}

/// `n` attempts one after the other, each failing its password check.
fn fail_in_turn(
    p: &LockoutPolicy,
    mut state: Option<ThrottleState>,
    n: usize,
    now: DateTime<Utc>,
) -> (
    Option<ThrottleState>,
    Vec<AttemptDecision>,
    Vec<DateTime<Utc>>,
) {
    let (mut decisions, mut locks) = (Vec::new(), Vec::new());
    for _ in 0..n {
        let (next, d) = p.register_attempt(state.as_ref(), now);
        state = Some(next);
        if proceeds(&d) {
            let (next, locked) = p.conclude(state.as_ref(), AttemptOutcome::Failed, now);
            state = next;
            locks.extend(locked);
        }
        decisions.push(d);
    }
    (state, decisions, locks)
}

#[test]
fn parallel_attempts_get_at_most_max_failures_password_checks() {
    let p = LockoutPolicy::default();
    let now = Utc::now();
    let (state, decisions) = reserve(&p, None, 50, now);
    assert_eq!(decisions.iter().filter(|d| proceeds(d)).count(), 5);
    assert!(decisions[5..].iter().all(|d| matches!(
        d,
        AttemptDecision::Busy {
            retry_after_seconds: BUSY_RETRY_AFTER_SECONDS
        }
    )));
    let state = state.unwrap();
    assert_eq!((state.failures, state.in_flight), (0, 5));
    assert_eq!(state.locked_until, None, "reservations alone never lock");
}

#[test]
fn correct_attempts_in_parallel_never_lock_and_give_their_reservations_back() {
    let p = LockoutPolicy::default();
    let now = Utc::now();
    let mut state = None;
    for _round in 0..20 {
        let (next, decisions) = reserve(&p, state, 8, now);
        state = next;
        let through = decisions.iter().filter(|d| proceeds(d)).count();
        assert_eq!(through, 5);
        assert!(
            decisions
                .iter()
                .all(|d| !matches!(d, AttemptDecision::Locked { .. }))
        );
        for _ in 0..through {
            let (next, locked) = p.conclude(state.as_ref(), AttemptOutcome::Succeeded, now);
            assert_eq!(locked, None);
            state = next;
        }
        assert_eq!(state, None, "nothing is kept once every success is back");
    }
}

#[test]
fn a_lock_starts_only_when_max_failures_attempts_actually_failed() {
    let p = LockoutPolicy::default();
    let now = Utc::now();
    let (state, decisions, locks) = fail_in_turn(&p, None, 4, now);
    assert!(decisions.iter().all(proceeds));
    assert!(locks.is_empty());
    let (state, _, locks) = fail_in_turn(&p, state, 1, now);
    assert_eq!(locks, vec![now + p.lock_for]);
    let (state, decisions, locks) = fail_in_turn(&p, state, 10, now);
    assert!(locks.is_empty(), "locked once");
    assert!(decisions.iter().all(|d| *d
        == AttemptDecision::Locked {
            until: now + p.lock_for
        }));
    assert_eq!(state.unwrap().refused, 10);
}

#[test]
fn the_lock_expires_and_reports_what_it_refused_once() {
    let p = LockoutPolicy::default();
    let now = Utc::now();
    let (state, _, _) = fail_in_turn(&p, None, 8, now);
    let just_before = now + p.lock_for - Duration::seconds(1);
    let (state, d) = p.register_attempt(state.as_ref(), just_before);
    assert!(matches!(d, AttemptDecision::Locked { .. }));
    let later = now + p.lock_for;
    let (state, d) = p.register_attempt(Some(&state), later);
    assert_eq!(
        d,
        AttemptDecision::Proceed {
            ended_lock: Some(EndedLock {
                until: now + p.lock_for,
                refused: 4
            })
        }
    );
    assert_eq!(
        (state.failures, state.in_flight, state.locked_until),
        (0, 1, None)
    );
    let (_, d) = p.register_attempt(Some(&state), later);
    assert_eq!(d, AttemptDecision::Proceed { ended_lock: None });
}

#[test]
fn a_success_clears_the_failures() {
    let p = LockoutPolicy::default();
    let now = Utc::now();
    let (state, _, _) = fail_in_turn(&p, None, 4, now);
    let (state, d) = p.register_attempt(state.as_ref(), now);
    assert!(proceeds(&d));
    let (state, _) = p.conclude(Some(&state), AttemptOutcome::Succeeded, now);
    assert_eq!(state, None);
    let (_, _, locks) = fail_in_turn(&p, state, 4, now);
    assert!(locks.is_empty(), "the count started again");
}

#[test]
fn window_expiry_resets_the_count() {
    let p = LockoutPolicy::default();
    let now = Utc::now();
    let (state, _, _) = fail_in_turn(&p, None, 4, now);
    let (_, _, locks) = fail_in_turn(&p, state, 4, now + p.window);
    assert!(locks.is_empty());
}

#[test]
fn reservations_never_given_back_are_forgotten() {
    let p = LockoutPolicy::default();
    let now = Utc::now();
    let (state, _) = reserve(&p, None, 5, now);
    let (state, d) = p.register_attempt(state.as_ref(), now + Duration::seconds(1));
    assert!(matches!(d, AttemptDecision::Busy { .. }));
    let stale = now + Duration::seconds(RESERVATION_TTL_SECONDS);
    let (state, d) = p.register_attempt(Some(&state), stale);
    assert!(proceeds(&d));
    assert_eq!(state.in_flight, 1);
}

#[test]
fn a_state_expires_when_its_lock_window_and_reservations_are_over() {
    let p = LockoutPolicy::default();
    let now = Utc::now();
    let (state, _, _) = fail_in_turn(&p, None, 5, now);
    let state = state.unwrap();
    assert!(!p.expired(&state, now));
    assert!(!p.expired(&state, now + p.window - Duration::seconds(1)));
    assert!(p.expired(&state, now + p.window.max(p.lock_for)));
    let (reserved, _) = reserve(&p, None, 1, now);
    let reserved = reserved.unwrap();
    assert!(!p.expired(&reserved, now + p.window - Duration::seconds(1)));
    assert!(p.expired(&reserved, now + p.window));
}
