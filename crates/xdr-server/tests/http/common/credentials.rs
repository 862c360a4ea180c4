//! Helpers of the credential vault's HTTP tests.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use serde_json::{Value, json};
use xdr_auth::PasswordHasher;
use xdr_domain::identity::{Email, FullName, NewUser, Role};
use xdr_domain::ports::UserRepository;
use xdr_domain::{OrganizationId, UserId};

use super::{PASSWORD, Registered, TEST_BCRYPT_COST, TestApp, get, login, post, send};

/// Test secrets, distinctive enough to search logs and storage for.
pub const ACCESS_KEY_ID: &str = "AKIAZ7Q2MPLX4RTVWXYZ";
pub const TEMPORARY_KEY_ID: &str = "ASIAZ7Q2MPLX4RTVABCD";
pub const SECRET: &str = "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";
pub const OTHER_SECRET: &str = "Kd8/Lm2+Np4Qr6St8Uv0Wx2Yz4Ab6Cd8Ef0Gh2Ij";
pub const SESSION_TOKEN: &str = "IQoJb3JpZ2luX2VjEHoaCXVzLWVhc3QtMSJHMEUCIQDsessiontoken+/==";

pub fn credential_body(name: &str) -> Value {
    json!({
        "name": name,
        "provider": "aws",
        "access_key_id": ACCESS_KEY_ID,
        "secret_access_key": SECRET,
        "region": "eu-west-1",
        "account_id": "012345678901",
    })
}

pub fn temporary_body(name: &str) -> Value {
    json!({
        "name": name,
        "provider": "aws",
        "access_key_id": TEMPORARY_KEY_ID,
        "secret_access_key": SECRET,
        "session_token": SESSION_TOKEN,
    })
}

/// POSTs `body` and returns the created view (asserting 201).
pub async fn create_credential<S, B>(app: &S, token: &str, body: Value) -> Value
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let reply = send(app, post("/api/v1/credentials", Some(token), body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    reply.body
}

/// GETs one credential of the caller (asserting 200) and returns its view.
pub async fn credential<S, B>(app: &S, token: &str, id: &str) -> Value
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let reply = send(app, get(&format!("/api/v1/credentials/{id}"), Some(token))).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    reply.body
}

/// A viewer in `admin`'s organization, signed in; returns their access token.
pub async fn colleague<S, B>(t: &TestApp, app: &S, admin: &Registered, email: &str) -> String
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let hasher = PasswordHasher::new(TEST_BCRYPT_COST, 1).unwrap();
    let user = NewUser {
        id: UserId::generate(),
        organization_id: admin.org_id.parse::<OrganizationId>().unwrap(),
        email: Email::parse(email).unwrap(),
        full_name: FullName::parse("Cole League").unwrap(),
        role: Role::Viewer,
        password_hash: hasher.hash(PASSWORD).await.unwrap(),
        created_at: chrono::Utc::now(),
    };
    t.db.database().users().create(user).unwrap();
    let reply = login(app, email, PASSWORD).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    reply.body["access_token"].as_str().unwrap().to_owned()
}

/// Fails if `text` holds any test secret (or the full access key ids).
pub fn assert_no_secrets(what: &str, text: &str) {
    for secret in [
        SECRET,
        OTHER_SECRET,
        SESSION_TOKEN,
        ACCESS_KEY_ID,
        TEMPORARY_KEY_ID,
    ] {
        assert!(!text.contains(secret), "{what} contains a secret:\n{text}");
    }
}

/// Copies the sealed `field` of credential `from` over the one of credential `to`, directly in
/// the database (an attacker with write access to it).
pub fn copy_sealed(t: &TestApp, from: &str, to: &str, field: &str) {
    let changed = t.db.execute_sql(&format!(
        "UPDATE credential_secrets SET sealed = (SELECT s.sealed FROM credential_secrets s \
         WHERE s.credential_id = '{from}' AND s.field = '{field}') \
         WHERE credential_id = '{to}' AND field = '{field}'"
    ));
    assert_eq!(changed, 1);
}
