//! Forged, altered and misused access tokens are refused with 401, on both databases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use actix_web::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use xdr_auth::{AccessClaims, JwtKeyRing};

fn claims_of(token: &str) -> AccessClaims {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

fn ring_with(secret: &[u8], iss: &str, aud: &str) -> JwtKeyRing {
    JwtKeyRing::new(
        [(TEST_JWT_KID.to_owned(), secret.to_vec())],
        TEST_JWT_KID,
        iss,
        aud,
    )
    .unwrap()
}

async fn forged_and_altered_tokens_get_401(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let r = register(&app, "Acme", "ada@acme.example").await;
    let genuine = claims_of(&r.access);
    let real = jwt_ring();
    let now = chrono::Utc::now().timestamp();

    let mut forged: Vec<(&str, String)> = Vec::new();
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT","kid":"test"}"#);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&genuine).unwrap());
    forged.push(("alg none", format!("{header}.{payload}.")));
    let wrong_key = ring_with(
        b"another-secret-another-secret-another!",
        "mini-xdr",
        "mini-xdr-api",
    );
    forged.push(("wrong key", wrong_key.sign(&genuine).unwrap()));
    forged.push((
        "wrong typ",
        real.sign(&AccessClaims {
            typ: "refresh".into(),
            ..genuine.clone()
        })
        .unwrap(),
    ));
    forged.push((
        "wrong aud",
        real.sign(&AccessClaims {
            aud: "other".into(),
            ..genuine.clone()
        })
        .unwrap(),
    ));
    forged.push((
        "wrong iss",
        real.sign(&AccessClaims {
            iss: "evil".into(),
            ..genuine.clone()
        })
        .unwrap(),
    ));
    forged.push((
        "expired",
        real.sign(&AccessClaims {
            iat: now - 1000,
            exp: now - 1,
            ..genuine.clone()
        })
        .unwrap(),
    ));
    forged.push(("refresh token as access token", r.refresh.clone()));
    // Tampered payload with the original signature: escalate the role.
    let mut parts: Vec<String> = r.access.split('.').map(str::to_owned).collect();
    let mut json: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).unwrap()).unwrap();
    json["org"] = serde_json::Value::String(uuid::Uuid::now_v7().to_string());
    parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&json).unwrap());
    forged.push(("tampered claims", parts.join(".")));
    // A validly signed token naming a session that does not exist.
    forged.push((
        "unknown session",
        real.sign(&AccessClaims {
            sid: xdr_domain::SessionId::generate(),
            ..genuine.clone()
        })
        .unwrap(),
    ));
    // A validly signed token for the right session but another user.
    forged.push((
        "session of another user",
        real.sign(&AccessClaims {
            sub: xdr_domain::UserId::generate(),
            ..genuine.clone()
        })
        .unwrap(),
    ));

    for (name, token) in forged {
        let reply = send(&app, get("/api/v1/auth/me", Some(&token))).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{name}");
        assert_eq!(reply.code(), "unauthorized", "{name}");
        assert_eq!(reply.headers.get("www-authenticate").unwrap(), "Bearer");
    }
    // The genuine token still works.
    assert_eq!(
        send(&app, get("/api/v1/auth/me", Some(&r.access)))
            .await
            .status,
        StatusCode::OK
    );
}

async fn missing_or_malformed_authorization_gets_401(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let r = register(&app, "Acme", "ada@acme.example").await;
    let bad_headers = [
        String::new(),
        "Bearer".to_owned(),
        "Bearer ".to_owned(),
        format!("Basic {}", r.access),
        format!("Token {}", r.access),
    ];
    assert_eq!(
        send(&app, get("/api/v1/auth/me", None)).await.status,
        StatusCode::UNAUTHORIZED
    );
    for value in bad_headers {
        let req = get("/api/v1/auth/me", None).insert_header(("Authorization", value.clone()));
        assert_eq!(
            send(&app, req).await.status,
            StatusCode::UNAUTHORIZED,
            "{value:?}"
        );
    }
}

on_both_backends!(
    forged_and_altered_tokens_get_401,
    missing_or_malformed_authorization_gets_401
);
