use super::*;

/// A lookup whose refresh, if any, is dropped at once.
fn is_hit<T>(lookup: Lookup<'_, T>) -> bool {
    matches!(lookup, Lookup::Hit(_))
}

fn fresh(cache: &SessionCache, s: SessionId, u: UserId, o: OrganizationId) -> bool {
    is_hit(cache.session(s, u, o))
}

fn ids() -> (SessionId, UserId, OrganizationId) {
    (
        SessionId::generate(),
        UserId::generate(),
        OrganizationId::generate(),
    )
}

#[test]
fn remembers_then_forgets() {
    let cache = SessionCache::new(Duration::from_secs(1));
    let (s, u, o) = ids();
    assert!(!fresh(&cache, s, u, o));
    cache.remember(s, u, o, Instant::now());
    assert!(fresh(&cache, s, u, o));
    assert!(
        !fresh(&cache, s, UserId::generate(), o),
        "bound to its user"
    );
    assert!(
        !fresh(&cache, s, u, OrganizationId::generate()),
        "bound to its organization"
    );
    cache.forget(s);
    assert!(!fresh(&cache, s, u, o));
}

#[test]
fn forget_user_drops_all_their_sessions() {
    let cache = SessionCache::new(Duration::from_secs(1));
    let (a, u, o) = ids();
    let (b, c, other) = (
        SessionId::generate(),
        SessionId::generate(),
        UserId::generate(),
    );
    cache.remember(a, u, o, Instant::now());
    cache.remember(b, u, o, Instant::now());
    cache.remember(c, other, o, Instant::now());
    cache.forget_user(u);
    assert!(!fresh(&cache, a, u, o) && !fresh(&cache, b, u, o));
    assert!(fresh(&cache, c, other, o));
}

#[test]
fn entries_expire() {
    let cache = SessionCache::new(Duration::from_millis(20));
    let (s, u, o) = ids();
    cache.remember(s, u, o, Instant::now());
    std::thread::sleep(Duration::from_millis(30));
    assert!(!fresh(&cache, s, u, o));
}

#[test]
fn zero_ttl_disables_caching() {
    let cache = SessionCache::new(Duration::ZERO);
    let (s, u, o) = ids();
    cache.remember(s, u, o, Instant::now());
    assert!(!fresh(&cache, s, u, o));
}

fn profile_of(user: UserId, org: OrganizationId) -> Profile {
    use xdr_domain::identity::{
        Email, FullName, OnboardingStatus, OrganizationName, PasswordHash, Role,
    };
    let now = chrono::Utc::now();
    let name = OrganizationName::parse("Acme Security").unwrap();
    let organization = Organization {
        id: org,
        slug: name.slug(),
        name,
        onboarding_status: OnboardingStatus::NotStarted,
        created_at: now,
        updated_at: now,
    };
    let user = User {
        id: user,
        organization_id: org,
        email: Email::parse("ana@acme.example").unwrap(),
        full_name: FullName::parse("Ana").unwrap(),
        role: Role::Admin,
        is_active: true,
        password_hash: PasswordHash::new("$2b$04$x".to_owned()),
        created_at: now,
        updated_at: now,
        last_login_at: None,
    };
    Arc::new((user, organization))
}

#[test]
fn profiles_are_bound_to_their_organization_and_forgotten_with_the_user() {
    let cache = SessionCache::new(Duration::from_secs(1));
    let (_, u, o) = ids();
    assert!(!is_hit(cache.profile(u, o)));
    cache.remember_profile(profile_of(u, o), Instant::now());
    assert!(is_hit(cache.profile(u, o)));
    assert!(
        !is_hit(cache.profile(u, OrganizationId::generate())),
        "a token naming another organization never gets this profile"
    );
    cache.forget_user(u);
    assert!(
        !is_hit(cache.profile(u, o)),
        "ending the user's sessions drops it"
    );
    cache.remember_profile(profile_of(u, o), Instant::now());
    cache.forget_profile(u);
    assert!(!is_hit(cache.profile(u, o)));
}

#[test]
fn profiles_expire_and_zero_ttl_disables_them() {
    let cache = SessionCache::new(Duration::from_millis(20));
    let (_, u, o) = ids();
    cache.remember_profile(profile_of(u, o), Instant::now());
    std::thread::sleep(Duration::from_millis(30));
    assert!(!is_hit(cache.profile(u, o)));
    let off = SessionCache::new(Duration::ZERO);
    off.remember_profile(profile_of(u, o), Instant::now());
    assert!(!is_hit(off.profile(u, o)));
}

/// The refresh handed to the caller chosen to refresh ahead (panics for any other answer).
fn chosen<T>(lookup: Lookup<'_, T>) -> Refresh<'_> {
    match lookup {
        Lookup::Miss(Some(refresh)) => refresh,
        Lookup::Miss(None) => panic!("a miss without the refresh"),
        Lookup::Hit(_) => panic!("a hit"),
    }
}

#[test]
fn one_caller_refreshes_ahead_while_the_others_keep_the_entry() {
    let cache = SessionCache::new(Duration::from_millis(1000));
    let (s, u, o) = ids();
    cache.remember(s, u, o, Instant::now());
    assert!(fresh(&cache, s, u, o), "young entries are used");
    std::thread::sleep(Duration::from_millis(550));
    let refresh = chosen(cache.session(s, u, o));
    assert!(
        fresh(&cache, s, u, o),
        "the others keep using the entry meanwhile"
    );
    assert!(
        !fresh(&cache, s, UserId::generate(), o),
        "still bound to its user"
    );
    cache.remember(s, u, o, Instant::now());
    drop(refresh);
    assert!(fresh(&cache, s, u, o));
    std::thread::sleep(Duration::from_millis(1010));
    assert!(
        matches!(cache.session(s, u, o), Lookup::Miss(None)),
        "never used past its ttl, and every caller reads storage"
    );
}

#[test]
fn a_refresh_dropped_unfinished_goes_to_the_next_caller() {
    let cache = SessionCache::new(Duration::from_millis(1000));
    let (s, u, o) = ids();
    cache.remember(s, u, o, Instant::now());
    std::thread::sleep(Duration::from_millis(550));
    let refresh = chosen(cache.session(s, u, o));
    assert!(fresh(&cache, s, u, o));
    // Its storage read failed, or its request was cancelled while waiting.
    drop(refresh);
    let again = chosen(cache.session(s, u, o));
    assert!(fresh(&cache, s, u, o), "and the others still use the entry");
    drop(again);
}

#[test]
fn an_old_refresh_leaves_a_newer_entry_alone() {
    let cache = SessionCache::new(Duration::from_millis(1000));
    let (s, u, o) = ids();
    cache.remember(s, u, o, Instant::now());
    std::thread::sleep(Duration::from_millis(550));
    let old = chosen(cache.session(s, u, o));
    cache.remember(s, u, o, Instant::now());
    std::thread::sleep(Duration::from_millis(550));
    let current = chosen(cache.session(s, u, o));
    drop(old);
    assert!(
        fresh(&cache, s, u, o),
        "the newer entry keeps its own refresh: nobody else is chosen"
    );
    drop(current);
}

#[test]
fn profiles_refresh_ahead_too() {
    let cache = SessionCache::new(Duration::from_millis(1000));
    let (_, u, o) = ids();
    cache.remember_profile(profile_of(u, o), Instant::now());
    std::thread::sleep(Duration::from_millis(550));
    let refresh = chosen(cache.profile(u, o));
    assert!(is_hit(cache.profile(u, o)), "the others keep it meanwhile");
    drop(refresh);
    let again = chosen(cache.profile(u, o));
    assert!(is_hit(cache.profile(u, o)));
    drop(again);
    std::thread::sleep(Duration::from_millis(460));
    assert!(!is_hit(cache.profile(u, o)), "never used past its ttl");
}

#[test]
fn a_read_that_started_before_a_logout_is_not_remembered() {
    let cache = SessionCache::new(Duration::from_secs(1));
    let (s, u, o) = ids();
    let started = Instant::now();
    // The session is ended while the read that found it active is still under way.
    cache.forget(s);
    cache.remember(s, u, o, started);
    assert!(!fresh(&cache, s, u, o), "the ended session came back");
    // A read that started after the logout is remembered as usual.
    cache.remember(s, u, o, Instant::now());
    assert!(fresh(&cache, s, u, o));
}

#[test]
fn a_read_that_started_before_the_user_was_forgotten_is_not_remembered() {
    let cache = SessionCache::new(Duration::from_secs(1));
    let (s, u, o) = ids();
    let started = Instant::now();
    cache.forget_user(u);
    cache.remember(s, u, o, started);
    cache.remember_profile(profile_of(u, o), started);
    assert!(!fresh(&cache, s, u, o));
    assert!(!is_hit(cache.profile(u, o)));
    let started = Instant::now();
    cache.forget_profile(u);
    cache.remember_profile(profile_of(u, o), started);
    assert!(!is_hit(cache.profile(u, o)), "a changed profile came back");
    cache.remember_profile(profile_of(u, o), Instant::now());
    assert!(is_hit(cache.profile(u, o)));
}

#[test]
fn a_read_older_than_the_ttl_is_not_remembered() {
    let cache = SessionCache::new(Duration::from_millis(20));
    let (s, u, o) = ids();
    let started = Instant::now();
    std::thread::sleep(Duration::from_millis(30));
    cache.remember(s, u, o, started);
    assert!(!fresh(&cache, s, u, o));
}
