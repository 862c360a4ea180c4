//! Re-sealing after a key rotation.

use super::*;

#[tokio::test]
async fn rewrap_reseals_under_the_active_key_and_reports_counts() {
    let (repo, old) = setup();
    let me = principal();
    let a = old
        .create(&me, temporary_input(), &ClientInfo::default())
        .await
        .unwrap()
        .credential
        .id;
    let b = old
        .create(&principal(), input("b", false), &ClientInfo::default())
        .await
        .unwrap()
        .credential
        .id;
    let broken = old
        .create(&me, input("broken", false), &ClientInfo::default())
        .await
        .unwrap()
        .credential
        .id;
    tamper(
        &repo,
        broken,
        SecretField::SecretAccessKey,
        stored(&repo, b, SecretField::SecretAccessKey),
    );
    assert_eq!(
        old.key_versions_in_use().await.unwrap(),
        BTreeMap::from([(1, 7)])
    );

    let rotated = service(&repo, &[1, 2], 2);
    rotated.ensure_key_versions_configured().await.unwrap();
    let report = rotated.rewrap(2).await.unwrap();
    assert_eq!(
        (report.active_version, report.resealed, report.failed),
        (2, 6, 1)
    );
    assert_eq!(report.changed_concurrently, 0);
    assert_eq!(report.key_versions, BTreeMap::from([(1, 1), (2, 6)]));

    // A ring without version 1 opens everything but the broken one.
    let retired = service(&repo, &[2], 2);
    assert_eq!(
        retired
            .reveal(&me, a)
            .await
            .unwrap()
            .session_token
            .unwrap()
            .expose(),
        TOKEN
    );
    let missing = retired.ensure_key_versions_configured().await.unwrap_err();
    assert!(matches!(&missing, KeyVersionsError::Missing(m) if m == &BTreeMap::from([(1, 1)])));
    // Running again changes nothing and still reports the broken value.
    let again = rotated.rewrap(10).await.unwrap();
    assert_eq!((again.resealed, again.failed), (0, 1));
}

#[tokio::test]
async fn rewrap_never_overwrites_a_concurrent_change() {
    let (repo, old) = setup();
    let me = principal();
    let id = old
        .create(&me, input("racing", false), &ClientInfo::default())
        .await
        .unwrap()
        .credential
        .id;
    let rotated = service(&repo, &[1, 2], 2);
    let fresh = SealedSecret::new(2, "written by a request".into());
    let written = fresh.clone();
    *repo.after_stale_list.lock().unwrap() = Some(Box::new(move |rows| {
        rows[0]
            .secrets
            .insert(SecretField::SecretAccessKey, written);
    }));
    let report = rotated.rewrap(10).await.unwrap();
    assert_eq!((report.resealed, report.changed_concurrently), (1, 1));
    assert_eq!(stored(&repo, id, SecretField::SecretAccessKey), fresh);
}
