//! Round trips, ownership and pages.

use super::*;

#[tokio::test]
async fn create_read_reveal_round_trip() {
    let (repo, vault) = setup();
    let me = principal();
    let created = vault
        .create(&me, temporary_input(), &ClientInfo::default())
        .await
        .unwrap();
    assert_eq!(created.status, CredentialStatus::Ok);
    let c = &created.credential;
    assert_eq!(c.access_key_preview, "ASIA…WXYZ");
    assert_eq!(
        (c.organization_id, c.user_id),
        (me.organization_id, me.user_id)
    );
    let sealed_secret = stored(&repo, c.id, SecretField::SecretAccessKey);
    assert!(!sealed_secret.as_str().contains(SECRET));

    let got = vault.get(&me, c.id).await.unwrap();
    assert_eq!(got.status, CredentialStatus::Ok);
    let page = vault
        .list(&me, &ListCredentialsInput::default())
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.next_cursor, None);

    let revealed = vault.reveal(&me, c.id).await.unwrap();
    assert_eq!(revealed.access_key_id.as_str(), "ASIAIOSFODNN7EXAWXYZ");
    assert_eq!(revealed.secret_access_key.expose(), SECRET);
    assert_eq!(revealed.session_token.unwrap().expose(), TOKEN);
    assert!(!format!("{:?}", vault.reveal(&me, c.id).await.unwrap()).contains(SECRET));
    assert!(
        vault
            .get(&me, c.id)
            .await
            .unwrap()
            .credential
            .last_used_at
            .is_some()
    );
}

#[tokio::test]
async fn only_the_owner_reaches_a_credential() {
    let (_, vault) = setup();
    let owner = principal();
    let colleague = principal_in(owner.organization_id);
    let mut outsider = principal();
    outsider.user_id = owner.user_id;
    let id = vault
        .create(&owner, input("mine", true), &ClientInfo::default())
        .await
        .unwrap()
        .credential
        .id;
    for other in [colleague, outsider] {
        assert!(matches!(
            vault.get(&other, id).await,
            Err(CredentialError::NotFound)
        ));
        assert!(matches!(
            vault.reveal(&other, id).await,
            Err(CredentialError::NotFound)
        ));
        let update = UpdateCredentialInput {
            is_default: Some(false),
            ..UpdateCredentialInput::default()
        };
        assert!(matches!(
            vault
                .update(&other, id, update, &ClientInfo::default())
                .await,
            Err(CredentialError::NotFound)
        ));
        assert!(matches!(
            vault.delete(&other, id, &ClientInfo::default()).await,
            Err(CredentialError::NotFound)
        ));
        let page = vault
            .list(&other, &ListCredentialsInput::default())
            .await
            .unwrap();
        assert!(page.items.is_empty());
    }
    assert!(vault.get(&owner, id).await.unwrap().credential.is_default);
    vault
        .delete(&owner, id, &ClientInfo::default())
        .await
        .unwrap();
    assert!(matches!(
        vault.get(&owner, id).await,
        Err(CredentialError::NotFound)
    ));
}

#[tokio::test]
async fn pages_follow_the_cursor() {
    let (_, vault) = setup();
    let me = principal();
    for i in 0..3 {
        vault
            .create(&me, input(&format!("c{i}"), false), &ClientInfo::default())
            .await
            .unwrap();
    }
    let first = vault
        .list(
            &me,
            &ListCredentialsInput {
                limit: Some(2),
                cursor: None,
            },
        )
        .await
        .unwrap();
    let names: Vec<_> = first
        .items
        .iter()
        .map(|i| i.credential.name.as_str().to_owned())
        .collect();
    assert_eq!(names, ["c2", "c1"]);
    let second = vault
        .list(
            &me,
            &ListCredentialsInput {
                limit: Some(2),
                cursor: first.next_cursor,
            },
        )
        .await
        .unwrap();
    assert_eq!(second.items.len(), 1);
    assert_eq!(second.items[0].credential.name.as_str(), "c0");
    assert_eq!(second.next_cursor, None);
}
