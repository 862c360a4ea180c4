//! The crate used the way the services use it, through its public API only.

use xdr_crypto::{
    AssociatedData, CryptoError, Key, KeyRing, Sealed, TOKEN_LEN, aad, constant_time_eq,
    hash_token, hmac_sha256, random_token, verify_hmac_sha256,
};

fn credential_aad(org: &str, user: &str, credential: &str) -> AssociatedData {
    aad(&[
        ("org", org),
        ("user", user),
        ("credential", credential),
        ("field", "secret_access_key"),
    ])
}

#[test]
fn a_stored_secret_opens_only_in_its_own_row() {
    let ring = KeyRing::new([(1, Key::generate())], 1).unwrap();
    let stored = ring
        .seal(b"aws-secret", &credential_aad("org-a", "user-1", "cred-1"))
        .unwrap()
        .encode();
    let sealed = Sealed::decode(&stored).unwrap();

    let opened = ring
        .open(&sealed, &credential_aad("org-a", "user-1", "cred-1"))
        .unwrap();
    assert_eq!(opened.as_slice(), b"aws-secret");

    for elsewhere in [
        credential_aad("org-b", "user-1", "cred-1"),
        credential_aad("org-a", "user-2", "cred-1"),
        credential_aad("org-a", "user-1", "cred-2"),
        aad(&[
            ("org", "org-a"),
            ("user", "user-1"),
            ("credential", "cred-1"),
            ("field", "session_token"),
        ]),
    ] {
        assert_eq!(ring.open(&sealed, &elsewhere), Err(CryptoError::Decryption));
    }
}

#[test]
fn keys_from_configuration_rotate() {
    let old_key = Key::generate();
    let new_key = Key::generate();
    let old_text = old_key.to_base64();
    let new_text = new_key.to_base64();

    let before = KeyRing::new([(1, Key::from_base64(&old_text).unwrap())], 1).unwrap();
    let stored = before.seal(b"agent-secret", b"agent:42").unwrap().encode();

    let after = KeyRing::new(
        [
            (1, Key::from_base64(&old_text).unwrap()),
            (2, Key::from_base64(&new_text).unwrap()),
        ],
        2,
    )
    .unwrap();
    let sealed = Sealed::decode(&stored).unwrap();
    assert!(after.needs_reseal(&sealed));
    let rewrapped = after.reseal(&sealed, b"agent:42").unwrap().encode();
    assert!(rewrapped.starts_with("v1:2:"));

    let only_new = KeyRing::new([(2, Key::from_base64(&new_text).unwrap())], 2).unwrap();
    assert_eq!(
        only_new
            .open(&Sealed::decode(&rewrapped).unwrap(), b"agent:42")
            .unwrap()
            .as_slice(),
        b"agent-secret"
    );
    assert_eq!(
        only_new.open(&sealed, b"agent:42"),
        Err(CryptoError::UnknownKeyVersion(1))
    );
}

#[test]
fn one_time_tokens_are_stored_hashed_and_compared_in_constant_time() {
    let token = random_token();
    assert_eq!(token.expose().len(), TOKEN_LEN);
    let stored_hash = hash_token(token.expose());

    let presented = token.expose().to_owned();
    assert!(constant_time_eq(
        hash_token(&presented).as_bytes(),
        stored_hash.as_bytes()
    ));
    assert!(!constant_time_eq(
        hash_token(random_token().expose()).as_bytes(),
        stored_hash.as_bytes()
    ));
}

#[test]
fn agent_signatures_verify() {
    let agent_secret = random_token();
    let request = b"POST\n/api/agents/heartbeat\n1700000000\n{}";
    let signature = hmac_sha256(agent_secret.expose().as_bytes(), request);
    assert!(verify_hmac_sha256(
        agent_secret.expose().as_bytes(),
        request,
        &signature
    ));
    assert!(!verify_hmac_sha256(
        random_token().expose().as_bytes(),
        request,
        &signature
    ));
}
