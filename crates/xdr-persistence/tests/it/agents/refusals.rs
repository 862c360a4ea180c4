//! Every bad token gets one answer, and a refusal writes nothing anywhere.

use std::net::IpAddr;

use chrono::Duration;
use uuid::Uuid;
use xdr_domain::agents::EnrollRefused;
use xdr_domain::ports::AgentRepository;
use xdr_persistence::Database;

use super::{
    asset, asset_agent, enroll, facts, sealed, stored_agents, token, token_uses, token_with,
};
use crate::support::{audit_entries, now, tenant};

both_backends!(bad_tokens_are_refused_and_nothing_is_written);

fn bad_tokens_are_refused_and_nothing_is_written(db: &Database) {
    let (a, _) = tenant(db);
    let (b, _) = tenant(db);
    let t = now();
    let expired = token_with(db, a.id, 5, 0, t - Duration::seconds(1), None);
    let revoked = token_with(
        db,
        a.id,
        5,
        0,
        t + Duration::hours(1),
        Some(t - Duration::seconds(1)),
    );
    let used_up = token_with(db, a.id, 2, 2, t + Duration::hours(1), None);
    let of_b = token(db, b.id, 5, t);
    let audits_before = (audit_entries(db, a.id).len(), audit_entries(db, b.id).len());
    let mut f = facts(Uuid::new_v4());
    f.ip_address = Some("10.0.0.9".parse::<IpAddr>().unwrap());
    let ip_asset = asset(db, a.id, "10.0.0.9");
    for hash in [
        expired.hash.as_str(),
        &revoked.hash,
        &used_up.hash,
        &of_b.hash,
        "unknown",
    ] {
        let refused = enroll(db, a.id, hash, &f, &sealed(1, "s"), t).unwrap();
        assert_eq!(refused, Err(EnrollRefused::InvalidToken), "{hash}");
    }
    assert_eq!(stored_agents(db, a.id), (0, 0));
    assert_eq!(stored_agents(db, b.id), (0, 0));
    assert_eq!(token_uses(db, b.id, &of_b), 0);
    assert_eq!(token_uses(db, a.id, &used_up), 2);
    assert_eq!(asset_agent(db, a.id, ip_asset), None);
    assert_eq!(
        (audit_entries(db, a.id).len(), audit_entries(db, b.id).len()),
        audits_before
    );
    assert!(db.agents().key_versions_in_use().unwrap().is_empty());
    // B's token still works in B.
    assert!(
        enroll(db, b.id, &of_b.hash, &f, &sealed(1, "s"), t)
            .unwrap()
            .is_ok()
    );
}
