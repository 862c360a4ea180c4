//! Fail-closed opening, defaults and partial updates.

use super::*;

#[tokio::test]
async fn moved_tampered_or_unknown_ciphertexts_are_undecryptable_not_errors() {
    let (repo, vault) = setup();
    let alice = principal();
    let bob = principal_in(alice.organization_id);
    let a = vault
        .create(&alice, input("a", false), &ClientInfo::default())
        .await
        .unwrap()
        .credential
        .id;
    let b = vault
        .create(&bob, input("b", false), &ClientInfo::default())
        .await
        .unwrap()
        .credential
        .id;
    let c = vault
        .create(&alice, input("c", false), &ClientInfo::default())
        .await
        .unwrap()
        .credential
        .id;

    // Bob's secret copied into Alice's row: bound to Bob's place, it does not open there.
    tamper(
        &repo,
        a,
        SecretField::SecretAccessKey,
        stored(&repo, b, SecretField::SecretAccessKey),
    );
    let got = vault.get(&alice, a).await.unwrap();
    assert_eq!(got.status, CredentialStatus::Undecryptable);
    assert!(matches!(
        vault.reveal(&alice, a).await,
        Err(CredentialError::Undecryptable)
    ));
    assert_eq!(
        vault.get(&bob, b).await.unwrap().status,
        CredentialStatus::Ok
    );

    // Unknown key version, garbage, a missing secret.
    let unknown = SealedSecret::new(
        9,
        stored(&repo, c, SecretField::AccessKeyId)
            .as_str()
            .replacen("|1|", "|9|", 1),
    );
    tamper(&repo, c, SecretField::AccessKeyId, unknown);
    assert_eq!(
        vault.get(&alice, c).await.unwrap().status,
        CredentialStatus::Undecryptable
    );
    tamper(
        &repo,
        c,
        SecretField::AccessKeyId,
        SealedSecret::new(1, "garbage".into()),
    );
    assert_eq!(
        vault.get(&alice, c).await.unwrap().status,
        CredentialStatus::Undecryptable
    );

    let statuses: Vec<_> = vault
        .list(&alice, &ListCredentialsInput::default())
        .await
        .unwrap()
        .items
        .iter()
        .map(|i| i.status)
        .collect();
    assert_eq!(statuses, [CredentialStatus::Undecryptable; 2]);
    // The owner can still replace a broken secret, or delete the credential.
    let fix = UpdateCredentialInput {
        secret_access_key: Some(SecretText::new(SECRET.into())),
        ..UpdateCredentialInput::default()
    };
    assert_eq!(
        vault
            .update(&alice, a, fix, &ClientInfo::default())
            .await
            .unwrap()
            .status,
        CredentialStatus::Ok
    );
    vault
        .delete(&alice, c, &ClientInfo::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn one_default_per_owner_and_partial_updates() {
    let (repo, vault) = setup();
    let me = principal();
    let first = vault
        .create(&me, input("first", true), &ClientInfo::default())
        .await
        .unwrap()
        .credential
        .id;
    let second = vault
        .create(&me, input("second", true), &ClientInfo::default())
        .await
        .unwrap()
        .credential
        .id;
    let defaults = |repo: &InMemoryCredentials| {
        repo.with(|rows| {
            rows.iter()
                .filter(|c| c.is_default)
                .map(|c| c.id)
                .collect::<Vec<_>>()
        })
    };
    assert_eq!(defaults(&repo), [second]);
    let update = UpdateCredentialInput {
        name: Some("renamed".into()),
        is_default: Some(true),
        secret_access_key: Some(SecretText::new(OTHER_SECRET.into())),
        ..UpdateCredentialInput::default()
    };
    let before = stored(&repo, first, SecretField::AccessKeyId);
    let updated = vault
        .update(&me, first, update, &ClientInfo::default())
        .await
        .unwrap()
        .credential;
    assert_eq!(updated.name.as_str(), "renamed");
    assert_eq!(defaults(&repo), [first]);
    assert_eq!(
        stored(&repo, first, SecretField::AccessKeyId),
        before,
        "untouched"
    );
    assert_eq!(
        vault
            .reveal(&me, first)
            .await
            .unwrap()
            .secret_access_key
            .expose(),
        OTHER_SECRET
    );

    let invalid = UpdateCredentialInput {
        secret_access_key: Some(SecretText::new("short".into())),
        ..UpdateCredentialInput::default()
    };
    assert!(matches!(
        vault
            .update(&me, first, invalid, &ClientInfo::default())
            .await,
        Err(CredentialError::Validation(_))
    ));
    let unchanged = vault
        .update(
            &me,
            first,
            UpdateCredentialInput::default(),
            &ClientInfo::default(),
        )
        .await
        .unwrap();
    assert_eq!(unchanged.credential.updated_at, updated.updated_at);
}
