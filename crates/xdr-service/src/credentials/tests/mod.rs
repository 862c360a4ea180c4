//! The credentials use cases against in-memory ports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod integrity;
mod owner;
mod rewrap;

use std::collections::BTreeMap;
use std::sync::Arc;

use xdr_domain::credentials::SecretField;
use xdr_domain::identity::Role;
use xdr_domain::secrets::{SealedSecret, SecretText};
use xdr_domain::{CredentialId, OrganizationId, SessionId, SystemClock, UserId};

use super::fakes::{FakeSealer, InMemoryCredentials};
use super::*;
use xdr_auth::{ClientInfo, Principal};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const OTHER_SECRET: &str = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY";
const TOKEN: &str = "FwoGZXIvYXdzEBYaDH8AAAAAAAAAAA==";

fn service(repo: &Arc<InMemoryCredentials>, versions: &[u32], active: u32) -> CredentialService {
    CredentialService::new(
        Arc::clone(repo) as _,
        Arc::new(FakeSealer::new(versions, active)),
        Arc::new(SystemClock),
    )
}

fn principal_in(org: OrganizationId) -> Principal {
    Principal {
        user_id: UserId::generate(),
        organization_id: org,
        role: Role::Viewer,
        session_id: SessionId::generate(),
    }
}

fn principal() -> Principal {
    principal_in(OrganizationId::generate())
}

fn input(name: &str, is_default: bool) -> CreateCredentialInput {
    CreateCredentialInput {
        name: name.into(),
        provider: "aws".into(),
        access_key_id: "AKIAIOSFODNN7EXAWXYZ".into(),
        secret_access_key: SecretText::new(SECRET.into()),
        session_token: None,
        region: None,
        account_id: None,
        is_default,
    }
}

fn temporary_input() -> CreateCredentialInput {
    CreateCredentialInput {
        access_key_id: "ASIAIOSFODNN7EXAWXYZ".into(),
        session_token: Some(SecretText::new(TOKEN.into())),
        ..input("temp", false)
    }
}

fn setup() -> (Arc<InMemoryCredentials>, CredentialService) {
    let repo = Arc::new(InMemoryCredentials::default());
    let vault = service(&repo, &[1], 1);
    (repo, vault)
}

/// Replaces a stored secret as someone with database access could.
fn tamper(repo: &InMemoryCredentials, id: CredentialId, field: SecretField, sealed: SealedSecret) {
    repo.with(|rows| {
        let c = rows.iter_mut().find(|c| c.id == id).unwrap();
        c.secrets.insert(field, sealed);
    });
}

fn stored(repo: &InMemoryCredentials, id: CredentialId, field: SecretField) -> SealedSecret {
    repo.with(|rows| {
        rows.iter()
            .find(|c| c.id == id)
            .unwrap()
            .secrets
            .get(field)
            .unwrap()
            .clone()
    })
}
