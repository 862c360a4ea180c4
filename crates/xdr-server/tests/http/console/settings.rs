//! Settings (organization name, detection-rule tuning) and manual containment actions in the
//! console: the roles that may, the input that is refused, and that the change is the API's.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::http::StatusCode;

use super::browser::Browser;
use crate::common::*;

async fn a_soc_lead_tunes_rules_but_only_an_admin_renames(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let admin = register(&app, "Acme", "ada@acme.example").await;
    add_member(&app, &admin, "lee@acme.example", "soc_lead").await;
    add_member(&app, &admin, "ana@acme.example", "analyst").await;
    let mut lead = Browser::new();
    lead.sign_in(&app, "lee@acme.example", PASSWORD).await;
    let page = lead.get(&app, "/settings").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("action=\"/settings/rules/ssh_brute_force\"")
    );
    assert!(!page.body.contains("action=\"/settings/organization\""));
    let tuned = lead
        .submit(
            &app,
            "/settings/rules/ssh_brute_force",
            &[
                ("enabled", "true"),
                ("threshold", "9"),
                ("window_seconds", "120"),
            ],
        )
        .await;
    assert_eq!(tuned.status, StatusCode::SEE_OTHER, "{}", tuned.body);
    let rule = send(
        &app,
        get(
            "/api/v1/detection-rules/ssh_brute_force",
            Some(&admin.access),
        ),
    )
    .await;
    assert_eq!(rule.body["threshold"], 9, "{:?}", rule.body);
    assert_eq!(rule.body["window_seconds"], 120);
    for (fields, status) in [
        (&[("threshold", "0")][..], StatusCode::BAD_REQUEST),
        (&[("threshold", "many")][..], StatusCode::BAD_REQUEST),
        (&[("enabled", "maybe")][..], StatusCode::BAD_REQUEST),
    ] {
        let refused = lead
            .submit(&app, "/settings/rules/ssh_brute_force", fields)
            .await;
        assert_eq!(refused.status, status, "{fields:?}");
    }
    let unknown = lead.submit(&app, "/settings/rules/telepathy", &[]).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let rename = lead
        .submit(&app, "/settings/organization", &[("name", "Lee Corp")])
        .await;
    assert_eq!(rename.status, StatusCode::FORBIDDEN);
    let mut analyst = Browser::new();
    analyst.sign_in(&app, "ana@acme.example", PASSWORD).await;
    assert_eq!(
        analyst.get(&app, "/settings").await.status,
        StatusCode::FORBIDDEN
    );
    let refused = analyst
        .submit(
            &app,
            "/settings/rules/ssh_brute_force",
            &[("threshold", "1")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let rule = send(
        &app,
        get(
            "/api/v1/detection-rules/ssh_brute_force",
            Some(&admin.access),
        ),
    )
    .await;
    assert_eq!(rule.body["threshold"], 9, "unchanged by refused forms");
    let mut owner = Browser::new();
    owner.sign_in(&app, "ada@acme.example", PASSWORD).await;
    let renamed = owner
        .submit(&app, "/settings/organization", &[("name", "Acme Security")])
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER);
    let org = send(&app, get("/api/v1/organization", Some(&admin.access))).await;
    assert_eq!(org.body["name"], "Acme Security");
}

async fn a_soc_lead_takes_a_containment_action_by_hand(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let admin = register(&app, "Acme", "ada@acme.example").await;
    add_member(&app, &admin, "ana@acme.example", "analyst").await;
    let opened = send(
        &app,
        post(
            "/api/v1/events",
            Some(&admin.access),
            failed_logins("203.0.113.7", 6),
        ),
    )
    .await;
    let id = opened.body["incidents_opened"][0]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/incidents/{id}/actions");
    let mut analyst = Browser::new();
    analyst.sign_in(&app, "ana@acme.example", PASSWORD).await;
    let page = analyst.get(&app, &format!("/incidents/{id}")).await;
    assert!(!page.body.contains(&format!("action=\"{path}\"")));
    let refused = analyst.submit(&app, &path, &[("action", "block_ip")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let mut lead = Browser::new();
    lead.sign_in(&app, "ada@acme.example", PASSWORD).await;
    let bad = lead.submit(&app, &path, &[("action", "nuke")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let actions = send(&app, get("/api/v1/actions", Some(&admin.access))).await;
    let before = actions.body["items"].as_array().unwrap().len();
    let done = lead.submit(&app, &path, &[("action", "block_ip")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let after = lead.get(&app, done.location().unwrap()).await;
    assert!(after.body.contains("Action taken"));
    assert!(after.body.contains("block_ip ("), "{}", after.body);
    let actions = send(&app, get("/api/v1/actions", Some(&admin.access))).await;
    assert_eq!(actions.body["items"].as_array().unwrap().len(), before + 1);
}

on_both_backends!(
    a_soc_lead_tunes_rules_but_only_an_admin_renames,
    a_soc_lead_takes_a_containment_action_by_hand,
);
