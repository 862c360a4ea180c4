use super::*;

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
    assert!(!cache.is_fresh(s, u, o));
    cache.remember(s, u, o);
    assert!(cache.is_fresh(s, u, o));
    assert!(
        !cache.is_fresh(s, UserId::generate(), o),
        "bound to its user"
    );
    assert!(
        !cache.is_fresh(s, u, OrganizationId::generate()),
        "bound to its organization"
    );
    cache.forget(s);
    assert!(!cache.is_fresh(s, u, o));
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
    cache.remember(a, u, o);
    cache.remember(b, u, o);
    cache.remember(c, other, o);
    cache.forget_user(u);
    assert!(!cache.is_fresh(a, u, o) && !cache.is_fresh(b, u, o));
    assert!(cache.is_fresh(c, other, o));
}

#[test]
fn entries_expire() {
    let cache = SessionCache::new(Duration::from_millis(20));
    let (s, u, o) = ids();
    cache.remember(s, u, o);
    std::thread::sleep(Duration::from_millis(30));
    assert!(!cache.is_fresh(s, u, o));
}

#[test]
fn zero_ttl_disables_caching() {
    let cache = SessionCache::new(Duration::ZERO);
    let (s, u, o) = ids();
    cache.remember(s, u, o);
    assert!(!cache.is_fresh(s, u, o));
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
    assert!(cache.profile(u, o).is_none());
    cache.remember_profile(profile_of(u, o));
    assert!(cache.profile(u, o).is_some());
    assert!(
        cache.profile(u, OrganizationId::generate()).is_none(),
        "a token naming another organization never gets this profile"
    );
    cache.forget_user(u);
    assert!(
        cache.profile(u, o).is_none(),
        "ending the user's sessions drops it"
    );
    cache.remember_profile(profile_of(u, o));
    cache.forget_profile(u);
    assert!(cache.profile(u, o).is_none());
}

#[test]
fn profiles_expire_and_zero_ttl_disables_them() {
    let cache = SessionCache::new(Duration::from_millis(20));
    let (_, u, o) = ids();
    cache.remember_profile(profile_of(u, o));
    std::thread::sleep(Duration::from_millis(30));
    assert!(cache.profile(u, o).is_none());
    let off = SessionCache::new(Duration::ZERO);
    off.remember_profile(profile_of(u, o));
    assert!(off.profile(u, o).is_none());
}

#[test]
fn one_caller_refreshes_ahead_while_the_others_keep_the_entry() {
    let cache = SessionCache::new(Duration::from_millis(1000));
    let (s, u, o) = ids();
    cache.remember(s, u, o);
    assert!(cache.is_fresh(s, u, o), "young entries are used");
    std::thread::sleep(Duration::from_millis(550));
    assert!(
        !cache.is_fresh(s, u, o),
        "the first caller past half the ttl refreshes"
    );
    assert!(
        cache.is_fresh(s, u, o),
        "the others keep using the entry meanwhile"
    );
    assert!(
        !cache.is_fresh(s, UserId::generate(), o),
        "still bound to its user"
    );
    cache.remember(s, u, o);
    assert!(cache.is_fresh(s, u, o));
    std::thread::sleep(Duration::from_millis(1010));
    assert!(!cache.is_fresh(s, u, o), "never used past its ttl");
    assert!(!cache.is_fresh(s, u, o));
}

#[test]
fn profiles_refresh_ahead_too() {
    let cache = SessionCache::new(Duration::from_millis(1000));
    let (_, u, o) = ids();
    cache.remember_profile(profile_of(u, o));
    std::thread::sleep(Duration::from_millis(550));
    assert!(cache.profile(u, o).is_none(), "the first caller reloads it");
    assert!(
        cache.profile(u, o).is_some(),
        "the others keep it meanwhile"
    );
    std::thread::sleep(Duration::from_millis(460));
    assert!(cache.profile(u, o).is_none(), "never used past its ttl");
}
